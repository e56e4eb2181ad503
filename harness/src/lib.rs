//! The harness: runner, captures, decoding, and the pieces the CLI wires
//! together.

pub mod baseline;
pub mod capture;
pub mod decode;
pub mod e2link;
pub mod e2port;
pub mod e2run;
pub mod e2scale;
pub mod e2sim;
pub mod matrix;
pub mod profile;
pub mod replay;
pub mod runner;
pub mod sim_cmd;
pub mod transport;

//! Sans-I/O models of Open Fronthaul units: an O-DU that generates C/U-plane
//! traffic for a TDD pattern, and an O-RU that receives, checks and answers
//! it, with deliberately faulty O-RU variants. Time is always passed in.

pub mod config;
pub mod e2;
pub mod node;
pub mod odu;
pub mod oru;
pub mod signal;
pub mod timing;
pub mod wire;

pub use node::{Node, Transmit};
pub use timing::Nanos;

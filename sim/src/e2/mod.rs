//! Sans-I/O E2 (O-RAN WG3 E2AP) simulators: an E2 node offering E2SM-KPM
//! and E2SM-RC, and a near-RT RIC that sets it up, subscribes and controls,
//! each for E2AP v01.00, v02.03 or v03.01 and each with deliberately faulty
//! variants ([`NodeFault`], [`RicFault`]). Messages carry the SCTP stream
//! they go on; the caller owns the clock and the associations.

pub mod faults;
pub mod model;
pub mod node;
pub mod proto;
pub mod ric;
pub mod sm;

pub use faults::{NodeFault, RicFault};
pub use node::{E2Node, E2NodeConfig, NodeState, NodeStats};
pub use proto::{E2Transmit, PPID_E2_CP, ReqId, STREAM_FUNCTIONAL, STREAM_GLOBAL};
pub use ric::{AssocId, NearRtRic, RicConfig};

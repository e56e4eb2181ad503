//! Open Fronthaul CUS-plane cases for an O-RU under test; the harness plays
//! the O-DU.
//!
//! Clause numbers refer to O-RAN.WG4.CUS.0 v10.00 (the version the field
//! layouts were checked against) unless a case says otherwise.

mod cases;
pub mod traffic;

use crate::case::TestCase;
use crate::model::SpecRef;

pub use cases::*;

pub(crate) const CUS: &str = "O-RAN.WG4.CUS.0";
pub(crate) const CUS_VERSION: &str = "10.00";

pub(crate) const fn cus(clause: &'static str) -> SpecRef {
    SpecRef {
        spec: CUS,
        version: CUS_VERSION,
        clause,
    }
}

/// Every fronthaul O-RU case, in catalogue order.
pub fn catalogue() -> Vec<Box<dyn TestCase>> {
    vec![
        Box::new(EcpriHeader),
        Box::new(SequenceId),
        Box::new(UplaneHeader),
        Box::new(CuCoupling),
        Box::new(BfpUplink),
        Box::new(UplinkTransmitWindow),
        Box::new(DownlinkReceiveWindow),
        Box::new(PrachSt3),
    ]
}

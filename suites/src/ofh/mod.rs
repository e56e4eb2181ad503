//! Open Fronthaul CUS-plane cases for an O-RU under test; the harness plays
//! the O-DU.
//!
//! Clause numbers refer to O-RAN.WG4.CUS.0 v10.00 (the version the field
//! layouts were checked against) unless a case says otherwise.

mod cases;
pub mod traffic;

use crate::case::TestCase;
use crate::model::SpecRef;
use std::sync::Arc;

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

/// Every fronthaul O-RU case, in catalogue order. Shared, so that a runner
/// can hand a case to a worker thread it may have to abandon.
pub fn catalogue() -> Vec<Arc<dyn TestCase>> {
    vec![
        Arc::new(EcpriHeader),
        Arc::new(SequenceId),
        Arc::new(UplaneHeader),
        Arc::new(CuCoupling),
        Arc::new(BfpUplink),
        Arc::new(UplinkTransmitWindow),
        Arc::new(DownlinkReceiveWindow),
        Arc::new(PrachSt3),
    ]
}

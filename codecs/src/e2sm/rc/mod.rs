//! E2SM-RC (O-RAN.WG3.E2SM-RC): the RAN control service model, v01.03.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::support::{SmVersion, payloads};

mod generated;

pub use generated::*;

/// An E2SM-RC version. One is supported; the parameter keeps the API the same
/// as E2SM-KPM's and leaves room for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RcVersion {
    /// O-RAN.WG3.E2SM-RC v01.03.
    V1_03,
}

impl RcVersion {
    pub const ALL: [RcVersion; 1] = [RcVersion::V1_03];

    pub fn label(self) -> &'static str {
        match self {
            RcVersion::V1_03 => "v01.03",
        }
    }
}

impl SmVersion for RcVersion {
    const ALL: &'static [Self] = &RcVersion::ALL;

    fn label(self) -> &'static str {
        RcVersion::label(self)
    }
}

impl fmt::Display for RcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for RcVersion {
    type Err = String;

    /// Accepts `v01.03`, `1.03`, `v1`, `1`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.trim_start_matches('v');
        let (major, minor) = t.split_once('.').unwrap_or((t, "03"));
        match (major.trim_start_matches('0'), minor.trim_start_matches('0')) {
            ("1", "3") => Ok(RcVersion::V1_03),
            _ => Err(format!("unknown E2SM-RC version {s:?} (known: v01.03)")),
        }
    }
}

/// The decoding context of the generated codecs.
pub(crate) type Cx = super::support::Cx<RcVersion>;

payloads! {
    RcVersion, RcPayloadKind, RcPayload;
    RanFunctionDefinition, "E2SM-RC-RANFunctionDefinition", E2smRcRanFunctionDefinition,
        decode_ran_function_definition, encode_ran_function_definition,
        "RAN function definition (`E2SM-RC-RANFunctionDefinition`).";
    EventTrigger, "E2SM-RC-EventTrigger", E2smRcEventTrigger,
        decode_event_trigger, encode_event_trigger,
        "Event trigger definition (`E2SM-RC-EventTrigger`).";
    ActionDefinition, "E2SM-RC-ActionDefinition", E2smRcActionDefinition,
        decode_action_definition, encode_action_definition,
        "Action definition (`E2SM-RC-ActionDefinition`).";
    IndicationHeader, "E2SM-RC-IndicationHeader", E2smRcIndicationHeader,
        decode_indication_header, encode_indication_header,
        "Indication header (`E2SM-RC-IndicationHeader`).";
    IndicationMessage, "E2SM-RC-IndicationMessage", E2smRcIndicationMessage,
        decode_indication_message, encode_indication_message,
        "Indication message (`E2SM-RC-IndicationMessage`).";
    CallProcessId, "E2SM-RC-CallProcessID", E2smRcCallProcessId,
        decode_call_process_id, encode_call_process_id,
        "Call process ID (`E2SM-RC-CallProcessID`).";
    ControlHeader, "E2SM-RC-ControlHeader", E2smRcControlHeader,
        decode_control_header, encode_control_header,
        "Control header (`E2SM-RC-ControlHeader`).";
    ControlMessage, "E2SM-RC-ControlMessage", E2smRcControlMessage,
        decode_control_message, encode_control_message,
        "Control message (`E2SM-RC-ControlMessage`).";
    ControlOutcome, "E2SM-RC-ControlOutcome", E2smRcControlOutcome,
        decode_control_outcome, encode_control_outcome,
        "Control outcome (`E2SM-RC-ControlOutcome`).";
}

/// Whether `bytes` is exactly one valid payload of `kind` under v01.03 (no
/// extension it does not define, nothing left over), or where it parts from
/// it.
pub fn detect_version(kind: RcPayloadKind, bytes: &[u8]) -> Vec<(RcVersion, std::result::Result<(), String>)> {
    check_versions(kind, bytes)
}

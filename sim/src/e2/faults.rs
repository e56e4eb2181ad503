//! Deliberate defects of the simulated E2 node and near-RT RIC, one per
//! negative conformance case, each selectable by name.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

macro_rules! faults {
    ($(#[$m:meta])* $ty:ident, $what:literal, { $($(#[$vm:meta])* $var:ident = $name:literal : $desc:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $ty {
            $($(#[$vm])* $var,)*
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$var,)*];

            pub fn name(self) -> &'static str {
                match self { $($ty::$var => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $($ty::$var => $desc,)* }
            }
        }

        impl FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                $ty::ALL.iter().copied().find(|f| f.name() == s).ok_or_else(|| {
                    let names: Vec<_> = $ty::ALL.iter().map(|f| f.name()).collect();
                    format!("unknown {} variant {s:?}; known: {}", $what, names.join(", "))
                })
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

faults!(
    /// A deliberate defect of the simulated E2 node.
    NodeFault, "E2 node", {
        /// Conformant behaviour.
        None = "none": "conformant E2 node",
        IgnoreRejectCriticality = "ignore-reject-criticality":
            "processes a request carrying an unknown or erroneous IE with criticality reject",
        NoNotifyErrorIndication = "no-notify-error-indication":
            "accepts an unknown IE with criticality notify without sending an Error Indication",
        SilentOnMalformed = "silent-on-malformed": "answers a malformed PDU with nothing",
        CrashOnUnknownProcedure = "crash-on-unknown-procedure":
            "goes silent and aborts the association on an unknown procedure code",
        AcceptReusedTransactionId = "accept-reused-transaction-id":
            "runs a second procedure with a transaction ID still in use",
        AcceptUnknownRanFunction = "accept-unknown-ran-function":
            "accepts a subscription to a RAN function it does not have",
        WrongCauseUnknownRanFunction = "wrong-cause-unknown-ran-function":
            "refuses a subscription to an unknown RAN function with cause misc/unspecified",
        AcceptUnsupportedAction = "accept-unsupported-action":
            "admits insert and policy actions on its report-only KPM function",
        AcceptDuplicateRequestId = "accept-duplicate-request-id":
            "accepts a subscription whose RIC request ID is already in use",
        RetrySetupEarly = "retry-setup-early":
            "retries E2 Setup after a quarter of the Time To Wait it was given",
        IndicationsAfterReset = "indications-after-reset":
            "keeps its subscriptions, and their indications, across a Reset",
        DeleteUnknownSucceeds = "delete-unknown-succeeds":
            "answers the deletion of an unknown subscription with success",
        TruncateOversized = "truncate-oversized":
            "cuts indication messages to 65535 octets",
        VersionSkew = "version-skew":
            "builds its messages with another E2AP version's IEs (v01.00 for v2+, v03.01 for v01.00)",
        KpmV2Timestamp = "kpm-v2-timestamp":
            "writes a 4-octet E2SM-KPM v2.03 TimeStamp in its v3.00 indication headers",
        CrashOnBadSetupResponse = "crash-on-bad-setup-response":
            "goes silent and aborts the association on a setup response it cannot use",
    }
);

faults!(
    /// A deliberate defect of the simulated near-RT RIC.
    RicFault, "near-RT RIC", {
        /// Conformant behaviour.
        None = "none": "conformant near-RT RIC",
        CrashOnErrorIndication = "crash-on-error-indication":
            "asserts on any Error Indication: goes silent and drops every association",
        SilentOnMalformed = "silent-on-malformed": "never sends an Error Indication for a malformed PDU",
        NoTimeToWait = "no-time-to-wait": "refuses E2 Setup without the Time To Wait its configuration gives",
        AcceptEarlySetup = "accept-early-setup":
            "accepts a setup retry that arrives before the Time To Wait it gave",
        DuplicateRequestId = "duplicate-request-id": "gives every subscription the same RIC request ID",
        IgnoreRejectCriticality = "ignore-reject-criticality":
            "accepts a request carrying an unknown or erroneous IE with criticality reject",
        NoNotifyErrorIndication = "no-notify-error-indication":
            "accepts an unknown IE with criticality notify without sending an Error Indication",
        CrashOnUnknownProcedure = "crash-on-unknown-procedure":
            "goes silent and drops every association on an unknown procedure code",
        AcceptReusedTransactionId = "accept-reused-transaction-id":
            "runs a second procedure with a transaction ID still in use",
        RejectOversized = "reject-oversized":
            "cannot take an indication over 64 KB: answers it with a transfer-syntax Error Indication",
        VersionSkew = "version-skew":
            "answers with another E2AP version's IEs (v01.00 for v2+, v03.01 for v01.00)",
        KeepSubscriptionsAfterReset = "keep-subscriptions-after-reset":
            "keeps its subscriptions after a Reset from the node, and deletes them later",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for f in NodeFault::ALL {
            assert_eq!(f.name().parse::<NodeFault>(), Ok(*f));
        }
        for f in RicFault::ALL {
            assert_eq!(f.name().parse::<RicFault>(), Ok(*f));
        }
        assert!("nope".parse::<NodeFault>().unwrap_err().contains("silent-on-malformed"));
    }
}

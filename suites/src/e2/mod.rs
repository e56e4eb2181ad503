//! E2 (O-RAN WG3 E2AP) conformance cases: an E2 node under test (the
//! harness plays the near-RT RIC) and a near-RT RIC under test (the harness
//! plays one E2 node), each case with a stable ID, the E2AP clause it
//! judges, its applicability from the DUT's E2 claims, and findings that
//! quote the clause where each check is made.
//!
//! Cases drive an [`E2Port`]: in virtual time against the simulators
//! ([`SimE2Port`], built by [`simulated_port`]), or over SCTP.
//!
//! Clause numbers are those of O-RAN.WG3.E2AP v03.01, kept in [`clause`];
//! the procedures and error handling they name are numbered the same in
//! v01.00 and v02.03.

mod node_cases;
pub mod peer;
pub mod port;
mod ric_cases;

use crate::case::Outcome;
use crate::model::{Applicability, CaseMeta, CaseResult, SpecRef, Verdict};
use codecs::e2ap::E2apVersion;
use serde::{Deserialize, Serialize};
use sim::e2::{E2Node, E2NodeConfig, NearRtRic, NodeFault, RicConfig, RicFault};
use std::sync::Arc;

pub use port::{E2Captured, E2Dir, E2Event, E2Message, E2Port, E2PortError, Nanos, SimE2Dut, SimE2Port};

pub const E2AP_SPEC: &str = "O-RAN.WG3.E2AP";

/// The E2AP clauses the cases judge against, in one place. Procedures are
/// in clause 8 (8.2 RIC functional, 8.3 global), message and IE definitions
/// in 9, error handling in 10; 8.2.2 / 8.2.2.3 were checked against the
/// published text (ETSI TS 104 039, the transposed E2AP), the others follow
/// that structure and want checking against the version under test.
pub mod clause {
    /// RIC Subscription.
    pub const SUBSCRIPTION: &str = "8.2.1";
    /// RIC Subscription, successful operation.
    pub const SUBSCRIPTION_OK: &str = "8.2.1.2";
    /// RIC Subscription, unsuccessful operation (the failure and its cause).
    pub const SUBSCRIPTION_FAIL: &str = "8.2.1.3";
    /// RIC Subscription, abnormal conditions (duplicate RIC request ID).
    pub const SUBSCRIPTION_ABNORMAL: &str = "8.2.1.4";
    /// RIC Subscription Delete.
    pub const DELETE: &str = "8.2.2";
    /// RIC Subscription Delete, unsuccessful operation (unknown RIC request ID).
    pub const DELETE_FAIL: &str = "8.2.2.3";
    /// RIC Indication.
    pub const INDICATION: &str = "8.2.3";
    /// RIC Control.
    pub const CONTROL: &str = "8.2.4";
    /// E2 Setup.
    pub const SETUP: &str = "8.3.1";
    /// E2 Setup, successful operation.
    pub const SETUP_OK: &str = "8.3.1.2";
    /// E2 Setup, unsuccessful operation (Time To Wait).
    pub const SETUP_FAIL: &str = "8.3.1.3";
    /// E2 Setup, abnormal conditions.
    pub const SETUP_ABNORMAL: &str = "8.3.1.4";
    /// Reset.
    pub const RESET: &str = "8.3.2";
    /// Reporting of general error situations (Error Indication).
    pub const ERROR_INDICATION: &str = "8.3.3";
    /// RIC Service Update.
    pub const SERVICE_UPDATE: &str = "8.3.4";
    /// RIC Service Query.
    pub const SERVICE_QUERY: &str = "8.3.7";
    /// Message and IE definitions (the ASN.1 of the version).
    pub const ASN1: &str = "9.3";
    /// Handling of unknown, unforeseen and erroneous protocol data.
    pub const ERROR_HANDLING: &str = "10";
    /// Transfer syntax error.
    pub const TRANSFER_SYNTAX: &str = "10.2";
    /// Abstract syntax error: criticality information.
    pub const CRITICALITY: &str = "10.3.2";
    /// Not comprehended procedure code.
    pub const UNKNOWN_PROCEDURE: &str = "10.3.4.1";
    /// Not comprehended IEs other than the procedure code and message type.
    pub const UNKNOWN_IE: &str = "10.3.4.2";
    /// Logical error (message not compatible with receiver state).
    pub const LOGICAL_ERROR: &str = "10.4";
}

/// The specification version label of an E2AP version, e.g. "03.01".
pub fn spec_version(v: E2apVersion) -> &'static str {
    match v {
        E2apVersion::V1_00 => "01.00",
        E2apVersion::V2_03 => "02.03",
        E2apVersion::V3_01 => "03.01",
        E2apVersion::Latest => "latest",
    }
}

/// A clause of the E2AP version under test.
pub fn e2ap_clause(v: E2apVersion, clause: &'static str) -> SpecRef {
    SpecRef {
        spec: E2AP_SPEC,
        version: spec_version(v),
        clause,
    }
}

/// A clause of v03.01, for the static case descriptions.
pub(crate) const fn e2ap(clause: &'static str) -> SpecRef {
    SpecRef {
        spec: E2AP_SPEC,
        version: "03.01",
        clause,
    }
}

/// Which side of E2 a suite tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum E2Side {
    /// An E2 node (gNB, O-CU, O-DU) under test; the harness is the near-RT RIC.
    Node,
    /// A near-RT RIC under test; the harness is one E2 node.
    Ric,
}

impl E2Side {
    /// The suite's name: `e2-node` or `e2-ric`.
    pub fn suite(self) -> &'static str {
        match self {
            E2Side::Node => "e2-node",
            E2Side::Ric => "e2-ric",
        }
    }

    pub fn from_suite(s: &str) -> Option<E2Side> {
        match s {
            "e2-node" => Some(E2Side::Node),
            "e2-ric" => Some(E2Side::Ric),
            _ => None,
        }
    }
}

/// A RAN function an E2 node claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct E2RanFunction {
    pub id: u16,
    /// e.g. "E2SM-KPM".
    pub service_model: String,
    /// e.g. "3.00".
    pub version: String,
    pub oid: String,
}

/// The E2 claims the cases need (a DUT profile's `[pics.e2]`, made plain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct E2Pics {
    pub e2ap_versions: Vec<E2apVersion>,
    /// The RAN functions an E2 node offers (empty for a RIC).
    #[serde(default)]
    pub ran_functions: Vec<E2RanFunction>,
    /// A near-RT RIC subscribes to an E2 node's KPM function once the node
    /// is set up (on its own or through an xApp the lab deploys).
    #[serde(default = "yes")]
    pub ric_subscribes_after_setup: bool,
}

fn yes() -> bool {
    true
}

impl E2Pics {
    /// What the simulated E2 node claims.
    pub fn simulated_node() -> Self {
        let node = E2NodeConfig::new(E2apVersion::V3_01);
        E2Pics {
            e2ap_versions: vec![E2apVersion::V1_00, E2apVersion::V2_03, E2apVersion::V3_01],
            ran_functions: vec![
                E2RanFunction {
                    id: node.kpm_function_id,
                    service_model: "E2SM-KPM".into(),
                    version: "3.00".into(),
                    oid: sim::e2::sm::KPM_OID.into(),
                },
                E2RanFunction {
                    id: node.rc_function_id,
                    service_model: "E2SM-RC".into(),
                    version: "1.03".into(),
                    oid: sim::e2::sm::RC_OID.into(),
                },
            ],
            ric_subscribes_after_setup: true,
        }
    }

    /// What the simulated near-RT RIC claims.
    pub fn simulated_ric() -> Self {
        E2Pics {
            e2ap_versions: vec![E2apVersion::V1_00, E2apVersion::V2_03, E2apVersion::V3_01],
            ran_functions: Vec::new(),
            ric_subscribes_after_setup: true,
        }
    }

    /// From a DUT profile's E2 claims.
    pub fn from_profile(p: &crate::profile::E2Pics) -> Self {
        E2Pics {
            e2ap_versions: p.e2ap_versions.get_ref().iter().map(|v| v.0).collect(),
            ran_functions: p
                .ran_functions
                .iter()
                .map(|f| E2RanFunction {
                    id: f.id.0,
                    service_model: f.service_model.0.clone(),
                    version: f.version.clone(),
                    oid: f.oid.clone(),
                })
                .collect(),
            ric_subscribes_after_setup: true,
        }
    }

    pub fn function(&self, model: &str) -> Option<&E2RanFunction> {
        self.ran_functions.iter().find(|f| f.service_model == model)
    }
}

/// Everything an E2 case needs to know about the test bed.
#[derive(Debug, Clone)]
pub struct E2Setup {
    /// The E2AP version under test (one the DUT claims).
    pub version: E2apVersion,
    pub pics: E2Pics,
    /// SCTP payload protocol identifier the harness sends (70, E2-CP).
    pub ppid: u32,
}

impl E2Setup {
    pub fn new(version: E2apVersion, pics: E2Pics) -> Self {
        E2Setup {
            version,
            pics,
            ppid: 70,
        }
    }

    /// A clause of the version under test.
    pub fn clause(&self, c: &'static str) -> SpecRef {
        e2ap_clause(self.version, c)
    }
}

/// What a case needs a simulated DUT configured with (a lab would
/// configure a real DUT the same way, or the case comes out inconclusive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimNeeds {
    /// The near-RT RIC refuses the first E2 Setup (with a Time To Wait).
    pub ric_refuses_first_setup: bool,
}

/// An E2 conformance case.
pub trait E2Case: Send + Sync {
    fn meta(&self) -> CaseMeta;
    fn side(&self) -> E2Side;
    /// Decided from the claims and the version under test, before anything runs.
    fn applicability(&self, _setup: &E2Setup) -> Applicability {
        Applicability::Required
    }
    fn sim_needs(&self) -> SimNeeds {
        SimNeeds::default()
    }
    fn run(&self, setup: &E2Setup, port: &mut dyn E2Port) -> Outcome;
}

/// One case as data: its description, and functions for the rest.
pub(crate) struct Case {
    pub meta: CaseMeta,
    pub side: E2Side,
    pub applies: fn(&E2Setup) -> Applicability,
    pub needs: SimNeeds,
    pub run: fn(&E2Setup, &mut dyn E2Port) -> Outcome,
}

impl E2Case for Case {
    fn meta(&self) -> CaseMeta {
        self.meta.clone()
    }
    fn side(&self) -> E2Side {
        self.side
    }
    fn applicability(&self, setup: &E2Setup) -> Applicability {
        (self.applies)(setup)
    }
    fn sim_needs(&self) -> SimNeeds {
        self.needs
    }
    fn run(&self, setup: &E2Setup, port: &mut dyn E2Port) -> Outcome {
        (self.run)(setup, port)
    }
}

pub(crate) fn always(_: &E2Setup) -> Applicability {
    Applicability::Required
}

/// Cases about the Transaction ID: v01.00 has none.
pub(crate) fn needs_transaction_id(s: &E2Setup) -> Applicability {
    if s.version >= E2apVersion::V2_03 {
        Applicability::Required
    } else {
        Applicability::NotApplicable(format!(
            "E2AP {} has no TransactionID, so no transaction ID can be reused",
            s.version
        ))
    }
}

/// Every E2 case, node cases first, in catalogue order.
pub fn catalogue() -> Vec<Arc<dyn E2Case>> {
    let mut v = node_cases::all();
    v.extend(ric_cases::all());
    v
}

/// The cases of one side, in catalogue order.
pub fn suite(side: E2Side) -> Vec<Arc<dyn E2Case>> {
    catalogue().into_iter().filter(|c| c.side() == side).collect()
}

/// Whether `case` applies: the DUT must claim the version under test, then
/// the case decides.
pub fn applicability(case: &dyn E2Case, setup: &E2Setup) -> Applicability {
    if !setup.pics.e2ap_versions.contains(&setup.version) {
        let claimed: Vec<_> = setup.pics.e2ap_versions.iter().map(|v| v.label()).collect();
        return Applicability::NotApplicable(format!(
            "the DUT claims E2AP {} only, not {}",
            claimed.join(", "),
            setup.version
        ));
    }
    case.applicability(setup)
}

/// Run one case against the DUT behind `port`.
pub fn run(case: &dyn E2Case, setup: &E2Setup, port: &mut dyn E2Port) -> Outcome {
    case.run(setup, port)
}

/// Decide applicability, run the case if it applies, and return its result
/// (wall-clock fields and artifacts left for the runner) with the capture.
pub fn run_case(case: &dyn E2Case, setup: &E2Setup, port: &mut dyn E2Port) -> (CaseResult, Vec<E2Captured>) {
    let applicability = applicability(case, setup);
    let meta = case.meta();
    if let Applicability::NotApplicable(why) = &applicability {
        let r = CaseResult {
            meta,
            reason: format!("not applicable: {why}"),
            applicability,
            verdict: Verdict::None,
            findings: Vec::new(),
            measurements: Vec::new(),
            artifacts: Vec::new(),
            started: None,
            duration_s: 0.0,
            executed: false,
            timing: Vec::new(),
        };
        return (r, Vec::new());
    }
    let out = case.run(setup, port);
    let capture = port.take_capture();
    let r = CaseResult {
        meta,
        applicability,
        verdict: out.verdict(),
        reason: out.reason(),
        findings: out.findings,
        measurements: out.measurements,
        artifacts: Vec::new(),
        started: None,
        duration_s: 0.0,
        executed: true,
        timing: Vec::new(),
    };
    (r, capture)
}

/// One-way delay of the simulated association.
pub const SIM_DELAY: Nanos = 100_000;

/// The simulated E2 node configured for `case`.
pub fn simulated_node_config(_case: &dyn E2Case, version: E2apVersion, fault: NodeFault) -> E2NodeConfig {
    E2NodeConfig::new(version).with_fault(fault)
}

/// The simulated near-RT RIC configured for `case`.
pub fn simulated_ric_config(case: &dyn E2Case, version: E2apVersion, fault: RicFault) -> RicConfig {
    let mut c = RicConfig::new(version).with_fault(fault);
    if case.sim_needs().ric_refuses_first_setup {
        c.refuse_setups = 1;
    }
    c
}

/// A port to the simulator `case` tests: the E2 node (with `node_fault`)
/// for a node case, the near-RT RIC (with `ric_fault`) for a RIC case.
pub fn simulated_port(
    case: &dyn E2Case,
    version: E2apVersion,
    node_fault: NodeFault,
    ric_fault: RicFault,
) -> SimE2Port {
    match case.side() {
        E2Side::Node => SimE2Port::node(E2Node::new(simulated_node_config(case, version, node_fault)), SIM_DELAY),
        E2Side::Ric => SimE2Port::ric(
            NearRtRic::new(simulated_ric_config(case, version, ric_fault)),
            SIM_DELAY,
        ),
    }
}

/// The set-up for a run against the simulator of `side`.
pub fn simulated_setup(side: E2Side, version: E2apVersion) -> E2Setup {
    let pics = match side {
        E2Side::Node => E2Pics::simulated_node(),
        E2Side::Ric => E2Pics::simulated_ric(),
    };
    E2Setup::new(version, pics)
}

/// Run the cases of `side` that `select` keeps against the simulator, in
/// virtual time, each on a fresh association to a fresh simulator (the E2
/// node with `node_fault` for `e2-node`, the near-RT RIC with `ric_fault`
/// for `e2-ric`): each case's result and capture, in catalogue order.
pub fn run_simulated(
    side: E2Side,
    version: E2apVersion,
    node_fault: NodeFault,
    ric_fault: RicFault,
    select: impl Fn(&CaseMeta) -> bool,
) -> Vec<(CaseResult, Vec<E2Captured>)> {
    let setup = simulated_setup(side, version);
    suite(side)
        .iter()
        .filter(|c| select(&c.meta()))
        .map(|c| {
            let mut port = simulated_port(c.as_ref(), version, node_fault, ric_fault);
            run_case(c.as_ref(), &setup, &mut port)
        })
        .collect()
}

/// A capture as JSON lines (one message a line: time, direction, stream,
/// PPID, message name under `version`, length, hex), for a case artifact.
pub fn capture_jsonl(version: E2apVersion, capture: &[E2Captured]) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        t_s: f64,
        dir: E2Dir,
        stream: u16,
        ppid: u32,
        message: &'a str,
        decoded_as: Option<&'static str>,
        len: usize,
        hex: String,
    }
    let mut out = String::new();
    for m in capture {
        let (pdu, as_v, _) = peer::decode_lenient(version, &m.bytes);
        let name = match &pdu {
            Some(p) => p.message_name().unwrap_or("unknown procedure"),
            None => "undecodable",
        };
        let line = Line {
            t_s: m.at as f64 / 1e9,
            dir: m.dir,
            stream: m.stream,
            ppid: m.ppid,
            message: name,
            decoded_as: as_v.map(E2apVersion::label),
            len: m.bytes.len(),
            hex: m.bytes.iter().map(|b| format!("{b:02x}")).collect(),
        };
        if let Ok(s) = serde_json::to_string(&line) {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

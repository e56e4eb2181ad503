//! Running the E2 suites (`e2-node`, `e2-ric`) through the same runner as
//! the fronthaul one: selection, partitions, timeouts, parallel cases,
//! events, reports. Each case gets a fresh association to the DUT from an
//! [`E2PortFactory`]; its messages are kept as a pcap (SCTP, so Wireshark
//! dissects the E2AP) and as JSON lines.

use crate::capture::{self, SctpMessage};
use crate::runner::{
    CaseArtifacts, DutInfo, Job, Reporter, RunHeader, RunOptions, WorkerResult, components, panic_message, schedule,
};
use codecs::e2ap::E2apVersion;
use sim::e2::{NodeFault, RicFault};
use std::io;
use std::path::Path;
use std::sync::Arc;
use suites::e2::{E2Captured, E2Case, E2Dir, E2Port, E2Setup, E2Side};
use suites::model::{Applicability, Artifact, CaseMeta, CaseResult, RunResult};

/// Opens an association to the E2 DUT, afresh for each case.
pub trait E2PortFactory: Send + Sync {
    /// An association for `case`, run with `setup`.
    fn open(&self, case: &dyn E2Case, setup: &E2Setup) -> Result<Box<dyn E2Port + Send>, String>;
    /// The DUT as the reports name it.
    fn dut_name(&self) -> String;
    /// Whether every case talks to the same DUT (so cases run one at a time).
    fn shared(&self) -> bool {
        true
    }
}

/// The in-process simulators, in virtual time: a fresh E2 node (with
/// `node_fault`) for each `e2-node` case, a fresh near-RT RIC (with
/// `ric_fault`) for each `e2-ric` case, configured as the case needs.
pub struct SimulatedE2 {
    pub side: E2Side,
    pub node_fault: NodeFault,
    pub ric_fault: RicFault,
    pub node_functions: NodeFunctions,
}

/// The RAN function IDs the simulated E2 node offers its KPM and RC
/// functions under, when a profile says (the simulator's own otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeFunctions {
    pub kpm: Option<u16>,
    pub rc: Option<u16>,
}

impl NodeFunctions {
    /// As the claims name them.
    pub fn of(pics: &suites::e2::E2Pics) -> Self {
        NodeFunctions {
            kpm: pics.function("E2SM-KPM").map(|f| f.id),
            rc: pics.function("E2SM-RC").map(|f| f.id),
        }
    }
}

impl E2PortFactory for SimulatedE2 {
    fn open(&self, case: &dyn E2Case, setup: &E2Setup) -> Result<Box<dyn E2Port + Send>, String> {
        if case.side() == E2Side::Node {
            let mut config = suites::e2::simulated_node_config(case, setup.version, self.node_fault);
            if let Some(id) = self.node_functions.kpm {
                config.kpm_function_id = id;
            }
            if let Some(id) = self.node_functions.rc {
                config.rc_function_id = id;
            }
            return Ok(Box::new(suites::e2::SimE2Port::node(
                sim::e2::E2Node::new(config),
                suites::e2::SIM_DELAY,
            )));
        }
        Ok(Box::new(suites::e2::simulated_port(
            case,
            setup.version,
            self.node_fault,
            self.ric_fault,
        )))
    }

    fn dut_name(&self) -> String {
        match self.side {
            E2Side::Node => format!("simulated E2 node ({})", self.node_fault.name()),
            E2Side::Ric => format!("simulated near-RT RIC ({})", self.ric_fault.name()),
        }
    }

    fn shared(&self) -> bool {
        false
    }
}

/// A real E2 node or near-RT RIC over SCTP: a fresh association per case
/// (see [`crate::e2port::E2Endpoint`]), cases one at a time.
pub struct LinkE2 {
    pub endpoint: crate::e2port::E2Endpoint,
    /// How long to wait for the association (a node under test reconnecting).
    pub open_timeout: std::time::Duration,
}

impl E2PortFactory for LinkE2 {
    fn open(&self, _case: &dyn E2Case, _setup: &E2Setup) -> Result<Box<dyn E2Port + Send>, String> {
        let deadline = std::time::Instant::now() + self.open_timeout;
        match self.endpoint.open(deadline) {
            Ok(p) => Ok(Box::new(p)),
            Err(e) => Err(format!("{}: {e}", self.endpoint.describe())),
        }
    }

    fn dut_name(&self) -> String {
        self.endpoint.describe()
    }
}

/// What to run against an E2 node or a near-RT RIC.
pub struct E2RunPlan {
    pub side: E2Side,
    /// The version under test and the DUT's claims.
    pub setup: E2Setup,
    /// The link to the DUT; `None` = the in-process simulator of `side`.
    pub port: Option<Arc<dyn E2PortFactory>>,
    /// The simulators' variants (when `port` is `None`).
    pub node_fault: NodeFault,
    pub ric_fault: RicFault,
    /// The simulated E2 node's RAN function IDs.
    pub node_functions: NodeFunctions,
    pub opts: RunOptions,
}

impl E2RunPlan {
    /// A run of `side`'s suite against its conformant simulator, claims and
    /// version as the simulator's.
    pub fn simulated(side: E2Side, version: E2apVersion, dir: std::path::PathBuf) -> Self {
        E2RunPlan {
            side,
            setup: suites::e2::simulated_setup(side, version),
            port: None,
            node_fault: NodeFault::None,
            ric_fault: RicFault::None,
            node_functions: NodeFunctions::default(),
            opts: RunOptions::new(dir),
        }
    }

    fn factory(&self) -> Arc<dyn E2PortFactory> {
        match &self.port {
            Some(p) => p.clone(),
            None => Arc::new(SimulatedE2 {
                side: self.side,
                node_fault: self.node_fault,
                ric_fault: self.ric_fault,
                node_functions: self.node_functions,
            }),
        }
    }
}

/// The interface names the O-RAN results schema uses for each side.
pub fn interface(side: E2Side) -> &'static str {
    match side {
        E2Side::Node => "o-du.e2",
        E2Side::Ric => "near-rt-ric.e2",
    }
}

struct E2Job {
    case: Arc<dyn E2Case>,
    factory: Arc<dyn E2PortFactory>,
    setup: Arc<E2Setup>,
    side: E2Side,
}

impl Job for E2Job {
    fn meta(&self) -> CaseMeta {
        self.case.meta()
    }

    fn applicability(&self) -> Applicability {
        suites::e2::applicability(&*self.case, &self.setup)
    }

    fn work(&self) -> WorkerResult {
        let mut port = match self.factory.open(&*self.case, &self.setup) {
            Ok(p) => p,
            Err(e) => return WorkerResult::OpenFailed(e),
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            suites::e2::run(&*self.case, &self.setup, &mut *port)
        }))
        .map_err(panic_message);
        let capture = port.take_capture();
        WorkerResult::Ran {
            outcome,
            artifacts: Box::new(E2CaseCapture {
                version: self.setup.version,
                dut_is_ric: self.side == E2Side::Ric,
                capture,
            }),
        }
    }
}

/// The messages of one E2 case.
struct E2CaseCapture {
    version: E2apVersion,
    dut_is_ric: bool,
    capture: Vec<E2Captured>,
}

impl CaseArtifacts for E2CaseCapture {
    fn write(self: Box<Self>, dir: &Path, result: &mut CaseResult) -> io::Result<()> {
        let id = result.meta.id;
        let pcap_rel = format!("cases/{id}.pcap");
        capture::write_e2_pcap(
            &dir.join(&pcap_rel),
            self.dut_is_ric,
            self.capture.iter().map(|c| SctpMessage {
                ts_ns: c.at,
                from_harness: c.dir == E2Dir::ToDut,
                stream: c.stream,
                ppid: c.ppid,
                data: &c.bytes,
            }),
        )?;
        let jsonl_rel = format!("cases/{id}.e2.jsonl");
        std::fs::write(
            dir.join(&jsonl_rel),
            suites::e2::capture_jsonl(self.version, &self.capture),
        )?;
        let sent = self.capture.iter().filter(|c| c.dir == E2Dir::ToDut).count();
        let received = self.capture.len() - sent;
        result.artifacts.push(Artifact {
            name: "capture".into(),
            path: pcap_rel,
            description: format!(
                "every E2AP message the harness sent ({sent}) and received ({received}), as SCTP DATA chunks \
                 between synthetic addresses (harness {}, DUT {}); timestamps from the association's start",
                std::net::Ipv4Addr::from(capture::E2_HARNESS_IP),
                std::net::Ipv4Addr::from(capture::E2_DUT_IP),
            ),
        });
        result.artifacts.push(Artifact {
            name: "e2-messages".into(),
            path: jsonl_rel,
            description: format!(
                "the same messages as JSON lines: time, direction, stream, PPID, message name under E2AP {}, hex",
                self.version
            ),
        });
        Ok(())
    }
}

/// Run the selected cases of `plan.side`'s suite; returns the result.
pub fn run(plan: &E2RunPlan, cases: &[Arc<dyn E2Case>], reporters: &mut [&mut dyn Reporter]) -> io::Result<RunResult> {
    let factory = plan.factory();
    let opts = &plan.opts;
    let simulated = plan.port.is_none();
    let dut_name = match &opts.dut {
        Some(d) if simulated => format!("{} ({})", d.name, factory.dut_name()),
        Some(d) => d.name.clone(),
        None => factory.dut_name(),
    };
    let setup = Arc::new(plan.setup.clone());
    let jobs: Vec<Arc<dyn Job>> = cases
        .iter()
        .filter(|c| c.side() == plan.side)
        .map(|case| {
            Arc::new(E2Job {
                case: case.clone(),
                factory: factory.clone(),
                setup: setup.clone(),
                side: plan.side,
            }) as Arc<dyn Job>
        })
        .collect();
    let (role, harness_role) = match plan.side {
        E2Side::Node => ("E2 node", "near-RT RIC emulator (test harness)"),
        E2Side::Ric => ("Near-RT RIC", "E2 node emulator (test harness)"),
    };
    let header = RunHeader {
        interface: interface(plan.side).into(),
        profile: profile_name(opts.dut.as_ref(), plan.setup.version),
        components: components(simulated, opts.dut.as_ref(), dut_name.clone(), role, harness_role),
        dut_name,
        seed: 0,
    };
    schedule(opts, factory.shared(), &jobs, header, reporters)
}

/// The profile the reports carry: the DUT profile's name, with the E2AP
/// version under test.
fn profile_name(dut: Option<&DutInfo>, version: E2apVersion) -> String {
    match dut {
        Some(d) => format!("{} (E2AP {version})", d.profile),
        None => format!("E2AP {version}"),
    }
}

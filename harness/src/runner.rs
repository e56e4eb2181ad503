//! The runner: selects cases, runs each against a fresh link to the DUT,
//! stamps wall-clock times, keeps per-case captures, and emits events that
//! reporters consume (terminal progress, report files, an event log).
//!
//! Each case runs on a worker thread, so that a case that hangs can be given
//! up on after the case timeout (an error verdict) while the run goes on.
//! Cases that each get their own simulated DUT run several at a time
//! ([`RunPlan::jobs`]); cases sharing one real DUT run one at a time. Events
//! and reporters stay on the calling thread, and the result keeps catalogue
//! order whatever order the cases finish in.

use crate::capture;
use reports::LabInfo;
use serde::Serialize;
use sim::Nanos;
use sim::oru::OruFault;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use suites::bed;
use suites::case::{Ctx, Outcome, Setup, TestCase};
use suites::model::{Applicability, Artifact, CaseMeta, CaseResult, Component, RunResult, Verdict};
use suites::port::{CaptureDir, Captured, Port, PortError};

/// What the runner tells its reporters.
pub enum Event<'a> {
    RunStarted {
        run: &'a RunResult,
    },
    CaseStarted {
        index: usize,
        total: usize,
        id: &'static str,
    },
    /// `index` is the case's place in the selection; `done` counts the
    /// cases finished so far, this one included (cases may finish out of
    /// order when they run in parallel).
    CaseFinished {
        index: usize,
        done: usize,
        total: usize,
        run: &'a RunResult,
        case: &'a CaseResult,
    },
    RunFinished {
        run: &'a RunResult,
    },
}

/// A consumer of runner events.
pub trait Reporter {
    fn on_event(&mut self, event: &Event<'_>) -> io::Result<()>;
}

/// Rewrites junit.xml and results.json after every case, so that a run cut
/// short still leaves valid reports of what finished.
pub struct ReportFiles {
    pub dir: PathBuf,
    pub lab: LabInfo,
}

impl Reporter for ReportFiles {
    fn on_event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match event {
            Event::RunStarted { run } | Event::CaseFinished { run, .. } | Event::RunFinished { run } => {
                reports::write_all(&self.dir, run, &self.lab).map(|_| ())
            }
            Event::CaseStarted { .. } => Ok(()),
        }
    }
}

/// Progress on standard error, one line per finished case; on a terminal
/// also a bar of cases done with the ones running (none in a CI log).
#[derive(Default)]
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    running: Vec<&'static str>,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    fn line(done: usize, total: usize, case: &CaseResult) -> String {
        format!(
            "[{}/{}] {:<22} {:<14} {:>6.2}s",
            done,
            total,
            case.meta.id,
            reports::case_state(case, false).label().to_uppercase(),
            case.duration_s
        )
    }
}

impl Reporter for Progress {
    fn on_event(&mut self, event: &Event<'_>) -> io::Result<()> {
        use std::io::IsTerminal;
        match event {
            Event::RunStarted { run } if io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new(run.cases.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} cases {elapsed_precise} {wide_msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                self.bar = Some(bar);
            }
            Event::CaseStarted { id, .. } => {
                self.running.push(id);
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("running {}", self.running.join(" ")));
                }
            }
            Event::CaseFinished { done, total, case, .. } => {
                self.running.retain(|id| *id != case.meta.id);
                let line = Self::line(*done, *total, case);
                match &self.bar {
                    Some(bar) => {
                        bar.println(line);
                        bar.set_position(*done as u64);
                        bar.set_message(format!("running {}", self.running.join(" ")));
                    }
                    None => eprintln!("{line}"),
                }
            }
            Event::RunFinished { .. } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// JSON lines of what happened, for machines and post-mortems.
pub struct EventLog {
    out: io::BufWriter<std::fs::File>,
}

impl EventLog {
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(EventLog {
            out: io::BufWriter::new(std::fs::File::create(path)?),
        })
    }
}

#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum LogLine<'a> {
    RunStarted {
        run_id: &'a str,
        at: String,
        cases: usize,
    },
    CaseStarted {
        id: &'a str,
        at: String,
    },
    CaseFinished {
        id: &'a str,
        at: String,
        verdict: &'a str,
        reason: &'a str,
        duration_s: f64,
    },
    RunFinished {
        at: String,
        overall: &'a str,
    },
}

impl Reporter for EventLog {
    fn on_event(&mut self, event: &Event<'_>) -> io::Result<()> {
        let line = match event {
            Event::RunStarted { run } => LogLine::RunStarted {
                run_id: &run.run_id,
                at: now_rfc3339(),
                cases: run.cases.len(),
            },
            Event::CaseStarted { id, .. } => LogLine::CaseStarted { id, at: now_rfc3339() },
            Event::CaseFinished { case, .. } => LogLine::CaseFinished {
                id: case.meta.id,
                at: now_rfc3339(),
                verdict: case.verdict.as_str(),
                reason: &case.reason,
                duration_s: case.duration_s,
            },
            Event::RunFinished { run } => LogLine::RunFinished {
                at: now_rfc3339(),
                overall: run.overall().as_str(),
            },
        };
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// `*` matches any run of characters; everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some((c, rest)) => t.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && go(rest, &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Which cases to run or list: each non-empty list must match (IDs by glob,
/// tags exactly, clauses by prefix, e.g. "7.8" selects 7.8.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub ids: Vec<String>,
    pub tags: Vec<String>,
    pub clauses: Vec<String>,
}

impl Selection {
    pub fn matches(&self, m: &suites::model::CaseMeta) -> bool {
        (self.ids.is_empty() || self.ids.iter().any(|g| glob_match(g, m.id)))
            && (self.tags.is_empty()
                || self
                    .tags
                    .iter()
                    .any(|t| m.tags.iter().any(|x| x.eq_ignore_ascii_case(t))))
            && (self.clauses.is_empty()
                || self.clauses.iter().any(|c| {
                    let c = c.trim_start_matches('§');
                    m.clause.clause == c || m.clause.clause.starts_with(&format!("{c}."))
                }))
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.tags.is_empty() && self.clauses.is_empty()
    }
}

/// A share of the catalogue for one of several CI machines: the k-th of n
/// (1-based), cases dealt round-robin in catalogue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub k: usize,
    pub n: usize,
}

impl std::str::FromStr for Partition {
    type Err = String;

    /// `k/n` or nextest's `count:k/n`.
    fn from_str(s: &str) -> Result<Self, String> {
        let body = s.strip_prefix("count:").unwrap_or(s);
        let (k, n) = body
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)))
            .ok_or_else(|| format!("partition {s:?}: want k/n, e.g. 2/4"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("partition {s:?}: need 1 <= k <= n"));
        }
        Ok(Partition { k, n })
    }
}

/// Opens the link to the DUT, afresh for each case.
pub trait PortFactory {
    /// A link for one case run with `setup`.
    fn open(&self, setup: &Setup) -> Result<Box<dyn Port>, PortError>;
    /// A link for the case `id`, and the setup to run it with: by default
    /// [`PortFactory::open`], the traffic moved ahead of the port's clock (on
    /// a real clock it must lie ahead of now).
    fn open_case(&self, _id: &str, setup: &Setup) -> Result<(Box<dyn Port>, Setup), PortError> {
        let port = self.open(setup)?;
        let setup = bed::starting_after(setup, port.now() + self.lead());
        Ok((port, setup))
    }
    /// How long after the port's `now()` a case's traffic may start at the
    /// earliest: time to build the plan and queue it on a real clock (none
    /// in virtual time, which stands still while the harness works).
    fn lead(&self) -> Nanos {
        0
    }
    /// The DUT as the reports name it.
    fn dut_name(&self) -> String;
    /// Whether every case talks to the same DUT (a real device behind a
    /// link), so that cases must run one at a time; a factory that makes a
    /// fresh DUT per case says false and its cases may run in parallel.
    fn shared(&self) -> bool {
        true
    }
}

/// The in-process simulated O-RU with a given fault, in virtual time.
pub struct SimulatedOru(pub OruFault);

impl PortFactory for SimulatedOru {
    fn open(&self, setup: &Setup) -> Result<Box<dyn Port>, PortError> {
        Ok(Box::new(bed::simulated_oru(setup, self.0)))
    }

    fn dut_name(&self) -> String {
        format!("simulated O-RU ({})", self.0.name())
    }

    fn shared(&self) -> bool {
        false
    }
}

/// The DUT as its profile describes it, for the reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutInfo {
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub software_version: String,
    /// The profile name the reports carry (the IOT profile when it is one).
    pub profile: String,
}

/// The default case timeout.
pub const DEFAULT_CASE_TIMEOUT: Duration = Duration::from_secs(120);

/// What every run has, whatever the interface under test.
pub struct RunOptions {
    /// ID globs, tags, clauses; empty = every case.
    pub select: Selection,
    pub partition: Option<Partition>,
    /// The run folder.
    pub dir: PathBuf,
    /// Set (e.g. by a Ctrl-C handler) to stop after the case in progress.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Cases at once when each gets its own DUT (see [`PortFactory::shared`]).
    pub jobs: usize,
    /// Wall-clock limit of one case; `None` waits for ever.
    pub case_timeout: Option<Duration>,
    /// The DUT's description from its profile; `None` = as the port names it.
    pub dut: Option<DutInfo>,
}

impl RunOptions {
    pub fn new(dir: PathBuf) -> Self {
        RunOptions {
            select: Selection::default(),
            partition: None,
            dir,
            stop: None,
            jobs: 1,
            case_timeout: Some(DEFAULT_CASE_TIMEOUT),
            dut: None,
        }
    }

    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// What to run against an O-RU.
pub struct RunPlan {
    pub setup: Setup,
    /// The simulated O-RU variant under test (when `port` is `None`).
    pub fault: OruFault,
    /// The link to the DUT; `None` = the in-process simulated O-RU with `fault`.
    pub port: Option<Arc<dyn PortFactory + Send + Sync>>,
    pub opts: RunOptions,
}

impl RunPlan {
    pub fn new(setup: Setup, fault: OruFault, dir: PathBuf) -> Self {
        RunPlan {
            setup,
            fault,
            port: None,
            opts: RunOptions::new(dir),
        }
    }
}

/// The DUT (`role`, simulated or behind a link) and the harness playing
/// `harness_role`, as the reports list them.
pub(crate) fn components(
    simulated: bool,
    dut: Option<&DutInfo>,
    dut_name: String,
    role: &str,
    harness_role: &str,
) -> Vec<Component> {
    let version = env!("CARGO_PKG_VERSION").to_string();
    let (vendor, model, software_version) = match (simulated, dut) {
        // The simulator configured as the profile's unit.
        (true, Some(d)) => (
            format!("oran-harness simulator, configured as {}", d.vendor),
            d.model.clone(),
            version.clone(),
        ),
        (true, None) => ("oran-harness simulator".into(), dut_name, version.clone()),
        (false, Some(d)) => (d.vendor.clone(), d.model.clone(), d.software_version.clone()),
        // Behind a link the harness does not know who answers.
        (false, None) => ("unknown".into(), dut_name, "unknown".into()),
    };
    vec![
        Component {
            role: role.into(),
            vendor,
            model,
            software_version,
        },
        Component {
            role: harness_role.into(),
            vendor: "oran-harness".into(),
            model: "harness".into(),
            software_version: version,
        },
    ]
}

pub(crate) fn not_run(meta: suites::model::CaseMeta, applicability: Applicability) -> CaseResult {
    CaseResult {
        meta,
        applicability,
        verdict: Verdict::None,
        reason: String::new(),
        findings: vec![],
        measurements: vec![],
        artifacts: vec![],
        started: None,
        duration_s: 0.0,
        executed: false,
        timing: vec![],
    }
}

/// Where each plane's messages fell against its window, from the capture
/// (harness-side timestamps on the air-time clock).
fn timing_series(setup: &Setup, capture: &[suites::port::Captured]) -> Vec<suites::model::TimingSeries> {
    use suites::analyze::{AirTimeRef, AnalyzeConfig, Analyzer, Plane};
    let mut a = Analyzer::new(AnalyzeConfig {
        numerology: Some(setup.fh.numerology().mu()),
        carrier_prbs: Some(setup.fh.carrier.prbs),
        air_time: Some(AirTimeRef::air_clock(0)),
        ..Default::default()
    });
    for c in capture {
        a.push(c.at, &c.frame);
    }
    let d = &setup.fh.delay;
    let us = |ns: u64| ns as f64 / 1000.0;
    let delay = us(setup.transport_delay);
    a.finish()
        .timing
        .into_iter()
        .map(|t| {
            // Harness-side times: frames to the O-RU are measured when sent
            // (their window applies on arrival, `delay` later); frames from
            // it when received.
            let (label, lo, hi) = match (t.plane, t.direction) {
                (Plane::C, "DL") => (
                    "DL C-plane sent (O-RU window T2a_cp_dl)",
                    us(d.t2a_min_cp_dl) + delay,
                    us(d.t2a_max_cp_dl) + delay,
                ),
                (Plane::C, _) => (
                    "UL C-plane sent (O-RU window T2a_cp_ul)",
                    us(d.t2a_min_cp_ul) + delay,
                    us(d.t2a_max_cp_ul) + delay,
                ),
                (Plane::U, "DL") => (
                    "DL U-plane sent (O-RU window T2a_up)",
                    us(d.t2a_min_up) + delay,
                    us(d.t2a_max_up) + delay,
                ),
                (Plane::U, _) => (
                    "UL U-plane received (O-RU window Ta3)",
                    -(us(d.ta3_max) + delay),
                    -(us(d.ta3_min) + delay),
                ),
            };
            suites::model::TimingSeries {
                label: label.into(),
                window_us: [lo, hi],
                bin_us: suites::analyze::timing::BIN_NS as f64 / 1000.0,
                histogram: t.histogram,
                messages: t.messages,
            }
        })
        .collect()
}

fn finished(index: usize, done: usize, total: usize, run: &RunResult) -> Event<'_> {
    Event::CaseFinished {
        index,
        done,
        total,
        run,
        case: &run.cases[index],
    }
}

/// A case as the scheduler sees it, whatever the interface under test.
pub(crate) trait Job: Send + Sync {
    fn meta(&self) -> CaseMeta;
    /// Decided before anything runs.
    fn applicability(&self) -> Applicability;
    /// On a worker thread: open a fresh link to the DUT and run the case.
    fn work(&self) -> WorkerResult;
}

/// What a case leaves behind besides its outcome (captures), written into
/// the run folder once the case is over.
pub(crate) trait CaseArtifacts: Send {
    fn write(self: Box<Self>, dir: &Path, result: &mut CaseResult) -> io::Result<()>;
}

/// What a worker thread reports about its case.
pub(crate) enum WorkerResult {
    /// The link to the DUT could not be opened.
    OpenFailed(String),
    Ran {
        /// The outcome, or the message of the panic that ended the case.
        outcome: Result<Outcome, String>,
        artifacts: Box<dyn CaseArtifacts>,
    },
}

/// A case handed to a worker thread.
struct Running {
    clock: Instant,
    started: String,
}

/// `120`, `1.5`: seconds as a person writes them.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", s as u64)
    } else {
        format!("{s}")
    }
}

pub(crate) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// A fronthaul case and the factory of links to its DUT.
struct FronthaulJob {
    case: Arc<dyn TestCase>,
    factory: Arc<dyn PortFactory + Send + Sync>,
    setup: Arc<Setup>,
}

impl Job for FronthaulJob {
    fn meta(&self) -> CaseMeta {
        self.case.meta()
    }

    fn applicability(&self) -> Applicability {
        self.case.applicability(&self.setup.pics)
    }

    fn work(&self) -> WorkerResult {
        let (mut port, setup) = match self.factory.open_case(self.case.meta().id, &self.setup) {
            Ok(p) => p,
            Err(e) => return WorkerResult::OpenFailed(e.to_string()),
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut ctx = Ctx {
                setup: &setup,
                port: &mut *port,
            };
            self.case.run(&mut ctx)
        }))
        .map_err(panic_message)
        .map(|o| match port.divergence() {
            Some(how) => diverged(o, &how),
            None => o,
        });
        let capture = port.take_capture();
        WorkerResult::Ran {
            outcome,
            artifacts: Box::new(FronthaulCapture { setup, capture }),
        }
    }
}

/// An outcome drawn from a DUT that answered other traffic than the case
/// sent (a replayed recording that does not match): inconclusive, whatever
/// the findings said, and the findings kept.
fn diverged(mut o: Outcome, how: &str) -> Outcome {
    let was = o.verdict();
    // A failure found in such answers is no more the DUT's than a pass.
    for f in o.findings.iter_mut().filter(|f| f.verdict == Verdict::Fail) {
        f.verdict = Verdict::Inconclusive;
        f.message = format!("(from the mismatched recording) {}", f.message);
    }
    o.findings.insert(
        0,
        suites::model::Finding {
            verdict: Verdict::Inconclusive,
            clause: suites::model::SpecRef {
                spec: "oran-harness",
                version: env!("CARGO_PKG_VERSION"),
                clause: "replay",
            },
            message: format!(
                "the recording does not match this case ({how}): its answers may be to other traffic, so the {} verdict is not kept",
                was.as_str()
            ),
        },
    );
    o
}

/// The frames of one fronthaul case, and the setup it ran with (traffic
/// moved ahead of the clock).
struct FronthaulCapture {
    setup: Setup,
    capture: Vec<Captured>,
}

impl CaseArtifacts for FronthaulCapture {
    fn write(self: Box<Self>, dir: &Path, result: &mut CaseResult) -> io::Result<()> {
        let pcap_rel = format!("cases/{}.pcap", result.meta.id);
        capture::write_pcap(
            &dir.join(&pcap_rel),
            self.capture.iter().map(|c| (c.at, c.frame.as_slice())),
        )?;
        let (sent, received) = self.capture.iter().fold((0, 0), |(s, r), c| match c.dir {
            CaptureDir::ToDut => (s + 1, r),
            CaptureDir::FromDut => (s, r + 1),
        });
        result.timing = timing_series(&self.setup, &self.capture);
        result.artifacts.push(Artifact {
            name: "capture".into(),
            path: pcap_rel,
            description: format!(
                "every frame the harness sent ({sent}) and received ({received}); timestamps are the air-time clock, 0 = start of frame 0"
            ),
        });
        Ok(())
    }
}

/// Record a finished case in `result`, writing its artifacts.
fn record(dir: &Path, result: &mut CaseResult, running: Running, done: WorkerResult) -> io::Result<()> {
    result.started = Some(running.started);
    result.duration_s = running.clock.elapsed().as_secs_f64();
    let (outcome, artifacts) = match done {
        WorkerResult::OpenFailed(e) => {
            // Attempted and lost to the test bed: an error, never a skip.
            result.executed = true;
            result.verdict = Verdict::Error;
            result.reason = format!("harness error: could not open the link to the DUT: {e}");
            return Ok(());
        }
        WorkerResult::Ran { outcome, artifacts } => (outcome, artifacts),
    };
    result.executed = true;
    artifacts.write(dir, result)?;
    match outcome {
        Ok(o) => {
            result.verdict = o.verdict();
            result.reason = o.reason();
            result.findings = o.findings;
            result.measurements = o.measurements;
        }
        Err(msg) => {
            result.verdict = Verdict::Error;
            result.reason = format!("harness error: the case panicked: {msg}");
        }
    }
    Ok(())
}

/// Run the selected cases against the O-RU; returns the result.
pub fn run(plan: &RunPlan, cases: &[Arc<dyn TestCase>], reporters: &mut [&mut dyn Reporter]) -> io::Result<RunResult> {
    let factory: Arc<dyn PortFactory + Send + Sync> = match &plan.port {
        Some(p) => p.clone(),
        None => Arc::new(SimulatedOru(plan.fault)),
    };
    let opts = &plan.opts;
    let dut_name = match &opts.dut {
        Some(d) if plan.port.is_none() => format!("{} (simulated, {})", d.name, plan.fault.name()),
        Some(d) => d.name.clone(),
        None => factory.dut_name(),
    };
    let setup = Arc::new(plan.setup.clone());
    let jobs: Vec<Arc<dyn Job>> = cases
        .iter()
        .map(|case| {
            Arc::new(FronthaulJob {
                case: case.clone(),
                factory: factory.clone(),
                setup: setup.clone(),
            }) as Arc<dyn Job>
        })
        .collect();
    let header = RunHeader {
        interface: "o-ru.ofh".into(),
        profile: opts
            .dut
            .as_ref()
            .map(|d| d.profile.clone())
            .unwrap_or_else(|| "CAT-A-NoBF".into()),
        components: components(
            plan.port.is_none(),
            opts.dut.as_ref(),
            dut_name.clone(),
            "O-RU",
            "O-DU emulator (test harness)",
        ),
        dut_name,
        seed: plan.setup.stimulus.map(|s| s.seed).unwrap_or(0),
    };
    schedule(opts, factory.shared(), &jobs, header, reporters)
}

/// What a run's result says about the run itself.
pub(crate) struct RunHeader {
    pub dut_name: String,
    pub interface: String,
    pub profile: String,
    pub components: Vec<Component>,
    pub seed: u64,
}

/// Select, then run the cases on worker threads (`opts.jobs` at once unless
/// `shared`), giving up on a case after the case timeout, and emit events as
/// cases finish; the result keeps selection order.
pub(crate) fn schedule(
    opts: &RunOptions,
    shared: bool,
    jobs: &[Arc<dyn Job>],
    header: RunHeader,
    reporters: &mut [&mut dyn Reporter],
) -> io::Result<RunResult> {
    std::fs::create_dir_all(opts.dir.join("cases"))?;
    let selected: Vec<&Arc<dyn Job>> = jobs
        .iter()
        .filter(|c| opts.select.matches(&c.meta()))
        .enumerate()
        .filter(|(i, _)| opts.partition.is_none_or(|p| i % p.n == p.k - 1))
        .map(|(_, c)| c)
        .collect();
    let mut run = RunResult {
        run_id: uuid::Uuid::new_v4().to_string(),
        dut_name: header.dut_name,
        interface: header.interface,
        profile: header.profile,
        components: header.components,
        started: now_rfc3339(),
        finished: None,
        seed: header.seed,
        cases: selected.iter().map(|c| not_run(c.meta(), c.applicability())).collect(),
        // Until the last case finishes, reports written on the way say so.
        interrupted: true,
    };
    let emit = |reporters: &mut [&mut dyn Reporter], e: &Event<'_>| -> io::Result<()> {
        for r in reporters.iter_mut() {
            r.on_event(e)?;
        }
        Ok(())
    };
    emit(reporters, &Event::RunStarted { run: &run })?;
    let total = selected.len();
    let at_once = if shared { 1 } else { opts.jobs.max(1) };
    let (tx, rx) = mpsc::channel::<(usize, WorkerResult)>();
    let mut running: std::collections::BTreeMap<usize, Running> = Default::default();
    let (mut next, mut done) = (0, 0);
    loop {
        while running.len() < at_once && next < total && !opts.stopped() {
            let index = next;
            next += 1;
            if matches!(run.cases[index].applicability, Applicability::NotApplicable(_)) {
                done += 1;
                emit(reporters, &finished(index, done, total, &run))?;
                continue;
            }
            let job = selected[index].clone();
            let id = run.cases[index].meta.id;
            emit(reporters, &Event::CaseStarted { index, total, id })?;
            let tx = tx.clone();
            running.insert(
                index,
                Running {
                    clock: Instant::now(),
                    started: now_rfc3339(),
                },
            );
            // A case that hangs keeps its thread; the run stops waiting for
            // it at the timeout, and a late answer finds nobody listening.
            std::thread::Builder::new().name(format!("case {id}")).spawn(move || {
                let _ = tx.send((index, job.work()));
            })?;
        }
        if running.is_empty() {
            break;
        }
        let wait = opts.case_timeout.map(|limit| {
            running
                .values()
                .map(|r| limit.saturating_sub(r.clock.elapsed()))
                .min()
                .unwrap_or(limit)
        });
        let received = match wait {
            Some(w) => rx.recv_timeout(w).ok(),
            None => rx.recv().ok(),
        };
        if let Some((index, result)) = received {
            if let Some(r) = running.remove(&index) {
                record(&opts.dir, &mut run.cases[index], r, result)?;
                done += 1;
                emit(reporters, &finished(index, done, total, &run))?;
            }
            continue;
        }
        // Nothing within the wait: every case past its limit is given up on.
        let Some(limit) = opts.case_timeout else { continue };
        let expired: Vec<usize> = running
            .iter()
            .filter(|(_, r)| r.clock.elapsed() >= limit)
            .map(|(i, _)| *i)
            .collect();
        for index in expired {
            let r = running.remove(&index).expect("listed as running");
            let result = &mut run.cases[index];
            result.executed = true;
            result.started = Some(r.started);
            result.duration_s = r.clock.elapsed().as_secs_f64();
            result.verdict = Verdict::Error;
            result.reason = format!(
                "timed out after {} s (the case was abandoned; no capture kept)",
                seconds(limit)
            );
            done += 1;
            emit(reporters, &finished(index, done, total, &run))?;
        }
    }
    if next < total {
        // Stopped: leave the rest as not run; the reports say the run was interrupted.
        for c in run.cases[next..]
            .iter_mut()
            .filter(|c| !matches!(c.applicability, Applicability::NotApplicable(_)))
        {
            c.reason = "not run: the run was interrupted".into();
        }
        run.finished = Some(now_rfc3339());
        emit(reporters, &Event::RunFinished { run: &run })?;
        return Ok(run);
    }
    run.interrupted = false;
    run.finished = Some(now_rfc3339());
    emit(reporters, &Event::RunFinished { run: &run })?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn selection_by_tag_and_clause() {
        use super::Selection;
        let cases = suites::ofh::catalogue();
        let pick = |s: Selection| -> Vec<&str> {
            cases
                .iter()
                .map(|c| c.meta())
                .filter(|m| s.matches(m))
                .map(|m| m.id)
                .collect()
        };
        let by_tag = pick(Selection {
            tags: vec!["delay-management".into()],
            ..Default::default()
        });
        assert_eq!(by_tag, ["OFH.DLM.UL.TX.01", "OFH.DLM.DL.RX.01"]);
        let by_clause = pick(Selection {
            clauses: vec!["5.1.3.2".into()],
            ..Default::default()
        });
        assert_eq!(by_clause, ["OFH.TRN.ECPRI.01", "OFH.TRN.SEQ.01"]);
        let both = pick(Selection {
            tags: vec!["uplink".into()],
            clauses: vec!["§7.8".into()],
            ..Default::default()
        });
        assert_eq!(both, ["OFH.NRG.COUPLING.01"]);
    }

    #[test]
    fn globs() {
        assert!(glob_match("OFH.DLM.*", "OFH.DLM.UL.TX.01"));
        assert!(glob_match("*PRACH*", "OFH.ST3.PRACH.01"));
        assert!(glob_match("ofh.trn.seq.01", "OFH.TRN.SEQ.01"));
        assert!(!glob_match("OFH.CMP.*", "OFH.DLM.UL.TX.01"));
        assert!(glob_match("*", ""));
    }
}

//! `harness`: run conformance suites, list them, decode captures.

mod e2cmd;

use clap::{Args, Parser, Subcommand};
use codecs::e2ap::E2apVersion;
use codecs::eaxc::EaxcSplit;
use codecs::framing::FramingConfig;
use codecs::fronthaul::compression::UdCompHdr;
use codecs::fronthaul::uplane::{UdCompMode, UplaneConfig};
use harness::capture::CaptureReader;
use harness::decode::{self, DecodeOptions, Totals};
use harness::runner::{self, EventLog, Progress, ReportFiles, Reporter, RunPlan};
use harness::transport::{LinkSpec, RealTimeLinks};
use sim::e2::{NodeFault, RicFault};
use sim::oru::OruFault;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use suites::bed;
use suites::e2::E2Side;
use suites::model::Applicability;

#[derive(Parser)]
#[command(name = "harness", version, about = "O-RAN Open Fronthaul conformance harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the fronthaul O-RU suite against the simulated O-RU (in-process,
    /// virtual time), or in real time against an O-RU on a link (--interface
    /// or --udp-*; its receive counters cannot be read there, so
    /// OFH.DLM.DL.RX.01 does not apply), and write the reports into a run folder.
    Run(RunArgs),
    /// List the cases and whether each applies to the DUT.
    List(ListArgs),
    /// Decode a pcap or pcapng capture of eCPRI / O-RAN fronthaul frames.
    Decode(DecodeArgs),
    /// Analyse a capture: flows, inferred compression, sequence, C/U-plane
    /// coupling, timing against air time; findings name the clause.
    Analyze(AnalyzeArgs),
    /// Measure `analyze` throughput on a capture, beside tshark on the same file.
    Bench(BenchArgs),
    /// Run a simulated unit on a real link, in real time.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Interoperability matrix: the O-RU suite for every O-DU x O-RU pair of
    /// profiles (simulated units configured from them); pairs that cannot
    /// work together are named up front. Writes matrix.json, matrix.html and
    /// one run folder per pair.
    Matrix(MatrixArgs),
    /// Decode and encode E2AP messages and E2SM payloads (ALIGNED PER <-> readable tree or JSON).
    #[command(subcommand)]
    E2(e2cmd::E2Command),
}

#[derive(Subcommand)]
enum SimCommand {
    /// The simulated O-RU, answering the harness over a network interface
    /// (or UDP); prints "ready" once it listens.
    Oru(SimOruArgs),
    /// The simulated E2 node, connecting to a near-RT RIC over SCTP (again
    /// whenever its association ends); prints "ready" once connected.
    #[command(name = "e2node")]
    E2node(harness::e2sim::NodeArgs),
    /// The simulated near-RT RIC, accepting E2 nodes over SCTP; prints
    /// "ready" once it listens.
    Ric(harness::e2sim::RicArgs),
}

/// Where a real-time link goes: an interface, or a pair of UDP endpoints.
#[derive(Args)]
struct LinkArgs {
    /// Network interface for raw Ethernet (needs CAP_NET_RAW).
    #[arg(long, conflicts_with_all = ["udp_bind", "udp_peer"])]
    interface: Option<String>,
    /// eCPRI over UDP instead: this end's IPv4 address and port...
    #[arg(long, requires = "udp_peer")]
    udp_bind: Option<std::net::SocketAddrV4>,
    /// ...and the other end's.
    #[arg(long, requires = "udp_bind")]
    udp_peer: Option<std::net::SocketAddrV4>,
}

impl LinkArgs {
    fn spec(&self) -> Option<LinkSpec> {
        match (&self.interface, self.udp_bind, self.udp_peer) {
            (Some(i), _, _) => Some(LinkSpec::Ethernet { interface: i.clone() }),
            (None, Some(local), Some(peer)) => Some(LinkSpec::Udp { local, peer }),
            _ => None,
        }
    }
}

#[derive(Args)]
struct SimOruArgs {
    #[command(flatten)]
    link: LinkArgs,
    /// O-RU variant: "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none", value_parser = parse_fault)]
    ru_variant: OruFault,
    /// Seed of the signal at the antenna (the harness must use the same).
    #[arg(long, default_value_t = bed::DEFAULT_STIMULUS_SEED)]
    seed: u64,
    /// Carrier bandwidth in MHz (the harness must use the same) [default:
    /// the profile's, or 100].
    #[arg(long)]
    bandwidth_mhz: Option<u32>,
    /// Raise the maximum of every window by this many microseconds (the
    /// harness must use the same).
    #[arg(long, default_value_t = 0)]
    widen_windows_us: u64,
    /// Stop after this many seconds [default: run until interrupted].
    #[arg(long)]
    duration_s: Option<f64>,
    /// Configure the O-RU from this O-RU profile (carrier, compression,
    /// udCompHdr, windows, eAxC split); the harness must use the same.
    #[arg(long)]
    profile: Option<PathBuf>,
}

#[derive(Args)]
struct BenchArgs {
    /// Capture file.
    file: PathBuf,
    /// Passes over the capture (held in memory) to time.
    #[arg(long, default_value_t = 5)]
    passes: u32,
    /// Also time `tshark -V` (full dissection, the usual way captures are read) on the file.
    #[arg(long)]
    tshark: bool,
}

#[derive(Args)]
struct AnalyzeArgs {
    /// Capture file (pcap or pcapng; Ethernet, optionally VLAN-tagged, or IPv4/UDP).
    file: PathBuf,
    /// JSON instead of the human summary.
    #[arg(long)]
    json: bool,
    /// U-plane compression, when known (e.g. bfp:9); inferred per flow otherwise.
    #[arg(long)]
    comp: Option<UdCompHdr>,
    /// With --comp: U-plane sections carry udCompHdr (dynamic).
    #[arg(long)]
    dynamic_comp: bool,
    /// PRBs of the carrier (numPrb = 0); inferred when absent.
    #[arg(long)]
    carrier_prbs: Option<u16>,
    /// eAxC ID bit split DU_port,BandSector,CC,RU_port, for display.
    #[arg(long)]
    eaxc_split: Option<EaxcSplit>,
    /// Numerology mu (0..4); inferred from the slot IDs when absent.
    #[arg(long)]
    numerology: Option<u8>,
    /// How timestamps relate to air time: "ptp" (from the PTP Sync messages
    /// in the capture: SFN 0 at the GPS epoch on the PTP timescale; the
    /// default, used when the capture carries them), "gps" (SFN 0 at the GPS
    /// epoch, timestamps in UTC), "air" (timestamps already on the air clock,
    /// as in this harness's own captures) or "off".
    #[arg(long, default_value = "ptp")]
    air_time: String,
    /// Correction added to the air-time origin, in nanoseconds.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    air_time_offset_ns: i64,
    /// UDP port(s) carrying eCPRI over IP (repeatable; none = any UDP).
    #[arg(long = "udp-port")]
    udp_ports: Vec<u16>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Which suite a run or a listing covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum Suite {
    /// Open Fronthaul, an O-RU under test (the harness is the O-DU).
    Ofh,
    /// E2, an E2 node under test (the harness is the near-RT RIC).
    E2Node,
    /// E2, a near-RT RIC under test (the harness is an E2 node).
    E2Ric,
}

impl Suite {
    fn e2_side(self) -> Option<E2Side> {
        match self {
            Suite::Ofh => None,
            Suite::E2Node => Some(E2Side::Node),
            Suite::E2Ric => Some(E2Side::Ric),
        }
    }

    /// The suite that tests a DUT of this profile's role.
    fn for_profile(p: &harness::profile::Profile) -> Result<Suite, String> {
        use harness::profile::Role;
        match p.role() {
            Role::ORu => Ok(Suite::Ofh),
            Role::E2Node => Ok(Suite::E2Node),
            Role::NearRtRic => Ok(Suite::E2Ric),
            Role::ODu => Err(format!(
                "{} is an O-DU profile: no suite tests an O-DU alone; pair it with O-RU profiles in `harness matrix`",
                p.dut.name
            )),
        }
    }
}

#[derive(Args)]
struct RunArgs {
    /// Run folder for reports and captures [default: runs/<UTC time>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The suite [default: the one for the profile's role, or ofh].
    #[arg(long, value_enum)]
    suite: Option<Suite>,
    /// E2 suites: the E2AP version under test [default: the newest the DUT claims].
    #[arg(long)]
    e2ap: Option<E2apVersion>,
    /// Simulated E2 node variant (e2-node): "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none")]
    node_variant: NodeFault,
    /// Simulated near-RT RIC variant (e2-ric): "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none")]
    ric_variant: RicFault,
    /// e2-ric: the near-RT RIC under test at ADDR:PORT instead of the
    /// simulator (the harness, as an E2 node, connects afresh for every case).
    #[arg(long, value_name = "ADDR:PORT", conflicts_with = "e2_listen")]
    e2_connect: Option<std::net::SocketAddr>,
    /// e2-node: listen at ADDR:PORT for the E2 node under test instead of the
    /// simulator (the node connects, and again after every case).
    #[arg(long, value_name = "ADDR:PORT")]
    e2_listen: Option<std::net::SocketAddr>,
    /// E2 over a real association: SCTP and its UDP encapsulation ports.
    #[command(flatten)]
    sctp: harness::e2sim::SctpArgs,
    /// Simulated O-RU variant: "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none", value_parser = parse_fault)]
    ru_variant: OruFault,
    /// A real link to the O-RU instead of the in-process simulator.
    #[command(flatten)]
    link: LinkArgs,
    /// Seed of the signal at the O-RU's antenna.
    #[arg(long, default_value_t = bed::DEFAULT_STIMULUS_SEED)]
    seed: u64,
    /// Carrier bandwidth in MHz [default: the profile's, or 100].
    #[arg(long)]
    bandwidth_mhz: Option<u32>,
    /// Raise the maximum of every O-RU window (T2a receive windows, Ta3) by
    /// this many microseconds, with the traffic centred in the wider windows:
    /// for real-time links whose jitter exceeds the standard margins.
    #[arg(long, default_value_t = 0)]
    widen_windows_us: u64,
    /// DUT profile (TOML): the O-RU's claims decide which cases apply, its
    /// lab settings configure the carrier, compression, windows and eAxC
    /// split of both ends (the in-process simulated O-RU too).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// With --profile: run against the real O-RU on the profile's interface
    /// or UDP endpoints instead of the simulator.
    #[arg(long = "link", requires = "profile")]
    use_link: bool,
    /// Judge an earlier run's recordings instead of a live O-RU: each case's
    /// O-RU frames are played back from RUN_DIR/cases/<ID>.pcap in virtual
    /// time. Give the options that run had (--profile, --seed, ...): a case
    /// whose traffic no longer matches its recording is inconclusive.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["use_link", "interface", "udp_bind"])]
    replay: Option<PathBuf>,
    /// Give up on a case after this many seconds (an error verdict; the run
    /// goes on) [default: the profile's case_timeout_s, or 120].
    #[arg(long, value_name = "SECONDS")]
    case_timeout: Option<f64>,
    /// Cases at once against the simulated O-RU (each gets its own) [default:
    /// the number of CPUs]; cases against a real O-RU always run one at a time.
    #[arg(long, short)]
    jobs: Option<usize>,
    #[command(flatten)]
    select: SelectArgs,
    /// Run the k-th of n shares of the selection (k/n or count:k/n), for
    /// spreading one suite over several CI machines.
    #[arg(long)]
    partition: Option<runner::Partition>,
    /// Expected verdicts (TOML): exit non-zero only when a verdict differs.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Write this run's verdicts as a baseline to the given file.
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// No per-case progress lines.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct MatrixArgs {
    /// O-DU profiles (rows; repeatable, or several after one --du).
    #[arg(long = "du", num_args = 1.., required_unless_present = "nodes")]
    dus: Vec<PathBuf>,
    /// O-RU profiles (columns).
    #[arg(long = "ru", num_args = 1.., required_unless_present = "nodes")]
    rus: Vec<PathBuf>,
    /// E2 instead: E2 node profiles (rows)...
    #[arg(long = "node", num_args = 1.., conflicts_with_all = ["dus", "rus"], requires = "rics")]
    nodes: Vec<PathBuf>,
    /// ...and near-RT RIC profiles (columns).
    #[arg(long = "ric", num_args = 1.., requires = "nodes")]
    rics: Vec<PathBuf>,
    /// Folder for the matrix and the pairs' runs [default: runs/matrix-<UTC time>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed of the signal at the O-RUs' antennas.
    #[arg(long, default_value_t = bed::DEFAULT_STIMULUS_SEED)]
    seed: u64,
    /// Cases at once within a pair [default: the number of CPUs].
    #[arg(long)]
    jobs: Option<usize>,
    #[command(flatten)]
    select: SelectArgs,
    /// JSON on stdout instead of the grid.
    #[arg(long)]
    json: bool,
}

/// Case selection, shared by `run` and `list`.
#[derive(Args, Clone)]
struct SelectArgs {
    /// Only cases whose ID matches this glob (repeatable), e.g. 'OFH.DLM.*'.
    #[arg(long = "case")]
    cases: Vec<String>,
    /// Only cases with this tag (repeatable), e.g. delay-management.
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Only cases judged against this clause or a sub-clause of it (repeatable), e.g. 7.8.
    #[arg(long = "clause")]
    clauses: Vec<String>,
}

impl SelectArgs {
    fn selection(self) -> runner::Selection {
        runner::Selection {
            ids: self.cases,
            tags: self.tags,
            clauses: self.clauses,
        }
    }
}

#[derive(Args)]
struct ListArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Only this suite [default: the profile's, or every suite].
    #[arg(long, value_enum)]
    suite: Option<Suite>,
    /// DUT profile (TOML) whose claims decide each case's applicability.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// As over a real link (the O-RU's receive counters cannot be read).
    #[arg(long = "link")]
    over_link: bool,
    /// E2 suites: the E2AP version under test [default: the newest the DUT claims].
    #[arg(long)]
    e2ap: Option<E2apVersion>,
    /// Emit JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DecodeArgs {
    /// Capture file (pcap or pcapng; Ethernet, optionally VLAN-tagged, or IPv4/UDP).
    file: PathBuf,
    /// One JSON object per frame instead of one line of text.
    #[arg(long)]
    json: bool,
    /// Only print the totals.
    #[arg(long)]
    summary: bool,
    /// U-plane compression configured over the M-plane, e.g. bfp:9, none:16.
    #[arg(long, default_value = "bfp:9")]
    comp: UdCompHdr,
    /// U-plane sections carry udCompHdr (dynamic) instead of the static --comp.
    #[arg(long)]
    dynamic_comp: bool,
    /// eAxC ID bit split DU_port,BandSector,CC,RU_port (sums to 16).
    #[arg(long, default_value = "4,4,4,4")]
    eaxc_split: EaxcSplit,
    /// PRBs of the carrier (what numPrb = 0 means).
    #[arg(long, default_value_t = 273)]
    carrier_prbs: u16,
    /// UDP port(s) carrying eCPRI over IP (repeatable; none = any UDP).
    #[arg(long = "udp-port")]
    udp_ports: Vec<u16>,
}

fn parse_fault(s: &str) -> Result<OruFault, String> {
    s.parse()
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::List(a) => cmd_list(a),
        Command::Decode(a) => cmd_decode(a),
        Command::Analyze(a) => cmd_analyze(a),
        Command::Bench(a) => cmd_bench(a),
        Command::Sim(SimCommand::Oru(a)) => cmd_sim_oru(a),
        Command::Sim(SimCommand::E2node(a)) => harness::e2sim::node_cli(&a),
        Command::Sim(SimCommand::Ric(a)) => harness::e2sim::ric_cli(&a),
        Command::E2(c) => e2cmd::run(c),
        Command::Matrix(a) => cmd_matrix(a),
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("harness: {e}");
            ExitCode::from(2)
        }
    }
}

type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

/// `runs/<prefix><UTC time>`: the default folder of a run or a matrix.
fn stamped_dir(prefix: &str) -> PathBuf {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "run".into());
    PathBuf::from("runs").join(format!("{prefix}{stamp}"))
}

/// `--jobs`, defaulting to the number of CPUs.
fn jobs(arg: Option<usize>) -> Result<usize, String> {
    match arg {
        Some(0) => Err("--jobs: want at least 1".into()),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

fn cmd_run(a: RunArgs) -> CmdResult {
    let dir = a.out.clone().unwrap_or_else(|| stamped_dir(""));
    let baseline = a
        .baseline
        .as_deref()
        .map(harness::baseline::Baseline::load)
        .transpose()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second Ctrl-C ends the process at once; the reports on disk are
        // valid after every case either way.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("harness: interrupted: finishing the case in progress, then writing the reports");
        });
    }
    let profile = a.profile.as_deref().map(harness::profile::load).transpose()?;
    let suite = match (a.suite, &profile) {
        (Some(s), _) => s,
        (None, Some(p)) => Suite::for_profile(p)?,
        (None, None) => Suite::Ofh,
    };
    // Options of the other interface are a usage error before anything is written.
    match suite.e2_side() {
        None if a.e2ap.is_some()
            || a.node_variant != NodeFault::None
            || a.ric_variant != RicFault::None
            || a.e2_connect.is_some()
            || a.e2_listen.is_some() =>
        {
            return Err(
                "--e2ap, --node-variant, --ric-variant, --e2-connect and --e2-listen belong to the E2 suites (--suite e2-node|e2-ric)"
                    .into(),
            );
        }
        Some(side) if a.ru_variant != OruFault::None || a.link.spec().is_some() || a.replay.is_some() => {
            return Err(format!(
                "--ru-variant, --interface, --udp-bind/--udp-peer and --replay belong to the fronthaul suite, not {}",
                side.suite()
            )
            .into());
        }
        _ => {}
    }
    if let Some(run_dir) = a.replay.as_ref().filter(|d| !d.join("cases").is_dir()) {
        return Err(format!("--replay {}: not a run folder (no cases/)", run_dir.display()).into());
    }
    let case_timeout = match a.case_timeout {
        Some(s) => Some(
            std::time::Duration::try_from_secs_f64(s)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| format!("--case-timeout {s}: want a positive number of seconds"))?,
        ),
        None => Some(
            profile
                .as_ref()
                .and_then(|p| p.case_timeout())
                .unwrap_or(runner::DEFAULT_CASE_TIMEOUT),
        ),
    };
    let mut opts = runner::RunOptions::new(dir.clone());
    opts.jobs = jobs(a.jobs)?;
    opts.case_timeout = case_timeout;
    opts.dut = profile.as_ref().map(harness::profile::dut_info);
    opts.select = a.select.clone().selection();
    opts.partition = a.partition;
    opts.stop = Some(stop);
    std::fs::create_dir_all(&dir)?;
    let mut files = ReportFiles {
        dir: dir.clone(),
        lab: reports::LabInfo::default(),
    };
    let mut log = EventLog::create(&dir.join("events.jsonl"))?;
    let mut progress = Progress::new();
    let mut reporters: Vec<&mut dyn Reporter> = vec![&mut files, &mut log];
    if !a.quiet {
        reporters.push(&mut progress);
    }
    let run = match suite.e2_side() {
        Some(side) => run_e2(&a, profile.as_ref(), side, opts, &mut reporters)?,
        None => run_ofh(&a, profile.as_ref(), opts, &mut reporters)?,
    };
    if run.cases.is_empty() {
        return Err(format!("no {suite:?} case matches the selection {:?}", a.select.selection()).into());
    }
    // Written, not printed: a reader that stops early (`| head`) is no panic.
    let mut out = std::io::stdout().lock();
    write!(out, "{}", reports::terminal_summary(&run))?;
    writeln!(out, "reports: {}", dir.display())?;
    if let Some(path) = &a.write_baseline {
        std::fs::write(path, harness::baseline::Baseline::from_run(&run).to_toml())?;
        writeln!(out, "baseline written: {}", path.display())?;
    }
    if run.interrupted {
        return Ok(ExitCode::from(130));
    }
    if let Some(b) = baseline {
        let changes = b.compare(&run);
        for c in &changes {
            match c {
                harness::baseline::Change::Changed { id, expected, got } => {
                    writeln!(out, "baseline: {id}: expected {expected}, got {got}")?
                }
                harness::baseline::Change::New { id, got } => {
                    writeln!(out, "baseline: {id}: {got}, not in the baseline")?
                }
            }
        }
        writeln!(out, "baseline: {} change(s)", changes.len())?;
        return Ok(if changes.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    Ok(if run.has_blocking_failure() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The O-RU suite, against the simulator or a real O-RU.
fn run_ofh(
    a: &RunArgs,
    profile: Option<&harness::profile::Profile>,
    opts: runner::RunOptions,
    reporters: &mut [&mut dyn Reporter],
) -> Result<suites::model::RunResult, Box<dyn std::error::Error>> {
    let mut setup = match profile {
        Some(p) => profile_setup(p, a.seed, a.bandwidth_mhz, a.widen_windows_us)?,
        None => bed_setup(a.seed, a.bandwidth_mhz.unwrap_or(100), a.widen_windows_us)?,
    };
    let mut link = a.link.spec();
    if a.use_link && link.is_none() {
        let p = profile.expect("clap requires --profile");
        link = Some(harness::profile::link(p).ok_or_else(|| {
            format!(
                "--link: {} gives no pixit.interface or [pixit.udp]",
                a.profile
                    .as_deref()
                    .unwrap_or_else(|| std::path::Path::new(""))
                    .display()
            )
        })?);
    }
    if link.is_some() {
        if a.ru_variant != OruFault::None {
            return Err("--ru-variant selects the in-process O-RU; give it to `harness sim oru` instead".into());
        }
        setup.pics.rx_counters = false;
    }
    let ports = link.map(RealTimeLinks::new);
    if let Some(p) = &ports {
        // A link that cannot be opened is a usage error, not eight failed cases.
        runner::PortFactory::open(p, &setup).map_err(|e| format!("{}: {e}", p.spec))?;
    }
    let mut port = ports.map(|p| std::sync::Arc::new(p) as std::sync::Arc<dyn runner::PortFactory + Send + Sync>);
    if let Some(run_dir) = &a.replay {
        if a.ru_variant != OruFault::None {
            return Err("--ru-variant selects the in-process O-RU; a replay's O-RU is the recording".into());
        }
        // A recording holds frames, not the O-RU's counters.
        setup.pics.rx_counters = false;
        port = Some(std::sync::Arc::new(harness::replay::Recordings {
            dir: run_dir.clone(),
        }));
    }
    let mut plan = RunPlan::new(setup, a.ru_variant, opts.dir.clone());
    plan.port = port;
    plan.opts = opts;
    Ok(runner::run(&plan, &suites::ofh::catalogue(), reporters)?)
}

/// The E2 claims and version a run or listing of `side`'s suite uses: the
/// profile's (which must be of that side's role), or the simulator's.
fn e2_setup(
    profile: Option<&harness::profile::Profile>,
    side: E2Side,
    version: Option<E2apVersion>,
) -> Result<suites::e2::E2Setup, String> {
    let pics = match profile {
        None => suites::e2::simulated_setup(side, E2apVersion::V3_01).pics,
        Some(p) => {
            let want = match side {
                E2Side::Node => harness::profile::Role::E2Node,
                E2Side::Ric => harness::profile::Role::NearRtRic,
            };
            if p.role() != want {
                return Err(format!(
                    "{} is an {} profile; the {} suite tests an {want}",
                    p.dut.name,
                    p.role(),
                    side.suite()
                ));
            }
            let e2 = p.pics.e2.as_ref().ok_or("the profile has no [pics.e2]")?;
            suites::e2::E2Pics::from_profile(e2.get_ref())
        }
    };
    // The newest version the DUT claims, unless one is asked for.
    let version = match version {
        Some(v) => v,
        None => *pics
            .e2ap_versions
            .iter()
            .max()
            .ok_or("the DUT claims no E2AP version")?,
    };
    Ok(suites::e2::E2Setup::new(version, pics))
}

/// An E2 suite against the simulator of `side`.
fn run_e2(
    a: &RunArgs,
    profile: Option<&harness::profile::Profile>,
    side: E2Side,
    opts: runner::RunOptions,
    reporters: &mut [&mut dyn Reporter],
) -> Result<suites::model::RunResult, Box<dyn std::error::Error>> {
    let mut plan = harness::e2run::E2RunPlan::simulated(side, E2apVersion::V3_01, opts.dir.clone());
    plan.setup = e2_setup(profile, side, a.e2ap)?;
    if let Some(e2) = profile.and_then(|p| p.pixit.e2.as_ref()) {
        plan.setup.ppid = e2.ppid;
    }
    // The DUT's address: given, or the profile's with --link.
    let profile_addr = || profile.and_then(|p| p.pixit.e2.as_ref()).map(|e2| e2.sctp);
    let addr = match (side, a.e2_connect, a.e2_listen) {
        (E2Side::Node, Some(_), _) => {
            return Err("--e2-connect: an E2 node connects to its RIC; give --e2-listen for e2-node".into());
        }
        (E2Side::Ric, _, Some(_)) => {
            return Err("--e2-listen: the harness connects to a RIC; give --e2-connect for e2-ric".into());
        }
        (_, Some(x), _) | (_, _, Some(x)) => Some(x),
        (_, None, None) if a.use_link => Some(profile_addr().ok_or("--link: the profile gives no [pixit.e2] sctp")?),
        _ => None,
    };
    if let Some(addr) = addr {
        if a.node_variant != NodeFault::None || a.ric_variant != RicFault::None {
            return Err("--node-variant/--ric-variant select the in-process simulators; give --variant to `harness sim e2node|ric` instead".into());
        }
        let transport = a.sctp.transport()?;
        let endpoint = match side {
            E2Side::Ric => harness::e2port::E2Endpoint::ric_under_test(transport, addr),
            E2Side::Node => harness::e2port::E2Endpoint::node_under_test(transport, addr)
                .map_err(|e| format!("--e2-listen {addr}: {e}"))?,
        };
        plan.port = Some(std::sync::Arc::new(harness::e2run::LinkE2 {
            endpoint,
            open_timeout: std::time::Duration::from_secs(30),
        }));
    }
    plan.node_fault = a.node_variant;
    plan.ric_fault = a.ric_variant;
    // The simulated node offers its functions under the IDs the profile claims.
    plan.node_functions = harness::e2run::NodeFunctions::of(&plan.setup.pics);
    plan.opts = opts;
    Ok(harness::e2run::run(&plan, &suites::e2::catalogue(), reporters)?)
}

fn cmd_matrix(a: MatrixArgs) -> CmdResult {
    let dir = a.out.unwrap_or_else(|| stamped_dir("matrix-"));
    let plan = harness::matrix::MatrixPlan {
        dus: a.dus,
        rus: a.rus,
        nodes: a.nodes,
        rics: a.rics,
        dir: dir.clone(),
        seed: a.seed,
        jobs: jobs(a.jobs)?,
        select: a.select.selection(),
    };
    let quiet = a.json;
    let m = harness::matrix::run(&plan, |du, ru, cell| {
        if !quiet {
            eprintln!("{du} x {ru}: {}", cell.short());
        }
    })?;
    if a.json {
        println!("{}", m.json());
    } else {
        print!("{}", m.terminal());
        println!("matrix: {}", dir.join("matrix.html").display());
    }
    // Failing pairs are the matrix's findings, not a harness failure; only
    // a pair that could not be run is.
    let failed = m
        .cells
        .iter()
        .flatten()
        .any(|c| matches!(c, reports::matrix::Cell::Failed { .. }));
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn cmd_list(a: ListArgs) -> CmdResult {
    let profile = a.profile.as_deref().map(harness::profile::load).transpose()?;
    let suites_listed: Vec<Suite> = match (a.suite, &profile) {
        (Some(s), _) => vec![s],
        (None, Some(p)) => vec![Suite::for_profile(p)?],
        (None, None) => vec![Suite::Ofh, Suite::E2Node, Suite::E2Ric],
    };
    let select = a.select.selection();
    // (suite, meta, applicability) in catalogue order.
    let mut rows = Vec::new();
    for suite in suites_listed {
        match suite.e2_side() {
            None => {
                let mut setup = match &profile {
                    Some(p) => profile_setup(p, bed::DEFAULT_STIMULUS_SEED, None, 0)?,
                    None => bed::default_setup(bed::DEFAULT_STIMULUS_SEED),
                };
                if a.over_link {
                    setup.pics.rx_counters = false;
                }
                for c in suites::ofh::catalogue() {
                    rows.push(("ofh", c.meta(), c.applicability(&setup.pics)));
                }
            }
            Some(side) => {
                let setup = e2_setup(profile.as_ref(), side, a.e2ap)?;
                for c in suites::e2::suite(side) {
                    rows.push((side.suite(), c.meta(), suites::e2::applicability(&*c, &setup)));
                }
            }
        }
    }
    rows.retain(|(_, m, _)| select.matches(m));
    let mut out = std::io::stdout().lock();
    if a.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|(suite, m, app)| serde_json::json!({ "suite": suite, "meta": m, "applicability": app }))
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<22} {:<8} {:<7} {:<12} {:<26} {:<15} TITLE",
        "ID", "SUITE", "NUMBER", "STATUS", "CLAUSE", "APPLICABILITY"
    )?;
    for (suite, m, app) in &rows {
        let (app, why) = match app {
            Applicability::Required => ("required", None),
            Applicability::Optional => ("optional", None),
            Applicability::NotApplicable(why) => ("not applicable", Some(why)),
        };
        let status = format!("{:?}", m.status).to_lowercase();
        let clause = format!("{} §{}", m.clause.spec.trim_start_matches("O-RAN."), m.clause.clause);
        writeln!(
            out,
            "{:<22} {:<8} {:<7} {:<12} {:<26} {:<15} {}",
            m.id, suite, m.number, status, clause, app, m.title
        )?;
        if let Some(why) = why {
            writeln!(out, "{:<22} why: {why}", "")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_decode(a: DecodeArgs) -> CmdResult {
    let opts = DecodeOptions {
        framing: FramingConfig { udp_ports: a.udp_ports },
        eaxc_split: a.eaxc_split,
        uplane: UplaneConfig {
            comp: if a.dynamic_comp {
                UdCompMode::Dynamic
            } else {
                UdCompMode::Static(a.comp)
            },
            carrier_prbs: a.carrier_prbs,
            ud_comp_len: false,
        },
    };
    let reader = CaptureReader::open(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut totals = Totals::default();
    for (i, p) in reader.enumerate() {
        let p = p?;
        let d = decode::decode_frame(i as u64 + 1, p.ts_ns, &p.data, &opts);
        totals.add(&d);
        if a.summary {
            continue;
        }
        if a.json {
            serde_json::to_writer(&mut out, &d)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", decode::line(&d))?;
        }
    }
    if a.json && a.summary {
        serde_json::to_writer(&mut out, &totals)?;
        writeln!(out)?;
    } else if !a.json {
        writeln!(
            out,
            "{} frames: {} C-plane messages ({} sections), {} U-plane messages ({} sections), {} other, {} with errors",
            totals.frames,
            totals.cplane_messages,
            totals.cplane_sections,
            totals.uplane_messages,
            totals.uplane_sections,
            totals.other_messages,
            totals.errors
        )?;
    }
    out.flush()?;
    Ok(if totals.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_analyze(a: AnalyzeArgs) -> CmdResult {
    use std::io::IsTerminal;
    use suites::analyze::{AirTimeRef, AnalyzeConfig, Analyzer};
    let (air_time, ptp_air_time) = match a.air_time.as_str() {
        "ptp" => (None, Some(a.air_time_offset_ns)),
        "off" => (None, None),
        "gps" => (Some(AirTimeRef::gps(a.air_time_offset_ns)), None),
        "air" => (Some(AirTimeRef::air_clock(a.air_time_offset_ns)), None),
        other => return Err(format!("--air-time {other:?}: want ptp, gps, air or off").into()),
    };
    if a.numerology.is_some_and(|mu| mu > 4) {
        return Err("--numerology: want 0..4".into());
    }
    let cfg = AnalyzeConfig {
        framing: FramingConfig { udp_ports: a.udp_ports },
        eaxc_split: a.eaxc_split,
        uplane: a.comp.map(|c| {
            if a.dynamic_comp {
                UdCompMode::Dynamic
            } else {
                UdCompMode::Static(c)
            }
        }),
        carrier_prbs: a.carrier_prbs,
        numerology: a.numerology,
        air_time,
        ptp_air_time,
    };
    let size = std::fs::metadata(&a.file).map(|m| m.len()).unwrap_or(0);
    let reader = CaptureReader::open(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let bar = if !a.quiet && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(size);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    // Timing needs the numerology up front; without it (and without an
    // explicit one) the first pass of slot IDs decides.
    let mut analyzer = Analyzer::new(cfg);
    let mut read = 0u64;
    for p in reader {
        let p = p?;
        // pcap record header (16 bytes) + data, for the progress bar.
        read += 16 + p.data.len() as u64;
        analyzer.push(p.ts_ns, &p.data);
        if let Some(b) = &bar
            && read % (1 << 20) < 2048
        {
            b.set_position(read);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = analyzer.finish();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let name = a
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write!(out, "{}", reports::analysis_summary(&name, &report))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_bench(a: BenchArgs) -> CmdResult {
    use std::time::Instant;
    use suites::analyze::{AnalyzeConfig, Analyzer};
    let size = std::fs::metadata(&a.file)?.len();
    // Decode speed, not disk speed: the packets are read once into memory.
    let packets: Vec<_> = CaptureReader::open(&a.file)?.collect::<Result<_, _>>()?;
    let mut best = f64::INFINITY;
    let mut frames = 0;
    for _ in 0..a.passes.max(1) {
        let t = Instant::now();
        let mut analyzer = Analyzer::new(AnalyzeConfig::default());
        for p in &packets {
            analyzer.push(p.ts_ns, &p.data);
        }
        let r = analyzer.finish();
        best = best.min(t.elapsed().as_secs_f64());
        frames = r.frames;
    }
    let ours = size as f64 / best / 1e6;
    use codecs::fronthaul::compression::kernels::Level;
    let levels: Vec<_> = Level::available().iter().map(|l| l.name()).collect();
    println!(
        "analyze: {} ({:.2} MB, {frames} frames): best of {} passes {:.4} s = {ours:.1} MB/s, {:.0} frames/s (one core; compression kernels {} of {})",
        a.file.display(),
        size as f64 / 1e6,
        a.passes.max(1),
        best,
        frames as f64 / best,
        Level::best().name(),
        levels.join(", ")
    );
    if a.tshark {
        let t = Instant::now();
        let status = std::process::Command::new("tshark")
            .args(["-n", "-V", "-r"])
            .arg(&a.file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("tshark: {e}"))?;
        let secs = t.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!("tshark exited with {status}").into());
        }
        let theirs = size as f64 / secs / 1e6;
        println!(
            "tshark -V: {secs:.3} s = {theirs:.1} MB/s; analyze is {:.0}x tshark -V",
            ours / theirs
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_sim_oru(a: SimOruArgs) -> CmdResult {
    let link = a.link.spec().ok_or("give --interface, or --udp-bind and --udp-peer")?;
    let duration = a
        .duration_s
        .map(|s| std::time::Duration::try_from_secs_f64(s).map_err(|e| format!("--duration-s: {e}")))
        .transpose()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || stop.store(true, std::sync::atomic::Ordering::SeqCst));
    }
    let opts = harness::sim_cmd::OruOptions {
        link,
        setup: match a.profile.as_deref().map(harness::profile::load).transpose()? {
            Some(p) => profile_setup(&p, a.seed, a.bandwidth_mhz, a.widen_windows_us)?,
            None => bed_setup(a.seed, a.bandwidth_mhz.unwrap_or(100), a.widen_windows_us)?,
        },
        fault: a.ru_variant,
        duration,
        stop,
    };
    let report = harness::sim_cmd::run_oru(&opts, || {
        println!("ready");
        let _ = std::io::stdout().flush();
    })?;
    eprintln!("sim oru ({}): {report}", a.ru_variant.name());
    Ok(ExitCode::SUCCESS)
}

/// The test bed a profile describes, with the run's overrides.
fn profile_setup(
    p: &harness::profile::Profile,
    seed: u64,
    bandwidth_mhz: Option<u32>,
    widen_windows_us: u64,
) -> Result<suites::case::Setup, String> {
    let setup = p.oru_setup(seed)?;
    let setup = match bandwidth_mhz {
        Some(mhz) => bed::with_bandwidth(&setup, mhz)?,
        None => setup,
    };
    Ok(bed::with_wider_windows(&setup, widen_windows_us * 1_000))
}

/// The default test bed with the run's carrier and window settings.
fn bed_setup(seed: u64, bandwidth_mhz: u32, widen_windows_us: u64) -> Result<suites::case::Setup, String> {
    let setup = bed::with_bandwidth(&bed::default_setup(seed), bandwidth_mhz)?;
    Ok(bed::with_wider_windows(&setup, widen_windows_us * 1_000))
}

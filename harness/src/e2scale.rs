//! `harness e2 scale`: many simulated E2 nodes against one simulated
//! near-RT RIC in one process, over SCTP (over UDP through usrsctp by
//! default) on loopback. Each node connects, runs E2 Setup, accepts the
//! RIC's KPM subscription and reports; the run measures how long bring-up
//! takes (first to last setup response, per-setup latency), how long the
//! subscriptions take, the indication throughput at the RIC over a window,
//! and every error either side saw.
//!
//! Nodes and RIC are tasks (`crate::e2sim`) on a few runtime threads; the
//! transports deliver into per-association channels from their own threads
//! (usrsctp: its receive and timer threads), so no thread exists per node.
//! Connects are blocking calls in the transports, so a handful run at once
//! on the runtime's blocking pool.
//!
//! What limits one process over usrsctp is not sockets or descriptors (its
//! associations are no file descriptors; only its UDP sockets are) but its
//! timers: usrsctp keeps every armed timer (a few per socket: heartbeat,
//! path MTU, cookie secret) in one list and walks all of it on every 10 ms
//! tick, under the lock that starting and stopping timers takes too. Up to
//! a few thousand nodes that is cheap; around 10,000 associations the walk
//! dominates (`perf`: over a quarter of the CPU in `sctp_handle_tick`),
//! bring-up slows sharply and connects time out. Larger fleets want
//! several processes, each with its own stack.

use crate::e2link::{self, E2Transport, SctpConfig, SctpKind};
use crate::e2sim::{self, Clock, Milestone, NodeEnd, RicCtl, RicSnapshot, Stop};
use codecs::e2ap::E2apVersion;
use serde::Serialize;
use sim::e2::{E2Node, E2NodeConfig, RicFault};
use sim::timing::Nanos;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug, Clone)]
pub struct ScaleArgs {
    /// Simulated E2 nodes.
    #[arg(long, default_value_t = 1000)]
    pub nodes: usize,
    /// SCTP to use: udp (SCTP over UDP, needs libusrsctp), kernel, or
    /// memory (the simulators alone, without SCTP).
    #[arg(long, default_value = "udp", value_parser = parse_kind)]
    pub sctp: SctpKind,
    /// Seconds of indications to measure once every node is subscribed.
    #[arg(long, default_value_t = 10.0)]
    pub duration_s: f64,
    /// JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// E2AP version: 1.00, 2.03 or 3.01.
    #[arg(long, default_value = "3.01", value_parser = parse_version)]
    pub e2ap: E2apVersion,
    /// Reporting period of each node's KPM subscription, in ms.
    #[arg(long, default_value_t = 1000)]
    pub report_period_ms: u32,
    /// Runtime threads driving the nodes and the RIC.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Connects under way at once.
    #[arg(long, default_value_t = 4)]
    pub connecting: usize,
    /// Where the RIC listens.
    #[arg(long, default_value = "127.0.0.1:36421")]
    pub listen: SocketAddr,
    /// SCTP over UDP: the process's UDP encapsulation port (both sides share the stack).
    #[arg(long, default_value_t = e2link::DEFAULT_UDP_ENCAPS_PORT)]
    pub udp_port: u16,
    /// Give up on nodes not subscribed this many seconds after the start.
    #[arg(long, default_value_t = 120.0)]
    pub bringup_timeout_s: f64,
}

fn parse_kind(s: &str) -> Result<SctpKind, String> {
    s.parse()
}

fn parse_version(s: &str) -> Result<E2apVersion, String> {
    s.parse()
}

/// Percentiles of a set of durations, in ms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Spread {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Spread {
    /// Nearest-rank percentiles of `v` (ns).
    pub fn of(mut v: Vec<Nanos>) -> Self {
        if v.is_empty() {
            return Spread::default();
        }
        v.sort_unstable();
        let rank = |p: f64| {
            let i = ((p / 100.0) * v.len() as f64).ceil() as usize;
            ms(v[i.clamp(1, v.len()) - 1])
        };
        Spread {
            count: v.len(),
            p50_ms: rank(50.0),
            p99_ms: rank(99.0),
            max_ms: ms(v[v.len() - 1]),
        }
    }
}

fn ms(ns: Nanos) -> f64 {
    ns as f64 / 1e6
}

fn secs(ns: Nanos) -> f64 {
    ns as f64 / 1e9
}

/// When the first and the last of a set of events happened (s since the start).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Span {
    pub count: usize,
    pub first_s: f64,
    pub last_s: f64,
    pub first_to_last_s: f64,
}

impl Span {
    fn of(v: impl IntoIterator<Item = Nanos>) -> Self {
        let v: Vec<Nanos> = v.into_iter().collect();
        let (Some(&a), Some(&b)) = (v.iter().min(), v.iter().max()) else {
            return Span::default();
        };
        Span {
            count: v.len(),
            first_s: secs(a),
            last_s: secs(b),
            first_to_last_s: secs(b - a),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Throughput {
    pub window_s: f64,
    /// Indications the RIC received in the window.
    pub received: u64,
    pub per_s: f64,
    pub bytes: u64,
    pub bytes_per_s: f64,
    /// What every node reporting once a period would give.
    pub expected_per_s: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Errors {
    pub connect_failures: usize,
    /// Associations that went down before the end.
    pub associations_lost: usize,
    /// Nodes not subscribed by the bring-up timeout.
    pub nodes_not_ready: usize,
    /// Malformed messages, Error Indications and encode failures at the nodes.
    pub node_protocol_errors: u64,
    /// Everything the RIC counted as wrong (see `ric`).
    pub ric_errors: u64,
    /// Why the first failing nodes failed (at most 5).
    pub examples: Vec<String>,
}

impl Errors {
    pub fn total(&self) -> u64 {
        (self.connect_failures + self.associations_lost + self.nodes_not_ready) as u64
            + self.node_protocol_errors
            + self.ric_errors
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProcessFigures {
    pub threads: u64,
    /// Open file descriptors (usrsctp's associations are none of them).
    pub fds: u64,
    pub peak_rss_mb: f64,
    pub cpu_s: f64,
}

/// The figures of one scale run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScaleReport {
    pub nodes: usize,
    pub transport: String,
    pub e2ap: String,
    pub report_period_ms: u32,
    pub runtime_threads: usize,
    /// Associations up (s since the start).
    pub associations: Span,
    /// E2 Setup Responses received by the nodes.
    pub setup_responses: Span,
    /// E2 Setup Request sent to response received, per node.
    pub setup_latency: Spread,
    /// Subscriptions accepted by the nodes.
    pub subscriptions: Span,
    /// At the RIC, RIC Subscription Request sent to response received, per node.
    pub subscription_latency: Spread,
    pub indications: Throughput,
    /// Indications the nodes sent over the whole run.
    pub indications_sent: u64,
    pub errors: Errors,
    /// The RIC's own counters at the end.
    pub ric: RicSnapshot,
    pub process: ProcessFigures,
}

impl ScaleReport {
    /// Every node set up and subscribed, indications flowed, and nothing went wrong.
    pub fn ok(&self) -> bool {
        self.setup_responses.count == self.nodes
            && self.subscriptions.count == self.nodes
            && self.indications.received > 0
            && self.errors.total() == 0
    }

    pub fn summary(&self) -> String {
        let e = &self.errors;
        let errors = if e.total() == 0 {
            "none".to_string()
        } else {
            format!(
                "{} failed connect(s), {} association(s) lost, {} node(s) not ready, {} node protocol error(s), {} RIC error(s){}",
                e.connect_failures,
                e.associations_lost,
                e.nodes_not_ready,
                e.node_protocol_errors,
                e.ric_errors,
                if e.examples.is_empty() {
                    String::new()
                } else {
                    format!("; e.g. {}", e.examples.join("; "))
                }
            )
        };
        let i = &self.indications;
        format!(
            "E2 scale: {} simulated E2 nodes -> 1 simulated near-RT RIC, E2AP {}, {} runtime thread(s), over {}\n\
             associations: {} of {} up, {:.3} s first to last (last {:.3} s after the start)\n\
             E2 setup: {} of {}; first to last setup response {:.3} s (last {:.3} s after the start); \
             setup latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n\
             subscriptions: {} of {}; first to last {:.3} s (last {:.3} s after the start); \
             request to response at the RIC p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n\
             indications at the RIC over {:.2} s: {} = {:.1}/s (every node once per {} ms would be {:.1}/s), \
             {} bytes = {:.1} kB/s; the nodes sent {} over the run\n\
             errors: {errors}\n\
             process: {} threads, {} open file descriptors, peak RSS {:.1} MB, CPU {:.2} s\n",
            self.nodes,
            self.e2ap,
            self.runtime_threads,
            self.transport,
            self.associations.count,
            self.nodes,
            self.associations.first_to_last_s,
            self.associations.last_s,
            self.setup_responses.count,
            self.nodes,
            self.setup_responses.first_to_last_s,
            self.setup_responses.last_s,
            self.setup_latency.p50_ms,
            self.setup_latency.p99_ms,
            self.setup_latency.max_ms,
            self.subscriptions.count,
            self.nodes,
            self.subscriptions.first_to_last_s,
            self.subscriptions.last_s,
            self.subscription_latency.p50_ms,
            self.subscription_latency.p99_ms,
            self.subscription_latency.max_ms,
            i.window_s,
            i.received,
            i.per_s,
            self.report_period_ms,
            i.expected_per_s,
            i.bytes,
            i.bytes_per_s / 1e3,
            self.indications_sent,
            self.process.threads,
            self.process.fds,
            self.process.peak_rss_mb,
            self.process.cpu_s,
        )
    }
}

/// What one node went through (simulator time).
#[derive(Debug, Clone, Default)]
struct NodeTimes {
    up: Option<Nanos>,
    setup_sent: Option<Nanos>,
    setup_done: Option<Nanos>,
    subscribed: Option<Nanos>,
    /// Why it stopped early, if it did.
    failed: Option<String>,
    connect_failed: bool,
    indications_sent: u64,
    protocol_errors: u64,
}

struct Shared {
    times: Mutex<Vec<NodeTimes>>,
    subscribed: AtomicUsize,
    failed: AtomicUsize,
}

impl Shared {
    fn with(&self, i: usize, f: impl FnOnce(&mut NodeTimes)) {
        let mut t = self.times.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut t[i]);
    }
}

/// Most nodes one run takes: each node's socket binds an ephemeral SCTP
/// port, and usrsctp has 16,384 of them (49152-65535) per stack.
pub const MAX_NODES: usize = 16_000;

/// How long one node may take to connect (queued behind others included).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

struct NodeTask {
    i: usize,
    shared: Arc<Shared>,
    transport: Arc<dyn E2Transport>,
    ric: SocketAddr,
    config: E2NodeConfig,
    clock: Clock,
    stop: Stop,
    connecting: Arc<tokio::sync::Semaphore>,
}

async fn node_task(t: NodeTask) {
    let NodeTask {
        i,
        shared,
        transport,
        ric,
        config,
        clock,
        mut stop,
        connecting,
    } = t;
    let assoc = {
        let _permit = connecting.acquire().await;
        e2sim::connect(&transport, ric, CONNECT_TIMEOUT).await
    };
    let assoc = match assoc {
        Ok(a) => a,
        Err(e) => {
            shared.with(i, |t| {
                t.connect_failed = true;
                t.failed = Some(format!("node {i}: connect: {e}"));
            });
            shared.failed.fetch_add(1, Ordering::Relaxed);
            return;
        }
    };
    shared.with(i, |t| t.up = Some(clock.now()));
    let mut node = E2Node::new(config);
    let end = e2sim::serve_node(&assoc, &mut node, clock, &mut stop, |m| match m {
        Milestone::SetupSent(at) => shared.with(i, |t| {
            t.setup_sent.get_or_insert(at);
        }),
        Milestone::SetupDone(at) => shared.with(i, |t| {
            t.setup_done.get_or_insert(at);
        }),
        Milestone::Subscribed(at) => {
            let mut first = false;
            shared.with(i, |t| {
                first = t.subscribed.is_none();
                t.subscribed.get_or_insert(at);
            });
            if first {
                shared.subscribed.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
    .await;
    let s = node.stats();
    let errors = s.errors.malformed_received
        + s.errors.error_indications_received.len() as u64
        + s.errors.error_indications_sent
        + s.errors.encode_failures.len() as u64;
    let failed = (end != NodeEnd::Stopped).then(|| format!("node {i}: {end}"));
    if failed.is_some() {
        shared.failed.fetch_add(1, Ordering::Relaxed);
    }
    shared.with(i, |t| {
        t.indications_sent = s.indications_sent;
        t.protocol_errors = errors;
        t.failed = failed;
    });
    // Dropping the association shuts it down in the background.
}

/// This process's thread count, peak resident memory and CPU time.
fn process_figures() -> ProcessFigures {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // SAFETY: getrusage fills the struct given.
    let cpu_s = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) == 0 {
            let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
            t(u.ru_utime) + t(u.ru_stime)
        } else {
            0.0
        }
    };
    ProcessFigures {
        threads: field("Threads:"),
        fds: std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count() as u64),
        peak_rss_mb: field("VmHWM:") as f64 / 1024.0,
        cpu_s,
    }
}

async fn ric_snapshot(ctl: &flume::Sender<RicCtl>) -> Option<RicSnapshot> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    ctl.send(RicCtl::Snapshot(tx)).ok()?;
    rx.await.ok()
}

/// Run the scale test; the error is a set-up problem (no transport, port taken).
pub fn run(a: &ScaleArgs) -> Result<ScaleReport, String> {
    if !(1..=MAX_NODES).contains(&a.nodes) {
        return Err(format!("--nodes {}: want 1 to {MAX_NODES}", a.nodes));
    }
    let window =
        Duration::try_from_secs_f64(a.duration_s).map_err(|e| format!("--duration-s {}: {e}", a.duration_s))?;
    let bringup = Duration::try_from_secs_f64(a.bringup_timeout_s)
        .map_err(|e| format!("--bringup-timeout-s {}: {e}", a.bringup_timeout_s))?;
    // Both sides live in this process: one stack, talking to itself.
    let config = SctpConfig {
        udp_local_port: a.udp_port,
        udp_remote_port: a.udp_port,
        ..SctpConfig::default()
    };
    let transport = e2link::open(a.sctp, &config).map_err(|e| e.to_string())?;
    let listener = transport.listen(a.listen).map_err(|e| format!("{}: {e}", a.listen))?;
    let ric_addr = listener.local_addr();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads.max(1))
        .max_blocking_threads(a.connecting.max(1))
        .thread_name("e2-scale")
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    let clock = Clock::start();
    // The nodes stop first, so that the RIC going away is not taken for a failure.
    let (stop_nodes, stop) = e2sim::stop_pair();
    let (stop_ric, ric_stop) = e2sim::stop_pair();
    let (ctl, ctl_rx) = flume::unbounded();
    let ric_config = e2sim::ric_config(a.e2ap, RicFault::None, a.report_period_ms);
    let shared = Arc::new(Shared {
        times: Mutex::new(vec![NodeTimes::default(); a.nodes]),
        subscribed: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
    });
    let started = Instant::now();
    let (window_figures, ric_end, nodes_not_ready) = rt.block_on(async {
        let ric = tokio::spawn(e2sim::serve_ric(listener, ric_config, ric_stop, Some(ctl_rx)));
        let connecting = Arc::new(tokio::sync::Semaphore::new(a.connecting.max(1)));
        let mut tasks = Vec::with_capacity(a.nodes);
        for i in 0..a.nodes {
            let mut config = E2NodeConfig::new(a.e2ap);
            // Each node its own identity and traffic.
            config.gnb_id = 0x100 + i as u32;
            config.seed = i as u64 + 1;
            config.epoch_ms = clock.epoch_ms();
            tasks.push(tokio::spawn(node_task(NodeTask {
                i,
                shared: shared.clone(),
                transport: transport.clone(),
                ric: ric_addr,
                config,
                clock,
                stop: stop.clone(),
                connecting: connecting.clone(),
            })));
        }
        // Bring-up: until every node is subscribed or has failed.
        let give_up = started + bringup;
        while shared.subscribed.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed) < a.nodes
            && Instant::now() < give_up
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let ready = shared.subscribed.load(Ordering::Relaxed);
        let s0 = ric_snapshot(&ctl).await;
        if ready > 0 {
            tokio::time::sleep(window).await;
        }
        let s1 = ric_snapshot(&ctl).await;
        stop_nodes.stop();
        for t in tasks {
            let _ = t.await;
        }
        stop_ric.stop();
        let end = ric.await.unwrap_or_default();
        (s0.zip(s1), end, a.nodes - ready)
    });
    let process = process_figures();
    drop(rt);
    let times = std::mem::take(&mut *shared.times.lock().unwrap_or_else(PoisonError::into_inner));
    let mut errors = Errors {
        nodes_not_ready,
        ric_errors: ric_end.errors(),
        ..Errors::default()
    };
    for t in &times {
        errors.connect_failures += usize::from(t.connect_failed);
        errors.associations_lost += usize::from(!t.connect_failed && t.failed.is_some());
        errors.node_protocol_errors += t.protocol_errors;
        if let Some(f) = &t.failed
            && errors.examples.len() < 5
        {
            errors.examples.push(f.clone());
        }
    }
    let indications = match window_figures {
        Some((s0, s1)) => {
            let w = secs(s1.at_ns.saturating_sub(s0.at_ns));
            let received = s1.indications.saturating_sub(s0.indications);
            let bytes = s1.indication_bytes.saturating_sub(s0.indication_bytes);
            let per = |x: u64| if w > 0.0 { x as f64 / w } else { 0.0 };
            Throughput {
                window_s: w,
                received,
                per_s: per(received),
                bytes,
                bytes_per_s: per(bytes),
                expected_per_s: (a.nodes - nodes_not_ready) as f64 * 1000.0 / f64::from(a.report_period_ms.max(1)),
            }
        }
        None => Throughput::default(),
    };
    Ok(ScaleReport {
        nodes: a.nodes,
        transport: format!("{} on {ric_addr}", transport.describe()),
        e2ap: a.e2ap.label().to_string(),
        report_period_ms: a.report_period_ms.max(1),
        runtime_threads: a.threads.max(1),
        associations: Span::of(times.iter().filter_map(|t| t.up)),
        setup_responses: Span::of(times.iter().filter_map(|t| t.setup_done)),
        setup_latency: Spread::of(
            times
                .iter()
                .filter_map(|t| Some(t.setup_done?.saturating_sub(t.setup_sent?)))
                .collect(),
        ),
        subscriptions: Span::of(times.iter().filter_map(|t| t.subscribed)),
        subscription_latency: Spread::of(ric_end.subscription_round_trips.clone()),
        indications,
        indications_sent: times.iter().map(|t| t.indications_sent).sum(),
        errors,
        ric: ric_end,
        process,
    })
}

/// `harness e2 scale`: exits 1 unless every node came up and nothing went wrong.
pub fn cli(a: &ScaleArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let report = run(a)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.summary())?;
    }
    out.flush()?;
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        scale: ScaleArgs,
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Spread::of((1..=100).map(|i| i * 1_000_000).collect());
        assert_eq!((s.count, s.p50_ms, s.p99_ms, s.max_ms), (100, 50.0, 99.0, 100.0));
        let s = Spread::of(vec![3_000_000]);
        assert_eq!((s.p50_ms, s.p99_ms), (3.0, 3.0));
        assert_eq!(Spread::of(Vec::new()), Spread::default());
        let sp = Span::of([3_000_000_000, 1_000_000_000, 2_000_000_000]);
        assert_eq!((sp.count, sp.first_s, sp.first_to_last_s), (3, 1.0, 2.0));
    }

    #[test]
    fn in_memory_scale_run_brings_every_node_up_and_counts_indications() {
        let cli = Cli::try_parse_from([
            "x",
            "--sctp",
            "memory",
            "--nodes",
            "40",
            "--duration-s",
            "0.5",
            "--report-period-ms",
            "50",
        ])
        .unwrap();
        let r = run(&cli.scale).unwrap();
        assert!(r.ok(), "{}", r.summary());
        assert_eq!(
            (
                r.associations.count,
                r.setup_latency.count,
                r.subscription_latency.count
            ),
            (40, 40, 40)
        );
        // 40 nodes every 50 ms for 0.5 s: about 400, whatever the machine's load.
        assert!(r.indications.received >= 100, "{}", r.summary());
        assert!(r.indications.bytes > r.indications.received * 50, "{}", r.summary());
        assert_eq!(r.ric.associations_accepted, 40);
        assert!(r.ric.indications >= r.indications.received);
        let text = r.summary();
        assert!(text.contains("E2 setup: 40 of 40"), "{text}");
        assert!(text.contains("errors: none"), "{text}");
    }

    #[test]
    fn zero_nodes_and_bad_durations_are_refused() {
        let cli = Cli::try_parse_from(["x", "--sctp", "memory", "--nodes", "0"]).unwrap();
        assert!(run(&cli.scale).unwrap_err().contains("--nodes"));
        let cli = Cli::try_parse_from(["x", "--sctp", "memory", "--duration-s=-1"]).unwrap();
        assert!(run(&cli.scale).unwrap_err().contains("--duration-s"));
    }
}

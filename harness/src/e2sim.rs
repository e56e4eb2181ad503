//! The sans-I/O E2 simulators (`sim::e2`) in real time over SCTP:
//! `harness sim e2node` and `harness sim ric`, and the pieces the scale run
//! (`harness e2 scale`) shares with them.
//!
//! The simulators take time as an argument; here it is the wall clock
//! ([`Clock`]). Each simulator is one task on a tokio runtime: it waits for
//! the next message of its association(s), its next timer or a stop, then
//! hands the simulator what happened and sends what the simulator wants
//! sent, the way `suites::e2::SimE2Port` does in virtual time. The e2link
//! transports deliver into per-association channels, so a thousand nodes
//! are a thousand tasks on a few threads.
//!
//! The simulated node, like a real one, connects again (after a short
//! pause) whenever its association goes down, with a fresh state, so it
//! serves case after case of a run; one whose fault makes it crash aborts
//! the association first. The simulated RIC serves every association it
//! accepts; one whose fault makes it crash drops them all and starts again
//! fresh, as a restarted process would.

use crate::e2link::{self, Association, Down, E2Transport, Event, LinkError, Listener, SctpConfig, SctpKind};
use codecs::e2ap::E2apVersion;
use serde::Serialize;
use sim::e2::ric::{Association as RicAssoc, SetupState, SubState};
use sim::e2::{AssocId, E2Node, E2NodeConfig, NearRtRic, NodeFault, NodeState, RicConfig, RicFault};
use sim::timing::Nanos;
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

// ---- time and stopping ---------------------------------------------------------------

/// Simulator time: nanoseconds since the clock started.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    t0: Instant,
    /// Wall-clock milliseconds since the Unix epoch at `t0`.
    epoch_ms: u64,
}

impl Clock {
    pub fn start() -> Self {
        let epoch_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        Clock {
            t0: Instant::now(),
            epoch_ms,
        }
    }

    pub fn now(&self) -> Nanos {
        u64::try_from(self.t0.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// The instant of simulator time `t`.
    pub fn instant(&self, t: Nanos) -> Instant {
        self.t0 + Duration::from_nanos(t)
    }

    /// Wall-clock ms since the Unix epoch at time 0, for the KPM timestamps.
    pub fn epoch_ms(&self) -> u64 {
        self.epoch_ms
    }
}

/// Tells the driver tasks to stop.
#[derive(Debug, Clone)]
pub struct StopHandle(Arc<watch::Sender<bool>>);

impl StopHandle {
    pub fn stop(&self) {
        let _ = self.0.send(true);
    }
}

/// A driver task's view of the stop signal.
#[derive(Debug, Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once stopped (at once if already).
    pub async fn wait(&mut self) {
        // An error means the handle is gone: nobody can stop us any more.
        if self.0.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

pub fn stop_pair() -> (StopHandle, Stop) {
    let (tx, rx) = watch::channel(false);
    (StopHandle(Arc::new(tx)), Stop(rx))
}

/// Sleep until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

/// Sleep for `d` unless stopped first; whether stopped.
async fn pause(d: Duration, stop: &mut Stop) -> bool {
    tokio::select! {
        _ = stop.wait() => true,
        _ = tokio::time::sleep(d) => false,
    }
}

// ---- the E2 node ---------------------------------------------------------------------

/// What a node did on one association, as it happened (simulator time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// An E2 Setup Request left.
    SetupSent(Nanos),
    /// E2 Setup succeeded.
    SetupDone(Nanos),
    /// A subscription was accepted (one more).
    Subscribed(Nanos),
}

/// How one association of a simulated node ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeEnd {
    /// The association went down.
    Down(Down),
    /// The node's fault made it crash: it aborted the association.
    Crashed,
    /// Told to stop.
    Stopped,
    /// A send failed for another reason than the association being down.
    SendFailed(String),
}

impl std::fmt::Display for NodeEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeEnd::Down(d) => write!(f, "{d}"),
            NodeEnd::Crashed => write!(f, "the node crashed (its fault) and aborted the association"),
            NodeEnd::Stopped => write!(f, "stopped"),
            NodeEnd::SendFailed(e) => write!(f, "send failed: {e}"),
        }
    }
}

/// Drive `node` over `assoc` (just up) until the association ends, a crash
/// or a stop; `on` hears of each milestone.
pub async fn serve_node(
    assoc: &Association,
    node: &mut E2Node,
    clock: Clock,
    stop: &mut Stop,
    mut on: impl FnMut(Milestone),
) -> NodeEnd {
    node.start(clock.now());
    let mut attempts = 0;
    let mut connected = false;
    let mut accepted = 0;
    loop {
        let now = clock.now();
        while let Some(t) = node.poll_transmit(now) {
            if let Err(e) = assoc.send(t.stream, t.ppid, &t.bytes) {
                node.association_lost();
                return match e {
                    // Once stopping, the peer going away is part of it.
                    _ if stop.is_set() => NodeEnd::Stopped,
                    LinkError::Down(d) => NodeEnd::Down(d),
                    other => NodeEnd::SendFailed(other.to_string()),
                };
            }
        }
        let stats = node.stats();
        for &at in stats.setup_attempts.iter().skip(attempts) {
            on(Milestone::SetupSent(at));
        }
        attempts = stats.setup_attempts.len();
        if !connected && node.state() == NodeState::Connected {
            on(Milestone::SetupDone(now));
        }
        connected = node.state() == NodeState::Connected;
        for _ in accepted..stats.subscriptions_accepted {
            on(Milestone::Subscribed(now));
        }
        accepted = stats.subscriptions_accepted;
        if node.wants_abort() {
            assoc.abort();
            return NodeEnd::Crashed;
        }
        let wake = node.poll_timeout().map(|t| clock.instant(t));
        let ev = tokio::select! {
            biased;
            _ = stop.wait() => return NodeEnd::Stopped,
            ev = assoc.recv_async() => Some(ev),
            _ = sleep_until(wake) => None,
        };
        match ev {
            Some(Event::Message(m)) => node.handle_message(clock.now(), m.stream, &m.data),
            Some(Event::Down(_)) if stop.is_set() => {
                node.association_lost();
                return NodeEnd::Stopped;
            }
            Some(Event::Down(d)) => {
                node.association_lost();
                return NodeEnd::Down(d);
            }
            None => {}
        }
    }
}

/// Connect without holding up the runtime's threads (the transports'
/// connect blocks until the association is up).
pub async fn connect(
    transport: &Arc<dyn E2Transport>,
    addr: SocketAddr,
    timeout: Duration,
) -> Result<Association, LinkError> {
    let t = transport.clone();
    let deadline = Instant::now() + timeout;
    tokio::task::spawn_blocking(move || t.connect(addr, deadline))
        .await
        .unwrap_or_else(|e| Err(LinkError::Io(format!("connect task: {e}"))))
}

/// How long one connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest pause between connection attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The shortest: a RIC that refuses at once must not make the node spin.
pub const MIN_BACKOFF: Duration = Duration::from_millis(10);

/// What a simulated node did over its whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeReport {
    pub associations: u64,
    pub connect_failures: u64,
    pub setups_done: u64,
    pub subscriptions_accepted: u64,
    pub indications_sent: u64,
    pub indication_bytes: u64,
    pub crashes: u64,
    /// How the last association ended.
    pub last_end: Option<String>,
}

impl std::fmt::Display for NodeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} association(s), {} E2 setup(s), {} subscription(s), {} indication(s) ({} bytes), {} crash(es), {} failed connect(s)",
            self.associations,
            self.setups_done,
            self.subscriptions_accepted,
            self.indications_sent,
            self.indication_bytes,
            self.crashes,
            self.connect_failures
        )
    }
}

/// A simulated E2 node connecting to a RIC, again and again.
#[derive(Clone)]
pub struct NodeRun {
    pub transport: Arc<dyn E2Transport>,
    pub ric: SocketAddr,
    pub config: E2NodeConfig,
    /// Pause after an association ends before connecting again; doubled
    /// (up to [`MAX_BACKOFF`]) while connecting fails.
    pub reconnect: Duration,
}

/// Run the node until stopped; `ready` is called once the first association is up.
pub async fn run_node(run: NodeRun, mut stop: Stop, ready: impl FnOnce()) -> NodeReport {
    let mut ready = Some(ready);
    let mut report = NodeReport::default();
    let mut backoff = run.reconnect.max(MIN_BACKOFF);
    while !stop.is_set() {
        let assoc = tokio::select! {
            _ = stop.wait() => break,
            r = connect(&run.transport, run.ric, CONNECT_TIMEOUT) => r,
        };
        let assoc = match assoc {
            Ok(a) => a,
            Err(e) => {
                report.connect_failures += 1;
                tracing::warn!(ric = %run.ric, "E2 node: cannot connect: {e}; again in {} ms", backoff.as_millis());
                if pause(backoff, &mut stop).await {
                    break;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = run.reconnect.max(MIN_BACKOFF);
        report.associations += 1;
        tracing::info!(ric = %run.ric, streams = assoc.streams(), "E2 node: association up");
        if let Some(r) = ready.take() {
            r();
        }
        // A fresh node each time, its clock starting with the association,
        // as a node restarting its E2 agent would.
        let clock = Clock::start();
        let mut cfg = run.config.clone();
        cfg.epoch_ms = clock.epoch_ms();
        let mut node = E2Node::new(cfg);
        let mut setups = 0;
        let end = serve_node(&assoc, &mut node, clock, &mut stop, |m| {
            tracing::debug!("E2 node: {m:?}");
            if let Milestone::SetupDone(_) = m {
                setups += 1;
            }
        })
        .await;
        let s = node.stats();
        report.setups_done += setups;
        report.subscriptions_accepted += s.subscriptions_accepted;
        report.indications_sent += s.indications_sent;
        report.indication_bytes += s.indication_bytes;
        if end == NodeEnd::Crashed {
            report.crashes += 1;
        }
        report.last_end = Some(end.to_string());
        if end == NodeEnd::Stopped {
            // Tell the RIC, and wait a moment for it to confirm, so that it
            // hears of it although the process exits next.
            let a = Arc::new(assoc);
            let _ = tokio::task::spawn_blocking(move || a.shutdown(Instant::now() + Duration::from_secs(1))).await;
            break;
        }
        tracing::info!(
            "E2 node: association ended: {end}; connecting again in {} ms",
            run.reconnect.as_millis()
        );
        if pause(run.reconnect, &mut stop).await {
            break;
        }
    }
    report
}

// ---- the near-RT RIC -----------------------------------------------------------------

/// Counters of the simulated RIC over every association it served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RicSnapshot {
    /// Simulator time of the snapshot.
    pub at_ns: Nanos,
    pub associations_accepted: u64,
    pub associations_up: usize,
    /// Associations whose E2 Setup succeeded (of those up).
    pub setups_established: usize,
    /// Subscriptions answered with success (of those up).
    pub subscriptions_active: usize,
    pub indications: u64,
    pub indication_bytes: u64,
    /// Indications whose sequence number skipped some.
    pub sn_gaps: u64,
    /// Indications whose E2SM-KPM header or message did not decode.
    pub decode_errors: u64,
    /// Indications of no known subscription.
    pub unknown_indications: u64,
    pub malformed_received: u64,
    pub error_indications_received: u64,
    pub error_indications_sent: u64,
    pub encode_failures: u64,
    /// Times the RIC's fault made it crash (and start again).
    pub crashes: u64,
    /// Per association, from the RIC's first RIC Subscription Request to
    /// that subscription's response (ns).
    #[serde(skip)]
    pub subscription_round_trips: Vec<Nanos>,
}

impl RicSnapshot {
    /// Add what the RIC counted for one association.
    fn add(&mut self, a: &RicAssoc) {
        for sub in a.subscriptions.values() {
            self.indications += sub.indications;
            self.indication_bytes += sub.bytes;
            self.sn_gaps += sub.sn_gaps;
            self.decode_errors += sub.decode_errors;
        }
        self.unknown_indications += a.unknown_indications;
        self.malformed_received += a.errors.malformed_received;
        self.error_indications_received += a.errors.error_indications_received.len() as u64;
        self.error_indications_sent += a.errors.error_indications_sent;
        self.encode_failures += a.errors.encode_failures.len() as u64;
    }

    /// Errors of any kind the RIC saw.
    pub fn errors(&self) -> u64 {
        self.sn_gaps
            + self.decode_errors
            + self.unknown_indications
            + self.malformed_received
            + self.error_indications_received
            + self.error_indications_sent
            + self.encode_failures
            + self.crashes
    }
}

impl std::fmt::Display for RicSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} association(s) accepted ({} up, {} set up, {} subscription(s) active), {} indication(s) ({} bytes), {} error(s), {} crash(es)",
            self.associations_accepted,
            self.associations_up,
            self.setups_established,
            self.subscriptions_active,
            self.indications,
            self.indication_bytes,
            self.errors() - self.crashes,
            self.crashes
        )
    }
}

/// The simulated RIC's configuration with a KPM subscription reporting
/// every `period_ms`, one granularity period a report.
pub fn ric_config(version: E2apVersion, fault: RicFault, period_ms: u32) -> RicConfig {
    let mut c = RicConfig::new(version).with_fault(fault);
    let period_ms = period_ms.max(1);
    c.report_period_ms = period_ms;
    for a in &mut c.actions {
        if let Some(d) = &mut a.definition {
            d.granularity_ms = period_ms;
        }
    }
    c
}

/// What can be asked of a running RIC.
#[derive(Debug)]
pub enum RicCtl {
    Snapshot(tokio::sync::oneshot::Sender<RicSnapshot>),
}

/// An accepted association: its forwarding task ends when `_cancel` is
/// dropped (an association closed here never reports itself down).
struct RicLink {
    assoc: Arc<Association>,
    _cancel: tokio::sync::oneshot::Sender<()>,
    /// When the RIC first asked this node for a subscription.
    subscribing: Option<Nanos>,
    /// Whether that subscription was answered (and timed).
    subscribed: bool,
}

impl RicLink {
    /// Time the first subscription of association `id` once it is answered.
    fn note_subscription(&mut self, ric: &NearRtRic, id: AssocId, now: Nanos, round_trips: &mut Vec<Nanos>) {
        if self.subscribed {
            return;
        }
        let Some(a) = ric.association(id) else { return };
        if self.subscribing.is_none() && !a.subscriptions.is_empty() {
            self.subscribing = Some(now);
        }
        if let Some(t) = self.subscribing
            && a.subscriptions.values().any(|x| x.state == SubState::Active)
        {
            self.subscribed = true;
            round_trips.push(now.saturating_sub(t));
        }
    }
}

/// Events taken from the queue at once before the RIC sends what it owes
/// (fewer passes over the output when many associations are busy).
const EVENT_BATCH: usize = 64;

enum Wake {
    Stop,
    Ctl(Option<RicCtl>),
    Event((AssocId, Event)),
    Accept(Result<Association, LinkError>),
    Timer,
}

/// Serve a simulated near-RT RIC with `config` on every association
/// `listener` accepts, until stopped (or the listener fails); the counters
/// at the end. `ctl` answers snapshots while it runs.
pub async fn serve_ric(
    listener: Listener,
    config: RicConfig,
    mut stop: Stop,
    mut ctl: Option<flume::Receiver<RicCtl>>,
) -> RicSnapshot {
    let clock = Clock::start();
    let mut ric = NearRtRic::new(config.clone());
    let mut links: HashMap<AssocId, RicLink> = HashMap::new();
    let (ev_tx, ev_rx) = flume::unbounded::<(AssocId, Event)>();
    let mut next_id: AssocId = 1;
    // Counters of associations gone (and of crashes).
    let mut gone = RicSnapshot::default();
    loop {
        let wake = ric.poll_timeout().map(|t| clock.instant(t));
        let w = tokio::select! {
            _ = stop.wait() => Wake::Stop,
            c = async {
                match &ctl {
                    Some(c) => c.recv_async().await.ok(),
                    None => std::future::pending().await,
                }
            } => Wake::Ctl(c),
            ev = ev_rx.recv_async() => match ev {
                Ok(ev) => Wake::Event(ev),
                // The loop holds a sender: cannot happen.
                Err(_) => Wake::Stop,
            },
            a = listener.accept_async() => Wake::Accept(a),
            _ = sleep_until(wake) => Wake::Timer,
        };
        match w {
            Wake::Stop => break,
            Wake::Ctl(Some(RicCtl::Snapshot(tx))) => {
                let _ = tx.send(ric_snapshot(&ric, &gone, links.len(), clock));
            }
            Wake::Ctl(None) => ctl = None,
            Wake::Event(first) => {
                let more = std::iter::from_fn(|| ev_rx.try_recv().ok()).take(EVENT_BATCH);
                for (id, ev) in std::iter::once(first).chain(more) {
                    let Some(link) = links.get_mut(&id) else {
                        continue;
                    };
                    match ev {
                        Event::Message(m) => {
                            let now = clock.now();
                            ric.handle_message(now, id, m.stream, &m.data);
                            link.note_subscription(&ric, id, now, &mut gone.subscription_round_trips);
                        }
                        Event::Down(d) => {
                            tracing::info!(id, "near-RT RIC: association down: {d}");
                            if let Some(a) = ric.association(id) {
                                gone.add(a);
                            }
                            ric.association_down(id);
                            links.remove(&id);
                        }
                    }
                }
            }
            Wake::Accept(Ok(a)) => {
                let id = next_id;
                next_id += 1;
                gone.associations_accepted += 1;
                tracing::info!(id, peer = a.peer(), "near-RT RIC: association up");
                let assoc = Arc::new(a);
                let (cancel, mut cancelled) = tokio::sync::oneshot::channel::<()>();
                let (a, tx) = (assoc.clone(), ev_tx.clone());
                tokio::spawn(async move {
                    loop {
                        let ev = tokio::select! {
                            _ = &mut cancelled => break,
                            ev = a.recv_async() => ev,
                        };
                        let down = matches!(ev, Event::Down(_));
                        if tx.send((id, ev)).is_err() || down {
                            break;
                        }
                    }
                });
                ric.association_up(clock.now(), id);
                links.insert(
                    id,
                    RicLink {
                        assoc,
                        _cancel: cancel,
                        subscribing: None,
                        subscribed: false,
                    },
                );
            }
            Wake::Accept(Err(e)) => {
                tracing::error!("near-RT RIC: the listener failed: {e}");
                break;
            }
            Wake::Timer => {}
        }
        let now = clock.now();
        while let Some((id, t)) = ric.poll_transmit(now) {
            if let Some(l) = links.get(&id)
                && let Err(e) = l.assoc.send(t.stream, t.ppid, &t.bytes)
            {
                // The association's own Down event follows.
                tracing::debug!(id, "near-RT RIC: send failed: {e}");
            }
        }
        if ric.crashed() {
            tracing::warn!(
                fault = %config.fault,
                "near-RT RIC crashed: dropping {} association(s) and starting again",
                links.len()
            );
            for l in links.values() {
                l.assoc.abort();
            }
            for (_, a) in ric.associations() {
                gone.add(a);
            }
            links.clear();
            gone.crashes += 1;
            ric = NearRtRic::new(config.clone());
        }
    }
    ric_snapshot(&ric, &gone, links.len(), clock)
}

fn ric_snapshot(ric: &NearRtRic, gone: &RicSnapshot, up: usize, clock: Clock) -> RicSnapshot {
    let mut s = gone.clone();
    s.at_ns = clock.now();
    s.associations_up = up;
    for (_, a) in ric.associations() {
        if a.setup == SetupState::Established {
            s.setups_established += 1;
        }
        s.subscriptions_active += a.subscriptions.values().filter(|x| x.state == SubState::Active).count();
        s.add(a);
    }
    s
}

// ---- command line --------------------------------------------------------------------

/// The SCTP transport options of `harness sim e2node|ric`.
#[derive(clap::Args, Debug, Clone)]
pub struct SctpArgs {
    /// SCTP to use: kernel, or udp (SCTP over UDP, RFC 6951, needs libusrsctp).
    #[arg(long, default_value = "udp", value_parser = parse_kind)]
    pub sctp: SctpKind,
    /// SCTP over UDP: this process's UDP encapsulation port.
    #[arg(long, default_value_t = e2link::DEFAULT_UDP_ENCAPS_PORT)]
    pub udp_port: u16,
    /// SCTP over UDP: the peer's UDP encapsulation port.
    #[arg(long, default_value_t = e2link::DEFAULT_UDP_ENCAPS_PORT)]
    pub udp_peer_port: u16,
    /// SCTP streams to request.
    #[arg(long, default_value_t = e2link::DEFAULT_STREAMS)]
    pub streams: u16,
    /// usrsctp debug output.
    #[arg(long)]
    pub sctp_debug: bool,
}

fn parse_kind(s: &str) -> Result<SctpKind, String> {
    s.parse()
}

fn parse_version(s: &str) -> Result<E2apVersion, String> {
    s.parse()
}

fn parse_node_fault(s: &str) -> Result<NodeFault, String> {
    s.parse()
}

fn parse_ric_fault(s: &str) -> Result<RicFault, String> {
    s.parse()
}

impl SctpArgs {
    pub fn config(&self) -> SctpConfig {
        SctpConfig {
            streams: self.streams,
            udp_local_port: self.udp_port,
            udp_remote_port: self.udp_peer_port,
            debug: self.sctp_debug,
        }
    }

    /// The transport, where it can run here.
    pub fn transport(&self) -> Result<Arc<dyn E2Transport>, String> {
        if self.sctp == SctpKind::Memory {
            return Err("--sctp memory is in-process only; a simulator in its own process needs udp or kernel".into());
        }
        e2link::open(self.sctp, &self.config()).map_err(|e| e.to_string())
    }
}

/// `harness sim e2node`.
#[derive(clap::Args, Debug, Clone)]
pub struct NodeArgs {
    #[command(flatten)]
    pub sctp: SctpArgs,
    /// The near-RT RIC to connect to (again after every association ends).
    #[arg(long, value_name = "ADDR:PORT")]
    pub connect: SocketAddr,
    /// E2AP version: 1.00, 2.03 or 3.01 (v1, v2, v3 too).
    #[arg(long, default_value = "3.01", value_parser = parse_version)]
    pub e2ap: E2apVersion,
    /// E2 node variant: "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none", value_parser = parse_node_fault)]
    pub variant: NodeFault,
    /// Pause before connecting again after an association ends, in ms.
    #[arg(long, default_value_t = 100)]
    pub reconnect_ms: u64,
    /// Stop after this many seconds [default: run until interrupted].
    #[arg(long)]
    pub duration_s: Option<f64>,
}

/// `harness sim ric`.
#[derive(clap::Args, Debug, Clone)]
pub struct RicArgs {
    #[command(flatten)]
    pub sctp: SctpArgs,
    /// Where to accept E2 nodes' associations.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// E2AP version: 1.00, 2.03 or 3.01 (v1, v2, v3 too).
    #[arg(long, default_value = "3.01", value_parser = parse_version)]
    pub e2ap: E2apVersion,
    /// Near-RT RIC variant: "none" (conformant) or a deliberate fault.
    #[arg(long, default_value = "none", value_parser = parse_ric_fault)]
    pub variant: RicFault,
    /// Refuse this many E2 Setup attempts of each association (with a Time
    /// To Wait) before accepting, as E2.RIC.SETUP.02 and .03 need.
    #[arg(long, default_value_t = 0)]
    pub refuse_setups: u32,
    /// Reporting period of the KPM subscription made to each node, in ms.
    #[arg(long, default_value_t = 1000)]
    pub report_period_ms: u32,
    /// Stop after this many seconds [default: run until interrupted].
    #[arg(long)]
    pub duration_s: Option<f64>,
}

type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn duration(s: Option<f64>) -> Result<Option<Duration>, String> {
    s.map(|s| Duration::try_from_secs_f64(s).map_err(|e| format!("--duration-s {s}: {e}")))
        .transpose()
}

/// A stop on Ctrl-C and, when given, after `duration`.
fn stopper(rt: &tokio::runtime::Runtime, duration: Option<Duration>) -> Stop {
    let (handle, stop) = stop_pair();
    let h = handle.clone();
    // Fails only if a handler is already set (embedding): then the caller stops us.
    let _ = ctrlc::set_handler(move || h.stop());
    if let Some(d) = duration {
        rt.spawn(async move {
            tokio::time::sleep(d).await;
            handle.stop();
        });
    }
    stop
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))
}

fn say_ready() {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
}

/// `harness sim e2node`: prints "ready" once the first association is up.
pub fn node_cli(a: &NodeArgs) -> CmdResult {
    let limit = duration(a.duration_s)?;
    let transport = a.sctp.transport()?;
    let rt = runtime()?;
    let stop = stopper(&rt, limit);
    let mut config = E2NodeConfig::new(a.e2ap).with_fault(a.variant);
    config.seed = u64::from(std::process::id());
    let run = NodeRun {
        transport,
        ric: a.connect,
        config,
        reconnect: Duration::from_millis(a.reconnect_ms),
    };
    let report = rt.block_on(run_node(run, stop, say_ready));
    eprintln!("sim e2node ({}, E2AP {}): {report}", a.variant, a.e2ap);
    Ok(ExitCode::SUCCESS)
}

/// `harness sim ric`: prints "ready" once it listens.
pub fn ric_cli(a: &RicArgs) -> CmdResult {
    let limit = duration(a.duration_s)?;
    let transport = a.sctp.transport()?;
    let listener = transport.listen(a.listen).map_err(|e| format!("{}: {e}", a.listen))?;
    let rt = runtime()?;
    let stop = stopper(&rt, limit);
    let mut config = ric_config(a.e2ap, a.variant, a.report_period_ms);
    config.refuse_setups = a.refuse_setups;
    tracing::info!("near-RT RIC on {} over {}", a.listen, transport.describe());
    say_ready();
    let report = rt.block_on(serve_ric(listener, config, stop, None));
    eprintln!("sim ric ({}, E2AP {}): {report}", a.variant, a.e2ap);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::e2link::memory::MemoryNet;
    use codecs::e2ap;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    fn name(b: &[u8]) -> &'static str {
        e2ap::decode(E2apVersion::V3_01, b)
            .ok()
            .and_then(|p| p.message_name())
            .unwrap_or("?")
    }

    async fn snapshot(ctl: &flume::Sender<RicCtl>) -> RicSnapshot {
        let (tx, rx) = tokio::sync::oneshot::channel();
        ctl.send(RicCtl::Snapshot(tx)).unwrap();
        rx.await.unwrap()
    }

    #[test]
    fn node_and_ric_set_up_subscribe_and_report_in_real_time() {
        let net = Arc::new(MemoryNet::new(4));
        let listener = net.listen(addr(1)).unwrap();
        let (handle, stop) = stop_pair();
        let (ctl, ctl_rx) = flume::unbounded();
        let rt = rt();
        let (snap, ric, node) = rt.block_on(async {
            let ric = tokio::spawn(serve_ric(
                listener,
                ric_config(E2apVersion::V3_01, RicFault::None, 20),
                stop.clone(),
                Some(ctl_rx),
            ));
            let run = NodeRun {
                transport: net.clone(),
                ric: addr(1),
                config: E2NodeConfig::new(E2apVersion::V3_01),
                reconnect: Duration::from_millis(10),
            };
            let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
            let node = tokio::spawn(run_node(run, stop.clone(), move || {
                let _ = ready_tx.send(());
            }));
            ready_rx.await.unwrap();
            let t0 = Instant::now();
            let snap = loop {
                let s = snapshot(&ctl).await;
                if s.indications >= 5 || t0.elapsed() > Duration::from_secs(5) {
                    break s;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            handle.stop();
            (snap, ric.await.unwrap(), node.await.unwrap())
        });
        assert_eq!(
            (snap.associations_up, snap.setups_established, snap.subscriptions_active),
            (1, 1, 1),
            "{snap}"
        );
        assert!(snap.indications >= 5, "{snap}");
        assert_eq!(snap.errors(), 0, "{snap}");
        // The indications came every 20 ms, not all at once.
        assert!(snap.at_ns >= 80_000_000, "{snap:?}");
        assert!(ric.indications >= snap.indications);
        assert_eq!(
            (node.associations, node.setups_done, node.subscriptions_accepted),
            (1, 1, 1),
            "{node}"
        );
        assert!(node.indications_sent >= snap.indications, "{node}");
        assert_eq!(node.last_end.as_deref(), Some("stopped"));
    }

    #[test]
    fn node_connects_again_after_its_association_ends_and_after_crashing() {
        let net = Arc::new(MemoryNet::new(4));
        let l = net.listen(addr(2)).unwrap();
        let (handle, stop) = stop_pair();
        let rt = rt();
        let run = NodeRun {
            transport: net.clone(),
            ric: addr(2),
            config: E2NodeConfig::new(E2apVersion::V3_01).with_fault(NodeFault::CrashOnBadSetupResponse),
            reconnect: Duration::from_millis(10),
        };
        let node = rt.spawn(run_node(run, stop, || {}));
        let setup = |a: &Association| {
            let m = a.expect(soon()).unwrap();
            assert_eq!(name(&m.data), "E2setupRequest");
            e2ap::decode(E2apVersion::V3_01, &m.data).unwrap().into_owned()
        };
        // Aborted by the RIC: a fresh association, a fresh E2 Setup.
        let a = l.accept(soon()).unwrap();
        setup(&a);
        a.abort();
        // Shut down by the RIC: the same.
        let a = l.accept(soon()).unwrap();
        setup(&a);
        a.close();
        let a = l.accept(soon()).unwrap();
        let req = setup(&a);
        // A setup response it cannot use makes this variant crash.
        let e2ap::E2apPdu::InitiatingMessage(m) = &req else {
            panic!()
        };
        let e2ap::InitiatingMessageValue::E2setupRequest(r) = &m.value else {
            panic!()
        };
        let bad = suites::e2::peer::setup_response_without_ric_id(E2apVersion::V3_01, r);
        a.send_e2(&e2ap::encode(E2apVersion::V3_01, &bad).unwrap()).unwrap();
        assert_eq!(a.recv(soon()), Some(Event::Down(Down::Lost { cause: None })));
        let a = l.accept(soon()).unwrap();
        setup(&a);
        handle.stop();
        let report = rt.block_on(node).unwrap();
        assert_eq!((report.associations, report.crashes), (4, 1), "{report}");
        assert_eq!(a.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
    }

    #[test]
    fn crashing_ric_drops_every_association_and_starts_again() {
        let net = Arc::new(MemoryNet::new(4));
        let listener = net.listen(addr(3)).unwrap();
        let (handle, stop) = stop_pair();
        let (ctl, ctl_rx) = flume::unbounded();
        let rt = rt();
        let ric = rt.spawn(serve_ric(
            listener,
            ric_config(E2apVersion::V3_01, RicFault::CrashOnErrorIndication, 1000),
            stop,
            Some(ctl_rx),
        ));
        let setup_request = |a: &Association| {
            let req = suites::e2::peer::setup_request(E2apVersion::V3_01, 1, None).unwrap();
            a.send_e2(&e2ap::encode(E2apVersion::V3_01, &req).unwrap()).unwrap();
            let m = a.expect(soon()).unwrap();
            assert_eq!(name(&m.data), "E2setupResponse");
        };
        let one = net.connect(addr(3), soon()).unwrap();
        let two = net.connect(addr(3), soon()).unwrap();
        setup_request(&one);
        setup_request(&two);
        let ei = suites::e2::peer::error_indication(E2apVersion::V3_01);
        one.send_e2(&e2ap::encode(E2apVersion::V3_01, &ei).unwrap()).unwrap();
        for a in [&one, &two] {
            loop {
                match a.recv(soon()) {
                    // The subscription request sent after setup.
                    Some(Event::Message(_)) => {}
                    Some(Event::Down(d)) => {
                        assert_eq!(d, Down::Lost { cause: None });
                        break;
                    }
                    None => panic!("the crash dropped nothing"),
                }
            }
        }
        // Started again: a new node is served.
        let three = net.connect(addr(3), soon()).unwrap();
        setup_request(&three);
        let snap = rt.block_on(snapshot(&ctl));
        assert_eq!(
            (snap.crashes, snap.associations_accepted, snap.associations_up),
            (1, 3, 1),
            "{snap}"
        );
        handle.stop();
        rt.block_on(ric).unwrap();
    }

    #[test]
    fn memory_transport_is_refused_for_a_simulator_process() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            ric: RicArgs,
        }
        let cli = Cli::try_parse_from(["x", "--sctp", "memory", "--listen", "127.0.0.1:36421"]).unwrap();
        let e = ric_cli(&cli.ric).unwrap_err().to_string();
        assert!(e.contains("in-process only"), "{e}");
        assert!(Cli::try_parse_from(["x", "--listen", "127.0.0.1:1", "--variant", "nope"]).is_err());
        let cli = Cli::try_parse_from([
            "x",
            "--listen",
            "127.0.0.1:1",
            "--variant",
            "silent-on-malformed",
            "--e2ap",
            "2.03",
        ])
        .unwrap();
        assert_eq!(
            (cli.ric.variant, cli.ric.e2ap),
            (RicFault::SilentOnMalformed, E2apVersion::V2_03)
        );
    }
}

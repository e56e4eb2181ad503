//! E2 links: SCTP associations between an E2 node and a near-RT RIC.
//!
//! E2AP travels over SCTP with a payload protocol identifier per message
//! (70 = E2-CP, sent by default; 71 = E2-UP and 72 = E2-DU are accepted too)
//! on one of several streams. The E2 node opens the association; the RIC
//! listens. One [`Association`] type serves every transport:
//!
//! - [`memory`]: in-process pairs for unit tests (boundaries and streams kept);
//! - [`kernel`]: the kernel's SCTP through `sctp-rs` (lab machines);
//! - [`usrsctp`]: SCTP over UDP (RFC 6951) in user space through libusrsctp,
//!   loaded at run time, for machines whose kernel has no SCTP (CI included).
//!
//! Each transport delivers what arrives into a per-association channel from
//! one place (the memory sender, the kernel stack's single tokio thread,
//! usrsctp's own threads), so thousands of associations cost no thread each.
//! The channels work blocking with a deadline ([`Association::recv`]) and
//! async ([`Association::recv_async`]). An association going down (peer
//! shutdown, abort, lost peer) arrives as [`Event::Down`], never as a panic.
//!
//! This lives in the harness, not in `suites`: suites describe cases and
//! must not depend on sockets or system libraries; the harness wires links to
//! them, as it does for the fronthaul [`crate::transport`].

pub mod kernel;
pub mod memory;
pub mod ping;
pub mod usrsctp;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// SCTP payload protocol identifiers (IANA) for E2.
pub const PPID_E2_CP: u32 = 70;
pub const PPID_E2_UP: u32 = 71;
pub const PPID_E2_DU: u32 = 72;

/// Whether a PPID is one E2 accepts.
pub fn is_e2_ppid(ppid: u32) -> bool {
    matches!(ppid, PPID_E2_CP | PPID_E2_UP | PPID_E2_DU)
}

/// E2 SCTP ports seen in the field: FlexRIC / srsRAN / onos-e2t.
pub const PORT_FLEXRIC: u16 = 36421;
/// O-RAN SC E2 termination, ns-O-RAN.
pub const PORT_ORAN_SC: u16 = 36422;
/// Wireshark's default for its E2AP dissector.
pub const PORT_WIRESHARK: u16 = 37464;

/// RFC 6951's registered UDP port for SCTP encapsulation (tshark decodes it).
pub const DEFAULT_UDP_ENCAPS_PORT: u16 = 9899;

/// Default number of outbound streams requested (inbound accepted up to it).
pub const DEFAULT_STREAMS: u16 = 8;

/// One SCTP user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub stream: u16,
    pub ppid: u32,
    pub data: Vec<u8>,
}

impl Message {
    /// An E2-CP message on stream 0.
    pub fn e2(data: Vec<u8>) -> Self {
        Message {
            stream: 0,
            ppid: PPID_E2_CP,
            data,
        }
    }
}

/// Why an association is no longer usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Down {
    /// The peer shut the association down gracefully (SHUTDOWN).
    PeerShutdown,
    /// The association was lost: ABORT from the peer, or the peer stopped
    /// answering. `cause` is the SCTP error cause when the stack gave one.
    Lost { cause: Option<u16> },
    /// Closed on this side.
    Closed,
    /// The transport failed (socket error, stack gone).
    Failed(String),
}

impl fmt::Display for Down {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Down::PeerShutdown => write!(f, "peer shut the association down"),
            Down::Lost { cause: Some(c) } => write!(f, "association lost (abort or no answer, cause {c})"),
            Down::Lost { cause: None } => write!(f, "association lost (abort or no answer)"),
            Down::Closed => write!(f, "association closed locally"),
            Down::Failed(e) => write!(f, "transport failed: {e}"),
        }
    }
}

/// What an association delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Message(Message),
    Down(Down),
}

/// Errors of the E2 link layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// The transport cannot run here (no kernel SCTP, no libusrsctp, ...).
    Unavailable(String),
    /// Nothing arrived (or no association came up) before the deadline.
    Timeout,
    /// The association is down.
    Down(Down),
    /// A stream number the association does not have.
    BadStream {
        stream: u16,
        streams: u16,
    },
    /// Could not connect, bind or listen.
    Setup(String),
    Io(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Unavailable(m) => write!(f, "{m}"),
            LinkError::Timeout => write!(f, "deadline passed"),
            LinkError::Down(d) => write!(f, "{d}"),
            LinkError::BadStream { stream, streams } => {
                write!(f, "stream {stream} does not exist (the association has {streams})")
            }
            LinkError::Setup(m) => write!(f, "{m}"),
            LinkError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// The sending side of one association, per transport.
pub(crate) trait AssocLink: Send + Sync {
    fn send(&self, msg: &Message) -> Result<(), LinkError>;
    /// Graceful shutdown; idempotent. The socket may be released at once,
    /// before the peer has been told.
    fn close(&self);
    /// Start a graceful shutdown that ends in [`Down::Closed`] on this
    /// side's channel once the peer confirmed it; by default, [`close`].
    ///
    /// [`close`]: AssocLink::close
    fn shutdown(&self) -> bool {
        self.close();
        false
    }
    /// ABORT; idempotent.
    fn abort(&self);
}

/// One SCTP association (either side).
///
/// Dropping it shuts the association down gracefully.
pub struct Association {
    link: Box<dyn AssocLink>,
    rx: flume::Receiver<Event>,
    /// Set once the association is seen down; later receives repeat it.
    down: OnceLock<Down>,
    peer: String,
    streams: u16,
}

impl fmt::Debug for Association {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Association")
            .field("peer", &self.peer)
            .field("streams", &self.streams)
            .field("down", &self.down.get())
            .finish()
    }
}

impl Association {
    pub(crate) fn new(link: Box<dyn AssocLink>, rx: flume::Receiver<Event>, peer: String, streams: u16) -> Self {
        Association {
            link,
            rx,
            down: OnceLock::new(),
            peer,
            streams,
        }
    }

    /// Who the peer is, for reports.
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// Outbound streams this side may use (0..streams).
    pub fn streams(&self) -> u16 {
        self.streams
    }

    /// Send one message on `stream` with `ppid`.
    pub fn send(&self, stream: u16, ppid: u32, data: &[u8]) -> Result<(), LinkError> {
        if let Some(d) = self.down.get() {
            return Err(LinkError::Down(d.clone()));
        }
        if stream >= self.streams {
            return Err(LinkError::BadStream {
                stream,
                streams: self.streams,
            });
        }
        self.link.send(&Message {
            stream,
            ppid,
            data: data.to_vec(),
        })
    }

    /// Send an E2-CP message (PPID 70) on stream 0.
    pub fn send_e2(&self, data: &[u8]) -> Result<(), LinkError> {
        self.send(0, PPID_E2_CP, data)
    }

    fn note(&self, ev: Event) -> Event {
        if let Event::Down(d) = &ev {
            let _ = self.down.set(d.clone());
        }
        ev
    }

    fn disconnected(&self) -> Event {
        let d = self
            .down
            .get()
            .cloned()
            .unwrap_or(Down::Failed("transport gone".into()));
        self.note(Event::Down(d))
    }

    /// The next event, waiting until `deadline` at most (`None` then).
    /// Once the association is down, returns that [`Event::Down`] at once.
    pub fn recv(&self, deadline: Instant) -> Option<Event> {
        match self.rx.try_recv() {
            Ok(ev) => return Some(self.note(ev)),
            Err(flume::TryRecvError::Disconnected) => return Some(self.disconnected()),
            Err(flume::TryRecvError::Empty) => {}
        }
        if let Some(d) = self.down.get() {
            return Some(Event::Down(d.clone()));
        }
        match self.rx.recv_deadline(deadline) {
            Ok(ev) => Some(self.note(ev)),
            Err(flume::RecvTimeoutError::Timeout) => None,
            Err(flume::RecvTimeoutError::Disconnected) => Some(self.disconnected()),
        }
    }

    /// [`recv`](Self::recv) with a timeout.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        self.recv(Instant::now() + timeout)
    }

    /// The next event, without waiting.
    pub fn try_recv(&self) -> Option<Event> {
        self.recv(Instant::now())
    }

    /// The next message before `deadline`, or why there is none.
    pub fn expect(&self, deadline: Instant) -> Result<Message, LinkError> {
        match self.recv(deadline) {
            Some(Event::Message(m)) => Ok(m),
            Some(Event::Down(d)) => Err(LinkError::Down(d)),
            None => Err(LinkError::Timeout),
        }
    }

    /// The next event, for async callers (any executor).
    pub async fn recv_async(&self) -> Event {
        if let Some(d) = self.down.get()
            && self.rx.is_empty()
        {
            return Event::Down(d.clone());
        }
        match self.rx.recv_async().await {
            Ok(ev) => self.note(ev),
            Err(_) => self.disconnected(),
        }
    }

    /// Whether the association has been seen down.
    pub fn down(&self) -> Option<&Down> {
        self.down.get()
    }

    /// Shut down gracefully and wait (until `deadline` at most) for the
    /// peer to confirm, so that the peer learns of it even if this process
    /// exits right after. Messages still arriving meanwhile are dropped.
    /// Returns whether the shutdown was confirmed.
    pub fn shutdown(&self, deadline: Instant) -> bool {
        if self.down.get().is_some() {
            self.link.close();
            return false;
        }
        let confirmable = self.link.shutdown();
        let mut confirmed = false;
        if confirmable {
            loop {
                match self.rx.recv_deadline(deadline) {
                    Ok(Event::Message(_)) => {}
                    Ok(Event::Down(d)) => {
                        confirmed = d == Down::Closed;
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
        self.close();
        confirmed
    }

    /// Shut down gracefully now (also done on drop). The peer is told by
    /// the stack in the background; see [`shutdown`](Self::shutdown).
    pub fn close(&self) {
        let _ = self.down.set(Down::Closed);
        self.link.close();
    }

    /// Abort the association (the peer sees it lost).
    pub fn abort(&self) {
        let _ = self.down.set(Down::Closed);
        self.link.abort();
    }
}

impl Drop for Association {
    fn drop(&mut self) {
        self.link.close();
    }
}

/// A listening endpoint (RIC side) handing out accepted associations.
pub struct Listener {
    rx: flume::Receiver<Association>,
    local: SocketAddr,
    describe: String,
    /// Stops accepting when dropped.
    _guard: Box<dyn Send + Sync>,
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Listener({})", self.describe)
    }
}

impl Listener {
    pub(crate) fn new(
        rx: flume::Receiver<Association>,
        local: SocketAddr,
        describe: String,
        guard: Box<dyn Send + Sync>,
    ) -> Self {
        Listener {
            rx,
            local,
            describe,
            _guard: guard,
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The next association, waiting until `deadline` at most.
    pub fn accept(&self, deadline: Instant) -> Result<Association, LinkError> {
        match self.rx.recv_deadline(deadline) {
            Ok(a) => Ok(a),
            Err(flume::RecvTimeoutError::Timeout) => Err(LinkError::Timeout),
            Err(flume::RecvTimeoutError::Disconnected) => Err(LinkError::Down(Down::Failed("listener stopped".into()))),
        }
    }

    pub async fn accept_async(&self) -> Result<Association, LinkError> {
        self.rx
            .recv_async()
            .await
            .map_err(|_| LinkError::Down(Down::Failed("listener stopped".into())))
    }
}

/// Something that opens E2 associations.
pub trait E2Transport: Send + Sync {
    /// Listen on `addr` (port 0 picks one where the transport can).
    fn listen(&self, addr: SocketAddr) -> Result<Listener, LinkError>;
    /// Open an association to `addr`, up by `deadline`.
    fn connect(&self, addr: SocketAddr, deadline: Instant) -> Result<Association, LinkError>;
    /// What the transport is, for reports.
    fn describe(&self) -> String;
}

/// Which SCTP to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SctpKind {
    /// The kernel's SCTP.
    Kernel,
    /// SCTP over UDP (RFC 6951) through libusrsctp.
    Udp,
    /// In-process, for tests and self-checks.
    Memory,
}

impl std::str::FromStr for SctpKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "kernel" => Ok(SctpKind::Kernel),
            "udp" => Ok(SctpKind::Udp),
            "memory" => Ok(SctpKind::Memory),
            other => Err(format!("unknown SCTP transport {other:?}: kernel, udp or memory")),
        }
    }
}

/// Settings shared by the transports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SctpConfig {
    /// Outbound streams requested; inbound streams accepted up to this.
    pub streams: u16,
    /// SCTP over UDP: this process's UDP encapsulation port (one per
    /// process: usrsctp runs one stack per process).
    pub udp_local_port: u16,
    /// SCTP over UDP: the peer's UDP encapsulation port.
    pub udp_remote_port: u16,
    /// usrsctp's debug output (to stdout); off by default.
    pub debug: bool,
}

impl Default for SctpConfig {
    fn default() -> Self {
        SctpConfig {
            streams: DEFAULT_STREAMS,
            udp_local_port: DEFAULT_UDP_ENCAPS_PORT,
            udp_remote_port: DEFAULT_UDP_ENCAPS_PORT,
            debug: false,
        }
    }
}

/// Open a transport of `kind`; fails at once, plainly, where it cannot run.
pub fn open(kind: SctpKind, config: &SctpConfig) -> Result<Arc<dyn E2Transport>, LinkError> {
    Ok(match kind {
        SctpKind::Kernel => Arc::new(kernel::KernelSctp::open(config)?),
        SctpKind::Udp => Arc::new(usrsctp::UdpSctp::open(config)?),
        SctpKind::Memory => Arc::new(memory::MemoryNet::new(config.streams)),
    })
}

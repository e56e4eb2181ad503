//! E2 cases over a real SCTP association, in real time.
//!
//! [`LinkE2Port`] is the [`E2Port`] the E2 cases drive, over one
//! [`Association`]: its clock is the wall clock since the port was opened,
//! and it captures every message both ways with its stream and PPID.
//!
//! [`E2Endpoint`] opens one fresh association per case. For a near-RT RIC
//! under test the harness plays the E2 node, so it connects to the RIC's
//! address. For an E2 node under test the harness plays the RIC, so it
//! listens (for the whole run) and takes the node's next association; when
//! the case ends the association is aborted, and the node, as E2 nodes do,
//! connects again for the next case.

use crate::e2link::{Association, Down, E2Transport, Event, LinkError, Listener};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use suites::e2::{E2Captured, E2Dir, E2Event, E2Message, E2Port, E2PortError, E2Side, Nanos};

/// How a port ends its association when dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortEnd {
    /// Graceful SCTP shutdown (SHUTDOWN), told to the peer in the background.
    Shutdown,
    /// ABORT: the peer sees the association lost at once.
    Abort,
}

/// The harness side of one E2 association, in real time.
pub struct LinkE2Port {
    assoc: Association,
    opened: Instant,
    capture: Vec<E2Captured>,
    /// Events taken from the association before the case asked for them
    /// (while opening, or when a send found it down), with their arrival.
    pending: VecDeque<(Nanos, Event)>,
    /// Why the association went down, once the case has been told.
    down: Option<String>,
    end: PortEnd,
}

impl std::fmt::Debug for LinkE2Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkE2Port")
            .field("peer", &self.assoc.peer())
            .field("down", &self.down)
            .field("end", &self.end)
            .finish()
    }
}

fn nanos(d: Duration) -> Nanos {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn reason(d: &Down) -> String {
    d.to_string()
}

impl LinkE2Port {
    /// A port over `assoc`, its clock starting now; dropping it ends the
    /// association as `end` says.
    pub fn new(assoc: Association, end: PortEnd) -> Self {
        LinkE2Port {
            assoc,
            opened: Instant::now(),
            capture: Vec::new(),
            pending: VecDeque::new(),
            down: None,
            end,
        }
    }

    /// Who the DUT is on this association, for reports.
    pub fn peer(&self) -> &str {
        self.assoc.peer()
    }

    /// SCTP streams this side may send on.
    pub fn streams(&self) -> u16 {
        self.assoc.streams()
    }

    /// The wall-clock instant of port time `t`.
    pub fn instant(&self, t: Nanos) -> Instant {
        self.opened + Duration::from_nanos(t)
    }

    /// Take what has already arrived without waiting; whether the
    /// association is seen down among it.
    fn take_arrived(&mut self) -> bool {
        while let Some(ev) = self.assoc.try_recv() {
            let down = matches!(ev, Event::Down(_));
            let at = self.now();
            self.pending.push_back((at, ev));
            if down {
                return true;
            }
        }
        false
    }

    /// End the association gracefully and wait (until `deadline` at most)
    /// for the DUT to confirm; whether it did.
    pub fn finish(self, deadline: Instant) -> bool {
        self.assoc.shutdown(deadline)
    }
}

impl Drop for LinkE2Port {
    fn drop(&mut self) {
        match self.end {
            PortEnd::Abort => self.assoc.abort(),
            PortEnd::Shutdown => self.assoc.close(),
        }
    }
}

impl E2Port for LinkE2Port {
    fn now(&self) -> Nanos {
        nanos(self.opened.elapsed())
    }

    fn send(&mut self, stream: u16, ppid: u32, bytes: Vec<u8>) -> Result<(), E2PortError> {
        if let Some(why) = &self.down {
            return Err(E2PortError::Closed(why.clone()));
        }
        let at = self.now();
        match self.assoc.send(stream, ppid, &bytes) {
            Ok(()) => {
                self.capture.push(E2Captured {
                    at,
                    dir: E2Dir::ToDut,
                    stream,
                    ppid,
                    bytes,
                });
                Ok(())
            }
            // The DUT dropped the association and the case has not heard
            // yet: the message is lost with it, as on the wire, and the case
            // learns of the drop from its next receive. Failing the send
            // instead would blame the test bed for what the DUT did.
            Err(LinkError::Down(d)) if d != Down::Closed => {
                if !self.take_arrived() {
                    let at = self.now();
                    self.pending.push_back((at, Event::Down(d)));
                }
                Ok(())
            }
            Err(e) => Err(match e {
                LinkError::Down(d) => E2PortError::Closed(reason(&d)),
                other => E2PortError::Io(other.to_string()),
            }),
        }
    }

    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<E2Event>, E2PortError> {
        if let Some(why) = &self.down {
            return Err(E2PortError::Closed(why.clone()));
        }
        let (at, ev) = match self.pending.pop_front() {
            Some(x) => x,
            None => match self.assoc.recv(self.instant(deadline)) {
                Some(ev) => (self.now(), ev),
                None => return Ok(None),
            },
        };
        match ev {
            Event::Message(m) => {
                self.capture.push(E2Captured {
                    at,
                    dir: E2Dir::FromDut,
                    stream: m.stream,
                    ppid: m.ppid,
                    bytes: m.data.clone(),
                });
                Ok(Some(E2Event::Message(E2Message {
                    at,
                    stream: m.stream,
                    ppid: m.ppid,
                    bytes: m.data,
                })))
            }
            Event::Down(d) => {
                let why = reason(&d);
                self.down = Some(why.clone());
                Ok(Some(E2Event::Down { at, reason: why }))
            }
        }
    }

    fn take_capture(&mut self) -> Vec<E2Captured> {
        let mut c = std::mem::take(&mut self.capture);
        c.sort_by_key(|m| m.at);
        c
    }
}

/// Where the harness finds the DUT.
enum Target {
    /// A near-RT RIC under test, listening here.
    Ric(SocketAddr),
    /// An E2 node under test, connecting to this listener.
    Node(Listener),
}

/// Wait between attempts to reach a RIC that refused the association
/// (restarting, or not listening yet).
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);

/// Opens one fresh E2 association to the DUT per case.
pub struct E2Endpoint {
    transport: Arc<dyn E2Transport>,
    target: Target,
}

impl std::fmt::Debug for E2Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "E2Endpoint({})", self.describe())
    }
}

impl E2Endpoint {
    /// A near-RT RIC under test at `ric`: each case connects to it.
    pub fn ric_under_test(transport: Arc<dyn E2Transport>, ric: SocketAddr) -> Self {
        E2Endpoint {
            transport,
            target: Target::Ric(ric),
        }
    }

    /// An E2 node under test: listen on `addr` now, for the whole run; each
    /// case takes the node's next association.
    pub fn node_under_test(transport: Arc<dyn E2Transport>, addr: SocketAddr) -> Result<Self, LinkError> {
        let listener = transport.listen(addr)?;
        Ok(E2Endpoint {
            transport,
            target: Target::Node(listener),
        })
    }

    /// Which suite this endpoint serves.
    pub fn side(&self) -> E2Side {
        match self.target {
            Target::Ric(_) => E2Side::Ric,
            Target::Node(_) => E2Side::Node,
        }
    }

    /// The harness's listening address (E2 node under test only).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.target {
            Target::Ric(_) => None,
            Target::Node(l) => Some(l.local_addr()),
        }
    }

    /// What the endpoint is, for reports.
    pub fn describe(&self) -> String {
        match &self.target {
            Target::Ric(a) => format!(
                "near-RT RIC under test at {a}, the harness connecting as E2 node over {}",
                self.transport.describe()
            ),
            Target::Node(l) => format!(
                "E2 node under test connecting to the harness (as near-RT RIC) on {} over {}",
                l.local_addr(),
                self.transport.describe()
            ),
        }
    }

    /// A fresh association to the DUT, up by `deadline`.
    ///
    /// RIC under test: connect, trying again until the deadline while the
    /// RIC refuses (it may be restarting). E2 node under test: the node's
    /// next association; one that is already down by the time it is taken
    /// (the node gave up on it while it waited) is skipped.
    pub fn open(&self, deadline: Instant) -> Result<LinkE2Port, LinkError> {
        match &self.target {
            Target::Ric(addr) => {
                let mut last;
                loop {
                    match self.transport.connect(*addr, deadline) {
                        Ok(a) => return Ok(LinkE2Port::new(a, PortEnd::Shutdown)),
                        Err(e @ LinkError::Unavailable(_)) => return Err(e),
                        Err(e) => last = e,
                    }
                    if Instant::now() + RECONNECT_PAUSE >= deadline {
                        return Err(last);
                    }
                    std::thread::sleep(RECONNECT_PAUSE);
                }
            }
            Target::Node(listener) => loop {
                let assoc = listener.accept(deadline).map_err(|e| match e {
                    LinkError::Timeout => LinkError::Setup(format!(
                        "no association from the E2 node on {} by the deadline",
                        listener.local_addr()
                    )),
                    other => other,
                })?;
                let mut port = LinkE2Port::new(assoc, PortEnd::Abort);
                if port.take_arrived() {
                    tracing::debug!(peer = port.peer(), "skipping an E2 node association already down");
                    continue;
                }
                return Ok(port);
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::e2link::memory::MemoryNet;
    use crate::e2link::{PPID_E2_CP, PPID_E2_DU};

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn messages_both_ways_are_captured_with_stream_ppid_and_time() {
        let net = MemoryNet::new(4);
        let l = net.listen(addr(1)).unwrap();
        let node = net.connect(addr(1), soon()).unwrap();
        let mut port = LinkE2Port::new(l.accept(soon()).unwrap(), PortEnd::Shutdown);
        node.send(2, PPID_E2_DU, b"from dut").unwrap();
        let Some(E2Event::Message(m)) = port.recv_until(port.now() + 1_000_000_000).unwrap() else {
            panic!("no message")
        };
        assert_eq!((m.stream, m.ppid, &m.bytes[..]), (2, PPID_E2_DU, &b"from dut"[..]));
        port.send(1, PPID_E2_CP, b"to dut".to_vec()).unwrap();
        assert_eq!(node.expect(soon()).unwrap().data, b"to dut");
        // Nothing more: the deadline passes, in real time.
        let t = port.now();
        assert_eq!(port.recv_until(t + 20_000_000).unwrap(), None);
        assert!(port.now() >= t + 20_000_000);
        let c = port.take_capture();
        let got: Vec<_> = c.iter().map(|m| (m.dir, m.stream, m.ppid)).collect();
        assert_eq!(got, [(E2Dir::FromDut, 2, PPID_E2_DU), (E2Dir::ToDut, 1, PPID_E2_CP)]);
        assert!(c[0].at <= c[1].at);
        assert!(port.take_capture().is_empty(), "drained");
        // A stream the association lacks is the test bed's error.
        assert!(matches!(port.send(9, PPID_E2_CP, vec![0]), Err(E2PortError::Io(_))));
    }

    #[test]
    fn the_dut_going_down_is_reported_once_then_the_port_is_closed() {
        let net = MemoryNet::new(2);
        let l = net.listen(addr(2)).unwrap();
        let node = net.connect(addr(2), soon()).unwrap();
        let mut port = LinkE2Port::new(l.accept(soon()).unwrap(), PortEnd::Shutdown);
        node.send_e2(b"last").unwrap();
        node.abort();
        // A send racing the drop is lost with the association, not an error.
        port.send(0, PPID_E2_CP, vec![1]).unwrap();
        assert!(matches!(
            port.recv_until(port.now()).unwrap(),
            Some(E2Event::Message(_))
        ));
        match port.recv_until(port.now() + 1_000_000_000).unwrap() {
            Some(E2Event::Down { reason, .. }) => assert!(reason.contains("lost"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(port.recv_until(port.now()), Err(E2PortError::Closed(_))));
        assert!(matches!(port.send(0, PPID_E2_CP, vec![2]), Err(E2PortError::Closed(_))));
        // Only what really went out is in the capture.
        let c = port.take_capture();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].dir, E2Dir::FromDut);
    }

    #[test]
    fn node_endpoint_takes_each_new_association_and_aborts_it_after_the_case() {
        let net = Arc::new(MemoryNet::new(2));
        let ep = E2Endpoint::node_under_test(net.clone(), addr(3)).unwrap();
        assert_eq!(ep.side(), E2Side::Node);
        assert_eq!(ep.local_addr(), Some(addr(3)));
        assert!(ep.describe().contains("E2 node under test"), "{}", ep.describe());
        // A node association that died while it waited is skipped.
        let stale = net.connect(addr(3), soon()).unwrap();
        stale.send_e2(b"stale").unwrap();
        stale.abort();
        let node = net.connect(addr(3), soon()).unwrap();
        node.send_e2(b"setup").unwrap();
        let mut port = ep.open(soon()).unwrap();
        let Some(E2Event::Message(m)) = port.recv_until(port.now() + 1_000_000_000).unwrap() else {
            panic!()
        };
        assert_eq!(m.bytes, b"setup");
        drop(port);
        assert_eq!(node.recv(soon()), Some(Event::Down(Down::Lost { cause: None })));
        // Nobody else connects: the open gives up by its deadline, plainly.
        let t = Instant::now();
        let e = ep.open(t + Duration::from_millis(50)).unwrap_err();
        assert!(e.to_string().contains("no association from the E2 node"), "{e}");
    }

    #[test]
    fn ric_endpoint_connects_per_case_and_retries_until_the_ric_listens() {
        let net = Arc::new(MemoryNet::new(2));
        let ep = E2Endpoint::ric_under_test(net.clone(), addr(4));
        assert_eq!((ep.side(), ep.local_addr()), (E2Side::Ric, None));
        // Not listening yet: refused until the deadline.
        let e = ep.open(Instant::now() + Duration::from_millis(150)).unwrap_err();
        assert!(matches!(e, LinkError::Setup(_)), "{e:?}");
        let l = net.listen(addr(4)).unwrap();
        let port = ep.open(soon()).unwrap();
        let ric = l.accept(soon()).unwrap();
        drop(port);
        assert_eq!(ric.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
    }
}

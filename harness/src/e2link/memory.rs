//! In-process associations: one [`MemoryNet`] holds listeners by address;
//! connecting to one hands the listener the other end of a channel pair.
//! Messages keep their boundaries, stream and PPID; closing or aborting one
//! end shows up at the other as [`Event::Down`].

use super::{AssocLink, Association, Down, E2Transport, Event, LinkError, Listener, Message};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

type Listeners = Arc<Mutex<HashMap<SocketAddr, flume::Sender<Association>>>>;

/// A network of in-process listeners. Clones share the same network.
#[derive(Clone)]
pub struct MemoryNet {
    listeners: Listeners,
    streams: u16,
    next_port: Arc<AtomicU16>,
}

impl MemoryNet {
    /// A network whose associations have `streams` streams each way.
    pub fn new(streams: u16) -> Self {
        MemoryNet {
            listeners: Arc::default(),
            streams: streams.max(1),
            next_port: Arc::new(AtomicU16::new(49152)),
        }
    }

    fn ephemeral(&self, ip: std::net::IpAddr) -> SocketAddr {
        let port = self.next_port.fetch_add(1, Ordering::Relaxed);
        SocketAddr::new(ip, port.max(1024))
    }
}

impl Default for MemoryNet {
    fn default() -> Self {
        MemoryNet::new(super::DEFAULT_STREAMS)
    }
}

const UP: u8 = 0;
const SHUT: u8 = 1;
const ABORTED: u8 = 2;

/// One end of a pair.
struct MemLink {
    to_peer: flume::Sender<Event>,
    /// Shared by both ends: the association's state.
    state: Arc<AtomicU8>,
}

impl MemLink {
    fn end(&self, how: u8, peer_sees: Down) {
        if self
            .state
            .compare_exchange(UP, how, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            let _ = self.to_peer.send(Event::Down(peer_sees));
        }
    }
}

impl AssocLink for MemLink {
    fn send(&self, msg: &Message) -> Result<(), LinkError> {
        match self.state.load(Ordering::Acquire) {
            UP => {}
            SHUT => return Err(LinkError::Down(Down::PeerShutdown)),
            _ => return Err(LinkError::Down(Down::Lost { cause: None })),
        }
        self.to_peer
            .send(Event::Message(msg.clone()))
            .map_err(|_| LinkError::Down(Down::PeerShutdown))
    }

    fn close(&self) {
        self.end(SHUT, Down::PeerShutdown);
    }

    fn abort(&self) {
        self.end(ABORTED, Down::Lost { cause: None });
    }
}

struct Unlisten {
    listeners: Listeners,
    addr: SocketAddr,
}

impl Drop for Unlisten {
    fn drop(&mut self) {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.addr);
    }
}

impl E2Transport for MemoryNet {
    fn listen(&self, addr: SocketAddr) -> Result<Listener, LinkError> {
        let addr = if addr.port() == 0 {
            self.ephemeral(addr.ip())
        } else {
            addr
        };
        let (tx, rx) = flume::unbounded();
        let mut map = self.listeners.lock().unwrap_or_else(PoisonError::into_inner);
        if map.contains_key(&addr) {
            return Err(LinkError::Setup(format!("{addr}: address already in use")));
        }
        map.insert(addr, tx);
        let guard = Unlisten {
            listeners: self.listeners.clone(),
            addr,
        };
        Ok(Listener::new(
            rx,
            addr,
            format!("in-memory SCTP on {addr}"),
            Box::new(guard),
        ))
    }

    fn connect(&self, addr: SocketAddr, _deadline: Instant) -> Result<Association, LinkError> {
        let accept = self
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&addr)
            .cloned()
            .ok_or_else(|| LinkError::Setup(format!("{addr}: connection refused (nothing listens there)")))?;
        let local = self.ephemeral(addr.ip());
        let state = Arc::new(AtomicU8::new(UP));
        let (to_node, node_rx) = flume::unbounded();
        let (to_ric, ric_rx) = flume::unbounded();
        let node = Association::new(
            Box::new(MemLink {
                to_peer: to_ric,
                state: state.clone(),
            }),
            node_rx,
            format!("memory:{addr}"),
            self.streams,
        );
        let ric = Association::new(
            Box::new(MemLink {
                to_peer: to_node,
                state,
            }),
            ric_rx,
            format!("memory:{local}"),
            self.streams,
        );
        accept
            .send(ric)
            .map_err(|_| LinkError::Setup(format!("{addr}: connection refused (listener closed)")))?;
        Ok(node)
    }

    fn describe(&self) -> String {
        "in-memory SCTP".into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PPID_E2_CP, PPID_E2_DU, PPID_E2_UP};
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(2)
    }

    fn pair(net: &MemoryNet) -> (Association, Association) {
        let l = net.listen("127.0.0.1:36421".parse().unwrap()).unwrap();
        let node = net.connect(l.local_addr(), soon()).unwrap();
        let ric = l.accept(soon()).unwrap();
        (node, ric)
    }

    #[test]
    fn boundaries_streams_and_ppids_are_kept() {
        let net = MemoryNet::new(4);
        let (node, ric) = pair(&net);
        node.send(0, PPID_E2_CP, b"setup").unwrap();
        node.send(3, PPID_E2_UP, b"").unwrap();
        node.send(1, PPID_E2_DU, &vec![7u8; 100_000]).unwrap();
        let a = ric.expect(soon()).unwrap();
        assert_eq!((a.stream, a.ppid, a.data.as_slice()), (0, 70, &b"setup"[..]));
        let b = ric.expect(soon()).unwrap();
        assert_eq!((b.stream, b.ppid, b.data.len()), (3, 71, 0));
        let c = ric.expect(soon()).unwrap();
        assert_eq!((c.stream, c.ppid, c.data.len()), (1, 72, 100_000));
        ric.send_e2(b"response").unwrap();
        assert_eq!(node.expect(soon()).unwrap(), Message::e2(b"response".to_vec()));
    }

    #[test]
    fn a_stream_beyond_the_association_is_refused() {
        let net = MemoryNet::new(2);
        let (node, _ric) = pair(&net);
        assert_eq!(
            node.send(2, PPID_E2_CP, b"x"),
            Err(LinkError::BadStream { stream: 2, streams: 2 })
        );
    }

    #[test]
    fn deadline_passes_with_nothing() {
        let net = MemoryNet::default();
        let (node, _ric) = pair(&net);
        let t = Instant::now();
        assert_eq!(node.recv_timeout(Duration::from_millis(30)), None);
        assert!(t.elapsed() >= Duration::from_millis(30));
        assert_eq!(node.expect(Instant::now()), Err(LinkError::Timeout));
    }

    #[test]
    fn peer_shutdown_and_abort_are_events() {
        let net = MemoryNet::default();
        let (node, ric) = pair(&net);
        node.send_e2(b"last").unwrap();
        drop(node);
        // What was sent before the shutdown still arrives first.
        assert_eq!(ric.expect(soon()).unwrap().data, b"last");
        assert_eq!(ric.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
        // It stays down, and sending says so.
        assert_eq!(ric.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
        assert_eq!(ric.send_e2(b"x"), Err(LinkError::Down(Down::PeerShutdown)));

        let (node, ric) = pair(&net);
        ric.abort();
        assert_eq!(node.recv(soon()), Some(Event::Down(Down::Lost { cause: None })));
        assert_eq!(ric.send_e2(b"x"), Err(LinkError::Down(Down::Closed)));
    }

    #[test]
    fn connect_without_listener_is_refused_and_ports_are_exclusive() {
        let net = MemoryNet::default();
        let addr: SocketAddr = "127.0.0.1:36422".parse().unwrap();
        assert!(matches!(net.connect(addr, soon()), Err(LinkError::Setup(_))));
        let l = net.listen(addr).unwrap();
        assert!(matches!(net.listen(addr), Err(LinkError::Setup(_))));
        drop(l);
        assert!(net.listen(addr).is_ok());
    }

    #[test]
    fn many_pairs_at_once() {
        let net = MemoryNet::default();
        let l = net.listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let nodes: Vec<_> = (0..1000)
            .map(|_| net.connect(l.local_addr(), soon()).unwrap())
            .collect();
        let rics: Vec<_> = (0..1000).map(|_| l.accept(soon()).unwrap()).collect();
        for (i, n) in nodes.iter().enumerate() {
            n.send_e2(&(i as u32).to_be_bytes()).unwrap();
        }
        for (i, r) in rics.iter().enumerate() {
            assert_eq!(r.expect(soon()).unwrap().data, (i as u32).to_be_bytes());
        }
    }

    #[test]
    fn async_receive_works_on_tokio() {
        let net = MemoryNet::default();
        let (node, ric) = pair(&net);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        node.send(1, PPID_E2_CP, b"async").unwrap();
        let ev = rt.block_on(ric.recv_async());
        assert_eq!(
            ev,
            Event::Message(Message {
                stream: 1,
                ppid: 70,
                data: b"async".to_vec()
            })
        );
    }
}

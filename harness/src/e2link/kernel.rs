//! The kernel's SCTP through `sctp-rs`, on one tokio thread per transport.
//!
//! Where the kernel has no SCTP, `sctp-rs` 0.3.1 wraps the failed socket()
//! and reports a misleading EBADF; [`probe`] opens a socket itself first and
//! says plainly what is wrong and what to use instead.
//!
//! `sctp-rs` 0.3.1 reads into a 4096-byte buffer and does not report
//! MSG_EOR, so a message larger than 4 KiB arrives in pieces: for the E2
//! PPIDs the pieces are joined again by the length the E2AP-PDU's header
//! gives ([`codecs::e2ap::framing`]); other PPIDs get the pieces as read.
//! (This machine's kernel has no SCTP, so the joining is tested on its own,
//! not through a kernel socket.) Sends are queued to the stack thread; a
//! send that fails there shows up as [`Down::Failed`].

use super::{AssocLink, Association, Down, E2Transport, Event, LinkError, Listener, Message, SctpConfig};
use codecs::e2ap::framing::PieceJoiner;
use sctp_rs::{
    AssocChangeState, ConnectedSocket, Event as SctpEvent, Notification, NotificationOrData, SendData, SendInfo,
    Socket, SocketToAssociation, SubscribeEventAssocId,
};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// `io::Error`'s text without its " (os error N)" tail.
fn plain(e: &io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// What to tell the user when socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)
/// failed with `e`.
pub fn unavailable_message(e: &io::Error) -> String {
    let why = plain(e);
    match e.raw_os_error() {
        Some(libc::EPROTONOSUPPORT | libc::ESOCKTNOSUPPORT | libc::EAFNOSUPPORT) => {
            format!("this kernel has no SCTP (socket: {why}); use --sctp udp (SCTP over UDP, needs libusrsctp)")
        }
        _ => format!(
            "cannot open a kernel SCTP socket (socket: {why}); use --sctp udp (SCTP over UDP, needs libusrsctp)"
        ),
    }
}

/// Whether the kernel can open an SCTP socket; the plain reason if not.
pub fn probe() -> Result<(), LinkError> {
    // SAFETY: plain socket(2); the descriptor is closed right away.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_SCTP) };
    if fd < 0 {
        return Err(LinkError::Unavailable(unavailable_message(&io::Error::last_os_error())));
    }
    // SAFETY: fd is ours and open.
    unsafe { libc::close(fd) };
    Ok(())
}

/// Work for the stack thread: spawns a (not necessarily `Send`) task there.
type Job = Box<dyn FnOnce() + Send>;

/// The stack thread runs `sctp-rs` futures (not `Send`) on a `LocalSet`;
/// it ends when the last user of the stack is gone.
struct Stack {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Stack {
    fn spawn<F, Fut>(&self, f: F)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let _ = self.jobs.send(Box::new(move || {
            tokio::task::spawn_local(f());
        }));
    }
}

/// Kernel SCTP. Associations and listeners keep the stack thread alive.
pub struct KernelSctp {
    stack: Arc<Stack>,
    streams: u16,
}

impl KernelSctp {
    pub fn open(config: &SctpConfig) -> Result<Self, LinkError> {
        probe()?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LinkError::Io(format!("starting the SCTP thread: {e}")))?;
        let (jobs, mut job_rx) = mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("e2-sctp-kernel".into())
            .spawn(move || {
                let local = tokio::task::LocalSet::new();
                local.block_on(&rt, async move {
                    while let Some(job) = job_rx.recv().await {
                        job();
                    }
                })
            })
            .map_err(|e| LinkError::Io(format!("starting the SCTP thread: {e}")))?;
        Ok(KernelSctp {
            stack: Arc::new(Stack { jobs }),
            streams: config.streams.max(1),
        })
    }

    /// Run the future made by `f` on the stack thread and wait for it until
    /// `deadline`.
    fn run<T, F, Fut>(&self, deadline: Instant, f: F) -> Result<T, LinkError>
    where
        T: Send + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, LinkError>> + 'static,
    {
        let (tx, rx) = flume::bounded(1);
        let at = tokio::time::Instant::from_std(deadline);
        self.stack.spawn(move || async move {
            let r = match tokio::time::timeout_at(at, f()).await {
                Ok(r) => r,
                Err(_) => Err(LinkError::Timeout),
            };
            let _ = tx.send(r);
        });
        // The task itself enforces the deadline; the slack covers scheduling.
        match rx.recv_deadline(deadline + Duration::from_secs(1)) {
            Ok(r) => r,
            Err(_) => Err(LinkError::Timeout),
        }
    }
}

fn new_socket(addr: &SocketAddr, streams: u16) -> io::Result<Socket> {
    let s = if addr.is_ipv4() {
        Socket::new_v4(SocketToAssociation::OneToOne)?
    } else {
        Socket::new_v6(SocketToAssociation::OneToOne)?
    };
    s.sctp_setup_init_params(streams, streams, 0, 0)?;
    s.sctp_subscribe_events(
        &[SctpEvent::Association, SctpEvent::Shutdown],
        SubscribeEventAssocId::Future,
    )?;
    Ok(s)
}

enum Cmd {
    Send(Message),
    Close,
    Abort,
}

struct KernelLink {
    cmds: mpsc::UnboundedSender<Cmd>,
    _stack: Arc<Stack>,
}

impl AssocLink for KernelLink {
    fn send(&self, msg: &Message) -> Result<(), LinkError> {
        self.cmds
            .send(Cmd::Send(msg.clone()))
            .map_err(|_| LinkError::Down(Down::Failed("association gone".into())))
    }
    fn close(&self) {
        let _ = self.cmds.send(Cmd::Close);
    }
    fn abort(&self) {
        let _ = self.cmds.send(Cmd::Abort);
    }
}

/// Linux's SCTP_ABORT send flag (linux/sctp.h).
const SCTP_ABORT: u16 = 1 << 2;

/// The most `sctp-rs` 0.3.1 reads from the socket at once.
const SCTP_RS_READ: usize = 4096;

/// Start the reader and writer tasks of a connected socket (on the stack
/// thread) and wrap it.
fn start(stack: &Arc<Stack>, conn: ConnectedSocket, peer: String, streams: u16) -> Association {
    let conn = Arc::new(conn);
    let (events, rx) = flume::unbounded();
    let (cmds, mut cmd_rx) = mpsc::unbounded_channel();
    let reader = {
        let conn = conn.clone();
        let events = events.clone();
        async move {
            // The binding reads 4 KiB at a time and drops MSG_EOR: an E2AP
            // message's pieces are joined by the length its header gives.
            let mut joiner = PieceJoiner::new(SCTP_RS_READ);
            loop {
                let ev = match conn.sctp_recv().await {
                    Ok(NotificationOrData::Data(d)) => match d.rcv_info {
                        Some(info) => {
                            // The kernel hands the PPID over as it is on the wire.
                            let ppid = u32::from_be(info.ppid);
                            let data = if super::is_e2_ppid(ppid) {
                                match joiner.push(&d.payload) {
                                    Some(whole) => whole,
                                    None => continue,
                                }
                            } else {
                                d.payload
                            };
                            Event::Message(Message {
                                stream: info.sid,
                                ppid,
                                data,
                            })
                        }
                        // recvmsg() returned 0: end of the association.
                        None if d.payload.is_empty() => Event::Down(Down::PeerShutdown),
                        None => Event::Message(Message {
                            stream: 0,
                            ppid: 0,
                            data: d.payload,
                        }),
                    },
                    Ok(NotificationOrData::Notification(Notification::Shutdown(_))) => Event::Down(Down::PeerShutdown),
                    Ok(NotificationOrData::Notification(Notification::AssociationChange(c))) => match c.state {
                        AssocChangeState::CommLost => Event::Down(Down::Lost {
                            cause: (c.error != 0).then_some(c.error),
                        }),
                        AssocChangeState::ShutdownComplete => Event::Down(Down::PeerShutdown),
                        AssocChangeState::CannotStartAssoc => Event::Down(Down::Failed("cannot start".into())),
                        _ => continue,
                    },
                    Ok(NotificationOrData::Notification(_)) => continue,
                    Err(e) => Event::Down(Down::Failed(format!("receive: {e}"))),
                };
                let down = matches!(ev, Event::Down(_));
                if events.send(ev).is_err() || down {
                    return;
                }
            }
        }
    };
    let writer = async move {
        while let Some(cmd) = cmd_rx.recv().await {
            let (payload, sid, ppid, flags) = match cmd {
                Cmd::Send(m) => (m.data, m.stream, m.ppid, 0),
                Cmd::Close => {
                    let _ = conn.shutdown(std::net::Shutdown::Write);
                    return;
                }
                Cmd::Abort => (Vec::new(), 0, 0, SCTP_ABORT),
            };
            let info = SendInfo {
                sid,
                flags,
                // The kernel puts the PPID on the wire as given.
                ppid: ppid.to_be(),
                context: 0,
                assoc_id: 0,
            };
            let r = conn
                .sctp_send(SendData {
                    payload,
                    snd_info: Some(info),
                })
                .await;
            if flags == SCTP_ABORT {
                return;
            }
            if let Err(e) = r {
                let _ = events.send(Event::Down(Down::Failed(format!("send: {e}"))));
                return;
            }
        }
    };
    // Called on the stack thread (from connect or accept).
    tokio::task::spawn_local(reader);
    tokio::task::spawn_local(writer);
    Association::new(
        Box::new(KernelLink {
            cmds,
            _stack: stack.clone(),
        }),
        rx,
        peer,
        streams,
    )
}

struct StopListening {
    _stop: oneshot::Sender<()>,
    _stack: Arc<Stack>,
}

impl E2Transport for KernelSctp {
    fn listen(&self, addr: SocketAddr) -> Result<Listener, LinkError> {
        let streams = self.streams;
        let stack = self.stack.clone();
        let (tx, rx) = flume::unbounded();
        let (stop, mut stopped) = oneshot::channel::<()>();
        let deadline = Instant::now() + Duration::from_secs(5);
        self.run(deadline, move || async move {
            let s = new_socket(&addr, streams).map_err(|e| LinkError::Setup(format!("SCTP socket: {e}")))?;
            s.bind(addr)
                .map_err(|e| LinkError::Setup(format!("bind {addr}: {e}")))?;
            let l = s
                .listen(1024)
                .map_err(|e| LinkError::Setup(format!("listen {addr}: {e}")))?;
            let st = stack.clone();
            tokio::task::spawn_local(async move {
                loop {
                    tokio::select! {
                        _ = &mut stopped => return,
                        r = l.accept() => match r {
                            Ok((conn, from)) => {
                                let _ = conn.sctp_request_rcvinfo(true);
                                if tx.send(start(&st, conn, from.to_string(), streams)).is_err() {
                                    return;
                                }
                            }
                            Err(e) => {
                                tracing::warn!("SCTP accept on {addr}: {e}");
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        },
                    }
                }
            });
            Ok(())
        })?;
        let guard = StopListening {
            _stop: stop,
            _stack: self.stack.clone(),
        };
        Ok(Listener::new(
            rx,
            addr,
            format!("kernel SCTP on {addr}"),
            Box::new(guard),
        ))
    }

    fn connect(&self, addr: SocketAddr, deadline: Instant) -> Result<Association, LinkError> {
        let streams = self.streams;
        let stack = self.stack.clone();
        self.run(deadline, move || async move {
            let s = new_socket(&addr, streams).map_err(|e| LinkError::Setup(format!("SCTP socket: {e}")))?;
            let (conn, _) = s
                .sctp_connectx(&[addr])
                .await
                .map_err(|e| LinkError::Setup(format!("connect {addr}: {e}")))?;
            conn.sctp_request_rcvinfo(true)
                .map_err(|e| LinkError::Setup(format!("SCTP_RECVRCVINFO: {e}")))?;
            Ok(start(&stack, conn, addr.to_string(), streams))
        })
    }

    fn describe(&self) -> String {
        "kernel SCTP".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sctp_message_is_plain_and_names_the_alternative() {
        let m = unavailable_message(&io::Error::from_raw_os_error(libc::EPROTONOSUPPORT));
        assert_eq!(
            m,
            "this kernel has no SCTP (socket: Protocol not supported); use --sctp udp (SCTP over UDP, needs libusrsctp)"
        );
        let m = unavailable_message(&io::Error::from_raw_os_error(libc::EACCES));
        assert!(
            m.starts_with("cannot open a kernel SCTP socket (socket: Permission denied)"),
            "{m}"
        );
    }

    #[test]
    fn probe_either_works_or_says_why() {
        match probe() {
            Ok(()) => {}
            Err(LinkError::Unavailable(m)) => {
                assert!(m.contains("use --sctp udp"), "{m}");
                assert!(!m.contains("Bad file descriptor"), "{m}");
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn open_fails_at_start_without_kernel_sctp() {
        if probe().is_ok() {
            return; // this kernel has SCTP: nothing to show here
        }
        match KernelSctp::open(&SctpConfig::default()) {
            Err(LinkError::Unavailable(m)) => assert!(m.starts_with("this kernel has no SCTP"), "{m}"),
            Err(e) => panic!("unexpected {e:?}"),
            Ok(_) => panic!("opened kernel SCTP although the probe failed"),
        }
    }
}

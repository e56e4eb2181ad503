//! SCTP over UDP encapsulation (RFC 6951) in user space, through libusrsctp.
//!
//! The library is loaded at run time (dlopen, `libloading`): the default
//! build and `cargo test` need nothing installed, and the same binary runs
//! SCTP over UDP wherever `libusrsctp.so.2` (Debian `libusrsctp2`, pulled in
//! by `libusrsctp-dev`) is present. Without it, [`UdpSctp::open`] fails with
//! a plain message.
//!
//! usrsctp runs one SCTP stack per process, bound to one local UDP port
//! (`usrsctp_init(port, ...)`); the peer's UDP port is set per socket
//! (SCTP_REMOTE_UDP_ENCAPS_PORT). Two processes on one machine therefore
//! need different local ports, and point their remote port at each other.
//!
//! Received data and notifications come through usrsctp's receive callback,
//! called on usrsctp's own threads; the callback only copies the bytes and
//! hands them to the association's channel, so no thread exists per
//! association. A listener has one accept thread.
//!
//! The PPID is opaque to SCTP and travels as the application gives it:
//! usrsctp expects it in network byte order in `sctp_sndinfo` and returns
//! it so in `sctp_rcvinfo` (as its own examples do with htonl/ntohl).

use super::{AssocLink, Association, Down, E2Transport, Event, LinkError, Listener, Message, SctpConfig};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

// ---- The part of usrsctp.h this module uses (usrsctp 0.9.x) ----

const IPPROTO_SCTP: c_int = 132;
const MSG_NOTIFICATION: c_int = 0x2000;
/// The system's MSG_EOR (usrsctp.h defines its own only on Windows).
const MSG_EOR: c_int = libc::MSG_EOR;

const SCTP_INITMSG: c_int = 0x03;
const SCTP_NODELAY: c_int = 0x04;
const SCTP_EVENT: c_int = 0x1e;
const SCTP_RECVRCVINFO: c_int = 0x1f;
const SCTP_REMOTE_UDP_ENCAPS_PORT: c_int = 0x24;
const SCTP_FUTURE_ASSOC: u32 = 0;
const SCTP_SENDV_SNDINFO: c_uint = 1;

const SCTP_ASSOC_CHANGE: u16 = 0x0001;
const SCTP_SHUTDOWN_EVENT: u16 = 0x0005;
const SCTP_COMM_UP: u16 = 0x0001;
const SCTP_COMM_LOST: u16 = 0x0002;
const SCTP_SHUTDOWN_COMP: u16 = 0x0004;
const SCTP_CANT_STR_ASSOC: u16 = 0x0005;

const SCTP_DEBUG_ALL: u32 = 0xffff_ffff;

/// `struct sockaddr_conn` (Linux layout).
#[repr(C)]
#[derive(Clone, Copy)]
struct SockaddrConn {
    family: u16,
    port: u16,
    addr: *mut c_void,
}

/// `union sctp_sockstore`, passed by value to the receive callback.
#[repr(C)]
#[derive(Clone, Copy)]
union SockStore {
    sin: libc::sockaddr_in,
    sin6: libc::sockaddr_in6,
    sconn: SockaddrConn,
    sa: libc::sockaddr,
}

/// `struct sctp_rcvinfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct RcvInfo {
    sid: u16,
    ssn: u16,
    flags: u16,
    ppid: u32,
    tsn: u32,
    cumtsn: u32,
    context: u32,
    assoc_id: u32,
}

/// `struct sctp_sndinfo`.
#[repr(C)]
struct SndInfo {
    sid: u16,
    flags: u16,
    ppid: u32,
    context: u32,
    assoc_id: u32,
}

/// `struct sctp_event`.
#[repr(C)]
struct SctpEventOpt {
    assoc_id: u32,
    ty: u16,
    on: u8,
}

/// `struct sctp_udpencaps`.
#[repr(C)]
struct UdpEncaps {
    address: libc::sockaddr_storage,
    assoc_id: u32,
    port: u16,
}

/// `struct sctp_initmsg`.
#[repr(C)]
struct InitMsg {
    num_ostreams: u16,
    max_instreams: u16,
    max_attempts: u16,
    max_init_timeo: u16,
}

type Sock = *mut c_void;
type ReceiveCb = unsafe extern "C" fn(Sock, SockStore, *mut c_void, usize, RcvInfo, c_int, *mut c_void) -> c_int;
type SendCb = unsafe extern "C" fn(Sock, u32, *mut c_void) -> c_int;
type ConnOutput = unsafe extern "C" fn(*mut c_void, *mut c_void, usize, u8, u8) -> c_int;
type DebugPrintf = unsafe extern "C" fn(*const c_char, ...);
type Upcall = unsafe extern "C" fn(Sock, *mut c_void, c_int);

/// The usrsctp functions used, resolved from the shared library.
struct Api {
    init: unsafe extern "C" fn(u16, Option<ConnOutput>, Option<DebugPrintf>),
    socket: unsafe extern "C" fn(c_int, c_int, c_int, Option<ReceiveCb>, Option<SendCb>, u32, *mut c_void) -> Sock,
    setsockopt: unsafe extern "C" fn(Sock, c_int, c_int, *const c_void, libc::socklen_t) -> c_int,
    sendv: unsafe extern "C" fn(
        Sock,
        *const c_void,
        usize,
        *mut libc::sockaddr,
        c_int,
        *mut c_void,
        libc::socklen_t,
        c_uint,
        c_int,
    ) -> isize,
    bind: unsafe extern "C" fn(Sock, *mut libc::sockaddr, libc::socklen_t) -> c_int,
    listen: unsafe extern "C" fn(Sock, c_int) -> c_int,
    accept: unsafe extern "C" fn(Sock, *mut libc::sockaddr, *mut libc::socklen_t) -> Sock,
    connect: unsafe extern "C" fn(Sock, *mut libc::sockaddr, libc::socklen_t) -> c_int,
    close: unsafe extern "C" fn(Sock),
    set_non_blocking: unsafe extern "C" fn(Sock, c_int) -> c_int,
    set_ulpinfo: unsafe extern "C" fn(Sock, *mut c_void) -> c_int,
    set_upcall: unsafe extern "C" fn(Sock, Option<Upcall>, *mut c_void) -> c_int,
    set_debug_on: unsafe extern "C" fn(u32) -> c_int,
    shutdown: unsafe extern "C" fn(Sock, c_int) -> c_int,
    /// Kept loaded for the life of the process.
    _lib: libloading::Library,
}

/// Library names tried, in order.
const LIB_NAMES: [&str; 2] = ["libusrsctp.so.2", "libusrsctp.so"];

fn load() -> Result<Api, String> {
    let mut errors = Vec::new();
    let lib = LIB_NAMES.iter().find_map(|name| {
        // SAFETY: loading libusrsctp runs no initialiser with preconditions.
        match unsafe { libloading::Library::new(name) } {
            Ok(l) => Some(l),
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        }
    });
    let lib = lib.ok_or_else(|| {
        format!(
            "SCTP over UDP needs libusrsctp, which is not installed (Debian: apt-get install libusrsctp2): {}",
            errors.join("; ")
        )
    })?;
    macro_rules! sym {
        ($name:literal) => {
            // SAFETY: the types above match usrsctp.h for these symbols.
            *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                .map_err(|e| format!("libusrsctp lacks {}: {e}", $name))?
        };
    }
    Ok(Api {
        init: sym!("usrsctp_init"),
        socket: sym!("usrsctp_socket"),
        setsockopt: sym!("usrsctp_setsockopt"),
        sendv: sym!("usrsctp_sendv"),
        bind: sym!("usrsctp_bind"),
        listen: sym!("usrsctp_listen"),
        accept: sym!("usrsctp_accept"),
        connect: sym!("usrsctp_connect"),
        close: sym!("usrsctp_close"),
        set_non_blocking: sym!("usrsctp_set_non_blocking"),
        set_ulpinfo: sym!("usrsctp_set_ulpinfo"),
        set_upcall: sym!("usrsctp_set_upcall"),
        set_debug_on: sym!("usrsctp_sysctl_set_sctp_debug_on"),
        shutdown: sym!("usrsctp_shutdown"),
        _lib: lib,
    })
}

fn api() -> Result<&'static Api, LinkError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(load)
        .as_ref()
        .map_err(|e| LinkError::Unavailable(e.clone()))
}

/// Whether libusrsctp can be loaded here.
pub fn available() -> Result<(), LinkError> {
    api().map(|_| ())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The local UDP port of this process's stack, once started.
static STACK_PORT: Mutex<Option<u16>> = Mutex::new(None);

/// Start the process's usrsctp stack on `config.udp_local_port`, or check
/// that the running one uses that port.
fn stack(config: &SctpConfig) -> Result<&'static Api, LinkError> {
    let api = api()?;
    let port = config.udp_local_port;
    let mut running = lock(&STACK_PORT);
    match *running {
        Some(p) if p == port => return Ok(api),
        Some(p) => {
            return Err(LinkError::Setup(format!(
                "usrsctp runs one SCTP stack per process: it already uses UDP port {p}, so it cannot also use {port}"
            )));
        }
        None => {}
    }
    if port == 0 {
        return Err(LinkError::Setup("SCTP over UDP needs a local UDP port (not 0)".into()));
    }
    // usrsctp only warns (and then never receives) when its UDP port is
    // taken: check first so the failure is plain.
    if let Err(e) = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)) {
        return Err(LinkError::Setup(format!(
            "UDP port {port} for SCTP over UDP is not free ({e}); pick another local port"
        )));
    }
    let printf = if config.debug {
        // SAFETY: printf(const char *, ...) -> int, called where usrsctp
        // expects void (*)(const char *, ...): the ignored int return is
        // harmless under the C ABI.
        Some(unsafe {
            std::mem::transmute::<unsafe extern "C" fn(*const c_char, ...) -> c_int, DebugPrintf>(libc::printf)
        })
    } else {
        None
    };
    // SAFETY: first and only initialisation in this process.
    unsafe {
        (api.init)(port, None, printf);
        (api.set_debug_on)(if config.debug { SCTP_DEBUG_ALL } else { 0 });
    }
    *running = Some(port);
    enlarge_udp_buffers(port);
    Ok(api)
}

/// Receive buffer asked for usrsctp's UDP sockets (the kernel caps it at
/// net.core.rmem_max unless the process may force it).
const UDP_BUFFER: c_int = 8 << 20;

/// usrsctp leaves its UDP sockets at the system's default buffer (about
/// 208 KB): a burst over many associations overflows it, and every packet
/// dropped there costs a retransmission timeout (1 s or more). Find those
/// sockets among this process's descriptors and enlarge their buffers.
fn enlarge_udp_buffers(port: u16) {
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    for fd in fds
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<c_int>().ok())
    {
        if udp_port_of(fd) != Some(port) {
            continue;
        }
        for opt in [
            libc::SO_RCVBUFFORCE,
            libc::SO_RCVBUF,
            libc::SO_SNDBUFFORCE,
            libc::SO_SNDBUF,
        ] {
            // SAFETY: setsockopt on a socket of this process with an int.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    opt,
                    &UDP_BUFFER as *const c_int as *const c_void,
                    std::mem::size_of::<c_int>() as libc::socklen_t,
                )
            };
        }
    }
}

/// The local port of `fd` if it is a UDP socket.
fn udp_port_of(fd: c_int) -> Option<u16> {
    let mut ty: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: getsockopt/getsockname into buffers of the sizes given; they
    // fail harmlessly on descriptors that are not sockets.
    unsafe {
        if libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            &mut ty as *mut c_int as *mut c_void,
            &mut len,
        ) != 0
            || ty != libc::SOCK_DGRAM
        {
            return None;
        }
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return None;
        }
        from_sockaddr(&ss).map(|a| a.port())
    }
}

// ---- Receive path: usrsctp's threads -> per-association channels ----

/// What the receive callback got, before it is known whose it is.
struct Raw {
    bytes: Option<Vec<u8>>,
    rcv: RcvInfo,
    flags: c_int,
}

enum Setup {
    /// Up, with this many outbound streams.
    Up(u16),
    Failed(String),
}

#[derive(Default)]
struct Inner {
    partial: Vec<u8>,
    up: bool,
    down: bool,
    /// This side started a graceful shutdown.
    shutting_down: bool,
}

struct SockState {
    events: flume::Sender<Event>,
    setup: flume::Sender<Setup>,
    inner: Mutex<Inner>,
}

impl SockState {
    fn down(&self, inner: &mut Inner, d: Down) {
        if !inner.down {
            inner.down = true;
            let _ = self.events.send(Event::Down(d));
        }
    }

    fn handle(&self, inner: &mut Inner, raw: Raw) {
        let Some(bytes) = raw.bytes else {
            // No data: the association reached end of file.
            return self.down(inner, Down::PeerShutdown);
        };
        if raw.flags & MSG_NOTIFICATION != 0 {
            return self.notification(inner, &bytes);
        }
        inner.partial.extend_from_slice(&bytes);
        if raw.flags & MSG_EOR != 0 {
            let data = std::mem::take(&mut inner.partial);
            let _ = self.events.send(Event::Message(Message {
                stream: raw.rcv.sid,
                ppid: u32::from_be(raw.rcv.ppid),
                data,
            }));
        }
    }

    fn notification(&self, inner: &mut Inner, n: &[u8]) {
        let u16_at = |i: usize| n.get(i..i + 2).map(|b| u16::from_ne_bytes([b[0], b[1]]));
        match u16_at(0) {
            Some(SCTP_ASSOC_CHANGE) => {
                let state = u16_at(8).unwrap_or(0);
                let error = u16_at(10).unwrap_or(0);
                let outbound = u16_at(12).unwrap_or(0);
                match state {
                    SCTP_COMM_UP => {
                        inner.up = true;
                        let _ = self.setup.send(Setup::Up(outbound));
                    }
                    SCTP_CANT_STR_ASSOC => {
                        let _ = self
                            .setup
                            .send(Setup::Failed("the association could not be started".into()));
                    }
                    SCTP_COMM_LOST if !inner.up => {
                        let _ = self
                            .setup
                            .send(Setup::Failed(format!("the association was lost (cause {error})")));
                    }
                    SCTP_COMM_LOST => self.down(
                        inner,
                        Down::Lost {
                            cause: (error != 0).then_some(error),
                        },
                    ),
                    SCTP_SHUTDOWN_COMP if inner.shutting_down => self.down(inner, Down::Closed),
                    SCTP_SHUTDOWN_COMP => self.down(inner, Down::PeerShutdown),
                    _ => {}
                }
            }
            Some(SCTP_SHUTDOWN_EVENT) => self.down(inner, Down::PeerShutdown),
            _ => {}
        }
    }
}

enum Slot {
    Live(Arc<SockState>),
    /// Data for a just-accepted socket that is not registered yet.
    Pending(Vec<Raw>),
}

/// Sockets by address. The receive callback finds its association here.
static SOCKETS: LazyLock<Mutex<HashMap<usize, Slot>>> = LazyLock::new(Mutex::default);

/// `ulp_info` of listening sockets, inherited by the sockets they accept:
/// tells the callback that an unknown socket is one about to be accepted.
const LISTENER_MARK: *mut c_void = std::ptr::dangling_mut::<c_void>();

fn register(so: Sock, state: &Arc<SockState>) {
    let mut sockets = lock(&SOCKETS);
    let pending = sockets.insert(so as usize, Slot::Live(state.clone()));
    // Taken before the registry is released, so a callback arriving now
    // waits until what came earlier is delivered.
    let mut inner = lock(&state.inner);
    drop(sockets);
    if let Some(Slot::Pending(raws)) = pending {
        for raw in raws {
            state.handle(&mut inner, raw);
        }
    }
}

fn unregister(so: Sock) {
    lock(&SOCKETS).remove(&(so as usize));
}

/// usrsctp's receive callback: data (ownership passed, freed here),
/// notifications, or no data at end of association.
unsafe extern "C" fn on_receive(
    so: Sock,
    _addr: SockStore,
    data: *mut c_void,
    len: usize,
    rcv: RcvInfo,
    flags: c_int,
    ulp_info: *mut c_void,
) -> c_int {
    let bytes = if data.is_null() {
        None
    } else {
        // SAFETY: usrsctp passes `len` valid bytes, malloc()ed, ours to free.
        let v = unsafe { std::slice::from_raw_parts(data as *const u8, len) }.to_vec();
        unsafe { libc::free(data) };
        Some(v)
    };
    let raw = Raw { bytes, rcv, flags };
    let state = {
        let mut sockets = lock(&SOCKETS);
        match sockets.get_mut(&(so as usize)) {
            Some(Slot::Live(s)) => s.clone(),
            Some(Slot::Pending(v)) => {
                v.push(raw);
                return 1;
            }
            None => {
                // Unknown and not from a listener: a socket already closed.
                if ulp_info == LISTENER_MARK {
                    sockets.insert(so as usize, Slot::Pending(vec![raw]));
                }
                return 1;
            }
        }
    };
    let mut inner = lock(&state.inner);
    state.handle(&mut inner, raw);
    1
}

/// Wakes a listener's accept thread when an association is ready.
unsafe extern "C" fn on_listen_ready(_so: Sock, arg: *mut c_void, _flags: c_int) {
    // SAFETY: arg is the leaked sender set with usrsctp_set_upcall.
    let wake = unsafe { &*(arg as *const flume::Sender<()>) };
    let _ = wake.try_send(());
}

// ---- Sockets ----

fn errno() -> io::Error {
    io::Error::last_os_error()
}

fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in, sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above, for sockaddr_in6.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in6, sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

fn from_sockaddr(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    // SAFETY: the family field says which layout the storage holds.
    unsafe {
        match ss.ss_family as c_int {
            libc::AF_INET => {
                let sin = &*(ss as *const _ as *const libc::sockaddr_in);
                let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
                Some(SocketAddr::new(IpAddr::V4(ip), u16::from_be(sin.sin_port)))
            }
            libc::AF_INET6 => {
                let sin6 = &*(ss as *const _ as *const libc::sockaddr_in6);
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                Some(SocketAddr::new(IpAddr::V6(ip), u16::from_be(sin6.sin6_port)))
            }
            _ => None,
        }
    }
}

fn setopt<T>(api: &Api, so: Sock, level: c_int, name: c_int, value: &T, what: &str) -> Result<(), LinkError> {
    // SAFETY: `value` is a live T of the size given.
    let r = unsafe {
        (api.setsockopt)(
            so,
            level,
            name,
            value as *const T as *const c_void,
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(LinkError::Setup(format!("usrsctp setsockopt {what}: {}", errno())));
    }
    Ok(())
}

/// Send buffer of every socket. A non-blocking send refuses (EMSGSIZE) a
/// message larger than the send buffer, and usrsctp's default (256 KiB) is
/// less than a large E2SM-KPM indication; it is a limit, not an allocation.
const SEND_BUFFER: c_int = 4 << 20;

/// Options every socket gets (accepted ones inherit them from the listener).
fn configure(api: &Api, so: Sock, config: &SctpConfig) -> Result<(), LinkError> {
    setopt(api, so, libc::SOL_SOCKET, libc::SO_SNDBUF, &SEND_BUFFER, "SO_SNDBUF")?;
    let on: c_int = 1;
    setopt(api, so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, "SCTP_RECVRCVINFO")?;
    setopt(api, so, IPPROTO_SCTP, SCTP_NODELAY, &on, "SCTP_NODELAY")?;
    let init = InitMsg {
        num_ostreams: config.streams.max(1),
        max_instreams: config.streams.max(1),
        max_attempts: 0,
        max_init_timeo: 0,
    };
    setopt(api, so, IPPROTO_SCTP, SCTP_INITMSG, &init, "SCTP_INITMSG")?;
    for ty in [SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT] {
        let ev = SctpEventOpt {
            assoc_id: SCTP_FUTURE_ASSOC,
            ty,
            on: 1,
        };
        setopt(api, so, IPPROTO_SCTP, SCTP_EVENT, &ev, "SCTP_EVENT")?;
    }
    let encaps = UdpEncaps {
        // SAFETY: all-zero (no address) applies the port to every peer.
        address: unsafe { std::mem::zeroed() },
        assoc_id: SCTP_FUTURE_ASSOC,
        port: config.udp_remote_port.to_be(),
    };
    setopt(
        api,
        so,
        IPPROTO_SCTP,
        SCTP_REMOTE_UDP_ENCAPS_PORT,
        &encaps,
        "SCTP_REMOTE_UDP_ENCAPS_PORT",
    )
}

fn new_socket(api: &Api, addr: &SocketAddr, ulp_info: *mut c_void) -> Result<Sock, LinkError> {
    let family = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
    // SAFETY: callback types match usrsctp.h.
    let so = unsafe {
        (api.socket)(
            family,
            libc::SOCK_STREAM,
            IPPROTO_SCTP,
            Some(on_receive),
            None,
            0,
            ulp_info,
        )
    };
    if so.is_null() {
        return Err(LinkError::Setup(format!("usrsctp_socket: {}", errno())));
    }
    Ok(so)
}

/// How long a send waits for room in the send buffer.
const SEND_WAIT: Duration = Duration::from_secs(10);

/// One usrsctp socket; closes it when dropped.
struct UsrLink {
    api: &'static Api,
    so: Sock,
    state: Arc<SockState>,
    /// Write-locked to close, read-locked while using the socket.
    closed: RwLock<bool>,
}

// SAFETY: usrsctp sockets may be used from any thread; closing is
// serialised against use by `closed`.
unsafe impl Send for UsrLink {}
unsafe impl Sync for UsrLink {}

impl UsrLink {
    fn shut(&self, abort: bool) {
        let mut closed = self.closed.write().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return;
        }
        *closed = true;
        unregister(self.so);
        if abort {
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            // Linger 0 turns the close into an ABORT.
            let _ = setopt(
                self.api,
                self.so,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &linger,
                "SO_LINGER",
            );
        }
        // SAFETY: open until now, never used after (closed is set).
        unsafe { (self.api.close)(self.so) };
    }
}

impl Drop for UsrLink {
    fn drop(&mut self) {
        self.shut(false);
    }
}

impl AssocLink for UsrLink {
    fn send(&self, msg: &Message) -> Result<(), LinkError> {
        let mut info = SndInfo {
            sid: msg.stream,
            flags: 0,
            ppid: msg.ppid.to_be(),
            context: 0,
            assoc_id: 0,
        };
        let until = Instant::now() + SEND_WAIT;
        loop {
            let closed = self.closed.read().unwrap_or_else(PoisonError::into_inner);
            if *closed {
                return Err(LinkError::Down(Down::Closed));
            }
            // SAFETY: the socket is open (read lock held); buffers live.
            let r = unsafe {
                (self.api.sendv)(
                    self.so,
                    msg.data.as_ptr() as *const c_void,
                    msg.data.len(),
                    std::ptr::null_mut(),
                    0,
                    &mut info as *mut SndInfo as *mut c_void,
                    std::mem::size_of::<SndInfo>() as libc::socklen_t,
                    SCTP_SENDV_SNDINFO,
                    0,
                )
            };
            if r >= 0 {
                return Ok(());
            }
            let e = errno();
            drop(closed);
            match e.raw_os_error() {
                Some(libc::EAGAIN | libc::EINPROGRESS) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Some(libc::EAGAIN) => {
                    return Err(LinkError::Io(format!(
                        "send: no room in the send buffer for {} s (peer not reading?)",
                        SEND_WAIT.as_secs()
                    )));
                }
                Some(libc::EINVAL) if msg.stream > 0 => {
                    return Err(LinkError::Io(format!("send on stream {}: {e}", msg.stream)));
                }
                Some(libc::EPIPE | libc::ENOTCONN | libc::ECONNRESET) => {
                    return Err(LinkError::Down(Down::Failed(format!("send: {e}"))));
                }
                _ => return Err(LinkError::Io(format!("send: {e}"))),
            }
        }
    }

    fn close(&self) {
        self.shut(false);
    }

    fn shutdown(&self) -> bool {
        let closed = self.closed.read().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return false;
        }
        lock(&self.state.inner).shutting_down = true;
        // SAFETY: open socket (read lock held). SHUT_WR sends SHUTDOWN once
        // all data is acknowledged; SHUTDOWN_COMP then reports it done.
        unsafe { (self.api.shutdown)(self.so, libc::SHUT_WR) == 0 }
    }

    fn abort(&self) {
        self.shut(true);
    }
}

fn channels() -> (Arc<SockState>, flume::Receiver<Event>, flume::Receiver<Setup>) {
    let (events, events_rx) = flume::unbounded();
    let (setup, setup_rx) = flume::unbounded();
    let state = Arc::new(SockState {
        events,
        setup,
        inner: Mutex::default(),
    });
    (state, events_rx, setup_rx)
}

/// SCTP over UDP through this process's usrsctp stack.
#[derive(Debug, Clone)]
pub struct UdpSctp {
    config: SctpConfig,
}

impl UdpSctp {
    /// Load libusrsctp and start (or join) the process's stack.
    pub fn open(config: &SctpConfig) -> Result<Self, LinkError> {
        stack(config)?;
        Ok(UdpSctp { config: config.clone() })
    }

    /// Like [`E2Transport::connect`], with a remote UDP port other than the
    /// configured one (peers in other processes on this machine).
    pub fn connect_via(
        &self,
        addr: SocketAddr,
        remote_udp_port: u16,
        deadline: Instant,
    ) -> Result<Association, LinkError> {
        let api = stack(&self.config)?;
        let config = SctpConfig {
            udp_remote_port: remote_udp_port,
            ..self.config.clone()
        };
        let so = new_socket(api, &addr, std::ptr::null_mut())?;
        let (state, events, setup) = channels();
        let link = UsrLink {
            api,
            so,
            state: state.clone(),
            closed: RwLock::new(false),
        };
        configure(api, so, &config)?;
        register(so, &state);
        let (mut ss, len) = sockaddr(&addr);
        // SAFETY: open socket, valid address.
        unsafe {
            (api.set_non_blocking)(so, 1);
            if (api.connect)(so, &mut ss as *mut _ as *mut libc::sockaddr, len) < 0 {
                let e = errno();
                if e.raw_os_error() != Some(libc::EINPROGRESS) {
                    return Err(LinkError::Setup(format!("SCTP over UDP connect to {addr}: {e}")));
                }
            }
        }
        match setup.recv_deadline(deadline) {
            Ok(Setup::Up(outbound)) => {
                let streams = if outbound == 0 { config.streams } else { outbound };
                Ok(Association::new(Box::new(link), events, addr.to_string(), streams))
            }
            Ok(Setup::Failed(why)) => Err(LinkError::Setup(format!(
                "SCTP over UDP to {addr} (peer UDP port {remote_udp_port}): {why}"
            ))),
            Err(_) => Err(LinkError::Setup(format!(
                "SCTP over UDP to {addr} (peer UDP port {remote_udp_port}): no association by the deadline \
                 (nothing listening, or a different UDP port?)"
            ))),
        }
    }
}

/// A listener's accept thread: stops when the [`Listener`] is dropped.
struct StopAccepting {
    stop: Arc<AtomicBool>,
    wake: flume::Sender<()>,
}

impl Drop for StopAccepting {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let _ = self.wake.try_send(());
    }
}

struct ListenSock(Sock);
// SAFETY: moved once to the accept thread, which alone uses it.
unsafe impl Send for ListenSock {}

fn accept_loop(
    api: &'static Api,
    lso: ListenSock,
    streams: u16,
    out: flume::Sender<Association>,
    stop: Arc<AtomicBool>,
    wake: flume::Receiver<()>,
) {
    let lso = lso.0;
    while !stop.load(Ordering::Acquire) {
        // SAFETY: all-zero is a valid sockaddr_storage.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: listening socket, owned by this thread.
        let so = unsafe { (api.accept)(lso, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) };
        if so.is_null() {
            let e = errno();
            if !matches!(e.raw_os_error(), Some(libc::EAGAIN | libc::EINTR)) {
                tracing::warn!("SCTP over UDP accept: {e}");
            }
            // Woken by the upcall; the timeout is a fallback.
            let _ = wake.recv_timeout(Duration::from_millis(50));
            continue;
        }
        let (state, events, setup) = channels();
        register(so, &state);
        // An accepted association is up; its COMM_UP (usually delivered by
        // now) tells how many streams the peer accepted.
        let streams = match setup.try_recv() {
            Ok(Setup::Up(n)) if n > 0 => n,
            _ => streams,
        };
        lock(&state.inner).up = true;
        // SAFETY: a fresh socket from accept.
        unsafe {
            // From now on an unknown socket is a closed one.
            (api.set_ulpinfo)(so, std::ptr::null_mut());
            (api.set_non_blocking)(so, 1);
        }
        let peer = from_sockaddr(&ss).map(|a| a.to_string()).unwrap_or_else(|| "?".into());
        let link = UsrLink {
            api,
            so,
            state,
            closed: RwLock::new(false),
        };
        if out
            .send(Association::new(Box::new(link), events, peer, streams))
            .is_err()
        {
            break;
        }
    }
    // SAFETY: no other user; the upcall's sender stays leaked on purpose.
    unsafe { (api.close)(lso) };
}

impl E2Transport for UdpSctp {
    fn listen(&self, addr: SocketAddr) -> Result<Listener, LinkError> {
        if addr.port() == 0 {
            return Err(LinkError::Setup(
                "SCTP over UDP: give the SCTP port to listen on (not 0)".into(),
            ));
        }
        let api = stack(&self.config)?;
        let so = new_socket(api, &addr, LISTENER_MARK)?;
        let close_on_err = |e: LinkError| {
            // SAFETY: the socket is ours and not yet shared.
            unsafe { (api.close)(so) };
            e
        };
        configure(api, so, &self.config).map_err(close_on_err)?;
        let (mut ss, len) = sockaddr(&addr);
        // SAFETY: open socket, valid address.
        unsafe {
            if (api.bind)(so, &mut ss as *mut _ as *mut libc::sockaddr, len) < 0 {
                let e = errno();
                return Err(close_on_err(LinkError::Setup(format!(
                    "SCTP over UDP bind {addr}: {e}"
                ))));
            }
            if (api.listen)(so, 1024) < 0 {
                let e = errno();
                return Err(close_on_err(LinkError::Setup(format!(
                    "SCTP over UDP listen {addr}: {e}"
                ))));
            }
            (api.set_non_blocking)(so, 1);
        }
        let (wake_tx, wake_rx) = flume::bounded(1);
        // Leaked: the upcall may run until usrsctp drops the socket.
        let arg = Box::into_raw(Box::new(wake_tx.clone())) as *mut c_void;
        // SAFETY: open socket; `arg` lives for the rest of the process.
        unsafe { (api.set_upcall)(so, Some(on_listen_ready), arg) };
        let (tx, rx) = flume::unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let streams = self.config.streams.max(1);
        let lso = ListenSock(so);
        let thread_stop = stop.clone();
        std::thread::Builder::new()
            .name(format!("e2-sctp-accept-{}", addr.port()))
            .spawn(move || accept_loop(api, lso, streams, tx, thread_stop, wake_rx))
            .map_err(|e| LinkError::Io(format!("starting the accept thread: {e}")))?;
        let guard = StopAccepting { stop, wake: wake_tx };
        Ok(Listener::new(rx, addr, self.describe_on(addr), Box::new(guard)))
    }

    fn connect(&self, addr: SocketAddr, deadline: Instant) -> Result<Association, LinkError> {
        self.connect_via(addr, self.config.udp_remote_port, deadline)
    }

    fn describe(&self) -> String {
        format!(
            "SCTP over UDP (usrsctp; local UDP port {}, peer UDP port {})",
            self.config.udp_local_port, self.config.udp_remote_port
        )
    }
}

impl UdpSctp {
    fn describe_on(&self, addr: SocketAddr) -> String {
        format!("{} on {addr}", self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffi_layouts_match_usrsctp_h() {
        assert_eq!(std::mem::size_of::<RcvInfo>(), 28);
        assert_eq!(std::mem::size_of::<SndInfo>(), 16);
        assert_eq!(std::mem::size_of::<SctpEventOpt>(), 8);
        assert_eq!(std::mem::size_of::<InitMsg>(), 8);
        // sockaddr_in6 (28 bytes) padded to the alignment of sockaddr_conn's pointer.
        assert_eq!(std::mem::size_of::<SockStore>(), 32);
        assert_eq!(std::mem::offset_of!(UdpEncaps, port), 132);
    }

    #[test]
    fn sockaddr_round_trip() {
        for a in ["127.0.0.1:36421", "[::1]:37464"] {
            let a: SocketAddr = a.parse().unwrap();
            assert_eq!(from_sockaddr(&sockaddr(&a).0), Some(a));
        }
    }

    #[test]
    fn notifications_drive_setup_and_down() {
        let (state, events, setup) = channels();
        let mut inner = Inner::default();
        let mut n = vec![0u8; 20];
        n[0..2].copy_from_slice(&SCTP_ASSOC_CHANGE.to_ne_bytes());
        n[8..10].copy_from_slice(&SCTP_COMM_UP.to_ne_bytes());
        n[12..14].copy_from_slice(&5u16.to_ne_bytes());
        state.notification(&mut inner, &n);
        assert!(matches!(setup.try_recv(), Ok(Setup::Up(5))));
        // A message in two pieces, the second with MSG_EOR.
        let rcv = RcvInfo {
            sid: 2,
            ppid: 71u32.to_be(),
            ..Default::default()
        };
        for (part, flags) in [(&b"ab"[..], 0), (&b"c"[..], MSG_EOR)] {
            let raw = Raw {
                bytes: Some(part.to_vec()),
                rcv,
                flags,
            };
            state.handle(&mut inner, raw);
        }
        assert_eq!(
            events.try_recv().unwrap(),
            Event::Message(Message {
                stream: 2,
                ppid: 71,
                data: b"abc".to_vec()
            })
        );
        n[8..10].copy_from_slice(&SCTP_COMM_LOST.to_ne_bytes());
        n[10..12].copy_from_slice(&12u16.to_ne_bytes());
        state.notification(&mut inner, &n);
        state.handle(
            &mut inner,
            Raw {
                bytes: None,
                rcv,
                flags: 0,
            },
        );
        assert_eq!(events.try_recv().unwrap(), Event::Down(Down::Lost { cause: Some(12) }));
        // Reported once.
        assert!(events.try_recv().is_err());
        // Short or unknown notifications are ignored, not a panic.
        state.notification(&mut inner, &[1]);
        state.notification(&mut inner, &[]);
    }
}

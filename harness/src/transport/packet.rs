//! Raw Ethernet on Linux: an AF_PACKET socket bound to one interface that
//! receives eCPRI frames (ethertype 0xAEFE, bare or behind VLAN tags) and
//! sends frames exactly as given.
//!
//! The kernel strips the outer VLAN tag of received frames into metadata;
//! PACKET_AUXDATA hands it back and it is re-inserted, so the codecs see the
//! frame as it was on the wire. Receive times are the kernel's timestamps
//! (SO_TIMESTAMPNS), taken when the frame entered the stack, so they do not
//! depend on when this process got round to reading it.

use super::sys::{self, cvt, setsockopt};
use super::{Received, Transport};
use sim::Nanos;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const ETHERTYPE_ECPRI: u16 = 0xAEFE;
const TPID_8021Q: u16 = 0x8100;
const TPID_8021AD: u16 = 0x88A8;
const ETH_P_ALL: u16 = 0x0003;
/// Frames larger than this are cut (the MTU of any fronthaul link is below it).
const MAX_FRAME: usize = 16 * 1024;
/// Enough for a fronthaul frame's worth of bursts (UL U-plane of a whole
/// slot arrives within microseconds) while the reader is busy.
const RCVBUF: libc::c_int = 8 << 20;

/// A raw Ethernet socket bound to one interface.
#[derive(Debug)]
pub struct PacketSocket {
    fd: OwnedFd,
    ifindex: libc::c_int,
    interface: String,
}

/// Classic BPF: accept ethertype 0xAEFE at offset 12, or behind one VLAN tag
/// still in the data (the kernel strips only the outer one); drop the rest.
fn ecpri_filter() -> [libc::sock_filter; 8] {
    const LD_H_ABS: u16 = 0x28;
    const JEQ_K: u16 = 0x15;
    const RET_K: u16 = 0x06;
    let f = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    [
        f(LD_H_ABS, 0, 0, 12),
        f(JEQ_K, 4, 0, ETHERTYPE_ECPRI as u32),
        f(JEQ_K, 1, 0, TPID_8021Q as u32),
        f(JEQ_K, 0, 3, TPID_8021AD as u32),
        f(LD_H_ABS, 0, 0, 16),
        f(JEQ_K, 0, 1, ETHERTYPE_ECPRI as u32),
        f(RET_K, 0, 0, u32::MAX),
        f(RET_K, 0, 0, 0),
    ]
}

/// Whether an Ethernet frame (tags included) carries eCPRI.
pub fn carries_ecpri(frame: &[u8]) -> bool {
    let mut at = 12;
    while let Some(t) = frame.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])) {
        match t {
            ETHERTYPE_ECPRI => return true,
            TPID_8021Q | TPID_8021AD => at += 4,
            _ => return false,
        }
    }
    false
}

impl PacketSocket {
    /// Open a socket on `interface` (needs CAP_NET_RAW). The interface is put
    /// in promiscuous mode for the socket's life: fronthaul frames are
    /// addressed to the O-DU's and O-RU's MACs, not the interface's.
    pub fn open(interface: &str) -> io::Result<Self> {
        let name = CString::new(interface)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "interface name contains NUL"))?;
        // SAFETY: `name` is a valid C string.
        let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) } as libc::c_int;
        if ifindex == 0 {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no network interface {interface:?}"),
            ));
        }
        // Protocol 0: nothing is received until the filter is in place and
        // the socket is bound, so no unfiltered frame slips in.
        // SAFETY: plain syscall; the result is checked before use.
        let raw = cvt(unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) })
            .map_err(|e| io::Error::new(e.kind(), format!("raw socket (needs CAP_NET_RAW): {e}")))?;
        // SAFETY: `raw` is a fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let filter = ecpri_filter();
        let prog = libc::sock_fprog {
            len: filter.len() as u16,
            filter: filter.as_ptr() as *mut _,
        };
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)?;
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_AUXDATA, &1 as &libc::c_int)?;
        // Our own transmissions would otherwise come back to us as received.
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_IGNORE_OUTGOING, &1 as &libc::c_int)?;
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &1 as &libc::c_int)?;
        if setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &RCVBUF).is_err() {
            setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &RCVBUF)?;
        }
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETH_P_ALL.to_be();
        sll.sll_ifindex = ifindex;
        // SAFETY: `sll` is a valid sockaddr_ll of the size passed.
        cvt(unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        })
        .map_err(|e| io::Error::new(e.kind(), format!("bind to {interface}: {e}")))?;
        // SAFETY: all-zero is a valid packet_mreq.
        let mut mreq: libc::packet_mreq = unsafe { std::mem::zeroed() };
        mreq.mr_ifindex = ifindex;
        mreq.mr_type = libc::PACKET_MR_PROMISC as u16;
        setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_ADD_MEMBERSHIP, &mreq)?;
        Ok(PacketSocket {
            fd,
            ifindex,
            interface: interface.to_string(),
        })
    }

    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// Send a whole Ethernet frame (no FCS) as it is.
    pub fn send(&self, frame: &[u8]) -> io::Result<()> {
        if frame.len() < 14 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "frame shorter than an Ethernet header",
            ));
        }
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = u16::from_be_bytes([frame[12], frame[13]]).to_be();
        sll.sll_ifindex = self.ifindex;
        sll.sll_halen = 6;
        sll.sll_addr[..6].copy_from_slice(&frame[..6]);
        loop {
            // SAFETY: `frame` and `sll` are valid for the lengths passed.
            let n = unsafe {
                libc::sendto(
                    self.fd.as_raw_fd(),
                    frame.as_ptr().cast(),
                    frame.len(),
                    0,
                    (&sll as *const libc::sockaddr_ll).cast(),
                    std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
                )
            };
            if n >= 0 {
                return Ok(());
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                // The device queue is full for a moment: let it drain.
                Some(libc::ENOBUFS) => std::thread::sleep(std::time::Duration::from_micros(20)),
                _ => return Err(io::Error::new(e.kind(), format!("send on {}: {e}", self.interface))),
            }
        }
    }

    /// The next eCPRI frame already received, without waiting.
    pub fn try_recv(&self) -> io::Result<Option<Received>> {
        loop {
            let mut buf = vec![0u8; MAX_FRAME];
            let Some(got) = sys::recv_stamped(&self.fd, &mut buf)
                .map_err(|e| io::Error::new(e.kind(), format!("receive on {}: {e}", self.interface)))?
            else {
                return Ok(None);
            };
            buf.truncate(got.len);
            if let Some((tpid, tci)) = got.vlan
                && buf.len() >= 12
            {
                buf.splice(12..12, tpid.to_be_bytes().into_iter().chain(tci.to_be_bytes()));
            }
            if carries_ecpri(&buf) {
                return Ok(Some(Received { at: got.at, frame: buf }));
            }
        }
    }

    /// Wait until a frame can be read or the air clock reaches `deadline`;
    /// true when one can.
    pub fn wait_readable(&self, deadline: Nanos) -> io::Result<bool> {
        sys::wait_readable(&self.fd, deadline).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.interface)))
    }
}

impl Transport for PacketSocket {
    fn send(&self, frame: &[u8]) -> io::Result<()> {
        PacketSocket::send(self, frame)
    }

    fn recv(&self, deadline: Nanos) -> io::Result<Option<Received>> {
        loop {
            if let Some(r) = self.try_recv()? {
                return Ok(Some(r));
            }
            if !self.wait_readable(deadline)? {
                // One last look: a frame may have landed as the wait ended.
                return self.try_recv();
            }
        }
    }

    fn describe(&self) -> String {
        format!("raw Ethernet on {}", self.interface)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ecpri_behind_tags() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0xAE, 0xFE, 0x10]);
        assert!(carries_ecpri(&f));
        let mut tagged = vec![0u8; 12];
        tagged.extend_from_slice(&[0x81, 0x00, 0xE0, 0x02, 0xAE, 0xFE, 0x10]);
        assert!(carries_ecpri(&tagged));
        let mut ip = vec![0u8; 12];
        ip.extend_from_slice(&[0x81, 0x00, 0xE0, 0x02, 0x08, 0x00]);
        assert!(!carries_ecpri(&ip));
        assert!(!carries_ecpri(&[0u8; 10]));
    }
}

//! The few socket calls both transports need, over libc.

use super::clock;
use sim::Nanos;
use std::io;
use std::os::fd::AsRawFd;

/// A libc return value as an `io::Result`.
pub fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) }
}

pub fn setsockopt<T>(fd: &impl AsRawFd, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
    // SAFETY: `value` points to a live T of the size passed.
    cvt(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

/// One datagram or frame read by [`recv_stamped`].
pub struct Stamped {
    /// Bytes written to the buffer.
    pub len: usize,
    /// Arrival time on the air clock: the kernel's receive timestamp when
    /// there is one, the time of reading otherwise.
    pub at: Nanos,
    /// (TPID, TCI) of a VLAN tag the kernel stripped (packet sockets).
    pub vlan: Option<(u16, u16)>,
}

/// Read one message without waiting, with its ancillary data
/// (SO_TIMESTAMPNS, PACKET_AUXDATA when enabled on the socket).
pub fn recv_stamped(fd: &impl AsRawFd, buf: &mut [u8]) -> io::Result<Option<Stamped>> {
    // u64 keeps the control buffer aligned for cmsghdr.
    let mut control = [0u64; 32];
    loop {
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: all-zero is a valid msghdr; the pointers set below outlive the call.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: `msg` describes buffers valid for their stated lengths.
        let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock => Ok(None),
                io::ErrorKind::Interrupted => continue,
                _ => Err(e),
            };
        }
        let mut out = Stamped {
            len: (n as usize).min(buf.len()),
            at: 0,
            vlan: None,
        };
        let mut stamp = None;
        // SAFETY: the cmsg macros walk the control buffer the kernel filled,
        // bounded by msg_controllen; each payload is read unaligned.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                let (level, kind) = ((*c).cmsg_level, (*c).cmsg_type);
                if level == libc::SOL_PACKET && kind == libc::PACKET_AUXDATA {
                    let aux: libc::tpacket_auxdata = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                    if aux.tp_status & libc::TP_STATUS_VLAN_VALID != 0 {
                        // Kernels before 3.14 do not report the TPID: 802.1Q then.
                        let tpid = if aux.tp_status & libc::TP_STATUS_VLAN_TPID_VALID != 0 {
                            aux.tp_vlan_tpid
                        } else {
                            0x8100
                        };
                        out.vlan = Some((tpid, aux.tp_vlan_tci));
                    }
                } else if level == libc::SOL_SOCKET && kind == libc::SCM_TIMESTAMPNS {
                    let ts: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                    let real = ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128;
                    stamp = u64::try_from(real - clock::realtime_offset()).ok();
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        out.at = stamp.unwrap_or_else(clock::now);
        return Ok(Some(out));
    }
}

/// Wait until `fd` is readable or the air clock reaches `deadline`; true
/// when it is readable.
pub fn wait_readable(fd: &impl AsRawFd, deadline: Nanos) -> io::Result<bool> {
    loop {
        let now = clock::now();
        if now >= deadline {
            return Ok(false);
        }
        let left = deadline - now;
        let ts = libc::timespec {
            tv_sec: (left / 1_000_000_000) as libc::time_t,
            tv_nsec: (left % 1_000_000_000) as libc::c_long,
        };
        let mut pfd = libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, a valid timeout, no signal mask.
        let r = unsafe { libc::ppoll(&mut pfd, 1, &ts, std::ptr::null()) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if pfd.revents & (libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "socket error (interface gone?)",
            ));
        }
        if r > 0 {
            return Ok(true);
        }
    }
}

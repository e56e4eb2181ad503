//! eCPRI over IPv4/UDP: each eCPRI PDU is one UDP datagram between two
//! configured endpoints.
//!
//! Cases and simulated units speak whole Ethernet frames, so a frame handed
//! to [`UdpTransport::send`] has its link header (and any padding after the
//! PDU) removed, and a datagram received is wrapped by
//! [`codecs::framing::emit_frame`] into the Ethernet/IPv4/UDP frame it would
//! have been on the wire (MACs zero, no VLAN: the kernel does not say), which
//! the codecs parse as eCPRI over IP.

use super::sys::{self, setsockopt};
use super::{Received, Transport};
use codecs::framing::{self, EthernetHeader, FramingConfig, Ipv4Udp};
use sim::Nanos;
use std::io;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};

/// eCPRI over UDP between `local` and `peer`.
#[derive(Debug)]
pub struct UdpTransport {
    socket: UdpSocket,
    local: SocketAddrV4,
    peer: SocketAddrV4,
}

impl UdpTransport {
    /// Bind `local` and send to `peer` (datagrams from elsewhere are ignored).
    pub fn open(local: SocketAddrV4, peer: SocketAddrV4) -> io::Result<Self> {
        let socket = UdpSocket::bind(local).map_err(|e| io::Error::new(e.kind(), format!("bind {local}: {e}")))?;
        socket.connect(peer)?;
        setsockopt(&socket, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &1 as &libc::c_int)?;
        // A slot of UL U-plane arrives in a burst.
        if setsockopt(
            &socket,
            libc::SOL_SOCKET,
            libc::SO_RCVBUFFORCE,
            &(8 << 20) as &libc::c_int,
        )
        .is_err()
        {
            setsockopt(&socket, libc::SOL_SOCKET, libc::SO_RCVBUF, &(8 << 20) as &libc::c_int)?;
        }
        let local = match socket.local_addr()? {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(_) => local,
        };
        Ok(UdpTransport { socket, local, peer })
    }

    pub fn local(&self) -> SocketAddrV4 {
        self.local
    }

    /// The frame a datagram from the peer would have been on the wire.
    fn wrap(&self, pdu: &[u8]) -> io::Result<Vec<u8>> {
        let eth = EthernetHeader {
            dst: [0; 6],
            src: [0; 6],
            vlans: Vec::new(),
            ethertype: framing::ETHERTYPE_IPV4,
        };
        let ip = Ipv4Udp {
            src_ip: self.peer.ip().octets(),
            dst_ip: self.local.ip().octets(),
            src_port: self.peer.port(),
            dst_port: self.local.port(),
            ttl: 64,
            dscp: 0,
        };
        let mut frame = Vec::with_capacity(42 + pdu.len());
        framing::emit_frame(&eth, Some(&ip), pdu, &mut frame)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        Ok(frame)
    }
}

/// The eCPRI PDU a frame carries, without link header or padding.
pub fn ecpri_pdu(frame: &[u8]) -> io::Result<&[u8]> {
    let bad = |e: codecs::Error| io::Error::new(io::ErrorKind::InvalidInput, format!("not an eCPRI frame: {e}"));
    let f = framing::parse_frame(frame, &FramingConfig::default()).map_err(bad)?;
    let pdu = codecs::ecpri::parse_pdu_with_trailer(f.ecpri).map_err(bad)?;
    Ok(&f.ecpri[..f.ecpri.len() - pdu.trailing])
}

impl Transport for UdpTransport {
    fn send(&self, frame: &[u8]) -> io::Result<()> {
        self.socket.send(ecpri_pdu(frame)?).map(|_| ())
    }

    fn recv(&self, deadline: Nanos) -> io::Result<Option<Received>> {
        let mut buf = vec![0u8; 65536];
        loop {
            // A refused datagram of ours (peer not listening yet) is no
            // reason to stop listening.
            let got = match sys::recv_stamped(&self.socket, &mut buf) {
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => continue,
                r => r?,
            };
            if let Some(got) = got {
                return Ok(Some(Received {
                    at: got.at,
                    frame: self.wrap(&buf[..got.len])?,
                }));
            }
            if !sys::wait_readable(&self.socket, deadline)? {
                return match sys::recv_stamped(&self.socket, &mut buf)? {
                    Some(got) => Ok(Some(Received {
                        at: got.at,
                        frame: self.wrap(&buf[..got.len])?,
                    })),
                    None => Ok(None),
                };
            }
        }
    }

    fn describe(&self) -> String {
        format!("eCPRI over UDP {} <-> {}", self.local, self.peer)
    }
}

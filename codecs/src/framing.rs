//! Link framing around an eCPRI PDU: Ethernet II with up to two VLAN tags
//! and ethertype 0xAEFE, or IPv4/UDP (eCPRI over IP, port configured per
//! deployment).
//!
//! ```text
//! dst(48) src(48) [TPID(16) PCP(3) DEI(1) VID(12)]{0,2} ethertype(16) payload
//! ```
//!
//! Frames are handled without FCS. Bytes after the eCPRI PDU of an Ethernet
//! frame (padding to 60 bytes, a captured FCS) stay in [`Frame::ecpri`]; the
//! eCPRI parser reports them as trailing. Over UDP the PDU is exactly the
//! UDP payload.

use serde::Serialize;

use crate::ecpri::ETHERTYPE_ECPRI;
use crate::ecpri::wire::{Reader, fit, put_u16};
use crate::{Error, ErrorKind, Result};

/// IEEE 802.1Q customer VLAN tag.
pub const TPID_8021Q: u16 = 0x8100;
/// IEEE 802.1ad service VLAN tag (QinQ outer tag).
pub const TPID_8021AD: u16 = 0x88A8;
/// Pre-standard QinQ outer tag still seen on switches.
pub const TPID_QINQ_LEGACY: u16 = 0x9100;
pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_IPV6: u16 = 0x86DD;
pub const IP_PROTO_UDP: u8 = 17;
/// Minimum Ethernet frame length without FCS; shorter frames are padded.
pub const MIN_FRAME_LEN: usize = 60;

/// One VLAN tag: `TPID(16) | PCP(3) DEI(1) VID(12)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct VlanTag {
    pub tpid: u16,
    /// 3 bits.
    pub pcp: u8,
    pub dei: bool,
    /// 12 bits.
    pub vid: u16,
}

/// Ethernet II header with 0..=2 VLAN tags; `ethertype` is the one after
/// the tags.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EthernetHeader {
    pub dst: [u8; 6],
    pub src: [u8; 6],
    /// Outermost first.
    pub vlans: Vec<VlanTag>,
    pub ethertype: u16,
}

impl EthernetHeader {
    /// Header length on the wire.
    pub fn wire_len(&self) -> usize {
        14 + 4 * self.vlans.len()
    }
}

/// The IPv4 and UDP header fields a harness needs. Parsing skips IPv4
/// options; emitting writes a 20-byte header with identification 0 and DF
/// set, ECN 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Ipv4Udp {
    pub src_ip: [u8; 4],
    pub dst_ip: [u8; 4],
    pub src_port: u16,
    pub dst_port: u16,
    pub ttl: u8,
    /// 6 bits (upper bits of the TOS byte).
    pub dscp: u8,
}

/// A frame carrying one eCPRI PDU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame<'a> {
    pub eth: EthernetHeader,
    pub udp: Option<Ipv4Udp>,
    /// The eCPRI PDU (over Ethernet: everything after the header).
    #[serde(rename = "ecpri_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub ecpri: &'a [u8],
    /// Offset of `ecpri` in the frame.
    pub ecpri_offset: usize,
}

/// Which frames count as eCPRI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FramingConfig {
    /// UDP ports that carry eCPRI, matched against source or destination
    /// port; empty accepts any UDP datagram.
    pub udp_ports: Vec<u16>,
}

fn is_vlan_tpid(t: u16) -> bool {
    matches!(t, TPID_8021Q | TPID_8021AD | TPID_QINQ_LEGACY)
}

/// Decode the link headers of `buf` (an Ethernet frame without FCS; a
/// trailing FCS ends up after the eCPRI PDU and is harmless).
///
/// Errors (offsets from the start of `buf`):
/// - ethertype neither eCPRI nor IPv4: `Invalid("ethertype")`; IPv6:
///   `Unsupported("IPv6")`; a third VLAN tag: `Unsupported("more than two VLAN tags")`;
/// - IPv4 version not 4 or IHL below 5: `Invalid`; total length beyond the
///   frame: `BadLength`; a fragment (MF set or non-zero offset):
///   `Unsupported("IPv4 fragment")`; protocol not UDP: `Invalid("IP protocol")`;
/// - UDP length below 8 or beyond the IP payload: `BadLength`; neither port
///   in `cfg.udp_ports` (when not empty): `Invalid("UDP port")`.
///
/// Checksums are not verified (see [`ipv4_header_checksum`], [`udp_checksum`]).
pub fn parse_frame<'a>(buf: &'a [u8], cfg: &FramingConfig) -> Result<Frame<'a>> {
    let mut r = Reader::new(buf, "Ethernet header");
    let eth = parse_ethernet(&mut r)?;
    let type_at = r.pos() - 2;
    match eth.ethertype {
        ETHERTYPE_ECPRI => Ok(Frame {
            eth,
            udp: None,
            ecpri: r.rest(),
            ecpri_offset: r.pos(),
        }),
        ETHERTYPE_IPV4 => {
            let (udp, ecpri, ecpri_offset) = parse_ipv4_udp(&mut r, cfg)?;
            Ok(Frame {
                eth,
                udp: Some(udp),
                ecpri,
                ecpri_offset,
            })
        }
        ETHERTYPE_IPV6 => Err(Error::new(ErrorKind::Unsupported("IPv6"), type_at, "Ethernet header")),
        _ => Err(Error::invalid(type_at, "ethertype", "Ethernet header")),
    }
}

/// The PTP message a frame carries, if it is one: ethertype 0x88F7 after
/// up to two VLAN tags (IEEE 1588 Annex E, as G.8275.1 fronthaul timing
/// uses), or IPv4/UDP to or from port 319 or 320 (Annex C). Returns the PTP
/// message bytes (Ethernet padding included) and their offset in `buf`.
pub fn ptp_payload(buf: &[u8]) -> Option<(&[u8], usize)> {
    let mut r = Reader::new(buf, "Ethernet header");
    let eth = parse_ethernet(&mut r).ok()?;
    match eth.ethertype {
        crate::ptp::ETHERTYPE_PTP => Some((r.rest(), r.pos())),
        ETHERTYPE_IPV4 => {
            let (udp, payload, at) = parse_ipv4_udp(&mut r, &FramingConfig::default()).ok()?;
            let ptp = [crate::ptp::UDP_EVENT_PORT, crate::ptp::UDP_GENERAL_PORT];
            (ptp.contains(&udp.dst_port) || ptp.contains(&udp.src_port)).then_some((payload, at))
        }
        _ => None,
    }
}

/// Ethernet II header and up to two VLAN tags; `r` is left at the payload.
fn parse_ethernet(r: &mut Reader<'_>) -> Result<EthernetHeader> {
    let dst = r.array::<6>()?;
    let src = r.array::<6>()?;
    let mut vlans = Vec::new();
    let ethertype = loop {
        let at = r.pos();
        r.ctx("Ethernet header");
        let t = r.u16()?;
        if !is_vlan_tpid(t) {
            break t;
        }
        if vlans.len() == 2 {
            return Err(Error::new(
                ErrorKind::Unsupported("more than two VLAN tags"),
                at,
                "VLAN tag",
            ));
        }
        r.ctx("VLAN tag");
        let tci = r.u16()?;
        vlans.push(VlanTag {
            tpid: t,
            pcp: (tci >> 13) as u8,
            dei: tci & 0x1000 != 0,
            vid: tci & 0x0FFF,
        });
    };
    Ok(EthernetHeader {
        dst,
        src,
        vlans,
        ethertype,
    })
}

/// IPv4 header (RFC 791) then UDP header (RFC 768):
///
/// ```text
/// version(4) IHL(4) | DSCP(6) ECN(2) | totalLength(16) | identification(16)
/// flags(3: reserved, DF, MF) fragmentOffset(13) | TTL(8) | protocol(8) | checksum(16)
/// src(32) | dst(32) | options (IHL*4 - 20 bytes)
/// srcPort(16) dstPort(16) length(16) checksum(16) | payload
/// ```
fn parse_ipv4_udp<'a>(r: &mut Reader<'a>, cfg: &FramingConfig) -> Result<(Ipv4Udp, &'a [u8], usize)> {
    const CTX: &str = "IPv4 header";
    let ip = r.pos();
    r.ctx(CTX);
    let vihl = r.u8()?;
    if vihl >> 4 != 4 {
        return Err(Error::invalid(ip, "IP version", CTX));
    }
    let ihl = usize::from(vihl & 0xF) * 4;
    if ihl < 20 {
        return Err(Error::invalid(ip, "IPv4 header length", CTX));
    }
    let tos = r.u8()?;
    let total = usize::from(r.u16()?);
    let _id = r.u16()?;
    let frag = r.u16()?;
    let ttl = r.u8()?;
    let proto = r.u8()?;
    let _csum = r.u16()?;
    let src_ip = r.array::<4>()?;
    let dst_ip = r.array::<4>()?;
    r.take(ihl - 20)?;
    if total < ihl {
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: total,
                actual: ihl,
            },
            ip + 2,
            "IPv4 total length",
        ));
    }
    let avail = r.buf().len() - ip;
    if total > avail {
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: total,
                actual: avail,
            },
            ip + 2,
            "IPv4 total length",
        ));
    }
    // MF set or a non-zero offset: only part of the datagram is here.
    if frag & 0x3FFF != 0 {
        return Err(Error::new(ErrorKind::Unsupported("IPv4 fragment"), ip + 6, CTX));
    }
    if proto != IP_PROTO_UDP {
        return Err(Error::invalid(ip + 9, "IP protocol", CTX));
    }
    // Bytes after the IPv4 total length are Ethernet padding.
    let ip_end = ip + total;
    let mut u = Reader::new(&r.buf()[..ip_end], "UDP header");
    u.seek(r.pos())?;
    let udp_at = u.pos();
    let src_port = u.u16()?;
    let dst_port = u.u16()?;
    let udp_len = usize::from(u.u16()?);
    let _udp_csum = u.u16()?;
    let ip_payload = ip_end - udp_at;
    if udp_len < 8 || udp_len > ip_payload {
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: udp_len,
                actual: ip_payload,
            },
            udp_at + 4,
            "UDP length",
        ));
    }
    if !cfg.udp_ports.is_empty() && !cfg.udp_ports.contains(&dst_port) && !cfg.udp_ports.contains(&src_port) {
        return Err(Error::invalid(udp_at, "UDP port", "UDP header"));
    }
    let ecpri = &r.buf()[udp_at + 8..udp_at + udp_len];
    let hdr = Ipv4Udp {
        src_ip,
        dst_ip,
        src_port,
        dst_port,
        ttl,
        dscp: tos >> 2,
    };
    Ok((hdr, ecpri, udp_at + 8))
}

/// Internet checksum (RFC 1071) over `data`, with `init` a partial sum.
fn ones_complement_sum(init: u32, data: &[u8]) -> u32 {
    let mut sum = init;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// The IPv4 header checksum of `header` (whose checksum field must be zero,
/// or the result is 0 for a header with a correct checksum).
pub fn ipv4_header_checksum(header: &[u8]) -> u16 {
    fold(ones_complement_sum(0, header))
}

/// The UDP checksum of `segment` (UDP header with checksum field zero, then
/// payload) over the IPv4 pseudo-header, 0 mapped to 0xFFFF as RFC 768
/// requires for a computed value.
pub fn udp_checksum(src_ip: [u8; 4], dst_ip: [u8; 4], segment: &[u8]) -> u16 {
    let mut sum = ones_complement_sum(0, &src_ip);
    sum = ones_complement_sum(sum, &dst_ip);
    sum += u32::from(IP_PROTO_UDP);
    sum += segment.len() as u32 & 0xFFFF;
    match fold(ones_complement_sum(sum, segment)) {
        0 => 0xFFFF,
        c => c,
    }
}

/// Append a frame carrying `ecpri_pdu`: the ethertype after the tags is
/// written as 0x0800 when `udp` is given and 0xAEFE otherwise
/// (`eth.ethertype` is not used). IPv4 and UDP checksums are computed;
/// the frame is zero-padded to 60 bytes (no FCS).
///
/// Errors: more than two VLAN tags (`Invalid`), PCP/VID/DSCP too wide or
/// a datagram above 65535 bytes (`FieldOverflow`).
pub fn emit_frame(eth: &EthernetHeader, udp: Option<&Ipv4Udp>, ecpri_pdu: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    if eth.vlans.len() > 2 {
        return Err(Error::invalid(start + 12, "more than two VLAN tags", "VLAN tag"));
    }
    out.extend_from_slice(&eth.dst);
    out.extend_from_slice(&eth.src);
    for v in &eth.vlans {
        fit(v.pcp.into(), 3, out.len() + 2, "VLAN PCP")?;
        fit(v.vid.into(), 12, out.len() + 2, "VLAN VID")?;
        put_u16(out, v.tpid);
        put_u16(out, u16::from(v.pcp) << 13 | u16::from(v.dei) << 12 | v.vid);
    }
    match udp {
        None => {
            put_u16(out, ETHERTYPE_ECPRI);
            out.extend_from_slice(ecpri_pdu);
        }
        Some(u) => {
            put_u16(out, ETHERTYPE_IPV4);
            let ip = out.len();
            fit(u.dscp.into(), 6, ip + 1, "IPv4 DSCP")?;
            let total = 20 + 8 + ecpri_pdu.len();
            fit(total as u64, 16, ip + 2, "IPv4 total length")?;
            out.push(0x45);
            out.push(u.dscp << 2);
            put_u16(out, total as u16);
            put_u16(out, 0);
            put_u16(out, 0x4000);
            out.push(u.ttl);
            out.push(IP_PROTO_UDP);
            put_u16(out, 0);
            out.extend_from_slice(&u.src_ip);
            out.extend_from_slice(&u.dst_ip);
            let csum = ipv4_header_checksum(&out[ip..ip + 20]);
            out[ip + 10..ip + 12].copy_from_slice(&csum.to_be_bytes());
            let udp_at = out.len();
            put_u16(out, u.src_port);
            put_u16(out, u.dst_port);
            put_u16(out, (8 + ecpri_pdu.len()) as u16);
            put_u16(out, 0);
            out.extend_from_slice(ecpri_pdu);
            let csum = udp_checksum(u.src_ip, u.dst_ip, &out[udp_at..]);
            out[udp_at + 6..udp_at + 8].copy_from_slice(&csum.to_be_bytes());
        }
    }
    if out.len() - start < MIN_FRAME_LEN {
        out.resize(start + MIN_FRAME_LEN, 0);
    }
    Ok(())
}

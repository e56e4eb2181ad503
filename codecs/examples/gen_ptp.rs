//! Property-generated PTP messages for the tshark differential check in
//! scripts/crosscheck.py.
//!
//! ```text
//! gen_ptp OUT.pcap SEED N
//! ```
//!
//! writes N frames to OUT.pcap and OUT.pcap.json. Each frame carries one
//! IEEE 1588-2019 message (message types cycle over every type the codec
//! types, plus Signaling and Management with raw bodies) with random header
//! and body values from SEED, encoded by `ptp::Message::emit`, over Ethernet
//! (ethertype 0x88F7, with zero, one or two VLAN tags) or IPv4/UDP (port 319
//! or 320). The JSON holds, per frame, the values tshark's PTP dissector
//! should show, keyed by tshark field name and taken from our own decode of
//! the frame (`framing::ptp_payload`, `ptp::Message::parse`), which must give
//! back the message the frame was encoded from. Link fields are the VLAN tags
//! the frame was built with (the framing only reports where the PTP message
//! starts, which is checked); UDP ports come from `framing::parse_frame`.

use std::fmt::Write as _;

use codecs::framing::{
    EthernetHeader, FramingConfig, Ipv4Udp, MIN_FRAME_LEN, TPID_8021AD, TPID_8021Q, VlanTag, emit_frame,
    ipv4_header_checksum, parse_frame, ptp_payload, udp_checksum,
};
use codecs::ptp::*;

#[path = "common/pcap.rs"]
mod pcap;
#[path = "common/rng.rs"]
mod rng;
use pcap::pcap;
use rng::Rng;

impl Rng {
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.next() as u8)
    }
}

#[derive(Default)]
struct Expect {
    items: Vec<String>,
    /// field -> values in the order tshark shows them
    fields: Vec<(&'static str, Vec<i128>)>,
}

impl Expect {
    fn push(&mut self, f: &'static str, v: impl Into<i128>) {
        let v = v.into();
        match self.fields.iter_mut().find(|(k, _)| *k == f) {
            Some((_, vs)) => vs.push(v),
            None => self.fields.push((f, vec![v])),
        }
    }
}

/// The message types, in the order frames cycle over them.
const TYPES: [MessageType; 10] = [
    MessageType::Sync,
    MessageType::DelayReq,
    MessageType::PdelayReq,
    MessageType::PdelayResp,
    MessageType::FollowUp,
    MessageType::DelayResp,
    MessageType::PdelayRespFollowUp,
    MessageType::Announce,
    MessageType::Signaling,
    MessageType::Management,
];

fn type_name(t: MessageType) -> &'static str {
    match t {
        MessageType::Sync => "Sync",
        MessageType::DelayReq => "Delay_Req",
        MessageType::PdelayReq => "Pdelay_Req",
        MessageType::PdelayResp => "Pdelay_Resp",
        MessageType::FollowUp => "Follow_Up",
        MessageType::DelayResp => "Delay_Resp",
        MessageType::PdelayRespFollowUp => "Pdelay_Resp_Follow_Up",
        MessageType::Announce => "Announce",
        MessageType::Signaling => "Signaling",
        MessageType::Management => "Management",
        MessageType::Reserved(_) => "reserved",
    }
}

/// Event messages go to UDP port 319, general ones to 320 (Annex C).
fn is_event(t: MessageType) -> bool {
    u8::from(t) < 8
}

fn timestamp(rng: &mut Rng) -> Timestamp {
    Timestamp {
        seconds: rng.bits(48),
        // Mostly conformant (below 10^9), sometimes any 32-bit value: the
        // codec keeps what was sent, and the top bit tells a signed reading
        // from an unsigned one.
        nanoseconds: if rng.below(4) == 0 {
            rng.next() as u32
        } else {
            rng.below(1_000_000_000) as u32
        },
    }
}

fn port(rng: &mut Rng) -> PortIdentity {
    PortIdentity {
        clock_identity: rng.bytes(),
        port_number: rng.next() as u16,
    }
}

fn correction(rng: &mut Rng) -> i64 {
    match rng.below(4) {
        // a plausible residence time, positive or negative, with a fraction
        0 => rng.below(1 << 40) as i64 - (1 << 39),
        1 => 0,
        _ => rng.next() as i64,
    }
}

fn header(rng: &mut Rng, t: MessageType, transport: Transport) -> Header {
    Header {
        // Over Ethernet tshark 4.0.17 dissects a message with an odd
        // majorSdoId as IEEE 802.1AS (gPTP): it tests bit 0, the
        // transportSpecific bit 802.1AS set under IEEE 1588-2008. gPTP bodies
        // differ from 1588 ones (two-step Sync, Pdelay_Req and Announce
        // timestamps reserved; Follow_Up and Signaling carry 802.1AS TLVs),
        // so Ethernet frames use even values; over UDP it reads every value
        // as 1588, and all 16 are used.
        major_sdo_id: if transport == Transport::Udp {
            rng.bits(4) as u8
        } else {
            (rng.bits(3) as u8) << 1
        },
        message_type: t,
        minor_version: rng.bits(4) as u8,
        version: 2,
        message_length: 0,
        domain: rng.next() as u8,
        minor_sdo_id: rng.next() as u8,
        flags: rng.next() as u16,
        correction: correction(rng),
        message_type_specific: rng.next() as u32,
        source_port: port(rng),
        sequence_id: rng.next() as u16,
        control: rng.next() as u8,
        log_message_interval: rng.next() as i8,
    }
}

/// Signaling body: targetPortIdentity, then no TLV or one
/// REQUEST_UNICAST_TRANSMISSION TLV (16.1.4.1).
fn signaling_body(rng: &mut Rng) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&rng.bytes::<8>());
    b.extend_from_slice(&(rng.next() as u16).to_be_bytes());
    if rng.flag() {
        b.extend_from_slice(&0x0004u16.to_be_bytes());
        b.extend_from_slice(&6u16.to_be_bytes());
        // messageType in the high nibble; the low nibble is reserved
        b.push(([0x0, 0x9, 0xB][rng.below(3) as usize]) << 4);
        b.push(rng.next() as u8);
        b.extend_from_slice(&(rng.next() as u32).to_be_bytes());
    }
    b
}

/// Management body (15.4.1): targetPortIdentity, startingBoundaryHops,
/// boundaryHops, actionField (low nibble), reserved, then the one management
/// TLV a management message carries: NULL_PTP_MANAGEMENT (no data).
fn management_body(rng: &mut Rng) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&rng.bytes::<8>());
    b.extend_from_slice(&(rng.next() as u16).to_be_bytes());
    b.push(rng.next() as u8);
    b.push(rng.next() as u8);
    b.push(rng.below(5) as u8);
    b.push(0);
    b.extend_from_slice(&0x0001u16.to_be_bytes());
    b.extend_from_slice(&2u16.to_be_bytes());
    b.extend_from_slice(&0x0000u16.to_be_bytes());
    b
}

fn message<'a>(rng: &mut Rng, t: MessageType, transport: Transport, raw: &'a [u8]) -> Message<'a> {
    let h = header(rng, t, transport);
    let body = match t {
        MessageType::Sync => Body::Sync {
            origin_timestamp: timestamp(rng),
        },
        MessageType::DelayReq => Body::DelayReq {
            origin_timestamp: timestamp(rng),
        },
        MessageType::PdelayReq => Body::PdelayReq {
            origin_timestamp: timestamp(rng),
            reserved: [0; 10],
        },
        MessageType::PdelayResp => Body::PdelayResp {
            request_receipt_timestamp: timestamp(rng),
            requesting_port: port(rng),
        },
        MessageType::FollowUp => Body::FollowUp {
            precise_origin_timestamp: timestamp(rng),
        },
        MessageType::DelayResp => Body::DelayResp {
            receive_timestamp: timestamp(rng),
            requesting_port: port(rng),
        },
        MessageType::PdelayRespFollowUp => Body::PdelayRespFollowUp {
            response_origin_timestamp: timestamp(rng),
            requesting_port: port(rng),
        },
        MessageType::Announce => Body::Announce(Announce {
            origin_timestamp: timestamp(rng),
            current_utc_offset: rng.next() as i16,
            reserved: 0,
            grandmaster_priority1: rng.next() as u8,
            clock_class: rng.next() as u8,
            clock_accuracy: rng.next() as u8,
            offset_scaled_log_variance: rng.next() as u16,
            grandmaster_priority2: rng.next() as u8,
            grandmaster_identity: rng.bytes(),
            steps_removed: rng.next() as u16,
            time_source: rng.next() as u8,
        }),
        _ => Body::Raw(raw),
    };
    let mut m = Message { header: h, body };
    m.header.message_length = m.wire_len() as u16;
    m
}

fn clock(id: &[u8; 8]) -> i128 {
    u64::from_be_bytes(*id).into()
}

fn push_ts(e: &mut Expect, secs: &'static str, nanos: &'static str, t: &Timestamp) {
    e.push(secs, t.seconds);
    e.push(nanos, t.nanoseconds);
}

/// What tshark should show for a decoded message.
fn expect_message(e: &mut Expect, m: &Message<'_>) {
    let h = &m.header;
    e.push("ptp.v2.majorsdoid", h.major_sdo_id);
    e.push("ptp.v2.messagetype", u8::from(h.message_type));
    e.push("ptp.v2.minorversionptp", h.minor_version);
    e.push("ptp.v2.versionptp", h.version);
    e.push("ptp.v2.messagelength", h.message_length);
    e.push("ptp.v2.domainnumber", h.domain);
    e.push("ptp.v2.minorsdoid", h.minor_sdo_id);
    e.push("ptp.v2.flags", h.flags);
    for (f, bit) in [
        ("ptp.v2.flags.security", 0x8000),
        ("ptp.v2.flags.specific2", 0x4000),
        ("ptp.v2.flags.specific1", 0x2000),
        ("ptp.v2.flags.unicast", flags::UNICAST),
        ("ptp.v2.flags.twostep", flags::TWO_STEP),
        ("ptp.v2.flags.alternatemaster", flags::ALTERNATE_MASTER),
        (
            "ptp.v2.flags.synchronizationUncertain",
            flags::SYNCHRONIZATION_UNCERTAIN,
        ),
        ("ptp.v2.flags.frequencytraceable", flags::FREQUENCY_TRACEABLE),
        ("ptp.v2.flags.timetraceable", flags::TIME_TRACEABLE),
        ("ptp.v2.flags.timescale", flags::PTP_TIMESCALE),
        ("ptp.v2.flags.utcreasonable", flags::CURRENT_UTC_OFFSET_VALID),
        ("ptp.v2.flags.li59", flags::LEAP59),
        ("ptp.v2.flags.li61", flags::LEAP61),
    ] {
        e.push(f, h.flags & bit != 0);
    }
    // correctionField: whole nanoseconds (floor, as an arithmetic shift
    // gives) and the 2^-16 ns fraction, as a count of 2^-16 ns.
    e.push("ptp.v2.correction.ns", h.correction_ns());
    e.push("ptp.v2.correction.subns", h.correction & 0xFFFF);
    e.push("ptp.v2.messagetypespecific", h.message_type_specific);
    e.push("ptp.v2.clockidentity", clock(&h.source_port.clock_identity));
    e.push("ptp.v2.sourceportid", h.source_port.port_number);
    e.push("ptp.v2.sequenceid", h.sequence_id);
    e.push("ptp.v2.controlfield", h.control);
    e.push("ptp.v2.logmessageperiod", h.log_message_interval);
    match &m.body {
        Body::Sync { origin_timestamp: t } | Body::DelayReq { origin_timestamp: t } => push_ts(
            e,
            "ptp.v2.sdr.origintimestamp.seconds",
            "ptp.v2.sdr.origintimestamp.nanoseconds",
            t,
        ),
        Body::PdelayReq { origin_timestamp, .. } => push_ts(
            e,
            "ptp.v2.pdrq.origintimestamp.seconds",
            "ptp.v2.pdrq.origintimestamp.nanoseconds",
            origin_timestamp,
        ),
        Body::FollowUp {
            precise_origin_timestamp: t,
        } => push_ts(
            e,
            "ptp.v2.fu.preciseorigintimestamp.seconds",
            "ptp.v2.fu.preciseorigintimestamp.nanoseconds",
            t,
        ),
        Body::DelayResp {
            receive_timestamp: t,
            requesting_port: p,
        } => {
            push_ts(
                e,
                "ptp.v2.dr.receivetimestamp.seconds",
                "ptp.v2.dr.receivetimestamp.nanoseconds",
                t,
            );
            e.push("ptp.v2.dr.requestingsourceportidentity", clock(&p.clock_identity));
            e.push("ptp.v2.dr.requestingsourceportid", p.port_number);
        }
        Body::PdelayResp {
            request_receipt_timestamp: t,
            requesting_port: p,
        } => {
            push_ts(
                e,
                "ptp.v2.pdrs.requestreceipttimestamp.seconds",
                "ptp.v2.pdrs.requestreceipttimestamp.nanoseconds",
                t,
            );
            e.push("ptp.v2.pdrs.requestingportidentity", clock(&p.clock_identity));
            e.push("ptp.v2.pdrs.requestingsourceportid", p.port_number);
        }
        Body::PdelayRespFollowUp {
            response_origin_timestamp: t,
            requesting_port: p,
        } => {
            push_ts(
                e,
                "ptp.v2.pdfu.responseorigintimestamp.seconds",
                "ptp.v2.pdfu.responseorigintimestamp.nanoseconds",
                t,
            );
            e.push("ptp.v2.pdfu.requestingportidentity", clock(&p.clock_identity));
            e.push("ptp.v2.pdfu.requestingsourceportid", p.port_number);
        }
        Body::Announce(a) => {
            push_ts(
                e,
                "ptp.v2.an.origintimestamp.seconds",
                "ptp.v2.an.origintimestamp.nanoseconds",
                &a.origin_timestamp,
            );
            e.push("ptp.v2.an.origincurrentutcoffset", a.current_utc_offset);
            e.push("ptp.v2.an.priority1", a.grandmaster_priority1);
            e.push("ptp.v2.an.grandmasterclockclass", a.clock_class);
            e.push("ptp.v2.an.grandmasterclockaccuracy", a.clock_accuracy);
            e.push("ptp.v2.an.grandmasterclockvariance", a.offset_scaled_log_variance);
            e.push("ptp.v2.an.priority2", a.grandmaster_priority2);
            e.push("ptp.v2.an.grandmasterclockidentity", clock(&a.grandmaster_identity));
            e.push("ptp.v2.an.localstepsremoved", a.steps_removed);
            e.push("ptp.v2.timesource", a.time_source);
        }
        // The raw bodies are read here as signaling_body/management_body lay
        // them out (the codec keeps them as bytes).
        Body::Raw(b) if h.message_type == MessageType::Signaling => {
            e.push("ptp.v2.sig.targetportidentity", clock(&b[..8].try_into().unwrap()));
            e.push("ptp.v2.sig.targetportid", u16::from_be_bytes([b[8], b[9]]));
            if b.len() > 10 {
                e.push("ptp.v2.sig.tlv.tlvType", u16::from_be_bytes([b[10], b[11]]));
                e.push("ptp.v2.sig.tlv.lengthField", u16::from_be_bytes([b[12], b[13]]));
                e.push("ptp.v2.sig.tlv.messageType", b[14] >> 4);
                e.push("ptp.v2.sig.tlv.logInterMessagePeriod", b[15] as i8);
                e.push(
                    "ptp.v2.sig.tlv.durationField",
                    u32::from_be_bytes(b[16..20].try_into().unwrap()),
                );
            }
        }
        Body::Raw(b) => {
            e.push("ptp.v2.mm.targetportidentity", clock(&b[..8].try_into().unwrap()));
            e.push("ptp.v2.mm.targetportid", u16::from_be_bytes([b[8], b[9]]));
            e.push("ptp.v2.mm.startingboundaryhops", b[10]);
            e.push("ptp.v2.mm.boundaryhops", b[11]);
            e.push("ptp.v2.mm.action", b[12] & 0x0F);
            e.push("ptp.v2.mm.tlvType", u16::from_be_bytes([b[14], b[15]]));
            e.push("ptp.v2.mm.lengthField", u16::from_be_bytes([b[16], b[17]]));
            e.push("ptp.v2.mm.managementId", u16::from_be_bytes([b[18], b[19]]));
        }
    }
}

/// Ethernet II frame with the tags in `eth` and ethertype 0x88F7, zero-padded
/// to the 60-byte minimum (no FCS). `emit_frame` writes eCPRI's ethertype
/// when there is no UDP, hence this.
fn ethernet_frame(eth: &EthernetHeader, pdu: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&eth.dst);
    out.extend_from_slice(&eth.src);
    for v in &eth.vlans {
        out.extend_from_slice(&v.tpid.to_be_bytes());
        out.extend_from_slice(&(u16::from(v.pcp) << 13 | u16::from(v.dei) << 12 | v.vid).to_be_bytes());
    }
    out.extend_from_slice(&ETHERTYPE_PTP.to_be_bytes());
    out.extend_from_slice(pdu);
    if out.len() < MIN_FRAME_LEN {
        out.resize(MIN_FRAME_LEN, 0);
    }
    out
}

fn vlan(rng: &mut Rng, tpid: u16) -> VlanTag {
    VlanTag {
        tpid,
        pcp: rng.bits(3) as u8,
        dei: rng.flag(),
        // 0 and 4095 are reserved VIDs
        vid: 1 + rng.below(4094) as u16,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    /// Ethernet with this many VLAN tags (an 802.1ad tag outside an 802.1Q
    /// one when there are two).
    Ethernet(usize),
    Udp,
}

/// The frame around `pdu` and what tshark should show for its link,
/// network and transport headers.
fn frame(rng: &mut Rng, t: MessageType, transport: Transport, pdu: &[u8], e: &mut Expect) -> Vec<u8> {
    // PTP multicast addresses (Annex E: forwardable and peer delay), or unicast
    let dst = match rng.below(3) {
        0 => [0x01, 0x1B, 0x19, 0, 0, 0],
        1 => [0x01, 0x80, 0xC2, 0, 0, 0x0E],
        _ => [0x02, 0, 0, 0, 0, rng.next() as u8],
    };
    let mut eth = EthernetHeader {
        dst,
        src: [0x02, 0, 0, 0, 1, rng.next() as u8],
        vlans: vec![],
        ethertype: ETHERTYPE_PTP,
    };
    let Transport::Ethernet(tags) = transport else {
        let dst_port = if is_event(t) { UDP_EVENT_PORT } else { UDP_GENERAL_PORT };
        let udp = Ipv4Udp {
            src_ip: [10, 0, rng.next() as u8, 1 + rng.below(254) as u8],
            dst_ip: match rng.below(3) {
                0 => [224, 0, 1, 129],
                1 => [224, 0, 0, 107],
                _ => [10, 0, rng.next() as u8, 1 + rng.below(254) as u8],
            },
            // Annex C sends from the same port; some stacks use an ephemeral
            // one (above 320, so tshark still picks the PTP port first).
            src_port: if rng.flag() {
                dst_port
            } else {
                49152 + rng.below(16384) as u16
            },
            dst_port,
            ttl: 1 + rng.below(255) as u8,
            dscp: rng.bits(6) as u8,
        };
        let mut out = Vec::new();
        emit_frame(&eth, Some(&udp), pdu, &mut out).expect("frame");
        // What our framing decodes, and whether our checksum code accepts
        // the checksums emit_frame wrote (tshark verifies both).
        let back = parse_frame(&out, &FramingConfig::default()).expect("our frame decodes");
        let got = back.udp.expect("IPv4/UDP");
        let ip = 14;
        let udp_at = ip + 20;
        let mut seg = out[udp_at..udp_at + 8 + pdu.len()].to_vec();
        let sent = u16::from_be_bytes([seg[6], seg[7]]);
        seg[6..8].fill(0);
        e.items.push("IPv4/UDP".into());
        e.push("eth.type", back.eth.ethertype);
        e.push(
            "ip.checksum.status",
            i32::from(ipv4_header_checksum(&out[ip..ip + 20]) == 0),
        );
        e.push("udp.srcport", got.src_port);
        e.push("udp.dstport", got.dst_port);
        e.push(
            "udp.checksum.status",
            i32::from(udp_checksum(got.src_ip, got.dst_ip, &seg) == sent),
        );
        return out;
    };
    eth.vlans = match tags {
        0 => vec![],
        1 => vec![vlan(rng, TPID_8021Q)],
        _ => vec![vlan(rng, TPID_8021AD), vlan(rng, TPID_8021Q)],
    };
    e.items.push(format!("Ethernet, {tags} VLAN tag(s)"));
    e.push("eth.type", eth.vlans.first().map_or(ETHERTYPE_PTP, |v| v.tpid));
    for v in &eth.vlans {
        // tshark files an 802.1ad tag under its own protocol
        if v.tpid == TPID_8021AD {
            e.push("ieee8021ad.priority", v.pcp);
            e.push("ieee8021ad.dei", v.dei);
            e.push("ieee8021ad.id", v.vid);
        } else {
            e.push("vlan.priority", v.pcp);
            e.push("vlan.dei", v.dei);
            e.push("vlan.id", v.vid);
            e.push("vlan.etype", ETHERTYPE_PTP);
        }
    }
    ethernet_frame(&eth, pdu)
}

fn json(frames: &[Expect]) -> String {
    // Checksums are verified so that the status fields mean something.
    let mut s = String::from(
        "{\"prefs\": {\"ip.check_checksum\": \"TRUE\", \"udp.check_checksum\": \"TRUE\"},\n \"frames\": [",
    );
    for (i, e) in frames.iter().enumerate() {
        let items: Vec<String> = e.items.iter().map(|x| format!("\"{x}\"")).collect();
        let _ = write!(
            s,
            "{}\n  {{\"frame\": {}, \"items\": [{}], \"fields\": {{",
            if i == 0 { "" } else { "," },
            i + 1,
            items.join(", ")
        );
        for (j, (f, vs)) in e.fields.iter().enumerate() {
            let vals: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
            let _ = write!(s, "{}\"{f}\": [{}]", if j == 0 { "" } else { ", " }, vals.join(", "));
        }
        s.push_str("}}");
    }
    s.push_str("\n ]}\n");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: gen_ptp OUT.pcap SEED N");
        std::process::exit(2);
    }
    let seed: u64 = args[2].parse().expect("SEED is a number");
    let n: usize = args[3].parse().expect("N is a number");
    let mut rng = Rng(seed);
    let mut frames = Vec::with_capacity(n);
    let mut expects = Vec::with_capacity(n);
    for i in 0..n {
        let t = TYPES[i % TYPES.len()];
        let raw = match t {
            MessageType::Signaling => signaling_body(&mut rng),
            MessageType::Management => management_body(&mut rng),
            _ => vec![],
        };
        let transport = match rng.below(4) {
            3 => Transport::Udp,
            tags => Transport::Ethernet(tags as usize),
        };
        let msg = message(&mut rng, t, transport, &raw);
        let mut pdu = Vec::new();
        msg.emit(&mut pdu).expect("generated message encodes");
        let mut e = Expect {
            items: vec![type_name(t).into()],
            ..Expect::default()
        };
        let f = frame(&mut rng, t, transport, &pdu, &mut e);
        let (payload, at) = ptp_payload(&f).expect("framing finds the PTP message");
        let want_at = match transport {
            Transport::Ethernet(tags) => 14 + 4 * tags,
            Transport::Udp => 14 + 20 + 8,
        };
        assert_eq!(at, want_at, "frame {}: PTP message offset", i + 1);
        let back = Message::parse(payload).expect("our frame decodes");
        assert_eq!(back, msg, "frame {}: decode differs from what was encoded", i + 1);
        expect_message(&mut e, &back);
        frames.push(f);
        expects.push(e);
    }
    let out = &args[1];
    std::fs::write(out, pcap(&frames)).expect("write pcap");
    std::fs::write(format!("{out}.json"), json(&expects)).expect("write json");
}

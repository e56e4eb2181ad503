//! Link framing conformance: Ethernet II (IEEE 802.3), 802.1Q / 802.1ad VLAN
//! tags, IPv4 (RFC 791) and UDP (RFC 768) carrying eCPRI.

mod common;

use codecs::ErrorKind;
use codecs::ecpri::{ETHERTYPE_ECPRI, parse_pdu};
use codecs::framing::*;
use common::hex;
use proptest::prelude::*;

const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

/// A 12-byte eCPRI PDU (IQ data, payloadSize 8).
const PDU: &str = "10000008 12348001 9000000a";

struct Vector {
    clause: &'static str,
    /// The frame as emitted (padded to 60 bytes), `|` between fields.
    wire: &'static str,
    eth: fn() -> EthernetHeader,
    udp: Option<Ipv4Udp>,
    /// The eCPRI PDU the frame carries.
    pdu: &'static str,
}

fn eth(vlans: Vec<VlanTag>, ethertype: u16) -> EthernetHeader {
    EthernetHeader {
        dst: DST,
        src: SRC,
        vlans,
        ethertype,
    }
}

const UDP: Ipv4Udp = Ipv4Udp {
    src_ip: [192, 168, 1, 1],
    dst_ip: [192, 168, 1, 2],
    src_port: 50000,
    dst_port: 50001,
    ttl: 64,
    dscp: 46,
};

const VECTORS: &[Vector] = &[
    Vector {
        // dst(48) src(48) ethertype(16)=0xAEFE, payload padded to the 60-byte minimum
        clause: "Ethernet II, eCPRI ethertype 0xAEFE, untagged",
        wire: "020000000001 020000000002 | aefe | 10000008 12348001 9000000a | 00000000000000000000000000000000000000000000000000000000000000000000",
        eth: || eth(vec![], ETHERTYPE_ECPRI),
        udp: None,
        pdu: PDU,
    },
    Vector {
        // TPID(16)=0x8100 | PCP(3)=7 DEI(1)=1 VID(12)=0xABC -> TCI 0xFABC
        clause: "IEEE 802.1Q tag: PCP, DEI, VID",
        wire: "020000000001 020000000002 | 8100 fabc | aefe | 10000008 12348001 9000000a | 000000000000000000000000000000000000000000000000000000000000",
        eth: || {
            eth(
                vec![VlanTag {
                    tpid: 0x8100,
                    pcp: 7,
                    dei: true,
                    vid: 0xabc,
                }],
                ETHERTYPE_ECPRI,
            )
        },
        udp: None,
        pdu: PDU,
    },
    Vector {
        // 802.1ad S-tag 0x88A8 PCP 3 VID 100 (0x6064), then C-tag 0x8100 PCP 5 VID 21 (0xA015)
        clause: "IEEE 802.1ad QinQ: S-tag then C-tag",
        wire: "020000000001 020000000002 | 88a8 6064 | 8100 a015 | aefe | 10000008 12348001 9000000a | 0000000000000000000000000000000000000000000000000000",
        eth: || {
            eth(
                vec![
                    VlanTag {
                        tpid: 0x88a8,
                        pcp: 3,
                        dei: false,
                        vid: 100,
                    },
                    VlanTag {
                        tpid: 0x8100,
                        pcp: 5,
                        dei: false,
                        vid: 21,
                    },
                ],
                ETHERTYPE_ECPRI,
            )
        },
        udp: None,
        pdu: PDU,
    },
    Vector {
        // IPv4: version 4 IHL 5 | DSCP 46 (EF) ECN 0 = 0xB8 | total 40 | id 0 | DF | TTL 64 |
        // protocol 17 | checksum 0xB6B9 | 192.168.1.1 -> 192.168.1.2
        // UDP: 50000 -> 50001 | length 20 | checksum 0xC387 (computed independently)
        // 58 bytes, padded with 2 zero bytes that IPv4 total length excludes
        clause: "IPv4/UDP carrying eCPRI, checksums",
        wire: "020000000001 020000000002 | 8100 a015 | 0800 | 45 b8 0028 0000 4000 40 11 b6b9 c0a80101 c0a80102 | c350 c351 0014 c387 | 10000008 12348001 9000000a | 0000",
        eth: || {
            eth(
                vec![VlanTag {
                    tpid: 0x8100,
                    pcp: 5,
                    dei: false,
                    vid: 21,
                }],
                ETHERTYPE_IPV4,
            )
        },
        udp: Some(UDP),
        pdu: PDU,
    },
];

#[test]
fn framing_vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let f = parse_frame(&wire, &FramingConfig::default()).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(f.eth, (v.eth)(), "{}", v.clause);
        assert_eq!(f.udp, v.udp, "{}", v.clause);
        let pdu = hex(v.pdu);
        match v.udp {
            // over UDP the PDU is exactly the UDP payload
            Some(_) => assert_eq!(f.ecpri, &pdu[..], "{}", v.clause),
            // over Ethernet the padding stays after the PDU
            None => {
                assert_eq!(&f.ecpri[..pdu.len()], &pdu[..], "{}", v.clause);
                assert!(f.ecpri[pdu.len()..].iter().all(|&b| b == 0));
            }
        }
        assert_eq!(&wire[f.ecpri_offset..f.ecpri_offset + pdu.len()], &pdu[..]);
    }
}

#[test]
fn framing_vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        emit_frame(&(v.eth)(), v.udp.as_ref(), &hex(v.pdu), &mut out).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn framing_vectors_prefixes() {
    // A prefix that ends inside the link headers is an error. Over Ethernet
    // nothing says how long the eCPRI PDU is, so a longer prefix decodes to
    // a shorter `ecpri` slice, which the eCPRI parser then rejects. Over UDP
    // the IPv4 total length does: every prefix that cuts into the datagram
    // is an error; only dropping Ethernet padding is harmless.
    for v in VECTORS {
        let wire = hex(v.wire);
        let pdu = hex(v.pdu);
        let full = parse_frame(&wire, &FramingConfig::default()).unwrap();
        let pdu_end = full.ecpri_offset + pdu.len();
        for n in 0..wire.len() {
            let r = parse_frame(&wire[..n], &FramingConfig::default());
            if n < full.ecpri_offset {
                assert!(r.is_err(), "{}: {n}", v.clause);
            } else if n < pdu_end {
                match r {
                    Ok(f) => {
                        assert!(v.udp.is_none(), "{}: {n}", v.clause);
                        assert_eq!(f.ecpri, &pdu[..n - full.ecpri_offset]);
                        assert!(parse_pdu(f.ecpri).is_err(), "{}: {n}", v.clause);
                    }
                    Err(_) => assert!(v.udp.is_some(), "{}: {n}", v.clause),
                }
            } else {
                let f = r.unwrap();
                assert_eq!(parse_pdu(f.ecpri).unwrap(), parse_pdu(full.ecpri).unwrap());
            }
        }
    }
}

fn ipv4_frame(mutate: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut w = hex(VECTORS[3].wire);
    mutate(&mut w);
    w
}

const IP: usize = 18;

#[test]
fn ipv4_ihl_options_are_skipped() {
    // IHL 6: 4 option bytes (NOP NOP NOP EOL) before the UDP header
    let w = ipv4_frame(|w| {
        w[IP] = 0x46;
        w[IP + 3] += 4;
        w.splice(IP + 20..IP + 20, [1, 1, 1, 0]);
    });
    let f = parse_frame(&w, &FramingConfig::default()).unwrap();
    assert_eq!(f.udp, Some(UDP));
    assert_eq!(f.ecpri, &hex(PDU)[..]);
    assert_eq!(f.ecpri_offset, IP + 24 + 8);
}

#[test]
fn ipv4_total_length_excludes_ethernet_padding() {
    let w = ipv4_frame(|w| w.extend_from_slice(&[0xee; 20]));
    let f = parse_frame(&w, &FramingConfig::default()).unwrap();
    assert_eq!(f.ecpri, &hex(PDU)[..]);
}

#[test]
fn ipv4_errors() {
    let cfg = FramingConfig::default();
    let err = |w: Vec<u8>| parse_frame(&w, &cfg).unwrap_err();
    // version(4) must be 4
    let e = err(ipv4_frame(|w| w[IP] = 0x65));
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("IP version"), IP));
    // IHL(4) below 5 words
    let e = err(ipv4_frame(|w| w[IP] = 0x44));
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("IPv4 header length"), IP));
    // totalLength beyond the frame
    let e = err(ipv4_frame(|w| w[IP + 3] = 0x50));
    assert_eq!(
        (e.kind, e.offset),
        (
            ErrorKind::BadLength {
                claimed: 0x50,
                actual: 42
            },
            IP + 2
        )
    );
    // totalLength below the header
    let e = err(ipv4_frame(|w| w[IP + 3] = 0x10));
    assert_eq!(e.offset, IP + 2);
    // flags(3) = reserved DF MF: MF set -> fragment
    let e = err(ipv4_frame(|w| w[IP + 6] = 0x20));
    assert_eq!((e.kind, e.offset), (ErrorKind::Unsupported("IPv4 fragment"), IP + 6));
    // fragmentOffset(13) non-zero -> fragment
    let e = err(ipv4_frame(|w| w[IP + 7] = 0x01));
    assert_eq!(e.kind, ErrorKind::Unsupported("IPv4 fragment"));
    // protocol 6 (TCP)
    let e = err(ipv4_frame(|w| w[IP + 9] = 6));
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("IP protocol"), IP + 9));
    // UDP length beyond the IP payload, and below its own header
    let e = err(ipv4_frame(|w| w[IP + 25] = 0x15));
    assert_eq!(
        (e.kind, e.offset),
        (
            ErrorKind::BadLength {
                claimed: 0x15,
                actual: 20
            },
            IP + 24
        )
    );
    let e = err(ipv4_frame(|w| w[IP + 25] = 7));
    assert_eq!(e.kind, ErrorKind::BadLength { claimed: 7, actual: 20 });
    // checksums are not verified: a wrong one still decodes
    assert!(parse_frame(&ipv4_frame(|w| w[IP + 10] ^= 0xff), &cfg).is_ok());
}

#[test]
fn udp_port_filter() {
    let w = hex(VECTORS[3].wire);
    for (ports, ok) in [
        (vec![], true),
        (vec![50001], true),
        (vec![50000], true),
        (vec![4991, 50001], true),
        (vec![4991], false),
    ] {
        let r = parse_frame(
            &w,
            &FramingConfig {
                udp_ports: ports.clone(),
            },
        );
        match r {
            Ok(_) => assert!(ok, "{ports:?}"),
            Err(e) => {
                assert!(!ok, "{ports:?}");
                assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("UDP port"), IP + 20));
            }
        }
    }
}

#[test]
fn ethernet_errors() {
    let cfg = FramingConfig::default();
    // ARP: not eCPRI
    let e = parse_frame(&hex("020000000001 020000000002 0806 0000"), &cfg).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("ethertype"), 12));
    // behind a VLAN tag
    let e = parse_frame(&hex("020000000001 020000000002 8100 0015 88f7 0000"), &cfg).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("ethertype"), 16));
    let e = parse_frame(&hex("020000000001 020000000002 86dd 6000"), &cfg).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported("IPv6"));
    // a third tag
    let e = parse_frame(
        &hex("020000000001 020000000002 88a8 0001 8100 0002 8100 0003 aefe"),
        &cfg,
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (ErrorKind::Unsupported("more than two VLAN tags"), 20)
    );
    // the legacy 0x9100 outer TPID is taken as a tag
    let w = hex("020000000001 020000000002 9100 0001 8100 0002 aefe 10");
    let f = parse_frame(&w, &cfg).unwrap();
    assert_eq!(f.eth.vlans.len(), 2);
    for n in 0..14 {
        let e = parse_frame(&hex("020000000001 020000000002 aefe")[..n], &cfg).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }));
    }
}

#[test]
fn emit_errors() {
    let mut out = Vec::new();
    let tag = VlanTag {
        tpid: 0x8100,
        pcp: 0,
        dei: false,
        vid: 1,
    };
    let e = emit_frame(&eth(vec![tag; 3], 0), None, &[], &mut out).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid("more than two VLAN tags"));
    let e = emit_frame(&eth(vec![VlanTag { vid: 4096, ..tag }], 0), None, &[], &mut out).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 12, value: 4096 });
    let e = emit_frame(&eth(vec![VlanTag { pcp: 8, ..tag }], 0), None, &[], &mut out).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 3, value: 8 });
    let e = emit_frame(&eth(vec![], 0), Some(&Ipv4Udp { dscp: 64, ..UDP }), &[], &mut out).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 6, value: 64 });
    let big = vec![0; 65536 - 28];
    let e = emit_frame(&eth(vec![], 0), Some(&UDP), &big, &mut out).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 16, value: 65536 });
}

#[test]
fn checksum_helpers_verify_emitted_frames() {
    let w = hex(VECTORS[3].wire);
    // a header with a correct checksum sums to 0xFFFF: its checksum is 0
    assert_eq!(ipv4_header_checksum(&w[IP..IP + 20]), 0);
    let mut seg = w[IP + 20..IP + 40].to_vec();
    seg[6] = 0;
    seg[7] = 0;
    assert_eq!(udp_checksum(UDP.src_ip, UDP.dst_ip, &seg), 0xc387);
}

#[test]
fn real_capture_frame_headers() {
    // fh_1x1.pcap frame 1: 8c:1f:64:c5:60:4c <- 00:33:22:33:00:11, VLAN 21, eCPRI
    let w = hex(common::capture::CAPTURE_FRAME_1_CPLANE);
    let f = parse_frame(&w, &FramingConfig::default()).unwrap();
    assert_eq!(f.eth.dst, [0x8c, 0x1f, 0x64, 0xc5, 0x60, 0x4c]);
    assert_eq!(f.eth.src, [0x00, 0x33, 0x22, 0x33, 0x00, 0x11]);
    assert_eq!(
        f.eth.vlans,
        vec![VlanTag {
            tpid: 0x8100,
            pcp: 0,
            dei: false,
            vid: 21
        }]
    );
    assert_eq!(f.eth.ethertype, ETHERTYPE_ECPRI);
    assert_eq!(f.udp, None);
    assert_eq!(f.ecpri_offset, 18);
    assert_eq!(f.ecpri.len(), 46);
}

fn vlan_strategy() -> impl Strategy<Value = VlanTag> {
    (
        prop_oneof![Just(TPID_8021Q), Just(TPID_8021AD), Just(TPID_QINQ_LEGACY)],
        0u8..8,
        any::<bool>(),
        0u16..4096,
    )
        .prop_map(|(tpid, pcp, dei, vid)| VlanTag { tpid, pcp, dei, vid })
}

fn udp_strategy() -> impl Strategy<Value = Ipv4Udp> {
    (
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        any::<u16>(),
        any::<u16>(),
        any::<u8>(),
        0u8..64,
    )
        .prop_map(|(src_ip, dst_ip, src_port, dst_port, ttl, dscp)| Ipv4Udp {
            src_ip,
            dst_ip,
            src_port,
            dst_port,
            ttl,
            dscp,
        })
}

proptest! {
    #[test]
    fn roundtrip_frame(
        dst in any::<[u8; 6]>(),
        src in any::<[u8; 6]>(),
        vlans in proptest::collection::vec(vlan_strategy(), 0..=2),
        udp in proptest::option::of(udp_strategy()),
        pdu in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let e = EthernetHeader { dst, src, vlans, ethertype: 0 };
        let mut out = Vec::new();
        emit_frame(&e, udp.as_ref(), &pdu, &mut out).unwrap();
        prop_assert!(out.len() >= MIN_FRAME_LEN);
        let f = parse_frame(&out, &FramingConfig::default()).unwrap();
        let ethertype = if udp.is_some() { ETHERTYPE_IPV4 } else { ETHERTYPE_ECPRI };
        prop_assert_eq!(&f.eth, &EthernetHeader { ethertype, ..e.clone() });
        prop_assert_eq!(f.udp, udp);
        prop_assert_eq!(&f.ecpri[..pdu.len()], &pdu[..]);
        match udp {
            Some(u) => {
                prop_assert_eq!(f.ecpri.len(), pdu.len());
                let ip = e.wire_len();
                prop_assert_eq!(ipv4_header_checksum(&out[ip..ip + 20]), 0);
                let mut seg = out[ip + 20..ip + 28 + pdu.len()].to_vec();
                let sent = u16::from_be_bytes([seg[6], seg[7]]);
                seg[6] = 0;
                seg[7] = 0;
                prop_assert_eq!(udp_checksum(u.src_ip, u.dst_ip, &seg), sent);
                let mut cfg = FramingConfig { udp_ports: vec![u.dst_port] };
                prop_assert!(parse_frame(&out, &cfg).is_ok());
                cfg.udp_ports = vec![u.src_port];
                prop_assert!(parse_frame(&out, &cfg).is_ok());
            }
            None => prop_assert!(f.ecpri[pdu.len()..].iter().all(|&b| b == 0)),
        }
    }

    #[test]
    fn parse_frame_never_panics(b in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = parse_frame(&b, &FramingConfig::default());
    }

    #[test]
    fn parse_frame_ipv4_mutations_never_panic(i in 0usize..60, x in any::<u8>()) {
        let mut w = hex(VECTORS[3].wire);
        w[i] = x;
        let _ = parse_frame(&w, &FramingConfig::default());
    }
}

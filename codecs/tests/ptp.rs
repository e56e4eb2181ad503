//! IEEE 1588-2019 message formats (clause 13): one vector table drives decode
//! and encode; every truncation is an error; random messages round-trip; the
//! framing finds PTP over Ethernet (Annex E) and UDP (Annex C).

mod common;

use codecs::ErrorKind;
use codecs::framing::ptp_payload;
use codecs::ptp::*;
use common::hex;
use proptest::prelude::*;

const CLOCK: [u8; 8] = [0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55];

fn header(t: MessageType, len: u16, flags: u16, correction: i64, seq: u16, control: u8, log: i8) -> Header {
    Header {
        major_sdo_id: 0,
        message_type: t,
        minor_version: 1,
        version: 2,
        message_length: len,
        domain: 24,
        minor_sdo_id: 0,
        flags,
        correction,
        message_type_specific: 0,
        source_port: PortIdentity {
            clock_identity: CLOCK,
            port_number: 1,
        },
        sequence_id: seq,
        control,
        log_message_interval: log,
    }
}

struct Vector {
    clause: &'static str,
    wire: &'static str,
    message: fn() -> Message<'static>,
}

const TS: Timestamp = Timestamp {
    seconds: 0x0000_6565_4321,
    nanoseconds: 123_456_789,
};

const VECTORS: &[Vector] = &[
    Vector {
        // 13.3 header: majorSdoId 0 | type 0 (Sync) ; minor 1 | version 2 ; length 44 ; domain 24 (G.8275.1)
        // minorSdoId 0 ; flags 0x0208 (twoStep, ptpTimescale) ; correction 0 ; typeSpecific 0
        // sourcePortIdentity 001122fffe334455/0001 ; sequenceId 1234 ; control 0 ; logMessageInterval -4
        // 13.6 body: originTimestamp 0x656543_21 s . 123456789 ns
        clause: "13.6 Sync",
        wire: "00|12|002c|18|00|0208|0000000000000000|00000000|001122fffe334455 0001|04d2|00|fc|\
               000065654321 075bcd15",
        message: || Message {
            header: header(MessageType::Sync, 44, 0x0208, 0, 1234, 0, -4),
            body: Body::Sync { origin_timestamp: TS },
        },
    },
    Vector {
        // Follow_Up: type 8, control 2, correction 1.5 ns (0x18000 = 1.5 * 2^16)
        clause: "13.7 Follow_Up",
        wire: "08|12|002c|18|00|0008|0000000000018000|00000000|001122fffe334455 0001|04d2|02|fc|\
               000065654321 075bcd15",
        message: || Message {
            header: header(MessageType::FollowUp, 44, 0x0008, 0x18000, 1234, 2, -4),
            body: Body::FollowUp {
                precise_origin_timestamp: TS,
            },
        },
    },
    Vector {
        // Delay_Resp: receiveTimestamp, requestingPortIdentity 0a0b0c0d0e0f1011/0002; logMessageInterval -4
        clause: "13.8 Delay_Resp",
        wire: "09|12|0036|18|00|0008|0000000000000000|00000000|001122fffe334455 0001|0007|03|fc|\
               000065654321 075bcd15|0a0b0c0d0e0f1011 0002",
        message: || Message {
            header: header(MessageType::DelayResp, 54, 0x0008, 0, 7, 3, -4),
            body: Body::DelayResp {
                receive_timestamp: TS,
                requesting_port: PortIdentity {
                    clock_identity: [10, 11, 12, 13, 14, 15, 16, 17],
                    port_number: 2,
                },
            },
        },
    },
    Vector {
        // Announce: origin 0, currentUtcOffset 37, reserved 0, priority1 128, clockClass 6,
        // clockAccuracy 0x21, variance 0x4e5d, priority2 128, GM identity, stepsRemoved 1, timeSource 0x20 (GNSS)
        clause: "13.5 Announce",
        wire: "0b|12|0040|18|00|000c|0000000000000000|00000000|001122fffe334455 0001|0009|05|fd|\
               000000000000 00000000|0025|00|80|06|21|4e5d|80|001122fffe334455|0001|20",
        message: || Message {
            header: header(MessageType::Announce, 64, 0x000c, 0, 9, 5, -3),
            body: Body::Announce(Announce {
                origin_timestamp: Timestamp::default(),
                current_utc_offset: 37,
                reserved: 0,
                grandmaster_priority1: 128,
                clock_class: 6,
                clock_accuracy: 0x21,
                offset_scaled_log_variance: 0x4e5d,
                grandmaster_priority2: 128,
                grandmaster_identity: CLOCK,
                steps_removed: 1,
                time_source: 0x20,
            }),
        },
    },
    Vector {
        // Signaling (type 0xC): body kept raw (targetPortIdentity + a TLV here)
        clause: "13.10 Signaling",
        wire: "0c|12|0030|18|00|0000|0000000000000000|00000000|001122fffe334455 0001|0001|05|7f|\
               ffffffffffffffff ffff|0003 0000",
        message: || Message {
            header: header(MessageType::Signaling, 48, 0, 0, 1, 5, 127),
            body: Body::Raw(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 3, 0, 0]),
        },
    },
];

#[test]
fn vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let m = Message::parse(&wire).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(m, (v.message)(), "{}", v.clause);
        assert_eq!(m.wire_len(), wire.len(), "{}", v.clause);
        assert_eq!(usize::from(m.header.message_length), wire.len(), "{}", v.clause);
    }
}

#[test]
fn vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        (v.message)().emit(&mut out).unwrap();
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn header_accessors() {
    let m = (VECTORS[1].message)();
    assert!(!m.header.two_step());
    assert!(m.header.ptp_timescale());
    assert_eq!(m.header.correction_ns(), 1);
    assert_eq!(m.origin_time(), Some(TS));
    assert_eq!(TS.as_nanos(), 0x6565_4321 * 1_000_000_000 + 123_456_789);
    assert!((VECTORS[0].message)().header.two_step());
}

#[test]
fn every_truncation_is_an_error() {
    for v in VECTORS {
        let wire = hex(v.wire);
        for n in 0..wire.len() {
            let body_raw = matches!((v.message)().body, Body::Raw(_));
            match Message::parse(&wire[..n]) {
                Err(e) => assert!(e.offset <= n, "{} at {n}: {e}", v.clause),
                // A raw body is taken up to what is there.
                Ok(_) if body_raw && n >= HEADER_LEN => {}
                Ok(m) => panic!("{} truncated to {n} decoded: {m:?}", v.clause),
            }
        }
    }
}

#[test]
fn padding_after_message_length_is_ignored() {
    let mut wire = hex(VECTORS[0].wire);
    wire.extend_from_slice(&[0; 16]);
    assert_eq!(Message::parse(&wire).unwrap(), (VECTORS[0].message)());
}

#[test]
fn bad_version_and_length_are_typed_errors() {
    let mut wire = hex(VECTORS[0].wire);
    wire[1] = 0x11;
    let e = Message::parse(&wire).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Unsupported("PTP version"), 1));
    let mut wire = hex(VECTORS[0].wire);
    wire[3] = 40; // below header + Sync body
    let e = Message::parse(&wire).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("messageLength"), 2));
}

#[test]
fn seconds_beyond_48_bits_are_an_encode_error() {
    let mut m = (VECTORS[0].message)();
    m.body = Body::Sync {
        origin_timestamp: Timestamp {
            seconds: 1 << 48,
            nanoseconds: 0,
        },
    };
    let e = m.emit(&mut Vec::new()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::FieldOverflow { bits: 48, .. }));
}

// Annex E: Ethernet, with a VLAN tag; Annex C: UDP to port 319.
#[test]
fn framing_finds_ptp_over_ethernet_and_udp() {
    let msg = hex(VECTORS[0].wire);
    let mut eth = hex("011b19000000 001122334455 8100 6005 88f7");
    let at = eth.len();
    eth.extend_from_slice(&msg);
    let (p, off) = ptp_payload(&eth).unwrap();
    assert_eq!((p, off), (&msg[..], at));

    let mut udp = hex("01005e000181 001122334455 0800");
    let ip_at = udp.len();
    let total = 20 + 8 + msg.len();
    udp.extend_from_slice(&hex("4500"));
    udp.extend_from_slice(&(total as u16).to_be_bytes());
    udp.extend_from_slice(&hex("0000 4000 0111 0000 c0a80001 e0000181"));
    udp.extend_from_slice(&hex("013f 013f"));
    udp.extend_from_slice(&((8 + msg.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&hex("0000"));
    udp.extend_from_slice(&msg);
    let (p, off) = ptp_payload(&udp).unwrap();
    assert_eq!((p, off), (&msg[..], ip_at + 28));

    // Another port, another ethertype: not PTP.
    let n = udp.len();
    udp[ip_at + 20..ip_at + 24].copy_from_slice(&hex("1000 1000"));
    assert!(ptp_payload(&udp[..n]).is_none());
    eth[at - 2..at].copy_from_slice(&hex("aefe"));
    assert!(ptp_payload(&eth).is_none());
}

fn any_timestamp() -> impl Strategy<Value = Timestamp> {
    (0u64..1 << 48, any::<u32>()).prop_map(|(seconds, nanoseconds)| Timestamp { seconds, nanoseconds })
}

fn any_port() -> impl Strategy<Value = PortIdentity> {
    (any::<[u8; 8]>(), any::<u16>()).prop_map(|(clock_identity, port_number)| PortIdentity {
        clock_identity,
        port_number,
    })
}

fn any_message() -> impl Strategy<Value = Message<'static>> {
    let body = prop_oneof![
        any_timestamp().prop_map(|t| Body::Sync { origin_timestamp: t }),
        any_timestamp().prop_map(|t| Body::DelayReq { origin_timestamp: t }),
        (any_timestamp(), any::<[u8; 10]>()).prop_map(|(t, r)| Body::PdelayReq {
            origin_timestamp: t,
            reserved: r
        }),
        any_timestamp().prop_map(|t| Body::FollowUp {
            precise_origin_timestamp: t
        }),
        (any_timestamp(), any_port()).prop_map(|(t, p)| Body::DelayResp {
            receive_timestamp: t,
            requesting_port: p
        }),
        (any_timestamp(), any_port()).prop_map(|(t, p)| Body::PdelayResp {
            request_receipt_timestamp: t,
            requesting_port: p
        }),
        (any_timestamp(), any_port()).prop_map(|(t, p)| Body::PdelayRespFollowUp {
            response_origin_timestamp: t,
            requesting_port: p
        }),
        (
            any_timestamp(),
            any::<i16>(),
            any::<[u8; 8]>(),
            any::<(u8, u8, u8, u16, u8, u16, u8)>()
        )
            .prop_map(
                |(t, off, gm, (p1, class, acc, var, p2, steps, src))| Body::Announce(Announce {
                    origin_timestamp: t,
                    current_utc_offset: off,
                    reserved: 0,
                    grandmaster_priority1: p1,
                    clock_class: class,
                    clock_accuracy: acc,
                    offset_scaled_log_variance: var,
                    grandmaster_priority2: p2,
                    grandmaster_identity: gm,
                    steps_removed: steps,
                    time_source: src,
                })
            ),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| Body::Raw(Box::leak(b.into_boxed_slice())))
    ];
    (
        body,
        any::<(u8, u8, u8, u8, u16)>(),
        any::<(i64, u32, u16, u8, i8)>(),
        any_port(),
        prop_oneof![Just(MessageType::Signaling), Just(MessageType::Management)],
    )
        .prop_map(
            |(body, (sdo, minor, domain, minor_sdo, flags), (corr, spec, seq, control, log), port, raw_type)| {
                let message_type = match body {
                    Body::Sync { .. } => MessageType::Sync,
                    Body::DelayReq { .. } => MessageType::DelayReq,
                    Body::PdelayReq { .. } => MessageType::PdelayReq,
                    Body::PdelayResp { .. } => MessageType::PdelayResp,
                    Body::FollowUp { .. } => MessageType::FollowUp,
                    Body::DelayResp { .. } => MessageType::DelayResp,
                    Body::PdelayRespFollowUp { .. } => MessageType::PdelayRespFollowUp,
                    Body::Announce(_) => MessageType::Announce,
                    Body::Raw(_) => raw_type,
                };
                let mut m = Message {
                    header: Header {
                        major_sdo_id: sdo & 0xF,
                        message_type,
                        minor_version: minor & 0xF,
                        version: 2,
                        message_length: 0,
                        domain,
                        minor_sdo_id: minor_sdo,
                        flags,
                        correction: corr,
                        message_type_specific: spec,
                        source_port: port,
                        sequence_id: seq,
                        control,
                        log_message_interval: log,
                    },
                    body,
                };
                m.header.message_length = m.wire_len() as u16;
                m
            },
        )
}

proptest! {
    #[test]
    fn random_messages_round_trip(m in any_message()) {
        let mut out = Vec::new();
        m.emit(&mut out).unwrap();
        prop_assert_eq!(out.len(), m.wire_len());
        prop_assert_eq!(Message::parse(&out).unwrap(), m);
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = Message::parse(&b);
        let _ = ptp_payload(&b);
    }
}

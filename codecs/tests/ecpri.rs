//! eCPRI transport conformance: common header, message payloads, PDU
//! concatenation, and the eAxC ID split. Tests are named after the eCPRI 2.0
//! field table (or the O-RAN CUS field) whose field table they check.

mod common;

use codecs::ErrorKind;
use codecs::eaxc::{Eaxc, EaxcSplit};
use codecs::ecpri::*;
use common::hex;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Spec-derived vectors: every entry drives both a decode and an encode test.
// ---------------------------------------------------------------------------

struct Vector {
    clause: &'static str,
    /// The PDU, with `|` between fields.
    wire: &'static str,
    /// Bytes at the end of `wire` after the last message (not emitted).
    trailing: usize,
    messages: fn() -> Vec<Message<'static>>,
}

fn hdr(c: bool, t: MessageType, size: u16) -> CommonHeader {
    CommonHeader {
        revision: 1,
        reserved: 0,
        concatenated: c,
        message_type: t,
        payload_size: size,
    }
}

const VECTORS: &[Vector] = &[
    Vector {
        // common header: revision(4)=1 reserved(3)=0 C(1)=0 | messageType=0 | payloadSize=8
        // IQ data: ecpriPcid(16)=0x1234 | ecpriSeqid = sequenceId(8)=42 E(1)=1 subSeq(7)=0
        clause: "eCPRI message type 0, IQ data",
        wire: "10 00 0008 | 1234 | 2a 80 | 90 00 00 02",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::IqData, 8),
                payload: Payload::IqData {
                    pc_id: 0x1234,
                    seq_id: SeqId {
                        sequence_id: 42,
                        e_bit: true,
                        sub_sequence_id: 0,
                    },
                    data: &[0x90, 0x00, 0x00, 0x02],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // real-time control: ecpriRtcid(16)=1 | sequenceId=255 E=0 subSequenceId=5 | 2 bytes data
        clause: "eCPRI message type 2, real-time control data",
        wire: "10 02 0006 | 0001 | ff 05 | aa bb",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::RealTimeControl, 6),
                payload: Payload::RealTimeControl {
                    rtc_id: 1,
                    seq_id: SeqId {
                        sequence_id: 255,
                        e_bit: false,
                        sub_sequence_id: 5,
                    },
                    data: &[0xaa, 0xbb],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // one-way delay: measurementId(8)=7 | actionType(8)=0 request |
        // timestamp = seconds(48)=1 nanoseconds(32)=999999999 | compensation(64) = 1 ns * 2^16
        clause: "eCPRI message type 5, one-way delay measurement",
        wire: "10 05 0014 | 07 | 00 | 000000000001 3b9ac9ff | 0000000000010000",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::OneWayDelayMeasurement, 20),
                payload: Payload::OneWayDelay(DelayMeasurement {
                    measurement_id: 7,
                    action_type: DelayAction::Request,
                    timestamp_s: 1,
                    timestamp_ns: 999_999_999,
                    compensation: 1 << 16,
                }),
                offset: 0,
            }]
        },
    },
    Vector {
        // one-way delay: actionType 2 = response; a negative compensation (-1 ns);
        // 4 dummy bytes after the 20 (payloadSize 24)
        clause: "eCPRI message type 5, one-way delay measurement with dummy bytes",
        wire: "10 05 0018 | ff | 02 | ffffffffffff 00000000 | ffffffffffff0000 | 00000000",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::OneWayDelayMeasurement, 24),
                payload: Payload::OneWayDelay(DelayMeasurement {
                    measurement_id: 0xff,
                    action_type: DelayAction::Response,
                    timestamp_s: 0xffff_ffff_ffff,
                    timestamp_ns: 0,
                    compensation: -(1 << 16),
                }),
                offset: 0,
            }]
        },
    },
    Vector {
        // common header: revision=2, reserved=0b111 kept (lenient), messageType 200
        // = vendor specific (64-255), raw payload
        clause: "eCPRI common header: reserved bits and vendor-specific type",
        wire: "2e c8 0003 | 01 02 03",
        trailing: 0,
        messages: || {
            vec![Message {
                header: CommonHeader {
                    revision: 2,
                    reserved: 7,
                    concatenated: false,
                    message_type: MessageType::VendorSpecific(200),
                    payload_size: 3,
                },
                payload: Payload::Other(&[1, 2, 3]),
                offset: 0,
            }]
        },
    },
    Vector {
        // common header, concatenation: C=1 on the first message (payload 5 bytes,
        // ends at byte 9), 3 padding bytes to the 4-byte boundary, second
        // message at byte 12 with C=0. Wireshark 4.0 agrees.
        clause: "eCPRI common header: concatenated messages with padding",
        wire: "11 02 0005 | 0000 | 09 80 | aa | 000000 | 10 00 0006 | 0000 | 01 80 | 01 02",
        trailing: 0,
        messages: || {
            vec![
                Message {
                    header: hdr(true, MessageType::RealTimeControl, 5),
                    payload: Payload::RealTimeControl {
                        rtc_id: 0,
                        seq_id: SeqId {
                            sequence_id: 9,
                            e_bit: true,
                            sub_sequence_id: 0,
                        },
                        data: &[0xaa],
                    },
                    offset: 0,
                },
                Message {
                    header: hdr(false, MessageType::IqData, 6),
                    payload: Payload::IqData {
                        pc_id: 0,
                        seq_id: SeqId {
                            sequence_id: 1,
                            e_bit: true,
                            sub_sequence_id: 0,
                        },
                        data: &[1, 2],
                    },
                    offset: 12,
                },
            ]
        },
    },
    Vector {
        // common header, concatenation with no padding needed (first message ends
        // on a 4-byte boundary); messageType 6 remote reset, 12 reserved, 64 vendor
        clause: "eCPRI common header: concatenated messages, aligned",
        wire: "11 06 0004 | 0001 01 00 | 11 0c 0000 | 10 40 0001 | 05",
        trailing: 0,
        messages: || {
            vec![
                Message {
                    header: hdr(true, MessageType::RemoteReset, 4),
                    payload: Payload::RemoteReset {
                        reset_id: 1,
                        reset_code: 1,
                        vendor: &[0],
                    },
                    offset: 0,
                },
                Message {
                    header: hdr(true, MessageType::Reserved(12), 0),
                    payload: Payload::Other(&[]),
                    offset: 8,
                },
                Message {
                    header: hdr(false, MessageType::VendorSpecific(64), 1),
                    payload: Payload::Other(&[5]),
                    offset: 12,
                },
            ]
        },
    },
    Vector {
        // A 64-byte Ethernet frame's eCPRI part: bytes after the last message
        // (padding, FCS) are allowed and counted.
        clause: "eCPRI common header: trailing bytes after the last message",
        wire: "10 02 0004 | 0000 | 00 80 | 00000000 00000000 00000000",
        trailing: 12,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::RealTimeControl, 4),
                payload: Payload::RealTimeControl {
                    rtc_id: 0,
                    seq_id: SeqId {
                        sequence_id: 0,
                        e_bit: true,
                        sub_sequence_id: 0,
                    },
                    data: &[],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // eCPRI 2.0 §3.2.4.2 bit sequence: PC_ID(16) SEQ_ID(16) then the bits
        clause: "eCPRI §3.2.4.2 bit sequence",
        wire: "10 01 0006 | 0102 | 0380 | aa bb",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::BitSequence, 6),
                payload: Payload::BitSequence {
                    pc_id: 0x0102,
                    seq_id: SeqId {
                        sequence_id: 3,
                        e_bit: true,
                        sub_sequence_id: 0,
                    },
                    data: &[0xaa, 0xbb],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // eCPRI 2.0 §3.2.4.4 generic data transfer: PC_ID(32) SEQ_ID(32) data
        clause: "eCPRI §3.2.4.4 generic data transfer",
        wire: "10 03 0009 | 01020304 | 00000010 | ff",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::GenericDataTransfer, 9),
                payload: Payload::GenericData {
                    pc_id: 0x0102_0304,
                    seq_id: 16,
                    data: &[0xff],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // eCPRI 2.0 §3.2.4.5 remote memory access: ID(8) R/W(4) Req/Resp(4)
        // ElementID(16) Address(48) Length(16) Data — a write request of 2 bytes
        clause: "eCPRI §3.2.4.5 remote memory access",
        wire: "10 04 000e | 07 | 10 | 0042 | 0000 dead beef | 0002 | 12 34",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::RemoteMemoryAccess, 14),
                payload: Payload::RemoteMemoryAccess(RemoteMemoryAccess {
                    id: 7,
                    read_write: 1,
                    req_resp: 0,
                    element_id: 0x42,
                    address: 0xdead_beef,
                    length: 2,
                    data: &[0x12, 0x34],
                }),
                offset: 0,
            }]
        },
    },
    Vector {
        // eCPRI 2.0 §3.2.4.7 remote reset: ResetID(16) ResetCodeOp(8) vendor bytes
        clause: "eCPRI §3.2.4.7 remote reset",
        wire: "10 06 0003 | 0009 | 02",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::RemoteReset, 3),
                payload: Payload::RemoteReset {
                    reset_id: 9,
                    reset_code: 2,
                    vendor: &[],
                },
                offset: 0,
            }]
        },
    },
    Vector {
        // eCPRI 2.0 §3.2.4.8 event indication: EventID EventType SeqNum NumberOf
        // then elements ElementID(16) Raise/Cease(4) Fault(12) AdditionalInfo(32)
        clause: "eCPRI §3.2.4.8 event indication",
        wire: "10 07 0014 | 01 02 05 02 | 0003 1401 00000000 | ffff 0402 0000002a",
        trailing: 0,
        messages: || {
            vec![Message {
                header: hdr(false, MessageType::EventIndication, 20),
                payload: Payload::EventIndication(EventIndication {
                    event_id: 1,
                    // 2: notifications (0x400-0xFFF are notification codes)
                    event_type: 2,
                    sequence_number: 5,
                    number: 2,
                    elements: &[
                        0x00, 0x03, 0x14, 0x01, 0, 0, 0, 0, 0xff, 0xff, 0x04, 0x02, 0, 0, 0, 0x2a,
                    ],
                }),
                offset: 0,
            }]
        },
    },
];

#[test]
fn ecpri_vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let pdu = parse_pdu_with_trailer(&wire).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(pdu.messages, (v.messages)(), "{}", v.clause);
        assert_eq!(pdu.trailing, v.trailing, "{}", v.clause);
        assert_eq!(parse_pdu(&wire).unwrap(), (v.messages)(), "{}", v.clause);
    }
}

#[test]
fn ecpri_vectors_encode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let mut out = Vec::new();
        emit_pdu(&(v.messages)(), &mut out).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(out, wire[..wire.len() - v.trailing], "{}", v.clause);
    }
}

#[test]
fn ecpri_vectors_every_prefix_is_an_error() {
    // Every message says how long it is (payloadSize) and C says whether
    // another follows, so no strict prefix of a PDU is a valid PDU.
    for v in VECTORS {
        let wire = hex(v.wire);
        let end = wire.len() - v.trailing;
        for n in 0..end {
            assert!(
                parse_pdu(&wire[..n]).is_err(),
                "{}: prefix of {n} bytes decoded",
                v.clause
            );
        }
    }
}

// ---------------------------------------------------------------------------
// common header
// ---------------------------------------------------------------------------

#[test]
fn ecpri_common_header_every_byte_0_value() {
    // byte 0 = revision(4) | reserved(3) | C(1): every value decodes and re-encodes.
    for b0 in 0..=255u8 {
        let wire = [b0, 0x02, 0x01, 0x00];
        let h = CommonHeader::parse(&wire).unwrap();
        assert_eq!(h.revision, b0 >> 4);
        assert_eq!(h.reserved, (b0 >> 1) & 7);
        assert_eq!(h.concatenated, b0 & 1 == 1);
        assert_eq!(h.message_type, MessageType::RealTimeControl);
        assert_eq!(h.payload_size, 0x0100);
        let mut out = Vec::new();
        h.emit(&mut out);
        assert_eq!(out, wire);
    }
}

#[test]
fn ecpri_message_type_table() {
    // | 0 IQ data | 1 bit sequence | 2 real-time control | 3 generic data transfer |
    // | 4 remote memory access | 5 one-way delay | 6 remote reset | 7 event indication |
    // | 8-11 IWF start-up, operation, mapping, delay control | 12-63 reserved | 64-255 vendor |
    use MessageType::*;
    let named = [
        IqData,
        BitSequence,
        RealTimeControl,
        GenericDataTransfer,
        RemoteMemoryAccess,
        OneWayDelayMeasurement,
        RemoteReset,
        EventIndication,
        IwfStartUp,
        IwfOperation,
        IwfMapping,
        IwfDelayControl,
    ];
    for v in 0..=255u8 {
        let t = MessageType::from(v);
        match v {
            0..=11 => assert_eq!(t, named[v as usize]),
            12..=63 => assert_eq!(t, Reserved(v)),
            _ => assert_eq!(t, VendorSpecific(v)),
        }
        assert_eq!(u8::from(t), v);
    }
}

#[test]
fn ecpri_common_header_short_header_is_truncated() {
    for n in 0..4 {
        let e = CommonHeader::parse(&[0x10, 0, 0, 0][..n]).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 4,
                available: n
            }
        );
        assert_eq!(e.offset, 0);
    }
}

#[test]
fn ecpri_common_header_payload_size_beyond_pdu_is_bad_length_at_the_field() {
    // second message (at byte 8) claims 16 bytes, 2 are there
    let wire = hex("11 40 0004 | 00000000 | 10 40 0010 | 0102");
    let e = parse_pdu(&wire).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadLength { claimed: 16, actual: 2 });
    assert_eq!(e.offset, 10);
}

#[test]
fn ecpri_common_header_c_bit_with_nothing_after_is_truncated() {
    let wire = hex("11 40 0001 | 01 | 000000");
    let e = parse_pdu(&wire).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    assert_eq!(e.offset, 8);
    // padding itself cut short
    let e = parse_pdu(&wire[..6]).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    assert_eq!(e.offset, 5);
}

#[test]
fn ecpri_type0_iq_payload_shorter_than_pcid_seqid_is_an_error() {
    // payloadSize 2 cannot hold ecpriPcid(16) + ecpriSeqid(16)
    let e = parse_pdu(&hex("10 00 0002 | 0000")).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 4,
            available: 2
        }
    );
    assert_eq!(e.offset, 4);
    assert_eq!(e.context, "eCPRI IQ data payload");
    let e = parse_pdu(&hex("10 02 0003 | 000000")).unwrap_err();
    assert_eq!(e.context, "eCPRI real-time control payload");
}

#[test]
fn ecpri_type5_delay_payload_shorter_than_20_is_an_error() {
    let e = parse_pdu(&hex("10 05 0008 | 0000000000000000")).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 20,
            available: 8
        }
    );
    assert_eq!(e.offset, 4);
}

#[test]
fn ecpri_type5_action_type_table() {
    // 0x00 request, 0x01 request w/ follow-up, 0x02 response, 0x03 remote
    // request, 0x04 remote request w/ follow-up, 0x05 follow-up, 0x06-0xFF reserved
    use DelayAction::*;
    let named = [
        Request,
        RequestWithFollowUp,
        Response,
        RemoteRequest,
        RemoteRequestWithFollowUp,
        FollowUp,
    ];
    for v in 0..=255u8 {
        let a = DelayAction::from(v);
        if v < 6 {
            assert_eq!(a, named[v as usize]);
        } else {
            assert_eq!(a, Reserved(v));
        }
        assert_eq!(u8::from(a), v);
    }
}

#[test]
fn ecpri_seq_id_every_value() {
    // ecpriSeqid = sequenceId(8) | E(1) | subSequenceId(7)
    for v in 0..=u16::MAX {
        let s = SeqId::from_u16(v);
        assert_eq!(s.sequence_id, (v >> 8) as u8);
        assert_eq!(s.e_bit, v & 0x80 != 0);
        assert_eq!(s.sub_sequence_id, (v & 0x7f) as u8);
        assert_eq!(s.to_u16(), v);
    }
}

#[test]
fn emit_rejects_fields_wider_than_the_wire() {
    let base = VECTORS[0].messages;
    let mut m = base()[0];
    m.header.revision = 16;
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 4, value: 16 }
    ));
    let mut m = base()[0];
    m.header.reserved = 8;
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 3, value: 8 }
    ));
    let mut m = base()[0];
    m.payload = Payload::IqData {
        pc_id: 0,
        seq_id: SeqId {
            sequence_id: 0,
            e_bit: true,
            sub_sequence_id: 128,
        },
        data: &[],
    };
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 7, value: 128 }
    ));
    let big = vec![0u8; 65532];
    m.payload = Payload::IqData {
        pc_id: 0,
        seq_id: SeqId::from_u16(0x80),
        data: &big,
    };
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 16, value: 65536 }
    ));
    let dm = DelayMeasurement {
        measurement_id: 0,
        action_type: DelayAction::Request,
        timestamp_s: 1 << 48,
        timestamp_ns: 0,
        compensation: 0,
    };
    assert!(matches!(
        dm.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 48, .. }
    ));
}

#[test]
fn emit_pdu_sets_c_bits_and_padding_whatever_the_headers_say() {
    let mut msgs = VECTORS[5].messages;
    let mut v = msgs();
    v[0].header.concatenated = false;
    v[1].header.concatenated = true;
    let mut out = Vec::new();
    emit_pdu(&v, &mut out).unwrap();
    assert_eq!(out, hex(VECTORS[5].wire));
    msgs = VECTORS[0].messages;
    // a lone message: C = 0
    let mut one = msgs();
    one[0].header.concatenated = true;
    out.clear();
    emit_pdu(&one, &mut out).unwrap();
    assert_eq!(out[0], 0x10);
}

#[test]
fn real_capture_ecpri_header() {
    // fh_1x1.pcap frame 1: C-plane, 20-byte payload, padded to 64 bytes on the wire.
    let frame = hex(common::capture::CAPTURE_FRAME_1_CPLANE);
    let pdu = parse_pdu_with_trailer(&frame[18..]).unwrap();
    assert_eq!(pdu.trailing, 64 - 18 - 24);
    assert_eq!(pdu.messages.len(), 1);
    let m = pdu.messages[0];
    assert_eq!(m.header, hdr(false, MessageType::RealTimeControl, 20));
    let Payload::RealTimeControl { rtc_id, seq_id, data } = m.payload else {
        panic!("{m:?}")
    };
    assert_eq!(rtc_id, 0);
    assert_eq!(
        seq_id,
        SeqId {
            sequence_id: 9,
            e_bit: true,
            sub_sequence_id: 0
        }
    );
    assert_eq!(data.len(), 16);
}

#[test]
fn shared_malformed_capture_never_panics() {
    // Synthetic capture whose eCPRI headers are all non-conformant: each frame
    // must decode to an error or to a header a suite would flag (revision
    // not 1, reserved type), and nothing may panic.
    let Some(file) = common::shared_file("captures/malformed_ecpri_synthetic.pcap") else {
        return;
    };
    let cfg = codecs::framing::FramingConfig::default();
    for (i, f) in common::pcap_frames(&file).into_iter().enumerate() {
        let Ok(frame) = codecs::framing::parse_frame(f, &cfg) else {
            continue;
        };
        if let Ok(msgs) = parse_pdu(frame.ecpri) {
            assert!(
                msgs.iter()
                    .any(|m| m.header.revision != 1 || matches!(m.header.message_type, MessageType::Reserved(_))),
                "frame {} decoded as conformant: {msgs:?}",
                i + 1
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

fn delay_strategy() -> impl Strategy<Value = DelayMeasurement> {
    (any::<u8>(), any::<u8>(), 0..(1u64 << 48), any::<u32>(), any::<i64>()).prop_map(|(id, a, s, ns, c)| {
        DelayMeasurement {
            measurement_id: id,
            action_type: a.into(),
            timestamp_s: s,
            timestamp_ns: ns,
            compensation: c,
        }
    })
}

/// An owned description of one message, turned into a borrowed [`Message`].
#[derive(Debug, Clone)]
enum MsgSpec {
    Iq(u16, u16, Vec<u8>),
    Rtc(u16, u16, Vec<u8>),
    Delay(DelayMeasurement, u16),
    BitSeq(u16, u16, Vec<u8>),
    Generic(u32, u32, Vec<u8>),
    /// id, read/write, req/resp, element, address, length, data
    Rma(u8, u8, u8, u16, u64, u16, Vec<u8>),
    Reset(u16, u8, Vec<u8>),
    /// id, type, sequence, number, elements
    Event([u8; 4], Vec<u8>),
    Other(u8, Vec<u8>),
}

fn msg_spec() -> impl Strategy<Value = (u8, u8, MsgSpec)> {
    let data = || proptest::collection::vec(any::<u8>(), 0..40);
    let spec = prop_oneof![
        (any::<u16>(), any::<u16>(), data()).prop_map(|(a, b, d)| MsgSpec::Iq(a, b, d)),
        (any::<u16>(), any::<u16>(), data()).prop_map(|(a, b, d)| MsgSpec::Rtc(a, b, d)),
        (delay_strategy(), 0u16..8).prop_map(|(d, n)| MsgSpec::Delay(d, n)),
        (any::<u16>(), any::<u16>(), data()).prop_map(|(a, b, d)| MsgSpec::BitSeq(a, b, d)),
        (any::<u32>(), any::<u32>(), data()).prop_map(|(a, b, d)| MsgSpec::Generic(a, b, d)),
        (
            any::<u8>(),
            0u8..16,
            0u8..16,
            any::<u16>(),
            0u64..1 << 48,
            any::<u16>(),
            data()
        )
            .prop_map(|(i, rw, rr, e, a, l, d)| MsgSpec::Rma(i, rw, rr, e, a, l, d)),
        (any::<u16>(), any::<u8>(), data()).prop_map(|(a, b, d)| MsgSpec::Reset(a, b, d)),
        (
            any::<[u8; 4]>(),
            proptest::collection::vec(any::<u8>(), 0..5).prop_map(|v| v.repeat(8))
        )
            .prop_map(|(h, e)| MsgSpec::Event(h, e)),
        (any::<u8>().prop_filter("typed", |t| *t > 7), data()).prop_map(|(t, d)| MsgSpec::Other(t, d)),
    ];
    (0u8..16, 0u8..8, spec)
}

fn build(specs: &[(u8, u8, MsgSpec)]) -> Vec<Message<'_>> {
    specs
        .iter()
        .map(|(rev, res, s)| {
            let (t, payload, size) = match s {
                MsgSpec::Iq(id, q, d) => (
                    MessageType::IqData,
                    Payload::IqData {
                        pc_id: *id,
                        seq_id: SeqId::from_u16(*q),
                        data: d,
                    },
                    4 + d.len(),
                ),
                MsgSpec::Rtc(id, q, d) => (
                    MessageType::RealTimeControl,
                    Payload::RealTimeControl {
                        rtc_id: *id,
                        seq_id: SeqId::from_u16(*q),
                        data: d,
                    },
                    4 + d.len(),
                ),
                MsgSpec::Delay(dm, dummy) => (
                    MessageType::OneWayDelayMeasurement,
                    Payload::OneWayDelay(*dm),
                    20 + usize::from(*dummy),
                ),
                MsgSpec::BitSeq(id, q, d) => (
                    MessageType::BitSequence,
                    Payload::BitSequence {
                        pc_id: *id,
                        seq_id: SeqId::from_u16(*q),
                        data: d,
                    },
                    4 + d.len(),
                ),
                MsgSpec::Generic(id, q, d) => (
                    MessageType::GenericDataTransfer,
                    Payload::GenericData {
                        pc_id: *id,
                        seq_id: *q,
                        data: d,
                    },
                    8 + d.len(),
                ),
                MsgSpec::Rma(id, rw, rr, e, a, l, d) => (
                    MessageType::RemoteMemoryAccess,
                    Payload::RemoteMemoryAccess(RemoteMemoryAccess {
                        id: *id,
                        read_write: *rw,
                        req_resp: *rr,
                        element_id: *e,
                        address: *a,
                        length: *l,
                        data: d,
                    }),
                    12 + d.len(),
                ),
                MsgSpec::Reset(id, code, d) => (
                    MessageType::RemoteReset,
                    Payload::RemoteReset {
                        reset_id: *id,
                        reset_code: *code,
                        vendor: d,
                    },
                    3 + d.len(),
                ),
                MsgSpec::Event(h, e) => (
                    MessageType::EventIndication,
                    Payload::EventIndication(EventIndication {
                        event_id: h[0],
                        event_type: h[1],
                        sequence_number: h[2],
                        number: h[3],
                        elements: e,
                    }),
                    4 + e.len(),
                ),
                MsgSpec::Other(t, d) => (MessageType::from(*t), Payload::Other(d), d.len()),
            };
            let header = CommonHeader {
                revision: *rev,
                reserved: *res,
                concatenated: false,
                message_type: t,
                payload_size: size as u16,
            };
            Message {
                header,
                payload,
                offset: 0,
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn roundtrip_common_header(b in any::<[u8; 4]>()) {
        let h = CommonHeader::parse(&b).unwrap();
        let mut out = Vec::new();
        h.emit(&mut out);
        prop_assert_eq!(&out[..], &b[..]);
        prop_assert_eq!(CommonHeader::parse(&out).unwrap(), h);
    }

    #[test]
    fn roundtrip_delay_measurement(dm in delay_strategy()) {
        let mut out = Vec::new();
        dm.emit(&mut out).unwrap();
        prop_assert_eq!(out.len(), 20);
        prop_assert_eq!(DelayMeasurement::parse(&out).unwrap(), dm);
    }

    #[test]
    fn roundtrip_concatenated_pdu(specs in proptest::collection::vec(msg_spec(), 1..5), trailer in 0usize..30) {
        let mut msgs = build(&specs);
        let mut out = Vec::new();
        emit_pdu(&msgs, &mut out).unwrap();
        let len = out.len();
        // expected: C on all but the last, offsets on 4-byte boundaries
        let mut at = 0;
        let n = msgs.len();
        for (i, m) in msgs.iter_mut().enumerate() {
            m.header.concatenated = i + 1 < n;
            m.offset = at;
            at = (at + 4 + usize::from(m.header.payload_size)).next_multiple_of(4);
        }
        out.resize(len + trailer, 0xee);
        let pdu = parse_pdu_with_trailer(&out).unwrap();
        prop_assert_eq!(&pdu.messages, &msgs);
        prop_assert_eq!(pdu.trailing, trailer);
        // and re-emitting the decode gives the same bytes
        let mut again = Vec::new();
        emit_pdu(&pdu.messages, &mut again).unwrap();
        prop_assert_eq!(&again[..], &out[..len]);
        for k in 0..len {
            prop_assert!(parse_pdu(&out[..k]).is_err(), "prefix {} decoded", k);
        }
    }

    #[test]
    fn parse_pdu_never_panics(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse_pdu_with_trailer(&b);
    }
}

// ---------------------------------------------------------------------------
// O-RAN CUS eAxC ID (ecpriPcid / ecpriRtcid): DU_port | BandSector | CC | RU_port, widths from the M-plane
// ---------------------------------------------------------------------------

#[test]
// Literals are grouped by eAxC part, not by nibble.
#[allow(clippy::unusual_byte_groupings)]
fn eaxc_split_vectors() {
    // (split, id, du, bs, cc, ru)
    let table: &[(&str, u16, [u16; 4])] = &[
        ("4,4,4,4", 0x1234, [1, 2, 3, 4]),
        ("4/4/4/4", 0xffff, [15, 15, 15, 15]),
        // 2/6/4/4 as Wireshark's default: 10|000011|0101|0110
        ("2/6/4/4", 0b10_000011_0101_0110, [2, 3, 5, 6]),
        (" 0 , 8 , 4 , 4 ", 0xab_c_d, [0, 0xab, 0xc, 0xd]),
        ("16,0,0,0", 0xbeef, [0xbeef, 0, 0, 0]),
        ("0/0/0/16", 0xbeef, [0, 0, 0, 0xbeef]),
    ];
    for &(s, id, [du_port, band_sector, cc, ru_port]) in table {
        let split: EaxcSplit = s.parse().unwrap();
        let e = Eaxc {
            du_port,
            band_sector,
            cc,
            ru_port,
        };
        assert_eq!(split.unpack(id), e, "{s}");
        assert_eq!(split.pack(e).unwrap(), id, "{s}");
    }
    assert_eq!("4,4,4,4".parse::<EaxcSplit>().unwrap(), EaxcSplit::COMMON_4444);
    assert_eq!(EaxcSplit::new(2, 6, 4, 4).unwrap().to_string(), "2/6/4/4");
    assert_eq!(
        Eaxc {
            du_port: 1,
            band_sector: 2,
            cc: 3,
            ru_port: 4
        }
        .to_string(),
        "1:2:3:4"
    );
}

#[test]
fn eaxc_split_must_sum_to_16() {
    for bad in ["4,4,4", "4,4,4,5", "4,4,4,4,0", "a,b,c,d", "", "4;4;4;4", "255,255,2,2"] {
        let e = bad.parse::<EaxcSplit>().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid("eAxC split"), "{bad}");
    }
    assert!(EaxcSplit::new(4, 4, 4, 3).is_err());
    assert!(EaxcSplit::new(8, 8, 0, 0).is_ok());
}

#[test]
fn eaxc_pack_overflow() {
    let s = EaxcSplit::new(2, 6, 4, 4).unwrap();
    let e = s
        .pack(Eaxc {
            du_port: 4,
            band_sector: 0,
            cc: 0,
            ru_port: 0,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 2, value: 4 });
    let e = s
        .pack(Eaxc {
            du_port: 0,
            band_sector: 64,
            cc: 0,
            ru_port: 0,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 6, value: 64 });
}

fn split_strategy() -> impl Strategy<Value = EaxcSplit> {
    (0u8..=16, 0u8..=16, 0u8..=16).prop_map(|(a, b, c)| {
        let mut cuts = [a, b, c];
        cuts.sort();
        EaxcSplit::new(cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 16 - cuts[2]).unwrap()
    })
}

proptest! {
    #[test]
    fn roundtrip_eaxc(split in split_strategy(), id in any::<u16>()) {
        let e = split.unpack(id);
        prop_assert_eq!(split.pack(e).unwrap(), id);
        prop_assert_eq!(split.to_string().parse::<EaxcSplit>().unwrap(), split);
    }
}

#[test]
fn event_indication_elements_decode() {
    let wire = hex("10 07 0014 | 01 02 05 02 | 0003 1401 00000000 | ffff 0402 0000002a");
    let msgs = parse_pdu(&wire).unwrap();
    let Payload::EventIndication(e) = msgs[0].payload else {
        panic!()
    };
    let els: Vec<FaultNotification> = e.elements().collect();
    assert_eq!(
        els,
        [
            FaultNotification {
                element_id: 3,
                raise_cease: 1,
                fault: 0x401,
                additional: 0
            },
            FaultNotification {
                element_id: 0xffff,
                raise_cease: 0,
                fault: 0x402,
                additional: 42
            },
        ]
    );
    let mut out = Vec::new();
    for el in &els {
        el.emit(&mut out).unwrap();
    }
    assert_eq!(out, e.elements);
}

#[test]
fn typed_payloads_shorter_than_their_fixed_part_are_errors() {
    // Payload sizes one short of each type's fixed fields.
    for (t, fixed) in [(1u8, 4usize), (3, 8), (4, 12), (6, 3), (7, 4)] {
        let mut wire = vec![0x10, t, 0, (fixed - 1) as u8];
        wire.extend(std::iter::repeat_n(0u8, fixed - 1));
        let err = parse_pdu(&wire).unwrap_err();
        assert!(
            matches!(err.kind, codecs::ErrorKind::Truncated { .. }),
            "type {t}: {err}"
        );
        assert!(err.offset >= 4, "type {t}: offset {} inside the payload", err.offset);
    }
}

//! O-RAN CUS C-plane conformance (real-time control data, eCPRI message
//! type 2): section types 0, 1, 3 and 5, their type-specific headers,
//! sections, and the raw section extension chain. Section types 4 and 6-11
//! are in cplane_section_types.rs, typed extensions in
//! cplane_extensions.rs, beamforming-weight compression in cplane_bfw.rs.

mod common;

use codecs::ErrorKind;
use codecs::ecpri::{self, Payload};
use codecs::framing::{self, FramingConfig};
use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
use codecs::fronthaul::cplane::*;
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use common::hex;
use proptest::prelude::*;

const DL0: RadioAppHeader = RadioAppHeader {
    direction: Direction::Downlink,
    payload_version: 1,
    filter_index: 0,
    frame_id: 0,
    subframe_id: 0,
    slot_id: 0,
    symbol_id: 0,
};

const NONE16: UdCompHdr = UdCompHdr {
    iq_width: 16,
    method: CompMethod::None,
};
const BFP9: UdCompHdr = UdCompHdr {
    iq_width: 9,
    method: CompMethod::Bfp,
};

fn sec(
    section_id: u16,
    start_prb: u16,
    num_prb: u8,
    re_mask: u16,
    num_symbol: u8,
    beam_id: u16,
    offset: usize,
) -> CplaneSection<'static> {
    CplaneSection {
        section_id,
        rb: false,
        sym_inc: false,
        start_prb,
        num_prb,
        re_mask,
        num_symbol,
        ef: false,
        beam_id,
        freq_offset: None,
        st3_reserved: 0,
        extensions: vec![],
        offset,
    }
}

fn ext(ef: bool, ext_type: u8, len_words: u16, body: &'static [u8], offset: usize) -> Extension<'static> {
    Extension {
        ef,
        ext_type,
        len_words,
        body,
        offset,
    }
}

fn msg(
    header: RadioAppHeader,
    st: SectionType,
    type_header: TypeHeader,
    sections: Vec<CplaneSection<'static>>,
) -> CplaneMessage<'static> {
    CplaneMessage {
        header,
        num_sections: sections.len() as u8,
        section_type: st,
        body: CplaneBody::Sections { type_header, sections },
        trailing: 0,
    }
}

struct Vector {
    clause: &'static str,
    /// From the radio application header on, `|` between fields.
    wire: &'static str,
    msg: fn() -> CplaneMessage<'static>,
}

const VECTORS: &[Vector] = &[
    Vector {
        // ST1 header: udCompHdr(8)=0 reserved(8)=0
        // section: sectionId 0 rb 0 symInc 0 startPrbc 0 | numPrbc 106 |
        //          reMask 0xfff numSymbol 14 | ef 0 beamId 0
        clause: "ST1 (most channels), one section",
        wire: "90 00 0000 | 01 | 01 | 00 00 | 000000 | 6a | fffe | 0000",
        msg: || {
            msg(
                DL0,
                SectionType::MostChannels,
                TypeHeader::St1 {
                    ud_comp_hdr: NONE16,
                    reserved: 0,
                },
                vec![sec(0, 0, 106, 0xfff, 14, 0, 8)],
            )
        },
    },
    Vector {
        // UL frame 1 subframe 2 slot 3 startSymbol 4 -> 10 01 20c4
        // ST1 udCompHdr 0x91 = BFP 9-bit (the UL U-plane format), reserved 0x5a kept
        // section 1: ef 1 beamId 0x1234 -> 9234, then
        //   SE 6 (ef 1, extLen 2): repetition(1) rbgSize(3) rbgMask(28) | priority(2) symbolMask(14)
        //   SE 22 (ef 0, extLen 1): ackNackReqId(16) = 0x1234
        // section 2: sectionId 2 symInc 1 startPrbc 50 -> 002432 | numPrbc 56 |
        //   reMask 0xaaa numSymbol 2 | ef 0 beamId 0x7fff
        clause: "ST1, two sections, extension chain (SE 6 then SE 22)",
        wire: "10 01 20c4 | 02 | 01 | 91 5a | 001000 | 32 | fff2 | 9234 | 86 02 a00000ff 3fff | 16 01 1234 | 002432 | 38 | aaa2 | 7fff",
        msg: || {
            msg(
                RadioAppHeader {
                    direction: Direction::Uplink,
                    frame_id: 1,
                    subframe_id: 2,
                    slot_id: 3,
                    symbol_id: 4,
                    ..DL0
                },
                SectionType::MostChannels,
                TypeHeader::St1 {
                    ud_comp_hdr: BFP9,
                    reserved: 0x5a,
                },
                vec![
                    CplaneSection {
                        ef: true,
                        extensions: vec![
                            ext(true, 6, 2, &[0xa0, 0x00, 0x00, 0xff, 0x3f, 0xff], 16),
                            ext(false, 22, 1, &[0x12, 0x34], 24),
                        ],
                        ..sec(1, 0, 50, 0xfff, 2, 0x1234, 8)
                    },
                    CplaneSection {
                        sym_inc: true,
                        ..sec(2, 50, 56, 0xaaa, 2, 0x7fff, 28)
                    },
                ],
            )
        },
    },
    Vector {
        // SE 11 has a 16-bit extLen: ef 0 | extType 11 -> 0b, extLen 0x0002 (8 bytes
        // including the 3-byte header), body disableBFWs 1 RAD 0 | numBundPrb 16 |
        // one bundle (16 PRBs / 16): contInd 0 beamId 5 | one byte of padding
        clause: "ST1 with SE 11 (16-bit extLen)",
        wire: "90 00 0000 | 01 | 01 | 00 00 | 003000 | 10 | fffe | 8007 | 0b 0002 80 10 0005 00",
        msg: || {
            msg(
                DL0,
                SectionType::MostChannels,
                TypeHeader::St1 {
                    ud_comp_hdr: NONE16,
                    reserved: 0,
                },
                vec![CplaneSection {
                    ef: true,
                    extensions: vec![ext(false, 11, 2, &[0x80, 0x10, 0x00, 0x05, 0x00], 16)],
                    ..sec(3, 0, 16, 0xfff, 14, 7, 8)
                }],
            )
        },
    },
    Vector {
        // ST0 header: timeOffset(16)=0x0100 | frameStructure = fftSize 12 (4096) SCS 1 (30 kHz)
        // -> c1 | cpLength(16)=0x0120 | reserved(8)=0
        // section: sectionId 5 | numPrbc 0 (all) | reMask fff numSymbol 14 |
        //   ef 1 reserved(15) 0, SE 7 (eAxCmask 0xffff)
        clause: "ST0 (idle/guard) with SE 7",
        wire: "90 00 0000 | 01 | 00 | 0100 c1 0120 00 | 005000 | 00 | fffe | 8000 | 07 01 ffff",
        msg: || {
            msg(
                DL0,
                SectionType::Unused,
                TypeHeader::St0 {
                    time_offset: 0x100,
                    frame_structure: FrameStructure { fft_size: 12, scs: 1 },
                    cp_length: 0x120,
                    reserved: 0,
                },
                vec![CplaneSection {
                    ef: true,
                    extensions: vec![ext(false, 7, 1, &[0xff, 0xff], 20)],
                    ..sec(5, 0, 0, 0xfff, 14, 0, 12)
                }],
            )
        },
    },
    Vector {
        // ST3 header: timeOffset 0x1234 | frameStructure fftSize 12, SCS 12 (1.25 kHz) -> cc |
        // cpLength 0x0108 | udCompHdr 0x91
        // section 7: numPrbc 12 | reMask fff numSymbol 1 | ef 1 beamId 2 |
        //   freqOffset(24) = -792 -> fffce8 | reserved(8) 0 | SE 9 (technology 1 = NR)
        // section 8: freqOffset +1000 -> 0003e8 | reserved 0xab (kept)
        clause: "ST3 (PRACH): frameStructure, cpLength, signed freqOffset",
        wire: "10 00 0000 | 02 | 03 | 1234 cc 0108 91 | 007000 | 0c | fff1 | 8002 | fffce8 00 | 09 01 01 00 | 008000 | 0c | fff1 | 0002 | 0003e8 ab",
        msg: || {
            msg(
                RadioAppHeader {
                    direction: Direction::Uplink,
                    ..DL0
                },
                SectionType::PrachMixedNumerology,
                TypeHeader::St3 {
                    time_offset: 0x1234,
                    frame_structure: FrameStructure { fft_size: 12, scs: 12 },
                    cp_length: 0x108,
                    ud_comp_hdr: BFP9,
                },
                vec![
                    CplaneSection {
                        ef: true,
                        freq_offset: Some(-792),
                        extensions: vec![ext(false, 9, 1, &[0x01, 0x00], 24)],
                        ..sec(7, 0, 12, 0xfff, 1, 2, 12)
                    },
                    CplaneSection {
                        freq_offset: Some(1000),
                        st3_reserved: 0xab,
                        ..sec(8, 0, 12, 0xfff, 1, 2, 28)
                    },
                ],
            )
        },
    },
    Vector {
        // ST5 header: udCompHdr, reserved; the beamId position carries ueId(15),
        // 0x7fff = not scheduled; SE 10: beamGroupType 1 numPortc 1 | reserved
        clause: "ST5 (UE scheduling): ueId, SE 10",
        wire: "90 00 0000 | 01 | 05 | 00 00 | 009000 | 04 | 0ffe | ffff | 0a 01 41 00",
        msg: || {
            msg(
                DL0,
                SectionType::UeScheduling,
                TypeHeader::St5 {
                    ud_comp_hdr: NONE16,
                    reserved: 0,
                },
                vec![CplaneSection {
                    ef: true,
                    extensions: vec![ext(false, 10, 1, &[0x41, 0x00], 16)],
                    ..sec(9, 0, 4, 0x0ff, 14, 0x7fff, 8)
                }],
            )
        },
    },
    Vector {
        // ST6 without M-plane context: numberOfUEs 1, ciCompHdr 0 (16-bit, no
        // compression, per UE), the sections kept raw (their length needs the
        // antenna count); cplane_section_types.rs decodes them with context
        clause: "ST6 (channel information) sections raw without context",
        wire: "10 00 0000 | 01 | 06 | 01 00 | 8001 0000 000a 01",
        msg: || CplaneMessage {
            header: RadioAppHeader {
                direction: Direction::Uplink,
                ..DL0
            },
            num_sections: 1,
            section_type: SectionType::ChannelInformation,
            body: CplaneBody::St6(St6Body {
                num_ues: 1,
                ci_comp_hdr: CiCompHdr {
                    iq_width: 16,
                    method: CompMethod::None,
                    comp_opt: false,
                },
                sections: St6Sections::Raw(&[0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x01]),
            }),
            trailing: 0,
        },
    },
    Vector {
        // ST4: byte 4 is reserved(4) cmdScope(4) = 2 (O-RU), kept in
        // num_sections; byte 0's low bits are the SCS code 1 (kept in
        // filter_index); numberOfST4Cmds 1, reserved 0; command: type 2
        // (TDD_CONFIG_PATTERN) st4CmdLen 1 numSlots 0 ackNackReqId 0 reserved 0,
        // body dirPattern 0 guardPattern 0x3fff
        clause: "ST4 (slot configuration), one command",
        wire: "91 00 0000 | 02 | 04 | 01 00 | 02 0001 00 0000 0000 | 0000 3fff",
        msg: || CplaneMessage {
            header: RadioAppHeader { filter_index: 1, ..DL0 },
            num_sections: 2,
            section_type: SectionType::SlotConfiguration,
            body: CplaneBody::St4(St4Body {
                reserved: 0,
                commands: vec![St4Command {
                    cmd_type: 2,
                    len_words: 1,
                    num_slots: 0,
                    ack_nack_req_id: 0,
                    reserved: 0,
                    body: &[0, 0, 0x3f, 0xff],
                    offset: 8,
                }],
            }),
            trailing: 0,
        },
    },
    Vector {
        // reserved section type 2: every byte after sectionType raw
        clause: "reserved section type 2 kept raw",
        wire: "90 00 0000 | 01 | 02 | 0102 0304",
        msg: || CplaneMessage {
            header: DL0,
            num_sections: 1,
            section_type: SectionType::Reserved(2),
            body: CplaneBody::Unparsed(&[1, 2, 3, 4]),
            trailing: 0,
        },
    },
];

#[test]
fn cplane_vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let m = CplaneMessage::parse(&wire).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(m, (v.msg)(), "{}", v.clause);
    }
}

#[test]
fn cplane_vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        (v.msg)().emit(&mut out).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn cplane_vectors_prefixes() {
    // numberOfSections fixes how many sections follow and extLen how long each
    // extension is, so a strict prefix of a message with sections is an
    // error. Bodies without a length (raw ST6 sections, reserved types)
    // decode to a shorter body, which differs.
    for v in VECTORS {
        let wire = hex(v.wire);
        let full = (v.msg)();
        for n in 0..wire.len() {
            match CplaneMessage::parse(&wire[..n]) {
                Ok(m) => assert_ne!(m, full, "{}: prefix {n}", v.clause),
                Err(e) => assert!(
                    matches!(e.kind, ErrorKind::Truncated { .. } | ErrorKind::BadLength { .. }),
                    "{}: {n}: {e}",
                    v.clause
                ),
            }
        }
    }
}

#[test]
fn cplane_trailing_bytes_are_counted() {
    let mut wire = hex(VECTORS[0].wire);
    wire.extend_from_slice(&[0, 0, 0, 0]);
    let m = CplaneMessage::parse(&wire).unwrap();
    assert_eq!(m.trailing, 4);
    assert_eq!(m.body, (VECTORS[0].msg)().body);
}

#[test]
fn section_extension_ext_len_0_is_invalid() {
    // extLen 0 is reserved and would never advance
    let e = CplaneMessage::parse(&hex(
        "90 00 0000 | 01 | 01 | 00 00 | 000000 | 6a | fffe | 8000 | 06 00 0000",
    ))
    .unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("extLen 0"), 17));
    // also for the 16-bit extLen of SE 11/19/20
    for t in [0x0b, 0x13, 0x14] {
        let w = format!("90 00 0000 | 01 | 01 | 00 00 | 000000 | 6a | fffe | 8000 | {t:02x} 0000 00");
        let e = CplaneMessage::parse(&hex(&w)).unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("extLen 0"), 17), "SE {t}");
    }
}

#[test]
fn section_extension_beyond_the_message_is_bad_length() {
    // SE 6 claims 3 words (12 bytes) with 8 present
    let e = CplaneMessage::parse(&hex(
        "90 00 0000 | 01 | 01 | 00 00 | 000000 | 6a | fffe | 8000 | 06 03 000000000000",
    ))
    .unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (ErrorKind::BadLength { claimed: 12, actual: 8 }, 17)
    );
}

#[test]
fn section_extension_unknown_type_is_skipped_by_length() {
    // extType 127 (reserved), 2 words, followed by a known SE 22: the unknown
    // one is stepped over by its length, not interpreted
    let w = hex("90 00 0000 | 01 | 01 | 00 00 | 000000 | 6a | fffe | 8000 | ff 02 deadbeef 0000 | 16 01 0042");
    let m = CplaneMessage::parse(&w).unwrap();
    let CplaneBody::Sections { sections, .. } = &m.body else {
        panic!()
    };
    let e = &sections[0].extensions;
    assert_eq!(e.len(), 2);
    assert_eq!(
        (e[0].ef, e[0].ext_type, e[0].len_words, e[0].body),
        (true, 127, 2, &[0xde, 0xad, 0xbe, 0xef, 0, 0][..])
    );
    assert_eq!((e[1].ext_type, e[1].body, e[1].offset), (22, &[0x00, 0x42][..], 24));
    assert_eq!(m.trailing, 0);
}

#[test]
fn st3_freq_offset_is_24_bit_twos_complement() {
    // Wireshark 4.x sign-extends always too, but mis-shows positive values in
    // some versions; the spec field is a signed 24-bit integer.
    for (raw, v) in [
        ("000000", 0),
        ("7fffff", (1 << 23) - 1),
        ("800000", -(1 << 23)),
        ("ffffff", -1),
        ("000001", 1),
    ] {
        let w = format!("10 00 0000 | 01 | 03 | 0000 00 0000 00 | 000000 | 01 | fff1 | 0000 | {raw} 00");
        let wire = hex(&w);
        let m = CplaneMessage::parse(&wire).unwrap();
        let CplaneBody::Sections { sections, .. } = &m.body else {
            panic!()
        };
        assert_eq!(sections[0].freq_offset, Some(v), "{raw}");
        let mut out = Vec::new();
        m.emit(&mut out).unwrap();
        assert_eq!(out, wire);
    }
}

#[test]
fn st5_ue_id_accessor() {
    let m = (VECTORS[5].msg)();
    let CplaneBody::Sections { sections, .. } = &m.body else {
        panic!()
    };
    assert_eq!(sections[0].ue_id(), 0x7fff);
}

#[test]
fn section_type_table() {
    // 0 unused RBs, 1 most channels, 3 PRACH/mixed numerology, 4 slot config,
    // 5 UE scheduling, 6 channel info, 7 LAA, 8 ACK/NACK, 9 SINR, 10 RRM
    // report, 11 RRM request; 2 and 12-255 reserved
    use SectionType::*;
    let named = [
        (0, Unused),
        (1, MostChannels),
        (3, PrachMixedNumerology),
        (4, SlotConfiguration),
        (5, UeScheduling),
        (6, ChannelInformation),
        (7, Laa),
        (8, AckNack),
        (9, Sinr),
        (10, RrmReport),
        (11, RrmRequest),
    ];
    for v in 0..=255u8 {
        let t = SectionType::from(v);
        match named.iter().find(|(n, _)| *n == v) {
            Some((_, want)) => assert_eq!(t, *want),
            None => assert_eq!(t, Reserved(v)),
        }
        assert_eq!(u8::from(t), v);
    }
}

#[test]
fn frame_structure_byte() {
    // frameStructure = fftSize(4) | SCS(4)
    for b in 0..=255u8 {
        let f = FrameStructure::from_byte(b);
        assert_eq!((f.fft_size, f.scs), (b >> 4, b & 0xf));
        assert_eq!(f.to_byte(), b);
    }
}

#[test]
fn emit_computes_counts_flags_and_lengths() {
    // stale numberOfSections, ef bits and extLen values are rewritten from the lists
    let mut m = (VECTORS[1].msg)();
    m.num_sections = 9;
    let CplaneBody::Sections { sections, .. } = &mut m.body else {
        panic!()
    };
    sections[0].ef = false;
    sections[0].extensions[0].ef = false;
    sections[0].extensions[1].ef = true;
    sections[0].extensions[0].len_words = 40;
    sections[1].ef = true;
    let mut out = Vec::new();
    m.emit(&mut out).unwrap();
    assert_eq!(out, hex(VECTORS[1].wire));
}

#[test]
fn emit_pads_extension_bodies_to_words() {
    let mut m = (VECTORS[5].msg)();
    let CplaneBody::Sections { sections, .. } = &mut m.body else {
        panic!()
    };
    sections[0].extensions[0].body = &[0x41];
    let mut out = Vec::new();
    m.emit(&mut out).unwrap();
    assert_eq!(out, hex(VECTORS[5].wire));
}

#[test]
fn emit_errors() {
    let st1 = (VECTORS[0].msg)();
    // type header of ST3 under sectionType 1
    let mut m = st1.clone();
    m.section_type = SectionType::PrachMixedNumerology;
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
    let with = |f: fn(&mut CplaneSection<'static>)| {
        let mut m = st1.clone();
        let CplaneBody::Sections { sections, .. } = &mut m.body else {
            panic!()
        };
        f(&mut sections[0]);
        m.emit(&mut Vec::new()).unwrap_err().kind
    };
    assert!(matches!(with(|s| s.freq_offset = Some(1)), ErrorKind::Invalid(_)));
    assert_eq!(
        with(|s| s.section_id = 4096),
        ErrorKind::FieldOverflow { bits: 12, value: 4096 }
    );
    assert_eq!(
        with(|s| s.start_prb = 1024),
        ErrorKind::FieldOverflow { bits: 10, value: 1024 }
    );
    assert_eq!(
        with(|s| s.re_mask = 0x1000),
        ErrorKind::FieldOverflow {
            bits: 12,
            value: 0x1000
        }
    );
    assert_eq!(
        with(|s| s.num_symbol = 16),
        ErrorKind::FieldOverflow { bits: 4, value: 16 }
    );
    assert_eq!(
        with(|s| s.beam_id = 0x8000),
        ErrorKind::FieldOverflow {
            bits: 15,
            value: 0x8000
        }
    );
    assert_eq!(
        with(|s| s.extensions = vec![ext(false, 128, 1, &[0, 0], 0)]),
        ErrorKind::FieldOverflow { bits: 7, value: 128 }
    );
    static BIG: [u8; 1024] = [0; 1024];
    assert_eq!(
        with(|s| s.extensions = vec![ext(false, 6, 0, &BIG, 0)]),
        ErrorKind::FieldOverflow { bits: 8, value: 257 }
    );
    // ST3 needs freqOffset, in range
    let st3 = (VECTORS[4].msg)();
    let with3 = |f: fn(&mut CplaneSection<'static>)| {
        let mut m = st3.clone();
        let CplaneBody::Sections { sections, .. } = &mut m.body else {
            panic!()
        };
        f(&mut sections[0]);
        m.emit(&mut Vec::new()).unwrap_err().kind
    };
    assert!(matches!(with3(|s| s.freq_offset = None), ErrorKind::Invalid(_)));
    assert!(matches!(
        with3(|s| s.freq_offset = Some(1 << 23)),
        ErrorKind::FieldOverflow { bits: 24, .. }
    ));
    assert!(matches!(
        with3(|s| s.freq_offset = Some(-(1 << 23) - 1)),
        ErrorKind::FieldOverflow { bits: 24, .. }
    ));
}

#[test]
fn real_capture_cplane_st1() {
    // fh_1x1.pcap frames 1 and 14: DL ST1, one section of 106 PRBs, all 12 REs,
    // 14 symbols, beamId 0; slot 0 then slot 1; seqId 9 then 10.
    for (hexframe, slot, seq) in [
        (common::capture::CAPTURE_FRAME_1_CPLANE, 0, 9),
        (common::capture::CAPTURE_FRAME_14_CPLANE, 1, 10),
    ] {
        let frame = hex(hexframe);
        let f = framing::parse_frame(&frame, &FramingConfig::default()).unwrap();
        let pdu = ecpri::parse_pdu_with_trailer(f.ecpri).unwrap();
        assert_eq!(pdu.trailing, 22);
        let Payload::RealTimeControl { rtc_id, seq_id, data } = pdu.messages[0].payload else {
            panic!()
        };
        assert_eq!(
            (rtc_id, seq_id.sequence_id, seq_id.e_bit, seq_id.sub_sequence_id),
            (0, seq, true, 0)
        );
        let m = CplaneMessage::parse(data).unwrap();
        let want = msg(
            RadioAppHeader { slot_id: slot, ..DL0 },
            SectionType::MostChannels,
            TypeHeader::St1 {
                ud_comp_hdr: NONE16,
                reserved: 0,
            },
            vec![sec(0, 0, 106, 0xfff, 14, 0, 8)],
        );
        assert_eq!(m, want);
        let mut out = Vec::new();
        m.emit(&mut out).unwrap();
        assert_eq!(out, data);
        let mut pdu_out = Vec::new();
        cplane_pdu(rtc_id, seq_id, &m, &mut pdu_out).unwrap();
        assert_eq!(pdu_out, f.ecpri[..24]);
    }
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct ExtSpec {
    ext_type: u8,
    words: u16,
    seed: u8,
}

#[derive(Debug, Clone)]
struct SecSpec {
    w: u32,
    num_prb: u8,
    mask_sym: u16,
    beam: u16,
    freq: i32,
    res: u8,
    exts: Vec<ExtSpec>,
}

fn ext_spec() -> impl Strategy<Value = ExtSpec> {
    (0u8..128, 1u16..6, any::<u8>()).prop_map(|(ext_type, words, seed)| ExtSpec { ext_type, words, seed })
}

fn sec_spec() -> impl Strategy<Value = SecSpec> {
    (
        0u32..(1 << 24),
        any::<u8>(),
        any::<u16>(),
        0u16..0x8000,
        -(1i32 << 23)..(1 << 23),
        any::<u8>(),
        proptest::collection::vec(ext_spec(), 0..4),
    )
        .prop_map(|(w, num_prb, mask_sym, beam, freq, res, exts)| SecSpec {
            w,
            num_prb,
            mask_sym,
            beam,
            freq,
            res,
            exts,
        })
}

fn type_header(st: u8, b: [u8; 6]) -> TypeHeader {
    let u16_at = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
    match st {
        0 => TypeHeader::St0 {
            time_offset: u16_at(0),
            frame_structure: FrameStructure::from_byte(b[2]),
            cp_length: u16_at(3),
            reserved: b[5],
        },
        1 => TypeHeader::St1 {
            ud_comp_hdr: UdCompHdr::from_byte(b[0]),
            reserved: b[1],
        },
        3 => TypeHeader::St3 {
            time_offset: u16_at(0),
            frame_structure: FrameStructure::from_byte(b[2]),
            cp_length: u16_at(3),
            ud_comp_hdr: UdCompHdr::from_byte(b[5]),
        },
        _ => TypeHeader::St5 {
            ud_comp_hdr: UdCompHdr::from_byte(b[0]),
            reserved: b[1],
        },
    }
}

/// Bodies for every extension, owned, so the message can borrow them.
fn bodies(specs: &[SecSpec]) -> Vec<Vec<Vec<u8>>> {
    specs
        .iter()
        .map(|s| {
            s.exts
                .iter()
                .map(|e| {
                    let hdr = Extension::header_len(e.ext_type);
                    (0..usize::from(e.words) * 4 - hdr)
                        .map(|i| (i as u8) ^ e.seed)
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn build<'a>(
    header: RadioAppHeader,
    st: u8,
    th: [u8; 6],
    specs: &[SecSpec],
    bodies: &'a [Vec<Vec<u8>>],
) -> CplaneMessage<'a> {
    let type_header = type_header(st, th);
    let section_type = SectionType::from(st);
    let mut off = 6 + type_header.wire_len();
    let sections = specs
        .iter()
        .zip(bodies)
        .map(|(s, b)| {
            let offset = off;
            off += if st == 3 { 12 } else { 8 };
            let n = s.exts.len();
            let extensions = s
                .exts
                .iter()
                .zip(b)
                .enumerate()
                .map(|(i, (e, body))| {
                    let x = Extension {
                        ef: i + 1 < n,
                        ext_type: e.ext_type,
                        len_words: e.words,
                        body,
                        offset: off,
                    };
                    off += usize::from(e.words) * 4;
                    x
                })
                .collect();
            CplaneSection {
                section_id: (s.w >> 12) as u16,
                rb: s.w & 0x800 != 0,
                sym_inc: s.w & 0x400 != 0,
                start_prb: (s.w & 0x3ff) as u16,
                num_prb: s.num_prb,
                re_mask: s.mask_sym >> 4,
                num_symbol: (s.mask_sym & 0xf) as u8,
                ef: n > 0,
                beam_id: s.beam,
                freq_offset: (st == 3).then_some(s.freq),
                st3_reserved: if st == 3 { s.res } else { 0 },
                extensions,
                offset,
            }
        })
        .collect::<Vec<_>>();
    CplaneMessage {
        header,
        num_sections: sections.len() as u8,
        section_type,
        body: CplaneBody::Sections { type_header, sections },
        trailing: 0,
    }
}

proptest! {
    #[test]
    fn roundtrip_cplane_st0_1_3_5_with_extensions(
        header in any::<[u8; 4]>().prop_map(|b| RadioAppHeader::parse(&b).unwrap()),
        st in prop_oneof![Just(0u8), Just(1), Just(3), Just(5)],
        th in any::<[u8; 6]>(),
        specs in proptest::collection::vec(sec_spec(), 0..4),
    ) {
        let b = bodies(&specs);
        let m = build(header, st, th, &specs, &b);
        let mut out = Vec::new();
        m.emit(&mut out).unwrap();
        let back = CplaneMessage::parse(&out).unwrap();
        prop_assert_eq!(&back, &m);
        for n in 0..out.len() {
            prop_assert!(CplaneMessage::parse(&out[..n]).is_err(), "prefix {} decoded", n);
        }
    }

    #[test]
    fn cplane_parse_never_panics(b in proptest::collection::vec(any::<u8>(), 0..80)) {
        reencodes(&b)?;
    }

    #[test]
    fn cplane_mutations_never_panic(i in 0usize..34, x in any::<u8>()) {
        let mut w = hex(VECTORS[1].wire);
        w[i] = x;
        reencodes(&w)?;
    }
}

/// Whatever decodes re-encodes to the same bytes, less the trailing ones.
fn reencodes(b: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(m) = CplaneMessage::parse(b) {
        let mut out = Vec::new();
        m.emit(&mut out).unwrap();
        prop_assert_eq!(&out[..], &b[..b.len() - m.trailing]);
    }
    Ok(())
}

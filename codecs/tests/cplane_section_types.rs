//! O-RAN CUS C-plane section types 4, 6, 7, 8, 9, 10 and 11 (clauses
//! 7.4.6-7.4.13, 7.5.2.17-7.5.3): a vector table per section type (bytes
//! hand-assembled from the field layouts) driving decode and encode,
//! the typed decoders of their parts (ST4 commands, LAA payloads, ST10
//! reports, ST11 commands, ST6/ST9 samples), prefixes, and round trips.

mod common;

use codecs::ErrorKind;
use codecs::fronthaul::compression::CompMethod;
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

const UL0: RadioAppHeader = RadioAppHeader {
    direction: Direction::Uplink,
    ..DL0
};

fn msg(header: RadioAppHeader, num_sections: u8, st: u8, body: CplaneBody<'static>) -> CplaneMessage<'static> {
    CplaneMessage {
        header,
        num_sections,
        section_type: SectionType::from(st),
        body,
        trailing: 0,
    }
}

fn common_section(section_id: u16, num_prb: u8, num_symbol: u8, id: u16, offset: usize) -> CplaneSection<'static> {
    CplaneSection {
        section_id,
        rb: false,
        sym_inc: false,
        start_prb: 0,
        num_prb,
        re_mask: 0xfff,
        num_symbol,
        ef: false,
        beam_id: id,
        freq_offset: None,
        st3_reserved: 0,
        extensions: vec![],
        offset,
    }
}

fn st6_ctx() -> CplaneContext {
    CplaneContext {
        num_antennas: 2,
        ..CplaneContext::default()
    }
}

fn st6_word_ctx() -> CplaneContext {
    CplaneContext {
        num_antennas: 1,
        st6_word_aligned: true,
        ..CplaneContext::default()
    }
}

fn st9_ctx() -> CplaneContext {
    CplaneContext {
        sinr_width: 8,
        sinr_comp: CompMethod::Bfp,
        ..CplaneContext::default()
    }
}

fn st9_w9_ctx() -> CplaneContext {
    CplaneContext {
        sinr_width: 9,
        sinr_comp: CompMethod::None,
        ..CplaneContext::default()
    }
}

struct Vector {
    clause: &'static str,
    /// From the radio application header on, `|` between fields.
    wire: &'static str,
    /// M-plane context for [`CplaneMessage::parse_with`]; `None`: `parse`.
    ctx: Option<fn() -> CplaneContext>,
    msg: fn() -> CplaneMessage<'static>,
}

const VECTORS: &[Vector] = &[
    Vector {
        // byte 0: DL, SCS code 1 where filterIndex is | byte 4: reserved 0
        // cmdScope 0 (array) | numberOfST4Cmds 3 reserved 0 |
        // cmd 1 TIME_DOMAIN_BEAM_CONFIG: st4CmdLen 4 numSlots 0 ackNackReqId
        //   0x1234 reserved 0 | reserved 0 symbolMask 0xff | disableTDBFNs 0
        //   tdBeamNum 9 | bfwCompHdr 0x80 (8-bit, none) | reserved(24) |
        //   beam: disableTDBFWs 0 tdBeamNum 1, K = 2 weights 1 -1 2 -2 |
        //   beam: disableTDBFWs 1 tdBeamNum 2
        // cmd 3 TRX_CONTROL: st4CmdLen 2 numSlots 5 | reserved 0
        //   log2MaskBits 4 sleepMode 1 | reserved 0 numSlotsExt 0x12345 |
        //   reserved 0 symbolMask 0x3fff | antMask (16 bits) 0xa55a
        // cmd 4 ASM: st4CmdLen 2 | sleepMode 3 | numSlotsExt 0xfffff |
        //   symbolMask 0 | reserved(16)
        clause: "7.4.6 ST4 slot configuration: commands 1, 3, 4",
        wire: "91 00 0000 | 00 | 04 | 03 00 \
               | 01 0004 00 1234 0000 | 00ff 0009 80 000000 | 0001 01ff 02fe | 8002 \
               | 03 0002 05 0000 0000 | 11 012345 3fff a55a \
               | 04 0002 00 0000 0000 | 03 0fffff 0000 0000",
        ctx: None,
        msg: || {
            msg(
                RadioAppHeader { filter_index: 1, ..DL0 },
                0,
                4,
                CplaneBody::St4(St4Body {
                    reserved: 0,
                    commands: vec![
                        St4Command {
                            cmd_type: 1,
                            len_words: 4,
                            num_slots: 0,
                            ack_nack_req_id: 0x1234,
                            reserved: 0,
                            body: &[
                                0x00, 0xff, 0x00, 0x09, 0x80, 0, 0, 0, 0x00, 0x01, 0x01, 0xff, 0x02, 0xfe, 0x80, 0x02,
                            ],
                            offset: 8,
                        },
                        St4Command {
                            cmd_type: 3,
                            len_words: 2,
                            num_slots: 5,
                            ack_nack_req_id: 0,
                            reserved: 0,
                            body: &[0x11, 0x01, 0x23, 0x45, 0x3f, 0xff, 0xa5, 0x5a],
                            offset: 32,
                        },
                        St4Command {
                            cmd_type: 4,
                            len_words: 2,
                            num_slots: 0,
                            ack_nack_req_id: 0,
                            reserved: 0,
                            body: &[0x03, 0x0f, 0xff, 0xff, 0, 0, 0, 0],
                            offset: 48,
                        },
                    ],
                }),
            )
        },
    },
    Vector {
        // UL | numberOfSections 1 | numberOfUEs 1 | ciCompHdr 0x83: ciIqWidth 8,
        // ciCompMeth 1 (BFP), ciCompOpt 1 (per PRB) | ef 0 ueId 5 |
        // regularizationFactor -1 | reserved 0 rb 0 symInc 0 startPrbc 10 |
        // numPrbc 2 | PRB: ciCompParam exponent 2, antennas (1, -1) (2, -2) |
        // PRB: exponent 3, (127, -128) (0, 0)
        clause: "7.4.6 ST6 channel information, 2 antennas, BFP per PRB",
        wire: "10 00 0000 | 01 | 06 | 01 | 83 | 0005 | ffff | 000a | 02 | 02 01ff 02fe | 03 7f80 0000",
        ctx: Some(st6_ctx),
        msg: || {
            msg(
                UL0,
                1,
                6,
                CplaneBody::St6(St6Body {
                    num_ues: 1,
                    ci_comp_hdr: CiCompHdr {
                        iq_width: 8,
                        method: CompMethod::Bfp,
                        comp_opt: true,
                    },
                    sections: St6Sections::Decoded {
                        layout: CiCompHdr {
                            iq_width: 8,
                            method: CompMethod::Bfp,
                            comp_opt: true,
                        },
                        word_aligned: false,
                        sections: vec![St6Section {
                            ef: false,
                            ue_id: 5,
                            regularization_factor: -1,
                            reserved: 0,
                            rb: false,
                            sym_inc: false,
                            start_prb: 10,
                            num_prb: 2,
                            prbs: vec![
                                CiPrb {
                                    param: Some(2),
                                    iq: vec![[1, -1], [2, -2]],
                                },
                                CiPrb {
                                    param: Some(3),
                                    iq: vec![[127, -128], [0, 0]],
                                },
                            ],
                            pad: 0,
                            extensions: vec![],
                            offset: 8,
                        }],
                    },
                }),
            )
        },
    },
    Vector {
        // ciCompHdr 0x90: ciIqWidth 9, no compression, per UE | ef 1 ueId 1 |
        // regularizationFactor 0x100 | symInc 1 startPrbc 0 | numPrbc 1 |
        // 1 antenna (5, -5) in 18 bits, then 22 zero bits to the section's
        // 4-byte boundary (st6-4byte-alignment-required) | SE 21 ciPrbGroupSize 4
        // prgSize 2
        clause: "7.4.6 ST6 9-bit samples, 4-byte alignment, SE 21 after the samples",
        wire: "10 00 0000 | 01 | 06 | 01 | 90 | 8001 | 0100 | 0400 | 01 | 02fec00000 | 15 01 04 02",
        ctx: Some(st6_word_ctx),
        msg: || {
            let hdr = CiCompHdr {
                iq_width: 9,
                method: CompMethod::None,
                comp_opt: false,
            };
            msg(
                UL0,
                1,
                6,
                CplaneBody::St6(St6Body {
                    num_ues: 1,
                    ci_comp_hdr: hdr,
                    sections: St6Sections::Decoded {
                        layout: hdr,
                        word_aligned: true,
                        sections: vec![St6Section {
                            ef: true,
                            ue_id: 1,
                            regularization_factor: 0x100,
                            reserved: 0,
                            rb: false,
                            sym_inc: true,
                            start_prb: 0,
                            num_prb: 1,
                            prbs: vec![CiPrb {
                                param: None,
                                iq: vec![[5, -5]],
                            }],
                            pad: 0,
                            extensions: vec![Extension {
                                ef: false,
                                ext_type: 21,
                                len_words: 1,
                                body: &[4, 2],
                                offset: 20,
                            }],
                            offset: 8,
                        }],
                    },
                }),
            )
        },
    },
    Vector {
        // byte 4 reserved | reserved(16) | laaMsgType 0 (LBT_PDSCH_REQ)
        // laaMsgLen 2 | lbtHandle 0x1234 | lbtOffset 100 lbtMode 2 reserved 0
        // lbtDeferFactor 3 | lbtBackoffCounter 513 MCOT 5 reserved(10)
        clause: "7.4.7 ST7 LAA, LBT_PDSCH_REQ",
        wire: "90 00 0000 | 00 | 07 | 0000 | 02 | 1234 | 1923 | 8054 00",
        ctx: None,
        msg: || {
            msg(
                DL0,
                0,
                7,
                CplaneBody::St7(St7Body {
                    reserved: 0,
                    laa_msg_type: 0,
                    laa_msg_len: 2,
                    payload: &[0x12, 0x34, 0x19, 0x23, 0x80, 0x54, 0x00],
                    payload_offset: 9,
                }),
            )
        },
    },
    Vector {
        // UL | laaMsgType 3 (LBT_DRS_RSP) laaMsgLen 1 | lbtHandle 0xabcd |
        // lbtDrsRes 1 reserved 0
        clause: "7.4.7 ST7 LAA, LBT_DRS_RSP",
        wire: "10 00 0000 | 00 | 07 | 0000 | 31 | abcd | 80",
        ctx: None,
        msg: || {
            msg(
                UL0,
                0,
                7,
                CplaneBody::St7(St7Body {
                    reserved: 0,
                    laa_msg_type: 3,
                    laa_msg_len: 1,
                    payload: &[0xab, 0xcd, 0x80],
                    payload_offset: 9,
                }),
            )
        },
    },
    Vector {
        // UL, SCS code 1 | byte 4: reserved 0 ready 1 | numberOfAcks 2
        // numberOfNacks 1 | ackId 1, 2 | nackId 0x300
        clause: "7.4.8 ST8 ACK/NACK feedback",
        wire: "11 00 0000 | 01 | 08 | 02 | 01 | 0001 0002 | 0300",
        ctx: None,
        msg: || {
            msg(
                RadioAppHeader { filter_index: 1, ..UL0 },
                1,
                8,
                CplaneBody::St8(St8Body {
                    acks: vec![1, 2],
                    nacks: vec![0x300],
                }),
            )
        },
    },
    Vector {
        // UL, symbolId 3 | numberOfSections 1 | numSinrPerPrb 1 (2 values)
        // reserved 0 | sectionId 1 startPrbu 0 | numPrbu 2 | PRB:
        // sinrCompParam exponent 1, 8-bit values 10 -10 | PRB: exponent 0,
        // 127 -128
        clause: "7.4.9 ST9 SINR reporting, 8-bit BFP, 2 values per PRB",
        wire: "10 00 0003 | 01 | 09 | 2000 | 001000 | 02 | 01 0af6 | 00 7f80",
        ctx: Some(st9_ctx),
        msg: || {
            msg(
                RadioAppHeader { symbol_id: 3, ..UL0 },
                1,
                9,
                CplaneBody::St9(St9Body {
                    num_sinr_per_prb: 1,
                    reserved: 0,
                    sections: St9Sections::Decoded {
                        sinr_width: 8,
                        sinr_comp: CompMethod::Bfp,
                        sections: vec![St9Section {
                            section_id: 1,
                            rb: false,
                            sym_inc: false,
                            start_prb: 0,
                            num_prb: 2,
                            prbs: vec![
                                SinrPrb {
                                    param: Some(1),
                                    values: vec![10, -10],
                                    pad: 0,
                                },
                                SinrPrb {
                                    param: Some(0),
                                    values: vec![127, -128],
                                    pad: 0,
                                },
                            ],
                            offset: 8,
                        }],
                    },
                }),
            )
        },
    },
    Vector {
        // numSinrPerPrb 0 (1 value), 9-bit fixed point (no sinrCompParam) |
        // sectionId 2 startPrbu 3 | numPrbu 2 | 5 and 7 zero bits | -5 and 7
        // zero bits (each PRB byte-aligned)
        clause: "7.4.9 ST9 9-bit SINR, PRBs byte-aligned",
        wire: "10 00 0000 | 01 | 09 | 0000 | 002003 | 02 | 0280 | fd80",
        ctx: Some(st9_w9_ctx),
        msg: || {
            msg(
                UL0,
                1,
                9,
                CplaneBody::St9(St9Body {
                    num_sinr_per_prb: 0,
                    reserved: 0,
                    sections: St9Sections::Decoded {
                        sinr_width: 9,
                        sinr_comp: CompMethod::None,
                        sections: vec![St9Section {
                            section_id: 2,
                            rb: false,
                            sym_inc: false,
                            start_prb: 3,
                            num_prb: 2,
                            prbs: vec![
                                SinrPrb {
                                    param: None,
                                    values: vec![5],
                                    pad: 0,
                                },
                                SinrPrb {
                                    param: None,
                                    values: vec![-5],
                                    pad: 0,
                                },
                            ],
                            offset: 8,
                        }],
                    },
                }),
            )
        },
    },
    Vector {
        // UL | reserved(16) | sectionId 1 numPrbc 0 (all) reMask 0xfff
        // numSymbol 14 | ef 0 ueId 3 | report: mf 1 measTypeId 1 reserved
        // measDataSize 2 ueTae -5 reserved | report: mf 0 measTypeId 6
        // numElements 3 measDataSize 3, antDmrsSnrVal 1 2 3, padding
        clause: "7.4.10 ST10 RRM measurement reports (types 1 and 6)",
        wire: "10 00 0000 | 01 | 0a | 0000 | 001000 | 00 | fffe | 0003 \
               | 81 00 0002 fffb 0000 | 06 03 0003 0001 0002 0003 0000",
        ctx: None,
        msg: || {
            msg(
                UL0,
                1,
                10,
                CplaneBody::St10(St10Body {
                    reserved: 0,
                    sections: vec![St10Section {
                        section: common_section(1, 0, 14, 3, 8),
                        reports: vec![
                            MeasReport {
                                mf: true,
                                meas_type_id: 1,
                                byte1: 0,
                                size_words: 2,
                                data: &[0xff, 0xfb, 0, 0],
                                offset: 16,
                            },
                            MeasReport {
                                mf: false,
                                meas_type_id: 6,
                                byte1: 3,
                                size_words: 3,
                                data: &[0, 1, 0, 2, 0, 3, 0, 0],
                                offset: 24,
                            },
                        ],
                    }],
                }),
            )
        },
    },
    Vector {
        // DL | reserved(16) | sectionId 1 numPrbc 16 reMask 0xfff numSymbol
        // 14 | ef 1 reserved | SE 22 ackNackReqId 0x42 | command: mf 0
        // measTypeId 5 reserved measCmdSize 2, reserved 0 symbolMask 0xfff,
        // reserved(16)
        clause: "7.4.11 ST11 request RRM measurements, with SE 22",
        wire: "90 00 0000 | 01 | 0b | 0000 | 001000 | 10 | fffe | 8000 | 16 01 0042 | 05 00 0002 0fff 0000",
        ctx: None,
        msg: || {
            msg(
                DL0,
                1,
                11,
                CplaneBody::St11(St11Body {
                    reserved: 0,
                    sections: vec![St11Section {
                        section: CplaneSection {
                            ef: true,
                            extensions: vec![Extension {
                                ef: false,
                                ext_type: 22,
                                len_words: 1,
                                body: &[0, 0x42],
                                offset: 16,
                            }],
                            ..common_section(1, 16, 14, 0, 8)
                        },
                        commands: vec![MeasCommand {
                            mf: false,
                            meas_type_id: 5,
                            reserved: 0,
                            size_words: 2,
                            data: &[0x0f, 0xff, 0, 0],
                            offset: 20,
                        }],
                    }],
                }),
            )
        },
    },
];

fn parse<'a>(wire: &'a [u8], ctx: Option<fn() -> CplaneContext>) -> codecs::Result<CplaneMessage<'a>> {
    match ctx {
        Some(c) => CplaneMessage::parse_with(wire, &c()),
        None => CplaneMessage::parse(wire),
    }
}

#[test]
fn section_type_vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let m = parse(&wire, v.ctx).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(m, (v.msg)(), "{}", v.clause);
    }
}

#[test]
fn section_type_vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        (v.msg)().emit(&mut out).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn section_type_vectors_prefixes() {
    // Counts and lengths fix every part, so a strict prefix errors or decodes
    // to something else (bodies that run to the end of the message: ST7's
    // payload, raw ST6/ST9 sections). Never a panic.
    for v in VECTORS {
        let wire = hex(v.wire);
        let full = (v.msg)();
        for n in 0..wire.len() {
            match parse(&wire[..n], v.ctx) {
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
fn st4_commands_decode() {
    let m = (VECTORS[0].msg)();
    assert_eq!((m.cmd_scope(), m.scs(), m.st8_ready()), (Some(0), Some(1), None));
    let CplaneBody::St4(b) = &m.body else { panic!() };
    let ctx = CplaneContext {
        num_trx: Some(2),
        ..CplaneContext::default()
    };
    let want = [
        St4CommandBody::TimeDomainBeamConfig {
            reserved1: 0,
            symbol_mask: 0xff,
            disable_tdbfns: false,
            td_beam_num: 9,
            comp_hdr: BfwCompHdr::new(8, BfwCompMethod::None),
            reserved2: 0,
            beams: vec![
                TdBeam {
                    td_beam_num: 1,
                    weights: Some(BfWeights {
                        param: BfwCompParam::None,
                        iq: vec![[1, -1], [2, -2]],
                    }),
                },
                TdBeam {
                    td_beam_num: 2,
                    weights: None,
                },
            ],
        },
        St4CommandBody::TrxControl {
            reserved1: 0,
            log2_mask_bits: 4,
            sleep_mode: 1,
            reserved2: 0,
            num_slots_ext: 0x12345,
            reserved3: 0,
            symbol_mask: 0x3fff,
            ant_mask: vec![0xa5, 0x5a],
        },
        St4CommandBody::Asm {
            reserved1: 0,
            sleep_mode: 3,
            reserved2: 0,
            num_slots_ext: 0xfffff,
            reserved3: 0,
            symbol_mask: 0,
            reserved4: 0,
        },
    ];
    for (c, w) in b.commands.iter().zip(&want) {
        let got = c.decode(&ctx).unwrap();
        assert_eq!(&got, w);
        assert_eq!(got.cmd_type(), c.cmd_type);
        let mut enc = got.encode().unwrap();
        enc.resize(c.body.len(), 0);
        assert_eq!(enc, c.body);
    }
    // beam weights need the TRX count
    let e = b.commands[0].decode(&CplaneContext::default()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Unsupported(_)), "{e}");
    // TDD_CONFIG_PATTERN from the raw-ST4 vector of cplane.rs
    let c = St4Command::new(2, 0, 0, &[0x00, 0x00, 0x3f, 0xff]);
    assert_eq!(
        c.decode(&ctx).unwrap(),
        St4CommandBody::TddConfigPattern {
            reserved1: 0,
            dir_pattern: 0,
            reserved2: 0,
            guard_pattern: 0x3fff
        }
    );
}

#[test]
fn st4_errors() {
    // st4CmdLen 0 cannot be stepped over
    let e = CplaneMessage::parse(&hex("91 00 0000 | 00 | 04 | 01 00 | 02 0000 00 0000 0000")).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("st4CmdLen 0"), 9));
    // st4CmdLen past the end
    let e = CplaneMessage::parse(&hex("91 00 0000 | 00 | 04 | 01 00 | 02 0002 00 0000 0000 | 0000 3fff")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadLength { claimed: 8, actual: 4 });
    // a TRX_CONTROL antMask that does not match log2MaskBits
    let bad = St4CommandBody::TrxControl {
        reserved1: 0,
        log2_mask_bits: 5,
        sleep_mode: 0,
        reserved2: 0,
        num_slots_ext: 0,
        reserved3: 0,
        symbol_mask: 0,
        ant_mask: vec![0, 0],
    };
    assert!(matches!(bad.encode().unwrap_err().kind, ErrorKind::Invalid(_)));
    assert_eq!(ant_mask_len(0), 2);
    assert_eq!(ant_mask_len(4), 2);
    assert_eq!(ant_mask_len(14), 2048);
}

#[test]
fn st6_channel_information_values() {
    let m = (VECTORS[1].msg)();
    let CplaneBody::St6(b) = &m.body else { panic!() };
    let St6Sections::Decoded { layout, sections, .. } = &b.sections else {
        panic!()
    };
    // BFP: code * 2^exponent of its PRB
    assert_eq!(
        sections[0].channel_iq(*layout),
        vec![vec![[4, -4], [8, -8]], vec![[1016, -1024], [0, 0]]]
    );
    // per-UE parameter (ciCompOpt 0) applies the first PRB's to all
    let per_ue = CiCompHdr {
        comp_opt: false,
        ..*layout
    };
    let s = St6Section {
        prbs: vec![
            CiPrb {
                param: Some(1),
                iq: vec![[1, 1]],
            },
            CiPrb {
                param: None,
                iq: vec![[3, -3]],
            },
        ],
        ..sections[0].clone()
    };
    assert_eq!(s.channel_iq(per_ue), vec![vec![[2, 2]], vec![[6, -6]]]);
    // the SE 21 of the second vector, after the samples
    let m = (VECTORS[2].msg)();
    let CplaneBody::St6(b) = &m.body else { panic!() };
    let St6Sections::Decoded { sections, .. } = &b.sections else {
        panic!()
    };
    assert_eq!(
        sections[0].decode_extensions(&st6_word_ctx()).unwrap(),
        vec![SectionExtension::Se21 {
            ci_prb_group_size: 4,
            reserved: 0,
            prg_size: 2
        }]
    );
    // without context the same bytes stay raw, and re-encode unchanged
    let wire = hex(VECTORS[2].wire);
    let raw = CplaneMessage::parse(&wire).unwrap();
    let CplaneBody::St6(b) = &raw.body else { panic!() };
    assert!(matches!(b.sections, St6Sections::Raw(r) if r.len() == wire.len() - 8));
    let mut out = Vec::new();
    raw.emit(&mut out).unwrap();
    assert_eq!(out, wire);
}

#[test]
fn st6_context_override_and_errors() {
    // an older sender with the ciCompHdr byte reserved (0): the context says
    // 8-bit samples; the header byte is kept as read
    let wire = hex("10 00 0000 | 01 | 06 | 01 | 00 | 0005 | 0000 | 0000 | 01 | 7f80");
    let ctx = CplaneContext {
        num_antennas: 1,
        ci_comp_hdr: Some(CiCompHdr {
            iq_width: 8,
            method: CompMethod::None,
            comp_opt: false,
        }),
        ..CplaneContext::default()
    };
    let m = CplaneMessage::parse_with(&wire, &ctx).unwrap();
    let CplaneBody::St6(b) = &m.body else { panic!() };
    assert_eq!(b.ci_comp_hdr.to_byte(), 0);
    let St6Sections::Decoded { sections, .. } = &b.sections else {
        panic!()
    };
    assert_eq!(sections[0].prbs[0].iq, vec![[127, -128]]);
    let mut out = Vec::new();
    m.emit(&mut out).unwrap();
    assert_eq!(out, wire);
    // a huge antenna count is refused before allocating for it
    let big = CplaneContext {
        num_antennas: u16::MAX,
        ..ctx
    };
    let e = CplaneMessage::parse_with(&wire, &big).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    // numPrbc 0 is the carrier's PRB count
    let wire0 = hex("10 00 0000 | 01 | 06 | 01 | 80 | 0005 | 0000 | 0000 | 00 | 01 02 03 04");
    let c2 = CplaneContext {
        num_antennas: 1,
        carrier_prbs: 2,
        ..CplaneContext::default()
    };
    let m = CplaneMessage::parse_with(&wire0, &c2).unwrap();
    let CplaneBody::St6(b) = &m.body else { panic!() };
    let St6Sections::Decoded { sections, .. } = &b.sections else {
        panic!()
    };
    assert_eq!(sections[0].prbs.len(), 2);
}

#[test]
fn st7_laa_messages() {
    let cases: [(&Vector, LaaMessage); 2] = [
        (
            &VECTORS[3],
            LaaMessage::PdschReq {
                lbt_handle: 0x1234,
                lbt_offset: 100,
                lbt_mode: 2,
                reserved1: false,
                lbt_defer_factor: 3,
                lbt_backoff_counter: 513,
                mcot: 5,
                reserved2: 0,
            },
        ),
        (
            &VECTORS[4],
            LaaMessage::DrsRsp {
                lbt_handle: 0xabcd,
                lbt_drs_res: true,
                reserved: 0,
            },
        ),
    ];
    for (v, want) in cases {
        let m = (v.msg)();
        let CplaneBody::St7(b) = &m.body else { panic!() };
        let got = b.message().unwrap();
        assert_eq!(got, want, "{}", v.clause);
        assert_eq!(got.msg_type(), b.laa_msg_type);
        assert_eq!(got.encode().unwrap(), b.payload);
    }
    // the other types, hand-assembled: LBT_PDSCH_RSP lbtHandle 0xbeef
    // lbtPdschRes 2 inParSF 1 sfStatus 0 sfnSf 0x9ab reserved(24); LBT_CWCONFIG_REQ
    // lbtHandle 0x102 lbtCWConfig_H 0x33 lbtCWConfig_T 0x44 lbtMode 1
    // lbtTrafficClass 4 reserved(19)
    let others = [
        (
            2,
            "beef a9ab 000000",
            LaaMessage::PdschRsp {
                lbt_handle: 0xbeef,
                lbt_pdsch_res: 2,
                in_par_sf: true,
                sf_status: false,
                sfn_sf: 0x9ab,
                reserved: 0,
            },
        ),
        (
            5,
            "0102 33 44 600000",
            LaaMessage::CwConfigReq {
                lbt_handle: 0x102,
                lbt_cw_config_h: 0x33,
                lbt_cw_config_t: 0x44,
                lbt_mode: 1,
                lbt_traffic_class: 4,
                reserved: 0,
            },
        ),
        (
            1,
            "0001 0000 000000",
            LaaMessage::DrsReq {
                lbt_handle: 1,
                lbt_offset: 0,
                lbt_mode: 0,
                reserved: 0,
            },
        ),
        (
            4,
            "0002 80",
            LaaMessage::BufferError {
                lbt_handle: 2,
                lbt_buf_err: true,
                reserved: 0,
            },
        ),
        (
            6,
            "0003 01",
            LaaMessage::CwConfigRsp {
                lbt_handle: 3,
                lbt_cwr_rst: false,
                reserved: 1,
            },
        ),
        (
            9,
            "0004",
            LaaMessage::Reserved {
                laa_msg_type: 9,
                payload: vec![0, 4],
            },
        ),
    ];
    for (t, payload, want) in others {
        let p = hex(payload);
        let b = St7Body {
            reserved: 0,
            laa_msg_type: t,
            laa_msg_len: 2,
            payload: &p,
            payload_offset: 9,
        };
        assert_eq!(b.message().unwrap(), want);
        assert_eq!(want.encode().unwrap(), p);
    }
    // a short payload is an error at its offset
    let b = St7Body {
        reserved: 0,
        laa_msg_type: 0,
        laa_msg_len: 2,
        payload: &[0x12],
        payload_offset: 9,
    };
    let e = b.message().unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }) && e.offset == 9, "{e}");
}

#[test]
fn st8_ready_and_scs() {
    let m = (VECTORS[5].msg)();
    assert_eq!((m.st8_ready(), m.scs(), m.cmd_scope()), (Some(true), Some(1), None));
}

#[test]
fn st9_values_and_raw_form() {
    let m = (VECTORS[6].msg)();
    let CplaneBody::St9(b) = &m.body else { panic!() };
    let St9Sections::Decoded { sections, .. } = &b.sections else {
        panic!()
    };
    assert_eq!(sections[0].sinr_values(), vec![vec![20, -20], vec![127, -128]]);
    for (code, n) in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 6), (5, 12), (6, 1), (7, 1)] {
        assert_eq!(sinr_per_prb(code), n);
    }
    let wire = hex(VECTORS[6].wire);
    let raw = CplaneMessage::parse(&wire).unwrap();
    let CplaneBody::St9(b) = &raw.body else { panic!() };
    assert!(matches!(b.sections, St9Sections::Raw(_)));
    let mut out = Vec::new();
    raw.emit(&mut out).unwrap();
    assert_eq!(out, wire);
}

#[test]
fn st10_reports_and_st11_commands_decode() {
    let m = (VECTORS[8].msg)();
    let CplaneBody::St10(b) = &m.body else { panic!() };
    let r = &b.sections[0].reports;
    assert_eq!(
        r[0].decode().unwrap(),
        MeasReportData::UeTae {
            ue_tae: -5,
            reserved: 0
        }
    );
    assert_eq!(
        r[1].decode().unwrap(),
        MeasReportData::DmrsSnr { values: vec![1, 2, 3] }
    );
    // types 2, 3, 4/5, hand-assembled
    for (t, data, want) in [
        (2, "000a fff6", MeasReportData::UeLayerPower { powers: vec![10, -10] }),
        (
            3,
            "8000 0001",
            MeasReportData::UeFreqOffset {
                ue_freq_offset: i16::MIN,
                reserved: 1,
            },
        ),
        (
            5,
            "3fff 0064",
            MeasReportData::Ipn {
                reserved: 0,
                symbol_mask: 0x3fff,
                ipn_power: vec![100],
            },
        ),
        (
            4,
            "c001 ffff 0001 0000",
            MeasReportData::Ipn {
                reserved: 3,
                symbol_mask: 1,
                ipn_power: vec![-1, 1, 0],
            },
        ),
        (40, "0102", MeasReportData::Unknown { data: vec![1, 2] }),
    ] {
        let d = hex(data);
        let rep = MeasReport::new(t, 0, &d);
        assert_eq!(rep.decode().unwrap(), want, "measTypeId {t}");
        assert_eq!(want.encode().unwrap(), d, "measTypeId {t}");
    }
    let m = (VECTORS[9].msg)();
    let CplaneBody::St11(b) = &m.body else { panic!() };
    let c = &b.sections[0].commands[0];
    let want = MeasCommandData::IpnUnallocated {
        reserved1: 0,
        symbol_mask: 0xfff,
        reserved2: 0,
    };
    assert_eq!(c.decode().unwrap(), want);
    assert_eq!(want.encode().unwrap(), c.data);
    assert_eq!(
        b.sections[0]
            .section
            .decode_extensions(SectionType::RrmRequest, &CplaneContext::default())
            .unwrap(),
        vec![SectionExtension::Se22 { ack_nack_req_id: 0x42 }]
    );
    // the common-layout sections are reachable for any body that has them
    assert_eq!(m.body.common_sections().len(), 1);
}

#[test]
fn st10_st11_length_errors() {
    // measDataSize 0 cannot be stepped over
    let e = CplaneMessage::parse(&hex(
        "10 00 0000 | 01 | 0a | 0000 | 001000 | 00 | fffe | 0003 | 01 00 0000",
    ))
    .unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("measDataSize 0"), 18));
    // measCmdSize past the end (4 words from the mf byte, 8 bytes there)
    let e = CplaneMessage::parse(&hex(
        "90 00 0000 | 01 | 0b | 0000 | 001000 | 10 | fffe | 0000 | 05 00 0004 0fff 0000",
    ))
    .unwrap_err();
    assert_eq!(
        (e.kind, e.offset),
        (ErrorKind::BadLength { claimed: 16, actual: 8 }, 18)
    );
    // a section without a report cannot be emitted
    let mut m = (VECTORS[8].msg)();
    let CplaneBody::St10(b) = &mut m.body else { panic!() };
    b.sections[0].reports.clear();
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
}

#[test]
fn body_of_another_section_type_is_an_emit_error() {
    let mut m = (VECTORS[5].msg)();
    m.section_type = SectionType::Sinr;
    assert!(matches!(
        m.emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
}

// ---------------------------------------------------------------------------
// Round trips

/// Whatever decodes re-encodes to the same bytes, less the trailing ones.
fn reencodes(m: &CplaneMessage<'_>, b: &[u8]) -> Result<(), TestCaseError> {
    let mut out = Vec::new();
    m.emit(&mut out).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&out[..], &b[..b.len() - m.trailing]);
    Ok(())
}

fn any_ctx() -> impl Strategy<Value = CplaneContext> {
    (
        proptest::option::of(0u16..6),
        0u16..4,
        any::<bool>(),
        0u8..=16,
        prop_oneof![Just(CompMethod::None), Just(CompMethod::Bfp)],
        1u16..8,
        proptest::option::of(any::<u8>()),
    )
        .prop_map(
            |(num_trx, num_antennas, st6_word_aligned, sinr_width, sinr_comp, carrier_prbs, ci)| CplaneContext {
                num_trx,
                num_antennas,
                ci_comp_hdr: ci.map(CiCompHdr::from_byte),
                st6_word_aligned,
                sinr_width,
                sinr_comp,
                carrier_prbs,
            },
        )
}

fn w_signed(w: u32) -> impl Strategy<Value = i16> {
    let lo = -(1i32 << (w - 1));
    (lo..-lo).prop_map(|v| v as i16)
}

/// ST6 sections for a layout and antenna count (extensions: SE 21, static).
fn st6_sections(layout: CiCompHdr, ants: usize, word: bool) -> impl Strategy<Value = Vec<St6Section<'static>>> {
    let w = layout.width();
    let pad_bits = move |prbs: &[CiPrb]| {
        let bits: usize = 56
            + prbs
                .iter()
                .map(|p| usize::from(p.param.is_some()) * 8 + p.iq.len() * 2 * w as usize)
                .sum::<usize>();
        let unit = if word { 32 } else { 8 };
        (unit - bits % unit) % unit
    };
    let section = (1u8..4)
        .prop_flat_map(move |n| {
            (
                proptest::collection::vec(
                    (any::<u8>(), proptest::collection::vec((w_signed(w), w_signed(w)), ants)),
                    usize::from(n),
                ),
                0u16..0x8000,
                any::<i16>(),
                0u8..16,
                any::<[bool; 3]>(),
                0u16..1024,
                any::<u32>(),
            )
        })
        .prop_map(
            move |(prbs, ue_id, reg, reserved, [rb, sym_inc, ext], start_prb, pad)| {
                let prbs: Vec<CiPrb> = prbs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (p, iq))| CiPrb {
                        param: (layout.has_param() && (i == 0 || layout.comp_opt)).then_some(p),
                        iq: iq.into_iter().map(|(a, b)| [a, b]).collect(),
                    })
                    .collect();
                let pb = pad_bits(&prbs);
                St6Section {
                    ef: ext,
                    ue_id,
                    regularization_factor: reg,
                    reserved,
                    rb,
                    sym_inc,
                    start_prb,
                    num_prb: prbs.len() as u8,
                    pad: if pb == 0 { 0 } else { pad & ((1u32 << pb) - 1) },
                    prbs,
                    extensions: if ext {
                        vec![Extension {
                            ef: false,
                            ext_type: 21,
                            len_words: 1,
                            body: &[4, 2],
                            offset: 0,
                        }]
                    } else {
                        vec![]
                    },
                    offset: 0,
                }
            },
        );
    proptest::collection::vec(section, 0..3)
}

/// Fix up the offsets a parse would report, so typed values compare.
fn with_offsets(m: &CplaneMessage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    m.emit(&mut out).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_bytes_after_each_section_type_reencode(
        st in prop_oneof![Just(4u8), 6u8..=11],
        ctx in any_ctx(),
        n in any::<u8>(),
        rest in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut b = hex("10 00 0000");
        b.push(n % 4);
        b.push(st);
        b.extend(rest);
        if let Ok(m) = CplaneMessage::parse(&b) {
            reencodes(&m, &b)?;
        }
        if let Ok(m) = CplaneMessage::parse_with(&b, &ctx) {
            reencodes(&m, &b)?;
        }
    }

    #[test]
    fn roundtrip_st6_typed(
        (layout, ants, word, sections) in (1u8..=16, 0u8..4, any::<bool>(), 1usize..3, any::<bool>())
            .prop_flat_map(|(w, m, opt, ants, word)| {
                let layout = CiCompHdr { iq_width: w, method: CompMethod::from_u4(m), comp_opt: opt };
                (Just(layout), Just(ants), Just(word), st6_sections(layout, ants, word))
            }),
        num_ues in any::<u8>(),
    ) {
        let m = CplaneMessage {
            header: UL0,
            num_sections: sections.len() as u8,
            section_type: SectionType::ChannelInformation,
            body: CplaneBody::St6(St6Body {
                num_ues,
                ci_comp_hdr: layout,
                sections: St6Sections::Decoded { layout, word_aligned: word, sections },
            }),
            trailing: 0,
        };
        let wire = with_offsets(&m);
        let ctx = CplaneContext { num_antennas: ants as u16, st6_word_aligned: word, ..CplaneContext::default() };
        let back = CplaneMessage::parse_with(&wire, &ctx).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let again = with_offsets(&back);
        prop_assert_eq!(&again, &wire);
        // typed equality, offsets aside
        let (CplaneBody::St6(a), CplaneBody::St6(b)) = (&m.body, &back.body) else { panic!() };
        let (St6Sections::Decoded { sections: sa, .. }, St6Sections::Decoded { sections: sb, .. }) = (&a.sections, &b.sections) else { panic!() };
        prop_assert_eq!(sa.len(), sb.len());
        for (x, y) in sa.iter().zip(sb) {
            prop_assert_eq!(&x.prbs, &y.prbs);
            prop_assert_eq!((x.ue_id, x.regularization_factor, x.pad, x.extensions.len()), (y.ue_id, y.regularization_factor, y.pad, y.extensions.len()));
        }
        for n in 0..wire.len() {
            if let Ok(p) = CplaneMessage::parse_with(&wire[..n], &ctx) {
                prop_assert_ne!(with_offsets(&p), wire.clone());
            }
        }
    }

    #[test]
    fn roundtrip_st9_typed(
        (w, bfp, code, secs) in (1u8..=16, any::<bool>(), 0u8..8)
            .prop_flat_map(|(w, bfp, code)| {
                let per = sinr_per_prb(code);
                let prb = (any::<u8>(), proptest::collection::vec(w_signed(w.into()), per), any::<u8>());
                let sec = (0u16..4096, any::<[bool; 2]>(), 0u16..1024, proptest::collection::vec(prb, 1..4));
                (Just(w), Just(bfp), Just(code), proptest::collection::vec(sec, 0..3))
            }),
    ) {
        let sections: Vec<St9Section> = secs
            .into_iter()
            .map(|(section_id, [rb, sym_inc], start_prb, prbs)| {
                let bits = (usize::from(bfp) * 8 + sinr_per_prb(code) * usize::from(w)) % 8;
                let pad_bits = (8 - bits) % 8;
                St9Section {
                    section_id,
                    rb,
                    sym_inc,
                    start_prb,
                    num_prb: prbs.len() as u8,
                    prbs: prbs
                        .into_iter()
                        .map(|(p, values, pad)| SinrPrb {
                            param: bfp.then_some(p),
                            values,
                            pad: if pad_bits == 0 { 0 } else { pad & ((1u16 << pad_bits) - 1) as u8 },
                        })
                        .collect(),
                    offset: 0,
                }
            })
            .collect();
        let comp = if bfp { CompMethod::Bfp } else { CompMethod::None };
        let m = CplaneMessage {
            header: UL0,
            num_sections: sections.len() as u8,
            section_type: SectionType::Sinr,
            body: CplaneBody::St9(St9Body {
                num_sinr_per_prb: code,
                reserved: 0x1abc,
                sections: St9Sections::Decoded { sinr_width: w, sinr_comp: comp, sections: sections.clone() },
            }),
            trailing: 0,
        };
        let wire = with_offsets(&m);
        let ctx = CplaneContext { sinr_width: w, sinr_comp: comp, ..CplaneContext::default() };
        let back = CplaneMessage::parse_with(&wire, &ctx).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let CplaneBody::St9(b) = &back.body else { panic!() };
        let St9Sections::Decoded { sections: got, .. } = &b.sections else { panic!() };
        prop_assert_eq!(got.len(), sections.len());
        for (x, y) in sections.iter().zip(got) {
            prop_assert_eq!(&x.prbs, &y.prbs);
            prop_assert_eq!((x.section_id, x.rb, x.sym_inc, x.start_prb), (y.section_id, y.rb, y.sym_inc, y.start_prb));
        }
        prop_assert_eq!(with_offsets(&back), wire);
    }

    #[test]
    fn roundtrip_st4_typed_commands(
        k in 0u16..4,
        hdr in (1u8..=16, 0u8..6).prop_map(|(w, m)| BfwCompHdr::new(w, BfwCompMethod::from_u4(m))),
        seed in any::<u64>(),
        sym in 0u16..0x4000,
        trx in (0u8..=6, 0u8..4, 0u32..1 << 20, any::<u64>()),
        asm in (0u8..64, 0u8..4, 0u32..1 << 20, any::<u16>()),
        tdd in (0u16..0x4000, 0u16..0x4000),
    ) {
        // weights from the seed, within the width
        let w = hdr.width();
        let lo = -(1i64 << (w - 1));
        let span = 1i64 << w;
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (lo + ((x >> 33) as i64 % span)) as i16
        };
        let beams: Vec<TdBeam> = (0..3u16)
            .map(|i| TdBeam {
                // the last beam's number is non-zero, so it cannot read as padding
                td_beam_num: i + 1,
                weights: if i == 1 || hdr.method.is_beamspace() {
                    None
                } else {
                    let param = match hdr.method {
                        BfwCompMethod::None => BfwCompParam::None,
                        BfwCompMethod::Bfp => BfwCompParam::Bfp { reserved: 0, exponent: (i % 16) as u8 },
                        BfwCompMethod::BlockScaling => BfwCompParam::BlockScaling { block_scaler: 77 },
                        _ => BfwCompParam::MuLaw { comp_bit_width: 9, comp_shift: 3 },
                    };
                    Some(BfWeights { param, iq: (0..k).map(|_| [next(), next()]).collect() })
                },
            })
            .collect();
        let cmds = [
            St4CommandBody::TimeDomainBeamConfig {
                reserved1: 1,
                symbol_mask: sym,
                disable_tdbfns: false,
                td_beam_num: 7,
                comp_hdr: hdr,
                reserved2: 0xabcdef,
                beams,
            },
            St4CommandBody::TddConfigPattern { reserved1: 2, dir_pattern: tdd.0, reserved2: 1, guard_pattern: tdd.1 },
            St4CommandBody::TrxControl {
                reserved1: 0,
                log2_mask_bits: trx.0,
                sleep_mode: trx.1,
                reserved2: 5,
                num_slots_ext: trx.2,
                reserved3: 3,
                symbol_mask: sym,
                ant_mask: trx.3.to_be_bytes().iter().cycle().take(ant_mask_len(trx.0)).copied().collect(),
            },
            St4CommandBody::Asm {
                reserved1: asm.0,
                sleep_mode: asm.1,
                reserved2: 0,
                num_slots_ext: asm.2,
                reserved3: 2,
                symbol_mask: sym,
                reserved4: asm.3,
            },
            St4CommandBody::Unknown { cmd_type: 200, body: vec![1, 2, 3, 4] },
        ];
        let bodies: Vec<Vec<u8>> = cmds.iter().map(|c| c.encode().unwrap()).collect();
        let m = CplaneMessage {
            header: DL0,
            num_sections: 1,
            section_type: SectionType::SlotConfiguration,
            body: CplaneBody::St4(St4Body {
                reserved: 0,
                commands: cmds
                    .iter()
                    .zip(&bodies)
                    .map(|(c, b)| St4Command::new(c.cmd_type(), 0, 0x55, b))
                    .collect(),
            }),
            trailing: 0,
        };
        let wire = with_offsets(&m);
        let back = CplaneMessage::parse(&wire).unwrap();
        let CplaneBody::St4(b) = &back.body else { panic!() };
        let ctx = CplaneContext { num_trx: Some(k), ..CplaneContext::default() };
        for (c, want) in b.commands.iter().zip(&cmds) {
            prop_assert_eq!(&c.decode(&ctx).unwrap(), want);
        }
        for n in 0..wire.len() {
            prop_assert!(CplaneMessage::parse(&wire[..n]).is_err());
        }
    }

    #[test]
    fn roundtrip_st7_st8(
        laa in (any::<u16>(), 0u8..16, any::<u32>()),
        acks in proptest::collection::vec(any::<u16>(), 0..6),
        nacks in proptest::collection::vec(any::<u16>(), 0..6),
        byte4 in any::<u8>(),
    ) {
        let (h, t, r) = laa;
        let message = match t {
            0 => LaaMessage::PdschReq { lbt_handle: h, lbt_offset: (r & 0x3ff) as u16, lbt_mode: (r >> 10 & 3) as u8, reserved1: r & 1 << 12 != 0, lbt_defer_factor: (r >> 13 & 7) as u8, lbt_backoff_counter: (r >> 16 & 0x3ff) as u16, mcot: (r >> 26 & 15) as u8, reserved2: (r & 0x3ff) as u16 },
            1 => LaaMessage::DrsReq { lbt_handle: h, lbt_offset: (r & 0x3ff) as u16, lbt_mode: (r >> 10 & 3) as u8, reserved: r >> 4 },
            2 => LaaMessage::PdschRsp { lbt_handle: h, lbt_pdsch_res: (r & 3) as u8, in_par_sf: r & 4 != 0, sf_status: r & 8 != 0, sfn_sf: (r >> 4 & 0xfff) as u16, reserved: r >> 8 },
            3 => LaaMessage::DrsRsp { lbt_handle: h, lbt_drs_res: r & 1 != 0, reserved: (r >> 1 & 0x7f) as u8 },
            4 => LaaMessage::BufferError { lbt_handle: h, lbt_buf_err: r & 1 != 0, reserved: (r >> 1 & 0x7f) as u8 },
            5 => LaaMessage::CwConfigReq { lbt_handle: h, lbt_cw_config_h: r as u8, lbt_cw_config_t: (r >> 8) as u8, lbt_mode: (r >> 16 & 3) as u8, lbt_traffic_class: (r >> 18 & 7) as u8, reserved: r >> 13 },
            6 => LaaMessage::CwConfigRsp { lbt_handle: h, lbt_cwr_rst: r & 1 != 0, reserved: (r >> 1 & 0x7f) as u8 },
            t => LaaMessage::Reserved { laa_msg_type: t, payload: r.to_be_bytes().to_vec() },
        };
        let payload = message.encode().unwrap();
        let m = CplaneMessage {
            header: DL0,
            num_sections: byte4,
            section_type: SectionType::Laa,
            body: CplaneBody::St7(St7Body { reserved: h, laa_msg_type: t, laa_msg_len: 2, payload: &payload, payload_offset: 9 }),
            trailing: 0,
        };
        let wire = with_offsets(&m);
        let back = CplaneMessage::parse(&wire).unwrap();
        prop_assert_eq!(&back, &m);
        let CplaneBody::St7(b) = &back.body else { panic!() };
        prop_assert_eq!(b.message().unwrap(), message);

        let m = CplaneMessage {
            header: UL0,
            num_sections: byte4,
            section_type: SectionType::AckNack,
            body: CplaneBody::St8(St8Body { acks, nacks }),
            trailing: 0,
        };
        let wire = with_offsets(&m);
        prop_assert_eq!(&CplaneMessage::parse(&wire).unwrap(), &m);
        for n in 0..wire.len() {
            prop_assert!(CplaneMessage::parse(&wire[..n]).is_err());
        }
    }

    #[test]
    fn roundtrip_st10_st11_typed(
        ue in 0u16..0x8000,
        reports in proptest::collection::vec((1u8..8, proptest::collection::vec(any::<i16>(), 0..5), 0u16..0x4000, any::<u16>()), 1..4),
        cmds in proptest::collection::vec((prop_oneof![Just(5u8), 6u8..128], 0u16..0x4000, any::<u16>()), 1..3),
    ) {
        let data: Vec<(u8, u8, MeasReportData)> = reports
            .into_iter()
            .map(|(t, v, sm, r)| {
                let d = match t {
                    1 => MeasReportData::UeTae { ue_tae: v.first().copied().unwrap_or(0), reserved: r },
                    // an even count fills the words exactly
                    2 => MeasReportData::UeLayerPower { powers: if v.len() % 2 == 1 { v[1..].to_vec() } else { v } },
                    3 => MeasReportData::UeFreqOffset { ue_freq_offset: r as i16, reserved: r },
                    4 | 5 => MeasReportData::Ipn { reserved: (r & 3) as u8, symbol_mask: sm, ipn_power: if v.len() % 2 == 0 { [v, vec![7]].concat() } else { v } },
                    6 => MeasReportData::DmrsSnr { values: v },
                    _ => MeasReportData::Unknown { data: r.to_be_bytes().repeat(2) },
                };
                let byte1 = match &d { MeasReportData::DmrsSnr { values } => values.len() as u8, _ => 0 };
                (t, byte1, d)
            })
            .collect();
        let enc: Vec<Vec<u8>> = data.iter().map(|(_, _, d)| d.encode().unwrap()).collect();
        let cdata: Vec<MeasCommandData> = cmds
            .iter()
            .map(|&(t, sm, r)| if t == 5 { MeasCommandData::IpnUnallocated { reserved1: (r & 3) as u8, symbol_mask: sm, reserved2: r } } else { MeasCommandData::Unknown { data: r.to_be_bytes().repeat(2) } })
            .collect();
        let cenc: Vec<Vec<u8>> = cdata.iter().map(|d| d.encode().unwrap()).collect();
        let m10 = CplaneMessage {
            header: UL0,
            num_sections: 1,
            section_type: SectionType::RrmReport,
            body: CplaneBody::St10(St10Body {
                reserved: 0,
                sections: vec![St10Section {
                    section: common_section(3, 12, 14, ue, 0),
                    reports: data.iter().zip(&enc).map(|((t, b1, _), e)| MeasReport::new(*t, *b1, e)).collect(),
                }],
            }),
            trailing: 0,
        };
        let m11 = CplaneMessage {
            header: DL0,
            num_sections: 1,
            section_type: SectionType::RrmRequest,
            body: CplaneBody::St11(St11Body {
                reserved: 7,
                sections: vec![St11Section {
                    section: common_section(4, 12, 14, 0, 0),
                    commands: cmds.iter().zip(&cenc).map(|((t, _, _), e)| MeasCommand::new(*t, e)).collect(),
                }],
            }),
            trailing: 0,
        };
        let w10 = with_offsets(&m10);
        let b10 = CplaneMessage::parse(&w10).unwrap();
        let CplaneBody::St10(b) = &b10.body else { panic!() };
        let got: Vec<MeasReportData> = b.sections[0].reports.iter().map(|r| r.decode().unwrap()).collect();
        prop_assert_eq!(got, data.into_iter().map(|(_, _, d)| d).collect::<Vec<_>>());
        prop_assert_eq!(b.sections[0].section.ue_id(), ue);
        let w11 = with_offsets(&m11);
        let b11 = CplaneMessage::parse(&w11).unwrap();
        let CplaneBody::St11(b) = &b11.body else { panic!() };
        let got: Vec<MeasCommandData> = b.sections[0].commands.iter().map(|c| c.decode().unwrap()).collect();
        prop_assert_eq!(got, cdata);
        for wire in [&w10, &w11] {
            for n in 0..wire.len() {
                prop_assert!(CplaneMessage::parse(&wire[..n]).is_err());
            }
        }
    }
}

/// Run every typed decoder on a parsed message; none may panic, and what
/// decodes re-encodes.
fn exercise(m: &CplaneMessage<'_>, ctx: &CplaneContext) {
    for s in m.body.common_sections() {
        if let Ok(exts) = s.decode_extensions(m.section_type, ctx) {
            for x in exts {
                if let Ok(e) = x.encode() {
                    let _ = e.as_raw().decode(m.section_type, ctx);
                }
                if let SectionExtension::Se1 { comp_hdr, weights } = &x {
                    let _ = weights.expand(*comp_hdr, usize::from(ctx.num_trx.unwrap_or(4)));
                }
            }
        }
        for e in &s.extensions {
            let _ = e.decode(m.section_type, ctx);
        }
    }
    match &m.body {
        CplaneBody::St4(b) => {
            for c in &b.commands {
                if let Ok(d) = c.decode(ctx) {
                    let _ = d.encode();
                }
            }
        }
        CplaneBody::St6(b) => {
            if let St6Sections::Decoded { layout, sections, .. } = &b.sections {
                for s in sections {
                    let _ = s.channel_iq(*layout);
                    let _ = s.decode_extensions(ctx);
                }
            }
        }
        CplaneBody::St7(b) => {
            if let Ok(l) = b.message() {
                let _ = l.encode();
            }
        }
        CplaneBody::St9(b) => {
            if let St9Sections::Decoded { sections, .. } = &b.sections {
                for s in sections {
                    let _ = s.sinr_values();
                }
            }
        }
        CplaneBody::St10(b) => {
            for r in b.sections.iter().flat_map(|s| &s.reports) {
                if let Ok(d) = r.decode() {
                    let _ = d.encode();
                }
            }
        }
        CplaneBody::St11(b) => {
            for c in b.sections.iter().flat_map(|s| &s.commands) {
                if let Ok(d) = c.decode() {
                    let _ = d.encode();
                }
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn typed_decoders_never_panic_on_any_input(
        st in prop_oneof![0u8..=11, Just(200u8)],
        ctx in any_ctx(),
        n in 0u8..4,
        rest in proptest::collection::vec(any::<u8>(), 0..96),
    ) {
        let mut b = hex("10 00 0000");
        b.push(n);
        b.push(st);
        b.extend(rest);
        for m in [CplaneMessage::parse(&b), CplaneMessage::parse_with(&b, &ctx)].into_iter().flatten() {
            exercise(&m, &ctx);
            reencodes(&m, &b)?;
        }
    }

    #[test]
    fn typed_decoders_never_panic_on_mutated_vectors(v in 0..VECTORS.len(), i in any::<usize>(), x in any::<u8>(), ctx in any_ctx()) {
        let mut b = hex(VECTORS[v].wire);
        let i = i % b.len();
        b[i] = x;
        let vctx = VECTORS[v].ctx.map(|c| c()).unwrap_or_default();
        for c in [&ctx, &vctx] {
            for m in [CplaneMessage::parse(&b), CplaneMessage::parse_with(&b, c)].into_iter().flatten() {
                exercise(&m, c);
                reencodes(&m, &b)?;
            }
        }
    }
}

//! O-RAN CUS U-plane conformance: the common radio application header and
//! U-plane sections (IQ data transfer message, eCPRI message type 0).

mod common;

use codecs::ecpri::{self, Payload};
use codecs::framing::{self, FramingConfig};
use codecs::fronthaul::compression::{
    ALL_RES, CompMethod, ModCompParams, PrbIq, PrbParams, UdCompHdr, reference, sres_mask_for_prb,
};
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::fronthaul::uplane::*;
use codecs::{Error, ErrorKind};
use common::hex;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Radio application header
//   byte 0: dataDirection(1: 1 = DL) | payloadVersion(3) | filterIndex(4)
//   byte 1: frameId(8)
//   byte 2-3: subframeId(4) | slotId(6) | startSymbolId / symbolId(6)
// ---------------------------------------------------------------------------

const HEADER_VECTORS: &[(&str, &str, RadioAppHeader)] = &[
    (
        "DL, version 1, filterIndex 0 (standard channel filter), symbol 2",
        "90 | 00 | 0002",
        RadioAppHeader {
            direction: Direction::Downlink,
            payload_version: 1,
            filter_index: 0,
            frame_id: 0,
            subframe_id: 0,
            slot_id: 0,
            symbol_id: 2,
        },
    ),
    (
        // 0|001|0001 ; 255 ; 1001|000001|001101
        "UL, filterIndex 1 (PRACH formats 0-2), frame 255 subframe 9 slot 1 symbol 13",
        "11 | ff | 904d",
        RadioAppHeader {
            direction: Direction::Uplink,
            payload_version: 1,
            filter_index: 1,
            frame_id: 255,
            subframe_id: 9,
            slot_id: 1,
            symbol_id: 13,
        },
    ),
    (
        "every field at its maximum (reserved values decoded, not rejected)",
        "ff | ff | ffff",
        RadioAppHeader {
            direction: Direction::Downlink,
            payload_version: 7,
            filter_index: 15,
            frame_id: 255,
            subframe_id: 15,
            slot_id: 63,
            symbol_id: 63,
        },
    ),
];

#[test]
fn radio_app_header_vectors() {
    for (clause, wire, h) in HEADER_VECTORS {
        let wire = hex(wire);
        assert_eq!(RadioAppHeader::parse(&wire).unwrap(), *h, "{clause}");
        let mut out = Vec::new();
        h.emit(&mut out).unwrap();
        assert_eq!(out, wire, "{clause}");
        for n in 0..4 {
            let e = RadioAppHeader::parse(&wire[..n]).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{clause}: {n}");
        }
    }
}

#[test]
fn radio_app_header_emit_rejects_wide_fields() {
    let h = HEADER_VECTORS[0].2;
    let cases: [(RadioAppHeader, u8); 5] = [
        (
            RadioAppHeader {
                payload_version: 8,
                ..h
            },
            3,
        ),
        (RadioAppHeader { filter_index: 16, ..h }, 4),
        (RadioAppHeader { subframe_id: 16, ..h }, 4),
        (RadioAppHeader { slot_id: 64, ..h }, 6),
        (RadioAppHeader { symbol_id: 64, ..h }, 6),
    ];
    for (bad, bits) in cases {
        let e = bad.emit(&mut Vec::new()).unwrap_err();
        assert!(
            matches!(e.kind, ErrorKind::FieldOverflow { bits: b, .. } if b == bits),
            "{bad:?}: {e}"
        );
    }
}

proptest! {
    #[test]
    fn roundtrip_radio_app_header(b in any::<[u8; 4]>()) {
        let h = RadioAppHeader::parse(&b).unwrap();
        let mut out = Vec::new();
        h.emit(&mut out).unwrap();
        prop_assert_eq!(&out[..], &b[..]);
    }
}

// ---------------------------------------------------------------------------
// U-plane sections
//   sectionId(12) | rb(1) | symInc(1) | startPrbu(10)
//   numPrbu(8)                         0 = all PRBs
//   [udCompHdr(8) reserved(8)]         dynamic only
//   [udCompLen(16)]                    udCompMeth 5-8, when configured
//   [reserved(4) sReSMask1(12) reserved(4) sReSMask2(12)]   udCompMeth 7, 8
//   PRBs: [udCompParam] 2 samples of udIqWidth bits per carried RE, padded
//   to a byte (12 REs for methods 0-4; the sReSMask's REs for 5-8)
// ---------------------------------------------------------------------------

const BFP4: UdCompHdr = UdCompHdr {
    iq_width: 4,
    method: CompMethod::Bfp,
};
const BFP9: UdCompHdr = UdCompHdr {
    iq_width: 9,
    method: CompMethod::Bfp,
};

fn cfg(comp: UdCompMode, carrier_prbs: u16, ud_comp_len: bool) -> UplaneConfig {
    UplaneConfig {
        comp,
        carrier_prbs,
        ud_comp_len,
    }
}

fn sec(
    section_id: u16,
    rb: bool,
    sym_inc: bool,
    start_prb: u16,
    num_prb: u8,
    iq: &'static [u8],
    offset: usize,
) -> UplaneSection<'static> {
    UplaneSection {
        section_id,
        rb,
        sym_inc,
        start_prb,
        num_prb,
        ud_comp_hdr: None,
        reserved: 0,
        ud_comp_len: None,
        iq,
        offset,
    }
}

const DL_SYM2: RadioAppHeader = HEADER_VECTORS[0].2;

struct Vector {
    clause: &'static str,
    wire: &'static str,
    cfg: UplaneConfig,
    msg: fn() -> UplaneMessage<'static>,
    /// Offsets where a section ends (a prefix ending there is itself valid).
    section_ends: &'static [usize],
}

// BFP 4-bit PRB: exponent byte reserved(4)|exponent(4), then 24 x 4 bits = 12 bytes.
const PRB_BFP4_A: &[u8] = &[
    0x05, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xf0, 0x0f, 0x77, 0x88,
];
const PRB_BFP4_AB: &[u8] = &[
    0x05, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xf0, 0x0f, 0x77, 0x88, //
    0xf0, 0x88, 0x77, 0x0f, 0xf0, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
];

const VECTORS: &[Vector] = &[
    Vector {
        // sectionId 0xABC | rb 1 | symInc 0 | startPrbu 341 -> ab c9 55 ; numPrbu 2 ;
        // static udCompHdr BFP 4-bit (M-plane): 2 x 13 bytes
        clause: "U-plane section, static udCompHdr, rb and startPrbu",
        wire: "90000002 | abc955 | 02 | 05 0123456789abcdeff00f7788 | f0 88770ff0efcdab8967452301",
        cfg: UplaneConfig {
            comp: UdCompMode::Static(BFP4),
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![sec(0xabc, true, false, 341, 2, PRB_BFP4_AB, 4)],
        },
        section_ends: &[34],
    },
    Vector {
        // two sections repeat until the payload ends; the second has symInc 1
        // (sectionId 2 | rb 0 | symInc 1 | startPrbu 1 -> 00 24 01)
        clause: "U-plane sections repeat until the payload ends",
        wire: "90000002 | 001000 | 01 | 05 0123456789abcdeff00f7788 | 002401 | 01 | 05 0123456789abcdeff00f7788",
        cfg: UplaneConfig {
            comp: UdCompMode::Static(BFP4),
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![
                sec(1, false, false, 0, 1, PRB_BFP4_A, 4),
                sec(2, false, true, 1, 1, PRB_BFP4_A, 21),
            ],
        },
        section_ends: &[21, 38],
    },
    Vector {
        // numPrbu 0 = all PRBs of the carrier (2 here, from configuration)
        clause: "U-plane numPrbu 0 means every PRB of the carrier",
        wire: "90000002 | 003000 | 00 | 05 0123456789abcdeff00f7788 | f0 88770ff0efcdab8967452301",
        cfg: UplaneConfig {
            comp: UdCompMode::Static(BFP4),
            carrier_prbs: 2,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![sec(3, false, false, 0, 0, PRB_BFP4_AB, 4)],
        },
        section_ends: &[34],
    },
    Vector {
        // dynamic: udCompHdr(8) reserved(8) in every section, each section its
        // own format: 0x41 = BFP 4-bit (13 bytes/PRB), then 0x20 = none 2-bit
        // (6 bytes/PRB) with the reserved byte non-zero (kept, not rejected)
        clause: "U-plane dynamic udCompHdr per section",
        wire: "90000002 | 001000 | 01 | 41 00 | 05 0123456789abcdeff00f7788 | 002000 | 01 | 20 5a | 0123456789ab",
        cfg: UplaneConfig {
            comp: UdCompMode::Dynamic,
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![
                UplaneSection {
                    ud_comp_hdr: Some(BFP4),
                    ..sec(1, false, false, 0, 1, PRB_BFP4_A, 4)
                },
                UplaneSection {
                    ud_comp_hdr: Some(UdCompHdr {
                        iq_width: 2,
                        method: CompMethod::None,
                    }),
                    reserved: 0x5a,
                    ..sec(2, false, false, 0, 1, &[0x01, 0x23, 0x45, 0x67, 0x89, 0xab], 23)
                },
            ],
        },
        section_ends: &[23, 35],
    },
    Vector {
        // udCompMeth 5 (BFP + selective RE): the PRB length depends on the
        // mask, so udCompLen(16) = 12 bytes from sectionId says where it ends
        clause: "U-plane udCompLen for selective-RE methods",
        wire: "10000002 | 001000 | 01 | 45 00 | 000c | 0305 ab00",
        cfg: UplaneConfig {
            comp: UdCompMode::Dynamic,
            carrier_prbs: 273,
            ud_comp_len: true,
        },
        msg: || UplaneMessage {
            header: RadioAppHeader {
                direction: Direction::Uplink,
                ..DL_SYM2
            },
            sections: vec![UplaneSection {
                ud_comp_hdr: Some(UdCompHdr {
                    iq_width: 4,
                    method: CompMethod::BfpSelectiveRe,
                }),
                ud_comp_len: Some(12),
                ..sec(1, false, false, 0, 1, &[0x03, 0x05, 0xab, 0x00], 4)
            }],
        },
        section_ends: &[16],
    },
    Vector {
        // udCompMeth 5 without udCompLen: the PRBs are walked by their own
        // sReSMask. PRB 0: 0405 = mask RE1, RE3 (0x005), exponent 4, then
        // 2 REs x 2 x 4 bits (6c00); PRB 1: f0ff = all 12 REs, exponent 0,
        // then 12 bytes.
        clause: "U-plane udCompMeth 5 delimited by each PRB's sReSMask",
        wire: "90000002 | 001000 | 02 | 0405 6c00 | f0ff 0123456789abcdeff00f7788",
        cfg: UplaneConfig {
            comp: UdCompMode::Static(BFP_SRE4),
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![sec(1, false, false, 0, 2, IQ_SRE5, 4)],
        },
        section_ends: &[26],
    },
    Vector {
        // udCompMeth 8 (dynamic 0x48, 4-bit), 3 PRBs, rb 0: sReSMask1 0x003
        // (RE1, RE2) for PRBs 0 and 2, sReSMask2 0x00c (RE3, RE4) for PRB 1;
        // each PRB 2 REs x 2 x 4 bits = 2 bytes, no udCompParam.
        clause: "U-plane udCompMeth 8 delimited by sReSMask1/sReSMask2 alternating per PRB",
        wire: "90000002 | 002000 | 03 | 48 00 | 0003 000c | 1234 | 5678 | 9abc",
        cfg: UplaneConfig {
            comp: UdCompMode::Dynamic,
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![UplaneSection {
                ud_comp_hdr: Some(UdCompHdr {
                    iq_width: 4,
                    method: CompMethod::ModSelectiveReMasks,
                }),
                ..sec(2, false, false, 0, 3, IQ_MOD8, 4)
            }],
        },
        section_ends: &[20],
    },
    Vector {
        // udCompMeth 7 (static, 2-bit), rb 1 (sectionId 3 | rb 1 -> 003800):
        // sReSMask2 (0xfff) is ignored, every PRB uses sReSMask1 (RE1 only):
        // exponent byte + 1 RE x 2 x 2 bits = 2 bytes per PRB. (With
        // sReSMask2, PRB 1 would be 1 + 6 bytes.)
        clause: "U-plane udCompMeth 7 with rb = 1 applies sReSMask1 to every PRB",
        wire: "90000002 | 003800 | 02 | 0001 0fff | 01c0 | 0240",
        cfg: UplaneConfig {
            comp: UdCompMode::Static(BFP_MASKS2),
            carrier_prbs: 273,
            ud_comp_len: false,
        },
        msg: || UplaneMessage {
            header: DL_SYM2,
            sections: vec![sec(3, true, false, 0, 2, IQ_BFP7, 4)],
        },
        section_ends: &[16],
    },
];

const BFP_SRE4: UdCompHdr = UdCompHdr {
    iq_width: 4,
    method: CompMethod::BfpSelectiveRe,
};
const BFP_MASKS2: UdCompHdr = UdCompHdr {
    iq_width: 2,
    method: CompMethod::BfpSelectiveReMasks,
};
const IQ_SRE5: &[u8] = &[
    0x04, 0x05, 0x6c, 0x00, 0xf0, 0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xf0, 0x0f, 0x77, 0x88,
];
const IQ_MOD8: &[u8] = &[0x00, 0x03, 0x00, 0x0c, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc];
const IQ_BFP7: &[u8] = &[0x00, 0x01, 0x0f, 0xff, 0x01, 0xc0, 0x02, 0x40];

#[test]
fn uplane_vectors_decode() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let m = UplaneMessage::parse(&wire, &v.cfg).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(m, (v.msg)(), "{}", v.clause);
    }
}

#[test]
fn uplane_vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        (v.msg)().emit(&mut out).unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn uplane_vectors_prefixes() {
    // Sections repeat until the payload ends, so a prefix that ends exactly
    // where a section ends (or right after the radio application header) is
    // a valid, shorter message: it must decode to the sections before that
    // point. Every other prefix must be an error.
    for v in VECTORS {
        let wire = hex(v.wire);
        let full = (v.msg)();
        for n in 0..wire.len() {
            match UplaneMessage::parse(&wire[..n], &v.cfg) {
                Ok(m) => {
                    let k = v.section_ends.iter().position(|&e| e == n).map(|i| i + 1);
                    assert!(n == 4 || k.is_some(), "{}: prefix {n} decoded: {m:?}", v.clause);
                    assert_eq!(m.header, full.header);
                    assert_eq!(m.sections, full.sections[..k.unwrap_or(0)], "{}: {n}", v.clause);
                    assert_ne!(m, full);
                }
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
fn uplane_prbs_beyond_payload_is_bad_length_at_num_prbu() {
    // second section (at 21) claims 2 PRBs (26 bytes), 13 are there
    let wire = hex("90000002 | 001000 | 01 | 05 0123456789abcdeff00f7788 | 002401 | 02 | 05 0123456789abcdeff00f7788");
    let e = UplaneMessage::parse(&wire, &VECTORS[1].cfg).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            claimed: 26,
            actual: 13
        }
    );
    assert_eq!(e.offset, 24);
}

#[test]
fn uplane_wrong_bit_width_guess_is_an_error_not_a_misread() {
    // The real capture with 14-bit BFP assumed: 106 x 43 bytes do not fit.
    let frame = hex(common::capture::CAPTURE_FRAME_4_UPLANE);
    let data = &frame[26..];
    let bfp14 = UdCompHdr {
        iq_width: 14,
        method: CompMethod::Bfp,
    };
    let e = UplaneMessage::parse(data, &cfg(UdCompMode::Static(bfp14), 106, false)).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::BadLength {
            claimed: 106 * 43,
            actual: 106 * 28
        }
    );
    assert_eq!(e.offset, 7);
}

#[test]
fn uplane_selective_re_without_ud_comp_len_walks_the_prbs() {
    for m in 5..=8u8 {
        let wire = [0x90, 0, 0, 2, 0x00, 0x10, 0x00, 0x01, 0x40 | m, 0x00, 0x00, 0x08];
        // Without udCompLen the PRBs are walked: for 5 and 6, 00 08 is the
        // PRB's udCompParam (mask RE4: 1 RE x 2 x 4 bits = 1 byte, so 3
        // bytes, 2 there); 7 and 8 first need the 4 bytes of sReSMask1/2.
        let e = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 10, false)).unwrap_err();
        let want = if m < 7 {
            Error::truncated(10, 3, 2, "U-plane section PRB")
        } else {
            Error::truncated(10, 4, 2, "U-plane sReSMask1/sReSMask2")
        };
        assert_eq!(e, want, "{m}");
        // With udCompLen, 8 = the header alone: fine for 5 and 6 (the PRBs
        // are checked when decompressing), too short for 7 and 8, whose
        // sReSMask1/2 belong to the section.
        let r = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 10, true));
        if m < 7 {
            let ok = r.unwrap();
            assert_eq!(ok.sections[0].ud_comp_len, Some(8));
            assert!(ok.sections[0].iq.is_empty());
            let h = ok.sections[0].ud_comp_hdr.unwrap();
            let e = ok.sections[0]
                .decompress(h, 10, &PrbParams::modulation(QPSK), &mut Vec::new(), None)
                .unwrap_err();
            assert_eq!(e, Error::truncated(12, 2, 0, "compressed PRB"));
        } else {
            assert_eq!(
                r.unwrap_err(),
                Error::invalid(10, "udCompLen", "U-plane section header")
            );
        }
    }
    // reserved methods 9-15 have no known PRB length, udCompLen or not
    for len in [false, true] {
        let wire = [0x90, 0, 0, 2, 0x00, 0x10, 0x00, 0x01, 0x49, 0x00, 0x00, 0x08];
        let e = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 10, len)).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Unsupported(_)));
    }
}

const QPSK: ModCompParams = ModCompParams {
    csf: true,
    scaler: 1448,
};

#[test]
fn uplane_section_decompress_per_method() {
    // Sections borrow the wire: parse a leaked copy so they can be returned.
    let leak = |v: &Vector| -> (UplaneSection<'static>, UdCompMode) {
        let wire: &'static [u8] = Vec::leak(hex(v.wire));
        let m = UplaneMessage::parse(wire, &v.cfg).unwrap();
        (m.sections[0], v.cfg.comp)
    };
    // Method 5 (vector 5): PRB 0 carries RE1 = (6, -4) << 4 and RE3 = 0;
    // PRB 1 all 12 REs at exponent 0, the 4-bit samples of 0123..7788.
    let (s, mode) = leak(&VECTORS[5]);
    let h = s.comp_hdr(mode).unwrap();
    let (mut out, mut masks) = (vec![], vec![]);
    assert_eq!(
        s.decompress(h, 273, &PrbParams::default(), &mut out, Some(&mut masks)),
        Ok(2)
    );
    assert_eq!(masks, [0x005, ALL_RES]);
    let mut want = vec![0i16; 48];
    want[..2].copy_from_slice(&[96, -64]);
    want[24..].copy_from_slice(&[
        0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, -1, 0, 0, -1, 7, 7, -8, -8,
    ]);
    assert_eq!(out, want);
    // Method 8 (vector 6): masks 0x003, 0x00c, 0x003; codes 1 2 3 4 | 5 6 7 8 | -6 -5 -4 -3.
    let (s, mode) = leak(&VECTORS[6]);
    let h = s.comp_hdr(mode).unwrap();
    assert_eq!(s.selective_re_masks(h), Some((0x003, 0x00c)));
    assert_eq!(s.prb_bytes(h), &IQ_MOD8[4..]);
    let p = PrbParams::modulation(ModCompParams {
        csf: false,
        scaler: 1024,
    });
    let (mut out, mut masks) = (vec![], vec![]);
    assert_eq!(s.decompress(h, 273, &p, &mut out, Some(&mut masks)), Ok(3));
    assert_eq!(masks, [0x003, 0x00c, 0x003]);
    // csf 0, w 4, scaler 1024 / 2048: y = c / 8 * 0.5 * 2^15 = 2048 c.
    let y = |c: i16| c * 2048;
    assert_eq!(&out[..4], &[y(1), y(2), y(3), y(4)]);
    assert!(out[4..24].iter().all(|&v| v == 0));
    assert_eq!(&out[24..28], &[0; 4]);
    assert_eq!(&out[28..32], &[y(5), y(6), y(7), -y(8)]);
    assert_eq!(&out[48..52], &[y(-7), y(-6), y(-5), y(-4)]);
    // Without csf/scaler, modulation cannot be decompressed.
    assert!(s.decompress(h, 273, &PrbParams::default(), &mut out, None).is_err());
    assert_eq!(out.len(), 72, "out unchanged on error");
    // Method 7, rb 1 (vector 7): both PRBs use sReSMask1 (RE1 only).
    let (s, mode) = leak(&VECTORS[7]);
    let h = s.comp_hdr(mode).unwrap();
    let (mut out, mut masks) = (vec![], vec![]);
    assert_eq!(
        s.decompress(h, 273, &PrbParams::default(), &mut out, Some(&mut masks)),
        Ok(2)
    );
    assert_eq!(masks, [0x001, 0x001]);
    // c0 = 11 00: (-1, 0) << 1; 40 = 01 00: (1, 0) << 2.
    assert_eq!((out[0], out[1], out[24], out[25]), (-2, 0, 4, 0));
    // Method 5 with udCompLen (vector 4): 0305 ab00 = RE1, RE3 at exponent 3.
    let (s, mode) = leak(&VECTORS[4]);
    let h = s.comp_hdr(mode).unwrap();
    let mut out = vec![];
    s.decompress(h, 273, &PrbParams::default(), &mut out, None).unwrap();
    assert_eq!(&out[..6], &[-48, -40, 0, 0, 0, 0]);
    // Fixed-length methods go through the same call.
    let (s, mode) = leak(&VECTORS[0]);
    let mut out = vec![];
    assert_eq!(
        s.decompress(s.comp_hdr(mode).unwrap(), 273, &PrbParams::default(), &mut out, None),
        Ok(2)
    );
    assert_eq!(out.len(), 48);
}

#[test]
fn uplane_ud_comp_len_disagreeing_with_prbs_is_reported_on_decompress() {
    // udCompLen 13 says 5 bytes follow it; the PRB (mask RE1, RE3) takes 4.
    let wire: &'static [u8] = Vec::leak(hex("10000002 | 001000 | 01 | 45 00 | 000d | 0305 ab00 ff"));
    let m = UplaneMessage::parse(wire, &cfg(UdCompMode::Dynamic, 273, true)).unwrap();
    let s = m.sections[0];
    assert_eq!(s.iq_offset(), 12);
    let mut out = vec![1i16];
    let e = s
        .decompress(s.ud_comp_hdr.unwrap(), 273, &PrbParams::default(), &mut out, None)
        .unwrap_err();
    assert_eq!(
        e,
        Error::new(ErrorKind::BadLength { claimed: 5, actual: 4 }, 10, "U-plane udCompLen")
    );
    assert_eq!(out, [1]);
}

#[test]
fn uplane_emit_writes_ud_comp_len_and_refuses_what_parse_would_misread() {
    let hdr5 = UdCompHdr::new(4, CompMethod::BfpSelectiveRe);
    let s = UplaneSection {
        ud_comp_hdr: Some(hdr5),
        ud_comp_len: Some(999), // ignored: the real length is written
        ..sec(1, false, false, 0, 1, &[0x03, 0x05, 0xab, 0x00], 4)
    };
    let msg = |s| UplaneMessage {
        header: DL_SYM2,
        sections: vec![s],
    };
    let mut out = Vec::new();
    msg(s).emit(&mut out).unwrap();
    assert_eq!(out, hex("90000002 | 001000 | 01 | 45 00 | 000c | 0305 ab00"));
    let back = UplaneMessage::parse(&out, &cfg(UdCompMode::Dynamic, 273, true)).unwrap();
    assert_eq!(back.sections[0].ud_comp_len, Some(12));
    // udCompLen on a dynamic section of method 0-4: a parser would not read it.
    let bad = UplaneSection {
        ud_comp_hdr: Some(BFP4),
        ..s
    };
    assert!(matches!(
        msg(bad).emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
    // Methods 7/8 without room for sReSMask1/2.
    let bad = UplaneSection {
        ud_comp_hdr: Some(UdCompHdr::new(4, CompMethod::BfpSelectiveReMasks)),
        iq: &[0, 1, 0],
        ..s
    };
    assert!(matches!(
        msg(bad).emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
    // A section longer than udCompLen's 16 bits can say.
    let big: &'static [u8] = Vec::leak(vec![0u8; 70_000]);
    let bad = UplaneSection { iq: big, ..s };
    assert!(matches!(
        msg(bad).emit(&mut Vec::new()).unwrap_err().kind,
        ErrorKind::FieldOverflow { bits: 16, .. }
    ));
}

#[test]
fn uplane_compress_section_iq_round_trip() {
    // Method 7, 9-bit, rb 0, 3 PRBs: masks 0x003 / 0x00c alternate.
    let hdr = UdCompHdr::new(9, CompMethod::BfpSelectiveReMasks);
    let iq: Vec<i16> = (0..72).map(|i| (i as i16 - 36) * 321).collect();
    let mut bytes = Vec::new();
    compress_section_iq(hdr, false, (0x003, 0x00c), &PrbParams::default(), &iq, &mut bytes).unwrap();
    // masks, then PRBs of 1 + ceil(2 REs x 2 x 9 / 8) = 6 bytes
    assert_eq!(&bytes[..4], &[0x00, 0x03, 0x00, 0x0c]);
    assert_eq!(bytes.len(), 4 + 3 * 6);
    let section = UplaneSection {
        ud_comp_hdr: Some(hdr),
        ..sec(9, false, false, 10, 3, Vec::leak(bytes), 4)
    };
    let msg = UplaneMessage {
        header: DL_SYM2,
        sections: vec![section],
    };
    let mut wire = Vec::new();
    msg.emit(&mut wire).unwrap();
    let back = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 273, false)).unwrap();
    assert_eq!(back, msg);
    let (mut out, mut masks) = (vec![], vec![]);
    back.sections[0]
        .decompress(hdr, 273, &PrbParams::default(), &mut out, Some(&mut masks))
        .unwrap();
    assert_eq!(masks, [0x003, 0x00c, 0x003]);
    for (i, (x, y)) in iq.iter().zip(&out).enumerate() {
        let (prb, re) = (i / 24, i % 24 / 2);
        let mask = sres_mask_for_prb(0x003, 0x00c, false, prb);
        if mask >> re & 1 == 1 {
            // BFP: 0 <= x - y < 2^e, e <= 7 for these magnitudes.
            assert!((0..128).contains(&(x - y)), "{i}: {x} {y}");
        } else {
            assert_eq!(*y, 0);
        }
    }
    // Masks above 12 bits are refused.
    let e = compress_section_iq(hdr, false, (0x1003, 0), &PrbParams::default(), &iq, &mut Vec::new()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::FieldOverflow { bits: 12, .. }));
}

#[test]
fn uplane_ud_comp_len_shorter_than_header_or_beyond_payload() {
    // udCompLen 0 and 1 are reserved; anything below the 8 header bytes cannot advance
    for l in [0u8, 1, 7] {
        let wire = [0x90, 0, 0, 2, 0x00, 0x10, 0x00, 0x01, 0x45, 0x00, 0x00, l];
        let e = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 10, true)).unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::Invalid("udCompLen"), 10));
    }
    let wire = [0x90, 0, 0, 2, 0x00, 0x10, 0x00, 0x01, 0x45, 0x00, 0x00, 0x10, 1, 2];
    let e = UplaneMessage::parse(&wire, &cfg(UdCompMode::Dynamic, 10, true)).unwrap_err();
    assert_eq!((e.kind, e.offset), (ErrorKind::BadLength { claimed: 8, actual: 2 }, 10));
}

#[test]
fn uplane_selective_re_masks_in_section_header() {
    // udCompMeth 7: reserved(4) sReSMask1(12) reserved(4) sReSMask2(12) after udCompLen
    let hdr = UdCompHdr {
        iq_width: 9,
        method: CompMethod::BfpSelectiveReMasks,
    };
    let wire = hex("90000002 | 001000 | 01 | 000d | fabc f123 | 07 aabb");
    let m = UplaneMessage::parse(&wire, &cfg(UdCompMode::Static(hdr), 10, true)).unwrap();
    let s = m.sections[0];
    assert_eq!(s.ud_comp_len, Some(13));
    assert_eq!(s.selective_re_masks(hdr), Some((0xabc, 0x123)));
    assert_eq!(s.selective_re_masks(BFP9), None);
}

#[test]
fn uplane_emit_rejects_wide_fields() {
    let mut s = sec(4096, false, false, 0, 1, &[], 0);
    let m = |s| UplaneMessage {
        header: DL_SYM2,
        sections: vec![s],
    };
    let e = m(s).emit(&mut Vec::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 12, value: 4096 });
    s.section_id = 0;
    s.start_prb = 1024;
    let e = m(s).emit(&mut Vec::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::FieldOverflow { bits: 10, value: 1024 });
}

#[test]
fn uplane_prb_count() {
    let s = sec(0, false, false, 0, 0, &[], 0);
    assert_eq!(s.prb_count(273), 273);
    assert_eq!(UplaneSection { num_prb: 255, ..s }.prb_count(273), 255);
}

#[test]
fn real_capture_uplane_bfp9_static() {
    // fh_1x1.pcap frame 4: VLAN 21, eCPRI IQ data, pcid 0, seqId 32, DL symbol 2,
    // one section of 106 PRBs, BFP 9-bit configured statically.
    let frame = hex(common::capture::CAPTURE_FRAME_4_UPLANE);
    let f = framing::parse_frame(&frame, &FramingConfig::default()).unwrap();
    let pdu = ecpri::parse_pdu_with_trailer(f.ecpri).unwrap();
    assert_eq!(pdu.trailing, 0);
    assert_eq!(pdu.messages[0].header.payload_size, 2980);
    let Payload::IqData { pc_id, seq_id, data } = pdu.messages[0].payload else {
        panic!()
    };
    assert_eq!(
        (pc_id, seq_id.sequence_id, seq_id.e_bit, seq_id.sub_sequence_id),
        (0, 32, true, 0)
    );
    let m = UplaneMessage::parse(data, &cfg(UdCompMode::Static(BFP9), 106, false)).unwrap();
    assert_eq!(m.header, DL_SYM2);
    assert_eq!(m.sections.len(), 1);
    let s = m.sections[0];
    assert_eq!(
        (s.section_id, s.rb, s.sym_inc, s.start_prb, s.num_prb),
        (0, false, false, 0, 106)
    );
    assert_eq!(s.iq.len(), 106 * 28);
    // Exponents as Wireshark 4.0 shows them (oran_fh_cus.exponent, iq width 9)
    let exps: Vec<u8> = s.iq.chunks(28).map(|p| p[0] & 0x0f).collect();
    let mut want = vec![7u8; 106];
    want[..5].fill(0);
    want[16..21].fill(0);
    assert_eq!(exps, want);
    // Re-emitting every layer reproduces the frame byte for byte.
    let mut up = Vec::new();
    m.emit(&mut up).unwrap();
    assert_eq!(up, data);
    let mut pdu_out = Vec::new();
    ecpri::emit_pdu(&pdu.messages, &mut pdu_out).unwrap();
    let mut built = Vec::new();
    uplane_pdu(pc_id, seq_id, &m, &mut built).unwrap();
    assert_eq!(built, pdu_out);
    let mut out = Vec::new();
    framing::emit_frame(&f.eth, None, &pdu_out, &mut out).unwrap();
    assert_eq!(out, frame);
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

fn fixed_len_hdr() -> impl Strategy<Value = UdCompHdr> {
    (1u8..=16, 0u8..=4).prop_map(|(w, m)| UdCompHdr {
        iq_width: w,
        method: CompMethod::from_u4(m),
    })
}

#[derive(Debug, Clone)]
struct SecSpec {
    id: u16,
    rb: bool,
    sym_inc: bool,
    start: u16,
    num: u8,
    hdr: UdCompHdr,
    reserved: u8,
    seed: u8,
}

fn sec_spec(hdr: BoxedStrategy<UdCompHdr>) -> impl Strategy<Value = SecSpec> {
    (
        0u16..4096,
        any::<bool>(),
        any::<bool>(),
        0u16..1024,
        0u8..6,
        hdr,
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(id, rb, sym_inc, start, num, hdr, reserved, seed)| SecSpec {
            id,
            rb,
            sym_inc,
            start,
            num,
            hdr,
            reserved,
            seed,
        })
}

/// Owned IQ bytes for each section, then the message borrowing them.
fn build<'a>(header: RadioAppHeader, specs: &[SecSpec], iqs: &'a [Vec<u8>], dynamic: bool) -> UplaneMessage<'a> {
    let mut off = 4;
    let sections = specs
        .iter()
        .zip(iqs)
        .map(|(s, iq)| {
            let ud_comp_len = (dynamic && s.hdr.prb_len().is_none()).then(|| (8 + iq.len()) as u16);
            let sec = UplaneSection {
                section_id: s.id,
                rb: s.rb,
                sym_inc: s.sym_inc,
                start_prb: s.start,
                num_prb: s.num,
                ud_comp_hdr: dynamic.then_some(s.hdr),
                reserved: if dynamic { s.reserved } else { 0 },
                ud_comp_len,
                iq,
                offset: off,
            };
            off += 4 + if dynamic { 2 } else { 0 } + if ud_comp_len.is_some() { 2 } else { 0 } + iq.len();
            sec
        })
        .collect();
    UplaneMessage { header, sections }
}

fn iq_for(s: &SecSpec, carrier: u16) -> Vec<u8> {
    let prbs = if s.num == 0 {
        usize::from(carrier)
    } else {
        usize::from(s.num)
    };
    // Methods 5-8 (delimited by udCompLen here) get arbitrary bytes, after
    // room for sReSMask1/2 for 7 and 8.
    let len = match s.hdr.prb_len() {
        Some(l) => prbs * l,
        None => usize::from(s.seed % 40) + if s.hdr.method.has_section_masks() { 4 } else { 0 },
    };
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(s.seed))
        .collect()
}

fn header_strategy() -> impl Strategy<Value = RadioAppHeader> {
    any::<[u8; 4]>().prop_map(|b| RadioAppHeader::parse(&b).unwrap())
}

proptest! {
    #[test]
    fn roundtrip_uplane_static(
        header in header_strategy(),
        hdr in fixed_len_hdr(),
        specs in proptest::collection::vec(sec_spec(Just(BFP9).boxed()), 1..4),
        carrier in 1u16..8,
    ) {
        let specs: Vec<SecSpec> = specs.into_iter().map(|s| SecSpec { hdr, ..s }).collect();
        let iqs: Vec<Vec<u8>> = specs.iter().map(|s| iq_for(s, carrier)).collect();
        let msg = build(header, &specs, &iqs, false);
        let mut out = Vec::new();
        msg.emit(&mut out).unwrap();
        let c = cfg(UdCompMode::Static(hdr), carrier, false);
        prop_assert_eq!(UplaneMessage::parse(&out, &c).unwrap(), msg);
    }

    #[test]
    fn roundtrip_uplane_dynamic(
        header in header_strategy(),
        specs in proptest::collection::vec(
            sec_spec(prop_oneof![fixed_len_hdr(), (1u8..=16, 5u8..=8).prop_map(|(w, m)| UdCompHdr { iq_width: w, method: CompMethod::from_u4(m) })].boxed()),
            1..4,
        ),
        carrier in 1u16..8,
    ) {
        let iqs: Vec<Vec<u8>> = specs.iter().map(|s| iq_for(s, carrier)).collect();
        let msg = build(header, &specs, &iqs, true);
        let mut out = Vec::new();
        msg.emit(&mut out).unwrap();
        let c = cfg(UdCompMode::Dynamic, carrier, true);
        let back = UplaneMessage::parse(&out, &c).unwrap();
        prop_assert_eq!(&back, &msg);
        // every prefix: an error, or a valid shorter message ending on a section boundary
        for n in 0..out.len() {
            if let Ok(m) = UplaneMessage::parse(&out[..n], &c) {
                let k = m.sections.len();
                prop_assert!(k < msg.sections.len());
                prop_assert_eq!(&m.sections[..], &msg.sections[..k]);
                let end = if k < msg.sections.len() { msg.sections[k].offset } else { out.len() };
                prop_assert_eq!(n, end);
            }
        }
    }

    #[test]
    fn roundtrip_selective_re_sections(
        header in header_strategy(),
        m in 5u8..=8,
        w in 1u8..=16,
        rb in any::<bool>(),
        num in 1u8..5,
        masks in (0u16..=0xfff, 0u16..=0xfff),
        prb_masks in proptest::collection::vec(0u16..=0xfff, 4),
        dynamic in any::<bool>(),
        with_len in any::<bool>(),
        values in proptest::collection::vec(any::<i16>(), 4 * 24),
        (csf, scaler) in (any::<bool>(), 1u16..0x7fff),
    ) {
        let hdr = UdCompHdr::new(w, CompMethod::from_u4(m));
        let params = PrbParams::modulation(ModCompParams::new(csf, scaler));
        let n = usize::from(num);
        let iq = &values[..24 * n];
        // 7/8: the section's masks; 5/6: each PRB its own.
        let mask_of = |i: usize| if m >= 7 { sres_mask_for_prb(masks.0, masks.1, rb, i) } else { prb_masks[i] };
        let mut bytes = Vec::new();
        if m >= 7 {
            compress_section_iq(hdr, rb, masks, &params, iq, &mut bytes).unwrap();
        } else {
            for (i, x) in iq.chunks(24).enumerate() {
                let x: &PrbIq = x.try_into().unwrap();
                codecs::fronthaul::compression::compress_prb_with(hdr, &params.with_sres_mask(mask_of(i)), x, &mut bytes).unwrap();
            }
        }
        let head = 4 + if dynamic { 2 } else { 0 } + if with_len { 2 } else { 0 };
        let msg = UplaneMessage {
            header,
            sections: vec![UplaneSection {
                ud_comp_hdr: dynamic.then_some(hdr),
                ud_comp_len: with_len.then_some((head + bytes.len()) as u16),
                ..sec(5, rb, false, 7, num, Vec::leak(bytes.clone()), 4)
            }],
        };
        let mut wire = Vec::new();
        msg.emit(&mut wire).unwrap();
        let mode = if dynamic { UdCompMode::Dynamic } else { UdCompMode::Static(hdr) };
        let c = cfg(mode, 273, with_len);
        prop_assert_eq!(&UplaneMessage::parse(&wire, &c).unwrap(), &msg);
        for cut in 5..wire.len() {
            prop_assert!(UplaneMessage::parse(&wire[..cut], &c).is_err(), "prefix {} decoded", cut);
        }
        // The section decompresses PRB by PRB as the reference does.
        let (mut out, mut got_masks) = (Vec::new(), Vec::new());
        let s = msg.sections[0];
        prop_assert_eq!(s.decompress(hdr, 273, &params, &mut out, Some(&mut got_masks)), Ok(n));
        let mut pos = if m >= 7 { 4 } else { 0 };
        for i in 0..n {
            let mut r = [0i16; 24];
            let (len, mask) = reference::decompress_prb_with(hdr, &params.with_sres_mask(mask_of(i)), &bytes[pos..], &mut r).unwrap();
            prop_assert_eq!(mask, mask_of(i));
            prop_assert_eq!(got_masks[i], mask);
            prop_assert_eq!(&out[24 * i..24 * i + 24], &r[..]);
            pos += len;
        }
        prop_assert_eq!(pos, bytes.len());
        prop_assert!(got_masks.iter().all(|&m| m <= ALL_RES));
    }

    #[test]
    fn uplane_parse_never_panics(
        b in proptest::collection::vec(any::<u8>(), 0..80),
        dynamic in any::<bool>(),
        len in any::<bool>(),
        carrier in 0u16..300,
        static_hdr in any::<u8>(),
    ) {
        let comp = if dynamic { UdCompMode::Dynamic } else { UdCompMode::Static(UdCompHdr::from_byte(static_hdr)) };
        // whatever decodes re-encodes byte for byte (udCompLen is recomputed
        // but was checked against the section on the way in)
        if let Ok(m) = UplaneMessage::parse(&b, &cfg(comp, carrier, len)) {
            let mut out = Vec::new();
            m.emit(&mut out).unwrap();
            prop_assert_eq!(&out, &b);
            for s in &m.sections {
                let h = s.comp_hdr(comp).unwrap();
                let p = PrbParams::modulation(ModCompParams::new(true, 1448));
                let _ = s.decompress(h, carrier, &p, &mut Vec::new(), Some(&mut Vec::new()));
            }
        }
    }
}

//! Beamforming-weight compression (clause 7.7.1.2-7.7.1.4, Annex A): the
//! bfwCompHdr / bfwCompParam table for methods 0-5, decoded from SE 1
//! vectors and turned into i16 I/Q, and compression back.

mod common;

use codecs::fronthaul::cplane::bfw::{bfp_exponent, mask_bits};
use codecs::fronthaul::cplane::*;
use common::hex;
use proptest::prelude::*;

struct Vector {
    clause: &'static str,
    /// K (TRX count).
    k: u16,
    /// The whole SE 1, `|` between fields.
    wire: &'static str,
    comp_hdr: BfwCompHdr,
    weights: fn() -> BfWeights,
    /// Decompressed, one per weight sent.
    values: &'static [[i16; 2]],
    /// TRX index of each.
    trx: &'static [usize],
}

const VECTORS: &[Vector] = &[
    Vector {
        // bfwCompHdr 0x00: 16-bit, no compression | no bfwCompParam |
        // 0x1234, -2 | padding
        clause: "bfwCompMeth 0 (none), 16 bits",
        k: 1,
        wire: "01 02 | 00 | 1234 fffe | 00",
        comp_hdr: BfwCompHdr {
            iq_width: 16,
            method: BfwCompMethod::None,
        },
        weights: || BfWeights {
            param: BfwCompParam::None,
            iq: vec![[0x1234, -2]],
        },
        values: &[[0x1234, -2]],
        trx: &[0],
    },
    Vector {
        // bfwCompHdr 0x91: 9-bit BFP | exponent 3 | 100 -100 255 -256
        clause: "bfwCompMeth 1 (BFP), 9 bits: m * 2^e",
        k: 2,
        wire: "01 03 | 91 | 03 | 3267 1ff0 00 | 000000",
        comp_hdr: BfwCompHdr {
            iq_width: 9,
            method: BfwCompMethod::Bfp,
        },
        weights: || BfWeights {
            param: BfwCompParam::Bfp {
                reserved: 0,
                exponent: 3,
            },
            iq: vec![[100, -100], [255, -256]],
        },
        values: &[[800, -800], [2040, -2048]],
        trx: &[0, 1],
    },
    Vector {
        // bfwCompHdr 0x82: 8-bit block scaling | blockScaler 0x80 (1.0) |
        // 10 -10 127 -128: c * s/128 * 2^(16-8) = 256 c
        clause: "bfwCompMeth 2 (block scaling), 8 bits",
        k: 2,
        wire: "01 02 | 82 | 80 | 0af6 7f80",
        comp_hdr: BfwCompHdr {
            iq_width: 8,
            method: BfwCompMethod::BlockScaling,
        },
        weights: || BfWeights {
            param: BfwCompParam::BlockScaling { block_scaler: 0x80 },
            iq: vec![[10, -10], [127, -128]],
        },
        values: &[[2560, -2560], [32512, -32768]],
        trx: &[0, 1],
    },
    Vector {
        // bfwCompHdr 0x83: 8-bit mu-law | compBitWidth 8 compShift 0 | 16 -16
        // (first segment: M = 16 * 2^7) 127 -127 (third: M = 127 * 2^9 - 2^15)
        clause: "bfwCompMeth 3 (mu-law), 8 bits",
        k: 2,
        wire: "01 02 | 83 | 80 | 10f0 7f81",
        comp_hdr: BfwCompHdr {
            iq_width: 8,
            method: BfwCompMethod::MuLaw,
        },
        weights: || BfWeights {
            param: BfwCompParam::MuLaw {
                comp_bit_width: 8,
                comp_shift: 0,
            },
            iq: vec![[16, -16], [127, -127]],
        },
        values: &[[2048, -2048], [32256, -32256]],
        trx: &[0, 1],
    },
    Vector {
        // bfwCompHdr 0x84: 8-bit beamspace I | K = 8: mask 0b1010_0000 (TRX 0
        // and 2; MSB first) | 3 -3 64 -64, no scaler: the codes
        clause: "bfwCompMeth 4 (beamspace I): active coefficients only",
        k: 8,
        wire: "01 02 | 84 | a0 | 03fd 40c0",
        comp_hdr: BfwCompHdr {
            iq_width: 8,
            method: BfwCompMethod::BeamspaceI,
        },
        weights: || BfWeights {
            param: BfwCompParam::BeamspaceI { mask: vec![0xa0] },
            iq: vec![[3, -3], [64, -64]],
        },
        values: &[[3, -3], [64, -64]],
        trx: &[0, 2],
    },
    Vector {
        // bfwCompHdr 0x85: 8-bit beamspace II | K = 8: mask 0b0100_0001 (TRX 1
        // and 7) | reserved 0 exponent 2 | 3 -3 64 -64 -> times 4 | padding
        clause: "bfwCompMeth 5 (beamspace II): mask, then BFP exponent",
        k: 8,
        wire: "01 03 | 85 | 41 | 02 | 03fd 40c0 | 000000",
        comp_hdr: BfwCompHdr {
            iq_width: 8,
            method: BfwCompMethod::BeamspaceII,
        },
        weights: || BfWeights {
            param: BfwCompParam::BeamspaceII {
                mask: vec![0x41],
                reserved: 0,
                exponent: 2,
            },
            iq: vec![[3, -3], [64, -64]],
        },
        values: &[[12, -12], [256, -256]],
        trx: &[1, 7],
    },
];

fn ctx(k: u16) -> CplaneContext {
    CplaneContext {
        num_trx: Some(k),
        ..CplaneContext::default()
    }
}

#[test]
fn bfw_vectors_decode_and_decompress() {
    for v in VECTORS {
        let wire = hex(v.wire);
        let raw = Extension::new(1, &wire[2..]);
        let x = raw
            .decode(SectionType::MostChannels, &ctx(v.k))
            .unwrap_or_else(|e| panic!("{}: {e}", v.clause));
        let SectionExtension::Se1 { comp_hdr, weights } = x else {
            panic!()
        };
        assert_eq!(comp_hdr, v.comp_hdr, "{}", v.clause);
        assert_eq!(weights, (v.weights)(), "{}", v.clause);
        assert_eq!(comp_hdr.to_byte(), wire[2], "{}", v.clause);
        assert_eq!(weights.decompress(comp_hdr), v.values, "{}", v.clause);
        assert_eq!(weights.trx_indices(v.k.into()), v.trx, "{}", v.clause);
        let full = weights.expand(comp_hdr, v.k.into());
        assert_eq!(full.len(), usize::from(v.k));
        for (t, val) in v.trx.iter().zip(v.values) {
            assert_eq!(full[*t], *val, "{}", v.clause);
        }
    }
}

#[test]
fn bfw_vectors_encode() {
    for v in VECTORS {
        let mut out = Vec::new();
        SectionExtension::Se1 {
            comp_hdr: v.comp_hdr,
            weights: (v.weights)(),
        }
        .emit(false, &mut out)
        .unwrap();
        assert_eq!(out, hex(v.wire), "{}", v.clause);
    }
}

#[test]
fn bfw_comp_hdr_byte() {
    // bfwIqWidth(4, 0 = 16) | bfwCompMeth(4): 6..=15 reserved
    for b in 0..=255u8 {
        let h = BfwCompHdr::from_byte(b);
        assert_eq!(h.to_byte(), b);
        assert_eq!(h.width(), if b >> 4 == 0 { 16 } else { u32::from(b >> 4) });
        let m = b & 15;
        assert_eq!(h.method.to_u4(), m);
        assert_eq!(matches!(h.method, BfwCompMethod::Reserved(_)), m >= 6);
        assert_eq!(h.method.is_beamspace(), m == 4 || m == 5);
    }
}

#[test]
fn beamspace_mask_is_msb_first_and_limited_to_k() {
    assert_eq!(mask_bits(&[0x80, 0x01], 16), [0, 15]);
    // bits past K do not count
    assert_eq!(mask_bits(&[0xff], 3), [0, 1, 2]);
    assert_eq!(mask_bits(&[], 8), Vec::<usize>::new());
}

#[test]
fn compress_picks_parameters_from_the_block() {
    // BFP 9-bit: max(2040, |-2048| - 1) = 2047 (11 bits) -> exponent 11 - 8 = 3
    let w = [[800, -800], [2040, -2048]];
    let b = BfWeights::compress(BfwCompHdr::new(9, BfwCompMethod::Bfp), &w).unwrap();
    assert_eq!(
        b.param,
        BfwCompParam::Bfp {
            reserved: 0,
            exponent: 3
        }
    );
    assert_eq!(b.decompress(BfwCompHdr::new(9, BfwCompMethod::Bfp)), w);
    assert_eq!(bfp_exponent(&[2047, -2048], 9), 3);
    assert_eq!(bfp_exponent(&[255, -256], 9), 0);
    assert_eq!(bfp_exponent(&[], 9), 0);
    // block scaling: blockScaler ceil(v / 256), v = 32767 -> 128
    let b = BfWeights::compress(BfwCompHdr::new(8, BfwCompMethod::BlockScaling), &[[32767, -32768]]).unwrap();
    assert_eq!(b.param, BfwCompParam::BlockScaling { block_scaler: 128 });
    // mu-law: largest magnitude below 2^8 -> compShift 7; compBitWidth the width
    let b = BfWeights::compress(BfwCompHdr::new(9, BfwCompMethod::MuLaw), &[[100, -3]]).unwrap();
    assert_eq!(
        b.param,
        BfwCompParam::MuLaw {
            comp_bit_width: 9,
            comp_shift: 7
        }
    );
    // beamspace: only non-zero weights are sent
    let h = BfwCompHdr::new(8, BfwCompMethod::BeamspaceII);
    let b = BfWeights::compress(
        h,
        &[
            [0, 0],
            [12, -12],
            [0, 0],
            [0, 0],
            [0, 0],
            [0, 0],
            [0, 0],
            [256, -256],
            [0, 0],
        ],
    )
    .unwrap();
    assert_eq!(b.param.mask(), Some(&[0x41, 0x00][..]));
    assert_eq!(b.iq.len(), 2);
    assert_eq!(b.expand(h, 9)[7], [256, -256]);
    // reserved methods cannot be built
    assert!(BfWeights::compress(BfwCompHdr::new(8, BfwCompMethod::Reserved(9)), &[]).is_err());
}

fn weights(n: usize) -> impl Strategy<Value = Vec<[i16; 2]>> {
    proptest::collection::vec(any::<[i16; 2]>(), n)
}

proptest! {
    #[test]
    fn bfp_compression_is_truncation_by_the_exponent(w in 1u8..=16, x in weights(4)) {
        let h = BfwCompHdr::new(w, BfwCompMethod::Bfp);
        let b = BfWeights::compress(h, &x).unwrap();
        let BfwCompParam::Bfp { exponent, .. } = b.param else { panic!() };
        for (a, y) in x.iter().flatten().zip(b.decompress(h).iter().flatten()) {
            // m = x >> e, so m * 2^e is x rounded down to a multiple of 2^e
            let d = i32::from(*a) - i32::from(*y);
            prop_assert!((0..1 << exponent).contains(&d), "{} {} e {}", a, y, exponent);
        }
    }

    #[test]
    fn bfp_decompressed_weights_recompress_exactly(
        w in 1u8..=16,
        e in 0u8..16,
        codes in proptest::collection::vec(any::<[i16; 2]>(), 1..6),
    ) {
        let h = BfwCompHdr::new(w, BfwCompMethod::Bfp);
        let lo = -(1i32 << (w - 1));
        let cut = |v: i16| ((i32::from(v) - lo).rem_euclid(1 << w) + lo) as i16;
        let codes: Vec<[i16; 2]> = codes.iter().map(|[i, q]| [cut(*i), cut(*q)]).collect();
        // conformant exponents keep m * 2^e within i16
        let e = e.min(16 - w);
        let b = BfWeights { param: BfwCompParam::Bfp { reserved: 0, exponent: e }, iq: codes };
        let x = b.decompress(h);
        let again = BfWeights::compress(h, &x).unwrap();
        prop_assert_eq!(again.decompress(h), x);
    }

    #[test]
    fn block_scaling_error_is_within_a_step(w in 2u8..=16, x in weights(4)) {
        let h = BfwCompHdr::new(w, BfwCompMethod::BlockScaling);
        let b = BfWeights::compress(h, &x).unwrap();
        let BfwCompParam::BlockScaling { block_scaler } = b.param else { panic!() };
        // one code step is s/128 * 2^(16-w); codes clamp at the w-bit range
        let step = f64::from(block_scaler) / 128.0 * f64::from(1u32 << (16 - w));
        let max = (f64::from((1i32 << (w - 1)) - 1)) * step;
        for (a, y) in x.iter().flatten().zip(b.decompress(h).iter().flatten()) {
            let a = f64::from(*a).clamp(-max - step, max);
            prop_assert!((a - f64::from(*y)).abs() <= step / 2.0 + 1.0, "{} {} step {}", a, y, step);
        }
    }

    #[test]
    fn mu_law_relative_error_is_bounded(w in 6u8..=16, x in weights(4)) {
        let h = BfwCompHdr::new(w, BfwCompMethod::MuLaw);
        let b = BfWeights::compress(h, &x).unwrap();
        for (a, y) in x.iter().flatten().zip(b.decompress(h).iter().flatten()) {
            let (a, y) = (f64::from(*a), f64::from(*y));
            // the coarsest segment keeps w - 3 bits of a 15-bit magnitude
            let tol = a.abs() / f64::from(1u32 << (w - 3)) * 2.0 + 2f64.powi(17 - i32::from(w)) + 1.0;
            prop_assert!((a - y).abs() <= tol, "w {} x {} y {}", w, a, y);
            prop_assert!(a == 0.0 || y == 0.0 || a.signum() == y.signum());
        }
    }

    #[test]
    fn beamspace_expand_restores_the_vector(
        k in 1usize..20,
        w in 8u8..=16,
        x in proptest::collection::vec(prop_oneof![Just([0i16, 0]), (-100i16..100, -100i16..100).prop_map(|(a, b)| [a, b])], 1..20),
    ) {
        let x: Vec<[i16; 2]> = x.into_iter().take(k).collect();
        let k = x.len();
        for m in [BfwCompMethod::BeamspaceI, BfwCompMethod::BeamspaceII] {
            let h = BfwCompHdr::new(w, m);
            let b = BfWeights::compress(h, &x).unwrap();
            prop_assert_eq!(b.param.mask().map(<[u8]>::len), Some(k.div_ceil(8)));
            prop_assert_eq!(b.expand(h, k), x.clone());
            // and through an SE 1 with K from the context
            let mut wire = Vec::new();
            SectionExtension::Se1 { comp_hdr: h, weights: b.clone() }.emit(false, &mut wire).unwrap();
            let hl = Extension::header_len(1);
            let raw = Extension::new(1, &wire[hl..]);
            let back = raw.decode(SectionType::MostChannels, &ctx(k as u16)).unwrap();
            prop_assert_eq!(back, SectionExtension::Se1 { comp_hdr: h, weights: b });
        }
    }
}

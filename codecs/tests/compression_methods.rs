//! IQ compression methods 2-8: block scaling, mu-law, modulation
//! compression and selective RE sending. Vectors are computed by hand from
//! the Annex A.2/A.3 formulas and the udCompParam layouts (the working is
//! in the comments); properties check every width against the bit-level
//! reference and the documented error bounds.

use codecs::bits::BitWriter;
use codecs::fronthaul::compression::{
    ALL_RES, CompMethod, MAX_PRBS, ModCompParams, ModCompReSet, PrbIq, PrbParams, UdCompHdr, UdCompParam, block_scaler,
    compress_prb, compress_prb_with, compress_prbs, compress_prbs_with, decompress_prb, decompress_prb_with,
    decompress_prbs, decompress_prbs_with, mulaw_comp_shift, mulaw_expand, mulaw_param, prb_len_at, read_mulaw_prb,
    read_ud_comp_param, reference, remask_to_sres, sres_mask_for_prb,
};
use codecs::{Error, ErrorKind};
use proptest::prelude::*;

const BS: CompMethod = CompMethod::BlockScaling;
const MU: CompMethod = CompMethod::MuLaw;
const MOD: CompMethod = CompMethod::Modulation;
const BFP_SRE: CompMethod = CompMethod::BfpSelectiveRe;
const MOD_SRE: CompMethod = CompMethod::ModSelectiveRe;
const BFP_MASKS: CompMethod = CompMethod::BfpSelectiveReMasks;
const MOD_MASKS: CompMethod = CompMethod::ModSelectiveReMasks;

fn prb(vals: &[i16]) -> PrbIq {
    let mut p = [0i16; 24];
    p[..vals.len()].copy_from_slice(vals);
    p
}

/// Compress with the fast path, check the reference writes the same bytes.
fn compress_with(hdr: UdCompHdr, p: &PrbParams, iq: &PrbIq) -> Vec<u8> {
    let mut v = Vec::new();
    compress_prb_with(hdr, p, iq, &mut v).unwrap();
    let mut r = Vec::new();
    reference::compress_prb_with(hdr, p, iq, &mut r).unwrap();
    assert_eq!(v, r, "{hdr} fast vs reference compress");
    v
}

/// Decompress with the fast path (whole input consumed), check the
/// reference agrees.
fn decompress_with(hdr: UdCompHdr, p: &PrbParams, src: &[u8]) -> (PrbIq, u16) {
    let mut out = [0i16; 24];
    let (n, mask) = decompress_prb_with(hdr, p, src, &mut out).unwrap();
    assert_eq!(n, src.len(), "{hdr} bytes consumed");
    let mut r = [0i16; 24];
    assert_eq!(reference::decompress_prb_with(hdr, p, src, &mut r).unwrap(), (n, mask));
    assert_eq!(out, r, "{hdr} fast vs reference decompress");
    (out, mask)
}

fn compress(hdr: UdCompHdr, iq: &PrbIq) -> Vec<u8> {
    compress_with(hdr, &PrbParams::default(), iq)
}

fn decompress(hdr: UdCompHdr, src: &[u8]) -> PrbIq {
    decompress_with(hdr, &PrbParams::default(), src).0
}

// ---- block scaling (Annex A.2), W = 16 ---------------------------------------

#[test]
fn block_scaling_width9_vector() {
    // v = max(1000, |-1000| - 1) = 1000; s = ceil(1000 / 2^8) = 4 (0x04,
    // Q1.7 0.03125). c = round(x * (128 / 4) / 2^(16 - 9)) = round(x / 4):
    // 250, -250, 125, round(-0.25) = 0. 9-bit fields
    // 011111010 100000110 001111101 000000000 ... -> 7d 41 8f a0 00 ..
    let h = UdCompHdr::new(9, BS);
    let x = prb(&[1000, -1000, 500, -1]);
    assert_eq!(block_scaler(&x), 4);
    assert_eq!(reference::block_scaler(&x), 4);
    let b = compress(h, &x);
    let mut want = vec![0u8; 28];
    want[..5].copy_from_slice(&[0x04, 0x7d, 0x41, 0x8f, 0xa0]);
    assert_eq!(b, want);
    // x = round(c * (4 / 128) * 2^7) = 4c: 1000, -1000, 500, 0.
    assert_eq!(decompress(h, &b), prb(&[1000, -1000, 500, 0]));
    assert_eq!(read_ud_comp_param(BS, &b).unwrap(), (UdCompParam::BlockScaler(4), 1));
}

#[test]
fn block_scaling_rounds_half_away_from_zero() {
    // v = max(301, 300) = 301, s = ceil(301 / 256) = 2; c = round(x / 2):
    // 150.5 -> 151, -150.5 -> -151, 1.5 -> 2, -1.5 -> -2, 150.
    // 9-bit: 010010111 101101001 000000010 111111110 010010110
    //     -> 4b da 40 5f e4 b0
    let h = UdCompHdr::new(9, BS);
    let b = compress(h, &prb(&[301, -301, 3, -3, 300]));
    assert_eq!(&b[..7], &[0x02, 0x4b, 0xda, 0x40, 0x5f, 0xe4, 0xb0]);
    assert!(b[7..].iter().all(|&x| x == 0));
    // decompress 2c: the ties land one step away from zero.
    assert_eq!(decompress(h, &b), prb(&[302, -302, 4, -4, 300]));
    // An exact tie MATLAB's double arithmetic misses: 25087 makes s =
    // ceil(25087 / 256) = 98, and 637 / 98 = 6.5 exactly -> 7 (MATLAB's
    // (128 / 98) * 637 / 128 comes out just below 6.5 and gives 6).
    // Decompressed: 7 * 98 = 686 (MATLAB: 588).
    let b = compress(h, &prb(&[637, 25087]));
    assert_eq!(b[0], 98);
    assert_eq!(decompress(h, &b)[0], 686);
}

#[test]
fn block_scaling_width16_and_12_are_exact() {
    // v = 32767 -> s = 128 (1.0): c = round(x * 1 / 2^0) = x, decompress x.
    let h = UdCompHdr::new(16, BS);
    let x = prb(&[32767, -32768, 1]);
    let b = compress(h, &x);
    assert_eq!(b.len(), 49);
    assert_eq!(&b[..7], &[0x80, 0x7f, 0xff, 0x80, 0x00, 0x00, 0x01]);
    assert_eq!(decompress(h, &b), x);
    // v = 300 -> s = 2; c = round(x * 64 / 2^4) = 4x: 1200, -28; back 4x / 4.
    let h = UdCompHdr::new(12, BS);
    let x = prb(&[300, -7]);
    let b = compress(h, &x);
    assert_eq!(&b[..4], &[0x02, 0x4b, 0x0f, 0xe4]); // 010010110000 111111100100
    assert_eq!(decompress(h, &b), x);
}

#[test]
fn block_scaling_clamps_and_saturates() {
    // All zero: s = max(1, 0) = 1, codes 0.
    let h = UdCompHdr::new(9, BS);
    assert_eq!(compress(h, &[0; 24]), {
        let mut v = vec![0u8; 28];
        v[0] = 1;
        v
    });
    // Peak 32767 at w = 9: s = 128, c = round(32767 / 128) = 256 -> clamped 255,
    // decompressed 255 * 128 = 32640. -32768 -> c = -256 exactly -> -32768.
    let x = prb(&[32767, -32768]);
    assert_eq!(decompress(h, &compress(h, &x)), prb(&[32640, -32768]));
    // A non-conformant scaler 255 (> 1.0): 255 * 255 = 65025 saturates.
    let mut src = vec![0u8; 28];
    src[0] = 0xff;
    src[1] = 0x7f;
    src[2] = 0xc0; // 011111111 1.. = 255, then -256 (100000000)
    assert_eq!(&decompress(h, &src)[..2], &[32767, -32768]);
}

// ---- mu-law (Annex A.3) ----------------------------------------------------------

#[test]
fn mulaw_width9_vector() {
    // max |x| = 1000 < 2^10 -> compShift 5; a = |x| * 32:
    //   1000: a = 32000 > 2^14  -> c = 32000 / 2^8 + 2^7 = 125 + 128 = 253
    //    100: a =  3200 <= 2^13 -> c = 3200 / 2^6 = 50
    //     -3: a =    96         -> c = 96 / 64 = 1.5, truncated 1 -> -1
    //    600: a = 19200         -> c = 75 + 128 = 203
    //    401: a = 12832 <= 2^14 -> c = 12832 / 2^7 + 2^6 = 100.25 + 64 -> 164
    // udCompParam: compBitWidth 9 | compShift 5 = 0x95; 9-bit codes
    // 011111101 100000011 000110010 111111111 011001011 010100100
    //   -> 7e c0 c6 5f f6 5a 90
    let h = UdCompHdr::new(9, MU);
    let x = prb(&[1000, -1000, 100, -3, 600, 401]);
    assert_eq!(mulaw_comp_shift(&x), 5);
    assert_eq!(reference::mulaw_comp_shift(&x), 5);
    let b = compress(h, &x);
    assert_eq!(&b[..8], &[0x95, 0x7e, 0xc0, 0xc6, 0x5f, 0xf6, 0x5a, 0x90]);
    assert!(b[8..].iter().all(|&v| v == 0));
    let (p, codes, n) = read_mulaw_prb(&b, 9).unwrap();
    assert_eq!((p.comp_bit_width, p.comp_shift, n), (9, 5, 28));
    assert_eq!(codes, prb(&[253, -253, 50, -1, 203, 164]));
    // Decompress (2^(w-2) = 128, 2^(w-2) + 2^(w-3) = 192):
    //   253 > 192: M = 253 * 2^8 - 2^15 = 32000 -> / 2^5 = 1000
    //    50 <= 128: M = 50 * 2^6 = 3200 -> 100
    //     1: M = 64 -> 2, so -3 comes back as -2
    //   203: M = 203 * 256 - 32768 = 19200 -> 600
    //   164 in (128, 192]: M = 164 * 2^7 - 2^13 = 12800 -> 400
    assert_eq!(decompress(h, &b), prb(&[1000, -1000, 100, -2, 600, 400]));
    assert_eq!(mulaw_expand(-253, 9), -64000); // 2M
}

#[test]
fn mulaw_comp_shift_boundaries() {
    for (max, shift) in [
        (0, 7),
        (255, 7),
        (256, 6),
        (511, 6),
        (512, 5),
        (8191, 2),
        (8192, 1),
        (16383, 1),
        (16384, 0),
        (32767, 0),
    ] {
        for v in [max, -max] {
            let x = prb(&[3, v]);
            assert_eq!(mulaw_comp_shift(&x), shift, "{v}");
            assert_eq!(reference::mulaw_comp_shift(&x), shift, "{v}");
        }
    }
    assert_eq!(mulaw_comp_shift(&prb(&[-32768])), 0);
}

#[test]
fn mulaw_width16_clip_and_rounding() {
    // -32768: shift 0, a = min(32768, 2^15 - 1) = 32767 > 2^14:
    //   c = 32767 / 2 + 2^14 = 32767.5 -> 32767 -> -32767 (0x8001).
    //   back: 32767 > 3 * 2^13: M = 32767 * 2 - 2^15 = 32766 -> -32766.
    // 1, 2, 3 (same PRB, shift 0): seg 1, c = a * 2 = 2, 4, 6; back M = c / 2.
    let h = UdCompHdr::new(16, MU);
    let b = compress(h, &prb(&[-32768, 1, 2, 3]));
    assert_eq!(&b[..9], &[0x00, 0x80, 0x01, 0x00, 0x02, 0x00, 0x04, 0x00, 0x06]);
    assert_eq!(decompress(h, &b), prb(&[-32766, 1, 2, 3]));
    // Code 1 alone: M = 1 * 2^-1 = 0.5, rounds half away from zero to 1;
    // with compShift 1, M / 2 = 0.25 -> 0. Code -3, shift 1: 1.5 / 2 -> -1.
    let mut src = vec![0u8; 49];
    src[0] = 0x01;
    src[1..5].copy_from_slice(&[0x00, 0x01, 0xff, 0xfd]);
    assert_eq!(&decompress(h, &src)[..2], &[0, -1]);
    src[0] = 0x00;
    assert_eq!(&decompress(h, &src)[..2], &[1, -2]);
    assert_eq!(
        mulaw_param(0x9c),
        codecs::fronthaul::compression::MuLawParam {
            comp_bit_width: 9,
            comp_shift: 12
        }
    );
}

#[test]
fn mulaw_small_widths() {
    // w = 1: the only magnitude is clipped to 0, so everything is 0.
    let x = prb(&[32767, -32768, 5]);
    let b = compress(UdCompHdr::new(1, MU), &x);
    assert_eq!(b, vec![0x10, 0, 0, 0]);
    assert_eq!(decompress(UdCompHdr::new(1, MU), &b), [0; 24]);
    // w = 2, shift 0 (max 20000): a = 20000 > 2^14: c = 20000 / 2^15 + 2^0 = 1.6 -> 1;
    // back: a = 1 <= 2^0: M = 1 * 2^13 = 8192. a = 100 -> c = 100 / 2^13 -> 0.
    let h = UdCompHdr::new(2, MU);
    let b = compress(h, &prb(&[20000, -20000, 100]));
    assert_eq!(b[..2], [0x20, 0b0111_0000]);
    assert_eq!(decompress(h, &b), prb(&[8192, -8192, 0]));
    // w = 3 segment 2: a = 12000: c = 12000 / 2^13 + 2^0 = 2.46 -> 2 ... that
    // is 2^(w-2), which decodes in segment 1: M = 2 * 2^12 = 8192.
    let h = UdCompHdr::new(3, MU);
    let b = compress(h, &prb(&[12000, 0, 0, 0, 0, 0, 0, 0, 20000]));
    assert_eq!(decompress(h, &b)[0], 8192);
}

// ---- modulation compression -------------------------------------------------------

/// QPSK-ish scaler 1448 / 2048 (0.70703, exponent 0).
const QPSK: ModCompParams = ModCompParams {
    csf: true,
    scaler: 1448,
};
/// 16QAM: exponent 1, mantissa 1296: 1296 / 2048 / 2 = 0.3164 (about 1/sqrt 10).
const QAM16: ModCompParams = ModCompParams {
    csf: true,
    scaler: 1 << 11 | 1296,
};

#[test]
fn modulation_qpsk_vector() {
    // w = 1, csf 1: code 0 -> v = 0 + 1/2, code -1 -> v = -1 + 1/2.
    // Q15: 0.5 * (1448 / 2048) * 2^15 = 11584.
    let h = UdCompHdr::new(1, MOD);
    let p = PrbParams::modulation(QPSK);
    // bits 0101 1010 0000 1111 1111 0000: I Q of RE 1..12
    let src = [0x5a, 0x0f, 0xf0];
    let (y, mask) = decompress_with(h, &p, &src);
    assert_eq!(mask, ALL_RES);
    let s = |b: bool| if b { -11584 } else { 11584 };
    let bits = "010110100000111111110000";
    let want: Vec<i16> = bits.chars().map(|c| s(c == '1')).collect();
    assert_eq!(y.to_vec(), want);
    assert_eq!(compress_with(h, &p, &y), src);
    // Without csf/scaler the parameterless functions refuse, and so does _with.
    let mut out = [0i16; 24];
    assert!(matches!(
        decompress_prb(h, &src, &mut out).unwrap_err().kind,
        ErrorKind::Unsupported(_)
    ));
    assert!(matches!(
        decompress_prb_with(h, &PrbParams::default(), &src, &mut out)
            .unwrap_err()
            .kind,
        ErrorKind::Invalid(_)
    ));
}

#[test]
fn modulation_16qam_levels_and_nearest_point() {
    // w = 2, csf 1: v = (2c + 1) / 4 for c = -2..1: -0.75, -0.25, 0.25, 0.75;
    // y = v * 0.31640625 * 2^15 = (2c + 1) * 1296 * 2: -7776, -2592, 2592, 7776.
    let h = UdCompHdr::new(2, MOD);
    let p = PrbParams::modulation(QAM16);
    // codes -2 -1 0 1 = 10 11 00 01 -> 0xb1
    let mut src = vec![0u8; 6];
    src[0] = 0xb1;
    let (y, _) = decompress_with(h, &p, &src);
    assert_eq!(&y[..5], &[-7776, -2592, 2592, 7776, 2592]);
    // Compression picks the nearest level: 7000 -> 7776 (code 1), -3000 ->
    // -2592 (code -1), 40000-ish peaks clamp to the outer codes.
    let x = prb(&[7000, -3000, 32767, -32768, 1]);
    let b = compress_with(h, &p, &x);
    assert_eq!(b[0], 0b0111_0110);
    // 1 is nearest 2592 (code 0); 0 is exactly between -2592 and 2592 and
    // rounds away from zero to code -1.
    assert_eq!(b[1], 0b0011_1111);
    // csf 0: v = c / 2: -1, -0.5, 0, 0.5 -> y = c * 1296 * 4.
    let p0 = PrbParams::modulation(ModCompParams { csf: false, ..QAM16 });
    let (y, _) = decompress_with(h, &p0, &src);
    assert_eq!(&y[..4], &[-10368, -5184, 0, 5184]);
}

#[test]
fn modulation_scaler_field_and_per_re_sets() {
    let p = ModCompParams::from_field(0x8000 | 1 << 11 | 1296);
    assert_eq!(p, QAM16);
    assert_eq!(p.to_field(), 0x8d10);
    assert_eq!((p.exponent(), p.mantissa()), (1, 1296));
    assert!((p.scaler_value() - 0.31640625).abs() < 1e-12);
    // SE 5: REs 1-4 (mcScaleReMask 1111 0000 0000, MSB = RE 1) at QPSK's
    // scaler, REs 5-12 at 16QAM's; an uncovered RE would get scaler 0.
    let sets = [
        ModCompReSet {
            re_mask: 0xf00,
            params: QPSK,
        },
        ModCompReSet {
            re_mask: 0x0ff,
            params: QAM16,
        },
    ];
    assert_eq!(remask_to_sres(0xf00), 0x00f);
    let params = PrbParams::from_re_sets(&sets);
    let mc = params.mod_comp.unwrap();
    assert!(mc[..4].iter().all(|p| *p == QPSK));
    assert!(mc[4..].iter().all(|p| *p == QAM16));
    // w = 2, every code 0: v = 1/4; REs 1-4 give 1448 * 2^15 / 2^(2 + 11 + 0)
    // = 5792, the rest 1296 * 2^15 / 2^(2 + 11 + 1) = 2592.
    let (y, _) = decompress_with(UdCompHdr::new(2, MOD), &params, &[0; 6]);
    assert!(y[..8].iter().all(|&v| v == 5792));
    assert!(y[8..].iter().all(|&v| v == 2592));
    let only_first = PrbParams::from_re_sets(&sets[..1]);
    let (y, _) = decompress_with(UdCompHdr::new(2, MOD), &only_first, &[0; 6]);
    assert!(y[8..].iter().all(|&v| v == 0));
}

// ---- selective RE sending ------------------------------------------------------

#[test]
fn bfp_selective_re_vector() {
    // Method 5, w = 4, REs 1 and 3 (sReSMask bit 0 and bit 2 = 0x005).
    // Exponent over the carried values 100, -50, 7, 0: rawExp = 7,
    // e = 7 - 4 + 1 = 4; mantissas 100 >> 4 = 6, -50 >> 4 = -4, 0, 0.
    // udCompParam: 0000 | 0100, 0000 0101; samples 0110 1100 0000 0000.
    let h = UdCompHdr::new(4, BFP_SRE);
    let mut x = [999i16; 24];
    x[..2].copy_from_slice(&[100, -50]);
    x[4..6].copy_from_slice(&[7, 0]);
    let p = PrbParams::default().with_sres_mask(0x005);
    let b = compress_with(h, &p, &x);
    assert_eq!(b, [0x04, 0x05, 0x6c, 0x00]);
    let (y, mask) = decompress_with(h, &p, &b);
    assert_eq!(mask, 0x005);
    assert_eq!(y, prb(&[96, -64, 0, 0, 0, 0]));
    // The parameterless decompress reads the mask from udCompParam.
    assert_eq!(decompress(h, &b), y);
    assert_eq!(
        read_ud_comp_param(BFP_SRE, &b).unwrap(),
        (
            UdCompParam::BfpSelectiveRe {
                sres_mask: 0x005,
                exponent: 4
            },
            2
        )
    );
    // RE 12 and RE 1 (0x801): the mask's top nibble shares a byte with the
    // exponent. Values 1, -1 for both: e = 0; 4 samples of 4 bits.
    let mut x = [0i16; 24];
    x[..2].copy_from_slice(&[1, -1]);
    x[22..].copy_from_slice(&[1, -1]);
    let p = PrbParams::default().with_sres_mask(0x801);
    let b = compress_with(h, &p, &x);
    assert_eq!(b, [0x80, 0x01, 0x1f, 0x1f]);
    assert_eq!(decompress_with(h, &p, &b), (x, 0x801));
    // Empty mask: just the 2-byte udCompParam.
    let p = PrbParams::default().with_sres_mask(0);
    assert_eq!(compress_with(h, &p, &x), [0x00, 0x00]);
    // The parameterless compress carries all 12 REs.
    let b = compress(h, &x);
    assert_eq!((b[0] >> 4, b[1], b.len()), (0x0f, 0xff, 2 + 12));
}

#[test]
fn mod_selective_re_and_section_mask_methods() {
    // Method 6, w = 2, REs 10 and 12 (0xa00): udCompParam 1010 0000 0000 0000,
    // 2 REs x 2 x 2 bits = 1 byte. 16QAM codes 1, -2, 0, -1 = 01 10 00 11.
    let h = UdCompHdr::new(2, MOD_SRE);
    let p = PrbParams::modulation(QAM16).with_sres_mask(0xa00);
    let mut x = [0i16; 24];
    x[18..20].copy_from_slice(&[7776, -7776]);
    x[22..24].copy_from_slice(&[2592, -2592]);
    let b = compress_with(h, &p, &x);
    assert_eq!(b, [0xa0, 0x00, 0b0110_0011]);
    assert_eq!(decompress_with(h, &p, &b), (x, 0xa00));
    // The reserved nibble is read back, not checked.
    assert_eq!(
        read_ud_comp_param(MOD_SRE, &[0xa5, 0x00]).unwrap().0,
        UdCompParam::ModSelectiveRe {
            sres_mask: 0xa00,
            reserved: 5
        }
    );
    // Method 7: 1-byte exponent, the mask from the section (here RE 2 only).
    let h = UdCompHdr::new(9, BFP_MASKS);
    let p = PrbParams::default().with_sres_mask(0x002);
    let mut x = [0i16; 24];
    x[2..4].copy_from_slice(&[1000, -1]);
    // e = 10 - 9 + 1 = 2: 250, -1 -> 011111010 111111111 -> 7d 7f c0
    let b = compress_with(h, &p, &x);
    assert_eq!(b, [0x02, 0x7d, 0x7f, 0xc0]);
    assert_eq!(decompress_with(h, &p, &b), (prb(&[0, 0, 1000, -4]), 0x002));
    // Method 8: no udCompParam at all.
    let h = UdCompHdr::new(2, MOD_MASKS);
    let p = PrbParams::modulation(QAM16).with_sres_mask(0x001);
    assert_eq!(compress_with(h, &p, &prb(&[-7776, 7776])), [0b1001_0000]);
    // Methods 7 and 8 need the mask: the parameterless functions refuse.
    for m in [BFP_MASKS, MOD_MASKS, MOD_SRE, MOD] {
        let h = UdCompHdr::new(4, m);
        let mut out = [0i16; 24];
        assert!(matches!(
            decompress_prb(h, &[0; 64], &mut out).unwrap_err().kind,
            ErrorKind::Unsupported(_)
        ));
        assert!(matches!(
            compress_prb(h, &out, &mut Vec::new()).unwrap_err().kind,
            ErrorKind::Unsupported(_)
        ));
    }
    // A mask above 12 bits is refused, not truncated.
    let p = PrbParams::default().with_sres_mask(0x1001);
    let h = UdCompHdr::new(9, BFP_MASKS);
    assert!(matches!(
        compress_prb_with(h, &p, &[0; 24], &mut Vec::new()).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
    assert!(matches!(
        decompress_prb_with(h, &p, &[0; 64], &mut [0; 24]).unwrap_err().kind,
        ErrorKind::Invalid(_)
    ));
}

#[test]
fn section_mask_selection() {
    // sReSMask1 for PRBs 0, 2, ..; sReSMask2 for 1, 3, ..; with rb = 1 only sReSMask1.
    assert_eq!(sres_mask_for_prb(0xabc, 0x123, false, 0), 0xabc);
    assert_eq!(sres_mask_for_prb(0xabc, 0x123, false, 1), 0x123);
    assert_eq!(sres_mask_for_prb(0xabc, 0x123, false, 4), 0xabc);
    assert_eq!(sres_mask_for_prb(0xabc, 0x123, true, 1), 0xabc);
    assert_eq!(sres_mask_for_prb(0xfabc, 0xf123, false, 3), 0x123);
}

#[test]
fn prb_lengths_with_masks() {
    let len = |w, m, mask| UdCompHdr::new(w, m).prb_len_for_mask(mask);
    assert_eq!(len(9, BFP_SRE, 0xfff), Some(2 + 27));
    assert_eq!(len(9, BFP_SRE, 0x001), Some(2 + 3)); // 18 bits -> 3 bytes
    assert_eq!(len(4, MOD_SRE, 0x005), Some(2 + 2));
    assert_eq!(len(9, BFP_MASKS, 0xabc), Some(1 + 16)); // 7 REs, 126 bits
    assert_eq!(len(1, MOD_MASKS, 0x001), Some(1));
    assert_eq!(len(1, MOD_MASKS, 0), Some(0));
    assert_eq!(len(9, CompMethod::Bfp, 0x001), Some(28)); // mask ignored
    assert_eq!(len(9, CompMethod::Reserved(9), 0xfff), None);
    let h = UdCompHdr::new(4, BFP_SRE);
    assert_eq!(prb_len_at(h, &[0x00, 0x05], 0), Ok(4));
    assert_eq!(
        prb_len_at(h, &[0x00], 0),
        Err(Error::truncated(0, 2, 1, "compressed PRB"))
    );
    assert_eq!(prb_len_at(UdCompHdr::new(4, MOD_MASKS), &[], 0x003), Ok(2));
    for (m, n) in [(0, 0), (1, 1), (2, 1), (3, 1), (4, 0), (5, 2), (6, 2), (7, 1), (8, 0)] {
        assert_eq!(CompMethod::from_u4(m).ud_comp_param_len(), Some(n));
    }
    assert_eq!(CompMethod::from_u4(12).ud_comp_param_len(), None);
}

#[test]
fn bulk_selective_reports_masks_and_restores_on_error() {
    let h = UdCompHdr::new(4, BFP_SRE);
    let a = [0x04, 0x05, 0x6c, 0x00];
    let b = [0x00, 0x00];
    let src: Vec<u8> = [&a[..], &b, &a].concat();
    let mut out = vec![7i16];
    let mut masks = vec![1u16];
    assert_eq!(
        decompress_prbs_with(h, &PrbParams::default(), &src, 3, &mut out, Some(&mut masks)),
        Ok(10)
    );
    assert_eq!(masks, [1, 0x005, 0, 0x005]);
    assert_eq!(out.len(), 1 + 72);
    assert_eq!(&out[1..3], &[96, -64]);
    // Parameterless form, same answer.
    let mut out2 = vec![7i16];
    assert_eq!(decompress_prbs(h, &src, 3, &mut out2), Ok(10));
    assert_eq!(out2, out);
    // 4 PRBs asked: the 4th starts at 10 and has no udCompParam.
    let e = decompress_prbs_with(h, &PrbParams::default(), &src, 4, &mut out, Some(&mut masks)).unwrap_err();
    assert_eq!(e, Error::truncated(10, 2, 0, "compressed PRB"));
    assert_eq!((out.len(), masks.len()), (73, 4));
    // A zero-length PRB (method 8, empty mask) cannot run away.
    let h8 = UdCompHdr::new(4, MOD_MASKS);
    let p = PrbParams::modulation(QAM16).with_sres_mask(0);
    let mut v = Vec::new();
    assert_eq!(decompress_prbs_with(h8, &p, &[], 3, &mut v, None), Ok(0));
    assert_eq!(v, [0; 72]);
    assert!(decompress_prbs_with(h8, &p, &[], MAX_PRBS + 1, &mut v, None).is_err());
    assert!(decompress_prbs_with(h8, &p, &[], usize::MAX, &mut v, None).is_err());
    // Bulk compress writes PRB after PRB.
    let mut bytes = Vec::new();
    compress_prbs_with(h, &PrbParams::default().with_sres_mask(0x005), &[0; 48], &mut bytes).unwrap();
    assert_eq!(bytes, [0x00, 0x05, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00]);
    assert!(compress_prbs(h, &[0; 25], &mut bytes).is_err());
    assert_eq!(bytes.len(), 8);
}

// ---- every method: truncation, arbitrary bytes ----------------------------------

fn all_params() -> PrbParams {
    PrbParams::modulation(QAM16).with_sres_mask(0x5a5)
}

#[test]
fn every_method_every_width_every_prefix_is_truncated() {
    let x: PrbIq = core::array::from_fn(|i| (i as i16 - 12) * 1234);
    for m in 0..=8u8 {
        for w in 1..=16u8 {
            let h = UdCompHdr::new(w, CompMethod::from_u4(m));
            let p = all_params();
            let full = compress_with(h, &p, &x);
            assert_eq!(Some(full.len()), h.prb_len_for_mask(0x5a5), "{h}");
            for cut in 0..full.len() {
                let mut out = [5i16; 24];
                let e = decompress_prb_with(h, &p, &full[..cut], &mut out).unwrap_err();
                assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{h} {cut}: {e}");
                assert_eq!(e.offset, 0);
                assert_eq!(out, [5i16; 24], "out touched on error");
                assert!(matches!(
                    reference::decompress_prb_with(h, &p, &full[..cut], &mut out)
                        .unwrap_err()
                        .kind,
                    ErrorKind::Truncated { .. }
                ));
            }
            let mut v = Vec::new();
            assert_eq!(decompress_prbs_with(h, &p, &full, 1, &mut v, None), Ok(full.len()));
        }
    }
}

#[test]
fn reserved_methods_and_wide_widths() {
    for m in 9..16u8 {
        let h = UdCompHdr::new(9, CompMethod::from_u4(m));
        let mut out = [0i16; 24];
        let e = decompress_prb_with(h, &all_params(), &[0; 64], &mut out).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Unsupported(_)));
        assert!(compress_prb_with(h, &all_params(), &out, &mut Vec::new()).is_err());
        assert!(read_ud_comp_param(h.method, &[0; 4]).is_err());
        assert!(prb_len_at(h, &[0; 4], 0).is_err());
    }
    for m in 2..=8u8 {
        let h = UdCompHdr {
            iq_width: 17,
            method: CompMethod::from_u4(m),
        };
        let e = decompress_prb_with(h, &all_params(), &[0; 64], &mut [0; 24]).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Invalid(_)), "{m}");
    }
}

// ---- properties -------------------------------------------------------------------

/// PRBs at every magnitude (uniform i16 would almost always be full scale).
fn any_prb() -> impl Strategy<Value = PrbIq> {
    prop_oneof![
        (0u32..16, prop::array::uniform24(any::<i16>())).prop_map(|(shift, mut p)| {
            for x in &mut p {
                *x >>= shift;
            }
            p
        }),
        prop::array::uniform24(-3i16..=3),
        prop::array::uniform24(prop::sample::select(vec![
            i16::MIN,
            i16::MAX,
            0,
            -1,
            1,
            256,
            -257,
            8192,
            16384
        ])),
    ]
}

fn any_mod_params() -> impl Strategy<Value = ModCompParams> {
    (any::<bool>(), 0u16..16, 0u16..2048).prop_map(|(csf, e, m)| ModCompParams::new(csf, e << 11 | m))
}

fn any_params() -> impl Strategy<Value = PrbParams> {
    (
        prop::array::uniform12(any_mod_params()),
        prop_oneof![Just(ALL_RES), 0u16..=0x0fff],
    )
        .prop_map(|(mc, mask)| PrbParams {
            mod_comp: Some(mc),
            sres_mask: mask,
        })
}

/// Round half away from zero of n / d (d > 0), for the bounds.
fn rdiv(n: i64, d: i64) -> i64 {
    let q = (2 * n.abs() + d) / (2 * d);
    if n < 0 { -q } else { q }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn block_scaling_round_trip_within_bound(x in any_prb()) {
        for w in 1..=16u8 {
            let h = UdCompHdr::new(w, BS);
            let b = compress(h, &x);
            let s = i64::from(b[0]);
            prop_assert_eq!(b[0], block_scaler(&x));
            prop_assert!((1..=128).contains(&s));
            let y = decompress(h, &b);
            for (&xi, &yi) in x.iter().zip(&y) {
                // |x - y| <= max(q + 1/2, 3/2) with q = s * 2^(9 - w); times 2^(w + 1):
                let err = (i64::from(xi) - i64::from(yi)).abs() << (i64::from(w) + 1);
                let bound = (2 * s * 512 + (1 << w)).max(3 << w);
                prop_assert!(err <= bound, "w={} s={} x={} y={}", w, s, xi, yi);
            }
            // Idempotent where the scaler survives: compress(decompress(b)) == b
            // when y's magnitude picks the same scaler and the step is coarse
            // enough (q >= 1) that rounding cannot move a code.
            let y2 = compress(h, &y);
            if w <= 9 && y2[0] == b[0] {
                prop_assert_eq!(&y2, &b, "w={}", w);
            }
        }
    }

    #[test]
    fn block_scaling_canonical_bytes_recompress(
        w in 2u8..=16,
        s in 1u8..=128,
        raw in prop::array::uniform24(any::<i16>()),
        idx in 0..24usize,
    ) {
        // Canonical: decompressing and compressing again returns the bytes
        // when (1) the scaler is picked again: one code at 2^(w-1) - 1 gives
        // y_max = 256 s - q (q = s * 2^(9-w)), whose ceil(/256) is s while
        // q < 256, i.e. s < 2^(w-1); and (2) rounding cannot move a code:
        // exact for w <= 9, and for w > 9 while 2^(w-9) / s < 1.
        prop_assume!(u32::from(s) < 1 << (w - 1));
        prop_assume!(w <= 9 || u32::from(s) > 1 << (w - 9));
        let shift = 16 - u32::from(w);
        let mut codes: PrbIq = raw.map(|r| r >> shift);
        codes[idx] = ((1i32 << (w - 1)) - 1) as i16;
        let h = UdCompHdr::new(w, BS);
        let mut bytes = vec![s];
        let mut wr = BitWriter::new(&mut bytes);
        for c in codes {
            wr.write_signed(c, u32::from(w)).unwrap();
        }
        let y = decompress(h, &bytes);
        prop_assert_eq!(compress(h, &y), bytes);
    }

    #[test]
    fn mulaw_round_trip_within_segment_step(x in any_prb()) {
        for w in 1..=16u8 {
            let h = UdCompHdr::new(w, MU);
            let b = compress(h, &x);
            let shift = mulaw_comp_shift(&x);
            prop_assert_eq!(mulaw_param(b[0]).comp_shift, shift);
            prop_assert_eq!(mulaw_param(b[0]).comp_bit_width, w % 16);
            let (_, codes, _) = read_mulaw_prb(&b, w).unwrap();
            let y = decompress(h, &b);
            let w = i64::from(w);
            for ((&xi, &c), &yi) in x.iter().zip(&codes).zip(&y) {
                // a = the shifted, clipped magnitude; M = the expanded code.
                // Truncation loses less than one step of a's segment:
                // 0 <= a - M < 2^(15-w), 2^(16-w), 2^(17-w); doubled here.
                let a = (i64::from(xi).abs() << shift).min((1 << 15) - 1);
                let m2 = i64::from(mulaw_expand(c, w as u8)).abs();
                let step2 = if a <= 1 << 13 { 1 << (16 - w) } else if a <= 1 << 14 { 1 << (17 - w) } else { 1 << (18 - w) };
                prop_assert!((0..step2).contains(&(2 * a - m2)), "w={} x={} c={}", w, xi, c);
                // y = round(M / 2^shift), with the code's sign.
                prop_assert_eq!(i64::from(yi).abs(), rdiv(m2, 2 << shift));
                prop_assert!(c == 0 || (c < 0) == (xi < 0));
                prop_assert!(i64::from(c).abs() < 1 << (w - 1));
            }
        }
    }

    #[test]
    fn mulaw_canonical_bytes_recompress(w in 3u8..=15, raw in prop::array::uniform24(any::<i16>()), idx in 0..24usize) {
        // Codes within +-(2^(w-1) - 1) with compShift 0 and one full-scale
        // code (M >= 2^14 for w >= 3, so compShift 0 is picked again) expand
        // to integers for w <= 15, and compressing an exact M returns its
        // code. (At w = 16 odd codes of segment 1 expand to a half and round.)
        let shift = 16 - u32::from(w);
        let hi = (1i16 << (w - 1)) - 1;
        let mut codes: PrbIq = raw.map(|r| (r >> shift).clamp(-hi, hi));
        codes[idx] = hi;
        let h = UdCompHdr::new(w, MU);
        let mut bytes = vec![w << 4];
        let mut wr = BitWriter::new(&mut bytes);
        for c in codes {
            wr.write_signed(c, u32::from(w)).unwrap();
        }
        let y = decompress(h, &bytes);
        prop_assert_eq!(mulaw_comp_shift(&y), 0);
        prop_assert_eq!(compress(h, &y), bytes);
    }

    #[test]
    fn modulation_round_trip(w in 1u8..=16, p in any_mod_params(), raw in prop::array::uniform24(any::<i16>())) {
        let h = UdCompHdr::new(w, MOD);
        let params = PrbParams::modulation(p);
        let pack = |codes: &[i16]| {
            let mut bytes = Vec::new();
            let mut wr = BitWriter::new(&mut bytes);
            for &c in codes {
                wr.write_signed(c, u32::from(w)).unwrap();
            }
            wr.align();
            bytes
        };
        // Canonical codes come back exactly when rounding to Q15 (1/2 LSB)
        // cannot cross half the grid step 2 * mantissa / 2^k, k = w +
        // exponent - 4: mantissa > 2^(k-1), or k <= 0 (no rounding at all).
        let k = i32::from(w) + i32::from(p.exponent()) - 4;
        let m = i64::from(p.mantissa());
        let codes: PrbIq = raw.map(|r| r >> (16 - u32::from(w)));
        let bytes = pack(&codes);
        let (y, _) = decompress_with(h, &params, &bytes);
        if m > 0 && (k <= 0 || m > 1i64 << (k - 1)) {
            prop_assert_eq!(&compress_with(h, &params, &y), &bytes);
        }
        // Inputs inside the grid land on the nearest point: within half a
        // step (mantissa / 2^k) plus the output's rounding.
        if m > 0 {
            let top = (1i32 << (w - 1)) - 1;
            let lo_hi = pack(&prb(&[(-top - 1) as i16, top as i16]));
            let mut ends = [0i16; 24];
            let mut src = lo_hi.clone();
            src.resize(bytes.len(), 0);
            decompress_prb_with(h, &params, &src, &mut ends).unwrap();
            let (lo, hi) = (ends[0], ends[1]);
            let b = compress_with(h, &params, &raw);
            let (y, _) = decompress_with(h, &params, &b);
            let half_step = m as f64 / 2f64.powi(k);
            for (&xi, &yi) in raw.iter().zip(&y) {
                if (lo..=hi).contains(&xi) {
                    let d = (f64::from(xi) - f64::from(yi)).abs();
                    prop_assert!(d <= half_step + 1.0, "x={} y={} half step {}", xi, yi, half_step);
                }
            }
        }
    }

    #[test]
    fn every_method_fast_equals_reference(
        m in 0u8..=8,
        w in 1u8..=16,
        params in any_params(),
        x in any_prb(),
        junk in prop::collection::vec(any::<u8>(), 64),
    ) {
        let h = UdCompHdr::new(w, CompMethod::from_u4(m));
        let b = compress_with(h, &params, &x);
        prop_assert_eq!(Some(b.len()), h.prb_len_for_mask(params.sres_mask));
        let (y, mask) = decompress_with(h, &params, &b);
        // Unsent REs are 0 and the mask says which were sent.
        for re in 0..12 {
            if mask >> re & 1 == 0 {
                prop_assert_eq!((y[2 * re], y[2 * re + 1]), (0, 0));
            }
        }
        prop_assert_eq!(mask, if m >= 5 { params.sres_mask } else { ALL_RES });
        // Arbitrary bytes decode the same on both paths (reserved bits set,
        // non-canonical exponents and scalers, any mask).
        let mut out = [0i16; 24];
        let fast = decompress_prb_with(h, &params, &junk, &mut out);
        let mut r = [0i16; 24];
        let slow = reference::decompress_prb_with(h, &params, &junk, &mut r);
        prop_assert_eq!(fast.is_ok(), slow.is_ok());
        if let (Ok(f), Ok(s)) = (fast, slow) {
            prop_assert_eq!(f, s);
            prop_assert_eq!(out, r);
        }
    }

    #[test]
    fn bulk_equals_per_prb(
        m in prop::sample::select(vec![2u8, 3, 5]),
        w in 1u8..=16,
        prbs in prop::collection::vec(any_prb(), 0..20),
    ) {
        // Enough PRBs that the fast kernels' in-place and staged paths both run.
        let h = UdCompHdr::new(w, CompMethod::from_u4(m));
        let iq: Vec<i16> = prbs.iter().flatten().copied().collect();
        let mut bulk = vec![0xab];
        compress_prbs(h, &iq, &mut bulk).unwrap();
        let mut want = vec![0xab];
        for p in &prbs {
            reference::compress_prb(h, p, &mut want).unwrap();
        }
        prop_assert_eq!(&bulk, &want);
        let mut out = vec![-7i16];
        prop_assert_eq!(decompress_prbs(h, &bulk[1..], prbs.len(), &mut out), Ok(bulk.len() - 1));
        let mut want = vec![-7i16];
        let mut pos = 1;
        for _ in &prbs {
            let mut r = [0i16; 24];
            pos += reference::decompress_prb(h, &bulk[pos..], &mut r).unwrap();
            want.extend_from_slice(&r);
        }
        prop_assert_eq!(out, want);
    }

    #[test]
    fn bulk_random_bytes_equal_reference(
        m in prop::sample::select(vec![2u8, 3]),
        w in 1u8..=16,
        n_prb in 0..20usize,
        seed in prop::collection::vec(any::<u8>(), 20 * 49),
    ) {
        let h = UdCompHdr::new(w, CompMethod::from_u4(m));
        let len = h.prb_len().unwrap();
        let src = &seed[..n_prb * len];
        let mut out = Vec::new();
        prop_assert_eq!(decompress_prbs(h, src, n_prb, &mut out), Ok(src.len()));
        let mut want = Vec::new();
        for c in src.chunks(len) {
            let mut r = [0i16; 24];
            reference::decompress_prb(h, c, &mut r).unwrap();
            want.extend_from_slice(&r);
        }
        prop_assert_eq!(out, want);
    }

    #[test]
    fn arbitrary_input_never_panics(
        hdr_byte in any::<u8>(),
        raw_width in any::<u8>(),
        src in prop::collection::vec(any::<u8>(), 0..120),
        n_prb in prop_oneof![0..10usize, Just(usize::MAX), Just(MAX_PRBS + 1)],
        iq in prop::collection::vec(any::<i16>(), 0..80),
        params in any_params(),
        mask in any::<u16>(),
    ) {
        let params = if mask & 1 == 0 { params } else { PrbParams { mod_comp: None, sres_mask: mask, } };
        for h in [UdCompHdr::from_byte(hdr_byte), UdCompHdr { iq_width: raw_width, method: CompMethod::from_u4(hdr_byte) }] {
            let mut out = [0i16; 24];
            let _ = decompress_prb_with(h, &params, &src, &mut out);
            let _ = reference::decompress_prb_with(h, &params, &src, &mut out);
            let _ = decompress_prbs_with(h, &params, &src, n_prb, &mut Vec::new(), Some(&mut Vec::new()));
            let _ = compress_prbs_with(h, &params, &iq, &mut Vec::new());
            let _ = compress_prb_with(h, &params, &out, &mut Vec::new());
            let _ = reference::compress_prb_with(h, &params, &out, &mut Vec::new());
            let _ = prb_len_at(h, &src, mask);
            let _ = h.prb_len_for_mask(mask);
            let _ = read_ud_comp_param(h.method, &src);
            let _ = read_mulaw_prb(&src, raw_width);
        }
        let _ = mulaw_expand(i16::MIN, raw_width);
    }
}

//! IQ compression: hand-computed vectors from the field layout and the BFP
//! algorithm, and properties checking the fast paths against the bit-level
//! reference.

use codecs::bits::{BitReader, BitWriter};
use codecs::fronthaul::compression::{
    self as comp, CompMethod, PrbIq, UdCompHdr, bfp_exponent, bfp_param, compress_prb, compress_prbs, decompress_prb,
    decompress_prbs, read_bfp_prb, reference,
};
use codecs::{Error, ErrorKind};
use proptest::prelude::*;

const BFP: CompMethod = CompMethod::Bfp;
const NONE: CompMethod = CompMethod::None;

fn prb(vals: &[i16]) -> PrbIq {
    let mut p = [0i16; 24];
    p[..vals.len()].copy_from_slice(vals);
    p
}

fn compress(hdr: UdCompHdr, iq: &PrbIq) -> Vec<u8> {
    let mut v = Vec::new();
    compress_prb(hdr, iq, &mut v).unwrap();
    v
}

fn decompress(hdr: UdCompHdr, src: &[u8]) -> PrbIq {
    let mut out = [0i16; 24];
    let n = decompress_prb(hdr, src, &mut out).unwrap();
    assert_eq!(n, src.len());
    out
}

// ---- udCompHdr ----------------------------------------------------------

#[test]
fn header_byte_codec() {
    assert_eq!(UdCompHdr::from_byte(0x91), UdCompHdr::new(9, BFP));
    // udIqWidth 0 means 16.
    assert_eq!(
        UdCompHdr::from_byte(0x01),
        UdCompHdr {
            iq_width: 16,
            method: BFP
        }
    );
    assert_eq!(UdCompHdr::new(16, BFP).to_byte(), 0x01);
    assert_eq!(UdCompHdr::new(0, NONE), UdCompHdr::new(16, NONE));
    assert_eq!(UdCompHdr::from_byte(0xF9), UdCompHdr::new(15, CompMethod::Reserved(9)));
    for b in 0..=255u8 {
        assert_eq!(UdCompHdr::from_byte(b).to_byte(), b);
    }
    for v in 0..16u8 {
        assert_eq!(CompMethod::from_u4(v).to_u4(), v);
    }
    assert_eq!(CompMethod::from_u4(8), CompMethod::ModSelectiveReMasks);
    assert_eq!(CompMethod::from_u4(13), CompMethod::Reserved(13));
}

#[test]
fn prb_len_per_method() {
    let len = |w, m| UdCompHdr::new(w, m).prb_len();
    assert_eq!(len(16, NONE), Some(48));
    assert_eq!(len(9, BFP), Some(28));
    assert_eq!(len(14, BFP), Some(43));
    assert_eq!(len(1, BFP), Some(4));
    assert_eq!(len(8, CompMethod::BlockScaling), Some(25));
    assert_eq!(len(8, CompMethod::MuLaw), Some(25));
    assert_eq!(len(4, CompMethod::Modulation), Some(12));
    for m in 5..16 {
        assert_eq!(len(9, CompMethod::from_u4(m)), None);
    }
    assert_eq!(len(17, BFP), None);
}

#[test]
fn header_strings() {
    let ok = |s: &str| s.parse::<UdCompHdr>().unwrap();
    assert_eq!(ok("bfp:9"), UdCompHdr::new(9, BFP));
    assert_eq!(ok("bfp9"), UdCompHdr::new(9, BFP));
    assert_eq!(ok(" BFP:9 "), UdCompHdr::new(9, BFP));
    assert_eq!(ok("none:16"), UdCompHdr::new(16, NONE));
    assert_eq!(ok("none16"), UdCompHdr::new(16, NONE));
    assert_eq!(ok("mu_law:8"), UdCompHdr::new(8, CompMethod::MuLaw));
    assert_eq!(ok("1:14"), UdCompHdr::new(14, BFP));
    assert_eq!(ok("reserved13:9"), UdCompHdr::new(9, CompMethod::Reserved(13)));
    for s in [
        "bfp:0",
        "bfp:17",
        "bfp",
        "foo:9",
        "reserved3:9",
        ":9",
        "9",
        "bfp:x",
        "16:9",
        "",
    ] {
        assert!(s.parse::<UdCompHdr>().is_err(), "{s:?} parsed");
    }
    assert_eq!(UdCompHdr::new(9, BFP).to_string(), "bfp:9");
    assert_eq!(
        UdCompHdr::new(16, CompMethod::BlockScaling).to_string(),
        "block-scaling:16"
    );
    for b in 0..=255u8 {
        let h = UdCompHdr::from_byte(b);
        assert_eq!(h.to_string().parse::<UdCompHdr>().unwrap(), h, "{h}");
    }
}

// ---- hand-computed BFP vectors ---------------------------------------------

#[test]
fn bfp_all_zero_prb() {
    let h = UdCompHdr::new(9, BFP);
    let z = [0i16; 24];
    assert_eq!(bfp_exponent(&z, 9), 0);
    let bytes = compress(h, &z);
    assert_eq!(bytes, vec![0u8; 28]);
    assert_eq!(decompress(h, &bytes), z);
}

#[test]
fn bfp_width9_max_1000() {
    // max 1000: rawExp = floor(log2 1000) + 1 = 10, e = 10 - 9 + 1 = 2,
    // mantissa 250 = 0_1111_1010.
    let h = UdCompHdr::new(9, BFP);
    let x = prb(&[1000]);
    assert_eq!(bfp_exponent(&x, 9), 2);
    let mut want = vec![0u8; 28];
    want[0] = 0x02;
    want[1] = 0b0111_1101;
    assert_eq!(compress(h, &x), want);
    assert_eq!(decompress(h, &want), x);
}

#[test]
fn bfp_width9_mixed_signs() {
    // largest positive 1000, most negative -1024 -> max(1000, 1023) = 1023,
    // rawExp 10, e = 2. Mantissas x >> 2 (floor): 250, -250, -256, 0, -1.
    // 9-bit fields: 011111010 100000110 100000000 000000000 111111111 ...
    let h = UdCompHdr::new(9, BFP);
    let x = prb(&[1000, -1000, -1024, 3, -1]);
    assert_eq!(bfp_exponent(&x, 9), 2);
    let mut want = vec![0u8; 28];
    want[..7].copy_from_slice(&[0x02, 0x7D, 0x41, 0xA0, 0x00, 0x0F, 0xF8]);
    assert_eq!(compress(h, &x), want);
    assert_eq!(decompress(h, &want), prb(&[1000, -1000, -1024, 0, -4]));
    let (e, m, n) = read_bfp_prb(&want, 9).unwrap();
    assert_eq!((e, n), (2, 28));
    assert_eq!(m, prb(&[250, -250, -256, 0, -1]));
}

#[test]
fn bfp_exponent_boundaries() {
    // |most negative| - 1: -2^k needs one bit less than +2^k.
    for (v, w, e) in [
        (8191, 14, 0),
        (8192, 14, 1),
        (-8192, 14, 0),
        (-8193, 14, 1),
        (255, 9, 0),
        (256, 9, 1),
        (-256, 9, 0),
        (-257, 9, 1),
        (32767, 16, 0),
        (-32768, 16, 0),
        (32767, 9, 7),
        (-32768, 9, 7),
        (-32768, 1, 15),
        (1, 1, 1),
        (-1, 1, 0),
        (-1, 2, 0),
    ] {
        let x = prb(&[0, v]);
        assert_eq!(bfp_exponent(&x, w), e, "v={v} w={w}");
        assert_eq!(reference::bfp_exponent(&x, w), e, "v={v} w={w}");
    }
}

#[test]
fn bfp_width16_and_width1() {
    let h16 = UdCompHdr::new(16, BFP);
    let x = prb(&[32767, -32768, 1]);
    let b = compress(h16, &x);
    assert_eq!(b.len(), 49);
    assert_eq!(&b[..7], &[0x00, 0x7F, 0xFF, 0x80, 0x00, 0x00, 0x01]);
    assert_eq!(decompress(h16, &b), x);

    // Width 1: the only mantissas are 0 and -1; -32768 needs e = 15.
    let h1 = UdCompHdr::new(1, BFP);
    let x = prb(&[-32768, 0, 32767]);
    let b = compress(h1, &x);
    assert_eq!(b, vec![0x0F, 0x80, 0x00, 0x00]);
    assert_eq!(decompress(h1, &b), prb(&[-32768]));
}

#[test]
fn bfp_nonconformant_exponent_saturates() {
    // e = 15 at width 9 is above 16 - 9: m * 2^15 saturates to i16.
    let h = UdCompHdr::new(9, BFP);
    let mut src = vec![0u8; 28];
    src[0] = 0xFF; // reserved nibble set too: ignored by the decoder
    // mantissas 255 (011111111), -256 (100000000), 1 (000000001)
    let mut bits = Vec::new();
    let mut w = BitWriter::new(&mut bits);
    for m in [255i16, -256, 1] {
        w.write_signed(m, 9).unwrap();
    }
    src[1..1 + bits.len()].copy_from_slice(&bits);
    let out = decompress(h, &src);
    assert_eq!(&out[..4], &[32767, -32768, 32767, 0]);
    let mut r = [0i16; 24];
    reference::decompress_prb(h, &src, &mut r).unwrap();
    assert_eq!(r, out);
    assert_eq!(bfp_param(src[0]).reserved, 0xF);
    assert_eq!(bfp_param(src[0]).exponent, 0xF);
}

// ---- method none -------------------------------------------------------------

#[test]
fn none_width16_is_big_endian_i16() {
    let h = UdCompHdr::new(16, NONE);
    let x = prb(&[0x1234, -2, i16::MIN]);
    let b = compress(h, &x);
    assert_eq!(b.len(), 48);
    assert_eq!(&b[..7], &[0x12, 0x34, 0xFF, 0xFE, 0x80, 0x00, 0x00]);
    assert_eq!(decompress(h, &b), x);
}

#[test]
fn none_narrow_width_saturates_and_is_not_scaled() {
    let h = UdCompHdr::new(9, NONE);
    let b = compress(h, &prb(&[300, -300, 255, -256, -1]));
    // 255 = 011111111, -256 = 100000000, twice, then -1 = 111111111
    let mut want = vec![0u8; 27];
    let mut bits = Vec::new();
    let mut w = BitWriter::new(&mut bits);
    for m in [255i16, -256, 255, -256, -1] {
        w.write_signed(m, 9).unwrap();
    }
    want[..bits.len()].copy_from_slice(&bits);
    assert_eq!(&want[..6], &[0x7F, 0xC0, 0x1F, 0xF0, 0x0F, 0xF8]);
    assert_eq!(b, want);
    // Decoded values are the raw 9-bit numbers, sign-extended.
    assert_eq!(decompress(h, &b), prb(&[255, -256, 255, -256, -1]));
}

// ---- errors ----------------------------------------------------------------------

#[test]
fn unsupported_and_invalid_headers() {
    let x = [7i16; 24];
    let src = [0u8; 64];
    // Methods 4 and 6-8 need C-plane or section-header parameters, 9-15 are
    // reserved: the parameterless functions refuse them all. 2, 3 and 5
    // need nothing more (compressing 5 sends every RE).
    for m in 2..16u8 {
        let h = UdCompHdr::new(9, CompMethod::from_u4(m));
        let mut out = [0i16; 24];
        let mut v = vec![1u8];
        if matches!(m, 2 | 3 | 5) {
            assert!(decompress_prb(h, &src, &mut out).is_ok(), "{m}");
            assert!(compress_prb(h, &x, &mut v).is_ok(), "{m}");
            continue;
        }
        let e = decompress_prb(h, &src, &mut out).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Unsupported(_)), "{m}: {e}");
        assert!(matches!(
            compress_prb(h, &x, &mut v).unwrap_err().kind,
            ErrorKind::Unsupported(_)
        ));
        assert!(matches!(
            reference::decompress_prb(h, &src, &mut out).unwrap_err().kind,
            ErrorKind::Unsupported(_)
        ));
        assert_eq!(v, [1]);
        let mut o = Vec::new();
        assert!(decompress_prbs(h, &src, 1, &mut o).is_err());
        assert!(compress_prbs(h, &x, &mut v).is_err());
    }
    for w in [17u8, 200, 255] {
        let h = UdCompHdr {
            iq_width: w,
            method: BFP,
        };
        let mut out = [0i16; 24];
        assert!(matches!(
            decompress_prb(h, &src, &mut out).unwrap_err().kind,
            ErrorKind::Invalid(_)
        ));
        assert!(compress_prb(h, &x, &mut Vec::new()).is_err());
        assert!(read_bfp_prb(&src, w).is_err());
    }
    let e = compress_prbs(UdCompHdr::new(9, BFP), &[0i16; 25], &mut Vec::new()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(_)));
}

#[test]
fn every_short_prefix_is_truncated() {
    for w in 1..=16u8 {
        for m in [NONE, BFP] {
            let h = UdCompHdr::new(w, m);
            let len = h.prb_len().unwrap();
            let full = compress(h, &[-1234; 24]);
            assert_eq!(full.len(), len);
            for cut in 0..len {
                let mut out = [5i16; 24];
                let e = decompress_prb(h, &full[..cut], &mut out).unwrap_err();
                assert_eq!(e, Error::truncated(0, len, cut, "compressed PRB"));
                assert_eq!(out, [5i16; 24], "out touched on error");
                assert!(matches!(
                    reference::decompress_prb(h, &full[..cut], &mut out).unwrap_err().kind,
                    ErrorKind::Truncated { .. }
                ));
                if m == BFP {
                    assert!(read_bfp_prb(&full[..cut], w).is_err());
                }
            }
            // Bulk: 3 PRBs asked, 2.5 present.
            let mut src = Vec::new();
            for _ in 0..3 {
                src.extend_from_slice(&full);
            }
            let cut = 2 * len + len / 2;
            let mut out = vec![9i16];
            let e = decompress_prbs(h, &src[..cut], 3, &mut out).unwrap_err();
            assert_eq!(e.offset, 2 * len);
            assert_eq!(
                e.kind,
                ErrorKind::Truncated {
                    needed: len,
                    available: len / 2
                }
            );
            assert_eq!(out, [9]);
            assert!(decompress_prbs(h, &src, usize::MAX, &mut out).is_err());
            assert!(decompress_prbs(h, &src, usize::MAX / 2, &mut out).is_err());
            assert_eq!(decompress_prbs(h, &src, 0, &mut out), Ok(0));
            assert_eq!(out, [9]);
        }
    }
}

// ---- properties ----------------------------------------------------------------

/// PRBs at every magnitude: uniform i16 would almost always need the
/// largest exponent.
fn any_prb() -> impl Strategy<Value = PrbIq> {
    prop_oneof![
        (0u32..16, prop::array::uniform24(any::<i16>())).prop_map(|(shift, mut p)| {
            for x in &mut p {
                *x >>= shift;
            }
            p
        }),
        prop::array::uniform24(-2i16..=2),
        prop::array::uniform24(prop::sample::select(vec![i16::MIN, i16::MAX, 0, -1, 1])),
    ]
}

fn ref_compress(h: UdCompHdr, x: &PrbIq) -> Vec<u8> {
    let mut v = Vec::new();
    reference::compress_prb(h, x, &mut v).unwrap();
    v
}

fn ref_decompress(h: UdCompHdr, src: &[u8]) -> PrbIq {
    let mut out = [0i16; 24];
    let n = reference::decompress_prb(h, src, &mut out).unwrap();
    assert_eq!(n, h.prb_len().unwrap());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn bfp_round_trip_within_quantum(x in any_prb()) {
        for w in 1..=16u8 {
            let h = UdCompHdr::new(w, BFP);
            let b = compress(h, &x);
            prop_assert_eq!(&b, &ref_compress(h, &x), "w={}", w);
            let e = bfp_exponent(&x, w);
            prop_assert_eq!(e, reference::bfp_exponent(&x, w));
            prop_assert_eq!(b[0], e);
            prop_assert!(usize::from(e) <= 16 - usize::from(w));
            let y = decompress(h, &b);
            prop_assert_eq!(y, ref_decompress(h, &b));
            for (xi, yi) in x.iter().zip(&y) {
                // Truncation toward minus infinity: 0 <= x - y < 2^e.
                let d = i32::from(*xi) - i32::from(*yi);
                prop_assert!((0..1 << e).contains(&d), "w={} e={} x={} y={}", w, e, xi, yi);
            }
            // A decompressed PRB is canonical: compressing it again is exact.
            prop_assert_eq!(compress(h, &y), b);
        }
    }

    #[test]
    fn bfp_canonical_bytes_recompress_exactly(
        w in 1..=16u8,
        e_pick in any::<u8>(),
        raw in prop::array::uniform24(any::<u16>()),
        idx in 0..24usize,
        neg in any::<bool>(),
    ) {
        // Build mantissas with one extreme value so the exponent is the one
        // the algorithm picks (for w = 1 only -1 carries information).
        let e = e_pick % (17 - w);
        let shift = 16 - u32::from(w);
        let mut m: PrbIq = raw.map(|r| (r as i16) >> shift);
        let ext = 1i32 << (w - 1);
        m[idx] = if neg || w == 1 { -ext } else { ext - 1 } as i16;
        let h = UdCompHdr::new(w, BFP);
        let mut bytes = vec![e];
        let mut wr = BitWriter::new(&mut bytes);
        for v in m {
            wr.write_signed(v, u32::from(w)).unwrap();
        }
        let y = decompress(h, &bytes);
        prop_assert_eq!(bfp_exponent(&y, w), e);
        prop_assert_eq!(compress(h, &y), bytes.clone());
        let (e2, m2, _) = read_bfp_prb(&bytes, w).unwrap();
        prop_assert_eq!((e2, m2), (e, m));
    }

    #[test]
    fn bfp_random_bytes_fast_equals_reference(w in 1..=16u8, bytes in prop::collection::vec(any::<u8>(), 49)) {
        let h = UdCompHdr::new(w, BFP);
        let src = &bytes[..h.prb_len().unwrap()];
        let y = decompress(h, src);
        prop_assert_eq!(y, ref_decompress(h, src));
        let p = bfp_param(src[0]);
        let (e, m, _) = read_bfp_prb(src, w).unwrap();
        prop_assert_eq!(e, p.exponent);
        for (yi, mi) in y.iter().zip(m) {
            let want = (i32::from(mi) << e).clamp(i16::MIN.into(), i16::MAX.into());
            prop_assert_eq!(i32::from(*yi), want);
        }
        // Recompression reproduces the bytes exactly when they are canonical.
        let canonical = p.reserved == 0 && bfp_exponent(&y, w) == p.exponent;
        prop_assert_eq!(compress(h, &y) == src, canonical);
    }

    #[test]
    fn none_round_trip(x in any_prb(), bytes in prop::collection::vec(any::<u8>(), 48)) {
        for w in 1..=16u8 {
            let h = UdCompHdr::new(w, NONE);
            let lo = -(1i32 << (w - 1));
            let hi = -lo - 1;
            let b = compress(h, &x);
            prop_assert_eq!(&b, &ref_compress(h, &x));
            let y = decompress(h, &b);
            prop_assert_eq!(y, ref_decompress(h, &b));
            for (xi, yi) in x.iter().zip(&y) {
                prop_assert_eq!(i32::from(*yi), i32::from(*xi).clamp(lo, hi));
            }
            // Every bit pattern is canonical for fixed point.
            let src = &bytes[..h.prb_len().unwrap()];
            let y = decompress(h, src);
            prop_assert_eq!(y, ref_decompress(h, src));
            prop_assert_eq!(compress(h, &y), src);
        }
    }

    #[test]
    fn bulk_equals_reference_per_prb(
        w in 1..=16u8,
        bfp in any::<bool>(),
        // Enough PRBs that the in-place path (48 bytes readable past a
        // PRB's start) and the staged tail are both exercised at every width.
        prbs in prop::collection::vec(any_prb(), 0..24),
    ) {
        let h = UdCompHdr::new(w, if bfp { BFP } else { NONE });
        let iq: Vec<i16> = prbs.iter().flatten().copied().collect();
        let mut bulk = vec![0xAB];
        compress_prbs(h, &iq, &mut bulk).unwrap();
        let mut want = vec![0xAB];
        for p in &prbs {
            reference::compress_prb(h, p, &mut want).unwrap();
        }
        prop_assert_eq!(&bulk, &want);
        let mut out = vec![-7i16];
        let n = decompress_prbs(h, &bulk[1..], prbs.len(), &mut out).unwrap();
        prop_assert_eq!(n, bulk.len() - 1);
        let mut want = vec![-7i16];
        for c in bulk[1..].chunks(h.prb_len().unwrap()) {
            want.extend_from_slice(&ref_decompress(h, c));
        }
        prop_assert_eq!(out, want);
    }

    #[test]
    fn bulk_decompress_random_bytes_equals_reference(
        w in 1..=16u8,
        bfp in any::<bool>(),
        n_prb in 0..24usize,
        seed in prop::collection::vec(any::<u8>(), 24 * 49),
    ) {
        // Arbitrary bytes: non-canonical exponents, reserved bits set, etc.
        let h = UdCompHdr::new(w, if bfp { BFP } else { NONE });
        let src = &seed[..n_prb * h.prb_len().unwrap()];
        let mut out = Vec::new();
        prop_assert_eq!(decompress_prbs(h, src, n_prb, &mut out).unwrap(), src.len());
        let mut want = Vec::new();
        for c in src.chunks(h.prb_len().unwrap()) {
            want.extend_from_slice(&ref_decompress(h, c));
        }
        prop_assert_eq!(out, want);
    }

    #[test]
    fn arbitrary_input_never_panics(
        hdr_byte in any::<u8>(),
        raw_width in any::<u8>(),
        src in prop::collection::vec(any::<u8>(), 0..200),
        n_prb in prop_oneof![0..10usize, Just(usize::MAX), Just(usize::MAX / 24)],
        iq in prop::collection::vec(any::<i16>(), 0..100),
        text in ".{0,12}",
    ) {
        for h in [UdCompHdr::from_byte(hdr_byte), UdCompHdr { iq_width: raw_width, method: CompMethod::from_u4(hdr_byte) }] {
            let mut prb_out = [0i16; 24];
            let _ = decompress_prb(h, &src, &mut prb_out);
            let _ = reference::decompress_prb(h, &src, &mut prb_out);
            let _ = decompress_prbs(h, &src, n_prb, &mut Vec::new());
            let _ = compress_prbs(h, &iq, &mut Vec::new());
            let _ = compress_prb(h, &prb_out, &mut Vec::new());
            let _ = reference::compress_prb(h, &prb_out, &mut Vec::new());
            let _ = h.prb_len();
            let _ = h.to_string().parse::<UdCompHdr>();
        }
        let _ = read_bfp_prb(&src, raw_width);
        let _ = bfp_exponent(&[i16::MIN; 24], raw_width);
        let _ = reference::bfp_exponent(&[i16::MIN; 24], raw_width);
        let _ = text.parse::<UdCompHdr>();
    }

    #[test]
    fn bit_reader_matches_naive_bits(
        bytes in prop::collection::vec(any::<u8>(), 0..12),
        widths in prop::collection::vec(0u32..=32, 1..12),
    ) {
        let bit = |i: usize| (bytes[i / 8] >> (7 - i % 8)) & 1;
        let mut r = BitReader::new(&bytes, "t");
        let mut pos = 0usize;
        for n in widths {
            let got = r.read(n);
            if pos + n as usize > bytes.len() * 8 {
                let e = got.unwrap_err();
                prop_assert_eq!(e.offset, pos / 8);
                prop_assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "not truncated");
                prop_assert_eq!(r.bit_pos(), pos);
                break;
            }
            let want = (pos..pos + n as usize).fold(0u64, |a, i| a << 1 | u64::from(bit(i)));
            prop_assert_eq!(u64::from(got.unwrap()), want);
            pos += n as usize;
        }
    }

    #[test]
    fn bit_writer_reader_round_trip(fields in prop::collection::vec((1u32..=16, any::<i16>()), 0..20)) {
        let mut v = Vec::new();
        let mut w = BitWriter::new(&mut v);
        let mut kept = Vec::new();
        for &(n, x) in &fields {
            let m = x >> (16 - n);
            w.write_signed(m, n).unwrap();
            kept.push((n, m));
        }
        let total: u32 = fields.iter().map(|f| f.0).sum();
        prop_assert_eq!(w.bit_len(), total as usize);
        prop_assert_eq!(v.len(), (total as usize).div_ceil(8));
        let mut r = BitReader::new(&v, "t");
        for (n, m) in kept {
            prop_assert_eq!(r.read_signed(n).unwrap(), m);
        }
    }
}

#[test]
fn public_constants() {
    assert_eq!(comp::RE_PER_PRB, 12);
    assert_eq!(comp::SAMPLES_PER_PRB, 24);
}

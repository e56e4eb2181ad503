//! Every instruction-set level of the fixed-length kernels (none, BFP,
//! block scaling, mu-law) against the bit-level reference, bit for bit: the
//! same bytes compressing, the same i16 decompressing, at every width, on
//! section lengths that exercise the in-place loops, the paired PRBs and the
//! staged tail.

use codecs::fronthaul::compression::kernels::{Level, compress_prbs_at, decompress_prbs_at};
use codecs::fronthaul::compression::{
    CompMethod, PrbIq, SAMPLES_PER_PRB, UdCompHdr, compress_prbs, decompress_prbs, reference,
};
use codecs::{Error, ErrorKind};
use proptest::prelude::*;

const METHODS: [CompMethod; 4] = [
    CompMethod::None,
    CompMethod::Bfp,
    CompMethod::BlockScaling,
    CompMethod::MuLaw,
];

fn levels() -> Vec<Level> {
    let l = Level::available();
    assert!(l.contains(&Level::Portable));
    #[cfg(target_arch = "x86_64")]
    assert_eq!(l.contains(&Level::Avx2), std::arch::is_x86_feature_detected!("avx2"));
    l
}

fn ref_compress(h: UdCompHdr, iq: &[i16]) -> Vec<u8> {
    let mut want = Vec::new();
    for p in iq.chunks_exact(SAMPLES_PER_PRB) {
        let p: &PrbIq = p.try_into().unwrap();
        reference::compress_prb(h, p, &mut want).unwrap();
    }
    want
}

fn ref_decompress(h: UdCompHdr, src: &[u8]) -> Vec<i16> {
    let len = h.prb_len().unwrap();
    let mut want = Vec::new();
    for c in src.chunks_exact(len) {
        let mut out = [0i16; SAMPLES_PER_PRB];
        assert_eq!(reference::decompress_prb(h, c, &mut out).unwrap(), len);
        want.extend_from_slice(&out);
    }
    want
}

/// Compress and decompress `iq` at every level and width of `method`, and
/// decompress `noise` (arbitrary bytes, so non-canonical exponents, reserved
/// bits, out-of-range scalers), comparing each with the reference.
fn check_all_levels(method: CompMethod, iq: &[i16], noise: &[u8]) {
    let n_prb = iq.len() / SAMPLES_PER_PRB;
    for w in 1..=16u8 {
        let h = UdCompHdr::new(w, method);
        let len = h.prb_len().unwrap();
        let want_bytes = ref_compress(h, iq);
        let want_iq = ref_decompress(h, &want_bytes);
        let n_noise = noise.len() / len;
        let noise = &noise[..n_noise * len];
        let want_noise = ref_decompress(h, noise);
        for level in levels() {
            let ctx = format!("{} w={w} level={level:?} n_prb={n_prb}", method.name());
            // A prefix in both buffers: appending must leave it alone.
            let mut bytes = vec![0xA5];
            compress_prbs_at(level, h, iq, &mut bytes).unwrap();
            assert_eq!(&bytes[1..], &want_bytes[..], "compress {ctx}");
            let mut out = vec![-3i16];
            let n = decompress_prbs_at(level, h, &bytes[1..], n_prb, &mut out).unwrap();
            assert_eq!(n, want_bytes.len(), "{ctx}");
            assert_eq!(&out[1..], &want_iq[..], "decompress {ctx}");
            let mut out = Vec::new();
            decompress_prbs_at(level, h, noise, n_noise, &mut out).unwrap();
            assert_eq!(out, want_noise, "decompress noise {ctx}");
        }
    }
}

/// xorshift32, for deterministic bulk data without a dependency.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// PRBs at every magnitude (so every exponent, scaler and shift), with the
/// extremes sprinkled in.
fn varied_iq(rng: &mut Rng, n_prb: usize) -> Vec<i16> {
    let mut iq = Vec::with_capacity(n_prb * SAMPLES_PER_PRB);
    for p in 0..n_prb {
        let shift = rng.next() % 16;
        for _ in 0..SAMPLES_PER_PRB {
            let r = rng.next();
            let x = match r % 61 {
                0 => i16::MIN,
                1 => i16::MAX,
                2 => (-(1i32 << (15 - shift))) as i16,
                3 => ((1i32 << (15 - shift)) - 1) as i16,
                _ => (r >> 16) as i16 >> shift,
            };
            // Some all-zero and all-tiny PRBs.
            iq.push(match p % 17 {
                0 => 0,
                1 => x >> 14,
                _ => x,
            });
        }
    }
    iq
}

#[test]
fn levels_are_listed_and_best_is_used() {
    let l = levels();
    assert!(l.windows(2).all(|p| p[0] < p[1]));
    assert!(l.contains(&Level::best()));
    assert_eq!(Level::best(), *l.last().unwrap());
    for &level in Level::ALL {
        assert!(!level.name().is_empty());
        if !level.is_available() {
            let h = UdCompHdr::new(9, CompMethod::Bfp);
            let e = decompress_prbs_at(level, h, &[0; 28], 1, &mut Vec::new()).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::Unsupported(_)), "{e}");
            assert!(compress_prbs_at(level, h, &[0; 24], &mut Vec::new()).is_err());
        }
    }
    // The public functions are the best level.
    let mut rng = Rng(7);
    let iq = varied_iq(&mut rng, 40);
    for w in 1..=16u8 {
        for m in METHODS {
            let h = UdCompHdr::new(w, m);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            compress_prbs(h, &iq, &mut a).unwrap();
            compress_prbs_at(Level::best(), h, &iq, &mut b).unwrap();
            assert_eq!(a, b);
            let (mut x, mut y) = (Vec::new(), Vec::new());
            decompress_prbs(h, &a, 40, &mut x).unwrap();
            decompress_prbs_at(Level::best(), h, &a, 40, &mut y).unwrap();
            assert_eq!(x, y);
        }
    }
}

#[test]
fn errors_are_the_same_at_every_level() {
    for level in levels() {
        let h = UdCompHdr::new(9, CompMethod::Bfp);
        let mut out = vec![1i16];
        assert_eq!(
            decompress_prbs_at(level, h, &[0; 55], 2, &mut out),
            Err(Error::truncated(28, 28, 27, "compressed PRB"))
        );
        assert_eq!(out, [1]);
        let mut bytes = vec![2u8];
        assert!(compress_prbs_at(level, h, &[0; 25], &mut bytes).is_err());
        assert_eq!(bytes, [2]);
        let m4 = UdCompHdr::new(9, CompMethod::Modulation);
        assert!(matches!(
            decompress_prbs_at(level, m4, &[0; 27], 1, &mut out).unwrap_err().kind,
            ErrorKind::Unsupported(_)
        ));
    }
}

/// Every width, method and level over many PRBs, and every PRB count up to
/// a few more than the widest kernel's reach so each way through the loops
/// (pairs, a single, the staged tail) ends a section.
#[test]
fn every_level_width_and_method_equals_reference() {
    let mut rng = Rng(0x2545_F491);
    for m in METHODS {
        let iq = varied_iq(&mut rng, 600);
        let noise: Vec<u8> = (0..600 * 49).map(|_| rng.next() as u8).collect();
        check_all_levels(m, &iq, &noise);
        for n_prb in 0..12 {
            let iq = varied_iq(&mut rng, n_prb);
            let noise: Vec<u8> = (0..n_prb * 49).map(|_| rng.next() as u8).collect();
            check_all_levels(m, &iq, &noise);
        }
    }
}

/// Every exponent (0..=15, conformant or not) with mantissas at their
/// extremes, at every width and level: the saturation of non-conformant
/// exponents included.
#[test]
fn bfp_every_exponent_and_extreme_mantissa() {
    for w in 1..=16u8 {
        let h = UdCompHdr::new(w, CompMethod::Bfp);
        let len = h.prb_len().unwrap();
        let mut src = Vec::new();
        for e in 0..=255u8 {
            // Reserved nibble set in half of them; mantissas -2^(w-1),
            // 2^(w-1) - 1, -1, 0, 1 and bit patterns.
            src.push(e);
            let mut bits = Vec::new();
            {
                let mut wr = codecs::bits::BitWriter::new(&mut bits);
                let lo = -(1i32 << (w - 1));
                let hi = (1i32 << (w - 1)) - 1;
                for k in 0..SAMPLES_PER_PRB {
                    let v = match (k + usize::from(e)) % 6 {
                        0 => lo,
                        1 => hi,
                        2 => -1,
                        3 => 0,
                        4 => 1.min(hi),
                        _ => (i32::from(e) * 37 + k as i32 * 11) % (hi + 1),
                    };
                    wr.write_signed(v as i16, u32::from(w)).unwrap();
                }
            }
            assert_eq!(bits.len(), len - 1);
            src.extend_from_slice(&bits);
        }
        let want = ref_decompress(h, &src);
        for level in levels() {
            let mut out = Vec::new();
            decompress_prbs_at(level, h, &src, 256, &mut out).unwrap();
            assert_eq!(out, want, "w={w} level={level:?}");
        }
    }
}

/// Any PRBs, as arbitrary i16 or scaled down to any magnitude.
fn any_iq() -> impl Strategy<Value = Vec<i16>> {
    prop::collection::vec(
        (0u32..16, prop::array::uniform24(any::<i16>())).prop_map(|(shift, p)| p.map(|x| x >> shift)),
        0..40,
    )
    .prop_map(|prbs| prbs.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_prbs_every_level_equals_reference(
        m in 0..4usize,
        iq in any_iq(),
        noise in prop::collection::vec(any::<u8>(), 0..40 * 49),
    ) {
        check_all_levels(METHODS[m], &iq, &noise);
    }
}

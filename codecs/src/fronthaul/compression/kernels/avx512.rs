//! AVX-512 kernels (F, BW, VBMI, VBMI2: Ice Lake, Zen 4 and later): none
//! and BFP both ways, four PRBs at a time (compression up to 14 bits);
//! every other entry is the AVX2 kernel (these CPUs have AVX2), which also
//! takes the PRBs at the end of a buffer and blocks with a non-conformant
//! BFP exponent. Bit for bit the same as the reference.
//!
//! Four PRBs are 96 samples, three registers of 32 words. For each word a
//! two-table byte permute (`vpermi2b`, over a 128-byte window) gathers the
//! sample's first two bytes big-endian, a second one its third byte, and a
//! funnel shift (`vpshldvw`) by the sample's bit offset brings its MSB to
//! bit 15 with the stream's next bits below. An arithmetic shift of the top
//! W bits then gives the code (none) or `m * 2^e` (BFP, the per-word shift
//! taken from the word's PRB by a word permute of the four exponents). The
//! permute and shift tables are constants per width and method.
//!
//! Compression: the 96 samples load as three registers of four 8-sample
//! groups (one per 128-bit lane); BFP takes each PRB's exponent from the OR
//! of its folded samples and shifts each word by its PRB's (`vpsravw`),
//! none clamps; the groups pack as in the AVX2 kernel (pairs by
//! `vpmaddwd`, quads by `vpmuludq` and `vpsrlvq`, bytes by `vpshufb`) and
//! each lane is stored in order, its spill overwritten by the next.
//!
//! Testing without the hardware: the kernel is written over [`Zmm`], the
//! handful of instructions it uses. [`Hw`] maps them to the intrinsics;
//! the tests run the same kernel on a model of each instruction written
//! from its definition, against the portable kernels, at every width and
//! exponent. On the CPU itself a known-answer check against the portable
//! kernels gates the level ([`kernels`]).
//!
//! `unsafe`: the entry from the function table (which exists only when the
//! CPU has these features, see [`kernels`]) and [`Hw`]'s intrinsic calls,
//! only made from it.

use core::arch::x86_64::*;
use std::sync::OnceLock;

use super::avx2::{compress as avx2_compress, decompress as avx2_decompress};
use super::{Kernels, M_BFP, M_NONE, param_len};
use crate::fronthaul::compression::SAMPLES_PER_PRB;

static KERNELS: Kernels = Kernels {
    decompress: [
        width_table!(decompress, 0),
        width_table!(decompress, 1),
        width_table!(avx2_decompress, 2),
        width_table!(avx2_decompress, 3),
    ],
    compress: [
        width_table!(compress, 0),
        width_table!(compress, 1),
        width_table!(avx2_compress, 2),
        width_table!(avx2_compress, 3),
    ],
};

/// The AVX-512 table, when the CPU has AVX-512 F, BW, VBMI and VBMI2, and
/// the AVX2 level it defers to, and its kernels pass a known-answer check
/// against the portable ones on first use (they are tested here on a model
/// of the instructions; this holds them to the same answers on the CPU
/// itself before any capture is decoded with them): the only way to its
/// functions.
pub(super) fn kernels() -> Option<&'static Kernels> {
    static USABLE: OnceLock<bool> = OnceLock::new();
    let usable = *USABLE.get_or_init(|| {
        let avx512 = is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512vbmi")
            && is_x86_feature_detected!("avx512vbmi2");
        avx512 && super::avx2::kernels().is_some() && agrees_with(&KERNELS, &super::PORTABLE)
    });
    usable.then_some(&KERNELS)
}

/// xorshift32 from `s` (nonzero): reproducible test data, no dependency.
fn xorshift(mut s: u32) -> impl FnMut() -> u32 {
    move || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s
    }
}

/// Whether `k` decompresses and compresses as `reference` does: none and
/// BFP at every width, 48 PRBs (a block runs at every width) of
/// pseudo-random bytes (BFP once with conformant exponents and once with
/// any) and of samples at every magnitude.
fn agrees_with(k: &Kernels, reference: &Kernels) -> bool {
    const N: usize = 48;
    let mut next = xorshift(0x2545_F491);
    let bytes: Vec<u8> = (0..N * 49).map(|_| next() as u8).collect();
    let iq: Vec<i16> = (0..N * SAMPLES_PER_PRB)
        .map(|i| (next() as i16) >> (i / SAMPLES_PER_PRB % 16))
        .collect();
    let (mut got, mut want) = (vec![0i16; N * SAMPLES_PER_PRB], vec![0i16; N * SAMPLES_PER_PRB]);
    for m in [M_NONE, M_BFP] {
        for w in 1..=16 {
            let len = 3 * w + param_len(m);
            let mut src = bytes[..N * len].to_vec();
            for conformant in [false, true] {
                if m == M_BFP && conformant {
                    for q in 0..N {
                        src[q * len] %= (17 - w) as u8;
                    }
                }
                (k.decompress[m][w % 16])(&src, &mut got);
                (reference.decompress[m][w % 16])(&src, &mut want);
                if got != want {
                    return false;
                }
            }
            let (mut got, mut want) = (vec![0u8; N * len], vec![0u8; N * len]);
            (k.compress[m][w % 16])(&iq, &mut got);
            (reference.compress[m][w % 16])(&iq, &mut want);
            if got != want {
                return false;
            }
        }
    }
    true
}

fn decompress<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
    // SAFETY: only reachable through KERNELS, which `kernels` hands out only
    // after detecting AVX-512 F/BW/VBMI/VBMI2 (and AVX2 and LZCNT for the
    // AVX2 entries it calls).
    unsafe { decompress_avx512::<W, M>(src, out) }
}

/// PRBs per block.
const BLOCK: usize = 4;
/// Words per register.
const WORDS: usize = 32;

/// Where each word of the three registers of a 4-PRB block comes from.
struct Block<const W: usize, const M: usize>;

impl<const W: usize, const M: usize> Block<W, M> {
    const LEN: usize = 3 * W + param_len(M);
    /// Byte of word j's sample's first bit, from the block's start.
    const fn byte(r: usize, j: usize) -> usize {
        let s = WORDS * r + j;
        let (q, k) = (s / SAMPLES_PER_PRB, s % SAMPLES_PER_PRB);
        q * Self::LEN + param_len(M) + k * W / 8
    }
    /// Register r's 128-byte window starts at its first sample's byte.
    const BASE: [usize; 3] = [Self::byte(0, 0), Self::byte(1, 0), Self::byte(2, 0)];
    /// Bytes a block reads from its start (register 2's window).
    const SPAN: usize = Self::BASE[2] + 2 * 64;

    /// `part` 0: bytes b, b + 1 into word j (big-endian); 1: byte b + 2
    /// into its high byte. Indices into the window (bit 6 picks the second
    /// 64 bytes).
    const fn gather(r: usize, part: usize) -> [u8; 64] {
        let mut t = [0u8; 64];
        let mut j = 0;
        while j < WORDS {
            let b = Self::byte(r, j) - Self::BASE[r];
            // At most 31 * 16 / 8 + 1 (a udCompParam) + 2 = 65.
            assert!(b + 2 < 128);
            let (lo, hi) = if part == 0 { (b + 1, b) } else { (b + 2, b + 2) };
            t[2 * j] = lo as u8;
            t[2 * j + 1] = hi as u8;
            j += 1;
        }
        t
    }
    /// Word j's bit offset in its first byte (the funnel shift).
    const fn offsets(r: usize) -> [i16; WORDS] {
        let mut t = [0i16; WORDS];
        let mut j = 0;
        while j < WORDS {
            t[j] = ((((WORDS * r + j) % SAMPLES_PER_PRB) * W) % 8) as i16;
            j += 1;
        }
        t
    }
    /// Word j's PRB within the block (indexes the exponents' shifts).
    const fn prbs(r: usize) -> [i16; WORDS] {
        let mut t = [0i16; WORDS];
        let mut j = 0;
        while j < WORDS {
            t[j] = ((WORDS * r + j) / SAMPLES_PER_PRB) as i16;
            j += 1;
        }
        t
    }
    const HI: [[u8; 64]; 3] = [Self::gather(0, 0), Self::gather(1, 0), Self::gather(2, 0)];
    const LO: [[u8; 64]; 3] = [Self::gather(0, 1), Self::gather(1, 1), Self::gather(2, 1)];
    const OFF: [[i16; WORDS]; 3] = [Self::offsets(0), Self::offsets(1), Self::offsets(2)];
    const PRB: [[i16; WORDS]; 3] = [Self::prbs(0), Self::prbs(1), Self::prbs(2)];
    const OK: () = assert!(W >= 1 && W <= 16 && BLOCK * SAMPLES_PER_PRB == 3 * WORDS);
}

/// The instructions the kernel uses, on 512-bit vectors: [`Hw`] runs
/// them, [`model::Model`] computes them in portable code from their
/// documented definitions, so the kernel's tables and data path are tested
/// on any machine (see the tests), not only on one with AVX-512.
trait Zmm {
    type V: Copy;
    fn zero() -> Self::V;
    fn load64(a: &[u8; 64]) -> Self::V;
    fn load_words(a: &[i16; WORDS]) -> Self::V;
    fn store_words(a: &mut [i16; WORDS], v: Self::V);
    /// `vpermi2b`: byte i of the result is byte `idx[i] & 63` of `a`, or
    /// of `b` when bit 6 is set.
    fn permutex2var_epi8(a: Self::V, idx: Self::V, b: Self::V) -> Self::V;
    /// `vpshldvw`: per word, the top 16 bits of `(a:b) << (c & 15)`.
    fn shldv_epi16(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `vpsraw` by one count (16 or more fills with the sign).
    fn sra_epi16(a: Self::V, n: u32) -> Self::V;
    /// `vpsravw`: per-word counts.
    fn srav_epi16(a: Self::V, n: Self::V) -> Self::V;
    fn and(a: Self::V, b: Self::V) -> Self::V;
    fn set1_epi16(x: i16) -> Self::V;
    /// `vpermw`: word j of the result is word `idx[j] & 31` of `a`.
    fn permutexvar_epi16(idx: Self::V, a: Self::V) -> Self::V;
    /// Words 0..4 from `x`, the rest 0.
    fn words4(x: [i16; 4]) -> Self::V;
    fn or(a: Self::V, b: Self::V) -> Self::V;
    fn xor(a: Self::V, b: Self::V) -> Self::V;
    fn min_epi16(a: Self::V, b: Self::V) -> Self::V;
    fn max_epi16(a: Self::V, b: Self::V) -> Self::V;
    /// `vpmaddwd`: per dword, the signed products of its two words with
    /// `b`'s, summed.
    fn madd_epi16(a: Self::V, b: Self::V) -> Self::V;
    /// `vpmuludq`: per qword, the product of the low dwords, unsigned.
    fn mul_epu32(a: Self::V, b: Self::V) -> Self::V;
    /// `vpsrlvq`: per-qword logical right shifts (64 or more gives 0).
    fn srlv_epi64(a: Self::V, n: Self::V) -> Self::V;
    /// `vpshufb`: within each 128-bit lane, byte i is the lane's byte
    /// `idx[i] & 15`, or 0 when bit 7 is set.
    fn shuffle_epi8(a: Self::V, idx: Self::V) -> Self::V;
    /// Store 128-bit lane L.
    fn store_lane<const L: i32>(a: &mut [u8; 16], v: Self::V);
}

/// The hardware. Its methods are only called from the kernel below, inlined
/// into [`decompress_avx512`], which runs only when the CPU has the
/// features (see [`kernels`]).
struct Hw;

impl Zmm for Hw {
    type V = __m512i;
    #[inline(always)]
    fn zero() -> __m512i {
        // SAFETY (every method): AVX-512 F/BW/VBMI/VBMI2 are present (see
        // the type); loads and stores take fixed-size arrays, unaligned.
        unsafe { _mm512_setzero_si512() }
    }
    #[inline(always)]
    fn load64(a: &[u8; 64]) -> __m512i {
        unsafe { _mm512_loadu_si512(a.as_ptr().cast()) }
    }
    #[inline(always)]
    fn load_words(a: &[i16; WORDS]) -> __m512i {
        unsafe { _mm512_loadu_si512(a.as_ptr().cast()) }
    }
    #[inline(always)]
    fn store_words(a: &mut [i16; WORDS], v: __m512i) {
        unsafe { _mm512_storeu_si512(a.as_mut_ptr().cast(), v) }
    }
    #[inline(always)]
    fn permutex2var_epi8(a: __m512i, idx: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_permutex2var_epi8(a, idx, b) }
    }
    #[inline(always)]
    fn shldv_epi16(a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        unsafe { _mm512_shldv_epi16(a, b, c) }
    }
    #[inline(always)]
    fn sra_epi16(a: __m512i, n: u32) -> __m512i {
        unsafe { _mm512_sra_epi16(a, _mm_cvtsi32_si128(n as i32)) }
    }
    #[inline(always)]
    fn srav_epi16(a: __m512i, n: __m512i) -> __m512i {
        unsafe { _mm512_srav_epi16(a, n) }
    }
    #[inline(always)]
    fn and(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_and_si512(a, b) }
    }
    #[inline(always)]
    fn set1_epi16(x: i16) -> __m512i {
        unsafe { _mm512_set1_epi16(x) }
    }
    #[inline(always)]
    fn permutexvar_epi16(idx: __m512i, a: __m512i) -> __m512i {
        unsafe { _mm512_permutexvar_epi16(idx, a) }
    }
    #[inline(always)]
    fn words4(x: [i16; 4]) -> __m512i {
        unsafe { _mm512_castsi128_si512(_mm_setr_epi16(x[0], x[1], x[2], x[3], 0, 0, 0, 0)) }
    }
    #[inline(always)]
    fn or(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_or_si512(a, b) }
    }
    #[inline(always)]
    fn xor(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_xor_si512(a, b) }
    }
    #[inline(always)]
    fn min_epi16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_min_epi16(a, b) }
    }
    #[inline(always)]
    fn max_epi16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_max_epi16(a, b) }
    }
    #[inline(always)]
    fn madd_epi16(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_madd_epi16(a, b) }
    }
    #[inline(always)]
    fn mul_epu32(a: __m512i, b: __m512i) -> __m512i {
        unsafe { _mm512_mul_epu32(a, b) }
    }
    #[inline(always)]
    fn srlv_epi64(a: __m512i, n: __m512i) -> __m512i {
        unsafe { _mm512_srlv_epi64(a, n) }
    }
    #[inline(always)]
    fn shuffle_epi8(a: __m512i, idx: __m512i) -> __m512i {
        unsafe { _mm512_shuffle_epi8(a, idx) }
    }
    #[inline(always)]
    fn store_lane<const L: i32>(a: &mut [u8; 16], v: __m512i) {
        unsafe { _mm_storeu_si128(a.as_mut_ptr().cast(), _mm512_extracti32x4_epi32::<L>(v)) }
    }
}

/// 64 bytes of `s` from `at` (callers pass constant offsets inside a
/// slice of constant length, so the check folds away).
#[inline(always)]
fn load_at<Z: Zmm>(s: &[u8], at: usize) -> Z::V {
    match s.get(at..).and_then(|s| s.first_chunk::<64>()) {
        Some(a) => Z::load64(a),
        None => Z::zero(),
    }
}

/// Register r of a block: its 32 samples, each MSB at bit 15 and the
/// stream's next bits below.
#[inline(always)]
fn align<Z: Zmm, const W: usize, const M: usize>(win: &[u8], r: usize) -> Z::V {
    let base = Block::<W, M>::BASE[r];
    let (a, b) = (load_at::<Z>(win, base), load_at::<Z>(win, base + 64));
    let hi = Z::permutex2var_epi8(a, Z::load64(&Block::<W, M>::HI[r]), b);
    if W.is_multiple_of(8) {
        return hi;
    }
    let lo = Z::permutex2var_epi8(a, Z::load64(&Block::<W, M>::LO[r]), b);
    Z::shldv_epi16(hi, lo, Z::load_words(&Block::<W, M>::OFF[r]))
}

/// One block: `win` starts at its first PRB and holds at least
/// `Block::SPAN` bytes. False (nothing written) when a BFP exponent is
/// above 16 - W, where `m * 2^e` saturates.
#[inline(always)]
fn block<Z: Zmm, const W: usize, const M: usize>(win: &[u8], o: &mut [i16; BLOCK * SAMPLES_PER_PRB]) -> bool {
    let () = Block::<W, M>::OK;
    let len = Block::<W, M>::LEN;
    let Some(win) = win.get(..Block::<W, M>::SPAN) else {
        return false;
    };
    // Per PRB, the right shift of the aligned word giving the code (none)
    // or, of its top W bits alone, m * 2^e (BFP).
    let mut n = [(16 - W) as i16; BLOCK];
    if M == M_BFP {
        for (q, n) in n.iter_mut().enumerate() {
            let e = usize::from(win[q * len] & 0x0F);
            if e > 16 - W {
                return false;
            }
            *n = (16 - W - e) as i16;
        }
    }
    let n = Z::words4(n);
    let top = Z::set1_epi16(((0xFFFFu32 << (16 - W)) & 0xFFFF) as u16 as i16);
    let (chunks, _) = o.as_chunks_mut::<WORDS>();
    for (r, c) in chunks.iter_mut().enumerate() {
        let v = align::<Z, W, M>(win, r);
        let v = if M == M_BFP {
            let shift = Z::permutexvar_epi16(Z::load_words(&Block::<W, M>::PRB[r]), n);
            Z::srav_epi16(Z::and(v, top), shift)
        } else {
            Z::sra_epi16(v, 16 - W as u32)
        };
        Z::store_words(c, v);
    }
    true
}

// ---- packing ------------------------------------------------------------------

/// Constants of the packing of 8-sample groups (one per 128-bit lane, as
/// in the AVX2 kernel, whose byte shuffles it shares) for W <= 14.
struct Pack<const W: usize>;

const fn lanes4(l: [u8; 16]) -> [u8; 64] {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = l[i % 16];
        i += 1;
    }
    t
}

/// Qwords alternating `a`, `b`, little-endian.
const fn qwords2(a: u64, b: u64) -> [u8; 64] {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        let q = if (i / 8) % 2 == 0 { a } else { b };
        t[i] = (q >> (8 * (i % 8))) as u8;
        i += 1;
    }
    t
}

impl<const W: usize> Pack<W> {
    /// Codes to W bits.
    const MASK: [u8; 64] = qwords2(Self::MASK4, Self::MASK4);
    const MASK4: u64 = ((1u64 << W) - 1) * 0x0001_0001_0001_0001;
    /// Pairs: even << W | odd in each dword (the even sample is the low
    /// word).
    const MADD: [u8; 64] = qwords2(Self::MADD2, Self::MADD2);
    const MADD2: u64 = ((1 << 16) | (1 << W)) * 0x0000_0001_0000_0001;
    /// Quads: low pair << 2W | high pair in each qword; for odd W the
    /// group's first quad also moves 4 bits up (a larger multiplier and a
    /// shorter right shift of its high pair, whose low pair, below 2^26,
    /// shifts out entirely).
    const MUL: [u8; 64] = qwords2(1 << (2 * W + 4 * (W % 2)), 1 << (2 * W));
    const SHR: [u8; 64] = qwords2(32 - 4 * (W % 2) as u64, 32);
    const SHUF: [u8; 64] = lanes4(super::avx2::pack_shuffle(W, false));
    const SHUF_SHARED: [u8; 64] = lanes4(super::avx2::pack_shuffle(W, true));
    // Widths 15 and 16 are instantiated but never run (`run_compress`).
    const OK: () = assert!(W >= 1 && W <= 16);
}

/// Four groups of W-bit codes, one per lane, to their W bytes each at the
/// start of the lane.
#[inline(always)]
fn pack_groups<Z: Zmm, const W: usize>(v: Z::V) -> Z::V {
    let m = Z::and(v, Z::load64(&Pack::<W>::MASK));
    let d = Z::madd_epi16(m, Z::load64(&Pack::<W>::MADD));
    let q = Z::or(
        Z::mul_epu32(d, Z::load64(&Pack::<W>::MUL)),
        Z::srlv_epi64(d, Z::load64(&Pack::<W>::SHR)),
    );
    let r = Z::shuffle_epi8(q, Z::load64(&Pack::<W>::SHUF));
    if W % 2 == 1 {
        Z::or(r, Z::shuffle_epi8(q, Z::load64(&Pack::<W>::SHUF_SHARED)))
    } else {
        r
    }
}

/// Bytes a compressed block writes from its start: its last group's 16.
const fn compress_span(w: usize, p: usize) -> usize {
    3 * (3 * w + p) + p + 2 * w + 16
}

/// One block of four PRBs (W <= 14) into `win`, from PRB 0's udCompParam
/// on, which holds at least `compress_span` bytes; bytes past the block are
/// overwritten with don't-cares (the caller writes them later).
#[inline(always)]
fn compress_block<Z: Zmm, const W: usize, const M: usize>(x: &[i16; BLOCK * SAMPLES_PER_PRB], win: &mut [u8]) {
    let () = Pack::<W>::OK;
    let p = param_len(M);
    let len = 3 * W + p;
    let Some(win) = win.get_mut(..compress_span(W, p)) else {
        return;
    };
    let (xs, _) = x.as_chunks::<WORDS>();
    let mut v = [Z::zero(); 3];
    for (v, x) in v.iter_mut().zip(xs) {
        *v = Z::load_words(x);
    }
    let mut e = [0i16; BLOCK];
    if M == M_BFP {
        // bfp::exponent_w: the bit length of the OR of the folded values
        // (x ^ x >> 15), less W - 1, per PRB.
        let mut folded = [[0i16; WORDS]; 3];
        for (f, &v) in folded.iter_mut().zip(&v) {
            Z::store_words(f, Z::xor(v, Z::sra_epi16(v, 15)));
        }
        let (prbs, _) = folded.as_flattened().as_chunks::<SAMPLES_PER_PRB>();
        for (e, prb) in e.iter_mut().zip(prbs) {
            let or = prb.iter().fold(0u16, |a, &b| a | b as u16);
            *e = ((16 - or.leading_zeros()).max(W as u32 - 1) - (W as u32 - 1)) as i16;
        }
        let n = Z::words4(e);
        for (r, v) in v.iter_mut().enumerate() {
            *v = Z::srav_epi16(*v, Z::permutexvar_epi16(Z::load_words(&Block::<W, M>::PRB[r]), n));
        }
    } else {
        let hi = ((1i32 << (W - 1)) - 1) as i16;
        let (lo, hi) = (Z::set1_epi16(-hi - 1), Z::set1_epi16(hi));
        for v in v.iter_mut() {
            *v = Z::max_epi16(Z::min_epi16(*v, hi), lo);
        }
    }
    let mut g = [Z::zero(); 3];
    for (g, &v) in g.iter_mut().zip(&v) {
        *g = pack_groups::<Z, W>(v);
    }
    // In order: each group's 16-byte store spills into bytes written after
    // it (the next group, the next PRB's udCompParam).
    for (q, &e) in e.iter().enumerate() {
        if p == 1 {
            win[q * len] = e as u8;
        }
        for k in 0..3 {
            let i = 3 * q + k;
            let Some(dst) = win
                .get_mut(q * len + p + k * W..)
                .and_then(|s| s.first_chunk_mut::<16>())
            else {
                return;
            };
            let v = g[i / 4];
            match i % 4 {
                0 => Z::store_lane::<0>(dst, v),
                1 => Z::store_lane::<1>(dst, v),
                2 => Z::store_lane::<2>(dst, v),
                _ => Z::store_lane::<3>(dst, v),
            }
        }
    }
}

fn compress<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
    // SAFETY: as `decompress`.
    unsafe { compress_avx512::<W, M>(iq, out) }
}

/// `iq` holds whole PRBs, `out` exactly their compressed length.
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
fn compress_avx512<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
    run_compress::<Hw, W, M>(iq, out, avx2_compress::<W, M>);
}

/// Whole blocks while their stores stay inside `out` (W <= 14); `rest`
/// (the AVX2 kernel) takes the PRBs after them, and widths 15 and 16.
#[inline(always)]
fn run_compress<Z: Zmm, const W: usize, const M: usize>(iq: &[i16], out: &mut [u8], rest: fn(&[i16], &mut [u8])) {
    let p = param_len(M);
    let len = 3 * W + p;
    let n_prb = (iq.len() / SAMPLES_PER_PRB).min(out.len() / len);
    let iq = &iq[..n_prb * SAMPLES_PER_PRB];
    let mut done = 0;
    if W <= 14 && (M == M_NONE || M == M_BFP) {
        let (blocks, _) = iq.as_chunks::<{ BLOCK * SAMPLES_PER_PRB }>();
        for x in blocks {
            let at = done * len;
            let Some(win) = out.get_mut(at..at + compress_span(W, p)) else {
                break;
            };
            compress_block::<Z, W, M>(x, win);
            done += BLOCK;
        }
    }
    if let (Some(x), Some(o)) = (iq.get(done * SAMPLES_PER_PRB..), out.get_mut(done * len..n_prb * len)) {
        rest(x, o);
    }
}

/// `src` holds whole PRBs, `out` 24 samples per PRB (callers size both).
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
fn decompress_avx512<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
    run::<Hw, W, M>(src, out, avx2_decompress::<W, M>);
}

/// Whole blocks while their windows stay inside `src`; `rest` (the AVX2
/// kernel) takes the PRBs after them and blocks with a non-conformant
/// exponent.
#[inline(always)]
fn run<Z: Zmm, const W: usize, const M: usize>(src: &[u8], out: &mut [i16], rest: fn(&[u8], &mut [i16])) {
    let len = Block::<W, M>::LEN;
    let n_prb = (src.len() / len).min(out.len() / SAMPLES_PER_PRB);
    let out = &mut out[..n_prb * SAMPLES_PER_PRB];
    let mut done = 0;
    if M == M_NONE || M == M_BFP {
        let (blocks, _) = out.as_chunks_mut::<{ BLOCK * SAMPLES_PER_PRB }>();
        for o in blocks {
            let at = done * len;
            let Some(win) = src.get(at..at + Block::<W, M>::SPAN) else {
                break;
            };
            if !block::<Z, W, M>(win, o) {
                rest(&win[..BLOCK * len], o);
            }
            done += BLOCK;
        }
    }
    if let (Some(s), Some(o)) = (src.get(done * len..), out.get_mut(done * SAMPLES_PER_PRB..)) {
        rest(s, o);
    }
}

#[cfg(test)]
mod model {
    //! The instructions computed from their definitions (Intel's SDM
    //! pseudo-code), on bytes in memory order.

    use super::{WORDS, Zmm};

    pub(super) struct Model;

    fn word(v: &[u8; 64], j: usize) -> u16 {
        u16::from_le_bytes([v[2 * j], v[2 * j + 1]])
    }

    fn from_words(f: impl Fn(usize) -> u16) -> [u8; 64] {
        let mut v = [0u8; 64];
        for j in 0..WORDS {
            v[2 * j..2 * j + 2].copy_from_slice(&f(j).to_le_bytes());
        }
        v
    }

    impl Zmm for Model {
        type V = [u8; 64];
        fn zero() -> [u8; 64] {
            [0; 64]
        }
        fn load64(a: &[u8; 64]) -> [u8; 64] {
            *a
        }
        fn load_words(a: &[i16; WORDS]) -> [u8; 64] {
            from_words(|j| a[j] as u16)
        }
        fn store_words(a: &mut [i16; WORDS], v: [u8; 64]) {
            for (j, a) in a.iter_mut().enumerate() {
                *a = word(&v, j) as i16;
            }
        }
        fn permutex2var_epi8(a: [u8; 64], idx: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            core::array::from_fn(|i| {
                let k = usize::from(idx[i] & 63);
                if idx[i] & 64 != 0 { b[k] } else { a[k] }
            })
        }
        fn shldv_epi16(a: [u8; 64], b: [u8; 64], c: [u8; 64]) -> [u8; 64] {
            from_words(|j| {
                let t = (u32::from(word(&a, j)) << 16 | u32::from(word(&b, j))) << (word(&c, j) & 15);
                (t >> 16) as u16
            })
        }
        fn sra_epi16(a: [u8; 64], n: u32) -> [u8; 64] {
            from_words(|j| ((word(&a, j) as i16) >> n.min(15)) as u16)
        }
        fn srav_epi16(a: [u8; 64], n: [u8; 64]) -> [u8; 64] {
            from_words(|j| ((word(&a, j) as i16) >> word(&n, j).min(15)) as u16)
        }
        fn and(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            core::array::from_fn(|i| a[i] & b[i])
        }
        fn set1_epi16(x: i16) -> [u8; 64] {
            from_words(|_| x as u16)
        }
        fn permutexvar_epi16(idx: [u8; 64], a: [u8; 64]) -> [u8; 64] {
            from_words(|j| word(&a, usize::from(word(&idx, j) & 31)))
        }
        fn words4(x: [i16; 4]) -> [u8; 64] {
            from_words(|j| if j < 4 { x[j] as u16 } else { 0 })
        }
        fn or(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            core::array::from_fn(|i| a[i] | b[i])
        }
        fn xor(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            core::array::from_fn(|i| a[i] ^ b[i])
        }
        fn min_epi16(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            from_words(|j| (word(&a, j) as i16).min(word(&b, j) as i16) as u16)
        }
        fn max_epi16(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            from_words(|j| (word(&a, j) as i16).max(word(&b, j) as i16) as u16)
        }
        fn madd_epi16(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            from_dwords(|d| {
                let p = |j: usize| i32::from(word(&a, j) as i16) * i32::from(word(&b, j) as i16);
                p(2 * d).wrapping_add(p(2 * d + 1)) as u32
            })
        }
        fn mul_epu32(a: [u8; 64], b: [u8; 64]) -> [u8; 64] {
            from_qwords(|k| (qword(&a, k) & 0xFFFF_FFFF) * (qword(&b, k) & 0xFFFF_FFFF))
        }
        fn srlv_epi64(a: [u8; 64], n: [u8; 64]) -> [u8; 64] {
            from_qwords(|k| qword(&a, k).checked_shr(qword(&n, k).min(64) as u32).unwrap_or(0))
        }
        fn shuffle_epi8(a: [u8; 64], idx: [u8; 64]) -> [u8; 64] {
            core::array::from_fn(|i| {
                if idx[i] & 0x80 != 0 {
                    0
                } else {
                    a[i / 16 * 16 + usize::from(idx[i] & 15)]
                }
            })
        }
        fn store_lane<const L: i32>(a: &mut [u8; 16], v: [u8; 64]) {
            let l = L as usize * 16;
            a.copy_from_slice(&v[l..l + 16]);
        }
    }

    fn from_dwords(f: impl Fn(usize) -> u32) -> [u8; 64] {
        let mut v = [0u8; 64];
        for d in 0..16 {
            v[4 * d..4 * d + 4].copy_from_slice(&f(d).to_le_bytes());
        }
        v
    }

    fn qword(v: &[u8; 64], k: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&v[8 * k..8 * k + 8]);
        u64::from_le_bytes(b)
    }

    fn from_qwords(f: impl Fn(usize) -> u64) -> [u8; 64] {
        let mut v = [0u8; 64];
        for k in 0..8 {
            v[8 * k..8 * k + 8].copy_from_slice(&f(k).to_le_bytes());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    //! The kernel's tables and data path, run on the model, against the
    //! portable kernel (itself tested against the reference) at every
    //! width, for none and BFP: every exponent, conformant or not, and
    //! every PRB count up to a few blocks (so every tail). On a CPU with
    //! the features, tests/compression_levels.rs holds the hardware level
    //! to the reference as well.

    use super::model::Model;
    use super::{M_BFP, agrees_with, run, run_compress, xorshift};
    use crate::fronthaul::compression::SAMPLES_PER_PRB;
    use crate::fronthaul::compression::kernels::{Kernels, PORTABLE, compress_kernel, decompress_kernel, param_len};

    fn check<const W: usize, const M: usize>() {
        let len = 3 * W + param_len(M);
        let mut next = xorshift(0x9E37_79B9 ^ (W as u32) << 8 ^ M as u32);
        // A block needs a window of up to 259 bytes, more than 34 PRBs of
        // width 1: the larger counts run several blocks at every width.
        for n_prb in (0..=9).chain(40..=47).chain([90]) {
            for round in 0..16 {
                let mut src: Vec<u8> = (0..n_prb * len).map(|_| next() as u8).collect();
                if M == M_BFP && round % 2 == 0 {
                    // Conformant exponents only, so every block runs here.
                    for q in 0..n_prb {
                        src[q * len] = (src[q * len] & 0xF0) | (next() as usize % (17 - W)) as u8;
                    }
                }
                let mut want = vec![0i16; n_prb * SAMPLES_PER_PRB];
                decompress_kernel::<W, M>(&src, &mut want);
                let mut got = vec![0x5555i16; n_prb * SAMPLES_PER_PRB];
                run::<Model, W, M>(&src, &mut got, decompress_kernel::<W, M>);
                assert_eq!(got, want, "W={W} M={M} n_prb={n_prb} round={round}");
            }
        }
    }

    #[test]
    fn model_kernel_equals_portable_for_none_and_bfp_at_every_width() {
        let none: [fn(); 16] = width_table!(check, 0);
        let bfp: [fn(); 16] = width_table!(check, 1);
        for f in none.iter().chain(&bfp) {
            f();
        }
    }

    fn model_decompress<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
        run::<Model, W, M>(src, out, decompress_kernel::<W, M>);
    }

    fn model_compress<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
        run_compress::<Model, W, M>(iq, out, compress_kernel::<W, M>);
    }

    /// Compression on the model against the portable kernel: every width,
    /// none and BFP, PRBs at every magnitude (so every exponent, and
    /// clamping for none), every PRB count up to a few blocks.
    fn check_compress<const W: usize, const M: usize>() {
        let len = 3 * W + param_len(M);
        let mut next = xorshift(0x85EB_CA6B ^ (W as u32) << 8 ^ M as u32);
        for n_prb in (0..=9).chain(14..=17).chain([41]) {
            for round in 0..8 {
                let iq: Vec<i16> = (0..n_prb * SAMPLES_PER_PRB)
                    .map(|i| (next() as i16) >> ((i / SAMPLES_PER_PRB + round) % 16))
                    .collect();
                let mut want = vec![0u8; n_prb * len];
                compress_kernel::<W, M>(&iq, &mut want);
                let mut got = vec![0x55u8; n_prb * len];
                model_compress::<W, M>(&iq, &mut got);
                assert_eq!(got, want, "W={W} M={M} n_prb={n_prb} round={round}");
            }
        }
    }

    #[test]
    fn model_compression_equals_portable_for_none_and_bfp_at_every_width() {
        let none: [fn(); 16] = width_table!(check_compress, 0);
        let bfp: [fn(); 16] = width_table!(check_compress, 1);
        for f in none.iter().chain(&bfp) {
            f();
        }
    }

    /// The start-up check passes the model's kernels and fails a table
    /// with one wrong entry (BFP 11 decoded as none, BFP 7 encoded as
    /// none).
    #[test]
    fn known_answer_check_tells_right_from_wrong() {
        let model = Kernels {
            decompress: [
                width_table!(model_decompress, 0),
                width_table!(model_decompress, 1),
                PORTABLE.decompress[2],
                PORTABLE.decompress[3],
            ],
            compress: PORTABLE.compress,
        };
        assert!(agrees_with(&model, &PORTABLE));
        let mut wrong = Kernels {
            decompress: model.decompress,
            compress: model.compress,
        };
        wrong.decompress[M_BFP][11] = decompress_kernel::<11, 0>;
        assert!(!agrees_with(&wrong, &PORTABLE));
    }
}

//! AVX2 kernels: BFP and none both ways, block scaling and mu-law
//! decompression (their compression stays portable). Bit for bit the same
//! as the portable kernels and the reference.
//!
//! Unpacking none and BFP (conformant exponents, `e <= 16 - W`): a PRB's
//! 24 samples are three groups of 8, each W whole bytes, one group per
//! 128-bit lane. A byte shuffle puts the two (or, for W > 9, three) bytes
//! covering each sample big-endian into its i16 lane, a multiply by 2^o
//! (a per-lane left shift AVX2 lacks for i16) brings its MSB to bit 15, and
//! one arithmetic right shift of the top W bits gives `m * 2^e`. PRBs go
//! in pairs: their six groups fill three registers (the middle one holds
//! a group of each PRB, shifted by both exponents and blended), which are
//! stored whole. Multiplying by 2^e instead would be as few instructions,
//! but `vpmullw` is the scarce unit here (the three-byte widths already
//! use two per register) and measured up to 30% slower.
//!
//! Unpacking block scaling, mu-law, and BFP with a non-conformant exponent
//! (whose `m * 2^e` saturates): six groups of 4; group i starts at bit
//! `4 * i * W`, byte `i * W / 2`, 4 bits in when i and W are both odd. A
//! byte shuffle puts each sample's covering 4 bytes big-endian into a
//! 32-bit lane, a per-lane left shift brings its MSB to bit 31 and an
//! arithmetic right shift sign-extends. The method's expansion runs on i32
//! lanes, where it cannot overflow, and a saturating pack gives the i16
//! (the clamp of the portable code). Registers hold groups (0|2), (1|3)
//! and (4|5), so the packs come out in sample order.
//!
//! Packing a PRB: three groups of 8 samples (W bytes each, whole bytes),
//! one per 128-bit lane. Pairs merge into 32-bit lanes (multiply-add by
//! `2^W, 1`), pairs of pairs into 64-bit lanes (32x32 multiply by `2^2W`
//! plus the other half), and a byte shuffle writes both quads' bytes
//! big-endian. For odd W the quads meet mid-byte: the first is shifted 4
//! bits up and the shared byte ORed in from a second shuffle. Each group is
//! stored as 16 bytes; bytes past its W are overwritten by the next group
//! or PRB, so PRBs are written in order and the last ones go through a
//! stack buffer.
//!
//! The only `unsafe` is the entry from the function table (which exists
//! only when the CPU has AVX2, see [`kernels`]) and unaligned loads and
//! stores of fixed-size arrays.

use core::arch::x86_64::*;

use super::{Kernels, M_BFP, M_BS, M_NONE, compress_kernel, param_len};
use crate::fronthaul::compression::{PrbIq, SAMPLES_PER_PRB};

static KERNELS: Kernels = Kernels {
    decompress: [
        width_table!(decompress, 0),
        width_table!(decompress, 1),
        width_table!(decompress, 2),
        width_table!(decompress, 3),
    ],
    compress: [
        width_table!(compress, 0),
        width_table!(compress, 1),
        width_table!(compress_kernel, 2),
        width_table!(compress_kernel, 3),
    ],
};

/// The AVX2 table, when the CPU has AVX2 and LZCNT (every AVX2 CPU has
/// it; the BFP exponent uses it): the only way to its functions.
pub(super) fn kernels() -> Option<&'static Kernels> {
    (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("lzcnt")).then_some(&KERNELS)
}

/// Stack buffer for the last PRBs of a buffer (both spans are checked
/// against it per width).
const STAGE: usize = 160;

/// Also the AVX-512 level's entry for what it does not do itself.
pub(super) fn decompress<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
    // SAFETY: only reachable through KERNELS, which `kernels` hands out only
    // after detecting AVX2 and LZCNT.
    unsafe { decompress_avx2::<W, M>(src, out) }
}

/// Also the AVX-512 level's compression.
pub(super) fn compress<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
    // SAFETY: as `decompress`.
    unsafe { compress_avx2::<W, M>(iq, out) }
}

// ---- loads and stores -------------------------------------------------------

#[inline]
#[target_feature(enable = "avx2")]
fn load16(a: &[u8; 16]) -> __m128i {
    // SAFETY: `a` is 16 readable bytes; loadu has no alignment requirement.
    unsafe { _mm_loadu_si128(a.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn load32(a: &[u8; 32]) -> __m256i {
    // SAFETY: as `load16`, 32 bytes.
    unsafe { _mm256_loadu_si256(a.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn load_w16(a: &[i16; 16]) -> __m256i {
    // SAFETY: as `load16`, 32 bytes.
    unsafe { _mm256_loadu_si256(a.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn load_w8(a: &[i16; 8]) -> __m128i {
    // SAFETY: as `load16`.
    unsafe { _mm_loadu_si128(a.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store16(a: &mut [u8; 16], v: __m128i) {
    // SAFETY: `a` is 16 writable bytes; storeu has no alignment requirement.
    unsafe { _mm_storeu_si128(a.as_mut_ptr().cast(), v) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store_w16(a: &mut [i16; 16], v: __m256i) {
    // SAFETY: as `store16`, 32 bytes.
    unsafe { _mm256_storeu_si256(a.as_mut_ptr().cast(), v) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store_w8(a: &mut [i16; 8], v: __m128i) {
    // SAFETY: as `store16`.
    unsafe { _mm_storeu_si128(a.as_mut_ptr().cast(), v) }
}

/// 16 bytes of `s` from `at`. Callers pass slices of constant length with
/// constant offsets inside them, so the check folds away.
#[inline]
#[target_feature(enable = "avx2")]
fn load_at(s: &[u8], at: usize) -> __m128i {
    match s.get(at..).and_then(|s| s.first_chunk::<16>()) {
        Some(a) => load16(a),
        None => _mm_setzero_si128(),
    }
}

/// Store 16 bytes at `at` of `s` (as [`load_at`]).
#[inline]
#[target_feature(enable = "avx2")]
fn store_at(s: &mut [u8], at: usize, v: __m128i) {
    if let Some(a) = s.get_mut(at..).and_then(|s| s.first_chunk_mut::<16>()) {
        store16(a, v);
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn splat_count(n: u32) -> __m128i {
    _mm_cvtsi32_si128(n as i32)
}

// ---- unpacking ----------------------------------------------------------------

/// Shuffle control for one 4-sample group whose first sample starts `bit0`
/// bits into its load: sample k's bytes, big-endian, into dword k.
const fn unpack_shuffle(w: usize, bit0: usize) -> [u8; 16] {
    let mut s = [0u8; 16];
    let mut k = 0;
    while k < 4 {
        let b = (bit0 + k * w) / 8;
        // At most (4 + 3 * 16) / 8 + 3 = 9: inside the 16-byte load.
        s[4 * k] = (b + 3) as u8;
        s[4 * k + 1] = (b + 2) as u8;
        s[4 * k + 2] = (b + 1) as u8;
        s[4 * k + 3] = b as u8;
        k += 1;
    }
    s
}

/// Left shift bringing sample k's MSB to bit 31 of its dword.
const fn unpack_shift(w: usize, bit0: usize) -> [u8; 16] {
    let mut s = [0u8; 16];
    let mut k = 0;
    while k < 4 {
        s[4 * k] = ((bit0 + k * w) % 8) as u8;
        k += 1;
    }
    s
}

const fn lanes(lo: [u8; 16], hi: [u8; 16]) -> [u8; 32] {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 16 {
        s[i] = lo[i];
        s[16 + i] = hi[i];
        i += 1;
    }
    s
}

struct Unpack<const W: usize>;

impl<const W: usize> Unpack<W> {
    /// Byte offset of each 4-sample group from the PRB's first sample byte.
    const OFF: [usize; 6] = [0, W / 2, W, 3 * W / 2, 2 * W, 5 * W / 2];
    /// Bytes read from the first sample byte on (group 5's load).
    const SPAN: usize = 5 * W / 2 + 16;
    /// Odd groups start 4 bits into their first byte when W is odd.
    const ODD_BIT0: usize = 4 * (W % 2);
    const SHUF_EVEN: [u8; 32] = lanes(unpack_shuffle(W, 0), unpack_shuffle(W, 0));
    const SHUF_ODD: [u8; 32] = lanes(unpack_shuffle(W, Self::ODD_BIT0), unpack_shuffle(W, Self::ODD_BIT0));
    const SHUF_MIXED: [u8; 32] = lanes(unpack_shuffle(W, 0), unpack_shuffle(W, Self::ODD_BIT0));
    const SHL_EVEN: [u8; 32] = lanes(unpack_shift(W, 0), unpack_shift(W, 0));
    const SHL_ODD: [u8; 32] = lanes(unpack_shift(W, Self::ODD_BIT0), unpack_shift(W, Self::ODD_BIT0));
    const SHL_MIXED: [u8; 32] = lanes(unpack_shift(W, 0), unpack_shift(W, Self::ODD_BIT0));
    const OK: () = assert!(W >= 1 && W <= 16 && Self::SPAN < STAGE);
}

/// Two groups' samples in i32 lanes, each with its MSB at bit 31 and
/// whatever bits follow it below.
#[inline]
#[target_feature(enable = "avx2")]
fn align_lanes<const W: usize>(v: __m256i, shuf: &[u8; 32], shl: &[u8; 32]) -> __m256i {
    let d = _mm256_shuffle_epi8(v, load32(shuf));
    // Widths 8 and 16 start every sample on a byte.
    if W.is_multiple_of(8) {
        d
    } else {
        _mm256_sllv_epi32(d, load32(shl))
    }
}

/// Method M's expansion of MSB-aligned codes (from [`align_lanes`]) in i32
/// lanes; the caller's saturating pack to i16 is the clamp of the portable
/// code.
#[inline]
#[target_feature(enable = "avx2")]
fn expand<const W: usize, const M: usize>(d: __m256i, param: u8) -> __m256i {
    let sign_extend = splat_count(32 - W as u32);
    match M {
        M_NONE => _mm256_sra_epi32(d, sign_extend),
        M_BFP => {
            // m * 2^e = (the top W bits alone) >> (32 - W - e), arithmetic;
            // 32 - W - e >= 1 and |m * 2^e| <= 2^30.
            let e = u32::from(param & 0x0F);
            let top = _mm256_and_si256(d, _mm256_set1_epi32(-1 << (32 - W)));
            _mm256_sra_epi32(top, splat_count(32 - W as u32 - e))
        }
        M_BS => {
            let c = _mm256_sra_epi32(d, sign_extend);
            // c * s: c fits the low i16 of its lane and the high i16 of the
            // scaler lane is 0, so the multiply-add is the exact product.
            let t = _mm256_madd_epi16(c, _mm256_set1_epi32(i32::from(param)));
            if W <= 9 {
                _mm256_sll_epi32(t, splat_count(9u32.saturating_sub(W as u32)))
            } else {
                // Round half away from zero: (t + 2^(k-1) - [t < 0]) >> k.
                let k = (W as u32).saturating_sub(9).max(1);
                let t = _mm256_add_epi32(t, _mm256_set1_epi32(1 << (k - 1)));
                let t = _mm256_add_epi32(t, _mm256_srai_epi32::<31>(c));
                _mm256_sra_epi32(t, splat_count(k))
            }
        }
        _ => {
            // mulaw::expand_one: 2M per segment, then round(2M / 2^(shift+1)).
            let c = _mm256_sra_epi32(d, sign_extend);
            let shift = u32::from(param & 0x0F);
            let a = _mm256_min_epi32(_mm256_abs_epi32(c), _mm256_set1_epi32((1 << (W - 1)) - 1));
            let s1 = _mm256_sll_epi32(a, splat_count(16 - W as u32));
            let s2 = _mm256_sub_epi32(
                _mm256_sll_epi32(a, splat_count(17 - W as u32)),
                _mm256_set1_epi32(1 << 14),
            );
            let s3 = _mm256_sub_epi32(
                _mm256_sll_epi32(a, splat_count(18 - W as u32)),
                _mm256_set1_epi32(1 << 16),
            );
            // 4a <= 2^W and 8a <= 3 * 2^W, as integer thresholds on a.
            let past1 = _mm256_cmpgt_epi32(a, _mm256_set1_epi32((1 << W) / 4));
            let past2 = _mm256_cmpgt_epi32(a, _mm256_set1_epi32((3 << W) / 8));
            let m2 = _mm256_blendv_epi8(s1, _mm256_blendv_epi8(s2, s3, past2), past1);
            let y = _mm256_add_epi32(m2, _mm256_set1_epi32(1 << shift));
            let y = _mm256_sra_epi32(y, splat_count(shift + 1));
            // -y for negative codes; a zero code gives y = 0 either way.
            _mm256_sign_epi32(y, c)
        }
    }
}

/// Shuffle controls and multipliers of the i16-lane unpacking of one
/// 8-sample group (W bytes, starting on a byte): sample k starts at byte
/// `b = k * W / 8`, `o = k * W % 8` bits in, and covers a third byte when
/// `o + W > 16`.
const fn unpack16_table(w: usize, part: usize) -> [u8; 16] {
    let mut s = [0u8; 16];
    let mut k = 0;
    while k < 8 {
        let (b, o) = (k * w / 8, k * w % 8);
        let (hi, lo) = match part {
            // Bytes b, b + 1 big-endian into word k.
            0 => (b, b + 1),
            // Bytes b + 1, b + 2 (at most 7 * 15 / 8 + 2 = 15; only used
            // when W > 9).
            1 => (b + 1, b + 2),
            // 2^o, the left shift that brings the MSB to bit 15.
            _ => (0, 1 << o),
        };
        s[2 * k] = lo as u8;
        s[2 * k + 1] = hi as u8;
        k += 1;
    }
    s
}

struct Unpack16<const W: usize>;

impl<const W: usize> Unpack16<W> {
    const SHUF: [u8; 32] = lanes(unpack16_table(W, 0), unpack16_table(W, 0));
    const SHUF3: [u8; 32] = lanes(unpack16_table(W, 1), unpack16_table(W, 1));
    const MUL: [u8; 32] = lanes(unpack16_table(W, 2), unpack16_table(W, 2));
    /// Some sample covers three bytes.
    const THREE: bool = W > 9;
    /// Bytes read from the first sample byte on (group 2's load); within
    /// the i32 path's span, which the callers check.
    const SPAN: usize = 2 * W + 16;
    const OK: () = assert!(Self::SPAN <= Unpack::<W>::SPAN);
}

/// One group per lane to i16 lanes, each sample's MSB at bit 15 and the
/// stream's next bits below. Variable shifts by multiplying by 2^o
/// (`vpmullw` drops the bits above): `x = (b0 b1) << o` holds the sample's
/// first 16 - o bits, and when it has more, `y = (b1 b2) << o` holds the
/// next byte's worth in its high byte, of which x's low byte is a subset.
#[inline]
#[target_feature(enable = "avx2")]
fn align_words<const W: usize>(v: __m256i) -> __m256i {
    let x = _mm256_shuffle_epi8(v, load32(&Unpack16::<W>::SHUF));
    if W.is_multiple_of(8) {
        return x;
    }
    let mul = load32(&Unpack16::<W>::MUL);
    let x = _mm256_mullo_epi16(x, mul);
    if Unpack16::<W>::THREE {
        let y = _mm256_mullo_epi16(_mm256_shuffle_epi8(v, load32(&Unpack16::<W>::SHUF3)), mul);
        _mm256_or_si256(x, _mm256_srli_epi16::<8>(y))
    } else {
        x
    }
}

/// None and BFP with a conformant exponent (`e <= 16 - W`, so no
/// saturation) on i16 lanes: eight samples per 128-bit lane and no pack.
/// Same contract as [`decompress_prb`], which it defers to otherwise.
#[inline]
#[target_feature(enable = "avx2")]
fn decompress_prb16<const W: usize, const M: usize>(win: &[u8], o: &mut PrbIq) {
    let () = Unpack16::<W>::OK;
    let p = param_len(M);
    let e = if M == M_BFP {
        u32::from(win.first().copied().unwrap_or(0) & 0x0F)
    } else {
        0
    };
    if e as usize > 16 - W {
        return decompress_prb::<W, M>(win, o);
    }
    let Some(s) = win.get(p..p + Unpack16::<W>::SPAN) else {
        return;
    };
    let a = _mm256_set_m128i(load_at(s, W), load_at(s, 0));
    let b = _mm256_zextsi128_si256(load_at(s, 2 * W));
    let (a, b) = (align_words::<W>(a), align_words::<W>(b));
    let (a, b) = if M == M_BFP {
        // m * 2^e = (the top W bits alone) >> (16 - W - e), arithmetic.
        let top = _mm256_set1_epi16(((0xFFFFu32 << (16 - W)) & 0xFFFF) as u16 as i16);
        let n = splat_count(16 - W as u32 - e);
        (
            _mm256_sra_epi16(_mm256_and_si256(a, top), n),
            _mm256_sra_epi16(_mm256_and_si256(b, top), n),
        )
    } else {
        let n = splat_count(16 - W as u32);
        (_mm256_sra_epi16(a, n), _mm256_sra_epi16(b, n))
    };
    let (o_lo, o_hi) = o.split_at_mut(16);
    if let (Ok(o_lo), Ok(o_hi)) = (<&mut [i16; 16]>::try_from(o_lo), <&mut [i16; 8]>::try_from(o_hi)) {
        store_w16(o_lo, a);
        store_w8(o_hi, _mm256_castsi256_si128(b));
    }
}

/// One PRB: `win` starts at its udCompParam (if any) and holds at least
/// `param_len(M) + Unpack::<W>::SPAN` bytes.
#[inline]
#[target_feature(enable = "avx2")]
fn decompress_prb<const W: usize, const M: usize>(win: &[u8], o: &mut PrbIq) {
    let () = Unpack::<W>::OK;
    let p = param_len(M);
    let param = if p == 0 { 0 } else { win.first().copied().unwrap_or(0) };
    // Constant length from here on, so the loads' bounds checks fold.
    let Some(s) = win.get(p..p + Unpack::<W>::SPAN) else {
        return;
    };
    let off = Unpack::<W>::OFF;
    let a = _mm256_set_m128i(load_at(s, off[2]), load_at(s, off[0]));
    let b = _mm256_set_m128i(load_at(s, off[3]), load_at(s, off[1]));
    let c = _mm256_set_m128i(load_at(s, off[5]), load_at(s, off[4]));
    let a = align_lanes::<W>(a, &Unpack::<W>::SHUF_EVEN, &Unpack::<W>::SHL_EVEN);
    let b = align_lanes::<W>(b, &Unpack::<W>::SHUF_ODD, &Unpack::<W>::SHL_ODD);
    let c = align_lanes::<W>(c, &Unpack::<W>::SHUF_MIXED, &Unpack::<W>::SHL_MIXED);
    let a = expand::<W, M>(a, param);
    let b = expand::<W, M>(b, param);
    let c = expand::<W, M>(c, param);
    // (0|2) and (1|3) pack to samples 0..16 in order, (4|5) to 16..24.
    let lo = _mm256_packs_epi32(a, b);
    let hi = _mm_packs_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256::<1>(c));
    let (o_lo, o_hi) = o.split_at_mut(16);
    if let (Ok(o_lo), Ok(o_hi)) = (<&mut [i16; 16]>::try_from(o_lo), <&mut [i16; 8]>::try_from(o_hi)) {
        store_w16(o_lo, lo);
        store_w8(o_hi, hi);
    }
}

/// Two consecutive PRBs of none or BFP on i16 lanes, their six groups in
/// three registers (the middle one holds PRB 0's last group and PRB 1's
/// first), so no lane idles and the 48 samples go out as three full
/// stores. `win` starts at PRB 0's udCompParam (if any) and holds at least
/// `len + param_len(M) + Unpack::<W>::SPAN` bytes (what PRB 1 needs on
/// [`decompress_prb`]'s path). A non-conformant exponent in either PRB
/// sends both through [`decompress_prb16`].
#[inline]
#[target_feature(enable = "avx2")]
fn decompress_two16<const W: usize, const M: usize>(win: &[u8], o: &mut [i16; 2 * SAMPLES_PER_PRB]) {
    let () = Unpack16::<W>::OK;
    let p = param_len(M);
    let len = 3 * W + p;
    let Some(win) = win.get(..len + p + Unpack::<W>::SPAN) else {
        return;
    };
    let (e0, e1) = if M == M_BFP {
        (u32::from(win[0] & 0x0F), u32::from(win[len] & 0x0F))
    } else {
        (0, 0)
    };
    if e0.max(e1) as usize > 16 - W {
        let (o0, o1) = o.split_at_mut(SAMPLES_PER_PRB);
        if let (Ok(o0), Ok(o1)) = (<&mut PrbIq>::try_from(o0), <&mut PrbIq>::try_from(o1)) {
            decompress_prb16::<W, M>(win, o0);
            decompress_prb16::<W, M>(&win[len..], o1);
        }
        return;
    }
    let (s0, s1) = (&win[p..], &win[len + p..]);
    let a = align_words::<W>(_mm256_set_m128i(load_at(s0, W), load_at(s0, 0)));
    let b = align_words::<W>(_mm256_set_m128i(load_at(s1, 0), load_at(s0, 2 * W)));
    let c = align_words::<W>(_mm256_set_m128i(load_at(s1, 2 * W), load_at(s1, W)));
    let (a, b, c) = if M == M_BFP {
        // m * 2^e = (the top W bits alone) >> (16 - W - e), arithmetic; the
        // middle register takes each half's shift from its own PRB.
        let top = _mm256_set1_epi16(((0xFFFFu32 << (16 - W)) & 0xFFFF) as u16 as i16);
        let (n0, n1) = (splat_count(16 - W as u32 - e0), splat_count(16 - W as u32 - e1));
        let (a, b, c) = (
            _mm256_and_si256(a, top),
            _mm256_and_si256(b, top),
            _mm256_and_si256(c, top),
        );
        let b = _mm256_blend_epi32::<0xF0>(_mm256_sra_epi16(b, n0), _mm256_sra_epi16(b, n1));
        (_mm256_sra_epi16(a, n0), b, _mm256_sra_epi16(c, n1))
    } else {
        let n = splat_count(16 - W as u32);
        (_mm256_sra_epi16(a, n), _mm256_sra_epi16(b, n), _mm256_sra_epi16(c, n))
    };
    let (oa, rest) = o.split_at_mut(16);
    let (ob, oc) = rest.split_at_mut(16);
    if let (Ok(oa), Ok(ob), Ok(oc)) = (
        <&mut [i16; 16]>::try_from(oa),
        <&mut [i16; 16]>::try_from(ob),
        <&mut [i16; 16]>::try_from(oc),
    ) {
        store_w16(oa, a);
        store_w16(ob, b);
        store_w16(oc, c);
    }
}

/// `src` holds whole PRBs, `out` 24 samples per PRB (callers size both).
#[target_feature(enable = "avx2")]
fn decompress_avx2<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
    let p = param_len(M);
    let len = 3 * W + p;
    let span = p + Unpack::<W>::SPAN;
    let n_prb = (src.len() / len).min(out.len() / SAMPLES_PER_PRB);
    let out = &mut out[..n_prb * SAMPLES_PER_PRB];
    // None and BFP two PRBs at a time while both PRBs' loads stay inside
    // `src`; block scaling and mu-law need i32 lanes for their products.
    let mut done = 0;
    if M == M_NONE || M == M_BFP {
        let span2 = len + span;
        let (pairs, _) = out.as_chunks_mut::<{ 2 * SAMPLES_PER_PRB }>();
        for o in pairs {
            let at = done * len;
            let Some(win) = src.get(at..at + span2) else {
                break;
            };
            decompress_two16::<W, M>(win, o);
            done += 2;
        }
    }
    let prb = if M == M_NONE || M == M_BFP {
        decompress_prb16::<W, M>
    } else {
        decompress_prb::<W, M>
    };
    let (outs, _) = out[done * SAMPLES_PER_PRB..].as_chunks_mut::<SAMPLES_PER_PRB>();
    for (i, o) in outs.iter_mut().enumerate() {
        let at = (done + i) * len;
        match src.get(at..at + span) {
            Some(win) => prb(win, o),
            None => {
                // The last PRBs: their loads would run past `src`.
                let mut buf = [0u8; STAGE];
                if let (Some(d), Some(s)) = (buf.get_mut(..len), src.get(at..at + len)) {
                    d.copy_from_slice(s);
                }
                prb(&buf, o);
            }
        }
    }
}

// ---- packing ------------------------------------------------------------------

/// Shuffle control writing an 8-sample group's bytes big-endian from the
/// two quads (quad 0 in bytes 0..8, shifted 4 bits up for odd w; quad 1 in
/// bytes 8..16). `shared`: only the byte both quads share (odd w).
pub(super) const fn pack_shuffle(w: usize, shared: bool) -> [u8; 16] {
    let mut s = [0x80u8; 16];
    let h = w / 2;
    let mut j = 0;
    while j < w {
        if shared {
            if w % 2 == 1 && j == h {
                s[j] = (8 + h) as u8;
            }
        } else if w.is_multiple_of(2) {
            // Quad 0 has h whole bytes, then quad 1's h.
            s[j] = if j < h { h - 1 - j } else { 8 + w - 1 - j } as u8;
        } else {
            // Quad 0 << 4 has h + 1 bytes (the last shared); quad 1's top
            // nibble sits in its byte h, the rest in bytes h - 1 .. 0.
            s[j] = if j <= h { h - j } else { 8 + w - 1 - j } as u8;
        }
        j += 1;
    }
    s
}

struct Pack<const W: usize>;

impl<const W: usize> Pack<W> {
    const SHUF: [u8; 32] = lanes(pack_shuffle(W, false), pack_shuffle(W, false));
    const SHUF_SHARED: [u8; 32] = lanes(pack_shuffle(W, true), pack_shuffle(W, true));
    /// Bytes written from the first sample byte on (group 2's store).
    const SPAN: usize = 2 * W + 16;
    // W = 16 is instantiated but never run (see `compress_w16`).
    const OK: () = assert!(W >= 1 && W <= 16 && 2 * (1 + 3 * W) + Self::SPAN <= STAGE);
}

/// Codes (each in the W-bit range, W < 16) of one PRB as words 0..16 and
/// 16..24, and its udCompParam byte.
#[inline]
#[target_feature(enable = "avx2,lzcnt")]
fn prepare<const W: usize, const M: usize>(x: &PrbIq) -> (__m256i, __m128i, u8) {
    let (x_lo, x_hi) = x.split_at(16);
    let (Ok(x_lo), Ok(x_hi)) = (<&[i16; 16]>::try_from(x_lo), <&[i16; 8]>::try_from(x_hi)) else {
        return (_mm256_setzero_si256(), _mm_setzero_si128(), 0);
    };
    let (a, b) = (load_w16(x_lo), load_w8(x_hi));
    if M == M_NONE {
        let hi = ((1i32 << (W - 1)) - 1) as i16;
        let a = _mm256_max_epi16(_mm256_min_epi16(a, _mm256_set1_epi16(hi)), _mm256_set1_epi16(-hi - 1));
        let b = _mm_max_epi16(_mm_min_epi16(b, _mm_set1_epi16(hi)), _mm_set1_epi16(-hi - 1));
        return (a, b, 0);
    }
    // bfp::exponent_w: the bit length of the OR of the folded values, which
    // is the bit length of their maximum; the OR is taken down to 8 words,
    // whose maximum is the complement of the minimum (minpos) of their
    // complements.
    let fa = _mm256_xor_si256(a, _mm256_srai_epi16::<15>(a));
    let fb = _mm_xor_si128(b, _mm_srai_epi16::<15>(b));
    let t = _mm_or_si128(
        _mm_or_si128(_mm256_castsi256_si128(fa), _mm256_extracti128_si256::<1>(fa)),
        fb,
    );
    let min = _mm_minpos_epu16(_mm_xor_si128(t, _mm_set1_epi32(-1)));
    let max = !(_mm_cvtsi128_si32(min) as u16);
    // max(bit length, W - 1) - (W - 1): a cmov, not a branch.
    let e = (16 - max.leading_zeros()).max(W as u32 - 1) - (W as u32 - 1);
    let n = splat_count(e);
    (_mm256_sra_epi16(a, n), _mm_sra_epi16(b, n), e as u8)
}

/// Two 8-sample groups of W-bit codes, one per lane, to their W bytes each
/// at the start of the lane.
#[inline]
#[target_feature(enable = "avx2")]
fn pack_groups<const W: usize>(v: __m256i) -> __m256i {
    let m = _mm256_and_si256(v, _mm256_set1_epi16(((1u32 << W) - 1) as i16));
    // Pairs: even << W | odd in each dword (the even sample is the low word).
    let d = if W <= 14 {
        _mm256_madd_epi16(m, _mm256_set1_epi32((1 << 16) | (1 << W)))
    } else {
        let even = _mm256_and_si256(
            _mm256_sll_epi32(m, splat_count(W as u32)),
            _mm256_set1_epi32(((1u64 << (2 * W)) - 1) as i32),
        );
        _mm256_or_si256(even, _mm256_srli_epi32::<16>(m))
    };
    // Quads: low pair << 2W | high pair in each qword. For odd W the first
    // quad of a group also moves 4 bits up: a larger multiplier and a
    // shorter right shift of its high pair (whose low pair, below 2^26 for
    // W <= 13, shifts out entirely).
    let q = if W % 2 == 1 && W <= 13 {
        let mul = _mm256_setr_epi64x(1 << (2 * W + 4), 1 << (2 * W), 1 << (2 * W + 4), 1 << (2 * W));
        let hi = _mm256_srlv_epi64(d, _mm256_setr_epi64x(28, 32, 28, 32));
        _mm256_or_si256(_mm256_mul_epu32(d, mul), hi)
    } else {
        let q = _mm256_or_si256(
            _mm256_mul_epu32(d, _mm256_set1_epi64x(1 << (2 * W))),
            _mm256_srli_epi64::<32>(d),
        );
        if W % 2 == 1 {
            _mm256_sllv_epi64(q, _mm256_setr_epi64x(4, 0, 4, 0))
        } else {
            q
        }
    };
    let r = _mm256_shuffle_epi8(q, load32(&Pack::<W>::SHUF));
    if W % 2 == 1 {
        _mm256_or_si256(r, _mm256_shuffle_epi8(q, load32(&Pack::<W>::SHUF_SHARED)))
    } else {
        r
    }
}

/// Store a PRB's packed groups: `g01` holds groups 0 and 1, `g2` group 2 in
/// its low lane. `s` starts at the first sample byte and holds at least
/// `Pack::<W>::SPAN` bytes.
#[inline]
#[target_feature(enable = "avx2")]
fn store_groups<const W: usize>(s: &mut [u8], g01: __m256i, g2: __m128i) {
    store_at(s, 0, _mm256_castsi256_si128(g01));
    store_at(s, W, _mm256_extracti128_si256::<1>(g01));
    store_at(s, 2 * W, g2);
}

/// One PRB (W < 16) into `win`, from its udCompParam on, which holds at
/// least `param_len(M) + Pack::<W>::SPAN` bytes.
#[inline]
#[target_feature(enable = "avx2,lzcnt")]
fn compress_one<const W: usize, const M: usize>(x: &PrbIq, win: &mut [u8]) {
    let () = Pack::<W>::OK;
    let p = param_len(M);
    let Some(win) = win.get_mut(..p + Pack::<W>::SPAN) else {
        return;
    };
    let (a, b, e) = prepare::<W, M>(x);
    let g01 = pack_groups::<W>(a);
    let g2 = pack_groups::<W>(_mm256_zextsi128_si256(b));
    if p == 1 {
        win[0] = e;
    }
    store_groups::<W>(&mut win[p..], g01, _mm256_castsi256_si128(g2));
}

/// Two consecutive PRBs (W < 16) into `win`, which holds at least
/// `len + param_len(M) + Pack::<W>::SPAN` bytes; group 2 of both share a
/// register.
#[inline]
#[target_feature(enable = "avx2,lzcnt")]
fn compress_two<const W: usize, const M: usize>(x0: &PrbIq, x1: &PrbIq, win: &mut [u8]) {
    let () = Pack::<W>::OK;
    let p = param_len(M);
    let len = 3 * W + p;
    let Some(win) = win.get_mut(..len + p + Pack::<W>::SPAN) else {
        return;
    };
    let (a0, b0, e0) = prepare::<W, M>(x0);
    let (a1, b1, e1) = prepare::<W, M>(x1);
    let g01_0 = pack_groups::<W>(a0);
    let g01_1 = pack_groups::<W>(a1);
    let g2 = pack_groups::<W>(_mm256_set_m128i(b1, b0));
    // In order: each store may spill zeros into bytes written after it.
    if p == 1 {
        win[0] = e0;
    }
    store_groups::<W>(&mut win[p..], g01_0, _mm256_castsi256_si128(g2));
    if p == 1 {
        win[len] = e1;
    }
    store_groups::<W>(&mut win[len + p..], g01_1, _mm256_extracti128_si256::<1>(g2));
}

/// Width 16: BFP's exponent is always 0 and none needs no clamp, so both
/// are big-endian words.
#[inline]
#[target_feature(enable = "avx2")]
fn compress_w16<const M: usize>(x: &PrbIq, out: &mut [u8]) {
    const SWAP: [u8; 32] = {
        let mut s = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            s[i] = ((i % 16) ^ 1) as u8;
            i += 1;
        }
        s
    };
    let p = param_len(M);
    let Some(out) = out.get_mut(..p + 48) else {
        return;
    };
    let (x_lo, x_hi) = x.split_at(16);
    let (Ok(x_lo), Ok(x_hi)) = (<&[i16; 16]>::try_from(x_lo), <&[i16; 8]>::try_from(x_hi)) else {
        return;
    };
    let swap = load32(&SWAP);
    let a = _mm256_shuffle_epi8(load_w16(x_lo), swap);
    let b = _mm_shuffle_epi8(load_w8(x_hi), _mm256_castsi256_si128(swap));
    if p == 1 {
        out[0] = 0;
    }
    store_at(out, p, _mm256_castsi256_si128(a));
    store_at(out, p + 16, _mm256_extracti128_si256::<1>(a));
    store_at(out, p + 32, b);
}

/// `iq` holds whole PRBs, `out` exactly their compressed length.
#[target_feature(enable = "avx2,lzcnt")]
fn compress_avx2<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
    let p = param_len(M);
    let len = 3 * W + p;
    let (prbs, _) = iq.as_chunks::<SAMPLES_PER_PRB>();
    let n_prb = prbs.len().min(out.len() / len);
    let prbs = &prbs[..n_prb];
    if W == 16 {
        for (x, o) in prbs.iter().zip(out.chunks_exact_mut(len)) {
            compress_w16::<M>(x, o);
        }
        return;
    }
    let span = p + Pack::<W>::SPAN;
    let mut pairs = prbs.chunks_exact(2);
    let mut at = 0;
    for pair in pairs.by_ref() {
        let [x0, x1] = pair else { break };
        match out.get_mut(at..at + len + span) {
            Some(win) => compress_two::<W, M>(x0, x1, win),
            None => break,
        }
        at += 2 * len;
    }
    // The PRBs left (whose stores would run past `out`), one at a time.
    for x in &prbs[at / len..] {
        match out.get_mut(at..at + span) {
            Some(win) => compress_one::<W, M>(x, win),
            None => {
                let mut buf = [0u8; STAGE];
                compress_one::<W, M>(x, &mut buf);
                if let (Some(d), Some(s)) = (out.get_mut(at..at + len), buf.get(..len)) {
                    d.copy_from_slice(s);
                }
            }
        }
        at += len;
    }
}

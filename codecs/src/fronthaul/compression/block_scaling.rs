//! Block scaling (udCompMeth 2, Annex A.2), for 16-bit samples (W = 16).
//!
//! ```text
//! udCompParam: blockScaler(8)      s, unsigned Q1.7 (s / 128)
//! compress:    v = max(largest positive, |most negative| - 1) over the PRB
//!              s = max(1, ceil(v / 2^(W-8)))                       1..=128
//!              c = round(x * (128 / s) / 2^(W-w)), clamped to w bits
//! decompress:  x = round(c * (s / 128) * 2^(W-w)) = round(c * s * 2^(9-w))
//! ```
//!
//! `round` is round half away from zero (MATLAB's `round`), computed exactly
//! in integers. MathWorks' implementation computes `128 / s` in double
//! precision, which differs from the exact value at some exact ties (e.g.
//! w = 9, s = 98, x = 637: exactly 6.5, MATLAB's double gives 6); this
//! follows the formula. `v` is the BFP magnitude (as MathWorks' `maxValue`); the spec's
//! `maxAbs` wording is read that way.

use super::PrbIq;
use super::bfp::folded;

/// The blockScaler compression chooses for a PRB: `max(1, ceil(v / 256))`
/// with `v = max(largest positive, |most negative| - 1)`; always 1..=128.
pub fn block_scaler(iq: &PrbIq) -> u8 {
    scaler_of(iq) as u8
}

#[inline(always)]
fn scaler_of(iq: &PrbIq) -> u32 {
    let mut lanes = [0u16; 8];
    for c in iq.chunks_exact(8) {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l = (*l).max(folded(x));
        }
    }
    let v = u32::from(lanes.iter().copied().max().unwrap_or(0));
    // v <= 32767, so s <= 128.
    v.div_ceil(256).max(1)
}

/// Round half away from zero of `t / 2^k`, `k >= 1`.
#[inline(always)]
pub(super) fn round_shift(t: i64, k: u32) -> i64 {
    let a = (t.unsigned_abs() + (1u64 << (k - 1))) >> k;
    if t < 0 { -(a as i64) } else { a as i64 }
}

/// One decompressed sample: `round(c * s * 2^(9 - W))`, saturated to i16
/// (only non-conformant scalers above 128 can leave the i16 range).
#[inline(always)]
fn expand_one<const W: usize>(c: i16, s: i32) -> i16 {
    // |c| <= 2^(W-1) and s <= 255, so |c * s * 2^(9-W)| <= 255 * 2^8 and
    // |c * s| < 2^23: i32 throughout, which vectorises.
    let t = i32::from(c) * s;
    let y = if W <= 9 {
        t << (9 - W)
    } else {
        // floor((t + h) / 2^k) for t >= 0, and -floor((-t + h) / 2^k) =
        // floor((t + h - 1) / 2^k) for t < 0: half away from zero.
        let k = W - 9;
        (t + (1 << (k - 1)) - i32::from(t < 0)) >> k
    };
    y.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

#[inline(always)]
pub(super) fn expand<const W: usize>(c: &PrbIq, param: u8, o: &mut [i16]) {
    let s = i32::from(param);
    for (o, &c) in o.iter_mut().zip(c) {
        *o = expand_one::<W>(c, s);
    }
}

/// `floor(f)` for `0 <= f < 2^23`, with float adds and compares only (a
/// float-to-int `as` cast saturates, which keeps the loop from
/// vectorising): adding 2^23 rounds to the nearest integer, exposed in the
/// low mantissa bits; one less when that rounded up.
#[inline(always)]
fn floor_small(f: f32) -> i32 {
    const MAGIC: f32 = 8_388_608.0; // 2^23, bits 0x4B00_0000
    let t = f + MAGIC;
    let nearest = t.to_bits() as i32 - 0x4B00_0000;
    nearest - i32::from(t - MAGIC > f)
}

/// Codes of one PRB; returns blockScaler.
#[inline(always)]
pub(super) fn compress<const W: usize>(x: &PrbIq, c: &mut PrbIq) -> u8 {
    let s = scaler_of(x);
    // c = round(x * 2^(W-9) / s) = round(N / D) with N = |x| << up and
    // D = s << down, integers; half away from zero = floor((2N + D) / 2D)
    // = floor(m / s) with m = floor((2N + D) / 2^(down + 1)) (nested floors).
    let (up, down) = if W >= 9 { (W - 9, 0) } else { (0, 9 - W) };
    let d = (s << down) as i32; // <= 2^15
    // m < 2^23 is exact in f32 and the quotient is at most 2^15 + 1
    // (|x| <= 256 s + 1). IEEE division rounds correctly: an integer
    // quotient comes out exact, and a non-integer one lies at least 1/s >=
    // 2^-7 below the next integer, more than half an ulp (<= 2^-9 below
    // 2^16) away, so its floor is the exact floor (the unit test below
    // checks every input for several scalers and widths).
    let sf = s as f32;
    let hi = (1i32 << (W - 1)) - 1;
    for (c, &x) in c.iter_mut().zip(x) {
        let m = ((i32::from(x.unsigned_abs()) << (up + 1)) + d) >> (down + 1);
        let q = floor_small(m as f32 / sf);
        let v = if x < 0 { -q } else { q };
        *c = v.clamp(-hi - 1, hi) as i16;
    }
    s as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The f64 quotient against exact integer division, over every input a
    /// PRB can present (|x| <= 256 s + 1) for a spread of scalers, and the
    /// whole i16 range for the extremes.
    #[test]
    fn compress_quotient_is_exact() {
        fn check<const W: usize>() {
            for s in [1u32, 3, 49, 98, 128] {
                let lim = if s == 128 { 32768 } else { 256 * s as i32 + 1 };
                for x in -lim..lim {
                    let x = x.clamp(i16::MIN.into(), i16::MAX.into()) as i16;
                    // Force the scaler: a PRB whose max picks s.
                    let mut p = [0i16; 24];
                    p[0] = x;
                    p[1] = (256 * s - 1) as i16;
                    if scaler_of(&p) != s {
                        continue;
                    }
                    let mut c = [0i16; 24];
                    compress::<W>(&p, &mut c);
                    let (up, down) = if W >= 9 { (W - 9, 0) } else { (0, 9 - W) };
                    let n = (i64::from(x).abs() << (up + 1)) + (i64::from(s) << down);
                    let q = n / (2 * (i64::from(s) << down));
                    let hi = (1i64 << (W - 1)) - 1;
                    let want = (if x < 0 { -q } else { q }).clamp(-hi - 1, hi);
                    assert_eq!(i64::from(c[0]), want, "W={W} s={s} x={x}");
                }
            }
        }
        check::<1>();
        check::<8>();
        check::<9>();
        check::<10>();
        check::<16>();
    }
}

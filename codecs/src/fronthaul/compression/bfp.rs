//! Block floating point (udCompMeth 1, Annex A.1), also the sample codec of
//! the BFP selective-RE methods 5 and 7.
//!
//! ```text
//! udCompParam: reserved(4) exponent(4)
//! sample = mantissa * 2^exponent, mantissa w-bit two's complement
//! ```

use super::PrbIq;

/// BFP `udCompParam`: `reserved(4) exponent(4)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BfpParam {
    /// The high nibble; should be 0.
    pub reserved: u8,
    pub exponent: u8,
}

/// Split a BFP `udCompParam` byte (the first byte of a BFP PRB).
pub const fn bfp_param(b: u8) -> BfpParam {
    BfpParam {
        reserved: b >> 4,
        exponent: b & 0x0F,
    }
}

/// The exponent the spec's BFP algorithm chooses for a PRB at `iq_width`:
/// with `v = max(largest positive, |most negative| - 1)` over the 24
/// values, `rawExp = floor(log2 v) + 1` (0 when v is 0) and
/// `e = max(rawExp - iq_width + 1, 0)`.
///
/// `iq_width` 0 is read as 16, and widths above 16 are treated as 16
/// (exponent 0).
pub fn bfp_exponent(iq: &PrbIq, iq_width: u8) -> u8 {
    let w = match iq_width {
        0 | 16.. => 16,
        w => u32::from(w),
    };
    exponent_w(iq, w) as u8
}

/// `x` for `x >= 0` and `|x| - 1` for `x < 0`: the magnitude BFP and block
/// scaling size a PRB by (the most negative w-bit value needs no more bits
/// than the largest positive one).
#[inline(always)]
pub(super) fn folded(x: i16) -> u16 {
    (x ^ (x >> 15)) as u16
}

#[inline(always)]
pub(super) fn exponent_w(iq: &PrbIq, w: u32) -> u32 {
    // The OR of the folded values has the same bit length as their maximum.
    // Eight independent lanes let the OR vectorise.
    let mut lanes = [0u16; 8];
    for c in iq.chunks_exact(8) {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l |= folded(x);
        }
    }
    let acc = lanes.iter().fold(0, |a, &l| a | l);
    let raw_exp = 16 - acc.leading_zeros();
    raw_exp.saturating_sub(w - 1)
}

/// `m * 2^e` for each mantissa. For a conformant stream (`e <= 16 - W`) it
/// fits an i16 by construction; larger exponents saturate.
#[inline(always)]
pub(super) fn expand<const W: usize>(m: &PrbIq, param: u8, o: &mut [i16]) {
    let e = u32::from(param & 0x0F);
    if e as usize <= 16 - W {
        for (o, &m) in o.iter_mut().zip(m) {
            *o = m << e;
        }
    } else {
        for (o, &m) in o.iter_mut().zip(m) {
            *o = expand_one(m, e);
        }
    }
}

/// One saturating `m * 2^e` (`e <= 15`).
#[inline(always)]
pub(super) fn expand_one(m: i16, e: u32) -> i16 {
    // |m| <= 2^15 and e <= 15, so the i32 product cannot overflow.
    (i32::from(m) << e.min(15)).clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// Mantissas `x >> e` (truncation toward minus infinity, as MathWorks'
/// reference; the spec also allows rounding, which can overflow the
/// mantissa and needs a re-check this avoids). Returns the exponent.
#[inline(always)]
pub(super) fn compress<const W: usize>(x: &PrbIq, m: &mut PrbIq) -> u8 {
    // rawExp <= 15, so at width 16 the exponent is always 0.
    let e = if W == 16 { 0 } else { exponent_w(x, W as u32) };
    for (m, &x) in m.iter_mut().zip(x) {
        *m = x >> e;
    }
    e as u8
}

//! Modulation compression (udCompMeth 4, and the sample codec of 6 and 8):
//! each I and Q is a constellation coordinate, scaled by a per-RE scaler
//! that the C-plane carries (SE 4, SE 5; SE 23 is not modelled).
//!
//! ```text
//! code c: w-bit two's complement (w = udIqWidth: 1 QPSK .. 4 256QAM)
//! v      = c / 2^(w-1) + csf * 2^-w            in [-1, 1)
//! value  = v * scaler
//! scaler = 15 bits exponent(4) | mantissa(11):  mantissa / 2^11 * 2^-exponent
//! SE 4:  csf(1) modCompScaler(15)               one set for the section's reMask
//! SE 5:  1-4 x mcScaleReMask(12) csf(1) mcScaleOffset(15)
//! ```
//!
//! **Fixed-point normalisation (our choice).** Decompressed samples are
//! Q15: `y = round(v * scaler * 2^15)`, i.e. full-scale i16 is 1.0, rounded
//! half away from zero. Since |v| <= 1 and scaler < 1, |y| < 2^15 always:
//! no saturation, and no precision thrown away for small scalers beyond
//! the Q15 LSB. NVIDIA Aerial's reference model also multiplies by sqrt 2
//! (so that scaler 1 gives unit-power QPSK); that factor is irrational,
//! would overflow Q15 for scalers above 1/sqrt 2, and is not in the field
//! definitions, so it is left to the caller: Aerial's value is
//! `y / 2^15 * sqrt 2`.
//!
//! Compression inverts this: `c = round((x / 2^15 / scaler - csf * 2^-w) *
//! 2^(w-1))`, clamped to w bits, i.e. the nearest constellation coordinate
//! (Aerial's modComp without its sqrt 2). A scaler of 0 compresses to 0.

/// csf and scaler of one RE (SE 4, or one SE 5 set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModCompParams {
    /// Constellation shift flag: add 2^-w to I and Q.
    pub csf: bool,
    /// 15 bits: `exponent(4) | mantissa(11)`; bit 15 is ignored.
    pub scaler: u16,
}

impl ModCompParams {
    pub const fn new(csf: bool, scaler: u16) -> Self {
        ModCompParams { csf, scaler }
    }

    /// From the 16-bit field `csf(1) | scaler(15)` (SE 4's
    /// `csf | modCompScaler`, SE 5's `csf | mcScaleOffset`).
    pub const fn from_field(v: u16) -> Self {
        ModCompParams {
            csf: v & 0x8000 != 0,
            scaler: v & 0x7FFF,
        }
    }

    /// The 16-bit field `csf(1) | scaler(15)`.
    pub const fn to_field(self) -> u16 {
        ((self.csf as u16) << 15) | (self.scaler & 0x7FFF)
    }

    /// The scaler's 4-bit exponent.
    pub const fn exponent(self) -> u8 {
        ((self.scaler >> 11) & 0x0F) as u8
    }

    /// The scaler's 11-bit mantissa.
    pub const fn mantissa(self) -> u16 {
        self.scaler & 0x07FF
    }

    /// `mantissa / 2^11 * 2^-exponent`, in [0, 1).
    pub fn scaler_value(self) -> f64 {
        f64::from(self.mantissa()) / 2048.0 / f64::from(1u32 << self.exponent())
    }
}

/// One SE 5 set (or an SE 4 together with its section's reMask): the REs
/// it covers and their csf and scaler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModCompReSet {
    /// mcScaleReMask (or the section's reMask) as on the wire: 12 bits,
    /// MSB = RE 1, as Wireshark labels reMask. (That SE 5's mask follows
    /// reMask's order is unverified.) Bits above 12 are ignored.
    pub re_mask: u16,
    pub params: ModCompParams,
}

/// Round half away from zero of `n / d`, `d > 0`.
#[inline(always)]
fn round_div(n: i64, d: i64) -> i64 {
    let q = (2 * n.unsigned_abs() + d.unsigned_abs()) / (2 * d.unsigned_abs());
    if n < 0 { -(q as i64) } else { q as i64 }
}

/// Q15 sample of code `c` at width `w` (1..=16).
#[inline(always)]
pub(super) fn expand_one(c: i16, w: u32, p: ModCompParams) -> i16 {
    // v * scaler * 2^15 = (2c + csf) * mantissa / 2^(w + exponent - 4).
    let t = (2 * i64::from(c) + i64::from(p.csf)) * i64::from(p.mantissa());
    let k = w as i32 + i32::from(p.exponent()) - 4;
    let y = if k <= 0 {
        t << -k
    } else {
        super::block_scaling::round_shift(t, k as u32)
    };
    y.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// Code of Q15 sample `x` at width `w` (1..=16): the nearest constellation
/// coordinate, clamped to w bits.
#[inline(always)]
pub(super) fn compress_one(x: i16, w: u32, p: ModCompParams) -> i16 {
    let mant = i64::from(p.mantissa());
    if mant == 0 {
        return 0;
    }
    // 2c + csf = x * 2^k / mantissa, so c = round((x * 2^k - csf * mant) / 2 mant);
    // scaled by 2^-k when k < 0 to stay in integers. |x * 2^k| <= 2^42.
    let k = w as i32 + i32::from(p.exponent()) - 4;
    let (up, down) = if k >= 0 { (k as u32, 0) } else { (0, (-k) as u32) };
    let n = (i64::from(x) << up) - ((i64::from(p.csf) * mant) << down);
    let c = round_div(n, (2 * mant) << down);
    let hi = (1i64 << (w - 1)) - 1;
    c.clamp(-hi - 1, hi) as i16
}

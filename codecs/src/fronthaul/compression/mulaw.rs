//! Mu-law (udCompMeth 3, Annex A.3): a three-segment piecewise-linear
//! companding on a 15-bit magnitude (not the G.711 curve), for 16-bit
//! samples.
//!
//! ```text
//! udCompParam: compBitWidth(4) compShift(4)
//! compress:    compShift = 7, 6, .., 1 when the PRB's largest |I| or |Q| is
//!              below 2^8, 2^9, .., 2^14, else 0
//!              a = min(|x| * 2^compShift, 2^15 - 1)
//!              a <= 2^13:  c = a / 2^(15-w)
//!              a <= 2^14:  c = a / 2^(16-w) + 2^(w-3)
//!              else:       c = a / 2^(17-w) + 2^(w-2)
//!              code = sign(x) * trunc(c)             (|code| <= 2^(w-1) - 1)
//! decompress:  a = min(|code|, 2^(w-1) - 1)
//!              a <= 2^(w-2):            M = a * 2^(15-w)
//!              a <= 2^(w-2) + 2^(w-3):  M = a * 2^(16-w) - 2^13
//!              else:                    M = a * 2^(17-w) - 2^15
//!              x = sign(code) * round(M / 2^compShift)
//! ```
//!
//! Decisions where the Annex text leaves room (marked unverified in our
//! reference notes):
//! - Codes are w-bit two's complement with w = **udIqWidth**, as Wireshark
//!   sizes every method's samples. compBitWidth is written as udIqWidth
//!   (16 as 0) and reported by [`mulaw_param`], never used to size a PRB:
//!   sizing by it would make a section's length depend on every PRB's
//!   parameter byte, and no decoder we know does that. (MathWorks' functions
//!   accept a per-PRB width, which a caller can model by decoding each PRB
//!   with its own header.)
//! - Two's complement, not sign-magnitude: the Annex clips the decoded
//!   magnitude to 2^(w-1) - 1, which only the two's complement -2^(w-1)
//!   can exceed.
//! - MathWorks returns M / 2^compShift as a real number; an i16 output must
//!   round, and rounds half away from zero. Use [`read_mulaw_prb`] and
//!   [`mulaw_expand`] for the exact value.
//!
//! [`read_mulaw_prb`]: super::read_mulaw_prb

use super::PrbIq;

/// Mu-law `udCompParam`: `compBitWidth(4) compShift(4)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct MuLawParam {
    /// As on the wire (0 is how 16 is written). Not used to size samples.
    pub comp_bit_width: u8,
    pub comp_shift: u8,
}

/// Split a mu-law `udCompParam` byte.
pub const fn mulaw_param(b: u8) -> MuLawParam {
    MuLawParam {
        comp_bit_width: b >> 4,
        comp_shift: b & 0x0F,
    }
}

/// The compShift compression chooses for a PRB: 7, 6, .., 1 when its
/// largest |I| or |Q| is below 2^8, 2^9, .., 2^14, else 0.
pub fn mulaw_comp_shift(iq: &PrbIq) -> u8 {
    let max = iq.iter().map(|x| x.unsigned_abs()).max().unwrap_or(0);
    shift_for(max) as u8
}

#[inline(always)]
fn shift_for(max_abs: u16) -> u32 {
    // Below 2^8 (bit length <= 8) -> 7; bit length 14 -> 1; 15 or 16 -> 0.
    let bits = 16 - max_abs.leading_zeros();
    15u32.saturating_sub(bits).min(7)
}

/// The expanded magnitude of a code, times two: `2M` for a w-bit code
/// (width 1..=16; 0 and above 16 read as 16), with the sign of the code.
/// Doubling keeps width 16's first segment (`M = a / 2`) whole. The
/// sample is `2M / 2^(compShift + 1)`.
pub fn mulaw_expand(code: i16, iq_width: u8) -> i32 {
    let w = match iq_width {
        1..=15 => u32::from(iq_width),
        _ => 16,
    };
    let m2 = expand_mag2(code, w);
    if code < 0 { -m2 } else { m2 }
}

/// `2M` of a code's magnitude at width w (1..=16).
#[inline(always)]
fn expand_mag2(code: i16, w: u32) -> i32 {
    let a = i32::from(code.unsigned_abs()).min((1 << (w - 1)) - 1);
    // a <= 2^(w-2)  <=>  4a <= 2^w;  a <= 2^(w-2) + 2^(w-3)  <=>  8a <= 3 * 2^w.
    if 4 * a <= 1 << w {
        a << (16 - w)
    } else if 8 * a <= 3 << w {
        (a << (17 - w)) - (1 << 14)
    } else {
        (a << (18 - w)) - (1 << 16)
    }
}

#[inline(always)]
pub(super) fn expand_one(code: i16, w: u32, shift: u32) -> i16 {
    // round half away from zero of 2M / 2^(shift + 1); 2M < 2^16, so the
    // result is below 2^15 and needs no saturation.
    let y = (expand_mag2(code, w) + (1 << shift)) >> (shift + 1);
    (if code < 0 { -y } else { y }) as i16
}

#[inline(always)]
pub(super) fn expand<const W: usize>(c: &PrbIq, param: u8, o: &mut [i16]) {
    let shift = u32::from(param & 0x0F);
    for (o, &c) in o.iter_mut().zip(c) {
        *o = expand_one(c, W as u32, shift);
    }
}

/// Codes of one PRB; returns the udCompParam byte.
#[inline(always)]
pub(super) fn compress<const W: usize>(x: &PrbIq, c: &mut PrbIq) -> u8 {
    let max = x.iter().map(|x| x.unsigned_abs()).fold(0, u16::max);
    let shift = shift_for(max);
    for (c, &x) in c.iter_mut().zip(x) {
        let a = (i32::from(x.unsigned_abs()) << shift).min((1 << 15) - 1);
        // The Annex's segments with their offsets folded into the shift:
        // a / 2^(15-w) = 2a / 2^(16-w); a / 2^(16-w) + 2^(w-3) =
        // (a + 2^13) / 2^(16-w); a / 2^(17-w) + 2^(w-2) = (a + 2^15) / 2^(17-w).
        // Exact for every w (no fractional 2^(w-3)), all below 2^17.
        let mag = if a <= 1 << 13 {
            (2 * a) >> (16 - W)
        } else if a <= 1 << 14 {
            (a + (1 << 13)) >> (16 - W)
        } else {
            (a + (1 << 15)) >> (17 - W)
        };
        *c = (if x < 0 { -mag } else { mag }) as i16;
    }
    (((W % 16) as u8) << 4) | shift as u8
}

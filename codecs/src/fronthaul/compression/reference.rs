//! Plain bit-at-a-time codecs written straight from the field layouts and
//! the Annex formulas, with exact rational arithmetic (wide integers,
//! explicit division, no precomputed reciprocals or shifts folded into
//! tables): the specification the fast paths are tested against, and a
//! readable statement of each algorithm. Same contracts and errors as the
//! fast functions, except that `Truncated` errors point at the first field
//! that could not be read.

use super::*;
use crate::bits::{BitReader, BitWriter};

/// [`super::bfp_exponent`] computed literally from the spec's wording.
pub fn bfp_exponent(iq: &PrbIq, iq_width: u8) -> u8 {
    let w = match iq_width {
        0 | 16.. => 16i32,
        w => i32::from(w),
    };
    let v = bfp_max(iq);
    // floor(log2 v) + 1, and 0 for v = 0.
    let mut raw_exp = 0;
    while (1i32 << raw_exp) <= v {
        raw_exp += 1;
    }
    (raw_exp - w + 1).max(0) as u8
}

/// `max(largest positive, |most negative| - 1)` over a PRB (BFP and block
/// scaling).
fn bfp_max(iq: &[i16]) -> i32 {
    let largest_pos = iq.iter().map(|&x| i32::from(x)).filter(|&x| x > 0).max().unwrap_or(0);
    let most_neg = iq.iter().map(|&x| i32::from(x)).filter(|&x| x < 0).min().unwrap_or(0);
    largest_pos.max(most_neg.abs() - 1)
}

/// [`super::block_scaler`]: `s = ceil(v / 2^(16 - 8))`, at least 1.
pub fn block_scaler(iq: &PrbIq) -> u8 {
    let v = bfp_max(iq);
    let mut s = v / 256;
    if v % 256 != 0 {
        s += 1;
    }
    s.max(1) as u8
}

/// [`super::mulaw_comp_shift`] from the Annex's table.
pub fn mulaw_comp_shift(iq: &PrbIq) -> u8 {
    let max = iq.iter().map(|&x| i32::from(x).abs()).max().unwrap_or(0);
    for (k, shift) in (8..=14).zip((1..=7).rev()) {
        if max < 1 << k {
            return shift;
        }
    }
    0
}

/// Round half away from zero of `n / d` (`d > 0`).
fn round_div(n: i128, d: i128) -> i128 {
    let q = (2 * n.abs() + d) / (2 * d);
    if n < 0 { -q } else { q }
}

fn sat16(v: i128) -> i16 {
    v.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// Bit-reader version of [`super::decompress_prb`].
pub fn decompress_prb(hdr: UdCompHdr, src: &[u8], out: &mut PrbIq) -> Result<usize> {
    simple(hdr)?;
    decompress_prb_with(hdr, &PrbParams::default(), src, out).map(|r| r.0)
}

/// Bit-writer version of [`super::compress_prb`].
pub fn compress_prb(hdr: UdCompHdr, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    simple(hdr)?;
    compress_prb_with(hdr, &PrbParams::default(), iq, out)
}

/// Width 1..=16 of a header whose method is defined.
fn checked_width(hdr: UdCompHdr) -> Result<i128> {
    match route(hdr)? {
        Route::Fast { w, .. } | Route::Var { w } => Ok(w as i128),
    }
}

fn modulation_params(params: &PrbParams) -> Result<[ModCompParams; RE_PER_PRB]> {
    params
        .mod_comp
        .ok_or_else(|| Error::invalid(0, "modulation compression without csf/scaler", CTX_PRB))
}

/// Bit-reader version of [`super::decompress_prb_with`].
pub fn decompress_prb_with(hdr: UdCompHdr, params: &PrbParams, src: &[u8], out: &mut PrbIq) -> Result<(usize, u16)> {
    let w = checked_width(hdr)?;
    let mut r = BitReader::new(src, CTX_PRB);
    // udCompParam fields, from the table in the module docs.
    let (mut mask, mut param) = (ALL_RES, 0u32);
    match hdr.method {
        CompMethod::Bfp | CompMethod::BfpSelectiveReMasks => {
            let _reserved = r.read(4)?;
            param = r.read(4)?;
        }
        CompMethod::BlockScaling => param = r.read(8)?,
        CompMethod::MuLaw => {
            let _comp_bit_width = r.read(4)?;
            param = r.read(4)?;
        }
        CompMethod::BfpSelectiveRe | CompMethod::ModSelectiveRe => {
            let hi = r.read(4)?;
            param = r.read(4)?; // exponent (5) or reserved (6)
            mask = (hi << 8 | r.read(8)?) as u16;
        }
        _ => {}
    }
    if hdr.method.has_section_masks() {
        if params.sres_mask > ALL_RES {
            return Err(Error::invalid(0, "sReSMask above 12 bits", CTX_PRB));
        }
        mask = params.sres_mask;
    }
    let scale = if hdr.method.is_modulation() {
        Some(modulation_params(params)?)
    } else {
        None
    };
    let mut tmp = [0i16; SAMPLES_PER_PRB];
    for re in 0..RE_PER_PRB {
        if mask >> re & 1 == 0 {
            continue;
        }
        for k in 0..2 {
            let c = i128::from(r.read_signed(w as u32)?);
            tmp[2 * re + k] = decode(hdr.method, w, param, scale.map(|s| s[re]), c);
        }
    }
    r.align();
    *out = tmp;
    Ok((r.byte_pos(), mask))
}

/// One sample from its code `c` (Annex formulas, exact).
fn decode(method: CompMethod, w: i128, param: u32, p: Option<ModCompParams>, c: i128) -> i16 {
    let param = i128::from(param);
    match method {
        CompMethod::None => c as i16,
        CompMethod::Bfp | CompMethod::BfpSelectiveRe | CompMethod::BfpSelectiveReMasks => sat16(c * (1 << param)),
        // x = round(c * (s / 128) * 2^(16 - w))
        CompMethod::BlockScaling => sat16(round_div(c * param * (1 << (16 - w)), 128)),
        CompMethod::MuLaw => {
            // a clipped to 2^(w-1) - 1; M = num / 2^w per segment; x = M / 2^shift.
            let a = c.abs().min((1 << (w - 1)) - 1);
            let num = if 8 * a <= 2 << w {
                a << 15
            } else if 8 * a <= (2 << w) + (1 << w) {
                (a << 16) - (1 << (13 + w))
            } else {
                (a << 17) - (1 << (15 + w))
            };
            let v = round_div(num, 1 << (w + param));
            (if c < 0 { -v } else { v }) as i16
        }
        _ => {
            // (c / 2^(w-1) + csf / 2^w) * mantissa / 2^(11 + exponent) * 2^15
            let p = p.unwrap_or_default();
            let num = (2 * c + i128::from(p.csf)) * i128::from(p.mantissa()) * (1 << 15);
            sat16(round_div(num, 1 << (w + 11 + i128::from(p.exponent()))))
        }
    }
}

/// Bit-writer version of [`super::compress_prb_with`].
pub fn compress_prb_with(hdr: UdCompHdr, params: &PrbParams, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    let w = checked_width(hdr)?;
    let mask = match hdr.method {
        m if m.is_selective_re() => params.sres_mask,
        _ => ALL_RES,
    };
    if mask > ALL_RES {
        return Err(Error::invalid(0, "sReSMask above 12 bits", CTX_PRB));
    }
    let scale = if hdr.method.is_modulation() {
        Some(modulation_params(params)?)
    } else {
        None
    };
    // The carried samples, in RE order.
    let carried: Vec<(usize, i128)> = (0..RE_PER_PRB)
        .filter(|re| mask >> re & 1 == 1)
        .flat_map(|re| [(re, i128::from(iq[2 * re])), (re, i128::from(iq[2 * re + 1]))])
        .collect();
    let values: Vec<i16> = carried.iter().map(|&(_, x)| x as i16).collect();
    let mut bytes = Vec::new();
    let mut wr = BitWriter::new(&mut bytes);
    let lo = -(1i128 << (w - 1));
    let hi = -lo - 1;
    let bfp_e = {
        let mut p = [0i16; SAMPLES_PER_PRB];
        p[..values.len()].copy_from_slice(&values);
        i128::from(bfp_exponent(&p, w as u8))
    };
    let mut bs = 0;
    let mut shift = 0;
    let (mh, ml) = (u32::from(mask >> 8), u32::from(mask & 0xFF));
    match hdr.method {
        CompMethod::Bfp | CompMethod::BfpSelectiveReMasks => {
            wr.write(0, 4)?;
            wr.write(bfp_e as u32, 4)?;
        }
        CompMethod::BlockScaling => {
            bs = i128::from(block_scaler(iq));
            wr.write(bs as u32, 8)?;
        }
        CompMethod::MuLaw => {
            shift = i128::from(mulaw_comp_shift(iq));
            wr.write((w % 16) as u32, 4)?;
            wr.write(shift as u32, 4)?;
        }
        CompMethod::BfpSelectiveRe => {
            wr.write(mh, 4)?;
            wr.write(bfp_e as u32, 4)?;
            wr.write(ml, 8)?;
        }
        CompMethod::ModSelectiveRe => {
            wr.write(mh, 4)?;
            wr.write(0, 4)?;
            wr.write(ml, 8)?;
        }
        _ => {}
    }
    for &(re, x) in &carried {
        let c = match hdr.method {
            CompMethod::None => x.clamp(lo, hi),
            CompMethod::Bfp | CompMethod::BfpSelectiveRe | CompMethod::BfpSelectiveReMasks => x >> bfp_e,
            // c = round(x * (128 / s) / 2^(16 - w)), clamped
            CompMethod::BlockScaling => round_div(x * 128 * (1 << w), bs * (1 << 16)).clamp(lo, hi),
            CompMethod::MuLaw => {
                let a = (x.abs() * (1 << shift)).min((1 << 15) - 1);
                // c as a fraction over 2^17 per segment, truncated.
                let c = if a <= 1 << 13 {
                    (a << w) * 4 / (1 << 17)
                } else if a <= 1 << 14 {
                    ((a << w) * 2 + (1 << (w + 14))) / (1 << 17)
                } else {
                    ((a << w) + (1 << (w + 15))) / (1 << 17)
                };
                if x < 0 { -c } else { c }
            }
            _ => {
                // c = round((x / 2^15 / scaler - csf / 2^w) * 2^(w-1)), scaler =
                // mantissa / 2^(11 + exponent); 0 for a zero scaler.
                let p = scale.map(|s| s[re]).unwrap_or_default();
                let mant = i128::from(p.mantissa());
                if mant == 0 {
                    0
                } else {
                    let e = i128::from(p.exponent());
                    let num = ((x << (11 + e + w)) - i128::from(p.csf) * mant * (1 << 15)) * (1 << (w - 1));
                    round_div(num, mant * (1 << (15 + w))).clamp(lo, hi)
                }
            }
        };
        wr.write_signed(c as i16, w as u32)?;
    }
    wr.align();
    out.extend_from_slice(&bytes);
    Ok(())
}

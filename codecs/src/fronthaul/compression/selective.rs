//! Selective RE sending (udCompMeth 5-8) and the per-RE codec shared with
//! modulation compression (4).
//!
//! ```text
//! udCompParam per PRB:
//!   5 BFP + selective RE         sReSMask RE12..RE9(4) exponent(4) | sReSMask RE8..RE1(8)
//!   6 modulation + selective RE  sReSMask RE12..RE9(4) reserved(4) | sReSMask RE8..RE1(8)
//!   7 BFP, masks in header       reserved(4) exponent(4)
//!   8 modulation, masks in hdr   absent
//! section header, methods 7/8:   reserved(4) sReSMask1(12) reserved(4) sReSMask2(12)
//! samples: I Q of each RE whose mask bit is set, in RE order, then pad to a byte
//! ```
//!
//! sReSMask bit i (LSB = bit 0) is RE i + 1, as Wireshark's field masks put
//! it (the opposite of the C-plane reMask, whose MSB is RE 1). For 7/8,
//! sReSMask1 applies to the even and sReSMask2 to the odd PRBs of the
//! section counted from its first (index 0, 2, .. use sReSMask1); with
//! rb = 1 every carried PRB is an even offset from startPrbu, so sReSMask1
//! applies to all and sReSMask2 is ignored, which is what the spec says of
//! rb = 1. (Wireshark's comment says the same; its code applies sReSMask1
//! to every PRB.) Whether "even" counts from the section or from PRB 0 of
//! the carrier is unverified.
//!
//! BFP over selected REs: the exponent is chosen over the carried REs only.
//! Decompression writes 0 to REs that are not carried and reports the mask.

use super::kernels::{PACK, UNPACK, WIN};
use super::{CTX_PRB, CompMethod, PrbIq, PrbParams, RE_PER_PRB, SAMPLES_PER_PRB, bfp, modulation};
use crate::{Error, ErrorKind, Result};

/// sReSMask value with every RE carried.
pub const ALL_RES: u16 = 0x0FFF;

/// The sReSMask of the `index`-th PRB (0-based, within the section) of a
/// section using udCompMeth 7 or 8: sReSMask1 for even indices and
/// whenever `rb` is set, sReSMask2 for odd ones. Reserved bits are dropped.
pub const fn sres_mask_for_prb(sres_mask1: u16, sres_mask2: u16, rb: bool, index: usize) -> u16 {
    let m = if rb || index.is_multiple_of(2) {
        sres_mask1
    } else {
        sres_mask2
    };
    m & ALL_RES
}

/// A C-plane reMask (12 bits, MSB = RE 1) in sReSMask order (LSB = RE 1).
pub const fn remask_to_sres(re_mask: u16) -> u16 {
    (re_mask & ALL_RES).reverse_bits() >> 4
}

/// REs of a mask, in RE order (0-based).
fn res(mask: u16) -> impl Iterator<Item = usize> {
    (0..RE_PER_PRB).filter(move |i| mask >> i & 1 == 1)
}

const fn is_bfp(m: CompMethod) -> bool {
    matches!(m, CompMethod::BfpSelectiveRe | CompMethod::BfpSelectiveReMasks)
}

fn check_mask(mask: u16) -> Result<u16> {
    if mask > ALL_RES {
        return Err(Error::invalid(0, "sReSMask above 12 bits", CTX_PRB));
    }
    Ok(mask)
}

/// Bytes of samples for `n_re` REs of width `w`, padded to a byte.
pub(super) const fn sample_bytes(n_re: u32, w: usize) -> usize {
    (2 * n_re as usize * w).div_ceil(8)
}

/// `(udCompParam bytes, RE mask, PRB bytes)` of the PRB at the start of
/// `src` (methods 4-8); reads the mask of methods 5 and 6 from `src`.
pub(super) fn layout(method: CompMethod, w: usize, src: &[u8], sres_mask: u16) -> Result<(usize, u16, usize)> {
    let (param, mask) = match method {
        CompMethod::Modulation => (0, ALL_RES),
        CompMethod::BfpSelectiveRe | CompMethod::ModSelectiveRe => {
            let Some(&[b0, b1]) = src.first_chunk::<2>() else {
                return Err(Error::truncated(0, 2, src.len(), CTX_PRB));
            };
            (2, u16::from(b0 >> 4) << 8 | u16::from(b1))
        }
        CompMethod::BfpSelectiveReMasks => (1, check_mask(sres_mask)?),
        CompMethod::ModSelectiveReMasks => (0, check_mask(sres_mask)?),
        m => return Err(Error::new(ErrorKind::Unsupported(m.unsupported_what()), 0, CTX_PRB)),
    };
    Ok((param, mask, param + sample_bytes(mask.count_ones(), w)))
}

fn mod_comp(method: CompMethod, params: &PrbParams) -> Result<[super::ModCompParams; RE_PER_PRB]> {
    params.mod_comp.ok_or_else(|| {
        Error::new(
            ErrorKind::Invalid(match method {
                CompMethod::Modulation => "udCompMeth 4 without csf/scaler (PrbParams::mod_comp)",
                CompMethod::ModSelectiveRe => "udCompMeth 6 without csf/scaler (PrbParams::mod_comp)",
                _ => "udCompMeth 8 without csf/scaler (PrbParams::mod_comp)",
            }),
            0,
            CTX_PRB,
        )
    })
}

/// One PRB of methods 4-8 (width `w`, 1..=16) into `out`: `(bytes, mask)`.
pub(super) fn decompress(
    method: CompMethod,
    w: usize,
    params: &PrbParams,
    src: &[u8],
    out: &mut PrbIq,
) -> Result<(usize, u16)> {
    let (param, mask, len) = layout(method, w, src, params.sres_mask)?;
    let Some(prb) = src.get(..len) else {
        return Err(Error::truncated(0, len, src.len(), CTX_PRB));
    };
    let scale = if is_bfp(method) {
        None
    } else {
        Some(mod_comp(method, params)?)
    };
    let mut win = [0u8; WIN];
    if let (Some(d), Some(s)) = (win.get_mut(..len - param), prb.get(param..)) {
        d.copy_from_slice(s);
    }
    let mut codes = [0i16; SAMPLES_PER_PRB];
    UNPACK[w % 16](&win, &mut codes);
    // Both BFP layouts keep the exponent in the low nibble of byte 0.
    let e = u32::from(prb.first().copied().unwrap_or(0) & 0x0F);
    let mut tmp = [0i16; SAMPLES_PER_PRB];
    for (k, re) in res(mask).enumerate() {
        let (ci, cq) = (codes[2 * k], codes[2 * k + 1]);
        let (yi, yq) = match &scale {
            None => (bfp::expand_one(ci, e), bfp::expand_one(cq, e)),
            Some(p) => (
                modulation::expand_one(ci, w as u32, p[re]),
                modulation::expand_one(cq, w as u32, p[re]),
            ),
        };
        tmp[2 * re] = yi;
        tmp[2 * re + 1] = yq;
    }
    *out = tmp;
    Ok((len, mask))
}

/// One PRB of methods 4-8 (width `w`, 1..=16), appended to `out`.
pub(super) fn compress(method: CompMethod, w: usize, params: &PrbParams, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    let mask = match method {
        CompMethod::Modulation => ALL_RES,
        _ => check_mask(params.sres_mask)?,
    };
    let scale = if is_bfp(method) {
        None
    } else {
        Some(mod_comp(method, params)?)
    };
    let mut codes = [0i16; SAMPLES_PER_PRB];
    for (k, re) in res(mask).enumerate() {
        let (xi, xq) = (iq[2 * re], iq[2 * re + 1]);
        (codes[2 * k], codes[2 * k + 1]) = match &scale {
            None => (xi, xq),
            Some(p) => (
                modulation::compress_one(xi, w as u32, p[re]),
                modulation::compress_one(xq, w as u32, p[re]),
            ),
        };
    }
    // BFP: the exponent of the carried values (the zeros after them do not
    // change it), then mantissas by truncation as method 1.
    let mut e = 0;
    if scale.is_none() {
        e = bfp::exponent_w(&codes, w as u32) as u8;
        for c in &mut codes {
            *c >>= e;
        }
    }
    let (hi, lo) = ((mask >> 8) as u8, mask as u8);
    let param: &[u8] = match method {
        CompMethod::BfpSelectiveRe => &[hi << 4 | e, lo],
        CompMethod::ModSelectiveRe => &[hi << 4, lo],
        CompMethod::BfpSelectiveReMasks => &[e],
        _ => &[],
    };
    let mut win = [0u8; WIN];
    PACK[w % 16](&codes, &mut win);
    out.extend_from_slice(param);
    out.extend_from_slice(win.get(..sample_bytes(mask.count_ones(), w)).unwrap_or(&[]));
    Ok(())
}

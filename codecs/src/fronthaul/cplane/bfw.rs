//! Beamforming-weight compression: `bfwCompHdr`, `bfwCompParam` and the
//! weight codecs used by SE 1, SE 11, SE 19 and ST4 command 1 (and, for the
//! scalar methods 0-3, by ST6 channel information samples).
//!
//! ```text
//! bfwCompHdr (1 byte):  bfwIqWidth(4, 0 = 16) | bfwCompMeth(4)
//!
//! bfwCompParam by bfwCompMeth:
//!   0 none                         absent
//!   1 block floating point         reserved(4) exponent(4)
//!   2 block scaling                blockScaler(8), unsigned Q1.7
//!   3 mu-law                       compBitWidth(4) compShift(4)
//!   4 beamspace compression I      activeBeamspaceCoefficientMask, ceil(K/8) bytes
//!   5 beamspace compression II     activeBeamspaceCoefficientMask, ceil(K/8) bytes,
//!                                  reserved(4) exponent(4)
//!   6-15 reserved
//!
//! weights: N x (bfwI, bfwQ), each bfwIqWidth bits, two's complement, packed
//! MSB first, the block zero-padded to a byte
//! ```
//!
//! K is the length of the uncompressed weight vector (the TRX count, an
//! M-plane value). With the beamspace methods only the weights whose mask
//! bit is set are sent; this module reads mask bit `i` (0-based TRX index)
//! as bit `7 - i % 8` of byte `i / 8`, MSB first like every other O-RAN
//! field and like Wireshark's N1..N8 labels (Wireshark's count of set bits
//! walks the bits LSB first, which disagrees with its own labels).
//!
//! Weights are kept as the raw codes found on the wire ([`BfWeights::iq`]),
//! so re-encoding is byte-exact whatever the method; [`BfWeights::decompress`]
//! turns them into i16 I/Q and [`BfWeights::compress`] builds codes from
//! i16 I/Q. Decompression contracts, per sample code `c` of width `w`:
//!
//! - none: `c` itself (not scaled to 16 bits), as for U-plane method 0.
//! - BFP and beamspace II: `c * 2^exponent`, saturated to i16.
//! - block scaling (Annex A.2): `round(c * s/128 * 2^(16 - w))`, saturated.
//! - mu-law (Annex A.3, three-segment companding): the magnitude `a =
//!   min(|c|, 2^(w-1) - 1)` maps to M = `a*2^(15-w)`, `a*2^(16-w) - 2^13` or
//!   `a*2^(17-w) - 2^15` by segment, then `sign(c) * round(M / 2^compShift)`.
//!   The code is read as two's complement (the spec's "clip to 2^(w-1) - 1"
//!   only matters for that form); compBitWidth is kept but the sample width
//!   is bfwIqWidth. Both are unconfirmed by a second source.
//!
//! Rounding is half away from zero throughout, and block scaling and
//! mu-law make the same choices as the U-plane codecs in
//! [`crate::fronthaul::compression`] (whose `mulaw_expand` is used here),
//! so weights and IQ samples of the same method read alike.
//! - beamspace I: no scaler is carried, so the codes are returned as is.

use serde::Serialize;

use crate::bits::{BitReader, BitWriter};
use crate::fronthaul::compression::mulaw_expand;
use crate::{Error, ErrorKind, Result};

/// `bfwCompMeth` (4 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BfwCompMethod {
    /// 0: no compression.
    None,
    /// 1: block floating point.
    Bfp,
    /// 2: block scaling.
    BlockScaling,
    /// 3: mu-law.
    MuLaw,
    /// 4: beamspace compression type I.
    BeamspaceI,
    /// 5: beamspace compression type II.
    BeamspaceII,
    /// 6..=15: reserved, with the wire value.
    Reserved(u8),
}

impl BfwCompMethod {
    /// From the low 4 bits of `v`.
    pub const fn from_u4(v: u8) -> Self {
        match v & 0xF {
            0 => BfwCompMethod::None,
            1 => BfwCompMethod::Bfp,
            2 => BfwCompMethod::BlockScaling,
            3 => BfwCompMethod::MuLaw,
            4 => BfwCompMethod::BeamspaceI,
            5 => BfwCompMethod::BeamspaceII,
            n => BfwCompMethod::Reserved(n),
        }
    }

    /// The 4-bit wire value (`Reserved(n)` writes the low 4 bits of n).
    pub const fn to_u4(self) -> u8 {
        match self {
            BfwCompMethod::None => 0,
            BfwCompMethod::Bfp => 1,
            BfwCompMethod::BlockScaling => 2,
            BfwCompMethod::MuLaw => 3,
            BfwCompMethod::BeamspaceI => 4,
            BfwCompMethod::BeamspaceII => 5,
            BfwCompMethod::Reserved(n) => n & 0xF,
        }
    }

    /// True for the beamspace methods, which carry an
    /// activeBeamspaceCoefficientMask.
    pub const fn is_beamspace(self) -> bool {
        matches!(self, BfwCompMethod::BeamspaceI | BfwCompMethod::BeamspaceII)
    }
}

/// `bfwCompHdr`: `bfwIqWidth(4) | bfwCompMeth(4)`, bfwIqWidth 0 meaning 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct BfwCompHdr {
    /// Bits per bfwI / bfwQ, 1..=16 (wire 0 is stored as 16).
    pub iq_width: u8,
    pub method: BfwCompMethod,
}

impl BfwCompHdr {
    /// `iq_width` 0 is stored as 16.
    pub const fn new(iq_width: u8, method: BfwCompMethod) -> Self {
        let iq_width = if iq_width == 0 { 16 } else { iq_width };
        BfwCompHdr { iq_width, method }
    }

    pub const fn from_byte(b: u8) -> Self {
        BfwCompHdr::new(b >> 4, BfwCompMethod::from_u4(b))
    }

    /// Width 16 is written as 0; only widths 1..=16 are representable
    /// (emitting a wider one is a `FieldOverflow` error).
    pub const fn to_byte(self) -> u8 {
        ((self.iq_width & 0xF) << 4) | self.method.to_u4()
    }

    /// The sample width, 1..=16 (0, and values a 4-bit field cannot hold,
    /// read as 16).
    pub const fn width(self) -> u32 {
        match self.iq_width {
            w @ 1..=16 => w as u32,
            _ => 16,
        }
    }

    /// `FieldOverflow` unless `iq_width` is 0..=16.
    pub(crate) fn check(self, offset: usize) -> Result<()> {
        if self.iq_width > 16 {
            return Err(Error::new(
                ErrorKind::FieldOverflow {
                    bits: 4,
                    value: self.iq_width.into(),
                },
                offset,
                CTX,
            ));
        }
        Ok(())
    }
}

const CTX: &str = "beamforming weights";

/// `bfwCompParam`, by method (layouts in the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum BfwCompParam {
    /// Method 0: no parameter on the wire.
    None,
    /// Method 1: `reserved(4) exponent(4)`.
    Bfp { reserved: u8, exponent: u8 },
    /// Method 2: `blockScaler(8)`, unsigned Q1.7.
    BlockScaling { block_scaler: u8 },
    /// Method 3: `compBitWidth(4) compShift(4)`.
    MuLaw { comp_bit_width: u8, comp_shift: u8 },
    /// Method 4: activeBeamspaceCoefficientMask, ceil(K/8) bytes.
    BeamspaceI { mask: Vec<u8> },
    /// Method 5: the mask, then `reserved(4) exponent(4)`.
    BeamspaceII { mask: Vec<u8>, reserved: u8, exponent: u8 },
}

impl BfwCompParam {
    /// The beamspace mask, if any.
    pub fn mask(&self) -> Option<&[u8]> {
        match self {
            BfwCompParam::BeamspaceI { mask } | BfwCompParam::BeamspaceII { mask, .. } => Some(mask),
            _ => None,
        }
    }

    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            BfwCompParam::None => 0,
            BfwCompParam::Bfp { .. } | BfwCompParam::BlockScaling { .. } | BfwCompParam::MuLaw { .. } => 1,
            BfwCompParam::BeamspaceI { mask } => mask.len(),
            BfwCompParam::BeamspaceII { mask, .. } => mask.len() + 1,
        }
    }

    fn matches(&self, m: BfwCompMethod) -> bool {
        matches!(
            (self, m),
            (BfwCompParam::None, BfwCompMethod::None)
                | (BfwCompParam::Bfp { .. }, BfwCompMethod::Bfp)
                | (BfwCompParam::BlockScaling { .. }, BfwCompMethod::BlockScaling)
                | (BfwCompParam::MuLaw { .. }, BfwCompMethod::MuLaw)
                | (BfwCompParam::BeamspaceI { .. }, BfwCompMethod::BeamspaceI)
                | (BfwCompParam::BeamspaceII { .. }, BfwCompMethod::BeamspaceII)
        )
    }

    fn read(r: &mut BitReader<'_>, m: BfwCompMethod, k: Option<usize>) -> Result<BfwCompParam> {
        let mask = |r: &mut BitReader<'_>| -> Result<Vec<u8>> {
            let Some(k) = k else {
                return Err(unknown_k(r));
            };
            (0..k.div_ceil(8)).map(|_| Ok(r.read(8)? as u8)).collect()
        };
        Ok(match m {
            BfwCompMethod::None => BfwCompParam::None,
            BfwCompMethod::Bfp => BfwCompParam::Bfp {
                reserved: r.read(4)? as u8,
                exponent: r.read(4)? as u8,
            },
            BfwCompMethod::BlockScaling => BfwCompParam::BlockScaling {
                block_scaler: r.read(8)? as u8,
            },
            BfwCompMethod::MuLaw => BfwCompParam::MuLaw {
                comp_bit_width: r.read(4)? as u8,
                comp_shift: r.read(4)? as u8,
            },
            BfwCompMethod::BeamspaceI => BfwCompParam::BeamspaceI { mask: mask(r)? },
            BfwCompMethod::BeamspaceII => BfwCompParam::BeamspaceII {
                mask: mask(r)?,
                reserved: r.read(4)? as u8,
                exponent: r.read(4)? as u8,
            },
            BfwCompMethod::Reserved(_) => {
                return Err(Error::new(
                    ErrorKind::Unsupported("bfwCompMeth 6..=15 (reserved): weight layout unknown"),
                    bit_offset(r),
                    CTX,
                ));
            }
        })
    }

    fn write(&self, w: &mut BitWriter<'_>) -> Result<()> {
        match self {
            BfwCompParam::None => {}
            BfwCompParam::Bfp { reserved, exponent } => {
                w.write((*reserved).into(), 4)?;
                w.write((*exponent).into(), 4)?;
            }
            BfwCompParam::BlockScaling { block_scaler } => w.write((*block_scaler).into(), 8)?,
            BfwCompParam::MuLaw {
                comp_bit_width,
                comp_shift,
            } => {
                w.write((*comp_bit_width).into(), 4)?;
                w.write((*comp_shift).into(), 4)?;
            }
            BfwCompParam::BeamspaceI { mask } => {
                for b in mask {
                    w.write((*b).into(), 8)?;
                }
            }
            BfwCompParam::BeamspaceII {
                mask,
                reserved,
                exponent,
            } => {
                for b in mask {
                    w.write((*b).into(), 8)?;
                }
                w.write((*reserved).into(), 4)?;
                w.write((*exponent).into(), 4)?;
            }
        }
        Ok(())
    }

    fn scalar(&self) -> Scalar {
        match *self {
            BfwCompParam::None | BfwCompParam::BeamspaceI { .. } => Scalar::Raw,
            BfwCompParam::Bfp { exponent, .. } | BfwCompParam::BeamspaceII { exponent, .. } => {
                Scalar::Exponent(exponent)
            }
            BfwCompParam::BlockScaling { block_scaler } => Scalar::BlockScaler(block_scaler),
            BfwCompParam::MuLaw { comp_shift, .. } => Scalar::MuLaw { comp_shift },
        }
    }
}

/// Absolute offset of the reader's current byte. BitReader only reports
/// its base-adjusted position in errors, so ask a clone for one (a read
/// wider than 32 bits always fails, at the current byte).
fn bit_offset(r: &BitReader<'_>) -> usize {
    r.clone().read(33).err().map_or(0, |e| e.offset)
}

fn unknown_k(r: &BitReader<'_>) -> Error {
    Error::new(
        ErrorKind::Unsupported(
            "beamspace activeBeamspaceCoefficientMask without the TRX count (CplaneContext::num_trx)",
        ),
        bit_offset(r),
        CTX,
    )
}

/// How many weights a block carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeightCount {
    /// K weights (non-beamspace) or the set bits among the first K of the
    /// mask (beamspace).
    Trx(usize),
    /// K unknown: as many whole weights as fit in `bits` (non-beamspace only).
    Fill { bits: usize },
}

/// One block of weights: its `bfwCompParam` and the raw I/Q codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BfWeights {
    pub param: BfwCompParam,
    /// `[bfwI, bfwQ]` codes as on the wire: each bfwIqWidth-bit field read
    /// as two's complement and sign-extended. One entry per weight sent
    /// (for beamspace methods, per set mask bit).
    pub iq: Vec<[i16; 2]>,
}

impl BfWeights {
    /// Read `bfwCompParam` then the weights, then skip to a byte boundary.
    pub(crate) fn read(r: &mut BitReader<'_>, hdr: BfwCompHdr, count: WeightCount) -> Result<BfWeights> {
        let start = r.bit_pos();
        let param = read_param(r, hdr, count)?;
        let iq = read_codes(r, hdr, &param, count, r.bit_pos() - start)?;
        Ok(BfWeights { param, iq })
    }

    /// Append `bfwCompParam` and the weights, zero-padded to a byte.
    /// `Invalid` when the parameter does not belong to `hdr.method`;
    /// `FieldOverflow` for codes wider than bfwIqWidth.
    pub(crate) fn write(&self, hdr: BfwCompHdr, w: &mut BitWriter<'_>) -> Result<()> {
        self.write_param(hdr, w)?;
        self.write_codes(hdr, w)
    }

    pub(crate) fn write_param(&self, hdr: BfwCompHdr, w: &mut BitWriter<'_>) -> Result<()> {
        if !self.param.matches(hdr.method) {
            return Err(Error::invalid(0, "bfwCompParam for another bfwCompMeth", CTX));
        }
        self.param.write(w)
    }

    /// The weights, zero-padded to a byte.
    pub(crate) fn write_codes(&self, hdr: BfwCompHdr, w: &mut BitWriter<'_>) -> Result<()> {
        let width = hdr.width();
        for [i, q] in &self.iq {
            w.write_signed(*i, width)?;
            w.write_signed(*q, width)?;
        }
        w.align();
        Ok(())
    }

    /// Bytes on the wire: parameter plus weights, rounded up to a byte.
    pub fn wire_len(&self, hdr: BfwCompHdr) -> usize {
        self.param.wire_len() + (self.iq.len() * 2 * hdr.width() as usize).div_ceil(8)
    }

    /// The weights as i16 I/Q (contracts in the module docs), one per
    /// weight sent.
    pub fn decompress(&self, hdr: BfwCompHdr) -> Vec<[i16; 2]> {
        let s = self.param.scalar();
        let w = hdr.width();
        self.iq
            .iter()
            .map(|&[i, q]| [s.decompress(i, w), s.decompress(q, w)])
            .collect()
    }

    /// 0-based TRX index of each weight sent: `0..n`, or for beamspace
    /// methods the set bits among the first `k` of the mask.
    pub fn trx_indices(&self, k: usize) -> Vec<usize> {
        match self.param.mask() {
            Some(m) => mask_bits(m, k),
            None => (0..self.iq.len()).collect(),
        }
    }

    /// Decompress and place every weight at its TRX index in a vector of
    /// `k` (zeros where a beamspace mask bit is clear).
    pub fn expand(&self, hdr: BfwCompHdr, k: usize) -> Vec<[i16; 2]> {
        let mut out = vec![[0, 0]; k];
        for (idx, v) in self.trx_indices(k).into_iter().zip(self.decompress(hdr)) {
            if let Some(o) = out.get_mut(idx) {
                *o = v;
            }
        }
        out
    }

    /// Compress `weights` (K values) with the method of `hdr`.
    ///
    /// BFP, beamspace II: the exponent is BFP's rule over the block's I and
    /// Q (see [`bfp_exponent`]), mantissas `x >> e`. Block scaling:
    /// `blockScaler = ceil(max|x| / 256)` (at least 1), codes
    /// `round(x * 128 / (s * 2^(16-w)))`. Mu-law: compShift by the block's
    /// largest magnitude, compBitWidth written as bfwIqWidth. None,
    /// beamspace I: codes saturated to the width. Beamspace methods send
    /// only the non-zero weights and set their mask bits. Errors:
    /// `Unsupported` for reserved methods.
    pub fn compress(hdr: BfwCompHdr, weights: &[[i16; 2]]) -> Result<BfWeights> {
        hdr.check(0)?;
        let w = hdr.width();
        let (mask, sent): (Option<Vec<u8>>, Vec<[i16; 2]>) = if hdr.method.is_beamspace() {
            let mut m = vec![0u8; weights.len().div_ceil(8)];
            let mut sent = Vec::new();
            for (i, v) in weights.iter().enumerate() {
                if *v != [0, 0] {
                    m[i / 8] |= 0x80 >> (i % 8);
                    sent.push(*v);
                }
            }
            (Some(m), sent)
        } else {
            (None, weights.to_vec())
        };
        let flat: Vec<i16> = sent.iter().flatten().copied().collect();
        let (param, scalar) = match hdr.method {
            BfwCompMethod::None => (BfwCompParam::None, Scalar::Raw),
            BfwCompMethod::BeamspaceI => (
                BfwCompParam::BeamspaceI {
                    mask: mask.unwrap_or_default(),
                },
                Scalar::Raw,
            ),
            BfwCompMethod::Bfp => {
                let exponent = bfp_exponent(&flat, w);
                (BfwCompParam::Bfp { reserved: 0, exponent }, Scalar::Exponent(exponent))
            }
            BfwCompMethod::BeamspaceII => {
                let exponent = bfp_exponent(&flat, w);
                (
                    BfwCompParam::BeamspaceII {
                        mask: mask.unwrap_or_default(),
                        reserved: 0,
                        exponent,
                    },
                    Scalar::Exponent(exponent),
                )
            }
            BfwCompMethod::BlockScaling => {
                let block_scaler = block_scaler_for(&flat);
                (
                    BfwCompParam::BlockScaling { block_scaler },
                    Scalar::BlockScaler(block_scaler),
                )
            }
            BfwCompMethod::MuLaw => {
                let comp_shift = mu_law_shift(&flat);
                (
                    BfwCompParam::MuLaw {
                        comp_bit_width: (w & 0xF) as u8,
                        comp_shift,
                    },
                    Scalar::MuLaw { comp_shift },
                )
            }
            BfwCompMethod::Reserved(_) => {
                return Err(Error::new(
                    ErrorKind::Unsupported("bfwCompMeth 6..=15 (reserved)"),
                    0,
                    CTX,
                ));
            }
        };
        let iq = sent
            .iter()
            .map(|&[i, q]| [scalar.compress(i, w), scalar.compress(q, w)])
            .collect();
        Ok(BfWeights { param, iq })
    }
}

/// Read `bfwCompParam` for `hdr.method`; the beamspace mask needs K.
pub(crate) fn read_param(r: &mut BitReader<'_>, hdr: BfwCompHdr, count: WeightCount) -> Result<BfwCompParam> {
    let k = match count {
        WeightCount::Trx(k) => Some(k),
        WeightCount::Fill { .. } => None,
    };
    BfwCompParam::read(r, hdr.method, k)
}

/// Read the weights after `param` and skip to a byte boundary. For
/// [`WeightCount::Fill`], `used_bits` of the budget are already consumed.
pub(crate) fn read_codes(
    r: &mut BitReader<'_>,
    hdr: BfwCompHdr,
    param: &BfwCompParam,
    count: WeightCount,
    used_bits: usize,
) -> Result<Vec<[i16; 2]>> {
    let w = hdr.width();
    let per = 2 * w as usize;
    let n = match count {
        WeightCount::Trx(k) => match param.mask() {
            Some(m) => mask_bits(m, k).len(),
            None => k,
        },
        WeightCount::Fill { bits } => bits.saturating_sub(used_bits) / per,
    };
    // A count from a corrupt mask or context cannot exceed the input.
    if n.saturating_mul(per) > r.remaining_bits() {
        r.skip(n.saturating_mul(per))?;
    }
    let mut iq = Vec::with_capacity(n);
    for _ in 0..n {
        iq.push([r.read_signed(w)?, r.read_signed(w)?]);
    }
    r.align();
    Ok(iq)
}

/// 0-based indices of the set bits among the first `k` of `mask` (bit `i`
/// is bit `7 - i % 8` of byte `i / 8`).
pub fn mask_bits(mask: &[u8], k: usize) -> Vec<usize> {
    (0..k.min(mask.len() * 8))
        .filter(|&i| mask[i / 8] & (0x80 >> (i % 8)) != 0)
        .collect()
}

/// The per-block scaling of the scalar methods (bfwCompMeth 0-3, 5 and
/// ciCompMeth 0-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// Codes are the values (none, beamspace I).
    Raw,
    /// BFP exponent.
    Exponent(u8),
    /// Block scaling blockScaler (Q1.7).
    BlockScaler(u8),
    /// Mu-law compShift.
    MuLaw { comp_shift: u8 },
}

fn sat16(v: i64) -> i16 {
    v.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// n / d rounded half away from zero; d > 0.
fn round_div(n: i64, d: i64) -> i64 {
    if n >= 0 { (n + d / 2) / d } else { -((-n + d / 2) / d) }
}

impl Scalar {
    /// Decompress one code of width `w` (1..=16).
    pub(crate) fn decompress(self, c: i16, w: u32) -> i16 {
        let c = i64::from(c);
        match self {
            Scalar::Raw => sat16(c),
            Scalar::Exponent(e) => sat16(c << (e & 0xF)),
            Scalar::BlockScaler(s) => {
                // c * s/128 * 2^(16-w) = c * s * 2^(9-w)
                let p = c * i64::from(s);
                if w <= 9 {
                    sat16(p << (9 - w))
                } else {
                    sat16(round_div(p, 1 << (w - 9)))
                }
            }
            Scalar::MuLaw { comp_shift } => {
                // 2M with the code's sign, then round half away from zero of
                // 2M / 2^(compShift + 1), as the U-plane mu-law codec does.
                let m2 = i64::from(mulaw_expand(c as i16, w as u8));
                let k = u32::from(comp_shift & 0xF) + 1;
                let y = (m2.abs() + (1 << (k - 1))) >> k;
                sat16(if m2 < 0 { -y } else { y })
            }
        }
    }

    /// Compress one value to a code of width `w` under this scaling.
    pub(crate) fn compress(self, x: i16, w: u32) -> i16 {
        let lo = -(1i64 << (w - 1));
        let hi = -lo - 1;
        let x = i64::from(x);
        let c = match self {
            Scalar::Raw => x,
            Scalar::Exponent(e) => x >> (e & 0xF),
            Scalar::BlockScaler(s) => round_div(x * 128, i64::from(s.max(1)) << (16 - w)),
            Scalar::MuLaw { comp_shift } => {
                let a = (x.abs() << (comp_shift & 0xF)).min((1 << 15) - 1);
                // c * 2^17 by segment, so that widths below 3 (a fractional
                // 2^(w-3)) stay exact: a / 2^(15-w), a / 2^(16-w) + 2^(w-3),
                // a / 2^(17-w) + 2^(w-2).
                let c17 = if a <= 1 << 13 {
                    a << (w + 2)
                } else if a <= 1 << 14 {
                    (a << (w + 1)) + (1 << (w + 14))
                } else {
                    (a << w) + (1 << (w + 15))
                };
                let m = c17 >> 17;
                if x < 0 { -m } else { m }
            }
        };
        c.clamp(lo, hi) as i16
    }
}

/// BFP exponent for a block at width `w` (1..=16): with `v = max(largest
/// positive, |most negative| - 1)`, `rawExp = floor(log2 v) + 1` (0 for
/// v = 0) and `e = max(rawExp - w + 1, 0)`. Same rule as the U-plane
/// [`crate::fronthaul::compression::bfp_exponent`], over any number of values.
pub fn bfp_exponent(values: &[i16], w: u32) -> u8 {
    let acc = values.iter().fold(0u16, |a, &x| a | (x ^ (x >> 15)) as u16);
    let raw_exp = 16 - acc.leading_zeros();
    raw_exp.saturating_sub(w.clamp(1, 16) - 1) as u8
}

/// Block scaling's blockScaler: `max(1, ceil(v / 2^8))` with `v =
/// max(largest positive, |most negative| - 1)`, as the U-plane codec
/// chooses it; always 1..=128.
fn block_scaler_for(values: &[i16]) -> u8 {
    let v = values
        .iter()
        .map(|&x| u32::from((x ^ (x >> 15)) as u16))
        .max()
        .unwrap_or(0);
    v.div_ceil(256).max(1) as u8
}

/// Mu-law compShift: 7, 6, .., 1 when the largest magnitude is below 2^8,
/// 2^9, .., 2^14, else 0.
fn mu_law_shift(values: &[i16]) -> u8 {
    let max = values.iter().map(|x| i32::from(*x).abs()).max().unwrap_or(0);
    (8..=14).find(|b| max < 1 << b).map_or(0, |b| (15 - b) as u8)
}

/// Decompress ciCompMeth 0-3 samples with their ciCompParam byte (the
/// udCompParam formats). Other methods return the codes unchanged.
pub(crate) fn ci_scalar(method: u8, param: Option<u8>) -> Scalar {
    let p = param.unwrap_or(0);
    match method {
        1 => Scalar::Exponent(p & 0xF),
        2 => Scalar::BlockScaler(p),
        3 => Scalar::MuLaw { comp_shift: p & 0xF },
        _ => Scalar::Raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mu_law_inverts_its_compression_per_segment() {
        for w in [4u32, 8, 9, 12] {
            for shift in 0..8u8 {
                let s = Scalar::MuLaw { comp_shift: shift };
                let max = (1i16 << (w - 1)) - 1;
                for c in -max..=max {
                    let x = s.decompress(c, w);
                    // Re-compressing a decompressed value with the same shift
                    // gives back the code when the shift lost no bits.
                    if shift == 0 {
                        assert_eq!(s.compress(x, w), c, "w {w} c {c} x {x}");
                    }
                }
            }
        }
    }

    #[test]
    fn block_scaling_is_within_a_step() {
        let v: Vec<i16> = vec![1000, -20000, 32767, -32768, 5, 0];
        for w in [6u32, 9, 12, 16] {
            let s = Scalar::BlockScaler(block_scaler_for(&v));
            let Scalar::BlockScaler(sc) = s else { panic!() };
            let step = (f64::from(sc) / 128.0 * f64::from(1u32 << (16 - w))).max(1.0);
            for &x in &v {
                let y = s.decompress(s.compress(x, w), w);
                assert!((f64::from(x) - f64::from(y)).abs() <= step, "w {w} x {x} y {y}");
            }
        }
    }
}

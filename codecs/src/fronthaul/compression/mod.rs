//! U-plane IQ compression: `udCompHdr`, per-PRB `udCompParam`, and the
//! sample codecs of every defined method, each at every width 1..=16.
//!
//! ```text
//! udCompHdr (1 byte):  udIqWidth(4) | udCompMeth(4)      udIqWidth 0 means 16
//!
//! one PRB:  [udCompParam] I Q of each carried RE [pad to byte]
//!           each I/Q is udIqWidth bits, MSB first, two's complement
//!
//! udCompMeth  udCompParam                                        REs carried
//!   0 none          absent                                             12
//!   1 BFP           reserved(4) exponent(4)                            12
//!   2 block scaling blockScaler(8), unsigned Q1.7                      12
//!   3 mu-law        compBitWidth(4) compShift(4)                       12
//!   4 modulation    absent (csf, scaler from C-plane SE 4/5)           12
//!   5 BFP + sel. RE sReSMask[11:8](4) exponent(4) sReSMask[7:0](8)     mask
//!   6 mod + sel. RE sReSMask[11:8](4) reserved(4) sReSMask[7:0](8)     mask
//!   7 BFP + sel. RE reserved(4) exponent(4); masks in section header   mask
//!   8 mod + sel. RE absent; masks in section header                    mask
//! ```
//!
//! With 12 REs, 24 * w bits is always whole bytes, so a PRB of methods 0-4
//! is `3 * w` bytes plus its udCompParam ([`UdCompHdr::prb_len`]); the
//! selective-RE methods carry the REs whose sReSMask bit is set (bit 0 =
//! RE 1) and pad to a byte ([`UdCompHdr::prb_len_for_mask`]).
//!
//! Contracts (details on each function and module):
//! - **none, width w < 16**: decompressing yields the raw w-bit value,
//!   sign-extended, *not* scaled up to 16 bits; compressing saturates each
//!   i16 to the w-bit range. Values in range round-trip exactly.
//! - **BFP** (1, 5, 7): the exponent is the spec's choice
//!   ([`bfp_exponent`], over the carried REs); the mantissa is `x >> e`
//!   (truncation toward minus infinity, as MathWorks' reference does).
//!   Decompressing yields `m * 2^e`, exact for a conformant stream
//!   (`e <= 16 - w`), saturated to i16 otherwise. Error `0 <= x - y < 2^e`.
//! - **block scaling** (2): Annex A.2 for 16-bit input, exact integer
//!   arithmetic, round half away from zero ([`block_scaling`]). Error
//!   `|x - y| <= max(q + 1/2, 3/2)`, `q = s * 2^(9 - w)`.
//! - **mu-law** (3): Annex A.3, samples of udIqWidth bits (compBitWidth is
//!   reported, not used), output rounded half away from zero ([`mulaw`]).
//!   Error: less than one step of the sample's segment, `2^(15-w)`,
//!   `2^(16-w)` or `2^(17-w)` scaled by `2^-compShift`, plus the rounding.
//! - **modulation** (4, 6, 8): output is Q15 (`v * scaler * 2^15`, no
//!   sqrt 2; [`modulation`]); csf and scaler per RE come in [`PrbParams`].
//! - **selective RE** (5-8): REs not carried decompress to 0 and the mask
//!   is reported ([`selective`]; [`sres_mask_for_prb`] for methods 7, 8).
//! - `iq_width` 0 is read as 16 everywhere, as on the wire; widths above 16
//!   are an [`ErrorKind::Invalid`] error; reserved methods 9-15 are
//!   [`ErrorKind::Unsupported`].
//!
//! The parameterless functions ([`decompress_prb`], [`compress_prb`], and
//! the `_prbs` forms) handle methods 0, 1, 2, 3 and 5 (compressing 5 sends
//! all 12 REs); methods 4, 6, 7 and 8 need C-plane or section-header
//! information and go through the `_with` forms and [`PrbParams`].
//!
//! Methods 0-3 run on fast paths monomorphised per (width, method), at the
//! best instruction-set level the CPU has, detected once ([`kernels`]:
//! portable, AVX2); the others unpack through the portable word-wide
//! kernels one PRB at a time. [`reference`](mod@reference) is the plain
//! bit-reader version every level is tested against, bit for bit.

use core::fmt;
use core::str::FromStr;

use crate::{Error, ErrorKind, Result};

pub mod bfp;
pub mod block_scaling;
pub mod kernels;
pub mod modulation;
pub mod mulaw;
pub mod reference;
pub mod selective;

pub use bfp::{BfpParam, bfp_exponent, bfp_param};
pub use block_scaling::block_scaler;
pub use modulation::{ModCompParams, ModCompReSet};
pub use mulaw::{MuLawParam, mulaw_comp_shift, mulaw_expand, mulaw_param};
pub use selective::{ALL_RES, remask_to_sres, sres_mask_for_prb};

use kernels::{Kernels, M_BFP, M_BS, M_MULAW, M_NONE};

/// Resource elements per PRB.
pub const RE_PER_PRB: usize = 12;

/// I and Q samples per PRB.
pub const SAMPLES_PER_PRB: usize = 2 * RE_PER_PRB;

/// One PRB of uncompressed IQ: `I0, Q0, I1, Q1, ..., I11, Q11`.
pub type PrbIq = [i16; SAMPLES_PER_PRB];

/// PRBs one call of a `_prbs_with` function may decode for methods 4-8
/// (method 8 with an empty mask has zero-length PRBs, so the input length
/// does not bound the count).
pub const MAX_PRBS: usize = u16::MAX as usize;

const CTX_PRB: &str = "compressed PRB";
const CTX_HDR: &str = "udCompHdr";

/// `udCompMeth` (4 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CompMethod {
    /// 0: no compression (fixed point).
    None,
    /// 1: block floating point.
    Bfp,
    /// 2: block scaling.
    BlockScaling,
    /// 3: mu-law.
    MuLaw,
    /// 4: modulation compression.
    Modulation,
    /// 5: BFP + selective RE sending.
    BfpSelectiveRe,
    /// 6: modulation compression + selective RE sending.
    ModSelectiveRe,
    /// 7: BFP + selective RE sending, masks in the section header.
    BfpSelectiveReMasks,
    /// 8: modulation compression + selective RE sending, masks in the section header.
    ModSelectiveReMasks,
    /// 9..=15: reserved; holds the wire value.
    Reserved(u8),
}

impl CompMethod {
    /// From the 4-bit wire value; bits above the low 4 are ignored.
    pub const fn from_u4(v: u8) -> Self {
        match v & 0x0F {
            0 => CompMethod::None,
            1 => CompMethod::Bfp,
            2 => CompMethod::BlockScaling,
            3 => CompMethod::MuLaw,
            4 => CompMethod::Modulation,
            5 => CompMethod::BfpSelectiveRe,
            6 => CompMethod::ModSelectiveRe,
            7 => CompMethod::BfpSelectiveReMasks,
            8 => CompMethod::ModSelectiveReMasks,
            n => CompMethod::Reserved(n),
        }
    }

    /// The 4-bit wire value. `Reserved(n)` writes the low 4 bits of `n`
    /// (it should hold 9..=15).
    pub const fn to_u4(self) -> u8 {
        match self {
            CompMethod::None => 0,
            CompMethod::Bfp => 1,
            CompMethod::BlockScaling => 2,
            CompMethod::MuLaw => 3,
            CompMethod::Modulation => 4,
            CompMethod::BfpSelectiveRe => 5,
            CompMethod::ModSelectiveRe => 6,
            CompMethod::BfpSelectiveReMasks => 7,
            CompMethod::ModSelectiveReMasks => 8,
            CompMethod::Reserved(n) => n & 0x0F,
        }
    }

    /// Short lower-case name, as used in [`UdCompHdr`]'s string form.
    pub const fn name(self) -> &'static str {
        match self {
            CompMethod::None => "none",
            CompMethod::Bfp => "bfp",
            CompMethod::BlockScaling => "block-scaling",
            CompMethod::MuLaw => "mu-law",
            CompMethod::Modulation => "modulation",
            CompMethod::BfpSelectiveRe => "bfp-selective-re",
            CompMethod::ModSelectiveRe => "mod-selective-re",
            CompMethod::BfpSelectiveReMasks => "bfp-selective-re-masks",
            CompMethod::ModSelectiveReMasks => "mod-selective-re-masks",
            CompMethod::Reserved(_) => "reserved",
        }
    }

    /// Bytes of `udCompParam` before each PRB's samples, for the methods
    /// that carry all 12 REs (0..=4); `None` for 5..=8 and reserved. See
    /// [`Self::ud_comp_param_len`] for every method.
    pub const fn param_len(self) -> Option<usize> {
        match self {
            CompMethod::None | CompMethod::Modulation => Some(0),
            CompMethod::Bfp | CompMethod::BlockScaling | CompMethod::MuLaw => Some(1),
            _ => None,
        }
    }

    /// Bytes of `udCompParam` before each PRB's samples, every defined
    /// method: 0 (none, modulation, 8), 1 (BFP, block scaling, mu-law, 7),
    /// 2 (5, 6); `None` for reserved methods.
    pub const fn ud_comp_param_len(self) -> Option<usize> {
        match self {
            CompMethod::None | CompMethod::Modulation | CompMethod::ModSelectiveReMasks => Some(0),
            CompMethod::Bfp | CompMethod::BlockScaling | CompMethod::MuLaw | CompMethod::BfpSelectiveReMasks => Some(1),
            CompMethod::BfpSelectiveRe | CompMethod::ModSelectiveRe => Some(2),
            CompMethod::Reserved(_) => None,
        }
    }

    /// Methods 5..=8: only the REs of an sReSMask are carried, so a PRB's
    /// length depends on the mask.
    pub const fn is_selective_re(self) -> bool {
        matches!(
            self,
            CompMethod::BfpSelectiveRe
                | CompMethod::ModSelectiveRe
                | CompMethod::BfpSelectiveReMasks
                | CompMethod::ModSelectiveReMasks
        )
    }

    /// Methods 7 and 8: sReSMask1 and sReSMask2 are in the section header.
    pub const fn has_section_masks(self) -> bool {
        matches!(self, CompMethod::BfpSelectiveReMasks | CompMethod::ModSelectiveReMasks)
    }

    /// Methods 4, 6 and 8: samples are constellation points that need the
    /// C-plane's csf and scaler ([`PrbParams::mod_comp`]).
    pub const fn is_modulation(self) -> bool {
        matches!(
            self,
            CompMethod::Modulation | CompMethod::ModSelectiveRe | CompMethod::ModSelectiveReMasks
        )
    }

    /// Text for [`ErrorKind::Unsupported`]: the reserved methods, and the
    /// methods the parameterless functions cannot run.
    pub(crate) const fn unsupported_what(self) -> &'static str {
        match self {
            CompMethod::Modulation => "udCompMeth 4 (modulation) without csf/scaler: use the _with functions",
            CompMethod::ModSelectiveRe => {
                "udCompMeth 6 (modulation + selective RE) without csf/scaler: use the _with functions"
            }
            CompMethod::BfpSelectiveReMasks => "udCompMeth 7 without the section's sReSMask: use the _with functions",
            CompMethod::ModSelectiveReMasks => {
                "udCompMeth 8 without the section's sReSMask and csf/scaler: use the _with functions"
            }
            CompMethod::Reserved(_) => "udCompMeth 9..=15 (reserved)",
            _ => "udCompMeth",
        }
    }
}

/// `udCompHdr`: `udIqWidth(4) | udCompMeth(4)`, udIqWidth 0 meaning 16.
///
/// String form (for CLI flags): `method:width` or `methodwidth`, e.g.
/// `bfp:9`, `bfp9`, `none:16`, `block-scaling:8`; the method may also be its
/// wire number (`1:9`), and reserved methods print and parse as
/// `reserved13:9` (colon form only). Width must be 1..=16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct UdCompHdr {
    /// Bits per I or Q sample, 1..=16 (wire value 0 means 16; a 0 here is
    /// also taken as 16).
    pub iq_width: u8,
    pub method: CompMethod,
}

impl UdCompHdr {
    /// `iq_width` 0 is stored as 16 (the wire meaning).
    pub const fn new(iq_width: u8, method: CompMethod) -> Self {
        let iq_width = if iq_width == 0 { 16 } else { iq_width };
        UdCompHdr { iq_width, method }
    }

    /// Decode the byte; never fails (reserved methods are kept as such).
    pub const fn from_byte(b: u8) -> Self {
        UdCompHdr::new(b >> 4, CompMethod::from_u4(b & 0x0F))
    }

    /// Encode; width 16 is written as 0. Widths above 16 are not
    /// representable: their low 4 bits are written.
    pub const fn to_byte(self) -> u8 {
        ((self.iq_width & 0x0F) << 4) | self.method.to_u4()
    }

    /// The sample width with 0 read as 16; `None` above 16.
    pub const fn width(self) -> Option<u8> {
        match self.iq_width {
            0 => Some(16),
            w @ 1..=16 => Some(w),
            _ => None,
        }
    }

    /// Bytes per PRB including `udCompParam`, for methods 0..=4 (12 REs of
    /// 24 samples of `iq_width` bits, byte-aligned): `3 * w + param`.
    /// `None` for methods 5..=8 (length depends on the RE mask, see
    /// [`Self::prb_len_for_mask`]), reserved methods and widths above 16.
    /// Mu-law samples are `udIqWidth` bits (compBitWidth is not used).
    pub const fn prb_len(self) -> Option<usize> {
        match (self.width(), self.method.param_len()) {
            (Some(w), Some(p)) => Some(3 * w as usize + p),
            _ => None,
        }
    }

    /// Bytes per PRB when the REs of `sres_mask` (LSB = RE 1, low 12 bits)
    /// are carried: methods 5..=8 `param + ceil(2 * w * REs / 8)`; methods
    /// 0..=4 ignore the mask ([`Self::prb_len`]). `None` for reserved
    /// methods and widths above 16.
    pub const fn prb_len_for_mask(self, sres_mask: u16) -> Option<usize> {
        if !self.method.is_selective_re() {
            return self.prb_len();
        }
        match (self.width(), self.method.ud_comp_param_len()) {
            (Some(w), Some(p)) => Some(p + selective::sample_bytes((sres_mask & ALL_RES).count_ones(), w as usize)),
            _ => None,
        }
    }
}

impl fmt::Display for UdCompHdr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.width().unwrap_or(self.iq_width);
        match self.method {
            CompMethod::Reserved(n) => write!(f, "reserved{n}:{w}"),
            m => write!(f, "{}:{w}", m.name()),
        }
    }
}

impl FromStr for UdCompHdr {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let bad = |what| Error::invalid(0, what, CTX_HDR);
        let (meth, width) = match s.split_once(':') {
            Some(parts) => parts,
            // "bfp9": the method names contain no digits, so split at the first.
            None => match s.find(|c: char| c.is_ascii_digit()) {
                Some(i) if i > 0 => s.split_at(i),
                _ => return Err(bad("compression spec, expected e.g. bfp:9")),
            },
        };
        let width: u8 = width
            .trim()
            .parse()
            .ok()
            .filter(|w| (1..=16).contains(w))
            .ok_or_else(|| bad("udIqWidth, expected 1..=16"))?;
        let method = parse_method(meth.trim()).ok_or_else(|| bad("compression method name"))?;
        Ok(UdCompHdr::new(width, method))
    }
}

fn parse_method(s: &str) -> Option<CompMethod> {
    // Accept case and '-'/'_' variants of the names.
    let norm: String = s
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let m = match norm.as_str() {
        "none" | "fixed" | "fixedpoint" => CompMethod::None,
        "bfp" | "blockfloatingpoint" => CompMethod::Bfp,
        "blockscaling" | "bs" => CompMethod::BlockScaling,
        "mulaw" => CompMethod::MuLaw,
        "modulation" | "mod" => CompMethod::Modulation,
        "bfpselectivere" => CompMethod::BfpSelectiveRe,
        "modselectivere" | "modulationselectivere" => CompMethod::ModSelectiveRe,
        "bfpselectiveremasks" => CompMethod::BfpSelectiveReMasks,
        "modselectiveremasks" | "modulationselectiveremasks" => CompMethod::ModSelectiveReMasks,
        other => {
            let num = other.strip_prefix("reserved").unwrap_or(other);
            let n: u8 = num.parse().ok().filter(|n| *n <= 15)?;
            // "reservedN" must name a reserved value, not alias a real method.
            if other.starts_with("reserved") && n < 9 {
                return None;
            }
            CompMethod::from_u4(n)
        }
    };
    Some(m)
}

/// What a PRB needs beyond its bytes and udCompHdr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PrbParams {
    /// Modulation compression (methods 4, 6, 8): csf and scaler of each RE,
    /// index 0 = RE 1, from the C-plane (SE 4 with its section's reMask, or
    /// SE 5's sets: [`PrbParams::from_re_sets`]). `None`: those methods fail.
    pub mod_comp: Option<[ModCompParams; RE_PER_PRB]>,
    /// sReSMask of the PRB (12 bits, LSB = RE 1): the REs compressing
    /// methods 5-8 carry, and the REs decompressing 7 and 8 find (5 and 6
    /// read theirs from udCompParam). For 7 and 8 it is sReSMask1 or
    /// sReSMask2 of the section ([`sres_mask_for_prb`]). Default: all 12.
    pub sres_mask: u16,
}

impl Default for PrbParams {
    fn default() -> Self {
        PrbParams {
            mod_comp: None,
            sres_mask: ALL_RES,
        }
    }
}

impl PrbParams {
    /// The same csf and scaler for every RE (one SE 4).
    pub fn modulation(p: ModCompParams) -> Self {
        PrbParams {
            mod_comp: Some([p; RE_PER_PRB]),
            ..PrbParams::default()
        }
    }

    /// Per-RE csf and scaler from SE 5 sets (or several SE 4s, each with its
    /// section's reMask): an RE takes the first set whose mask covers it;
    /// an RE no set covers gets scaler 0 (it decompresses to 0).
    pub fn from_re_sets(sets: &[ModCompReSet]) -> Self {
        let mut p = [ModCompParams::default(); RE_PER_PRB];
        for (re, p) in p.iter_mut().enumerate() {
            if let Some(s) = sets.iter().find(|s| remask_to_sres(s.re_mask) >> re & 1 == 1) {
                *p = s.params;
            }
        }
        PrbParams {
            mod_comp: Some(p),
            ..PrbParams::default()
        }
    }

    /// This with `sres_mask` as the PRB's sReSMask.
    pub fn with_sres_mask(self, sres_mask: u16) -> Self {
        PrbParams { sres_mask, ..self }
    }
}

/// A decoded `udCompParam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UdCompParam {
    /// Methods 0, 4 and 8: no udCompParam.
    Absent,
    /// Methods 1 and 7.
    Bfp(BfpParam),
    /// Method 2: blockScaler, unsigned Q1.7.
    BlockScaler(u8),
    /// Method 3.
    MuLaw(MuLawParam),
    /// Method 5: `sReSMask[11:8](4) exponent(4) sReSMask[7:0](8)`.
    BfpSelectiveRe { sres_mask: u16, exponent: u8 },
    /// Method 6: `sReSMask[11:8](4) reserved(4) sReSMask[7:0](8)`.
    ModSelectiveRe { sres_mask: u16, reserved: u8 },
}

/// Read the udCompParam of `method` at the start of `src`: the value and
/// its length in bytes. Errors: `Truncated`, or `Unsupported` for reserved
/// methods.
pub fn read_ud_comp_param(method: CompMethod, src: &[u8]) -> Result<(UdCompParam, usize)> {
    let Some(n) = method.ud_comp_param_len() else {
        return Err(Error::new(
            ErrorKind::Unsupported(method.unsupported_what()),
            0,
            CTX_PRB,
        ));
    };
    let Some(b) = src.get(..n) else {
        return Err(Error::truncated(0, n, src.len(), CTX_PRB));
    };
    let p = match (method, b) {
        (CompMethod::Bfp | CompMethod::BfpSelectiveReMasks, &[b0]) => UdCompParam::Bfp(bfp_param(b0)),
        (CompMethod::BlockScaling, &[b0]) => UdCompParam::BlockScaler(b0),
        (CompMethod::MuLaw, &[b0]) => UdCompParam::MuLaw(mulaw_param(b0)),
        (CompMethod::BfpSelectiveRe, &[b0, b1]) => UdCompParam::BfpSelectiveRe {
            sres_mask: u16::from(b0 >> 4) << 8 | u16::from(b1),
            exponent: b0 & 0x0F,
        },
        (CompMethod::ModSelectiveRe, &[b0, b1]) => UdCompParam::ModSelectiveRe {
            sres_mask: u16::from(b0 >> 4) << 8 | u16::from(b1),
            reserved: b0 & 0x0F,
        },
        _ => UdCompParam::Absent,
    };
    Ok((p, n))
}

/// Bytes of the PRB at the start of `src` (which need not hold all of
/// it): the fixed length for methods 0-4, the mask in `src`'s udCompParam
/// for 5 and 6 (`Truncated` when fewer than 2 bytes), `sres_mask` for 7
/// and 8 (`Invalid` above 12 bits). `Unsupported` for reserved methods,
/// `Invalid` for widths above 16.
pub fn prb_len_at(hdr: UdCompHdr, src: &[u8], sres_mask: u16) -> Result<usize> {
    match route(hdr)? {
        Route::Fast { len, .. } => Ok(len),
        Route::Var { w } => selective::layout(hdr.method, w, src, sres_mask).map(|l| l.2),
    }
}

/// How a header's PRBs are processed.
enum Route {
    /// Methods 0-3: fixed length, table kernels.
    Fast { w: usize, m: usize, len: usize },
    /// Methods 4-8: one PRB at a time.
    Var { w: usize },
}

fn route(hdr: UdCompHdr) -> Result<Route> {
    let m = match hdr.method {
        CompMethod::None => Some(M_NONE),
        CompMethod::Bfp => Some(M_BFP),
        CompMethod::BlockScaling => Some(M_BS),
        CompMethod::MuLaw => Some(M_MULAW),
        CompMethod::Reserved(_) => {
            return Err(Error::new(
                ErrorKind::Unsupported(hdr.method.unsupported_what()),
                0,
                CTX_PRB,
            ));
        }
        _ => None,
    };
    let Some(w) = hdr.width() else {
        return Err(Error::invalid(0, "udIqWidth above 16", CTX_PRB));
    };
    let w = usize::from(w);
    Ok(match m {
        Some(m) => Route::Fast {
            w,
            m,
            len: 3 * w + usize::from(m != M_NONE),
        },
        None => Route::Var { w },
    })
}

/// The parameterless functions: methods 4, 6, 7, 8 need [`PrbParams`].
fn simple(hdr: UdCompHdr) -> Result<()> {
    match hdr.method {
        CompMethod::Modulation
        | CompMethod::ModSelectiveRe
        | CompMethod::BfpSelectiveReMasks
        | CompMethod::ModSelectiveReMasks => Err(Error::new(
            ErrorKind::Unsupported(hdr.method.unsupported_what()),
            0,
            CTX_PRB,
        )),
        _ => Ok(()),
    }
}

/// Decompress one PRB from the start of `src` into `out`; returns the bytes
/// consumed. Methods 0, 1, 2, 3 and 5 (others: `Unsupported`, use
/// [`decompress_prb_with`]).
///
/// - none: each sample is the w-bit two's complement value sign-extended,
///   not scaled (a 9-bit 0x1FF reads as -1).
/// - BFP: `m * 2^e`, saturated to i16 for non-conformant exponents
///   (`e > 16 - w`); the reserved nibble is ignored.
/// - block scaling, mu-law: see the module docs.
/// - 5: the REs of the udCompParam's sReSMask; the others are 0.
///
/// Errors: `Unsupported` for methods 4, 6-15, `Invalid` for widths above
/// 16, `Truncated` (offset 0, needed = PRB length, or 2 for a method-5
/// udCompParam) when `src` is shorter than the PRB. `out` is unchanged on
/// error.
pub fn decompress_prb(hdr: UdCompHdr, src: &[u8], out: &mut PrbIq) -> Result<usize> {
    simple(hdr)?;
    decompress_prb_with(hdr, &PrbParams::default(), src, out).map(|r| r.0)
}

/// Decompress one PRB of any method from the start of `src` into `out`:
/// `(bytes consumed, sReSMask of the REs carried)` (`ALL_RES` for methods
/// 0-4). REs not carried are 0. Modulation output is Q15 (module docs).
///
/// Errors (`out` unchanged): as [`decompress_prb`]; `Invalid` for a
/// modulation method without `params.mod_comp`, or an `sres_mask` above 12
/// bits for methods 7 and 8.
pub fn decompress_prb_with(hdr: UdCompHdr, params: &PrbParams, src: &[u8], out: &mut PrbIq) -> Result<(usize, u16)> {
    match route(hdr)? {
        Route::Fast { w, m, len } => {
            let Some(prb) = src.get(..len) else {
                return Err(Error::truncated(0, len, src.len(), CTX_PRB));
            };
            kernels::best().decompress[m][w % 16](prb, out);
            Ok((len, ALL_RES))
        }
        Route::Var { w } => selective::decompress(hdr.method, w, params, src, out),
    }
}

/// Decompress `n_prb` consecutive PRBs from `src`, appending `24 * n_prb`
/// samples to `out`; returns the bytes consumed. Same per-sample contract
/// and methods as [`decompress_prb`]. On error `out` is unchanged; a
/// `Truncated` error's offset is the start of the first incomplete PRB.
pub fn decompress_prbs(hdr: UdCompHdr, src: &[u8], n_prb: usize, out: &mut Vec<i16>) -> Result<usize> {
    simple(hdr)?;
    decompress_prbs_with(hdr, &PrbParams::default(), src, n_prb, out, None)
}

/// [`decompress_prb_with`] over `n_prb` consecutive PRBs, each with the
/// same `params` (for methods 7 and 8 of a section, whose masks alternate,
/// see [`crate::fronthaul::uplane::UplaneSection::decompress`]). Appends
/// `24 * n_prb` samples to `out` and, when given, each PRB's mask to
/// `masks`; returns the bytes consumed. On error both are unchanged; a
/// `Truncated` error's offset is the start of the first incomplete PRB.
/// Methods 4-8: `n_prb` above [`MAX_PRBS`] is `Invalid`.
pub fn decompress_prbs_with(
    hdr: UdCompHdr,
    params: &PrbParams,
    src: &[u8],
    n_prb: usize,
    out: &mut Vec<i16>,
    masks: Option<&mut Vec<u16>>,
) -> Result<usize> {
    decompress_prbs_in(kernels::best(), hdr, params, src, n_prb, out, masks)
}

/// [`decompress_prbs_with`] with the kernels of one level.
fn decompress_prbs_in(
    k: &Kernels,
    hdr: UdCompHdr,
    params: &PrbParams,
    src: &[u8],
    n_prb: usize,
    out: &mut Vec<i16>,
    masks: Option<&mut Vec<u16>>,
) -> Result<usize> {
    match route(hdr)? {
        Route::Fast { w, m, len } => {
            let total = n_prb.checked_mul(len).filter(|t| *t <= src.len());
            let Some(total) = total else {
                let at = src.len() / len * len;
                return Err(Error::truncated(at, len, src.len() - at, CTX_PRB));
            };
            // n_prb <= src.len() / len here, so this cannot overflow or over-allocate.
            let start = out.len();
            out.resize(start + SAMPLES_PER_PRB * n_prb, 0);
            k.decompress[m][w % 16](&src[..total], &mut out[start..]);
            if let Some(masks) = masks {
                masks.resize(masks.len() + n_prb, ALL_RES);
            }
            Ok(total)
        }
        Route::Var { w } => {
            if n_prb > MAX_PRBS {
                return Err(Error::invalid(0, "PRB count above 65535", CTX_PRB));
            }
            let (start, mut pos) = (out.len(), 0);
            let mut got = Vec::with_capacity(n_prb.min(src.len()));
            for _ in 0..n_prb {
                let mut prb = [0i16; SAMPLES_PER_PRB];
                let rest = src.get(pos..).unwrap_or(&[]);
                match selective::decompress(hdr.method, w, params, rest, &mut prb) {
                    Ok((n, mask)) => {
                        out.extend_from_slice(&prb);
                        got.push(mask);
                        pos += n;
                    }
                    Err(e) => {
                        out.truncate(start);
                        return Err(e.at(pos));
                    }
                }
            }
            if let Some(masks) = masks {
                masks.extend_from_slice(&got);
            }
            Ok(pos)
        }
    }
}

/// Compress one PRB, appending it to `out`. Methods 0, 1, 2, 3 and 5 (5
/// carries all 12 REs; others: `Unsupported`, use [`compress_prb_with`]).
///
/// - none, width w < 16: each sample saturates to the w-bit range.
/// - BFP: exponent from [`bfp_exponent`], mantissa `x >> e` (truncation
///   toward minus infinity); the reserved nibble is written as 0.
/// - block scaling, mu-law: see the module docs.
///
/// Errors (`out` unchanged): `Unsupported` for methods 4, 6-15, `Invalid`
/// for widths above 16.
pub fn compress_prb(hdr: UdCompHdr, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    compress_prbs(hdr, iq, out)
}

/// Compress one PRB of any method, appending it to `out`. Methods 5-8 carry
/// the REs of `params.sres_mask` (5 and 6 write it to udCompParam); the
/// modulation methods use `params.mod_comp`. Reserved bits are written as 0.
///
/// Errors (`out` unchanged): as [`compress_prb`]; `Invalid` for a
/// modulation method without `params.mod_comp` or an `sres_mask` above 12
/// bits.
pub fn compress_prb_with(hdr: UdCompHdr, params: &PrbParams, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    compress_prbs_with(hdr, params, iq, out)
}

/// Compress consecutive PRBs (`iq.len()` a multiple of 24), appending to
/// `out`. Same contract as [`compress_prb`]; a length that is not a multiple
/// of 24 is an `Invalid` error, and `out` is unchanged on any error.
pub fn compress_prbs(hdr: UdCompHdr, iq: &[i16], out: &mut Vec<u8>) -> Result<()> {
    simple(hdr)?;
    compress_prbs_with(hdr, &PrbParams::default(), iq, out)
}

/// [`compress_prb_with`] over consecutive PRBs, each with the same
/// `params`. A length that is not a multiple of 24 is `Invalid`; `out` is
/// unchanged on any error.
pub fn compress_prbs_with(hdr: UdCompHdr, params: &PrbParams, iq: &[i16], out: &mut Vec<u8>) -> Result<()> {
    compress_prbs_in(kernels::best(), hdr, params, iq, out)
}

/// [`compress_prbs_with`] with the kernels of one level.
fn compress_prbs_in(k: &Kernels, hdr: UdCompHdr, params: &PrbParams, iq: &[i16], out: &mut Vec<u8>) -> Result<()> {
    let r = route(hdr)?;
    let prbs = iq.chunks_exact(SAMPLES_PER_PRB);
    if !prbs.remainder().is_empty() {
        return Err(Error::invalid(0, "IQ sample count not a multiple of 24", CTX_PRB));
    }
    match r {
        Route::Fast { w, m, len } => {
            let start = out.len();
            out.resize(start + iq.len() / SAMPLES_PER_PRB * len, 0);
            k.compress[m][w % 16](iq, &mut out[start..]);
        }
        Route::Var { w } => {
            let start = out.len();
            for x in prbs {
                let Ok(x) = <&PrbIq>::try_from(x) else { continue };
                if let Err(e) = selective::compress(hdr.method, w, params, x, out) {
                    out.truncate(start);
                    return Err(e);
                }
            }
        }
    }
    Ok(())
}

/// Read a BFP PRB without decompressing: `(exponent, raw mantissas, bytes
/// consumed)`. Mantissas are the w-bit values sign-extended; the reserved
/// nibble is not checked (use [`bfp_param`] on `src[0]`). `iq_width` 0 is
/// read as 16.
///
/// Errors: `Invalid` for widths above 16, `Truncated` when `src` is shorter
/// than `1 + 3 * w` bytes.
pub fn read_bfp_prb(src: &[u8], iq_width: u8) -> Result<(u8, PrbIq, usize)> {
    let (p, m, len) = read_codes(src, iq_width)?;
    Ok((p & 0x0F, m, len))
}

/// Read a mu-law PRB without decompressing: `(udCompParam, raw codes,
/// bytes consumed)`; codes are the w-bit values sign-extended (`w` =
/// `iq_width`, 0 read as 16). [`mulaw_expand`] gives a code's exact value.
///
/// Errors: as [`read_bfp_prb`].
pub fn read_mulaw_prb(src: &[u8], iq_width: u8) -> Result<(MuLawParam, PrbIq, usize)> {
    let (p, m, len) = read_codes(src, iq_width)?;
    Ok((mulaw_param(p), m, len))
}

/// udCompParam byte and codes of a 1-byte-parameter PRB of 12 REs.
fn read_codes(src: &[u8], iq_width: u8) -> Result<(u8, PrbIq, usize)> {
    let mut m = [0i16; SAMPLES_PER_PRB];
    let Route::Fast { w, .. } = route(UdCompHdr::new(iq_width, CompMethod::None))? else {
        return Err(Error::invalid(0, "udIqWidth above 16", CTX_PRB));
    };
    let len = 1 + 3 * w;
    let Some(prb) = src.get(..len) else {
        return Err(Error::truncated(0, len, src.len(), CTX_PRB));
    };
    // Method none on the bytes after udCompParam yields the raw codes.
    kernels::best().decompress[M_NONE][w % 16](&prb[1..], &mut m);
    Ok((prb[0], m, len))
}

//! U-plane IQ compression: `udCompHdr`, per-PRB `udCompParam`, and the
//! sample codecs.
//!
//! ```text
//! udCompHdr (1 byte):  udIqWidth(4) | udCompMeth(4)      udIqWidth 0 means 16
//!
//! one PRB, udCompMeth 0..=4 (12 REs):
//!   [udCompParam] I0 Q0 I1 Q1 ... I11 Q11 [pad to byte]
//!   each I/Q is udIqWidth bits, MSB first; 24 * w bits is always whole
//!   bytes, so a PRB is 3 * w bytes plus its udCompParam
//!
//! udCompParam by method:
//!   0 none (fixed point)      absent
//!   1 block floating point    reserved(4) exponent(4)
//!   2 block scaling           blockScaler(8)
//!   3 mu-law                  compBitWidth(4) compShift(4)
//!   4 modulation              absent
//! ```
//!
//! Implemented: method 0 (none) and method 1 (BFP), every width 1..=16.
//! Other methods are recognised and return [`ErrorKind::Unsupported`].
//!
//! Contracts (also on each function):
//! - **none, width w < 16**: decompressing yields the raw w-bit value,
//!   sign-extended, *not* scaled up to 16 bits; compressing saturates each
//!   i16 to the w-bit range. Values in range round-trip exactly.
//! - **BFP**: the exponent is the spec's choice ([`bfp_exponent`]); the
//!   mantissa is `x >> e` (arithmetic shift, i.e. truncation toward minus
//!   infinity, as MathWorks' reference does; the spec also allows rounding,
//!   which can overflow the mantissa and needs a re-check this avoids).
//!   Decompressing yields `m * 2^e`, which for a conformant stream
//!   (`e <= 16 - w`) always fits an i16; for larger exponents the result
//!   saturates to the i16 range. The reserved bits of `udCompParam` are
//!   ignored when decoding (read them with [`bfp_param`]) and written as 0.
//! - `iq_width` 0 is read as 16 everywhere, as on the wire; widths above 16
//!   are an [`ErrorKind::Invalid`] error.
//!
//! The fast paths are monomorphised per (width, method): widths 8 and 16
//! are byte copies the compiler vectorises, the others move groups of
//! samples through u64/u128 words (or one u32 load per sample for odd widths
//! above 8), with no per-sample branches and no allocation per PRB.
//! [`reference`] is the plain bit-reader version they are tested against.

use core::fmt;
use core::str::FromStr;

use crate::bits::{BitReader, BitWriter};
use crate::{Error, ErrorKind, Result};

/// Resource elements per PRB.
pub const RE_PER_PRB: usize = 12;

/// I and Q samples per PRB.
pub const SAMPLES_PER_PRB: usize = 2 * RE_PER_PRB;

/// One PRB of uncompressed IQ: `I0, Q0, I1, Q1, ..., I11, Q11`.
pub type PrbIq = [i16; SAMPLES_PER_PRB];

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
    /// that carry all 12 REs (0..=4); `None` for 5..=8 and reserved.
    pub const fn param_len(self) -> Option<usize> {
        match self {
            CompMethod::None | CompMethod::Modulation => Some(0),
            CompMethod::Bfp | CompMethod::BlockScaling | CompMethod::MuLaw => Some(1),
            _ => None,
        }
    }

    /// Text for [`ErrorKind::Unsupported`].
    const fn unsupported_what(self) -> &'static str {
        match self {
            CompMethod::None | CompMethod::Bfp => "udCompMeth",
            CompMethod::BlockScaling => "udCompMeth 2 (block scaling)",
            CompMethod::MuLaw => "udCompMeth 3 (mu-law)",
            CompMethod::Modulation => "udCompMeth 4 (modulation compression)",
            CompMethod::BfpSelectiveRe => "udCompMeth 5 (BFP + selective RE)",
            CompMethod::ModSelectiveRe => "udCompMeth 6 (modulation + selective RE)",
            CompMethod::BfpSelectiveReMasks => "udCompMeth 7 (BFP + selective RE, masks in header)",
            CompMethod::ModSelectiveReMasks => "udCompMeth 8 (modulation + selective RE, masks in header)",
            CompMethod::Reserved(_) => "udCompMeth 9..=15 (reserved)",
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
    /// `None` for methods 5..=8 (length depends on the RE mask), reserved
    /// methods and widths above 16. For mu-law this assumes samples of
    /// `udIqWidth` bits (how compBitWidth relates is not yet confirmed).
    pub const fn prb_len(self) -> Option<usize> {
        match (self.width(), self.method.param_len()) {
            (Some(w), Some(p)) => Some(3 * w as usize + p),
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
    bfp_exponent_w(iq, w) as u8
}

#[inline(always)]
fn bfp_exponent_w(iq: &PrbIq, w: u32) -> u32 {
    // x ^ (x >> 15) is x for x >= 0 and |x| - 1 for x < 0; the OR of those
    // has the same bit length as their maximum. Eight independent lanes let
    // the OR vectorise.
    let mut lanes = [0u16; 8];
    for c in iq.chunks_exact(8) {
        for (l, &x) in lanes.iter_mut().zip(c) {
            *l |= (x ^ (x >> 15)) as u16;
        }
    }
    let acc = lanes.iter().fold(0, |a, &l| a | l);
    let raw_exp = 16 - acc.leading_zeros();
    raw_exp.saturating_sub(w - 1)
}

/// Validate the header for the implemented codecs: `(width, is_bfp, prb_len)`.
fn plan(hdr: UdCompHdr) -> Result<(usize, bool, usize)> {
    let bfp = match hdr.method {
        CompMethod::None => false,
        CompMethod::Bfp => true,
        m => {
            return Err(Error::new(ErrorKind::Unsupported(m.unsupported_what()), 0, CTX_PRB));
        }
    };
    let Some(w) = hdr.width() else {
        return Err(Error::invalid(0, "udIqWidth above 16", CTX_PRB));
    };
    let w = usize::from(w);
    Ok((w, bfp, 3 * w + usize::from(bfp)))
}

/// Decompress one PRB from the start of `src` into `out`; returns the bytes
/// consumed ([`UdCompHdr::prb_len`]).
///
/// - none: each sample is the w-bit two's complement value sign-extended,
///   not scaled (a 9-bit 0x1FF reads as -1).
/// - BFP: `m * 2^e`, saturated to i16 for non-conformant exponents
///   (`e > 16 - w`); the reserved nibble is ignored.
///
/// Errors: `Unsupported` for methods other than none/BFP, `Invalid` for
/// widths above 16, `Truncated` (offset 0, needed = PRB length) when `src`
/// is shorter than a PRB. `out` is unchanged on error.
pub fn decompress_prb(hdr: UdCompHdr, src: &[u8], out: &mut PrbIq) -> Result<usize> {
    let (w, bfp, len) = plan(hdr)?;
    let Some(prb) = src.get(..len) else {
        return Err(Error::truncated(0, len, src.len(), CTX_PRB));
    };
    DECOMPRESS[usize::from(bfp)][w % 16](prb, out);
    Ok(len)
}

/// Decompress `n_prb` consecutive PRBs from `src`, appending `24 * n_prb`
/// samples to `out`; returns the bytes consumed. Same per-sample contract
/// as [`decompress_prb`]. On error `out` is unchanged; a `Truncated` error's
/// offset is the start of the first incomplete PRB.
pub fn decompress_prbs(hdr: UdCompHdr, src: &[u8], n_prb: usize, out: &mut Vec<i16>) -> Result<usize> {
    let (w, bfp, len) = plan(hdr)?;
    let total = n_prb.checked_mul(len).filter(|t| *t <= src.len());
    let Some(total) = total else {
        let at = src.len() / len * len;
        return Err(Error::truncated(at, len, src.len() - at, CTX_PRB));
    };
    // n_prb <= src.len() / len here, so this cannot overflow or over-allocate.
    let start = out.len();
    out.resize(start + SAMPLES_PER_PRB * n_prb, 0);
    DECOMPRESS[usize::from(bfp)][w % 16](&src[..total], &mut out[start..]);
    Ok(total)
}

/// Compress one PRB, appending [`UdCompHdr::prb_len`] bytes to `out`.
///
/// - none, width w < 16: each sample saturates to the w-bit range.
/// - BFP: exponent from [`bfp_exponent`], mantissa `x >> e` (truncation
///   toward minus infinity); the reserved nibble is written as 0.
///
/// Errors (`out` unchanged): `Unsupported` for methods other than none/BFP,
/// `Invalid` for widths above 16.
pub fn compress_prb(hdr: UdCompHdr, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
    compress_prbs(hdr, iq, out)
}

/// Compress consecutive PRBs (`iq.len()` a multiple of 24), appending to
/// `out`. Same contract as [`compress_prb`]; a length that is not a multiple
/// of 24 is an `Invalid` error, and `out` is unchanged on any error.
pub fn compress_prbs(hdr: UdCompHdr, iq: &[i16], out: &mut Vec<u8>) -> Result<()> {
    let (w, bfp, len) = plan(hdr)?;
    if !iq.chunks_exact(SAMPLES_PER_PRB).remainder().is_empty() {
        return Err(Error::invalid(0, "IQ sample count not a multiple of 24", CTX_PRB));
    }
    let start = out.len();
    out.resize(start + iq.len() / SAMPLES_PER_PRB * len, 0);
    COMPRESS[usize::from(bfp)][w % 16](iq, &mut out[start..]);
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
    let mut m = [0i16; SAMPLES_PER_PRB];
    let hdr = UdCompHdr::new(iq_width, CompMethod::None);
    let (w, _, _) = plan(hdr)?;
    let len = 1 + 3 * w;
    let Some(prb) = src.get(..len) else {
        return Err(Error::truncated(0, len, src.len(), CTX_PRB));
    };
    // Method none on the bytes after udCompParam yields the raw mantissas.
    DECOMPRESS[0][w % 16](&prb[1..], &mut m);
    Ok((prb[0] & 0x0F, m, len))
}

// ---------------------------------------------------------------------------
// Fast paths: one monomorphised function per (width, method), picked once
// per call from a table indexed by width % 16 (so index 0 is width 16).

type DecompressFn = fn(&[u8], &mut [i16]);
type CompressFn = fn(&[i16], &mut [u8]);

macro_rules! width_table {
    ($f:ident, $bfp:literal) => {
        [
            $f::<16, $bfp>,
            $f::<1, $bfp>,
            $f::<2, $bfp>,
            $f::<3, $bfp>,
            $f::<4, $bfp>,
            $f::<5, $bfp>,
            $f::<6, $bfp>,
            $f::<7, $bfp>,
            $f::<8, $bfp>,
            $f::<9, $bfp>,
            $f::<10, $bfp>,
            $f::<11, $bfp>,
            $f::<12, $bfp>,
            $f::<13, $bfp>,
            $f::<14, $bfp>,
            $f::<15, $bfp>,
        ]
    };
}

static DECOMPRESS: [[DecompressFn; 16]; 2] = [
    width_table!(decompress_kernel, false),
    width_table!(decompress_kernel, true),
];
static COMPRESS: [[CompressFn; 16]; 2] = [
    width_table!(compress_kernel, false),
    width_table!(compress_kernel, true),
];

/// Bytes a kernel may touch from the start of a PRB's samples: 3 * 16
/// sample bytes, and every word access below ends within it (checked by
/// `Layout::OK`). Whole PRBs of 48 readable/writable bytes are accessed in
/// place; the last PRBs of a buffer go through a stack copy of this size.
const WIN: usize = 48;

/// How samples of width W are grouped for whole-word loads and stores.
struct Layout<const W: usize>;

impl<const W: usize> Layout<W> {
    /// Odd widths above 8 only end on a byte boundary after 8 samples (W
    /// bytes, up to 15): packing uses a u128 and unpacking one u32 load per
    /// sample (cheaper than u128 shifts). The rest use u64 words.
    const WIDE: bool = W > 8 && W % 2 == 1;
    /// Samples per group: 8 when they fit a u64 or need a u128, else 4.
    const G: usize = if W <= 8 || Self::WIDE { 8 } else { 4 };
    /// Bytes per group.
    const B: usize = Self::G * W / 8;
    /// Groups per PRB.
    const NG: usize = SAMPLES_PER_PRB / Self::G;
    /// Sample bytes per PRB.
    const BYTES: usize = 3 * W;
    /// Every word access stays inside the window.
    const OK: () = assert!(
        W >= 1
            && W <= 16
            && Self::NG * Self::G == SAMPLES_PER_PRB
            && Self::BYTES <= WIN
            && (Self::NG - 1) * Self::B + if Self::WIDE { 16 } else { 8 } <= WIN
            && (!Self::WIDE || (SAMPLES_PER_PRB - 1) * W / 8 + 4 <= WIN)
    );
}

#[inline(always)]
fn load_u32(win: &[u8; WIN], at: usize) -> u32 {
    win.get(at..)
        .and_then(|s| s.first_chunk::<4>())
        .map_or(0, |a| u32::from_be_bytes(*a))
}

#[inline(always)]
fn load_u64(win: &[u8; WIN], at: usize) -> u64 {
    win.get(at..)
        .and_then(|s| s.first_chunk::<8>())
        .map_or(0, |a| u64::from_be_bytes(*a))
}

#[inline(always)]
fn store<const N: usize>(win: &mut [u8; WIN], at: usize, bytes: [u8; N]) {
    if let Some(d) = win.get_mut(at..).and_then(|s| s.first_chunk_mut::<N>()) {
        *d = bytes;
    }
}

/// Unpack the 24 W-bit two's complement samples at the start of `win`.
#[inline(always)]
fn unpack<const W: usize>(win: &[u8; WIN], m: &mut [i16; SAMPLES_PER_PRB]) {
    let () = Layout::<W>::OK;
    // Widths 8 and 16 are whole bytes: a plain form the compiler vectorises.
    if W == 16 {
        for (k, m) in m.iter_mut().enumerate() {
            *m = i16::from_be_bytes([win[2 * k], win[2 * k + 1]]);
        }
        return;
    }
    if W == 8 {
        for (m, &b) in m.iter_mut().zip(win.iter()) {
            *m = i16::from(b as i8);
        }
        return;
    }
    if Layout::<W>::WIDE {
        for (k, m) in m.iter_mut().enumerate() {
            // Sample k starts at bit k*W; a u32 from its first byte holds it
            // whole (at most 7 + 15 bits). Top bit to bit 31, sign-extend down.
            let bit = k * W;
            *m = (((load_u32(win, bit / 8) << (bit % 8)) as i32) >> (32 - W)) as i16;
        }
        return;
    }
    let (g_n, b) = (Layout::<W>::G, Layout::<W>::B);
    for g in 0..Layout::<W>::NG {
        let v = load_u64(win, g * b);
        for k in 0..g_n {
            m[g * g_n + k] = ((v << (k * W)) as i64 >> (64 - W)) as i16;
        }
    }
}

/// Pack 24 samples, each already in the W-bit range, into the start of
/// `win`. Stores whole words, so bytes after the PRB's 3 * W (up to the
/// window's end) may be overwritten with zeros; callers write PRBs in order
/// so the next PRB's bytes replace them.
#[inline(always)]
fn pack<const W: usize>(m: &[i16; SAMPLES_PER_PRB], win: &mut [u8; WIN]) {
    let () = Layout::<W>::OK;
    if W == 16 {
        for (k, &m) in m.iter().enumerate() {
            store(win, 2 * k, m.to_be_bytes());
        }
        return;
    }
    if W == 8 {
        for (d, &m) in win.iter_mut().zip(m) {
            *d = m as u8;
        }
        return;
    }
    let (g_n, b) = (Layout::<W>::G, Layout::<W>::B);
    for g in 0..Layout::<W>::NG {
        if Layout::<W>::WIDE {
            let mask = (1u128 << W) - 1;
            let mut acc = 0u128;
            for k in 0..g_n {
                acc |= ((m[g * g_n + k] as u128) & mask) << (128 - W * (k + 1));
            }
            store(win, g * b, acc.to_be_bytes());
        } else {
            let mask = (1u64 << W) - 1;
            let mut acc = 0u64;
            for k in 0..g_n {
                acc |= ((m[g * g_n + k] as u64) & mask) << (64 - W * (k + 1));
            }
            store(win, g * b, acc.to_be_bytes());
        }
    }
}

/// PRBs, from the start of a buffer of `total` bytes holding PRBs of `len`
/// bytes with `param` bytes before the samples, whose window of `WIN`
/// bytes from the samples on lies inside the buffer.
fn in_place_prbs(total: usize, len: usize, param: usize) -> usize {
    match total.checked_sub(param + WIN) {
        Some(spare) => spare / len + 1,
        None => 0,
    }
}

/// Scale the mantissas of one BFP PRB (or copy fixed-point samples).
#[inline(always)]
fn finish<const W: usize, const BFP: bool>(m: &[i16; SAMPLES_PER_PRB], param: u8, o: &mut [i16]) {
    if !BFP {
        o.copy_from_slice(m);
        return;
    }
    let e = u32::from(param & 0x0F);
    if e as usize <= 16 - W {
        // Conformant: m * 2^e fits an i16 by construction.
        for (o, &m) in o.iter_mut().zip(m) {
            *o = m << e;
        }
    } else {
        // |m| <= 2^15 and e <= 15, so the i32 product cannot overflow.
        for (o, &m) in o.iter_mut().zip(m) {
            *o = (i32::from(m) << e).clamp(i16::MIN.into(), i16::MAX.into()) as i16;
        }
    }
}

/// `src` holds whole PRBs, `out` 24 samples per PRB (callers size both).
fn decompress_kernel<const W: usize, const BFP: bool>(src: &[u8], out: &mut [i16]) {
    let param = usize::from(BFP);
    let len = Layout::<W>::BYTES + param;
    let n_prb = (src.len() / len).min(out.len() / SAMPLES_PER_PRB);
    let n_fast = in_place_prbs(src.len(), len, param).min(n_prb);
    let (fast, slow) = out.split_at_mut(n_fast * SAMPLES_PER_PRB);
    // Separate loops keep the in-place one free of the staging copy.
    for (i, o) in fast.chunks_exact_mut(SAMPLES_PER_PRB).enumerate() {
        let at = i * len;
        let Some(win) = src.get(at + param..).and_then(|s| s.first_chunk::<WIN>()) else {
            break;
        };
        let mut m = [0i16; SAMPLES_PER_PRB];
        unpack::<W>(win, &mut m);
        finish::<W, BFP>(&m, src.get(at).copied().unwrap_or(0), o);
    }
    for (i, o) in slow.chunks_exact_mut(SAMPLES_PER_PRB).enumerate() {
        let at = (n_fast + i) * len;
        let Some(prb) = src.get(at..at + len) else {
            break;
        };
        let mut buf = [0u8; WIN];
        if let (Some(d), Some(s)) = (buf.get_mut(..Layout::<W>::BYTES), prb.get(param..)) {
            d.copy_from_slice(s);
        }
        let mut m = [0i16; SAMPLES_PER_PRB];
        unpack::<W>(&buf, &mut m);
        finish::<W, BFP>(&m, prb[0], o);
    }
}

/// Mantissas (BFP) or saturated samples (fixed point) of one PRB, and the
/// udCompParam byte.
#[inline(always)]
fn prepare<const W: usize, const BFP: bool>(x: &[i16], m: &mut [i16; SAMPLES_PER_PRB]) -> u8 {
    let Ok(x) = <&PrbIq>::try_from(x) else {
        return 0;
    };
    if BFP {
        // rawExp <= 15, so at width 16 the exponent is always 0.
        let e = if W == 16 { 0 } else { bfp_exponent_w(x, W as u32) };
        for (m, &x) in m.iter_mut().zip(x) {
            *m = x >> e;
        }
        e as u8
    } else {
        let hi = ((1i32 << (W - 1)) - 1) as i16;
        for (m, &x) in m.iter_mut().zip(x) {
            *m = x.clamp(-hi - 1, hi);
        }
        0
    }
}

/// `iq` holds whole PRBs, `out` exactly their compressed length.
fn compress_kernel<const W: usize, const BFP: bool>(iq: &[i16], out: &mut [u8]) {
    let param = usize::from(BFP);
    let len = Layout::<W>::BYTES + param;
    let n_prb = (iq.len() / SAMPLES_PER_PRB).min(out.len() / len);
    let n_fast = in_place_prbs(out.len(), len, param).min(n_prb);
    let (fast, slow) = iq.split_at(n_fast * SAMPLES_PER_PRB);
    // In order: a PRB's word stores may spill zeros into the next PRB's
    // bytes, which that PRB then overwrites (udCompParam included).
    for (i, x) in fast.chunks_exact(SAMPLES_PER_PRB).enumerate() {
        let at = i * len;
        let mut m = [0i16; SAMPLES_PER_PRB];
        let p = prepare::<W, BFP>(x, &mut m);
        if let Some(d) = out.get_mut(at).filter(|_| BFP) {
            *d = p;
        }
        if let Some(win) = out.get_mut(at + param..).and_then(|s| s.first_chunk_mut::<WIN>()) {
            pack::<W>(&m, win);
        }
    }
    for (i, x) in slow.chunks_exact(SAMPLES_PER_PRB).enumerate() {
        let at = (n_fast + i) * len;
        let Some(prb) = out.get_mut(at..at + len) else {
            break;
        };
        let mut m = [0i16; SAMPLES_PER_PRB];
        let p = prepare::<W, BFP>(x, &mut m);
        let mut buf = [0u8; WIN];
        pack::<W>(&m, &mut buf);
        if BFP {
            prb[0] = p;
        }
        if let (Some(d), Some(s)) = (prb.get_mut(param..), buf.get(..Layout::<W>::BYTES)) {
            d.copy_from_slice(s);
        }
    }
}

/// Plain bit-at-a-time codecs written straight from the field layout: the
/// specification the fast paths are tested against, and a readable
/// statement of the algorithm. Same contracts and errors as the fast
/// functions, except that `Truncated` errors point at the first sample that
/// could not be read.
pub mod reference {
    use super::*;

    /// [`super::bfp_exponent`] computed literally from the spec's wording.
    pub fn bfp_exponent(iq: &PrbIq, iq_width: u8) -> u8 {
        let w = match iq_width {
            0 | 16.. => 16i32,
            w => i32::from(w),
        };
        let largest_pos = iq.iter().map(|&x| i32::from(x)).filter(|&x| x > 0).max().unwrap_or(0);
        let most_neg = iq.iter().map(|&x| i32::from(x)).filter(|&x| x < 0).min().unwrap_or(0);
        let v = largest_pos.max(most_neg.abs() - 1);
        // floor(log2 v) + 1, and 0 for v = 0.
        let mut raw_exp = 0;
        while (1i32 << raw_exp) <= v {
            raw_exp += 1;
        }
        (raw_exp - w + 1).max(0) as u8
    }

    /// Bit-reader version of [`super::decompress_prb`].
    pub fn decompress_prb(hdr: UdCompHdr, src: &[u8], out: &mut PrbIq) -> Result<usize> {
        let (w, bfp, _) = plan(hdr)?;
        let w = w as u32;
        let mut r = BitReader::new(src, CTX_PRB);
        let mut e = 0;
        if bfp {
            let _reserved = r.read(4)?;
            e = r.read(4)?;
        }
        let mut tmp = [0i16; SAMPLES_PER_PRB];
        for s in tmp.iter_mut() {
            let m = i32::from(r.read_signed(w)?);
            *s = (m * (1 << e)).clamp(i16::MIN.into(), i16::MAX.into()) as i16;
        }
        r.align();
        *out = tmp;
        Ok(r.byte_pos())
    }

    /// Bit-writer version of [`super::compress_prb`].
    pub fn compress_prb(hdr: UdCompHdr, iq: &PrbIq, out: &mut Vec<u8>) -> Result<()> {
        let (w, bfp, _) = plan(hdr)?;
        let w = w as u32;
        let mut bytes = Vec::new();
        let mut wr = BitWriter::new(&mut bytes);
        let lo = -(1i32 << (w - 1));
        let hi = -lo - 1;
        let mut e = 0;
        if bfp {
            e = u32::from(bfp_exponent(iq, w as u8));
            wr.write(0, 4)?;
            wr.write(e, 4)?;
        }
        for &x in iq {
            let m = if bfp {
                i32::from(x) >> e
            } else {
                i32::from(x).clamp(lo, hi)
            };
            wr.write_signed(m as i16, w)?;
        }
        wr.align();
        out.extend_from_slice(&bytes);
        Ok(())
    }
}

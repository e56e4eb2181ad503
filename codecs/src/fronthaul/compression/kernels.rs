//! The kernels behind the fixed-length methods (none, BFP, block scaling,
//! mu-law), and the choice among instruction-set levels.
//!
//! Each [`Level`] is a table of functions monomorphised per (method,
//! width), indexed `[method][width % 16]` (width index 0 is width 16). The
//! public functions use the best level the CPU has, detected once
//! ([`Level::best`]); [`decompress_prbs_at`] and [`compress_prbs_at`] run a
//! given level, so tests can hold every level to the same output.
//!
//! - [`Level::Portable`], any target: widths 8 and 16 are byte copies the
//!   compiler vectorises; the others move groups of samples through
//!   u64/u128 words (or one u32 load per sample for odd widths above 8),
//!   with no per-sample branches and no allocation per PRB. The
//!   variable-length methods reuse its packing primitives.
//! - [`Level::Avx2`], x86_64 with AVX2 and LZCNT: none and BFP both ways,
//!   block scaling and mu-law decompression (their compression is the
//!   portable code); see `kernels/avx2.rs`.
//! - [`Level::Avx512`], x86_64 with AVX-512 F, BW, VBMI and VBMI2 (Ice
//!   Lake, Zen 4 and later): none and BFP both ways four PRBs at a time
//!   (compression up to 14 bits), the AVX2 kernels for the rest; see
//!   `kernels/avx512.rs`. CPUs with AVX-512 F/BW but no VBMI (Skylake-SP)
//!   run the AVX2 level.

use std::sync::OnceLock;

use super::{CTX_PRB, PrbIq, PrbParams, SAMPLES_PER_PRB, UdCompHdr, bfp, block_scaling, mulaw};
use crate::{Error, ErrorKind, Result};

/// Method indices of the tables (= udCompMeth for these four).
pub(super) const M_NONE: usize = 0;
pub(super) const M_BFP: usize = 1;
pub(super) const M_BS: usize = 2;
pub(super) const M_MULAW: usize = 3;

pub(super) type DecompressFn = fn(&[u8], &mut [i16]);
pub(super) type CompressFn = fn(&[i16], &mut [u8]);
pub(super) type UnpackFn = fn(&[u8; WIN], &mut PrbIq);
pub(super) type PackFn = fn(&PrbIq, &mut [u8; WIN]);

macro_rules! width_table {
    ($f:ident $(, $m:literal)?) => {
        [
            $f::<16 $(, $m)?>,
            $f::<1 $(, $m)?>,
            $f::<2 $(, $m)?>,
            $f::<3 $(, $m)?>,
            $f::<4 $(, $m)?>,
            $f::<5 $(, $m)?>,
            $f::<6 $(, $m)?>,
            $f::<7 $(, $m)?>,
            $f::<8 $(, $m)?>,
            $f::<9 $(, $m)?>,
            $f::<10 $(, $m)?>,
            $f::<11 $(, $m)?>,
            $f::<12 $(, $m)?>,
            $f::<13 $(, $m)?>,
            $f::<14 $(, $m)?>,
            $f::<15 $(, $m)?>,
        ]
    };
}

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

/// One level's functions, `[method][width % 16]`.
pub(super) struct Kernels {
    pub(super) decompress: [[DecompressFn; 16]; 4],
    pub(super) compress: [[CompressFn; 16]; 4],
}

static PORTABLE: Kernels = Kernels {
    decompress: [
        width_table!(decompress_kernel, 0),
        width_table!(decompress_kernel, 1),
        width_table!(decompress_kernel, 2),
        width_table!(decompress_kernel, 3),
    ],
    compress: [
        width_table!(compress_kernel, 0),
        width_table!(compress_kernel, 1),
        width_table!(compress_kernel, 2),
        width_table!(compress_kernel, 3),
    ],
};

/// An instruction-set level of the kernels. Every level produces the same
/// bytes and samples as [`reference`](mod@super::reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Level {
    /// Portable Rust, any target.
    Portable,
    /// x86_64 AVX2.
    Avx2,
    /// x86_64 AVX-512 (F, BW, VBMI, VBMI2).
    Avx512,
}

impl Level {
    /// Every level this build knows, slowest first; see
    /// [`Level::is_available`] for the ones this CPU runs.
    pub const ALL: &'static [Level] = &[Level::Portable, Level::Avx2, Level::Avx512];

    /// Lower-case name (`portable`, `avx2`, `avx512`).
    pub const fn name(self) -> &'static str {
        match self {
            Level::Portable => "portable",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }

    /// Whether this build and CPU can run the level.
    pub fn is_available(self) -> bool {
        self.kernels().is_some()
    }

    /// The levels this CPU runs, slowest first.
    pub fn available() -> Vec<Level> {
        Level::ALL.iter().copied().filter(|l| l.is_available()).collect()
    }

    /// The level the public functions use: the fastest available, detected
    /// on first use.
    pub fn best() -> Level {
        active().0
    }

    fn kernels(self) -> Option<&'static Kernels> {
        match self {
            Level::Portable => Some(&PORTABLE),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => avx2::kernels(),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => avx512::kernels(),
            #[cfg(not(target_arch = "x86_64"))]
            Level::Avx2 | Level::Avx512 => None,
        }
    }
}

fn active() -> (Level, &'static Kernels) {
    static ACTIVE: OnceLock<(Level, &'static Kernels)> = OnceLock::new();
    *ACTIVE.get_or_init(|| {
        Level::ALL
            .iter()
            .copied()
            .rev()
            .find_map(|l| l.kernels().map(|k| (l, k)))
            .unwrap_or((Level::Portable, &PORTABLE))
    })
}

/// The table of [`Level::best`].
pub(super) fn best() -> &'static Kernels {
    active().1
}

fn at_level(level: Level) -> Result<&'static Kernels> {
    level.kernels().ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported("instruction-set level not available on this CPU"),
            0,
            CTX_PRB,
        )
    })
}

/// [`super::decompress_prbs`] at `level`; `Unsupported` when the level is
/// not available. Methods 4-8 do not depend on the level.
pub fn decompress_prbs_at(level: Level, hdr: UdCompHdr, src: &[u8], n_prb: usize, out: &mut Vec<i16>) -> Result<usize> {
    let k = at_level(level)?;
    super::simple(hdr)?;
    super::decompress_prbs_in(k, hdr, &PrbParams::default(), src, n_prb, out, None)
}

/// [`super::compress_prbs`] at `level`; `Unsupported` when the level is not
/// available.
pub fn compress_prbs_at(level: Level, hdr: UdCompHdr, iq: &[i16], out: &mut Vec<u8>) -> Result<()> {
    let k = at_level(level)?;
    super::simple(hdr)?;
    super::compress_prbs_in(k, hdr, &PrbParams::default(), iq, out)
}
/// Unpack 24 samples of width `w` from a zero-padded window (`[w % 16]`).
pub(super) static UNPACK: [UnpackFn; 16] = width_table!(unpack);
/// Pack 24 samples of width `w` into a window (`[w % 16]`).
pub(super) static PACK: [PackFn; 16] = width_table!(pack);

/// Bytes a kernel may touch from the start of a PRB's samples: 3 * 16
/// sample bytes, and every word access below ends within it (checked by
/// `Layout::OK`). Whole PRBs of 48 readable/writable bytes are accessed in
/// place; the last PRBs of a buffer go through a stack copy of this size.
pub(super) const WIN: usize = 48;

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
pub(super) fn unpack<const W: usize>(win: &[u8; WIN], m: &mut PrbIq) {
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
pub(super) fn pack<const W: usize>(m: &PrbIq, win: &mut [u8; WIN]) {
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

/// udCompParam bytes of method M (0 for none, 1 for the others).
const fn param_len(m: usize) -> usize {
    if m == M_NONE { 0 } else { 1 }
}

/// Samples of one PRB from its codes (w-bit values) and udCompParam.
#[inline(always)]
fn finish<const W: usize, const M: usize>(m: &PrbIq, param: u8, o: &mut [i16]) {
    match M {
        M_NONE => {
            for (o, &m) in o.iter_mut().zip(m) {
                *o = m;
            }
        }
        M_BFP => bfp::expand::<W>(m, param, o),
        M_BS => block_scaling::expand::<W>(m, param, o),
        _ => mulaw::expand::<W>(m, param, o),
    }
}

/// Codes (each in the W-bit range) of one PRB, and its udCompParam byte.
#[inline(always)]
fn prepare<const W: usize, const M: usize>(x: &[i16], m: &mut PrbIq) -> u8 {
    let Ok(x) = <&PrbIq>::try_from(x) else {
        return 0;
    };
    match M {
        M_NONE => {
            let hi = ((1i32 << (W - 1)) - 1) as i16;
            for (m, &x) in m.iter_mut().zip(x) {
                *m = x.clamp(-hi - 1, hi);
            }
            0
        }
        M_BFP => bfp::compress::<W>(x, m),
        M_BS => block_scaling::compress::<W>(x, m),
        _ => mulaw::compress::<W>(x, m),
    }
}

/// `src` holds whole PRBs, `out` 24 samples per PRB (callers size both).
fn decompress_kernel<const W: usize, const M: usize>(src: &[u8], out: &mut [i16]) {
    let param = param_len(M);
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
        let p = if param == 0 {
            0
        } else {
            src.get(at).copied().unwrap_or(0)
        };
        finish::<W, M>(&m, p, o);
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
        let p = if param == 0 {
            0
        } else {
            prb.first().copied().unwrap_or(0)
        };
        finish::<W, M>(&m, p, o);
    }
}

/// `iq` holds whole PRBs, `out` exactly their compressed length.
fn compress_kernel<const W: usize, const M: usize>(iq: &[i16], out: &mut [u8]) {
    let param = param_len(M);
    let len = Layout::<W>::BYTES + param;
    let n_prb = (iq.len() / SAMPLES_PER_PRB).min(out.len() / len);
    let n_fast = in_place_prbs(out.len(), len, param).min(n_prb);
    let (fast, slow) = iq.split_at(n_fast * SAMPLES_PER_PRB);
    // In order: a PRB's word stores may spill zeros into the next PRB's
    // bytes, which that PRB then overwrites (udCompParam included).
    for (i, x) in fast.chunks_exact(SAMPLES_PER_PRB).enumerate() {
        let at = i * len;
        let mut m = [0i16; SAMPLES_PER_PRB];
        let p = prepare::<W, M>(x, &mut m);
        if let Some(d) = out.get_mut(at).filter(|_| param == 1) {
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
        let p = prepare::<W, M>(x, &mut m);
        let mut buf = [0u8; WIN];
        pack::<W>(&m, &mut buf);
        if let (1, Some(d)) = (param, prb.first_mut()) {
            *d = p;
        }
        if let (Some(d), Some(s)) = (prb.get_mut(param..), buf.get(..Layout::<W>::BYTES)) {
            d.copy_from_slice(s);
        }
    }
}

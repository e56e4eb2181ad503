//! The ALIGNED PER decoder: a bit cursor over a byte slice.

use std::borrow::Cow;

use super::{Alphabet, BitString, Index, K16, LengthForm, Preamble, Reassembly, Size, bit_width};
use crate::{Error, ErrorKind, Result};

/// One length determinant of a possibly fragmented length (X.691 §11.9.3.8):
/// `len` units follow, and if `more` another length determinant follows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub len: usize,
    pub more: bool,
}

/// The presence bitmap of a SEQUENCE's extension additions (X.691 §19.7-19.8),
/// read from the input in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionBitmap<'a> {
    data: &'a [u8],
    /// Bit position of the first bit of the bitmap in `data`.
    start: usize,
    len: usize,
}

impl ExtensionBitmap<'_> {
    /// Number of extension additions the encoder knew of.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether addition `i` (0 = the first) is present; its encoding is the
    /// next open type.
    pub fn is_present(&self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let p = self.start + i;
        self.data.get(p / 8).is_some_and(|b| (b >> (7 - p % 8)) & 1 == 1)
    }

    /// Indices of the present additions, in encoding order.
    pub fn present(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len).filter(|&i| self.is_present(i))
    }
}

/// Reads ALIGNED PER from a byte slice. Bit 0 of the slice is the start of the
/// encoding that alignment refers to (the outermost PDU or an open type).
#[derive(Debug, Clone)]
pub struct PerDecoder<'a> {
    data: &'a [u8],
    /// Cursor, in bits from the start of `data`.
    pos: usize,
    /// `data.len() * 8`.
    len_bits: usize,
    /// Added to error offsets so they refer to the outermost buffer.
    base: usize,
    context: &'static str,
    reassembly: Option<&'a Reassembly>,
}

impl<'a> PerDecoder<'a> {
    /// A decoder at the first bit of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        PerDecoder {
            data,
            pos: 0,
            len_bits: data.len().saturating_mul(8),
            base: 0,
            context: "APER",
            reassembly: None,
        }
    }

    /// Report error offsets as `base + offset within data`.
    pub fn with_base(mut self, base: usize) -> Self {
        self.base = base;
        self
    }

    /// Use `r` to keep fragmented open types, so that
    /// [`open_type_with`](Self::open_type_with) can decode them.
    pub fn with_reassembly(mut self, r: &'a Reassembly) -> Self {
        self.reassembly = Some(r);
        self
    }

    /// Name the structure being decoded in errors from now on; returns the
    /// previous name so the caller can restore it.
    pub fn set_context(&mut self, context: &'static str) -> &'static str {
        std::mem::replace(&mut self.context, context)
    }

    pub fn context(&self) -> &'static str {
        self.context
    }

    /// Cursor position in bits.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Offset of the octet holding the cursor, counted from the start of the
    /// outermost buffer (as error offsets are).
    pub fn offset(&self) -> usize {
        self.base + self.pos / 8
    }

    /// Octets touched so far (a partly read octet counts).
    pub fn byte_position(&self) -> usize {
        self.pos.div_ceil(8)
    }

    pub fn remaining_bits(&self) -> usize {
        self.len_bits - self.pos
    }

    pub fn is_aligned(&self) -> bool {
        self.pos & 7 == 0
    }

    /// The whole input.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    // ---- errors -----------------------------------------------------------

    #[cold]
    fn truncated(&self, nbits: usize) -> Error {
        let byte = self.pos / 8;
        let needed = (self.pos % 8).saturating_add(nbits).div_ceil(8);
        let available = self.data.len().saturating_sub(byte);
        Error::truncated(self.base + byte, needed, available, self.context)
    }

    #[cold]
    fn invalid(&self, what: &'static str) -> Error {
        Error::invalid(self.base + self.pos / 8, what, self.context)
    }

    #[cold]
    fn unsupported(&self, what: &'static str) -> Error {
        Error::new(ErrorKind::Unsupported(what), self.base + self.pos / 8, self.context)
    }

    /// A length that claims `claimed` octets where `self.remaining_bits()`
    /// hold fewer.
    #[cold]
    fn bad_length(&self, claimed: usize) -> Error {
        Error::new(
            ErrorKind::BadLength {
                claimed,
                actual: self.remaining_bits() / 8,
            },
            self.base + self.pos / 8,
            self.context,
        )
    }

    // ---- bits -------------------------------------------------------------

    /// Skip to the next octet boundary (padding bits are not checked).
    #[inline]
    pub fn align(&mut self) {
        // Never past the end: len_bits is a multiple of 8.
        self.pos = (self.pos + 7) & !7;
    }

    /// A bit-field of `n` (0..=64) bits as an unsigned number.
    #[inline]
    pub fn bits(&mut self, n: u32) -> Result<u64> {
        if n == 0 {
            return Ok(0);
        }
        if n > 57 {
            return self.bits_wide(n);
        }
        let n = n as usize;
        if n > self.len_bits - self.pos {
            return Err(self.truncated(n));
        }
        // One big-endian load covers the field: at most 7 bits of offset plus 57.
        let w = self.load_be64(self.pos >> 3);
        let v = (w << (self.pos & 7)) >> (64 - n);
        self.pos += n;
        Ok(v)
    }

    /// Eight octets from `byte` on, zero-filled past the end of the input
    /// (callers have checked that the bits they use are there).
    #[inline]
    fn load_be64(&self, byte: usize) -> u64 {
        match self.data.get(byte..byte + 8) {
            Some(s) => {
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                u64::from_be_bytes(a)
            }
            // Near the end (small open types): a short loop beats a memcpy call.
            None => self
                .data
                .get(byte..)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, &b)| w | (b as u64) << (56 - 8 * i)),
        }
    }

    /// Fields of 58 to 64 bits (the value octets of a 64-bit range).
    #[cold]
    fn bits_wide(&mut self, n: u32) -> Result<u64> {
        if n > 64 {
            return Err(self.invalid("bit-field wider than 64 bits"));
        }
        if n as usize > self.len_bits - self.pos {
            return Err(self.truncated(n as usize));
        }
        let hi = self.bits(n - 32)?;
        let lo = self.bits(32)?;
        Ok((hi << 32) | lo)
    }

    #[inline]
    pub fn bit(&mut self) -> Result<bool> {
        match self.data.get(self.pos >> 3) {
            Some(&b) => {
                let v = (b >> (7 - (self.pos & 7))) & 1;
                self.pos += 1;
                Ok(v == 1)
            }
            None => Err(self.truncated(1)),
        }
    }

    /// One octet at an octet boundary.
    #[inline]
    fn aligned_u8(&mut self) -> Result<u8> {
        match self.data.get(self.pos >> 3) {
            Some(&b) => {
                self.pos += 8;
                Ok(b)
            }
            None => Err(self.truncated(8)),
        }
    }

    /// Two octets at an octet boundary, big-endian.
    #[inline]
    fn aligned_u16(&mut self) -> Result<u16> {
        let i = self.pos >> 3;
        match self.data.get(i..i + 2) {
            Some(s) => {
                self.pos += 16;
                Ok(u16::from_be_bytes([s[0], s[1]]))
            }
            None => Err(self.truncated(16)),
        }
    }

    /// `n` octets at an octet boundary, borrowed.
    #[inline]
    fn octets(&mut self, n: usize) -> Result<&'a [u8]> {
        debug_assert!(self.is_aligned());
        let start = self.pos / 8;
        match self.data.get(start..).and_then(|rest| rest.get(..n)) {
            Some(s) => {
                self.pos += n * 8;
                Ok(s)
            }
            None => Err(self.bad_length(n)),
        }
    }

    /// `nbits` bits copied into octets, first bit most significant, unused
    /// low bits of the last octet zero. Checks the input first, so the
    /// allocation is bounded by it.
    fn bits_to_vec(&mut self, nbits: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.bits_into(&mut out, nbits)?;
        Ok(out)
    }

    /// As [`bits_to_vec`](Self::bits_to_vec), appending to `out`.
    fn bits_into(&mut self, out: &mut Vec<u8>, nbits: usize) -> Result<()> {
        if nbits > self.remaining_bits() {
            return Err(self.bad_length(nbits.div_ceil(8)));
        }
        out.reserve_exact(nbits.div_ceil(8));
        if self.is_aligned() {
            out.extend_from_slice(self.octets(nbits / 8)?);
        } else {
            for _ in 0..nbits / 8 {
                out.push(self.bits(8)? as u8);
            }
        }
        let rest = nbits % 8;
        if rest > 0 {
            out.push((self.bits(rest as u32)? << (8 - rest)) as u8);
        }
        Ok(())
    }

    // ---- whole numbers (X.691 §11.5-11.8) -----------------------------------

    /// §11.5.7, aligned variant: `n - lb` for a constrained whole number with
    /// `range = ub - lb + 1` values.
    #[inline]
    fn constrained_offset(&mut self, range: u128) -> Result<u64> {
        let off = if range <= 1 {
            0
        } else if range <= 255 {
            // §11.5.7.2: a bit-field of the minimum width, not aligned.
            self.bits(bit_width(range - 1))?
        } else if range == 256 {
            // §11.5.7.3: one octet, aligned.
            self.align();
            self.aligned_u8()? as u64
        } else if range <= 65536 {
            // §11.5.7.4: two octets, aligned.
            self.align();
            self.aligned_u16()? as u64
        } else {
            // §11.5.7.4 indefinite-length case: octet count as a constrained
            // whole number 1..=max, then the octets, aligned.
            let max = super::octet_width((range - 1) as u64);
            let len = self.bits(bit_width(max as u128 - 1))? as usize + 1;
            if len > max {
                return Err(self.invalid("integer length above the range's octet count"));
            }
            self.align();
            self.bits(8 * len as u32)?
        };
        if off as u128 > range - 1 {
            return Err(self.invalid("constrained whole number above its upper bound"));
        }
        Ok(off)
    }

    /// A constrained whole number / INTEGER (lb..ub) without extension marker
    /// (X.691 §11.5.7, §13.2.5).
    #[inline]
    pub fn constrained_int(&mut self, lb: i64, ub: i64) -> Result<i64> {
        if lb > ub {
            return Err(self.invalid("constraint with lower bound above upper bound"));
        }
        let range = (ub as i128 - lb as i128) as u128 + 1;
        let off = self.constrained_offset(range)?;
        Ok((lb as i128 + off as i128) as i64)
    }

    /// INTEGER (lb..ub, ...) (X.691 §13.1): the extension bit, then the root
    /// encoding or, for a value outside the root, an unconstrained whole number.
    #[inline]
    pub fn int_ext(&mut self, lb: i64, ub: i64) -> Result<i64> {
        if self.bit()? {
            self.unconstrained_int()
        } else {
            self.constrained_int(lb, ub)
        }
    }

    /// The octet count of a semi-constrained or unconstrained whole number
    /// (§11.7-11.8): an unfragmented general length determinant.
    fn integer_octets(&mut self) -> Result<&'a [u8]> {
        let (n, more) = self.general_header()?;
        if more {
            return Err(self.unsupported("INTEGER of 16K octets or more"));
        }
        self.octets(n)
    }

    /// A semi-constrained whole number, INTEGER (lb..MAX) (X.691 §11.7).
    pub fn semi_constrained_int(&mut self, lb: i64) -> Result<i64> {
        let octets = self.integer_octets()?;
        // Leading zero octets are allowed, significant bits beyond 64 are not.
        let sig = octets.iter().position(|&b| b != 0).map_or(&[][..], |i| &octets[i..]);
        if sig.len() > 8 {
            return Err(self.unsupported("INTEGER above 64 bits"));
        }
        let off = sig.iter().fold(0u64, |v, &b| (v << 8) | b as u64);
        let v = lb as i128 + off as i128;
        i64::try_from(v).map_err(|_| self.unsupported("INTEGER above 64 bits"))
    }

    /// An unconstrained whole number, INTEGER (X.691 §11.8): two's complement
    /// in a length-prefixed octet string.
    pub fn unconstrained_int(&mut self) -> Result<i64> {
        let octets = self.integer_octets()?;
        let Some(&first) = octets.first() else {
            // Not produced by any encoder; read as zero like pycrate does.
            return Ok(0);
        };
        let fill = if first & 0x80 != 0 { 0xff } else { 0x00 };
        // Sign-extension octets beyond 8 carry no information.
        let skip = octets.len().saturating_sub(8);
        if octets[..skip].iter().any(|&b| b != fill) || (skip > 0 && (octets[skip] ^ fill) & 0x80 != 0) {
            return Err(self.unsupported("INTEGER above 64 bits"));
        }
        let mut v: i64 = if fill == 0xff { -1 } else { 0 };
        for &b in &octets[skip..] {
            v = (v << 8) | b as i64;
        }
        Ok(v)
    }

    /// A normally small non-negative whole number (X.691 §11.6).
    pub fn normally_small(&mut self) -> Result<u64> {
        if self.bit()? {
            let v = self.semi_constrained_int(0)?;
            Ok(v as u64)
        } else {
            self.bits(6)
        }
    }

    /// A normally small length (X.691 §11.9.3.4), e.g. the size of an
    /// extension bitmap: 1..=64 in seven bits, else a general length.
    pub fn normally_small_length(&mut self) -> Result<usize> {
        if self.bit()? {
            let (n, more) = self.general_header()?;
            if more || n == 0 {
                return Err(self.invalid("normally small length"));
            }
            Ok(n)
        } else {
            Ok(self.bits(6)? as usize + 1)
        }
    }

    // ---- simple types ---------------------------------------------------------

    /// BOOLEAN (X.691 §12): one bit.
    #[inline]
    pub fn bool(&mut self) -> Result<bool> {
        self.bit()
    }

    /// NULL (X.691 §18): nothing on the wire.
    #[inline]
    pub fn null(&mut self) -> Result<()> {
        Ok(())
    }

    /// ENUMERATED with `root_count` root items (X.691 §14): the root index as a
    /// constrained whole number; with an extension marker, a leading bit and,
    /// for an extension item, a normally small number.
    #[inline]
    pub fn enumerated(&mut self, root_count: u32, extensible: bool) -> Result<Index> {
        self.index(root_count, extensible, "ENUMERATED with no root items")
    }

    /// A CHOICE index with `n_root` root alternatives (X.691 §23). For
    /// [`Index::Extension`], the alternative's encoding follows as an open type.
    #[inline]
    pub fn choice_index(&mut self, n_root: u32, extensible: bool) -> Result<Index> {
        self.index(n_root, extensible, "CHOICE with no root alternatives")
    }

    #[inline]
    fn index(&mut self, n_root: u32, extensible: bool, empty: &'static str) -> Result<Index> {
        if extensible && self.bit()? {
            let i = self.normally_small()?;
            return u32::try_from(i)
                .map(Index::Extension)
                .map_err(|_| self.unsupported("extension index above 32 bits"));
        }
        if n_root == 0 {
            return Err(self.invalid(empty));
        }
        Ok(Index::Root(self.constrained_offset(n_root as u128)? as u32))
    }

    // ---- lengths (X.691 §11.9) ------------------------------------------------

    /// The general length determinant (§11.9.3.5-11.9.3.8), octet-aligned:
    /// `(n, false)` for a complete length, `(16K·m, true)` for a fragment.
    #[inline]
    fn general_header(&mut self) -> Result<(usize, bool)> {
        self.align();
        let b0 = self.aligned_u8()? as usize;
        if b0 & 0x80 == 0 {
            Ok((b0, false))
        } else if b0 & 0x40 == 0 {
            let b1 = self.aligned_u8()? as usize;
            Ok((((b0 & 0x3f) << 8) | b1, false))
        } else {
            let m = b0 & 0x3f;
            if m == 0 || m > 4 {
                return Err(self.invalid("fragment length other than 16K, 32K, 48K or 64K"));
            }
            Ok((m * K16, true))
        }
    }

    /// One length determinant for a length constrained to `lb..=ub` (`ub: None`
    /// for no upper bound): nothing for a fixed length under 64K, a constrained
    /// whole number for `ub` under 64K, else the general form, which may be a
    /// fragment. The extension bit of an extensible size is the caller's.
    #[inline]
    pub fn length_chunk(&mut self, lb: usize, ub: Option<usize>) -> Result<Chunk> {
        let size = Size {
            lb,
            ub,
            extensible: false,
        };
        match size.form() {
            LengthForm::Fixed(n) => Ok(Chunk { len: n, more: false }),
            LengthForm::Constrained(lb, ub) => Ok(Chunk {
                len: self.constrained_len(lb, ub)?,
                more: false,
            }),
            LengthForm::General => {
                let (len, more) = self.general_header()?;
                Ok(Chunk { len, more })
            }
        }
    }

    /// A length determinant that must not be fragmented (see
    /// [`length_chunk`](Self::length_chunk)).
    pub fn length(&mut self, lb: usize, ub: Option<usize>) -> Result<usize> {
        let c = self.length_chunk(lb, ub)?;
        if c.more {
            return Err(self.unsupported("fragmented length where one length was expected"));
        }
        Ok(c.len)
    }

    #[inline]
    fn constrained_len(&mut self, lb: usize, ub: usize) -> Result<usize> {
        if lb > ub {
            return Err(self.invalid("size constraint with lower bound above upper bound"));
        }
        let off = self.constrained_offset((ub - lb) as u128 + 1)?;
        Ok(lb + off as usize)
    }

    /// Reads the extension bit of an extensible size; returns the constraint
    /// that then applies (the root, or none at all for an extension length).
    #[inline]
    fn effective_size(&mut self, size: Size) -> Result<Size> {
        if size.extensible && self.bit()? {
            Ok(Size::UNCONSTRAINED)
        } else {
            Ok(size)
        }
    }

    #[cold]
    fn size_violation(&self) -> Error {
        self.invalid("length outside its size constraint")
    }

    /// General-form contents of `unit_bits`-bit units (the header already
    /// read as `first`): borrowed when unfragmented, reassembled otherwise.
    /// Returns the contents and the number of units.
    #[inline]
    fn general_contents(&mut self, first: (usize, bool), unit_bits: usize) -> Result<(Cow<'a, [u8]>, usize)> {
        let (n, more) = first;
        if more {
            return self.fragmented_contents(first, unit_bits);
        }
        // An unfragmented length is under 16K and units are at most 8 bits.
        let nbits = n * unit_bits;
        if nbits > self.remaining_bits() {
            return Err(self.bad_length(nbits.div_ceil(8)));
        }
        let start = self.pos / 8;
        let s = &self.data[start..start + nbits.div_ceil(8)];
        self.pos += nbits;
        Ok((Cow::Borrowed(s), n))
    }

    #[inline(never)]
    fn fragmented_contents(&mut self, first: (usize, bool), unit_bits: usize) -> Result<(Cow<'a, [u8]>, usize)> {
        // Fragments of 16K·m units are whole octets for units of 1, 2, 4 or 8
        // bits, so they concatenate; only the last chunk can end mid-octet.
        let (units, nbits) = self.fragmented_size(first, unit_bits)?;
        let mut out = Vec::with_capacity(nbits.div_ceil(8));
        let (mut n, mut more) = first;
        loop {
            let nbits = n * unit_bits;
            if more {
                out.extend_from_slice(self.octets(nbits / 8)?);
            } else {
                self.bits_into(&mut out, nbits)?;
                return Ok((Cow::Owned(out), units));
            }
            (n, more) = self.general_header()?;
        }
    }

    /// Walks a fragmented length's chain of determinants, from the first
    /// (already read) on, without moving the cursor: the total in units and
    /// bits, or an error if any chunk runs past the input. Checking the whole
    /// chain first means nothing is allocated for fragments that are not there.
    fn fragmented_size(&self, first: (usize, bool), unit_bits: usize) -> Result<(usize, usize)> {
        let mut probe = self.clone();
        let (mut n, mut more) = first;
        let (mut units, mut bits) = (0usize, 0usize);
        loop {
            let nbits = n * unit_bits;
            if nbits > probe.remaining_bits() {
                return Err(probe.bad_length(nbits.div_ceil(8)));
            }
            probe.pos += nbits;
            units += n;
            bits += nbits;
            if !more {
                return Ok((units, bits));
            }
            (n, more) = probe.general_header()?;
        }
    }

    // ---- strings --------------------------------------------------------------

    /// OCTET STRING (X.691 §17). Contents are borrowed from the input unless
    /// fragmented or, for one or two octets of fixed size, unaligned.
    pub fn octet_string(&mut self, size: Size) -> Result<Cow<'a, [u8]>> {
        let size = self.effective_size(size)?;
        match size.form() {
            LengthForm::Fixed(0) => Ok(Cow::Borrowed(&[])),
            // §17.6: up to two octets of fixed size are not aligned.
            LengthForm::Fixed(n) if n <= 2 => {
                if self.is_aligned() {
                    self.octets(n).map(Cow::Borrowed)
                } else {
                    self.bits_to_vec(n * 8).map(Cow::Owned)
                }
            }
            LengthForm::Fixed(n) => {
                self.align();
                self.octets(n).map(Cow::Borrowed)
            }
            LengthForm::Constrained(lb, ub) => {
                let n = self.constrained_len(lb, ub)?;
                self.align();
                self.octets(n).map(Cow::Borrowed)
            }
            LengthForm::General => {
                let first = self.general_header()?;
                let (v, n) = self.general_contents(first, 8)?;
                if !size.contains(n) {
                    return Err(self.size_violation());
                }
                Ok(v)
            }
        }
    }

    /// BIT STRING (X.691 §16).
    pub fn bit_string(&mut self, size: Size) -> Result<BitString<'a>> {
        let size = self.effective_size(size)?;
        match size.form() {
            LengthForm::Fixed(0) => Ok(BitString {
                bytes: Cow::Borrowed(&[]),
                bits: 0,
            }),
            // §16.9-16.10: fixed sizes up to 16 bits are not aligned, larger
            // ones (under 64K) are.
            LengthForm::Fixed(n) => {
                if n > 16 {
                    self.align();
                }
                self.bit_contents(n)
            }
            LengthForm::Constrained(lb, ub) => {
                let n = self.constrained_len(lb, ub)?;
                self.align();
                self.bit_contents(n)
            }
            LengthForm::General => {
                let first = self.general_header()?;
                let (bytes, bits) = self.general_contents(first, 1)?;
                if !size.contains(bits) {
                    return Err(self.size_violation());
                }
                let bytes = if bits % 8 != 0 && matches!(bytes, Cow::Borrowed(_)) {
                    // Mask the bits that belong to whatever follows.
                    let mut v = bytes.into_owned();
                    if let Some(last) = v.last_mut() {
                        *last &= 0xff << (8 - bits % 8);
                    }
                    Cow::Owned(v)
                } else {
                    bytes
                };
                Ok(BitString { bytes, bits })
            }
        }
    }

    fn bit_contents(&mut self, bits: usize) -> Result<BitString<'a>> {
        let bytes = if self.is_aligned() && bits.is_multiple_of(8) {
            Cow::Borrowed(self.octets(bits / 8)?)
        } else {
            Cow::Owned(self.bits_to_vec(bits)?)
        };
        Ok(BitString { bytes, bits })
    }

    /// A known-multiplier character string (X.691 §30.5) over `alphabet`:
    /// borrowed when characters are aligned octets holding their own value
    /// (PrintableString, VisibleString and IA5String without FROM), else decoded
    /// into a `String`. A character outside the alphabet is an error.
    pub fn known_multiplier_string(&mut self, alphabet: &Alphabet, size: Size) -> Result<Cow<'a, str>> {
        let size = self.effective_size(size)?;
        match size.form() {
            LengthForm::Fixed(n) => {
                if n > 2 {
                    self.align();
                }
                self.chars(alphabet, n)
            }
            LengthForm::Constrained(lb, ub) => {
                let n = self.constrained_len(lb, ub)?;
                self.align();
                self.chars(alphabet, n)
            }
            LengthForm::General => {
                let (mut n, mut more) = self.general_header()?;
                if !more {
                    if !size.contains(n) {
                        return Err(self.size_violation());
                    }
                    return self.chars(alphabet, n);
                }
                let (total, _) = self.fragmented_size((n, more), alphabet.bits_per_char() as usize)?;
                let mut s = String::with_capacity(total);
                loop {
                    s.push_str(&self.chars(alphabet, n)?);
                    if !more {
                        break;
                    }
                    (n, more) = self.general_header()?;
                }
                if !size.contains(s.len()) {
                    return Err(self.size_violation());
                }
                Ok(Cow::Owned(s))
            }
        }
    }

    fn chars(&mut self, alphabet: &Alphabet, n: usize) -> Result<Cow<'a, str>> {
        let b = alphabet.bits_per_char() as usize;
        let nbits = n.checked_mul(b).ok_or_else(|| self.bad_length(usize::MAX))?;
        if nbits > self.remaining_bits() {
            return Err(self.bad_length(nbits.div_ceil(8)));
        }
        if alphabet.is_octet_identity() && self.is_aligned() {
            let at = self.pos;
            let s = self.octets(n)?;
            if let Some(i) = s.iter().position(|&c| !alphabet.contains(c)) {
                self.pos = at + 8 * i;
                return Err(self.invalid("character outside the permitted alphabet"));
            }
            // Permitted characters are all ASCII.
            return std::str::from_utf8(s)
                .map(Cow::Borrowed)
                .map_err(|_| self.invalid("character outside the permitted alphabet"));
        }
        let mut s = String::with_capacity(n);
        for _ in 0..n {
            let v = self.bits(b as u32)?;
            match alphabet.decode_char(v) {
                Some(c) => s.push(c as char),
                None => {
                    self.pos -= b;
                    return Err(self.invalid("character outside the permitted alphabet"));
                }
            }
        }
        Ok(Cow::Owned(s))
    }

    /// PrintableString with the given size constraint.
    pub fn printable_string(&mut self, size: Size) -> Result<Cow<'a, str>> {
        self.known_multiplier_string(&Alphabet::PRINTABLE, size)
    }

    /// VisibleString with the given size constraint.
    pub fn visible_string(&mut self, size: Size) -> Result<Cow<'a, str>> {
        self.known_multiplier_string(&Alphabet::VISIBLE, size)
    }

    /// IA5String with the given size constraint.
    pub fn ia5_string(&mut self, size: Size) -> Result<Cow<'a, str>> {
        self.known_multiplier_string(&Alphabet::IA5, size)
    }

    /// NumericString with the given size constraint.
    pub fn numeric_string(&mut self, size: Size) -> Result<Cow<'a, str>> {
        self.known_multiplier_string(&Alphabet::NUMERIC, size)
    }

    /// UTF8String (X.691 §30.6): not a known-multiplier type, so its size
    /// constraints are not PER-visible; a general length in octets, then the
    /// octets. Invalid UTF-8 is an error.
    pub fn utf8_string(&mut self) -> Result<Cow<'a, str>> {
        let at = self.pos;
        let first = self.general_header()?;
        let (v, _) = self.general_contents(first, 8)?;
        let bad = |d: &Self| Error::invalid(d.base + at / 8, "UTF-8 in UTF8String", d.context);
        match v {
            Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed).map_err(|_| bad(self)),
            Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).map_err(|_| bad(self)),
        }
    }

    // ---- constructed types ------------------------------------------------------

    /// The SEQUENCE (or SET) preamble (X.691 §19.1-19.3): the extension bit if
    /// `extensible`, then one presence bit per OPTIONAL/DEFAULT root component.
    #[inline]
    pub fn sequence_preamble(&mut self, extensible: bool, n_optional: usize) -> Result<Preamble> {
        let extended = extensible && self.bit()?;
        if n_optional > 64 {
            return Err(self.unsupported("more than 64 OPTIONAL or DEFAULT components"));
        }
        let bitmap = self.bits(n_optional as u32)?;
        Ok(Preamble {
            extended,
            bitmap,
            count: n_optional as u8,
        })
    }

    /// After the root components of a SEQUENCE whose extension bit was set
    /// (X.691 §19.7-19.8): the normally small length of the addition bitmap,
    /// then the bitmap. Each present addition follows as an open type, in
    /// order: decode known ones with [`open_type_with`](Self::open_type_with),
    /// skip unknown ones with [`skip_open_type`](Self::skip_open_type).
    pub fn extension_bitmap(&mut self) -> Result<ExtensionBitmap<'a>> {
        let len = self.normally_small_length()?;
        if len > self.remaining_bits() {
            return Err(self.bad_length(len.div_ceil(8)));
        }
        let start = self.pos;
        self.pos += len;
        Ok(ExtensionBitmap {
            data: self.data,
            start,
            len,
        })
    }

    /// The element count of a SEQUENCE OF / SET OF (X.691 §20.6): the extension
    /// bit of an extensible size, then the length. A count above the number of
    /// remaining bits is an error, since every element type this is meant for
    /// takes at least one bit (use [`sequence_of`](Self::sequence_of) for
    /// zero-width elements or counts of 16K and more).
    pub fn sequence_of_len(&mut self, size: Size) -> Result<usize> {
        let size = self.effective_size(size)?;
        let n = self.length(size.lb, size.ub)?;
        if !size.contains(n) {
            return Err(self.size_violation());
        }
        if n > self.remaining_bits() {
            return Err(self.bad_length(n.div_ceil(8)));
        }
        Ok(n)
    }

    /// A whole SEQUENCE OF / SET OF, fragmented or not, each element decoded by
    /// `item`. Capacity is reserved for no more elements than there are
    /// remaining octets, whatever the count claims.
    pub fn sequence_of<T>(&mut self, size: Size, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        let size = self.effective_size(size)?;
        let mut out = Vec::new();
        loop {
            let c = self.length_chunk(size.lb, size.ub)?;
            out.reserve(c.len.min(self.remaining_bits() / 8 + 1));
            for _ in 0..c.len {
                out.push(item(self)?);
            }
            if !c.more {
                break;
            }
        }
        if !size.contains(out.len()) {
            return Err(self.size_violation());
        }
        Ok(out)
    }

    /// An open type (X.691 §11.2): octet-aligned general length, then the
    /// octets of a complete encoding. Borrowed unless fragmented.
    pub fn open_type(&mut self) -> Result<Cow<'a, [u8]>> {
        let first = self.general_header()?;
        Ok(self.general_contents(first, 8)?.0)
    }

    /// Skip an open type, e.g. an unknown extension addition.
    pub fn skip_open_type(&mut self) -> Result<()> {
        let (mut n, mut more) = self.general_header()?;
        loop {
            if n > self.remaining_bits() / 8 {
                return Err(self.bad_length(n));
            }
            self.pos += n * 8;
            if !more {
                return Ok(());
            }
            (n, more) = self.general_header()?;
        }
    }

    /// Decode the value inside an open type with `f`, on a decoder over the
    /// open type's octets (so alignment and the end of input are the open
    /// type's own). Error offsets refer to the outer buffer; for a fragmented
    /// open type, which needs a [`Reassembly`], they are counted from the start
    /// of its first length determinant.
    #[inline]
    pub fn open_type_with<T>(&mut self, f: impl FnOnce(&mut PerDecoder<'a>) -> Result<T>) -> Result<T> {
        self.align();
        let at = self.pos / 8;
        let first = self.general_header()?;
        let inner_base = self.base + if first.1 { at } else { self.pos / 8 };
        let bytes: &'a [u8] = match self.general_contents(first, 8)?.0 {
            Cow::Borrowed(b) => b,
            Cow::Owned(v) => match self.reassembly {
                Some(r) => r.keep(v),
                None => {
                    return Err(Error::new(
                        ErrorKind::Unsupported("fragmented open type without a Reassembly"),
                        self.base + at,
                        self.context,
                    ));
                }
            },
        };
        let mut inner = PerDecoder {
            data: bytes,
            pos: 0,
            len_bits: bytes.len() * 8,
            base: inner_base,
            context: self.context,
            reassembly: self.reassembly,
        };
        f(&mut inner)
    }
}

#[cfg(test)]
mod tests {
    use super::PerDecoder;

    #[test]
    fn bit_fields_anywhere_including_the_last_octets() {
        let data = [0xA5u8, 0x3C, 0xFF, 0x01, 0x80, 0x7E, 0x42, 0x99, 0x10];
        // Every start and width against a bit-by-bit reference.
        let bit = |i: usize| (data[i / 8] >> (7 - i % 8)) & 1;
        for start in 0..data.len() * 8 {
            for n in 0..=64u32 {
                let mut d = PerDecoder::new(&data);
                d.pos = start;
                let r = d.bits(n);
                if start + n as usize > data.len() * 8 {
                    assert!(r.is_err());
                    assert_eq!(d.pos, start);
                    continue;
                }
                let want = (start..start + n as usize).fold(0u64, |v, i| (v << 1) | bit(i) as u64);
                assert_eq!(r.unwrap(), want, "start {start} n {n}");
                assert_eq!(d.pos, start + n as usize);
            }
        }
    }

    #[test]
    fn align_never_passes_the_end() {
        let mut d = PerDecoder::new(&[0xFF]);
        d.bits(3).unwrap();
        d.align();
        assert_eq!(d.position(), 8);
        d.align();
        assert_eq!(d.position(), 8);
        assert!(d.bit().is_err());
    }
}

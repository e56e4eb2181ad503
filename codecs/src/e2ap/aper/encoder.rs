//! The ALIGNED PER encoder: the mirror of [`PerDecoder`](super::PerDecoder).

use super::{Alphabet, Index, K16, LengthForm, Size, bit_width, octet_width};
use crate::{Error, ErrorKind, Result};

/// Writes ALIGNED PER into a `Vec<u8>`. Every method mirrors the
/// [`PerDecoder`](super::PerDecoder) method of the same name; values outside
/// their constraint are errors, never silently wrapped. Padding bits are zero.
#[derive(Debug, Clone, Default)]
pub struct PerEncoder {
    buf: Vec<u8>,
    /// Bits written; `buf.len() == bits.div_ceil(8)`.
    bits: usize,
    context: &'static str,
}

impl PerEncoder {
    pub fn new() -> Self {
        Self::with_buffer(Vec::new())
    }

    /// Encode into `buf` (cleared first), reusing its allocation.
    pub fn with_buffer(mut buf: Vec<u8>) -> Self {
        buf.clear();
        PerEncoder {
            buf,
            bits: 0,
            context: "APER",
        }
    }

    /// Name the structure being encoded in errors from now on; returns the
    /// previous name.
    pub fn set_context(&mut self, context: &'static str) -> &'static str {
        std::mem::replace(&mut self.context, context)
    }

    /// Bits written so far.
    pub fn position(&self) -> usize {
        self.bits
    }

    pub fn is_aligned(&self) -> bool {
        self.bits & 7 == 0
    }

    /// The octets written so far (the last one possibly partial).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The complete encoding: padded to an octet boundary, and one zero octet
    /// when nothing was written (X.691 §11.1: a complete encoding is never
    /// empty).
    pub fn finish(mut self) -> Vec<u8> {
        if self.buf.is_empty() {
            self.buf.push(0);
        }
        self.buf
    }

    // ---- errors -----------------------------------------------------------

    #[cold]
    fn invalid(&self, what: &'static str) -> Error {
        Error::invalid(self.bits / 8, what, self.context)
    }

    #[cold]
    fn unsupported(&self, what: &'static str) -> Error {
        Error::new(ErrorKind::Unsupported(what), self.bits / 8, self.context)
    }

    #[cold]
    fn out_of_range(&self) -> Error {
        self.invalid("value outside its constraint")
    }

    // ---- bits -------------------------------------------------------------

    /// Pad with zero bits to the next octet boundary.
    #[inline]
    pub fn align(&mut self) {
        self.bits = self.buf.len() * 8;
    }

    /// The low `n` (0..=64) bits of `value`, most significant first. Higher
    /// bits of `value` are ignored.
    #[inline]
    pub fn bits(&mut self, value: u64, n: u32) {
        if n == 0 {
            return;
        }
        let n = n.min(64);
        let value = if n == 64 { value } else { value & ((1u64 << n) - 1) };
        let mut left = n;
        let used = (self.bits & 7) as u32;
        if used != 0 {
            let free = 8 - used;
            // `used != 0` means the last octet is partial, so it exists.
            if let Some(last) = self.buf.last_mut() {
                if left <= free {
                    *last |= (value << (free - left)) as u8;
                    self.bits += left as usize;
                    return;
                }
                *last |= (value >> (left - free)) as u8;
            }
            left -= free;
        }
        while left >= 8 {
            left -= 8;
            self.buf.push((value >> left) as u8);
        }
        if left > 0 {
            self.buf.push((value << (8 - left)) as u8);
        }
        self.bits += n as usize;
    }

    #[inline]
    pub fn bit(&mut self, b: bool) {
        let used = self.bits & 7;
        if used == 0 {
            self.buf.push((b as u8) << 7);
        } else if let Some(last) = self.buf.last_mut() {
            *last |= (b as u8) << (7 - used);
        }
        self.bits += 1;
    }

    /// Whole octets at an octet boundary.
    #[inline]
    fn aligned_bytes(&mut self, s: &[u8]) {
        self.align();
        self.buf.extend_from_slice(s);
        self.bits += 8 * s.len();
    }

    /// Whole octets: copied as they are when aligned.
    #[inline]
    fn octets(&mut self, s: &[u8]) {
        if self.is_aligned() {
            self.buf.extend_from_slice(s);
            self.bits += s.len() * 8;
        } else {
            for &b in s {
                self.bits(b as u64, 8);
            }
        }
    }

    /// The first `nbits` bits of `s`.
    fn bit_slice(&mut self, s: &[u8], nbits: usize) {
        self.octets(&s[..nbits / 8]);
        let rest = nbits % 8;
        if rest > 0 {
            self.bits((s[nbits / 8] >> (8 - rest)) as u64, rest as u32);
        }
    }

    // ---- whole numbers (X.691 §11.5-11.8) -----------------------------------

    #[inline]
    fn constrained_offset(&mut self, off: u64, range: u128) {
        if range <= 1 {
        } else if range <= 255 {
            self.bits(off, bit_width(range - 1));
        } else if range == 256 {
            self.aligned_bytes(&[off as u8]);
        } else if range <= 65536 {
            self.aligned_bytes(&(off as u16).to_be_bytes());
        } else {
            let max = octet_width((range - 1) as u64);
            let len = octet_width(off);
            self.bits(len as u64 - 1, bit_width(max as u128 - 1));
            self.align();
            self.bits(off, 8 * len as u32);
        }
    }

    /// A constrained whole number / INTEGER (lb..ub) (X.691 §11.5.7).
    #[inline]
    pub fn constrained_int(&mut self, v: i64, lb: i64, ub: i64) -> Result<()> {
        if lb > ub || v < lb || v > ub {
            return Err(self.out_of_range());
        }
        let range = (ub as i128 - lb as i128) as u128 + 1;
        self.constrained_offset((v as i128 - lb as i128) as u64, range);
        Ok(())
    }

    /// INTEGER (lb..ub, ...) (X.691 §13.1): a value outside the root is encoded
    /// as an unconstrained whole number after a set extension bit.
    #[inline]
    pub fn int_ext(&mut self, v: i64, lb: i64, ub: i64) -> Result<()> {
        if lb <= v && v <= ub {
            self.bit(false);
            self.constrained_int(v, lb, ub)
        } else {
            self.bit(true);
            self.unconstrained_int(v)
        }
    }

    /// A semi-constrained whole number, INTEGER (lb..MAX) (X.691 §11.7).
    pub fn semi_constrained_int(&mut self, v: i64, lb: i64) -> Result<()> {
        if v < lb {
            return Err(self.out_of_range());
        }
        let off = (v as i128 - lb as i128) as u64;
        let len = octet_width(off);
        self.align();
        self.buf.push(len as u8);
        self.bits += 8;
        self.bits(off, 8 * len as u32);
        Ok(())
    }

    /// An unconstrained whole number, INTEGER (X.691 §11.8): two's complement
    /// in the fewest octets.
    pub fn unconstrained_int(&mut self, v: i64) -> Result<()> {
        // Significant bits plus the sign bit.
        let magnitude = if v < 0 { !v } else { v };
        let bits = 64 - magnitude.leading_zeros() as usize + 1;
        let len = bits.div_ceil(8);
        self.align();
        self.buf.push(len as u8);
        self.bits += 8;
        self.bits(v as u64, 8 * len as u32);
        Ok(())
    }

    /// A normally small non-negative whole number (X.691 §11.6).
    pub fn normally_small(&mut self, v: u64) -> Result<()> {
        if v < 64 {
            self.bits(v, 7);
            Ok(())
        } else {
            self.bit(true);
            let v = i64::try_from(v).map_err(|_| self.unsupported("normally small number above 63 bits"))?;
            self.semi_constrained_int(v, 0)
        }
    }

    /// A normally small length (X.691 §11.9.3.4), 1 or more.
    pub fn normally_small_length(&mut self, n: usize) -> Result<()> {
        match n {
            0 => Err(self.invalid("normally small length of zero")),
            1..=64 => {
                self.bits(n as u64 - 1, 7);
                Ok(())
            }
            _ => {
                if n >= K16 {
                    return Err(self.unsupported("normally small length of 16K or more"));
                }
                self.bit(true);
                self.general_header(n);
                Ok(())
            }
        }
    }

    // ---- simple types -----------------------------------------------------------

    /// BOOLEAN (X.691 §12).
    #[inline]
    pub fn bool(&mut self, b: bool) {
        self.bit(b);
    }

    /// NULL (X.691 §18): nothing.
    #[inline]
    pub fn null(&mut self) {}

    /// ENUMERATED (X.691 §14).
    #[inline]
    pub fn enumerated(&mut self, v: Index, root_count: u32, extensible: bool) -> Result<()> {
        self.index(v, root_count, extensible)
    }

    /// A CHOICE index (X.691 §23); for [`Index::Extension`] the caller then
    /// writes the alternative as an open type.
    #[inline]
    pub fn choice_index(&mut self, v: Index, n_root: u32, extensible: bool) -> Result<()> {
        self.index(v, n_root, extensible)
    }

    #[inline]
    fn index(&mut self, v: Index, n_root: u32, extensible: bool) -> Result<()> {
        match v {
            Index::Root(i) if i < n_root => {
                if extensible {
                    self.bit(false);
                }
                self.constrained_offset(i as u64, n_root as u128);
                Ok(())
            }
            Index::Extension(i) if extensible => {
                self.bit(true);
                self.normally_small(i as u64)
            }
            _ => Err(self.out_of_range()),
        }
    }

    // ---- lengths (X.691 §11.9) ------------------------------------------------

    /// One general length determinant (aligned) for `remaining` units: the
    /// whole of it below 16K, else a fragment of 16K·m (m = 1..=4). Returns
    /// the number of units to write before the next determinant.
    #[inline]
    fn general_header(&mut self, remaining: usize) -> usize {
        self.align();
        if remaining < 128 {
            self.buf.push(remaining as u8);
            self.bits += 8;
            remaining
        } else if remaining < K16 {
            self.buf
                .extend_from_slice(&[0x80 | (remaining >> 8) as u8, remaining as u8]);
            self.bits += 16;
            remaining
        } else {
            let m = (remaining / K16).min(4);
            self.buf.push(0xc0 | m as u8);
            self.bits += 8;
            m * K16
        }
    }

    /// One length determinant for `remaining` units under the constraint
    /// `lb..=ub` (mirror of [`PerDecoder::length_chunk`](super::PerDecoder::length_chunk)).
    /// Returns how many units to write before the next determinant; when that
    /// is `remaining` and under 16K, the length is complete.
    pub fn length_chunk(&mut self, remaining: usize, lb: usize, ub: Option<usize>) -> Result<usize> {
        let size = Size {
            lb,
            ub,
            extensible: false,
        };
        match size.form() {
            LengthForm::Fixed(n) if n == remaining => Ok(n),
            LengthForm::Constrained(lb, ub) if (lb..=ub).contains(&remaining) => {
                self.constrained_offset((remaining - lb) as u64, (ub - lb) as u128 + 1);
                Ok(remaining)
            }
            LengthForm::General => Ok(self.general_header(remaining)),
            _ => Err(self.invalid("length outside its size constraint")),
        }
    }

    /// A length determinant that is not fragmented (under 16K in the general
    /// form).
    pub fn length(&mut self, n: usize, lb: usize, ub: Option<usize>) -> Result<()> {
        let size = Size {
            lb,
            ub,
            extensible: false,
        };
        if n >= K16 && size.form() == LengthForm::General {
            return Err(self.unsupported("length of 16K or more where one length was expected"));
        }
        self.length_chunk(n, lb, ub).map(|_| ())
    }

    /// Writes the extension bit of an extensible size; returns the constraint
    /// that then applies, or an error when `n` does not fit.
    #[inline]
    fn effective_size(&mut self, size: Size, n: usize) -> Result<Size> {
        let root = size.contains(n);
        if size.extensible {
            self.bit(!root);
            if !root {
                return Ok(Size::UNCONSTRAINED);
            }
        } else if !root {
            return Err(self.invalid("length outside its size constraint"));
        }
        Ok(size)
    }

    /// General-form contents: `units` units of `unit_bits` bits from `s`,
    /// fragmented at 16K units.
    #[inline]
    fn general_contents(&mut self, s: &[u8], units: usize, unit_bits: usize) -> Result<()> {
        if units < K16 {
            self.general_header(units);
            self.bit_slice(s, units * unit_bits);
            return Ok(());
        }
        self.fragmented_contents(s, units, unit_bits)
    }

    #[inline(never)]
    fn fragmented_contents(&mut self, s: &[u8], units: usize, unit_bits: usize) -> Result<()> {
        let mut done = 0;
        loop {
            let n = self.general_header(units - done);
            let from = done * unit_bits;
            if !from.is_multiple_of(8) {
                // Fragments are 16K·m units: whole octets for units of 1 to 8 bits.
                return Err(self.invalid("fragment not on an octet boundary"));
            }
            self.bit_slice(&s[from / 8..], n * unit_bits);
            done += n;
            // A chunk under 16K is the last; a fragment is always followed by
            // another length, possibly zero.
            if n < K16 {
                return Ok(());
            }
        }
    }

    // ---- strings --------------------------------------------------------------

    /// OCTET STRING (X.691 §17).
    pub fn octet_string(&mut self, v: &[u8], size: Size) -> Result<()> {
        let size = self.effective_size(size, v.len())?;
        match size.form() {
            LengthForm::Fixed(n) => {
                if n > 2 {
                    self.align();
                }
                self.octets(v);
            }
            LengthForm::Constrained(lb, ub) => {
                self.constrained_offset((v.len() - lb) as u64, (ub - lb) as u128 + 1);
                self.align();
                self.octets(v);
            }
            LengthForm::General => self.general_contents(v, v.len(), 8)?,
        }
        Ok(())
    }

    /// BIT STRING (X.691 §16) of the first `nbits` bits of `v`.
    pub fn bit_string(&mut self, v: &[u8], nbits: usize, size: Size) -> Result<()> {
        if v.len() < nbits.div_ceil(8) {
            return Err(self.invalid("BIT STRING shorter than its bit count"));
        }
        let size = self.effective_size(size, nbits)?;
        match size.form() {
            LengthForm::Fixed(n) => {
                if n > 16 {
                    self.align();
                }
                self.bit_slice(v, n);
            }
            LengthForm::Constrained(lb, ub) => {
                self.constrained_offset((nbits - lb) as u64, (ub - lb) as u128 + 1);
                self.align();
                self.bit_slice(v, nbits);
            }
            LengthForm::General => self.general_contents(v, nbits, 1)?,
        }
        Ok(())
    }

    /// A known-multiplier character string (X.691 §30.5) over `alphabet`.
    pub fn known_multiplier_string(&mut self, s: &str, alphabet: &Alphabet, size: Size) -> Result<()> {
        let s = s.as_bytes();
        if s.iter().any(|&c| !alphabet.contains(c)) {
            return Err(self.invalid("character outside the permitted alphabet"));
        }
        let size = self.effective_size(size, s.len())?;
        match size.form() {
            LengthForm::Fixed(n) => {
                if n > 2 {
                    self.align();
                }
                self.chars(s, alphabet);
            }
            LengthForm::Constrained(lb, ub) => {
                self.constrained_offset((s.len() - lb) as u64, (ub - lb) as u128 + 1);
                self.align();
                self.chars(s, alphabet);
            }
            LengthForm::General => {
                if alphabet.is_octet_identity() {
                    self.general_contents(s, s.len(), 8)?;
                } else {
                    let mut done = 0;
                    loop {
                        let rem = s.len() - done;
                        let n = self.general_header(rem);
                        self.chars(&s[done..done + n], alphabet);
                        done += n;
                        if n < K16 {
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Characters already checked against `alphabet`.
    fn chars(&mut self, s: &[u8], alphabet: &Alphabet) {
        if alphabet.is_octet_identity() {
            self.octets(s);
        } else {
            let b = alphabet.bits_per_char();
            for &c in s {
                self.bits(alphabet.encode_char(c).unwrap_or(0), b);
            }
        }
    }

    /// PrintableString with the given size constraint.
    pub fn printable_string(&mut self, s: &str, size: Size) -> Result<()> {
        self.known_multiplier_string(s, &Alphabet::PRINTABLE, size)
    }

    /// VisibleString with the given size constraint.
    pub fn visible_string(&mut self, s: &str, size: Size) -> Result<()> {
        self.known_multiplier_string(s, &Alphabet::VISIBLE, size)
    }

    /// IA5String with the given size constraint.
    pub fn ia5_string(&mut self, s: &str, size: Size) -> Result<()> {
        self.known_multiplier_string(s, &Alphabet::IA5, size)
    }

    /// NumericString with the given size constraint.
    pub fn numeric_string(&mut self, s: &str, size: Size) -> Result<()> {
        self.known_multiplier_string(s, &Alphabet::NUMERIC, size)
    }

    /// UTF8String (X.691 §30.6): a general length in octets, then the octets.
    pub fn utf8_string(&mut self, s: &str) -> Result<()> {
        self.general_contents(s.as_bytes(), s.len(), 8)
    }

    // ---- constructed types ------------------------------------------------------

    /// The SEQUENCE (or SET) preamble (X.691 §19.1-19.3): the extension bit if
    /// `extensible`, then a presence bit per OPTIONAL/DEFAULT root component.
    #[inline]
    pub fn sequence_preamble(&mut self, extensible: bool, extended: bool, optional: &[bool]) -> Result<()> {
        if extensible {
            self.bit(extended);
        } else if extended {
            return Err(self.invalid("extension additions in a non-extensible SEQUENCE"));
        }
        for &p in optional {
            self.bit(p);
        }
        Ok(())
    }

    /// The extension addition bitmap (X.691 §19.7-19.8), one entry per addition
    /// the type defines; then write each present addition with
    /// [`open_type_with`](Self::open_type_with), in order.
    pub fn extension_bitmap(&mut self, present: &[bool]) -> Result<()> {
        self.normally_small_length(present.len())?;
        for &p in present {
            self.bit(p);
        }
        Ok(())
    }

    /// The element count of a SEQUENCE OF / SET OF (X.691 §20.6), under 16K
    /// when not constrained below 64K; the caller writes the elements.
    pub fn sequence_of_len(&mut self, n: usize, size: Size) -> Result<()> {
        let size = self.effective_size(size, n)?;
        self.length(n, size.lb, size.ub)
    }

    /// A whole SEQUENCE OF / SET OF, fragmented as needed, each element
    /// written by `item`.
    pub fn sequence_of<T>(
        &mut self,
        items: &[T],
        size: Size,
        mut item: impl FnMut(&mut Self, &T) -> Result<()>,
    ) -> Result<()> {
        let size = self.effective_size(size, items.len())?;
        let mut done = 0;
        loop {
            let rem = items.len() - done;
            let n = self.length_chunk(rem, size.lb, size.ub)?;
            for it in &items[done..done + n] {
                item(self, it)?;
            }
            done += n;
            if n < K16 || size.form() != LengthForm::General {
                return Ok(());
            }
        }
    }

    /// An open type (X.691 §11.2) holding `encoding`, a complete encoding
    /// (an empty one is written as the single zero octet it stands for).
    pub fn open_type(&mut self, encoding: &[u8]) -> Result<()> {
        let encoding = if encoding.is_empty() { &[0u8][..] } else { encoding };
        self.general_contents(encoding, encoding.len(), 8)
    }

    /// An open type whose contents `f` writes, as a complete encoding starting
    /// at its own octet boundary. Written in place: room for a two-octet length
    /// is reserved and the contents moved when the length turns out shorter
    /// (under 128 octets) or fragmented (16K or more).
    #[inline]
    pub fn open_type_with(&mut self, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.align();
        let hdr = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        self.bits += 16;
        let start = self.buf.len();
        f(self)?;
        self.align();
        if self.buf.len() == start {
            self.buf.push(0);
            self.bits += 8;
        }
        let n = self.buf.len() - start;
        if n < 128 {
            self.buf[hdr] = n as u8;
            if n <= 8 {
                // Most IE values are a few octets: cheaper than a memmove call.
                for i in 0..n {
                    self.buf[hdr + 1 + i] = self.buf[start + i];
                }
            } else {
                self.buf.copy_within(start.., hdr + 1);
            }
            self.buf.truncate(hdr + 1 + n);
        } else if n < K16 {
            self.buf[hdr] = 0x80 | (n >> 8) as u8;
            self.buf[hdr + 1] = n as u8;
        } else {
            let contents = self.buf.split_off(start);
            self.buf.truncate(hdr);
            self.bits = hdr * 8;
            self.general_contents(&contents, n, 8)?;
        }
        self.bits = self.buf.len() * 8;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::PerEncoder;
    use crate::e2ap::aper::PerDecoder;

    #[test]
    fn bit_fields_pack_msb_first() {
        let mut e = PerEncoder::new();
        e.bits(0b101, 3);
        e.bits(0xFFFF_FFFF_FFFF_FFFF, 64);
        e.bit(false);
        e.bits(0x2A, 6);
        assert_eq!(e.position(), 74);
        let b = e.finish();
        let mut d = PerDecoder::new(&b);
        assert_eq!((d.bits(3).unwrap(), d.bits(64).unwrap()), (0b101, u64::MAX));
        assert_eq!((d.bit().unwrap(), d.bits(6).unwrap()), (false, 0x2A));
        // High bits beyond the width are ignored.
        let mut e = PerEncoder::new();
        e.bits(0xF1, 4);
        assert_eq!(e.finish(), [0x10]);
    }

    #[test]
    fn finish_pads_and_never_returns_empty() {
        assert_eq!(PerEncoder::new().finish(), [0]);
        let mut e = PerEncoder::with_buffer(vec![1, 2, 3]);
        e.bit(true);
        assert_eq!(e.finish(), [0x80]);
    }
}

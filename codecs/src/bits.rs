//! MSB-first bit reader and writer over byte buffers.
//!
//! O-RAN fields are big-endian with bit 0 the most significant bit of the
//! first byte, so bits are consumed from the top of each byte down. These
//! types are the straightforward reference that packed-field code (e.g. IQ
//! compression) is checked against; hot loops use specialised unpacking.

use crate::{Error, ErrorKind, Result};

/// Reads fields of 0..=32 bits, most significant bit first.
///
/// A failed read leaves the position unchanged and returns an [`Error`]
/// whose `offset` is the byte (relative to the start of the slice, plus the
/// base set with [`BitReader::with_base`]) holding the first bit of the
/// field. It never panics, whatever the input.
#[derive(Debug, Clone)]
pub struct BitReader<'a> {
    data: &'a [u8],
    /// Position in bits from the start of `data`.
    pos: usize,
    /// Added to error offsets so they refer to the caller's outer buffer.
    base: usize,
    context: &'static str,
}

impl<'a> BitReader<'a> {
    /// A reader at bit 0 of `data`; errors name `context` as the structure.
    pub fn new(data: &'a [u8], context: &'static str) -> Self {
        BitReader {
            data,
            pos: 0,
            base: 0,
            context,
        }
    }

    /// Report error offsets as `base + offset within data`, for a reader over
    /// a sub-slice that starts `base` bytes into the outer buffer.
    pub fn with_base(mut self, base: usize) -> Self {
        self.base = base;
        self
    }

    /// Bits consumed so far.
    pub fn bit_pos(&self) -> usize {
        self.pos
    }

    /// Bytes touched so far: a partly read byte counts as consumed.
    pub fn byte_pos(&self) -> usize {
        self.pos.div_ceil(8)
    }

    /// Bits left to read.
    pub fn remaining_bits(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }

    /// True when the position is on a byte boundary.
    pub fn is_aligned(&self) -> bool {
        // (not is_multiple_of: the workspace MSRV is 1.85)
        self.pos & 7 == 0
    }

    fn truncated(&self, nbits: usize) -> Error {
        let byte = self.pos / 8;
        // Bytes the field spans, counted from the byte holding its first bit.
        let needed = (self.pos % 8 + nbits).div_ceil(8);
        let available = self.data.len().saturating_sub(byte);
        Error::truncated(self.base + byte, needed, available, self.context)
    }

    /// Read `n` (0..=32) bits as an unsigned value; `n = 0` reads nothing
    /// and returns 0. `n > 32` is an [`ErrorKind::Invalid`] error.
    pub fn read(&mut self, n: u32) -> Result<u32> {
        if n > 32 {
            return Err(Error::new(
                ErrorKind::Invalid("bit field width above 32"),
                self.base + self.pos / 8,
                self.context,
            ));
        }
        let n_us = n as usize;
        if n_us > self.remaining_bits() {
            return Err(self.truncated(n_us));
        }
        if n == 0 {
            return Ok(0);
        }
        let byte = self.pos / 8;
        let shift = (self.pos % 8) as u32;
        // Gather the (at most 5) bytes the field spans into the top of a u64,
        // drop the bits already consumed, keep the top n.
        let end = (self.pos + n_us).div_ceil(8);
        let mut acc: u64 = 0;
        for (i, &b) in self.data[byte..end].iter().enumerate() {
            acc |= u64::from(b) << (56 - 8 * i);
        }
        let v = (acc << shift) >> (64 - n);
        self.pos += n_us;
        Ok(v as u32)
    }

    /// Read a `n`-bit (1..=16) two's complement value, sign-extended.
    /// Other widths are an [`ErrorKind::Invalid`] error.
    pub fn read_signed(&mut self, n: u32) -> Result<i16> {
        if !(1..=16).contains(&n) {
            return Err(Error::new(
                ErrorKind::Invalid("signed bit field width outside 1..=16"),
                self.base + self.pos / 8,
                self.context,
            ));
        }
        let v = self.read(n)?;
        // Put the field's sign bit at bit 31, then shift back arithmetically.
        Ok((((v << (32 - n)) as i32) >> (32 - n)) as i16)
    }

    /// Read one bit.
    pub fn read_bool(&mut self) -> Result<bool> {
        Ok(self.read(1)? == 1)
    }

    /// Skip `n` bits (any count); fails, without moving, past the end.
    pub fn skip(&mut self, n: usize) -> Result<()> {
        if n > self.remaining_bits() {
            return Err(self.truncated(n));
        }
        self.pos += n;
        Ok(())
    }

    /// Move to the next byte boundary (no-op when aligned). Never fails: the
    /// padding bits are in the byte already started.
    pub fn align(&mut self) {
        self.pos = self.pos.next_multiple_of(8);
    }

    /// The bytes after the current position, rounded up to a byte boundary.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.byte_pos()..).unwrap_or(&[])
    }
}

/// Appends fields, most significant bit first, to a `Vec<u8>`.
///
/// Starts at the end of the vector on a byte boundary. Unwritten bits of the
/// last byte are zero, so padding to a byte boundary is just [`align`].
///
/// [`align`]: BitWriter::align
#[derive(Debug)]
pub struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    /// Bits already used in the last byte of `out` (0 = byte boundary).
    used: u32,
    start_len: usize,
}

impl<'a> BitWriter<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        let start_len = out.len();
        BitWriter {
            out,
            used: 0,
            start_len,
        }
    }

    /// Bits written by this writer.
    pub fn bit_len(&self) -> usize {
        let bytes = self.out.len() - self.start_len;
        if self.used == 0 {
            bytes * 8
        } else {
            (bytes - 1) * 8 + self.used as usize
        }
    }

    /// True when the position is on a byte boundary.
    pub fn is_aligned(&self) -> bool {
        self.used == 0
    }

    /// Append the low `n` (0..=32) bits of `value`. A value that does not fit
    /// in `n` bits (or `n > 32`) is an [`ErrorKind::FieldOverflow`] error and
    /// writes nothing.
    pub fn write(&mut self, value: u32, n: u32) -> Result<()> {
        if n > 32 || (n < 32 && u64::from(value) >> n != 0) {
            return Err(self.overflow(n, u64::from(value)));
        }
        self.put(value, n);
        Ok(())
    }

    /// Append `value` as an `n`-bit (1..=16) two's complement field. Values
    /// outside `-2^(n-1) ..= 2^(n-1) - 1` are an [`ErrorKind::FieldOverflow`]
    /// error (the value reported is its two's complement bit pattern).
    pub fn write_signed(&mut self, value: i16, n: u32) -> Result<()> {
        let lo = -(1i32 << (n.clamp(1, 16) - 1));
        let hi = -lo - 1;
        if !(1..=16).contains(&n) || !(lo..=hi).contains(&i32::from(value)) {
            return Err(self.overflow(n, u64::from(value as u16)));
        }
        self.put(u32::from(value as u16) & ((1u32 << n) - 1), n);
        Ok(())
    }

    /// Append one bit.
    pub fn write_bool(&mut self, b: bool) {
        self.put(u32::from(b), 1);
    }

    /// Pad with zero bits to the next byte boundary.
    pub fn align(&mut self) {
        self.used = 0;
    }

    fn overflow(&self, bits: u32, value: u64) -> Error {
        // Offset of the byte the field would have started in.
        let offset = self.start_len + self.bit_len() / 8;
        Error::new(
            ErrorKind::FieldOverflow {
                bits: bits.min(255) as u8,
                value,
            },
            offset,
            "bit writer",
        )
    }

    /// Append the low `n` bits of `value`; caller guarantees the bits above
    /// `n` are zero and `n <= 32`.
    fn put(&mut self, value: u32, mut n: u32) {
        while n > 0 {
            if self.used == 0 {
                self.out.push(0);
            }
            let free = 8 - self.used;
            let take = free.min(n);
            let chunk = ((value >> (n - take)) & ((1u32 << take) - 1)) as u8;
            if let Some(last) = self.out.last_mut() {
                *last |= chunk << (free - take);
            }
            self.used = (self.used + take) % 8;
            n -= take;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_bytes_msb_first() {
        let d = [0b1010_1100, 0b0101_0011, 0xFF];
        let mut r = BitReader::new(&d, "t");
        assert_eq!(r.read(3).unwrap(), 0b101);
        assert_eq!(r.read(7).unwrap(), 0b011_0001);
        assert_eq!(r.read_signed(6).unwrap(), 0b01_0011);
        assert_eq!(r.read_signed(8).unwrap(), -1);
        assert_eq!(r.remaining_bits(), 0);
        let e = r.read(1).unwrap_err();
        assert_eq!(e.offset, 3);
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 1,
                available: 0
            }
        );
    }

    #[test]
    fn read_32_at_odd_offset() {
        let d = [0x0F, 0xFF, 0xFF, 0xFF, 0xF0];
        let mut r = BitReader::new(&d, "t");
        r.skip(4).unwrap();
        assert_eq!(r.read(32).unwrap(), u32::MAX);
        assert!(r.read(33).is_err());
    }

    #[test]
    fn truncation_reports_start_byte_and_keeps_position() {
        let d = [0u8; 2];
        let mut r = BitReader::new(&d, "t").with_base(10);
        r.skip(12).unwrap();
        let e = r.read(9).unwrap_err();
        assert_eq!(e.offset, 11);
        assert_eq!(
            e.kind,
            ErrorKind::Truncated {
                needed: 2,
                available: 1
            }
        );
        assert_eq!(r.bit_pos(), 12);
        r.align();
        assert_eq!(r.bit_pos(), 16);
        assert!(r.rest().is_empty());
    }

    #[test]
    fn writer_round_trip_and_align() {
        let mut v = vec![0xAA];
        let mut w = BitWriter::new(&mut v);
        w.write(0b101, 3).unwrap();
        w.write_signed(-3, 5).unwrap();
        w.write(0x1FF, 9).unwrap();
        assert_eq!(w.bit_len(), 17);
        w.align();
        assert!(w.write(4, 2).is_err());
        assert!(w.write_signed(16, 5).is_err());
        assert!(w.write_signed(-17, 5).is_err());
        w.write_signed(-16, 5).unwrap();
        assert_eq!(v, [0xAA, 0b1011_1101, 0xFF, 0x80, 0b1000_0000]);
        let mut r = BitReader::new(&v[1..], "t");
        assert_eq!(r.read(3).unwrap(), 0b101);
        assert_eq!(r.read_signed(5).unwrap(), -3);
        assert_eq!(r.read(9).unwrap(), 0x1FF);
        r.align();
        assert_eq!(r.read_signed(5).unwrap(), -16);
    }
}

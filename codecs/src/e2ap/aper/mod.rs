//! ALIGNED PER runtime (ITU-T X.691, aligned variant): the primitive encodings
//! that the E2AP and E2SM message codecs are built from.
//!
//! [`PerDecoder`] reads from a byte slice with a bit cursor; [`PerEncoder`]
//! writes into a `Vec<u8>` and mirrors every decoder method. Neither knows any
//! ASN.1 type: the caller passes the PER-visible constraints of each field
//! (ranges, [`Size`] constraints, alphabets, extensibility).
//!
//! # Design
//! - A hand-written bit cursor rather than nom's bit parsers: PER alignment is
//!   relative to the start of the enclosing (open-type) encoding, octet-aligned
//!   contents are handed out borrowed with the input's lifetime, and errors
//!   carry byte offsets. nom's `(&[u8], usize)` bit input provides none of these
//!   and adds a tuple shuffle and error conversion to every field; the cursor
//!   reads any field of up to 57 bits with one unaligned 8-byte load.
//! - Octet-aligned contents (OCTET STRING, open types, 8-bit character strings)
//!   come back as `Cow::Borrowed` from the input; only fragmented (>= 16K) or
//!   unaligned contents are copied.
//! - No length is trusted: a length that claims more than the remaining input
//!   is an error before anything is allocated or skipped.
//! - Where implementations read X.691 differently, pycrate (the project's
//!   reference) is followed: a variable-size string's contents are octet-aligned
//!   even when empty, and a fixed-size known-multiplier string is aligned when
//!   it has more than two characters (X.691 §30.5.7 counts bits, `ub`·`b` > 16;
//!   the two differ only for alphabets under 8 bits a character, which no E2
//!   module uses).
//! - Decoding is lenient about padding bits and non-minimal length forms, strict
//!   about values outside a non-extensible constraint (they cannot be encoded,
//!   so the input is not APER of that type).
//!
//! After an error the decoder's position and the encoder's contents are
//! unspecified; errors never panic.

mod alphabet;
mod decoder;
mod encoder;

use std::borrow::Cow;
use std::cell::OnceCell;

pub use alphabet::Alphabet;
pub use decoder::{Chunk, ExtensionBitmap, PerDecoder};
pub use encoder::PerEncoder;

/// 16K: the fragment unit of the general length determinant (X.691 §11.9.3.8).
pub const K16: usize = 16 * 1024;
/// 64K: at or above this upper bound a length is no longer a constrained whole
/// number (X.691 §11.9.4.1).
pub const K64: usize = 64 * 1024;

/// A PER-visible SIZE constraint: `lb..=ub` (`ub: None` for no upper bound),
/// and whether it has an extension marker (`SIZE(1..150, ...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub lb: usize,
    pub ub: Option<usize>,
    pub extensible: bool,
}

impl Size {
    /// No size constraint (or one that is not PER-visible).
    pub const UNCONSTRAINED: Size = Size {
        lb: 0,
        ub: None,
        extensible: false,
    };

    /// `SIZE(n)`.
    pub const fn fixed(n: usize) -> Size {
        Size {
            lb: n,
            ub: Some(n),
            extensible: false,
        }
    }

    /// `SIZE(lb..ub)`.
    pub const fn range(lb: usize, ub: usize) -> Size {
        Size {
            lb,
            ub: Some(ub),
            extensible: false,
        }
    }

    /// `SIZE(lb..MAX)`.
    pub const fn at_least(lb: usize) -> Size {
        Size {
            lb,
            ub: None,
            extensible: false,
        }
    }

    /// The same root with an extension marker: `SIZE(lb..ub, ...)`.
    pub const fn ext(self) -> Size {
        Size {
            extensible: true,
            ..self
        }
    }

    /// Whether `n` is in the root of the constraint.
    pub const fn contains(&self, n: usize) -> bool {
        n >= self.lb
            && match self.ub {
                Some(ub) => n <= ub,
                None => true,
            }
    }

    /// How a length in the root is encoded.
    pub(crate) fn form(&self) -> LengthForm {
        match self.ub {
            Some(ub) if ub < K64 && self.lb == ub => LengthForm::Fixed(ub),
            Some(ub) if ub < K64 => LengthForm::Constrained(self.lb, ub),
            _ => LengthForm::General,
        }
    }
}

/// The three shapes of X.691 §11.9.4: no length at all, a constrained whole
/// number, or the general (possibly fragmented) length determinant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LengthForm {
    Fixed(usize),
    Constrained(usize, usize),
    General,
}

/// A CHOICE alternative or an ENUMERATED item: its index in the root, or its
/// index among the extension additions (0 = the first addition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Index {
    Root(u32),
    Extension(u32),
}

/// The SEQUENCE preamble (X.691 §19.1-19.3): the extension bit and the
/// presence bitmap of the root's OPTIONAL and DEFAULT components.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preamble {
    /// The extension bit: extension additions follow the root components.
    pub extended: bool,
    bitmap: u64,
    count: u8,
}

impl Preamble {
    /// Number of OPTIONAL/DEFAULT components in the bitmap.
    pub fn optional_count(&self) -> usize {
        self.count as usize
    }

    /// Whether the `i`-th OPTIONAL/DEFAULT component (in definition order) is
    /// present; false for `i` beyond the bitmap.
    pub fn is_present(&self, i: usize) -> bool {
        i < self.count as usize && (self.bitmap >> (self.count as usize - 1 - i)) & 1 == 1
    }
}

/// A BIT STRING value: `bits` bits, most significant bit of `bytes[0]` first.
/// `bytes` holds exactly `bits.div_ceil(8)` octets and the unused low bits of
/// the last one are zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitString<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub bits: usize,
}

impl BitString<'_> {
    /// Bit `i` (0 = first), false beyond the end.
    pub fn bit(&self, i: usize) -> bool {
        i < self.bits && self.bytes.get(i / 8).is_some_and(|b| (b >> (7 - i % 8)) & 1 == 1)
    }

    /// The value as an unsigned integer, first bit most significant; `None`
    /// above 64 bits.
    pub fn to_u64(&self) -> Option<u64> {
        if self.bits > 64 || self.bytes.len() != self.bits.div_ceil(8) {
            return None;
        }
        let mut v = 0u64;
        for &b in self.bytes.iter() {
            v = (v << 8) | b as u64;
        }
        Some(v >> (self.bytes.len() * 8 - self.bits))
    }

    /// Detach from the input.
    pub fn into_owned(self) -> BitString<'static> {
        BitString {
            bytes: Cow::Owned(self.bytes.into_owned()),
            bits: self.bits,
        }
    }
}

/// Storage for open types that arrive fragmented (16K octets or more), so a
/// value decoded from the reassembled octets can still borrow for the input's
/// lifetime. Give one to [`PerDecoder::with_reassembly`]; without it,
/// [`PerDecoder::open_type_with`] on a fragmented open type is an error
/// (the raw octets stay available from [`PerDecoder::open_type`]).
#[derive(Default)]
pub struct Reassembly {
    head: OnceCell<Box<Node>>,
}

struct Node {
    buf: Box<[u8]>,
    next: OnceCell<Box<Node>>,
}

impl Reassembly {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep `buf` until `self` is dropped. Append-only: the list is walked to
    /// its end, which is short (one node per fragmented open type).
    pub(crate) fn keep(&self, buf: Vec<u8>) -> &[u8] {
        let mut cell = &self.head;
        while let Some(node) = cell.get() {
            cell = &node.next;
        }
        let node = cell.get_or_init(move || {
            Box::new(Node {
                buf: buf.into_boxed_slice(),
                next: OnceCell::new(),
            })
        });
        &node.buf
    }
}

impl Drop for Reassembly {
    fn drop(&mut self) {
        // Unlink iteratively: a recursive drop of a long list could overflow the stack.
        let mut next = self.head.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

impl std::fmt::Debug for Reassembly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reassembly")
    }
}

/// Number of bits needed for values `0..=x` (0 for `x == 0`).
#[inline]
pub(crate) const fn bit_width(x: u128) -> u32 {
    128 - x.leading_zeros()
}

/// Octets needed for the non-negative binary integer `x` (at least 1).
#[inline]
pub(crate) const fn octet_width(x: u64) -> usize {
    let bits = 64 - x.leading_zeros() as usize;
    if bits == 0 { 1 } else { bits.div_ceil(8) }
}

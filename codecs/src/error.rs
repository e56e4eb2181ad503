//! The one error type of every decoder and encoder in this crate.

use core::fmt;

/// What went wrong. Non-exhaustive so new kinds do not break callers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the field was complete.
    Truncated {
        /// Bytes that were needed from `offset` on.
        needed: usize,
        /// Bytes that were available from `offset` on.
        available: usize,
    },
    /// A length or count field disagrees with the bytes present.
    BadLength {
        /// What the field claims, in bytes.
        claimed: usize,
        /// What is actually there, in bytes.
        actual: usize,
    },
    /// A value that makes the rest of the input unparseable (e.g. extLen 0,
    /// an unknown ethertype). Values that are merely non-conformant are
    /// decoded and reported, not rejected.
    Invalid(&'static str),
    /// Recognised but not implemented (e.g. a compression method not yet built).
    Unsupported(&'static str),
    /// A value given to an encoder does not fit its field.
    FieldOverflow {
        /// Field width in bits.
        bits: u8,
        /// The value that did not fit.
        value: u64,
    },
}

/// A decode or encode error with the byte offset (from the start of the buffer
/// handed to the outermost parser) and the structure being parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub offset: usize,
    /// The structure or field being read, e.g. `"eCPRI common header"`.
    pub context: &'static str,
}

pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, offset: usize, context: &'static str) -> Self {
        Error { kind, offset, context }
    }

    pub fn truncated(offset: usize, needed: usize, available: usize, context: &'static str) -> Self {
        Error::new(ErrorKind::Truncated { needed, available }, offset, context)
    }

    pub fn invalid(offset: usize, what: &'static str, context: &'static str) -> Self {
        Error::new(ErrorKind::Invalid(what), offset, context)
    }

    /// Shift the offset by `base`, for errors raised by a parser that was handed
    /// a sub-slice starting `base` bytes into the outer buffer.
    pub fn at(mut self, base: usize) -> Self {
        self.offset += base;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}: ", self.context, self.offset)?;
        match &self.kind {
            ErrorKind::Truncated { needed, available } => {
                write!(f, "truncated (needed {needed} bytes, {available} available)")
            }
            ErrorKind::BadLength { claimed, actual } => {
                write!(f, "length field says {claimed} bytes, {actual} present")
            }
            ErrorKind::Invalid(what) => write!(f, "invalid {what}"),
            ErrorKind::Unsupported(what) => write!(f, "unsupported {what}"),
            ErrorKind::FieldOverflow { bits, value } => {
                write!(f, "value {value} does not fit in {bits} bits")
            }
        }
    }
}

impl std::error::Error for Error {}

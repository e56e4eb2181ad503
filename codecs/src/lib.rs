//! Open Fronthaul wire formats: eCPRI, link framing, and the O-RAN CUS-plane
//! (radio application header, C-plane, U-plane, IQ compression).
//!
//! Pure functions over byte slices: nothing here does I/O or reads a clock.
//! Parsers are lenient: they report what is on the wire (reserved values
//! included) and leave judging conformance to the suites. Bad input yields an
//! [`Error`] carrying the byte offset where recognition failed, never a panic.

pub mod bits;
pub mod e2ap;
pub mod e2sm;
pub mod eaxc;
pub mod ecpri;
pub mod error;
pub mod framing;
pub mod fronthaul;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod ptp;

pub use error::{Error, ErrorKind, Result};

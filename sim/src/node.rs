//! The sans-I/O interface every simulated unit offers (quinn-proto style):
//! the caller owns the clock and the sockets, the unit only reacts.

use crate::timing::Nanos;

/// A frame the unit wants on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// When it should leave (never later than the `now` it was polled at).
    pub at: Nanos,
    /// The whole Ethernet frame, without FCS.
    pub frame: Vec<u8>,
}

/// A simulated network element driven in virtual or real time.
pub trait Node {
    /// A frame arrived at `now`.
    fn handle_frame(&mut self, now: Nanos, frame: &[u8]);
    /// The next frame due at or before `now`, if any; call until `None`.
    fn poll_transmit(&mut self, now: Nanos) -> Option<Transmit>;
    /// When the unit next wants `poll_transmit` called, if ever.
    fn poll_timeout(&self) -> Option<Nanos>;
}

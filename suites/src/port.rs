//! The port a test case drives: send a frame at a time, expect frames until a
//! deadline. Cases are written against this, never against sockets, so the
//! same case runs in virtual time against a simulated DUT and in real time
//! against a device behind a network interface.

use sim::oru::{CounterKey, Oru, RxCounters};
use sim::{Nanos, Node};
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// A frame received from the DUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxFrame {
    /// Arrival time at the harness.
    pub at: Nanos,
    pub frame: Vec<u8>,
}

/// Why a port could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PortError {
    /// The transport is gone (interface down, peer closed).
    Closed(String),
    /// Asked to send at a time already past.
    TooLate {
        at: Nanos,
        now: Nanos,
    },
    Io(String),
}

impl core::fmt::Display for PortError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PortError::Closed(why) => write!(f, "port closed: {why}"),
            PortError::TooLate { at, now } => write!(f, "send time {at} ns is before now ({now} ns)"),
            PortError::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl std::error::Error for PortError {}

/// Direction of a captured frame relative to the harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureDir {
    /// Sent by the harness to the DUT.
    ToDut,
    /// Received by the harness from the DUT.
    FromDut,
}

/// A frame as seen at the harness's capture point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub at: Nanos,
    pub dir: CaptureDir,
    pub frame: Vec<u8>,
}

/// The harness side of a link to a DUT.
pub trait Port {
    /// Time on the port's clock (the air-time reference is its origin).
    fn now(&self) -> Nanos;
    /// Queue `frame` to leave at `at`.
    fn send_at(&mut self, at: Nanos, frame: Vec<u8>) -> Result<(), PortError>;
    /// The next frame from the DUT arriving no later than `deadline`, or
    /// `None` once the deadline has passed with nothing received.
    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<RxFrame>, PortError>;
    /// The DUT's receive counters, when the test bed can read them (an
    /// M-plane session to a real O-RU, or the simulator's own state).
    fn dut_counters(&mut self) -> Option<BTreeMap<CounterKey, RxCounters>> {
        None
    }
    /// Everything sent and received so far, in time order, when the port
    /// keeps a capture; drained by the call.
    fn take_capture(&mut self) -> Vec<Captured> {
        Vec::new()
    }
    /// How the exchange departed from what the port's DUT answers to, when
    /// the port can tell (a replayed recording: frames the case sent that
    /// the recording does not hold), so that a verdict drawn from answers
    /// to other questions is not reported as one about the DUT.
    fn divergence(&self) -> Option<String> {
        None
    }
}

/// A simulated DUT that may expose its receive counters.
pub trait SimDut: Node {
    fn counters(&self) -> Option<BTreeMap<CounterKey, RxCounters>> {
        None
    }
}

impl SimDut for Oru {
    fn counters(&self) -> Option<BTreeMap<CounterKey, RxCounters>> {
        Some(self.counters().clone())
    }
}

/// An in-process link to a sans-I/O DUT, in virtual time: frames take
/// `delay` ns each way, and time only advances when the harness waits.
pub struct SimPort<D: SimDut> {
    dut: D,
    now: Nanos,
    delay: Nanos,
    order: u64,
    to_dut: BinaryHeap<std::cmp::Reverse<(Nanos, u64)>>,
    to_dut_frames: std::collections::HashMap<u64, Vec<u8>>,
    from_dut: VecDeque<RxFrame>,
    capture: Option<Vec<Captured>>,
}

impl<D: SimDut> SimPort<D> {
    pub fn new(dut: D, start: Nanos, delay: Nanos) -> Self {
        SimPort {
            dut,
            now: start,
            delay,
            order: 0,
            to_dut: BinaryHeap::new(),
            to_dut_frames: Default::default(),
            from_dut: VecDeque::new(),
            capture: None,
        }
    }

    /// Keep every frame for `take_capture`.
    pub fn with_capture(mut self) -> Self {
        self.capture = Some(Vec::new());
        self
    }

    pub fn dut(&self) -> &D {
        &self.dut
    }

    pub fn into_dut(self) -> D {
        self.dut
    }

    fn record(&mut self, at: Nanos, dir: CaptureDir, frame: &[u8]) {
        if let Some(c) = &mut self.capture {
            c.push(Captured {
                at,
                dir,
                frame: frame.to_vec(),
            });
        }
    }

    fn drain_dut(&mut self) {
        while let Some(t) = self.dut.poll_transmit(self.now) {
            self.record(t.at, CaptureDir::FromDut, &t.frame);
            self.from_dut.push_back(RxFrame {
                at: t.at + self.delay,
                frame: t.frame,
            });
        }
    }
}

impl<D: SimDut> Port for SimPort<D> {
    fn now(&self) -> Nanos {
        self.now
    }

    fn send_at(&mut self, at: Nanos, frame: Vec<u8>) -> Result<(), PortError> {
        if at < self.now {
            return Err(PortError::TooLate { at, now: self.now });
        }
        self.record(at, CaptureDir::ToDut, &frame);
        self.order += 1;
        self.to_dut.push(std::cmp::Reverse((at + self.delay, self.order)));
        self.to_dut_frames.insert(self.order, frame);
        Ok(())
    }

    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<RxFrame>, PortError> {
        loop {
            if self.from_dut.front().is_some_and(|f| f.at <= self.now) {
                return Ok(self.from_dut.pop_front());
            }
            // Advance to the earliest pending event, one event at a time, so
            // the DUT sees each frame at its exact arrival time.
            let next_in = self.to_dut.peek().map(|std::cmp::Reverse((t, _))| *t);
            let next = [next_in, self.dut.poll_timeout(), self.from_dut.front().map(|f| f.at)]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(t) if t <= deadline => self.now = self.now.max(t),
                _ => {
                    self.now = self.now.max(deadline);
                    return Ok(None);
                }
            }
            while let Some(std::cmp::Reverse((t, order))) = self.to_dut.peek().copied() {
                if t > self.now {
                    break;
                }
                self.to_dut.pop();
                if let Some(frame) = self.to_dut_frames.remove(&order) {
                    // Let the DUT emit what was due before this arrival.
                    self.drain_dut();
                    self.dut.handle_frame(t, &frame);
                }
            }
            self.drain_dut();
        }
    }

    fn dut_counters(&mut self) -> Option<BTreeMap<CounterKey, RxCounters>> {
        self.dut.counters()
    }

    fn take_capture(&mut self) -> Vec<Captured> {
        let mut c = self.capture.as_mut().map(std::mem::take).unwrap_or_default();
        c.sort_by_key(|f| f.at);
        c
    }
}

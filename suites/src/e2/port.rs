//! The port an E2 case drives: one SCTP association to the DUT, messages
//! tagged with their stream and payload protocol identifier. Cases are
//! written against [`E2Port`], never against sockets, so the same case runs
//! in virtual time against a simulated E2 node or near-RT RIC ([`SimE2Port`])
//! and in real time over SCTP.

use serde::Serialize;
use sim::e2::{E2Node, NearRtRic};
use std::collections::VecDeque;

/// Nanoseconds on the port's clock.
pub type Nanos = u64;

/// An E2AP message as it crossed the association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E2Message {
    /// Arrival time at the harness.
    pub at: Nanos,
    pub stream: u16,
    pub ppid: u32,
    /// The APER-encoded E2AP-PDU.
    pub bytes: Vec<u8>,
}

/// What the harness can see happen on the association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum E2Event {
    Message(E2Message),
    /// The association went down (ABORT or SHUTDOWN from the DUT, or the
    /// transport lost it).
    Down {
        at: Nanos,
        reason: String,
    },
}

/// Why a port could not do what was asked: a test-bed problem, never the DUT's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum E2PortError {
    /// The association is gone.
    Closed(String),
    Io(String),
}

impl core::fmt::Display for E2PortError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            E2PortError::Closed(why) => write!(f, "association closed: {why}"),
            E2PortError::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl std::error::Error for E2PortError {}

/// Direction of a captured message relative to the harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum E2Dir {
    ToDut,
    FromDut,
}

/// One message as seen at the harness's capture point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct E2Captured {
    /// Send time (to the DUT) or arrival time (from the DUT).
    pub at: Nanos,
    pub dir: E2Dir,
    pub stream: u16,
    pub ppid: u32,
    #[serde(serialize_with = "hex")]
    pub bytes: Vec<u8>,
}

fn hex<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    use std::fmt::Write;
    let mut out = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(out, "{x:02x}");
    }
    s.serialize_str(&out)
}

/// The harness side of one E2 association.
pub trait E2Port {
    /// Time on the port's clock.
    fn now(&self) -> Nanos;
    /// Send `bytes` now on `stream` with payload protocol identifier `ppid`.
    fn send(&mut self, stream: u16, ppid: u32, bytes: Vec<u8>) -> Result<(), E2PortError>;
    /// The next event no later than `deadline`, or `None` once the deadline
    /// has passed with nothing to report.
    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<E2Event>, E2PortError>;
    /// Every message sent and received so far, in time order; drained by the call.
    fn take_capture(&mut self) -> Vec<E2Captured>;
}

/// The simulated DUT behind a [`SimE2Port`].
pub enum SimE2Dut {
    /// The DUT is an E2 node; the harness plays the near-RT RIC.
    Node(Box<E2Node>),
    /// The DUT is a near-RT RIC; the harness plays one E2 node.
    Ric(Box<NearRtRic>),
}

/// The association ID the simulated RIC knows the harness by.
const ASSOC: u64 = 1;

/// An in-process association to a sans-I/O E2 node or near-RT RIC, in
/// virtual time: messages take `delay` ns each way, and time only advances
/// while the harness waits.
pub struct SimE2Port {
    dut: SimE2Dut,
    now: Nanos,
    delay: Nanos,
    to_dut: VecDeque<(Nanos, u16, Vec<u8>)>,
    from_dut: VecDeque<E2Message>,
    capture: Vec<E2Captured>,
    down: Option<(Nanos, String)>,
    down_reported: bool,
}

impl SimE2Port {
    /// The association to `node` comes up at time 0 (the node then sends E2 Setup).
    pub fn node(mut node: E2Node, delay: Nanos) -> Self {
        node.start(0);
        Self::new(SimE2Dut::Node(Box::new(node)), delay)
    }

    /// The harness's association to `ric` comes up at time 0.
    pub fn ric(mut ric: NearRtRic, delay: Nanos) -> Self {
        ric.association_up(0, ASSOC);
        Self::new(SimE2Dut::Ric(Box::new(ric)), delay)
    }

    fn new(dut: SimE2Dut, delay: Nanos) -> Self {
        let mut p = SimE2Port {
            dut,
            now: 0,
            delay,
            to_dut: VecDeque::new(),
            from_dut: VecDeque::new(),
            capture: Vec::new(),
            down: None,
            down_reported: false,
        };
        p.drain();
        p
    }

    pub fn dut(&self) -> &SimE2Dut {
        &self.dut
    }

    /// Move out everything the DUT wants sent by now, and notice a crash.
    fn drain(&mut self) {
        if self.down.is_some() {
            return;
        }
        let now = self.now;
        loop {
            let t = match &mut self.dut {
                SimE2Dut::Node(n) => n.poll_transmit(now),
                SimE2Dut::Ric(r) => r.poll_transmit(now).map(|x| x.1),
            };
            let Some(t) = t else { break };
            self.capture.push(E2Captured {
                at: t.at + self.delay,
                dir: E2Dir::FromDut,
                stream: t.stream,
                ppid: t.ppid,
                bytes: t.bytes.clone(),
            });
            self.from_dut.push_back(E2Message {
                at: t.at + self.delay,
                stream: t.stream,
                ppid: t.ppid,
                bytes: t.bytes,
            });
        }
        let gone = match &self.dut {
            SimE2Dut::Node(n) => n.wants_abort().then_some("the E2 node aborted the association"),
            SimE2Dut::Ric(r) => r.crashed().then_some("the near-RT RIC dropped the association"),
        };
        if let Some(why) = gone {
            // An ABORT reaches the harness after the one-way delay.
            self.down = Some((now + self.delay, why.to_string()));
            self.to_dut.clear();
        }
    }

    fn dut_timeout(&self) -> Option<Nanos> {
        match &self.dut {
            SimE2Dut::Node(n) => n.poll_timeout(),
            SimE2Dut::Ric(r) => r.poll_timeout(),
        }
    }
}

impl E2Port for SimE2Port {
    fn now(&self) -> Nanos {
        self.now
    }

    fn send(&mut self, stream: u16, ppid: u32, bytes: Vec<u8>) -> Result<(), E2PortError> {
        if let Some((_, why)) = &self.down {
            return Err(E2PortError::Closed(why.clone()));
        }
        self.capture.push(E2Captured {
            at: self.now,
            dir: E2Dir::ToDut,
            stream,
            ppid,
            bytes: bytes.clone(),
        });
        self.to_dut.push_back((self.now + self.delay, stream, bytes));
        Ok(())
    }

    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<E2Event>, E2PortError> {
        loop {
            if self.from_dut.front().is_some_and(|m| m.at <= self.now) {
                return Ok(self.from_dut.pop_front().map(E2Event::Message));
            }
            if let Some((at, why)) = &self.down
                && self.from_dut.is_empty()
            {
                if self.down_reported {
                    return Err(E2PortError::Closed(why.clone()));
                }
                if *at <= deadline {
                    self.now = self.now.max(*at);
                    self.down_reported = true;
                    return Ok(Some(E2Event::Down {
                        at: *at,
                        reason: why.clone(),
                    }));
                }
                self.now = self.now.max(deadline);
                return Ok(None);
            }
            // Earliest pending event; a DUT timer at or before now has
            // already been served by the last drain.
            let next = [
                self.to_dut.front().map(|m| m.0),
                self.dut_timeout().filter(|&t| t > self.now),
                self.from_dut.front().map(|m| m.at),
            ]
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
            while self.to_dut.front().is_some_and(|m| m.0 <= self.now) && self.down.is_none() {
                let (at, stream, bytes) = self.to_dut.pop_front().expect("front checked");
                // Let the DUT emit what was due before this arrival.
                self.drain();
                match &mut self.dut {
                    SimE2Dut::Node(n) => n.handle_message(at, stream, &bytes),
                    SimE2Dut::Ric(r) => r.handle_message(at, ASSOC, stream, &bytes),
                }
            }
            self.drain();
        }
    }

    fn take_capture(&mut self) -> Vec<E2Captured> {
        let mut c = std::mem::take(&mut self.capture);
        c.sort_by_key(|m| m.at);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codecs::e2ap::{self, E2apVersion};
    use sim::e2::{E2NodeConfig, NodeFault};

    const MS: Nanos = 1_000_000;

    fn name(b: &[u8]) -> &'static str {
        e2ap::decode(E2apVersion::V3_01, b)
            .ok()
            .and_then(|p| p.message_name())
            .unwrap_or("?")
    }

    #[test]
    fn time_moves_only_while_waiting_and_the_capture_has_both_ways() {
        let node = E2Node::new(E2NodeConfig::new(E2apVersion::V3_01));
        let mut p = SimE2Port::node(node, MS);
        assert_eq!(p.now(), 0);
        // The E2 Setup Request left at 0 and arrives after the delay.
        let Some(E2Event::Message(m)) = p.recv_until(10 * MS).unwrap() else {
            panic!()
        };
        assert_eq!((m.at, m.stream, m.ppid, name(&m.bytes)), (MS, 0, 70, "E2setupRequest"));
        assert_eq!(p.now(), MS);
        // Nothing else: the deadline is reached and time stops there.
        assert_eq!(p.recv_until(50 * MS).unwrap(), None);
        assert_eq!(p.now(), 50 * MS);
        p.send(0, 70, vec![0x00, 0x08, 0x40, 0xff, 0x12]).unwrap();
        assert_eq!(p.now(), 50 * MS);
        let Some(E2Event::Message(m)) = p.recv_until(60 * MS).unwrap() else {
            panic!()
        };
        // One delay there, one back.
        assert_eq!((m.at, name(&m.bytes)), (52 * MS, "ErrorIndication"));
        let c = p.take_capture();
        let dirs: Vec<_> = c.iter().map(|m| (m.at, m.dir)).collect();
        assert_eq!(
            dirs,
            [(MS, E2Dir::FromDut), (50 * MS, E2Dir::ToDut), (52 * MS, E2Dir::FromDut)]
        );
        assert!(p.take_capture().is_empty(), "drained");
    }

    #[test]
    fn a_crash_is_reported_once_as_the_association_going_down() {
        let node = E2Node::new(E2NodeConfig::new(E2apVersion::V3_01).with_fault(NodeFault::CrashOnBadSetupResponse));
        let mut p = SimE2Port::node(node, MS);
        let _ = p.recv_until(10 * MS).unwrap();
        // A setup response without TransactionID or Global RIC ID.
        let pdu = sim::e2::proto::successful(e2ap::SuccessfulOutcomeValue::E2setupResponse(e2ap::E2setupResponse {
            protocol_ies: Vec::new(),
        }));
        p.send(0, 70, e2ap::encode(E2apVersion::V3_01, &pdu).unwrap()).unwrap();
        match p.recv_until(SECOND_NS).unwrap() {
            Some(E2Event::Down { at, reason }) => {
                // Sent at 1 ms (when the request arrived), crashed at 2 ms, seen at 3 ms.
                assert_eq!(at, 3 * MS);
                assert!(reason.contains("aborted"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(p.recv_until(2 * SECOND_NS), Err(E2PortError::Closed(_))));
        assert!(p.send(0, 70, vec![0]).is_err());
    }

    const SECOND_NS: Nanos = 1_000_000_000;
}

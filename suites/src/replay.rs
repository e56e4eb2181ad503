//! Driving a case from a recording instead of a live DUT: the frames the
//! DUT sent are played back at their recorded times, and what the case sends
//! is checked against what the harness sent when the recording was made.
//!
//! A lab records a session against real gear once (every case's capture is
//! in its run folder) and judges it again later, offline: with a newer
//! harness, after a suite fix, or on another machine, with the verdicts
//! traceable to the same bytes.

use crate::case::Setup;
use crate::port::{CaptureDir, Captured, Port, PortError, RxFrame};
use codecs::ecpri::{self, Payload};
use codecs::framing::{self, FramingConfig};
use codecs::fronthaul::header::RadioAppHeader;
use sim::Nanos;
use std::collections::{HashMap, VecDeque};

/// A recorded frame: time on the air clock and the whole Ethernet frame.
pub type Recorded = (Nanos, Vec<u8>);

/// How far the case's own transmissions matched the recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayMatch {
    /// Frames the case sent.
    pub sent: u64,
    /// Of those, frames the recording does not hold at that time: the
    /// recording is of another configuration, seed or harness version, and
    /// the DUT's recorded answers may not be answers to what the case sends.
    pub unmatched: u64,
    /// Recorded harness frames the case never sent.
    pub unsent: u64,
}

/// Whether the Ethernet frame's source address is `mac`.
fn sent_by(frame: &[u8], mac: [u8; 6]) -> bool {
    frame.get(6..12) == Some(&mac[..])
}

/// A [`Port`] whose DUT is a recording, in virtual time.
pub struct ReplayPort {
    now: Nanos,
    from_dut: VecDeque<RxFrame>,
    /// Recorded harness frames not yet matched, by (time, bytes).
    to_dut: HashMap<(Nanos, Vec<u8>), u32>,
    stats: ReplayMatch,
    capture: Vec<Captured>,
}

impl ReplayPort {
    /// Frames whose Ethernet source is `dut_mac` are the DUT's; the rest
    /// are what the harness sent. The port's clock starts at `start`.
    pub fn new(frames: Vec<Recorded>, dut_mac: [u8; 6], start: Nanos) -> Self {
        let mut from_dut = Vec::new();
        let mut to_dut: HashMap<(Nanos, Vec<u8>), u32> = HashMap::new();
        for (at, f) in frames {
            if sent_by(&f, dut_mac) {
                from_dut.push(RxFrame { at, frame: f });
            } else {
                *to_dut.entry((at, f)).or_default() += 1;
            }
        }
        from_dut.sort_by_key(|f| f.at);
        ReplayPort {
            now: start,
            from_dut: from_dut.into(),
            to_dut,
            stats: ReplayMatch::default(),
            capture: Vec::new(),
        }
    }

    /// How the case's transmissions compared with the recording so far.
    pub fn matching(&self) -> ReplayMatch {
        ReplayMatch {
            unsent: self.to_dut.values().map(|n| u64::from(*n)).sum(),
            ..self.stats
        }
    }
}

impl Port for ReplayPort {
    fn now(&self) -> Nanos {
        self.now
    }

    fn send_at(&mut self, at: Nanos, frame: Vec<u8>) -> Result<(), PortError> {
        if at < self.now {
            return Err(PortError::TooLate { at, now: self.now });
        }
        self.stats.sent += 1;
        let key = (at, frame);
        match self.to_dut.get_mut(&key) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                self.to_dut.remove(&key);
            }
            None => self.stats.unmatched += 1,
        }
        self.capture.push(Captured {
            at,
            dir: CaptureDir::ToDut,
            frame: key.1,
        });
        Ok(())
    }

    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<RxFrame>, PortError> {
        match self.from_dut.front() {
            Some(f) if f.at <= deadline => {
                self.now = self.now.max(f.at);
                let f = self.from_dut.pop_front();
                if let Some(f) = &f {
                    self.capture.push(Captured {
                        at: f.at,
                        dir: CaptureDir::FromDut,
                        frame: f.frame.clone(),
                    });
                }
                Ok(f)
            }
            _ => {
                self.now = self.now.max(deadline);
                Ok(None)
            }
        }
    }

    fn take_capture(&mut self) -> Vec<Captured> {
        let mut c = std::mem::take(&mut self.capture);
        c.sort_by_key(|f| f.at);
        c
    }

    fn divergence(&self) -> Option<String> {
        let m = self.matching();
        (m.unmatched > 0 || m.unsent > 0).then(|| {
            format!(
                "the case sent {} frame(s), {} of them not in the recording, and left {} recorded frame(s) unsent",
                m.sent, m.unmatched, m.unsent
            )
        })
    }
}

/// The setup a recording was made with, as far as time goes: the first slot
/// is the earliest one any recorded harness message names (a real-time run
/// moves its traffic to a frame after its start, so it differs per case),
/// resolved near the time the message was recorded. `None` when the
/// recording holds no O-RAN message from the harness.
pub fn recorded_setup(setup: &Setup, frames: &[Recorded]) -> Option<Setup> {
    let n = setup.fh.numerology();
    let cfg = FramingConfig::default();
    let dut_mac = setup.fh.link.ru_mac;
    let first = frames
        .iter()
        .filter(|(_, f)| !sent_by(f, dut_mac))
        .filter_map(|(at, f)| {
            let fr = framing::parse_frame(f, &cfg).ok()?;
            let msg = ecpri::parse_pdu(fr.ecpri).ok()?.into_iter().next()?;
            // C- and U-plane messages both start with the radio application header.
            let h = match msg.payload {
                Payload::RealTimeControl { data, .. } | Payload::IqData { data, .. } => {
                    RadioAppHeader::parse(data).ok()?
                }
                _ => return None,
            };
            let pos = n.resolve(*at, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id)?;
            Some(n.abs_slot(pos))
        })
        .min()?;
    let mut s = setup.clone();
    s.first_slot = first;
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bed::{DEFAULT_STIMULUS_SEED, default_setup, simulated_oru};
    use crate::case::Ctx;
    use crate::ofh::traffic;
    use sim::oru::OruFault;

    fn record(setup: &Setup) -> Vec<Recorded> {
        let mut port = simulated_oru(setup, OruFault::None);
        let mut ctx = Ctx { setup, port: &mut port };
        let plan = traffic::plan(&ctx);
        traffic::exchange(&mut ctx, plan);
        port.take_capture().into_iter().map(|c| (c.at, c.frame)).collect()
    }

    #[test]
    fn a_replayed_exchange_sends_what_was_recorded_and_gets_the_same_answers() {
        let setup = default_setup(DEFAULT_STIMULUS_SEED);
        let rec = record(&setup);
        let from_dut = rec.iter().filter(|(_, f)| f[6..12] == setup.fh.link.ru_mac).count();
        assert!(from_dut > 0);
        let again = recorded_setup(&setup, &rec).unwrap();
        assert_eq!(again.first_slot, setup.first_slot);
        let mut port = ReplayPort::new(rec.clone(), setup.fh.link.ru_mac, 0);
        let mut ctx = Ctx {
            setup: &again,
            port: &mut port,
        };
        let plan = traffic::plan(&ctx);
        let ex = traffic::exchange(&mut ctx, plan);
        assert_eq!(ex.received.len(), from_dut);
        let m = port.matching();
        assert_eq!((m.unmatched, m.unsent), (0, 0), "{m:?}");
        assert_eq!(port.divergence(), None);
        assert_eq!(m.sent as usize, rec.len() - from_dut);
        let mut replayed: Vec<Recorded> = port.take_capture().into_iter().map(|c| (c.at, c.frame)).collect();
        let mut original = rec;
        replayed.sort();
        original.sort();
        assert_eq!(replayed, original);
    }

    #[test]
    fn a_recording_of_another_configuration_is_told_apart() {
        let setup = default_setup(DEFAULT_STIMULUS_SEED);
        let rec = record(&setup);
        let mut other = setup.clone();
        other.fh.dl_comp = "bfp:14".parse().unwrap();
        let mut port = ReplayPort::new(rec, setup.fh.link.ru_mac, 0);
        let mut ctx = Ctx {
            setup: &other,
            port: &mut port,
        };
        let plan = traffic::plan(&ctx);
        traffic::exchange(&mut ctx, plan);
        let m = port.matching();
        assert!(m.unmatched > 0 && m.unsent > 0, "{m:?}");
        assert!(port.divergence().unwrap().contains("not in the recording"));
    }

    #[test]
    fn a_later_recording_moves_the_first_slot() {
        let setup = default_setup(DEFAULT_STIMULUS_SEED);
        let later = crate::bed::starting_after(&setup, 1_234_567_890);
        let rec = record(&later);
        assert_eq!(recorded_setup(&setup, &rec).unwrap().first_slot, later.first_slot);
        assert!(recorded_setup(&setup, &[]).is_none());
    }
}

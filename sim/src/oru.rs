//! Sans-I/O O-RU: checks what it receives against its profile (sequence IDs,
//! C/U-plane coupling, receive windows), keeps the receive counters an O-RU
//! reports over the M-plane, and answers UL C-plane with UL U-plane carrying
//! the signal present at its antenna (a [`TestSignal`]).
//!
//! [`OruFault`] selects deliberately faulty behaviour, one defect per variant,
//! so that each conformance case can be shown to catch the defect it targets.

use crate::config::{FronthaulConfig, WindowPosition, classify_advance};
use crate::node::{Node, Transmit};
use crate::signal::TestSignal;
use crate::timing::{AirPos, Nanos};
use crate::wire::{self, Sender, SeqCounters, UplaneChunk};
use codecs::ecpri::{self, MessageType, Payload};
use codecs::framing;
use codecs::fronthaul::compression::{self, CompMethod, UdCompHdr};
use codecs::fronthaul::cplane::{CplaneBody, CplaneMessage, TypeHeader};
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::fronthaul::uplane::{UplaneConfig, UplaneMessage};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::str::FromStr;

/// A deliberate defect of the simulated O-RU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OruFault {
    /// Conformant behaviour.
    None,
    /// UL U-plane leaves 60 us after the end of the Ta3 window.
    LateUl,
    /// BFP exponent written one higher than the mantissas were scaled for.
    BadBfpExponent,
    /// UL U-plane sequence IDs skip a value every 16 messages.
    SeqGap,
    /// UL U-plane sectionId is not the one the C-plane announced.
    WrongSectionId,
    /// Late DL messages are counted as on time (and used).
    MiscountLate,
    /// PRACH U-plane carries filterIndex 0 instead of the C-plane's.
    PrachFilterIndex,
    /// eCPRI revision 2 in the common header.
    BadEcpriRevision,
    /// UL U-plane with dataDirection = 1 (DL).
    WrongDirection,
}

impl OruFault {
    pub const ALL: [OruFault; 9] = [
        OruFault::None,
        OruFault::LateUl,
        OruFault::BadBfpExponent,
        OruFault::SeqGap,
        OruFault::WrongSectionId,
        OruFault::MiscountLate,
        OruFault::PrachFilterIndex,
        OruFault::BadEcpriRevision,
        OruFault::WrongDirection,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OruFault::None => "none",
            OruFault::LateUl => "late-ul",
            OruFault::BadBfpExponent => "bad-bfp-exponent",
            OruFault::SeqGap => "seq-gap",
            OruFault::WrongSectionId => "wrong-section-id",
            OruFault::MiscountLate => "miscount-late",
            OruFault::PrachFilterIndex => "prach-filter-index",
            OruFault::BadEcpriRevision => "bad-ecpri-revision",
            OruFault::WrongDirection => "wrong-direction",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OruFault::None => "conformant O-RU",
            OruFault::LateUl => "sends UL U-plane 60 us after its Ta3 window closes",
            OruFault::BadBfpExponent => "writes BFP exponents one higher than the mantissas use",
            OruFault::SeqGap => "skips an eCPRI sequence ID every 16 UL U-plane messages",
            OruFault::WrongSectionId => "answers UL C-plane with a different sectionId",
            OruFault::MiscountLate => "counts late DL C/U-plane as on time",
            OruFault::PrachFilterIndex => "sends PRACH U-plane with filterIndex 0",
            OruFault::BadEcpriRevision => "puts eCPRI revision 2 in its frames",
            OruFault::WrongDirection => "sets dataDirection = DL in UL U-plane",
        }
    }
}

impl FromStr for OruFault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        OruFault::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<_> = OruFault::ALL.iter().map(|f| f.name()).collect();
            format!("unknown O-RU variant {s:?}; known: {}", names.join(", "))
        })
    }
}

/// Plane of a counted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Plane {
    C,
    U,
}

/// Receive counters per eAxC, plane and direction (the O-RU's M-plane
/// statistics: on-time, early, late, corrupt, duplicate, lost, total).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxCounters {
    pub total: u64,
    pub on_time: u64,
    pub early: u64,
    pub late: u64,
    /// Could not be decoded, or fields out of range.
    pub corrupt: u64,
    /// Same sequence ID as the previous message.
    pub duplicate: u64,
    /// Sequence IDs skipped.
    pub lost: u64,
    /// U-plane sections with no matching C-plane section.
    pub uncoupled: u64,
}

impl RxCounters {
    pub fn add(&mut self, o: &RxCounters) {
        self.total += o.total;
        self.on_time += o.on_time;
        self.early += o.early;
        self.late += o.late;
        self.corrupt += o.corrupt;
        self.duplicate += o.duplicate;
        self.lost += o.lost;
        self.uncoupled += o.uncoupled;
    }
}

/// Key of a counter set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CounterKey {
    pub eaxc: u16,
    pub plane: Plane,
    pub downlink: bool,
}

/// O-RU behaviour beyond the shared configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OruBehaviour {
    /// When UL U-plane leaves after the air time of its symbol.
    pub ta3: Nanos,
    /// The signal at the antenna (what the UL U-plane must carry).
    pub stimulus: TestSignal,
    pub fault: OruFault,
}

impl OruBehaviour {
    pub fn conformant(cfg: &FronthaulConfig, stimulus_seed: u64) -> Self {
        OruBehaviour {
            ta3: (cfg.delay.ta3_min + cfg.delay.ta3_max) / 2,
            stimulus: TestSignal::new(stimulus_seed),
            fault: OruFault::None,
        }
    }
}

#[derive(Debug, Clone)]
struct Announced {
    section_id: u16,
    start_symbol: u8,
    num_symbol: u8,
    start_prb: u16,
    num_prb: u16,
}

/// The simulated O-RU.
pub struct Oru {
    cfg: FronthaulConfig,
    beh: OruBehaviour,
    counters: BTreeMap<CounterKey, RxCounters>,
    last_seq: HashMap<CounterKey, u8>,
    /// DL C-plane sections, by (eAxC, absolute slot).
    announced: HashMap<(u16, u64), Vec<Announced>>,
    seq: SeqCounters,
    sent_ul: u64,
    order: u64,
    queue: BinaryHeap<Reverse<(Nanos, u64)>>,
    pending: HashMap<u64, Vec<u8>>,
}

impl Oru {
    pub fn new(cfg: FronthaulConfig, beh: OruBehaviour) -> Self {
        Oru {
            cfg,
            beh,
            counters: BTreeMap::new(),
            last_seq: HashMap::new(),
            announced: HashMap::new(),
            seq: SeqCounters::default(),
            sent_ul: 0,
            order: 0,
            queue: BinaryHeap::new(),
            pending: HashMap::new(),
        }
    }

    pub fn config(&self) -> &FronthaulConfig {
        &self.cfg
    }

    pub fn fault(&self) -> OruFault {
        self.beh.fault
    }

    /// Counters per eAxC, plane and direction.
    pub fn counters(&self) -> &BTreeMap<CounterKey, RxCounters> {
        &self.counters
    }

    /// Counters summed over eAxCs for one plane and direction.
    pub fn totals(&self, plane: Plane, downlink: bool) -> RxCounters {
        let mut sum = RxCounters::default();
        for (k, c) in &self.counters {
            if k.plane == plane && k.downlink == downlink {
                sum.add(c);
            }
        }
        sum
    }

    fn count(&mut self, key: CounterKey) -> &mut RxCounters {
        self.counters.entry(key).or_default()
    }

    fn check_seq(&mut self, key: CounterKey, seq: u8) {
        if let Some(last) = self.last_seq.insert(key, seq) {
            let expected = last.wrapping_add(1);
            if seq == last {
                self.count(key).duplicate += 1;
            } else if seq != expected {
                self.count(key).lost += seq.wrapping_sub(expected) as u64;
            }
        }
    }

    /// Window position of a message about `pos`, arriving at `now`.
    fn window(&self, now: Nanos, pos: AirPos, plane: Plane, downlink: bool) -> WindowPosition {
        let d = &self.cfg.delay;
        let lead = self.cfg.numerology().air_time(pos) as i64 - now as i64;
        let (min, max) = match (plane, downlink) {
            (Plane::C, true) => (d.t2a_min_cp_dl, d.t2a_max_cp_dl),
            (Plane::C, false) => (d.t2a_min_cp_ul, d.t2a_max_cp_ul),
            (Plane::U, _) => (d.t2a_min_up, d.t2a_max_up),
        };
        classify_advance(lead, min, max)
    }

    /// Count the arrival; true when the message is to be used.
    fn admit(&mut self, key: CounterKey, w: WindowPosition) -> bool {
        let miscount = self.beh.fault == OruFault::MiscountLate;
        let c = self.count(key);
        match w {
            WindowPosition::OnTime => c.on_time += 1,
            WindowPosition::Early => c.early += 1,
            WindowPosition::Late if miscount => c.on_time += 1,
            WindowPosition::Late => c.late += 1,
        }
        w == WindowPosition::OnTime || (miscount && w == WindowPosition::Late)
    }

    fn resolve(&self, now: Nanos, h: &RadioAppHeader) -> Option<AirPos> {
        self.cfg
            .numerology()
            .resolve(now, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id)
    }

    fn on_cplane(&mut self, now: Nanos, eaxc: u16, seq: u8, data: &[u8]) {
        let provisional = CounterKey {
            eaxc,
            plane: Plane::C,
            downlink: true,
        };
        let Ok(msg) = CplaneMessage::parse(data) else {
            self.count(provisional).total += 1;
            self.count(provisional).corrupt += 1;
            return;
        };
        let downlink = msg.header.direction == Direction::Downlink;
        let key = CounterKey {
            eaxc,
            plane: Plane::C,
            downlink,
        };
        self.count(key).total += 1;
        self.check_seq(key, seq);
        let Some(pos) = self.resolve(now, &msg.header) else {
            self.count(key).corrupt += 1;
            return;
        };
        let w = self.window(now, pos, Plane::C, downlink);
        if !self.admit(key, w) {
            return;
        }
        let CplaneBody::Sections { type_header, sections } = &msg.body else {
            return;
        };
        let comp = match type_header {
            TypeHeader::St1 { ud_comp_hdr, .. } | TypeHeader::St3 { ud_comp_hdr, .. } => *ud_comp_hdr,
            TypeHeader::St5 { ud_comp_hdr, .. } => *ud_comp_hdr,
            TypeHeader::St0 { .. } => return,
        };
        let abs_slot = self.cfg.numerology().abs_slot(pos);
        let carrier = self.cfg.carrier.prbs;
        for s in sections {
            let num_prb = if s.num_prb == 0 { carrier } else { s.num_prb as u16 };
            if downlink {
                self.announced.entry((eaxc, abs_slot)).or_default().push(Announced {
                    section_id: s.section_id,
                    start_symbol: pos.symbol,
                    num_symbol: s.num_symbol,
                    start_prb: s.start_prb,
                    num_prb,
                });
            } else {
                self.answer_ul(
                    eaxc,
                    abs_slot,
                    &msg.header,
                    s.section_id,
                    s.start_prb,
                    num_prb,
                    s.num_symbol,
                    comp,
                );
            }
        }
        // Forget DL announcements for slots well in the past.
        let keep_from = abs_slot.saturating_sub(4 * self.cfg.numerology().slots_per_subframe() as u64);
        self.announced.retain(|(_, slot), _| *slot >= keep_from);
    }

    #[allow(clippy::too_many_arguments)]
    fn answer_ul(
        &mut self,
        eaxc: u16,
        abs_slot: u64,
        h: &RadioAppHeader,
        section_id: u16,
        start_prb: u16,
        num_prb: u16,
        num_symbol: u8,
        comp: UdCompHdr,
    ) {
        let n = self.cfg.numerology();
        let fault = self.beh.fault;
        let presence = self.cfg.ul_comp_presence;
        let per_msg = wire::prbs_per_message(self.cfg.link.mtu, comp, presence) as u16;
        let mut eth = wire::ethernet_header(&self.cfg, Sender::Ru);
        eth.ethertype = ecpri::ETHERTYPE_ECPRI;
        let revision = if fault == OruFault::BadEcpriRevision { 2 } else { 1 };
        let section_id = if fault == OruFault::WrongSectionId {
            (section_id + 1) % 4095
        } else {
            section_id
        };
        let filter_index = if fault == OruFault::PrachFilterIndex {
            0
        } else {
            h.filter_index
        };
        let direction = if fault == OruFault::WrongDirection {
            Direction::Downlink
        } else {
            Direction::Uplink
        };
        let end_symbol = (h.symbol_id + num_symbol).min(crate::timing::SYMBOLS_PER_SLOT);
        for sym in h.symbol_id..end_symbol {
            let pos = n.pos_of_abs_slot(abs_slot, sym);
            let ta3 = if fault == OruFault::LateUl {
                self.cfg.delay.ta3_max + 60_000
            } else {
                self.beh.ta3
            };
            let at = n.air_time(pos) + ta3;
            let header = RadioAppHeader {
                direction,
                payload_version: 1,
                filter_index,
                frame_id: pos.frame_id(),
                subframe_id: pos.subframe,
                slot_id: pos.slot,
                symbol_id: sym,
            };
            let mut prb = start_prb;
            while prb < start_prb + num_prb {
                let count = per_msg.min(start_prb + num_prb - prb);
                let mut iq = Vec::new();
                for p in prb..prb + count {
                    let samples = self.beh.stimulus.prb(eaxc, abs_slot, sym, p);
                    let at_byte = iq.len();
                    if compression::compress_prb(comp, &samples, &mut iq).is_err() {
                        // A method this O-RU cannot produce: it sends nothing.
                        return;
                    }
                    if fault == OruFault::BadBfpExponent && comp.method == CompMethod::Bfp {
                        let e = iq[at_byte] & 0x0F;
                        iq[at_byte] = (iq[at_byte] & 0xF0) | (e + 1).min(15);
                    }
                }
                let chunk = UplaneChunk {
                    section_id,
                    start_prb: prb,
                    num_prb: count,
                    iq,
                };
                let data = wire::uplane_data(header, comp, presence, &chunk);
                self.sent_ul += 1;
                if fault == OruFault::SeqGap && self.sent_ul.is_multiple_of(16) {
                    self.seq.skip(eaxc, MessageType::IqData, Direction::Uplink);
                }
                let seq = self.seq.next(eaxc, MessageType::IqData, Direction::Uplink);
                let frame = wire::frame(&eth, revision, MessageType::IqData, eaxc, seq, &data);
                self.order += 1;
                self.queue.push(Reverse((at, self.order)));
                self.pending.insert(self.order, frame);
                prb += count;
            }
        }
    }

    fn on_uplane(&mut self, now: Nanos, eaxc: u16, seq: u8, data: &[u8]) {
        let key = CounterKey {
            eaxc,
            plane: Plane::U,
            downlink: true,
        };
        self.count(key).total += 1;
        let ucfg = UplaneConfig {
            comp: self.cfg.dl_comp_presence.to_mode(self.cfg.dl_comp),
            carrier_prbs: self.cfg.carrier.prbs,
            ud_comp_len: false,
        };
        let Ok(msg) = UplaneMessage::parse(data, &ucfg) else {
            self.count(key).corrupt += 1;
            return;
        };
        if msg.header.direction != Direction::Downlink {
            // UL U-plane arriving at an O-RU is not something it accepts.
            self.count(key).corrupt += 1;
            return;
        }
        self.check_seq(key, seq);
        let Some(pos) = self.resolve(now, &msg.header) else {
            self.count(key).corrupt += 1;
            return;
        };
        let w = self.window(now, pos, Plane::U, true);
        if !self.admit(key, w) {
            return;
        }
        let abs_slot = self.cfg.numerology().abs_slot(pos);
        let mut scratch = Vec::new();
        for s in &msg.sections {
            let n_prb = s.prb_count(self.cfg.carrier.prbs);
            let coupled = self.announced.get(&(eaxc, abs_slot)).is_some_and(|list| {
                list.iter().any(|a| {
                    a.section_id == s.section_id
                        && (a.start_symbol..a.start_symbol + a.num_symbol).contains(&pos.symbol)
                        && s.start_prb >= a.start_prb
                        && s.start_prb + n_prb <= a.start_prb + a.num_prb
                })
            });
            if !coupled {
                self.count(key).uncoupled += 1;
            }
            let comp = s.ud_comp_hdr.unwrap_or(self.cfg.dl_comp);
            scratch.clear();
            if compression::decompress_prbs(comp, s.iq, n_prb as usize, &mut scratch).is_err() {
                self.count(key).corrupt += 1;
            }
        }
    }
}

impl Node for Oru {
    fn handle_frame(&mut self, now: Nanos, frame: &[u8]) {
        let Ok(f) = framing::parse_frame(frame, &Default::default()) else {
            return;
        };
        let Ok(msgs) = ecpri::parse_pdu(f.ecpri) else { return };
        for m in msgs {
            match m.payload {
                Payload::RealTimeControl { rtc_id, seq_id, data } => {
                    self.on_cplane(now, rtc_id, seq_id.sequence_id, data)
                }
                Payload::IqData { pc_id, seq_id, data } => self.on_uplane(now, pc_id, seq_id.sequence_id, data),
                _ => {}
            }
        }
    }

    fn poll_transmit(&mut self, now: Nanos) -> Option<Transmit> {
        let Reverse((at, order)) = *self.queue.peek()?;
        if at > now {
            return None;
        }
        self.queue.pop();
        let frame = self.pending.remove(&order)?;
        Some(Transmit { at, frame })
    }

    fn poll_timeout(&self) -> Option<Nanos> {
        self.queue.peek().map(|Reverse((at, _))| *at)
    }
}

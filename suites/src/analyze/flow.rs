//! Per-flow state: one flow is one eAxC, plane and direction.

use codecs::eaxc::EaxcSplit;
use codecs::ecpri::SeqId;
use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
use codecs::fronthaul::infer::{self, Inference};
use codecs::fronthaul::uplane::{UdCompMode, UplaneConfig, UplaneMessage};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Plane {
    C,
    U,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlowKey {
    pub eaxc: u16,
    pub plane: Plane,
    pub downlink: bool,
}

/// What one message's sequence ID says.
pub enum SeqEvent {
    InOrder,
    Gap(u8),
    Duplicate,
}

/// A C-plane section, waiting for its U-plane.
#[derive(Debug, Clone)]
pub struct Announced {
    pub section_id: u16,
    pub start_symbol: u8,
    pub num_symbol: u8,
    pub start_prb: u16,
    /// Raw numPrbc (0 = all).
    pub num_prb: u8,
    pub answered: bool,
}

/// Where a flow's U-plane compression setting came from.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum CompSource {
    /// Given by the analyst (a profile).
    Profile { mode: String },
    /// The udCompHdr of the UL C-plane for the same eAxC.
    Cplane { comp: String },
    /// Inferred from the traffic.
    Inferred(Inference),
    /// Nothing explains the traffic.
    Unknown { why: String },
    /// Not decided yet (still gathering messages).
    Pending,
}

/// What decoding a U-plane message produced, for the analyzer to judge.
pub enum UplaneResult {
    Decoded {
        frame: u64,
        unannounced: u64,
        reserved_set: bool,
        param_reserved: bool,
    },
    Error {
        frame: u64,
        error: String,
    },
}

/// Messages gathered before inferring a flow's compression.
const INFER_AFTER: usize = 32;
/// Slots of C-plane announcements kept per flow.
const ANNOUNCED_SLOTS: usize = 64;

pub struct FlowState {
    key: FlowKey,
    messages: u64,
    bytes: u64,
    sections: u64,
    section_types: BTreeMap<u8, u64>,
    last_seq: Option<u8>,
    gaps: u64,
    lost: u64,
    duplicates: u64,
    mode: Option<UdCompMode>,
    source: CompSource,
    carrier: Option<u16>,
    pending: Vec<(u64, Vec<u8>)>,
    announced: VecDeque<((u8, u8, u8), Vec<Announced>)>,
    /// Slot of the first C-plane announcement: U-plane for earlier slots was
    /// announced before the capture began and is not judged.
    first_announced: Option<(u8, u8, u8)>,
    pub never_answered: u64,
    unannounced: u64,
    decode_errors: u64,
}

/// One flow, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct FlowReport {
    pub eaxc: u16,
    /// eAxC as DU_port:BandSector:CC:RU_port, when the split is known.
    pub eaxc_parts: Option<String>,
    pub plane: Plane,
    pub direction: &'static str,
    pub messages: u64,
    pub bytes: u64,
    pub sections: u64,
    /// C-plane: messages per section type.
    pub section_types: BTreeMap<u8, u64>,
    pub sequence_gaps: u64,
    pub sequence_lost: u64,
    pub sequence_duplicates: u64,
    /// U-plane: the compression used to decode, and where it came from.
    pub compression: Option<CompSource>,
    pub carrier_prbs: Option<u16>,
    /// U-plane sections no C-plane section announced.
    pub unannounced_sections: u64,
    /// C-plane sections whose U-plane never came (judged once the window passed).
    pub never_answered: u64,
    pub decode_errors: u64,
}

impl FlowState {
    pub fn new(key: FlowKey, profile: Option<UdCompMode>, carrier: Option<u16>) -> Self {
        let source = match profile {
            Some(m) if key.plane == Plane::U => CompSource::Profile {
                mode: infer::describe(&m),
            },
            _ => CompSource::Pending,
        };
        FlowState {
            key,
            messages: 0,
            bytes: 0,
            sections: 0,
            section_types: BTreeMap::new(),
            last_seq: None,
            gaps: 0,
            lost: 0,
            duplicates: 0,
            mode: profile,
            source,
            carrier,
            pending: Vec::new(),
            announced: VecDeque::new(),
            first_announced: None,
            never_answered: 0,
            unannounced: 0,
            decode_errors: 0,
        }
    }

    pub fn count_message(&mut self, len: usize, section_type: Option<u8>) {
        self.messages += 1;
        self.bytes += len as u64;
        if let Some(st) = section_type {
            *self.section_types.entry(st).or_default() += 1;
        }
    }

    pub fn count_sections(&mut self, n: u64) {
        self.sections += n;
    }

    /// §5.1.3.2.8: one more than the last, per eAxC, plane and direction.
    pub fn sequence(&mut self, seq: SeqId, _frame: u64) -> SeqEvent {
        let s = seq.sequence_id;
        let ev = match self.last_seq {
            None => SeqEvent::InOrder,
            Some(last) if s == last.wrapping_add(1) => SeqEvent::InOrder,
            Some(last) if s == last => SeqEvent::Duplicate,
            Some(last) => SeqEvent::Gap(s.wrapping_sub(last.wrapping_add(1))),
        };
        match ev {
            SeqEvent::Gap(n) => {
                self.gaps += 1;
                self.lost += n as u64;
            }
            SeqEvent::Duplicate => self.duplicates += 1,
            SeqEvent::InOrder => {}
        }
        self.last_seq = Some(s);
        ev
    }

    /// A UL C-plane udCompHdr fixes the UL U-plane format (static mode),
    /// unless a profile already did.
    pub fn learn_from_cplane(&mut self, comp: UdCompHdr) {
        if self.mode.is_none() && comp.prb_len().is_some() && comp.method != CompMethod::Reserved(0) {
            self.mode = Some(UdCompMode::Static(comp));
            self.source = CompSource::Cplane { comp: comp.to_string() };
        }
    }

    /// Record announced sections for a slot; returns how many announcements
    /// left the window unanswered (only counted once U-plane was seen).
    pub fn announce(&mut self, slot: (u8, u8, u8), sections: Vec<Announced>) -> u64 {
        self.first_announced.get_or_insert(slot);
        if let Some((_, list)) = self.announced.iter_mut().find(|(s, _)| *s == slot) {
            list.extend(sections);
            return 0;
        }
        self.announced.push_back((slot, sections));
        let mut evicted = 0;
        while self.announced.len() > ANNOUNCED_SLOTS {
            if let Some((_, list)) = self.announced.pop_front()
                && self.messages > 0
            {
                evicted += list.iter().filter(|a| !a.answered && a.section_id != 4095).count() as u64;
            }
        }
        self.never_answered += evicted;
        evicted
    }

    pub fn push_uplane(&mut self, frame: u64, data: &[u8]) -> Vec<UplaneResult> {
        self.count_message(data.len(), None);
        if self.mode.is_none() {
            self.pending.push((frame, data.to_vec()));
            if self.pending.len() < INFER_AFTER {
                return Vec::new();
            }
            self.decide();
        }
        let mut out: Vec<UplaneResult> = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(f, d)| self.decode(f, &d))
            .collect();
        if self.mode.is_some()
            && !out
                .iter()
                .any(|r| matches!(r, UplaneResult::Decoded { frame: f, .. } if *f == frame))
        {
            // This message was not among the pending ones.
            if !out
                .iter()
                .any(|r| matches!(r, UplaneResult::Error { frame: f, .. } if *f == frame))
            {
                out.push(self.decode(frame, data));
            }
        } else if self.mode.is_none() {
            out.push(UplaneResult::Error {
                frame,
                error: "no compression setting explains this flow".into(),
            });
        }
        out
    }

    fn decide(&mut self) {
        let refs: Vec<&[u8]> = self.pending.iter().map(|(_, d)| d.as_slice()).collect();
        match infer::infer_uplane(&refs, self.carrier) {
            Some(inf) => {
                self.mode = Some(inf.mode);
                if self.carrier.is_none() {
                    self.carrier = inf.carrier_prbs;
                }
                self.source = CompSource::Inferred(inf);
            }
            None => {
                self.source = CompSource::Unknown {
                    why: format!(
                        "no static or dynamic udCompHdr hypothesis tiles all {} messages examined",
                        refs.len()
                    ),
                }
            }
        }
    }

    fn decode(&mut self, frame: u64, data: &[u8]) -> UplaneResult {
        let Some(mode) = self.mode else {
            self.decode_errors += 1;
            return UplaneResult::Error {
                frame,
                error: "no compression setting explains this flow".into(),
            };
        };
        let cfg = UplaneConfig {
            comp: mode,
            carrier_prbs: self.carrier.unwrap_or(273),
            ud_comp_len: false,
        };
        let msg = match UplaneMessage::parse(data, &cfg) {
            Ok(m) => m,
            Err(e) => {
                self.decode_errors += 1;
                return UplaneResult::Error {
                    frame,
                    error: e.to_string(),
                };
            }
        };
        let slot = (msg.header.frame_id, msg.header.subframe_id, msg.header.slot_id);
        let symbol = msg.header.symbol_id;
        let mut unannounced = 0;
        let mut reserved_set = false;
        let mut param_reserved = false;
        for s in &msg.sections {
            self.sections += 1;
            reserved_set |= s.ud_comp_hdr.is_some() && s.reserved != 0;
            let comp = s.ud_comp_hdr.or(match mode {
                UdCompMode::Static(c) => Some(c),
                UdCompMode::Dynamic => None,
            });
            if let Some(c) = comp
                && c.method == CompMethod::Bfp
                && let Some(len) = c.prb_len()
            {
                param_reserved |= s.iq.chunks(len).any(|prb| prb[0] >> 4 != 0);
            }
            if self.judges_coupling(slot) && s.section_id != 4095 {
                let n = s.prb_count(cfg.carrier_prbs);
                let hit = self
                    .announced
                    .iter_mut()
                    .find(|(sl, _)| *sl == slot)
                    .and_then(|(_, list)| {
                        list.iter_mut().find(|a| {
                            let a_n = if a.num_prb == 0 {
                                cfg.carrier_prbs
                            } else {
                                a.num_prb as u16
                            };
                            a.section_id == s.section_id
                                && (a.start_symbol..a.start_symbol.saturating_add(a.num_symbol.max(1)))
                                    .contains(&symbol)
                                && s.start_prb >= a.start_prb
                                && s.start_prb + n <= a.start_prb + a_n
                        })
                    });
                match hit {
                    Some(a) => a.answered = true,
                    None => unannounced += 1,
                }
            }
        }
        self.unannounced += unannounced;
        UplaneResult::Decoded {
            frame,
            unannounced,
            reserved_set,
            param_reserved,
        }
    }

    /// Whether U-plane of `slot` can be judged against the announcements: once
    /// C-plane was seen, for that slot or a later one (frameId wraps every
    /// 256 frames; slots are ordered within half a cycle either way).
    fn judges_coupling(&self, slot: (u8, u8, u8)) -> bool {
        let Some(first) = self.first_announced else {
            return false;
        };
        let idx = |(f, sf, sl): (u8, u8, u8)| (f as i64 * 10 + sf as i64) * 16 + sl as i64;
        const CYCLE: i64 = 256 * 10 * 16;
        (idx(slot) - idx(first)).rem_euclid(CYCLE) < CYCLE / 2
    }

    /// Decide and decode whatever is still pending at the end of the capture.
    pub fn finish(&mut self) -> Vec<UplaneResult> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        if self.mode.is_none() {
            self.decide();
        }
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(f, d)| self.decode(f, &d))
            .collect()
    }

    pub fn report(&self, split: Option<EaxcSplit>) -> FlowReport {
        FlowReport {
            eaxc: self.key.eaxc,
            eaxc_parts: split.map(|s| s.unpack(self.key.eaxc).to_string()),
            plane: self.key.plane,
            direction: if self.key.downlink { "DL" } else { "UL" },
            messages: self.messages,
            bytes: self.bytes,
            sections: self.sections,
            section_types: self.section_types.clone(),
            sequence_gaps: self.gaps,
            sequence_lost: self.lost,
            sequence_duplicates: self.duplicates,
            compression: (self.key.plane == Plane::U).then(|| self.source.clone()),
            carrier_prbs: self.carrier,
            unannounced_sections: self.unannounced,
            never_answered: self.never_answered,
            decode_errors: self.decode_errors,
        }
    }
}

//! Sans-I/O O-DU: produces DL C-plane, DL U-plane and UL C-plane for a TDD
//! slot pattern, with correct frame/subframe/slot/symbol numbering and send
//! times inside the O-RU's receive windows. It doubles as the harness's
//! traffic generator when an O-RU is under test: `plan_all` returns every
//! frame it would send so a test case can reshape the schedule.

use crate::config::{FronthaulConfig, UdCompPresence};
use crate::node::{Node, Transmit};
use crate::signal::TestSignal;
use crate::timing::{AirPos, Nanos, SYMBOLS_PER_SLOT};
use crate::wire::{self, Sender, SeqCounters, UplaneChunk};
use codecs::ecpri::MessageType;
use codecs::fronthaul::compression::{self, UdCompHdr};
use codecs::fronthaul::cplane::{CplaneBody, CplaneMessage, CplaneSection, FrameStructure, SectionType, TypeHeader};
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::str::FromStr;

/// What a slot carries in a TDD pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotKind {
    Downlink,
    Uplink,
    /// A special slot: DL symbols first, then guard, then UL symbols at the end.
    Special {
        dl_symbols: u8,
        ul_symbols: u8,
    },
}

impl SlotKind {
    /// Symbols [start, start + n) carrying DL, if any.
    pub fn dl_symbols(self) -> Option<(u8, u8)> {
        match self {
            SlotKind::Downlink => Some((0, SYMBOLS_PER_SLOT)),
            SlotKind::Uplink => None,
            SlotKind::Special { dl_symbols, .. } => (dl_symbols > 0).then_some((0, dl_symbols)),
        }
    }

    /// Symbols [start, start + n) carrying UL, if any.
    pub fn ul_symbols(self) -> Option<(u8, u8)> {
        match self {
            SlotKind::Downlink => None,
            SlotKind::Uplink => Some((0, SYMBOLS_PER_SLOT)),
            SlotKind::Special { ul_symbols, .. } => {
                (ul_symbols > 0).then_some((SYMBOLS_PER_SLOT - ul_symbols, ul_symbols))
            }
        }
    }
}

/// A TDD pattern, repeated from slot 0 of frame 0, written like "DDDSU" with
/// the special slot's split as "DDDSU/10:2" (10 DL symbols, 2 UL symbols).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotPattern {
    pub slots: Vec<SlotKind>,
}

impl SlotPattern {
    pub fn kind(&self, abs_slot: u64) -> SlotKind {
        self.slots[(abs_slot % self.slots.len() as u64) as usize]
    }
}

impl FromStr for SlotPattern {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (letters, split) = s.split_once('/').unwrap_or((s, "10:2"));
        let (dl, ul) = split
            .split_once(':')
            .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)))
            .filter(|(a, b)| a + b <= SYMBOLS_PER_SLOT)
            .ok_or_else(|| format!("special slot split {split:?}: want DL:UL symbols, sum <= 14"))?;
        let slots = letters
            .chars()
            .map(|c| match c.to_ascii_uppercase() {
                'D' => Ok(SlotKind::Downlink),
                'U' => Ok(SlotKind::Uplink),
                'S' => Ok(SlotKind::Special {
                    dl_symbols: dl,
                    ul_symbols: ul,
                }),
                other => Err(format!("slot pattern letter {other:?}: want D, U or S")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if slots.is_empty() {
            return Err("empty slot pattern".into());
        }
        Ok(SlotPattern { slots })
    }
}

/// PRACH occasions, carried as section type 3 on the PRACH eAxCs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrachPlan {
    /// A PRACH occasion in every UL slot whose slot-in-frame index satisfies
    /// `slot % period == phase`.
    pub period: u32,
    pub phase: u32,
    /// filterIndex (3 = short formats A1-C2).
    pub filter_index: u8,
    pub start_prb: u16,
    pub num_prb: u8,
    pub start_symbol: u8,
    pub num_symbol: u8,
    pub frame_structure: FrameStructure,
    /// cpLength in units of Ts = 1/30.72 MHz.
    pub cp_length: u16,
    pub time_offset: u16,
}

impl PrachPlan {
    /// Short format B4 at 30 kHz: 12 PRBs, 12 repetitions, FFT 256.
    pub fn short_b4() -> Self {
        PrachPlan {
            period: 10,
            phase: 9,
            filter_index: 3,
            start_prb: 0,
            num_prb: 12,
            start_symbol: 0,
            num_symbol: 12,
            frame_structure: FrameStructure { fft_size: 8, scs: 1 },
            cp_length: 468,
            time_offset: 0,
        }
    }
}

/// How the O-DU schedules its transmissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OduBehaviour {
    pub pattern: SlotPattern,
    /// How long before the first symbol's air time DL C-plane leaves.
    pub dl_cp_lead: Nanos,
    /// How long before each symbol's air time its DL U-plane leaves.
    pub dl_up_lead: Nanos,
    /// How long before the first UL symbol's air time UL C-plane leaves.
    pub ul_cp_lead: Nanos,
    /// One-way transport delay the O-DU compensates for (T1a = T2a + delay).
    pub transport_delay: Nanos,
    pub prach: Option<PrachPlan>,
    /// Seed of the DL payload signal.
    pub seed: u64,
}

impl OduBehaviour {
    /// Mid-window leads for the configured delay profile, DDDSU, PRACH B4.
    pub fn centred(cfg: &FronthaulConfig) -> Self {
        let d = &cfg.delay;
        OduBehaviour {
            pattern: "DDDSU/10:2".parse().expect("valid pattern"),
            dl_cp_lead: (d.t2a_min_cp_dl + d.t2a_max_cp_dl) / 2,
            dl_up_lead: (d.t2a_min_up + d.t2a_max_up) / 2,
            ul_cp_lead: (d.t2a_min_cp_ul + d.t2a_max_cp_ul) / 2,
            transport_delay: 0,
            prach: Some(PrachPlan::short_b4()),
            seed: 1,
        }
    }
}

/// What a planned frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxKind {
    DlCplane,
    DlUplane,
    UlCplane,
    /// UL C-plane section type 3.
    PrachCplane,
}

/// A section the O-DU announced or sent, as a test case needs to judge the
/// O-RU's answer without re-decoding its own frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionPlan {
    pub section_id: u16,
    pub start_prb: u16,
    /// PRBs actually covered (numPrb 0 resolved to the carrier).
    pub num_prb: u16,
    pub start_symbol: u8,
    pub num_symbol: u8,
    pub filter_index: u8,
    pub comp: UdCompHdr,
}

/// One frame the O-DU will send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub at: Nanos,
    pub frame: Vec<u8>,
    pub kind: TxKind,
    pub eaxc: u16,
    /// Air position of the (start) symbol the frame is about.
    pub pos: AirPos,
    pub sections: Vec<SectionPlan>,
}

/// UL U-plane arrivals at the O-DU, classified against Ta4 (= the O-RU's Ta3
/// window plus transport delay).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct OduRxStats {
    pub total: u64,
    pub on_time: u64,
    pub early: u64,
    pub late: u64,
    pub undecodable: u64,
}

/// The simulated O-DU.
pub struct Odu {
    cfg: FronthaulConfig,
    beh: OduBehaviour,
    signal: TestSignal,
    seq: SeqCounters,
    next_section_id: u16,
    next_slot: u64,
    end_slot: u64,
    order: u64,
    queue: BinaryHeap<Reverse<(Nanos, u64)>>,
    pending: std::collections::HashMap<u64, Planned>,
    pub rx: OduRxStats,
}

impl Odu {
    /// An O-DU that will serve slots [first_slot, first_slot + num_slots)
    /// (absolute slot numbers from frame 0).
    pub fn new(cfg: FronthaulConfig, beh: OduBehaviour, first_slot: u64, num_slots: u64) -> Self {
        let signal = TestSignal::new(beh.seed);
        Odu {
            cfg,
            beh,
            signal,
            seq: SeqCounters::default(),
            next_section_id: 1,
            next_slot: first_slot,
            end_slot: first_slot + num_slots,
            order: 0,
            queue: BinaryHeap::new(),
            pending: Default::default(),
            rx: OduRxStats::default(),
        }
    }

    pub fn config(&self) -> &FronthaulConfig {
        &self.cfg
    }

    pub fn behaviour(&self) -> &OduBehaviour {
        &self.beh
    }

    /// Every frame for the remaining slots, in send order.
    pub fn plan_all(&mut self) -> Vec<Planned> {
        let mut all = Vec::new();
        while self.next_slot < self.end_slot {
            let s = self.next_slot;
            self.next_slot += 1;
            all.extend(self.plan_slot(s));
        }
        all.sort_by_key(|p| p.at);
        all
    }

    fn section_id(&mut self) -> u16 {
        // 4095 means "no sectionId-based coupling": never allocate it.
        let id = self.next_section_id;
        self.next_section_id = if id >= 4094 { 1 } else { id + 1 };
        id
    }

    fn app_header(&self, dir: Direction, filter_index: u8, pos: AirPos) -> RadioAppHeader {
        RadioAppHeader {
            direction: dir,
            payload_version: 1,
            filter_index,
            frame_id: pos.frame_id(),
            subframe_id: pos.subframe,
            slot_id: pos.slot,
            symbol_id: pos.symbol,
        }
    }

    fn carrier_num_prb_field(&self) -> u8 {
        // numPrbc = 0 means "all PRBs of the carrier"; needed above 255 PRBs.
        if self.cfg.carrier.prbs > 255 {
            0
        } else {
            self.cfg.carrier.prbs as u8
        }
    }

    fn cplane_frame(
        &mut self,
        eaxc: u16,
        header: RadioAppHeader,
        type_header: TypeHeader,
        sections: Vec<CplaneSection<'static>>,
    ) -> Vec<u8> {
        let section_type = match type_header {
            TypeHeader::St0 { .. } => SectionType::Unused,
            TypeHeader::St1 { .. } => SectionType::MostChannels,
            TypeHeader::St3 { .. } => SectionType::PrachMixedNumerology,
            TypeHeader::St5 { .. } => SectionType::UeScheduling,
        };
        let msg = CplaneMessage {
            header,
            num_sections: sections.len() as u8,
            section_type,
            body: CplaneBody::Sections { type_header, sections },
            trailing: 0,
        };
        let mut data = Vec::with_capacity(32);
        msg.emit(&mut data).expect("fields built within their widths");
        let eth = wire::ethernet_header(&self.cfg, Sender::Du);
        let seq = self.seq.next(eaxc, MessageType::RealTimeControl, header.direction);
        wire::frame(&eth, 1, MessageType::RealTimeControl, eaxc, seq, &data)
    }

    fn st1_section(&self, section_id: u16, start_symbol_count: u8) -> CplaneSection<'static> {
        CplaneSection {
            section_id,
            rb: false,
            sym_inc: false,
            start_prb: 0,
            num_prb: self.carrier_num_prb_field(),
            re_mask: 0xFFF,
            num_symbol: start_symbol_count,
            ef: false,
            beam_id: 0,
            freq_offset: None,
            st3_reserved: 0,
            extensions: Vec::new(),
            offset: 0,
        }
    }

    /// Every frame of one slot, unsorted.
    pub fn plan_slot(&mut self, abs_slot: u64) -> Vec<Planned> {
        let n = self.cfg.numerology();
        let kind = self.beh.pattern.kind(abs_slot);
        let delay = self.beh.transport_delay;
        let mut out = Vec::new();
        let prbs = self.cfg.carrier.prbs;

        if let Some((first, count)) = kind.dl_symbols() {
            for eaxc in self.cfg.carrier.dl_eaxc.clone() {
                let pos = n.pos_of_abs_slot(abs_slot, first);
                let sid = self.section_id();
                let header = self.app_header(Direction::Downlink, 0, pos);
                // DL udCompHdr in C-plane is reserved for DL: the U-plane format
                // comes from the M-plane (static) or the U-plane itself.
                let th = TypeHeader::St1 {
                    ud_comp_hdr: UdCompHdr::from_byte(0),
                    reserved: 0,
                };
                let sec = self.st1_section(sid, count);
                let frame = self.cplane_frame(eaxc, header, th, vec![sec]);
                let plan = SectionPlan {
                    section_id: sid,
                    start_prb: 0,
                    num_prb: prbs,
                    start_symbol: first,
                    num_symbol: count,
                    filter_index: 0,
                    comp: self.cfg.dl_comp,
                };
                out.push(Planned {
                    at: n.air_time(pos).saturating_sub(self.beh.dl_cp_lead + delay),
                    frame,
                    kind: TxKind::DlCplane,
                    eaxc,
                    pos,
                    sections: vec![plan.clone()],
                });
                for sym in first..first + count {
                    out.extend(self.dl_uplane_symbol(eaxc, abs_slot, sym, &plan));
                }
            }
        }

        if let Some((first, count)) = kind.ul_symbols() {
            for eaxc in self.cfg.carrier.ul_eaxc.clone() {
                let pos = n.pos_of_abs_slot(abs_slot, first);
                let sid = self.section_id();
                let header = self.app_header(Direction::Uplink, 0, pos);
                let th = TypeHeader::St1 {
                    ud_comp_hdr: self.cfg.ul_comp,
                    reserved: 0,
                };
                let sec = self.st1_section(sid, count);
                let frame = self.cplane_frame(eaxc, header, th, vec![sec]);
                out.push(Planned {
                    at: n.air_time(pos).saturating_sub(self.beh.ul_cp_lead + delay),
                    frame,
                    kind: TxKind::UlCplane,
                    eaxc,
                    pos,
                    sections: vec![SectionPlan {
                        section_id: sid,
                        start_prb: 0,
                        num_prb: prbs,
                        start_symbol: first,
                        num_symbol: count,
                        filter_index: 0,
                        comp: self.cfg.ul_comp,
                    }],
                });
            }
            let slot_in_frame = (abs_slot % n.slots_per_frame() as u64) as u32;
            if let Some(p) = self.beh.prach.clone()
                && kind == SlotKind::Uplink
                && slot_in_frame % p.period == p.phase
            {
                for eaxc in self.cfg.carrier.prach_eaxc.clone() {
                    out.push(self.prach_cplane(eaxc, abs_slot, &p));
                }
            }
        }
        out
    }

    fn prach_cplane(&mut self, eaxc: u16, abs_slot: u64, p: &PrachPlan) -> Planned {
        let n = self.cfg.numerology();
        let pos = n.pos_of_abs_slot(abs_slot, p.start_symbol);
        let sid = self.section_id();
        let header = self.app_header(Direction::Uplink, p.filter_index, pos);
        let th = TypeHeader::St3 {
            time_offset: p.time_offset,
            frame_structure: p.frame_structure,
            cp_length: p.cp_length,
            ud_comp_hdr: self.cfg.ul_comp,
        };
        let mut sec = self.st1_section(sid, p.num_symbol);
        sec.start_prb = p.start_prb;
        sec.num_prb = p.num_prb;
        sec.freq_offset = Some(-(p.num_prb as i32) * 6 * 12);
        let frame = self.cplane_frame(eaxc, header, th, vec![sec]);
        Planned {
            at: n
                .air_time(pos)
                .saturating_sub(self.beh.ul_cp_lead + self.beh.transport_delay),
            frame,
            kind: TxKind::PrachCplane,
            eaxc,
            pos,
            sections: vec![SectionPlan {
                section_id: sid,
                start_prb: p.start_prb,
                num_prb: p.num_prb as u16,
                start_symbol: p.start_symbol,
                num_symbol: p.num_symbol,
                filter_index: p.filter_index,
                comp: self.cfg.ul_comp,
            }],
        }
    }

    fn dl_uplane_symbol(&mut self, eaxc: u16, abs_slot: u64, sym: u8, plan: &SectionPlan) -> Vec<Planned> {
        let n = self.cfg.numerology();
        let pos = n.pos_of_abs_slot(abs_slot, sym);
        let at = n
            .air_time(pos)
            .saturating_sub(self.beh.dl_up_lead + self.beh.transport_delay);
        let comp = self.cfg.dl_comp;
        let presence = self.cfg.dl_comp_presence;
        let per_msg = wire::prbs_per_message(self.cfg.link.mtu, comp, presence) as u16;
        let eth = wire::ethernet_header(&self.cfg, Sender::Du);
        let header = self.app_header(Direction::Downlink, 0, pos);
        let mut out = Vec::new();
        let mut prb = plan.start_prb;
        let end = plan.start_prb + plan.num_prb;
        while prb < end {
            let count = per_msg.min(end - prb);
            let mut iq = Vec::with_capacity(count as usize * comp.prb_len().unwrap_or(0));
            for p in prb..prb + count {
                let samples = self.signal.prb(eaxc, abs_slot, sym, p);
                compression::compress_prb(comp, &samples, &mut iq).expect("supported compression");
            }
            let chunk = UplaneChunk {
                section_id: plan.section_id,
                start_prb: prb,
                num_prb: count,
                iq,
            };
            let data = wire::uplane_data(header, comp, presence, &chunk);
            let seq = self.seq.next(eaxc, MessageType::IqData, Direction::Downlink);
            out.push(Planned {
                at,
                frame: wire::frame(&eth, 1, MessageType::IqData, eaxc, seq, &data),
                kind: TxKind::DlUplane,
                eaxc,
                pos,
                sections: vec![SectionPlan {
                    start_prb: prb,
                    num_prb: count,
                    ..plan.clone()
                }],
            });
            prb += count;
        }
        out
    }

    /// The earliest time a slot's frames may leave.
    fn slot_planning_time(&self, abs_slot: u64) -> Nanos {
        let n = self.cfg.numerology();
        let lead = self.beh.dl_cp_lead.max(self.beh.ul_cp_lead).max(self.beh.dl_up_lead);
        n.air_time(n.pos_of_abs_slot(abs_slot, 0))
            .saturating_sub(lead + self.beh.transport_delay + 1_000_000)
    }

    fn fill(&mut self, now: Nanos) {
        while self.next_slot < self.end_slot && self.slot_planning_time(self.next_slot) <= now {
            let s = self.next_slot;
            self.next_slot += 1;
            for p in self.plan_slot(s) {
                self.order += 1;
                self.queue.push(Reverse((p.at, self.order)));
                self.pending.insert(self.order, p);
            }
        }
    }
}

impl Node for Odu {
    fn handle_frame(&mut self, now: Nanos, frame: &[u8]) {
        self.rx.total += 1;
        let cfg = &self.cfg;
        let n = cfg.numerology();
        let parsed = codecs::framing::parse_frame(frame, &Default::default())
            .ok()
            .and_then(|f| codecs::ecpri::parse_pdu(f.ecpri).ok())
            .and_then(|msgs| {
                msgs.into_iter().find_map(|m| match m.payload {
                    codecs::ecpri::Payload::IqData { data, .. } => {
                        codecs::fronthaul::header::RadioAppHeader::parse(data).ok()
                    }
                    _ => None,
                })
            });
        let Some(h) = parsed else {
            self.rx.undecodable += 1;
            return;
        };
        let Some(pos) = n.resolve(now, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id) else {
            self.rx.undecodable += 1;
            return;
        };
        // Ta4 window: UL U-plane arrives ta3 + transport after air time.
        let after = now as i64 - n.air_time(pos) as i64;
        let d = &cfg.delay;
        let delay = self.beh.transport_delay;
        if after < (d.ta3_min + delay) as i64 {
            self.rx.early += 1;
        } else if after > (d.ta3_max + delay) as i64 {
            self.rx.late += 1;
        } else {
            self.rx.on_time += 1;
        }
    }

    fn poll_transmit(&mut self, now: Nanos) -> Option<Transmit> {
        self.fill(now);
        let Reverse((at, order)) = *self.queue.peek()?;
        if at > now {
            return None;
        }
        self.queue.pop();
        let p = self.pending.remove(&order)?;
        Some(Transmit {
            at: p.at,
            frame: p.frame,
        })
    }

    fn poll_timeout(&self) -> Option<Nanos> {
        let queued = self.queue.peek().map(|Reverse((at, _))| *at);
        let planning = (self.next_slot < self.end_slot).then(|| self.slot_planning_time(self.next_slot));
        match (queued, planning) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl UdCompPresence {
    /// The codec's view of this presence for a given compression.
    pub fn to_mode(self, comp: UdCompHdr) -> codecs::fronthaul::uplane::UdCompMode {
        match self {
            UdCompPresence::Static => codecs::fronthaul::uplane::UdCompMode::Static(comp),
            UdCompPresence::Dynamic => codecs::fronthaul::uplane::UdCompMode::Dynamic,
        }
    }
}

//! Offline analysis of a capture: decode every frame, keep per-flow state in
//! bounded memory, and judge what the traffic shows against the clauses it
//! must follow. Frames are pushed one at a time (`Analyzer::push`), so a
//! capture of any size streams through.

mod flow;
pub mod timing;

use crate::model::{SpecRef, Verdict};
use codecs::eaxc::EaxcSplit;
use codecs::ecpri::{self, Payload};
use codecs::framing::{self, FramingConfig};
use codecs::fronthaul::cplane::{CplaneBody, CplaneMessage, TypeHeader};
use codecs::fronthaul::header::Direction;
use codecs::fronthaul::uplane::UdCompMode;
use flow::{FlowKey, FlowState};
use serde::Serialize;
use std::collections::BTreeMap;

pub use flow::{CompSource, FlowReport, Plane};
pub use timing::{AirTimeInfo, AirTimeRef, PtpSummary};

/// What the analyst knows (everything optional: unknowns are inferred).
#[derive(Debug, Clone, Default)]
pub struct AnalyzeConfig {
    pub framing: FramingConfig,
    /// eAxC bit split, for display only (flows are keyed by the 16-bit ID).
    pub eaxc_split: Option<EaxcSplit>,
    /// U-plane compression from a profile, for every flow.
    pub uplane: Option<UdCompMode>,
    pub carrier_prbs: Option<u16>,
    /// Numerology; inferred from the largest slotId seen when absent.
    pub numerology: Option<u8>,
    /// How capture timestamps map to air time, for timing analysis.
    pub air_time: Option<AirTimeRef>,
    /// Without `air_time`: derive air time from the PTP Sync messages the
    /// capture carries (G.8275.1: SFN 0 at the GPS epoch on the PTP
    /// timescale), with this correction in ns; `None` leaves timing out.
    pub ptp_air_time: Option<i64>,
}

/// A finding aggregated over the capture.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub verdict: Verdict,
    pub clause: SpecRef,
    pub what: String,
    pub count: u64,
    /// 1-based number of the first frame showing it.
    pub first_frame: u64,
}

/// The result of an analysis.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisReport {
    pub frames: u64,
    pub bytes: u64,
    pub ecpri_messages: u64,
    pub not_ecpri: u64,
    pub undecodable: u64,
    pub numerology: Option<u8>,
    pub flows: Vec<FlowReport>,
    pub observations: Vec<Observation>,
    pub timing: Vec<timing::TimingReport>,
    /// Where air time came from (None when timing was not analysed).
    pub air_time: Option<timing::AirTimeInfo>,
}

const fn cus(clause: &'static str) -> SpecRef {
    SpecRef {
        spec: "O-RAN.WG4.CUS.0",
        version: "10.00",
        clause,
    }
}
/// Clause of section extension n (index n), for placement findings.
const SE_CLAUSES: [&str; 29] = [
    "7.7", "7.7.1", "7.7.2", "7.7.3", "7.7.4", "7.7.5", "7.7.6", "7.7.7", "7.7.8", "7.7.9", "7.7.10", "7.7.11",
    "7.7.12", "7.7.13", "7.7.14", "7.7.15", "7.7.16", "7.7.17", "7.7.18", "7.7.19", "7.7.20", "7.7.21", "7.7.22",
    "7.7.23", "7.7.24", "7.7.25", "7.7.26", "7.7.27", "7.7.28",
];
const ECPRI_HDR: SpecRef = SpecRef {
    spec: "eCPRI Specification",
    version: "2.0",
    clause: "3.2.3.1",
};

fn is_ptp_port(p: u16) -> bool {
    p == codecs::ptp::UDP_EVENT_PORT || p == codecs::ptp::UDP_GENERAL_PORT
}

/// The streaming analyzer.
pub struct Analyzer {
    cfg: AnalyzeConfig,
    frames: u64,
    bytes: u64,
    ecpri_messages: u64,
    not_ecpri: u64,
    undecodable: u64,
    max_slot_id: u8,
    flows: BTreeMap<FlowKey, FlowState>,
    observations: BTreeMap<String, Observation>,
    timing: timing::TimingStats,
}

impl Analyzer {
    pub fn new(cfg: AnalyzeConfig) -> Self {
        Analyzer {
            timing: timing::TimingStats::new(cfg.air_time, cfg.ptp_air_time, cfg.numerology),
            cfg,
            frames: 0,
            bytes: 0,
            ecpri_messages: 0,
            not_ecpri: 0,
            undecodable: 0,
            max_slot_id: 0,
            flows: BTreeMap::new(),
            observations: BTreeMap::new(),
        }
    }

    fn observe(&mut self, verdict: Verdict, clause: SpecRef, what: String, frame: u64) {
        self.observe_n(verdict, clause, what, frame, 1);
    }

    fn observe_n(&mut self, verdict: Verdict, clause: SpecRef, what: String, frame: u64, n: u64) {
        let key = format!("{clause}|{what}");
        self.observations
            .entry(key)
            .or_insert(Observation {
                verdict,
                clause,
                what,
                count: 0,
                first_frame: frame,
            })
            .count += n;
    }

    fn flow(&mut self, key: FlowKey) -> &mut FlowState {
        let (uplane, carrier) = (self.cfg.uplane, self.cfg.carrier_prbs);
        self.flows
            .entry(key)
            .or_insert_with(|| FlowState::new(key, uplane, carrier))
    }

    /// Analyse one captured frame.
    pub fn push(&mut self, ts_ns: u64, data: &[u8]) {
        self.frames += 1;
        self.bytes += data.len() as u64;
        let number = self.frames;
        let frame = match framing::parse_frame(data, &self.cfg.framing) {
            Ok(f)
                if !f
                    .udp
                    .is_some_and(|u| is_ptp_port(u.src_port) || is_ptp_port(u.dst_port)) =>
            {
                f
            }
            _ => {
                self.not_ecpri += 1;
                if let Some((ptp, _)) = framing::ptp_payload(data) {
                    let m = codecs::ptp::Message::parse(ptp);
                    self.timing.record_ptp(ts_ns, m.as_ref().map_err(|_| ()));
                }
                return;
            }
        };
        let msgs = match ecpri::parse_pdu(frame.ecpri) {
            Ok(m) => m,
            Err(e) => {
                self.undecodable += 1;
                self.observe(Verdict::Fail, ECPRI_HDR, format!("malformed eCPRI: {}", e), number);
                return;
            }
        };
        for m in msgs {
            self.ecpri_messages += 1;
            if m.header.revision != 1 {
                self.observe(
                    Verdict::Fail,
                    ECPRI_HDR,
                    format!("eCPRI revision {} (shall be 1)", m.header.revision),
                    number,
                );
            }
            if m.header.reserved != 0 {
                self.observe(Verdict::Fail, ECPRI_HDR, "eCPRI reserved bits set".into(), number);
            }
            match m.payload {
                Payload::RealTimeControl { rtc_id, seq_id, data } => {
                    self.on_cplane(number, ts_ns, rtc_id, seq_id, data)
                }
                Payload::IqData { pc_id, seq_id, data } => self.on_uplane(number, ts_ns, pc_id, seq_id, data),
                _ => {}
            }
        }
    }

    fn on_cplane(&mut self, number: u64, ts: u64, eaxc: u16, seq: ecpri::SeqId, data: &[u8]) {
        let msg = match CplaneMessage::parse(data) {
            Ok(m) => m,
            Err(e) => {
                self.undecodable += 1;
                self.observe(Verdict::Fail, cus("7.4"), format!("undecodable C-plane: {}", e), number);
                return;
            }
        };
        let dir = msg.header.direction;
        self.max_slot_id = self.max_slot_id.max(msg.header.slot_id);
        self.timing.record(Plane::C, dir, ts, &msg.header);
        let key = FlowKey {
            eaxc,
            plane: Plane::C,
            downlink: dir == Direction::Downlink,
        };
        let gap = self.flow(key).sequence(seq, number);
        self.report_seq(gap, number);
        if seq.sub_sequence_id != 0 || !seq.e_bit {
            // §5.1.3.2.8: radio-transport fragmentation is not allowed for C-plane.
            self.observe(
                Verdict::Fail,
                cus("5.1.3.2.8"),
                "fragmented C-plane message (E = 0 or subSequenceId != 0)".into(),
                number,
            );
        }
        let st = u8::from(msg.section_type);
        let flow = self.flow(key);
        flow.count_message(data.len(), Some(st));
        let common = msg.body.common_sections();
        flow.count_sections(common.len() as u64);
        // Each extension's clause (7.7.n for SE n) lists the section types it
        // may appear in; a misplaced one is still decoded, and reported here.
        for s in &common {
            for x in &s.extensions {
                if !codecs::fronthaul::cplane::extension_allowed(x.ext_type, msg.section_type) {
                    let clause = SE_CLAUSES.get(x.ext_type as usize).copied().unwrap_or("7.7");
                    self.observe(
                        Verdict::Fail,
                        cus(clause),
                        format!(
                            "section extension {} in section type {st}, where it is not allowed",
                            x.ext_type
                        ),
                        number,
                    );
                }
            }
        }
        if let CplaneBody::Sections { type_header, sections } = &msg.body {
            let comp = match type_header {
                TypeHeader::St1 { ud_comp_hdr, reserved } | TypeHeader::St5 { ud_comp_hdr, reserved } => {
                    if *reserved != 0 {
                        self.observe(
                            Verdict::Inconclusive,
                            cus("7.5.2.1"),
                            format!("section type {st} header reserved byte is {reserved:#04x}"),
                            number,
                        );
                    }
                    Some(*ud_comp_hdr)
                }
                TypeHeader::St3 { ud_comp_hdr, .. } => Some(*ud_comp_hdr),
                TypeHeader::St0 { .. } => None,
            };
            let upk = FlowKey {
                eaxc,
                plane: Plane::U,
                downlink: dir == Direction::Downlink,
            };
            let announced: Vec<flow::Announced> = sections
                .iter()
                .map(|s| flow::Announced {
                    section_id: s.section_id,
                    start_symbol: msg.header.symbol_id,
                    num_symbol: s.num_symbol,
                    start_prb: s.start_prb,
                    num_prb: s.num_prb,
                    answered: false,
                })
                .collect();
            let slot = (msg.header.frame_id, msg.header.subframe_id, msg.header.slot_id);
            let flow = self.flow(upk);
            // UL C-plane's udCompHdr tells how the UL U-plane is compressed.
            if dir == Direction::Uplink
                && let Some(c) = comp
            {
                flow.learn_from_cplane(c);
            }
            let evicted = flow.announce(slot, announced);
            if evicted > 0 {
                let what = "C-plane section never answered by U-plane".to_string();
                self.observe_n(Verdict::Fail, cus("7.8.1"), what, number, evicted);
            }
        }
    }

    fn on_uplane(&mut self, number: u64, ts: u64, eaxc: u16, seq: ecpri::SeqId, data: &[u8]) {
        let Ok(header) = codecs::fronthaul::header::RadioAppHeader::parse(data) else {
            self.undecodable += 1;
            self.observe(
                Verdict::Fail,
                cus("8.3.3"),
                "U-plane shorter than its radio application header".into(),
                number,
            );
            return;
        };
        let dir = header.direction;
        self.max_slot_id = self.max_slot_id.max(header.slot_id);
        self.timing.record(Plane::U, dir, ts, &header);
        let key = FlowKey {
            eaxc,
            plane: Plane::U,
            downlink: dir == Direction::Downlink,
        };
        let gap = self.flow(key).sequence(seq, number);
        self.report_seq(gap, number);
        let results = self.flow(key).push_uplane(number, data);
        for r in results {
            self.absorb(r);
        }
    }

    fn absorb(&mut self, r: flow::UplaneResult) {
        match r {
            flow::UplaneResult::Decoded {
                frame,
                unannounced,
                reserved_set,
                param_reserved,
            } => {
                if unannounced > 0 {
                    self.observe(
                        Verdict::Fail,
                        cus("7.8.1"),
                        "U-plane section not announced by any C-plane section".into(),
                        frame,
                    );
                }
                if reserved_set {
                    self.observe(
                        Verdict::Inconclusive,
                        cus("8.3.3.14"),
                        "reserved byte after a dynamic udCompHdr is not 0".into(),
                        frame,
                    );
                }
                if param_reserved {
                    self.observe(
                        Verdict::Inconclusive,
                        cus("8.3.3.15"),
                        "BFP udCompParam reserved bits set".into(),
                        frame,
                    );
                }
            }
            flow::UplaneResult::Error { frame, error } => {
                self.undecodable += 1;
                self.observe(
                    Verdict::Fail,
                    cus("8.3.3"),
                    format!("undecodable U-plane: {error}"),
                    frame,
                );
            }
        }
    }

    fn report_seq(&mut self, gap: flow::SeqEvent, number: u64) {
        match gap {
            flow::SeqEvent::InOrder => {}
            flow::SeqEvent::Gap(_) => self.observe(
                Verdict::Fail,
                cus("5.1.3.2.8"),
                "sequence ID gap (lost or reordered message)".into(),
                number,
            ),
            flow::SeqEvent::Duplicate => {
                self.observe(Verdict::Fail, cus("5.1.3.2.8"), "repeated sequence ID".into(), number)
            }
        }
    }

    /// Settle what is pending (flows still waiting for inference) and report.
    pub fn finish(mut self) -> AnalysisReport {
        let keys: Vec<FlowKey> = self.flows.keys().copied().collect();
        for k in keys {
            let results = self.flows.get_mut(&k).map(|f| f.finish()).unwrap_or_default();
            for r in results {
                self.absorb(r);
            }
        }
        let numerology = self.cfg.numerology.or_else(|| {
            (self.frames > 0).then(|| {
                (0..=4u8)
                    .find(|mu| (self.max_slot_id as u32) < (1u32 << mu))
                    .unwrap_or(4)
            })
        });
        let split = self.cfg.eaxc_split;
        let flows: Vec<FlowReport> = self.flows.values().map(|f| f.report(split)).collect();
        // Announcements still open when the capture ends are not judged: the
        // capture may simply have stopped first.
        let mut observations: Vec<Observation> = self.observations.into_values().collect();
        observations.sort_by(|a, b| b.verdict.cmp(&a.verdict).then(b.count.cmp(&a.count)));
        AnalysisReport {
            frames: self.frames,
            bytes: self.bytes,
            ecpri_messages: self.ecpri_messages,
            not_ecpri: self.not_ecpri,
            undecodable: self.undecodable,
            numerology,
            flows,
            observations,
            timing: self.timing.report(),
            air_time: self.timing.air_time_info(),
        }
    }
}

//! Packet timing relative to air time: when the analyst says how capture
//! timestamps relate to the air interface, or when the capture carries the
//! PTP Sync messages that time the fronthaul.

use super::flow::Plane;
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::ptp::{self, MessageType, PortIdentity};
use serde::Serialize;
use sim::timing::Numerology;
use std::collections::BTreeMap;

/// Unix time of the GPS epoch (1980-01-06T00:00:00Z), in seconds.
const GPS_EPOCH_UNIX_S: i128 = 315_964_800;
/// GPS - UTC since 2017-01-01.
const GPS_LEAP_S: i128 = 18;
/// The GPS epoch on the PTP timescale (TAI seconds since 1970-01-01 TAI):
/// GPS = TAI - 19 s.
const GPS_EPOCH_PTP_S: i128 = 315_964_800 + 19;

/// How capture timestamps (Unix ns) map onto the air-time clock whose
/// origin is the start of a frame with frameId 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AirTimeRef {
    /// Air clock = timestamp - origin.
    pub origin_ns: i128,
}

impl AirTimeRef {
    /// O-RAN/3GPP alignment: SFN 0 started at the GPS epoch, so frame n
    /// starts n * 10 ms of GPS time after it; GPS = UTC + 18 s. `offset_ns`
    /// corrects for a known capture-point or clock offset.
    pub fn gps(offset_ns: i64) -> Self {
        AirTimeRef {
            origin_ns: (GPS_EPOCH_UNIX_S - GPS_LEAP_S) * 1_000_000_000 + offset_ns as i128,
        }
    }

    /// Timestamps already on the air clock (e.g. the harness's own captures).
    pub fn air_clock(offset_ns: i64) -> Self {
        AirTimeRef {
            origin_ns: offset_ns as i128,
        }
    }
}

/// Where the air-time reference of an analysis came from.
#[derive(Debug, Clone, Serialize)]
pub struct AirTimeInfo {
    /// "given" (the analyst's reference) or "ptp" (derived from the capture).
    pub source: &'static str,
    /// PTP details when derived from it, or when PTP was seen at all.
    pub ptp: Option<PtpSummary>,
    /// Fronthaul messages not timed: seen before any reference was known
    /// (beyond what could be held back), or in a capture without one.
    pub untimed: u64,
}

/// What the PTP messages in a capture said about its clock.
#[derive(Debug, Clone, Serialize)]
pub struct PtpSummary {
    /// PTP messages decoded, and those that did not decode.
    pub messages: u64,
    pub malformed: u64,
    /// Domain whose Sync messages set the reference (the first seen on the
    /// PTP timescale); G.8275.1 uses 24..43.
    pub domain: Option<u8>,
    /// clockIdentity of the port sending those Sync messages.
    pub master: Option<String>,
    pub two_step: bool,
    /// Sync (with Follow_Up when two-step) pairs used.
    pub syncs_used: u64,
    /// Sync messages of other domains, or on an arbitrary timescale (which
    /// cannot give air time), not used.
    pub syncs_ignored: u64,
    /// Capture clock minus PTP time at each Sync used, first / min / max
    /// (ns): its spread is the capture clock's drift and jitter against the
    /// master; about -37 s when the capture clock keeps UTC.
    pub capture_minus_ptp_ns: Option<[i64; 3]>,
    /// currentUtcOffset from the Announce messages, if any.
    pub utc_offset_s: Option<i16>,
    pub grandmaster: Option<String>,
    pub clock_class: Option<u8>,
}

/// Follows the Sync (and Follow_Up) messages of one PTP domain and keeps the
/// latest capture-clock-to-PTP offset, so air time follows the capture
/// clock's drift. The path delay from master to capture point is not
/// removed: on a direct fronthaul link it is well under a microsecond; a
/// known larger one is the analyst's offset correction.
#[derive(Debug, Clone)]
struct PtpTracker {
    correction_ns: i64,
    summary: PtpSummary,
    master: Option<PortIdentity>,
    /// Two-step Sync messages awaiting their Follow_Up: (port, sequenceId,
    /// capture time, Sync correction ns).
    awaiting: Vec<(PortIdentity, u16, u64, i64)>,
    /// Latest capture - PTP offset.
    offset: Option<i128>,
}

fn clock_id(c: &[u8; 8]) -> String {
    c.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

impl PtpTracker {
    fn new(correction_ns: i64) -> Self {
        PtpTracker {
            correction_ns,
            summary: PtpSummary {
                messages: 0,
                malformed: 0,
                domain: None,
                master: None,
                two_step: false,
                syncs_used: 0,
                syncs_ignored: 0,
                capture_minus_ptp_ns: None,
                utc_offset_s: None,
                grandmaster: None,
                clock_class: None,
            },
            master: None,
            awaiting: Vec::new(),
            offset: None,
        }
    }

    fn on_message(&mut self, ts_ns: u64, m: &ptp::Message<'_>) {
        self.summary.messages += 1;
        let h = &m.header;
        match (h.message_type, &m.body) {
            (MessageType::Sync, ptp::Body::Sync { origin_timestamp }) => {
                let ours = match self.master {
                    None if h.ptp_timescale() => {
                        self.master = Some(h.source_port);
                        self.summary.domain = Some(h.domain);
                        self.summary.master = Some(clock_id(&h.source_port.clock_identity));
                        self.summary.two_step = h.two_step();
                        true
                    }
                    Some(p) => p == h.source_port && Some(h.domain) == self.summary.domain,
                    None => false,
                };
                if !ours || !h.ptp_timescale() {
                    self.summary.syncs_ignored += 1;
                } else if h.two_step() {
                    // Few outstanding: a Follow_Up follows its Sync closely.
                    if self.awaiting.len() >= 8 {
                        self.awaiting.remove(0);
                    }
                    self.awaiting
                        .push((h.source_port, h.sequence_id, ts_ns, h.correction_ns()));
                } else {
                    self.sample(ts_ns, origin_timestamp.as_nanos() + h.correction_ns() as i128);
                }
            }
            (
                MessageType::FollowUp,
                ptp::Body::FollowUp {
                    precise_origin_timestamp,
                },
            ) => {
                if let Some(i) = self
                    .awaiting
                    .iter()
                    .position(|(p, seq, ..)| *p == h.source_port && *seq == h.sequence_id)
                {
                    let (_, _, at, sync_corr) = self.awaiting.remove(i);
                    // IEEE 1588-2019 11.3.2: origin + both correctionFields.
                    let t = precise_origin_timestamp.as_nanos() + (sync_corr + h.correction_ns()) as i128;
                    self.sample(at, t);
                }
            }
            (MessageType::Announce, ptp::Body::Announce(a))
                if Some(h.domain) == self.summary.domain || self.summary.domain.is_none() =>
            {
                self.summary.utc_offset_s = Some(a.current_utc_offset);
                self.summary.grandmaster = Some(clock_id(&a.grandmaster_identity));
                self.summary.clock_class = Some(a.clock_class);
            }
            _ => {}
        }
    }

    fn sample(&mut self, capture_ns: u64, ptp_ns: i128) {
        let off = capture_ns as i128 - ptp_ns;
        self.offset = Some(off);
        self.summary.syncs_used += 1;
        let o = off.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        let s = self.summary.capture_minus_ptp_ns.get_or_insert([o, o, o]);
        s[1] = s[1].min(o);
        s[2] = s[2].max(o);
    }

    /// Air clock = capture time - origin.
    fn origin(&self) -> Option<i128> {
        self.offset
            .map(|off| off + GPS_EPOCH_PTP_S * 1_000_000_000 + self.correction_ns as i128)
    }
}

/// Lead times in 5 us bins from -2 ms to +3 ms.
pub const BIN_NS: i64 = 5_000;
const LOW_NS: i64 = -2_000_000;
const BINS: usize = 1000;

#[derive(Debug, Clone)]
struct Hist {
    count: u64,
    sum: i128,
    min: i64,
    max: i64,
    bins: Vec<u64>,
}

impl Hist {
    fn new() -> Self {
        Hist {
            count: 0,
            sum: 0,
            min: i64::MAX,
            max: i64::MIN,
            bins: vec![0; BINS],
        }
    }

    fn add(&mut self, v: i64) {
        self.count += 1;
        self.sum += v as i128;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        let i = ((v - LOW_NS) / BIN_NS).clamp(0, BINS as i64 - 1) as usize;
        self.bins[i] += 1;
    }

    fn percentile(&self, p: f64) -> f64 {
        let target = (self.count as f64 * p).ceil().max(1.0) as u64;
        let mut acc = 0;
        for (i, b) in self.bins.iter().enumerate() {
            acc += b;
            if acc >= target {
                // The bin's centre, kept within what was actually seen.
                let v = (LOW_NS + i as i64 * BIN_NS + BIN_NS / 2).clamp(self.min, self.max);
                return v as f64 / 1000.0;
            }
        }
        self.max as f64 / 1000.0
    }
}

/// Lead of messages before (positive) or after (negative) the air time of
/// the symbol their header names, per plane and direction.
#[derive(Debug, Clone, Serialize)]
pub struct TimingReport {
    pub plane: Plane,
    pub direction: &'static str,
    pub messages: u64,
    pub min_us: f64,
    pub p1_us: f64,
    pub median_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
    /// Non-empty 5 us bins: (lower edge of lead in us, messages).
    pub histogram: Vec<(f64, u64)>,
}

/// Messages held back while the numerology is still being learnt.
const LEARN_MESSAGES: usize = 4096;
/// Messages held back while waiting for the first PTP Sync (G.8275.1 sends
/// 16 a second; this covers one interval of a busy 100 MHz carrier).
const AWAIT_PTP_MESSAGES: usize = 1 << 16;

/// Plane, downlink, capture timestamp, header, and the air-time origin in
/// force when it was seen (if one was).
type Pending = (Plane, bool, u64, RadioAppHeader, Option<i128>);

pub struct TimingStats {
    air: Option<AirTimeRef>,
    ptp: Option<PtpTracker>,
    /// The numerology, once given or learnt from the slot IDs seen.
    mu: Option<u8>,
    max_slot: u8,
    pending: Vec<Pending>,
    untimed: u64,
    hist: BTreeMap<(Plane, bool), Hist>,
}

impl TimingStats {
    /// `air`: the analyst's reference. Without one, `ptp` (a correction in
    /// ns) derives it from PTP Sync messages in the capture, if any.
    pub fn new(air: Option<AirTimeRef>, ptp: Option<i64>, mu: Option<u8>) -> Self {
        TimingStats {
            air,
            ptp: ptp.filter(|_| air.is_none()).map(PtpTracker::new),
            mu,
            max_slot: 0,
            pending: Vec::new(),
            untimed: 0,
            hist: BTreeMap::new(),
        }
    }

    /// A decoded PTP message seen at `ts_ns`.
    pub fn record_ptp(&mut self, ts_ns: u64, m: Result<&ptp::Message<'_>, ()>) {
        let Some(t) = self.ptp.as_mut() else { return };
        match m {
            Ok(m) => {
                let had = t.offset.is_some();
                t.on_message(ts_ns, m);
                if !had && t.offset.is_some() && self.mu.is_some() {
                    self.settle();
                }
            }
            Err(()) => t.summary.malformed += 1,
        }
    }

    fn origin(&self) -> Option<i128> {
        match (&self.air, &self.ptp) {
            (Some(a), _) => Some(a.origin_ns),
            (None, Some(t)) => t.origin(),
            (None, None) => None,
        }
    }

    pub fn record(&mut self, plane: Plane, dir: Direction, ts_ns: u64, h: &RadioAppHeader) {
        if self.air.is_none() && self.ptp.is_none() {
            return;
        }
        // The origin in force now: a PTP reference moves with the capture
        // clock, so a message held back keeps the one of its time.
        let item = (plane, dir == Direction::Downlink, ts_ns, *h, self.origin());
        if self.mu.is_none() {
            // Without a numerology, the largest slotId over the first few
            // thousand messages decides it (slotId < 2^mu).
            self.max_slot = self.max_slot.max(h.slot_id);
        }
        if self.mu.is_some() && self.origin().is_some() {
            self.add(item);
            return;
        }
        if self.pending.len() >= AWAIT_PTP_MESSAGES {
            self.untimed += 1;
            return;
        }
        self.pending.push(item);
        if self.mu.is_none() && self.pending.len() >= LEARN_MESSAGES {
            self.learn_mu();
            if self.origin().is_some() {
                self.settle();
            }
        }
    }

    fn learn_mu(&mut self) {
        if self.mu.is_none() {
            self.mu = Some((0..=4u8).find(|mu| (self.max_slot as u32) < (1u32 << mu)).unwrap_or(4));
        }
    }

    fn settle(&mut self) {
        self.learn_mu();
        if self.origin().is_none() {
            return;
        }
        for item in std::mem::take(&mut self.pending) {
            self.add(item);
        }
    }

    fn add(&mut self, (plane, dl, ts, h, origin): Pending) {
        let Some(n) = self.mu.and_then(Numerology::new) else {
            return;
        };
        let Some(origin) = origin.or_else(|| self.origin()) else {
            return;
        };
        let clock = ts as i128 - origin;
        if clock < 0 {
            return;
        }
        let clock = clock as u64;
        let Some(pos) = n.resolve(clock, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id) else {
            return;
        };
        let lead = n.air_time(pos) as i64 - clock as i64;
        self.hist.entry((plane, dl)).or_insert_with(Hist::new).add(lead);
    }

    /// Where the reference came from; `None` when timing was not asked for.
    pub fn air_time_info(&self) -> Option<AirTimeInfo> {
        let untimed = self.untimed
            + if self.origin().is_none() {
                self.pending.len() as u64
            } else {
                0
            };
        match (&self.air, &self.ptp) {
            (Some(_), _) => Some(AirTimeInfo {
                source: "given",
                ptp: None,
                untimed,
            }),
            (None, Some(t)) if t.summary.messages > 0 || t.summary.malformed > 0 => Some(AirTimeInfo {
                source: if t.offset.is_some() { "ptp" } else { "none" },
                ptp: Some(t.summary.clone()),
                untimed,
            }),
            _ => None,
        }
    }

    pub fn report(&mut self) -> Vec<TimingReport> {
        self.settle();
        self.hist
            .iter()
            .map(|((plane, dl), h)| TimingReport {
                plane: *plane,
                direction: if *dl { "DL" } else { "UL" },
                messages: h.count,
                min_us: h.min as f64 / 1000.0,
                p1_us: h.percentile(0.01),
                median_us: h.percentile(0.5),
                p99_us: h.percentile(0.99),
                max_us: h.max as f64 / 1000.0,
                mean_us: (h.sum as f64 / h.count.max(1) as f64) / 1000.0,
                histogram: h
                    .bins
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(i, n)| ((LOW_NS + i as i64 * BIN_NS) as f64 / 1000.0, *n))
                    .collect(),
            })
            .collect()
    }
}

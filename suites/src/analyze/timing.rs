//! Packet timing relative to air time, when the analyst says how capture
//! timestamps relate to the air interface.

use super::flow::Plane;
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use serde::Serialize;
use sim::timing::Numerology;
use std::collections::BTreeMap;

/// Unix time of the GPS epoch (1980-01-06T00:00:00Z), in seconds.
const GPS_EPOCH_UNIX_S: i128 = 315_964_800;
/// GPS - UTC since 2017-01-01.
const GPS_LEAP_S: i128 = 18;

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

type Pending = (Plane, bool, u64, RadioAppHeader);

pub struct TimingStats {
    air: Option<AirTimeRef>,
    /// The numerology, once given or learnt from the slot IDs seen.
    mu: Option<u8>,
    max_slot: u8,
    pending: Vec<Pending>,
    hist: BTreeMap<(Plane, bool), Hist>,
}

impl TimingStats {
    pub fn new(air: Option<AirTimeRef>, mu: Option<u8>) -> Self {
        TimingStats {
            air,
            mu,
            max_slot: 0,
            pending: Vec::new(),
            hist: BTreeMap::new(),
        }
    }

    pub fn record(&mut self, plane: Plane, dir: Direction, ts_ns: u64, h: &RadioAppHeader) {
        let Some(air) = self.air else { return };
        let clock = ts_ns as i128 - air.origin_ns;
        if clock < 0 {
            return;
        }
        let item = (plane, dir == Direction::Downlink, clock as u64, *h);
        if self.mu.is_some() {
            self.add(item);
            return;
        }
        // Without a numerology, the largest slotId over the first few
        // thousand messages decides it (slotId < 2^mu).
        self.max_slot = self.max_slot.max(h.slot_id);
        self.pending.push(item);
        if self.pending.len() >= LEARN_MESSAGES {
            self.settle();
        }
    }

    fn settle(&mut self) {
        if self.mu.is_none() {
            self.mu = Some((0..=4u8).find(|mu| (self.max_slot as u32) < (1u32 << mu)).unwrap_or(4));
        }
        for item in std::mem::take(&mut self.pending) {
            self.add(item);
        }
    }

    fn add(&mut self, (plane, dl, clock, h): Pending) {
        let Some(n) = self.mu.and_then(Numerology::new) else {
            return;
        };
        let Some(pos) = n.resolve(clock, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id) else {
            return;
        };
        let lead = n.air_time(pos) as i64 - clock as i64;
        self.hist.entry((plane, dl)).or_insert_with(Hist::new).add(lead);
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

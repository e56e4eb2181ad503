//! NR air-interface timing: where a (frame, subframe, slot, symbol) sits in time.
//!
//! Times are nanoseconds of virtual time (`Nanos`) whose origin is the start of
//! frame 0 of frame-cycle 0 (frameId wraps every 256 frames = 2.56 s). Symbol
//! boundaries follow 3GPP TS 38.211 §5.3.1 exactly, computed in units of
//! Tc = 1 / (480 kHz * 4096) and converted to nanoseconds only at the end, so
//! the long cyclic prefix of the first symbol of every half-subframe is honoured.

use serde::{Deserialize, Serialize};

/// Virtual time in nanoseconds.
pub type Nanos = u64;

/// Nanoseconds in one radio frame (10 ms).
pub const FRAME_NS: Nanos = 10_000_000;
/// Nanoseconds in one subframe (1 ms).
pub const SUBFRAME_NS: Nanos = 1_000_000;
/// Frames in one frameId cycle.
pub const FRAMES_PER_CYCLE: u64 = 256;
/// Symbols per slot with normal cyclic prefix.
pub const SYMBOLS_PER_SLOT: u8 = 14;

/// Tc units in one subframe: 1 ms / Tc = 480_000 * 4096 / 1000.
const TC_PER_SUBFRAME: u64 = 1_966_080;
/// kappa = Ts / Tc.
const KAPPA: u64 = 64;

/// A position on the air interface, with the frame counted absolutely (not
/// wrapped at 256) so it orders and converts to time without ambiguity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AirPos {
    pub frame: u64,
    pub subframe: u8,
    pub slot: u8,
    pub symbol: u8,
}

impl AirPos {
    /// frameId as carried on the wire (8 bits).
    pub fn frame_id(&self) -> u8 {
        (self.frame % FRAMES_PER_CYCLE) as u8
    }
}

/// Numerology mu (subcarrier spacing 15 kHz * 2^mu), 0..=4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Numerology(u8);

impl Numerology {
    pub fn new(mu: u8) -> Option<Self> {
        (mu <= 4).then_some(Numerology(mu))
    }

    pub fn mu(self) -> u8 {
        self.0
    }

    pub fn scs_khz(self) -> u32 {
        15 << self.0
    }

    pub fn slots_per_subframe(self) -> u8 {
        1 << self.0
    }

    pub fn slots_per_frame(self) -> u32 {
        10 << self.0
    }

    /// Slot duration in ns (exact to the nanosecond on average; individual
    /// slots differ by the long-CP placement only within a half-subframe).
    pub fn slot_ns(self) -> Nanos {
        SUBFRAME_NS >> self.0
    }

    /// Offset of `symbol` of `slot` from the start of its subframe, in Tc.
    fn symbol_offset_tc(self, slot: u8, symbol: u8) -> u64 {
        // TS 38.211 §5.3.1: N_CP = 144*kappa*2^-mu, plus 16*kappa for the
        // symbols l = 0 and l = 7*2^mu of every subframe (counted per subframe).
        let mu = self.0 as u64;
        let n_u = (2048 * KAPPA) >> mu;
        let n_cp = (144 * KAPPA) >> mu;
        let l = slot as u64 * SYMBOLS_PER_SLOT as u64 + symbol as u64;
        let half = 7u64 << mu;
        // Long-CP symbols before index l: l = 0 always, l = half once l > half.
        let long_before = (l > 0) as u64 + (l > half) as u64;
        l * (n_u + n_cp) + long_before * 16 * KAPPA
    }

    /// Air time (start of the symbol's cyclic prefix) of a position.
    pub fn air_time(self, pos: AirPos) -> Nanos {
        let sf_start = pos.frame * FRAME_NS + pos.subframe as u64 * SUBFRAME_NS;
        let tc = self.symbol_offset_tc(pos.slot, pos.symbol);
        // Tc = 1e6 / 1_966_080 ns per 1 ms subframe.
        sf_start + tc * SUBFRAME_NS / TC_PER_SUBFRAME
    }

    /// The position whose frameId/subframe/slot/symbol match the wire fields and
    /// whose air time is nearest to `near` (frameId is ambiguous modulo 256).
    /// `None` when the fields are out of range for this numerology.
    pub fn resolve(self, near: Nanos, frame_id: u8, subframe: u8, slot: u8, symbol: u8) -> Option<AirPos> {
        if subframe > 9 || slot >= self.slots_per_subframe() || symbol >= SYMBOLS_PER_SLOT {
            return None;
        }
        let cycle_ns = FRAMES_PER_CYCLE * FRAME_NS;
        let here = near / cycle_ns;
        let candidates = [here.checked_sub(1), Some(here), Some(here + 1)];
        candidates
            .into_iter()
            .flatten()
            .map(|cycle| AirPos {
                frame: cycle * FRAMES_PER_CYCLE + frame_id as u64,
                subframe,
                slot,
                symbol,
            })
            .min_by_key(|p| self.air_time(*p).abs_diff(near))
    }

    /// The slot index counted from frame 0 (absolute), and back.
    pub fn abs_slot(self, pos: AirPos) -> u64 {
        (pos.frame * 10 + pos.subframe as u64) * self.slots_per_subframe() as u64 + pos.slot as u64
    }

    pub fn pos_of_abs_slot(self, abs_slot: u64, symbol: u8) -> AirPos {
        let spsf = self.slots_per_subframe() as u64;
        let sf_abs = abs_slot / spsf;
        AirPos {
            frame: sf_abs / 10,
            subframe: (sf_abs % 10) as u8,
            slot: (abs_slot % spsf) as u8,
            symbol,
        }
    }
}

/// Number of PRBs for an NR channel bandwidth (TS 38.101-1 Table 5.3.2-1, FR1).
pub fn nr_prbs(bandwidth_mhz: u32, mu: u8) -> Option<u16> {
    let table: &[(u32, [u16; 3])] = &[
        (5, [25, 11, 0]),
        (10, [52, 24, 11]),
        (15, [79, 38, 18]),
        (20, [106, 51, 24]),
        (25, [133, 65, 31]),
        (30, [160, 78, 38]),
        (40, [216, 106, 51]),
        (50, [270, 133, 65]),
        (60, [0, 162, 79]),
        (70, [0, 189, 93]),
        (80, [0, 217, 107]),
        (90, [0, 245, 121]),
        (100, [0, 273, 135]),
    ];
    let (_, row) = table.iter().find(|(bw, _)| *bw == bandwidth_mhz)?;
    let n = *row.get(mu as usize)?;
    (n != 0).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subframe_tiles_exactly_for_every_numerology() {
        // TS 38.211 §5.3.1: 14 * 2^mu symbols (with two long CPs) fill 1 ms.
        for mu in 0..=4 {
            let n = Numerology::new(mu).unwrap();
            let last_slot = n.slots_per_subframe() - 1;
            let end = n.symbol_offset_tc(last_slot, 13) + (((2048 * KAPPA) >> mu) + ((144 * KAPPA) >> mu));
            assert_eq!(end, TC_PER_SUBFRAME, "mu {mu}");
        }
    }

    #[test]
    fn symbol_durations_at_30khz() {
        let n = Numerology::new(1).unwrap();
        let p = |slot, symbol| AirPos {
            frame: 0,
            subframe: 0,
            slot,
            symbol,
        };
        // Symbol 0 has the long CP: (2048+144)*64/2 + 16*64 Tc = 71168 Tc = 36.197 us
        // (the extra 16*kappa is not scaled by 2^-mu).
        assert_eq!(n.air_time(p(0, 1)), 36_197);
        // Ordinary symbols: 2192*32 Tc = 35.677 us (to within the ns rounding).
        assert!((n.air_time(p(0, 2)) - n.air_time(p(0, 1))).abs_diff(35_677) <= 1);
        // Slot 1 starts exactly at 0.5 ms with its own long CP.
        assert_eq!(n.air_time(p(1, 0)), 500_000);
    }

    #[test]
    fn resolve_picks_nearest_frame_cycle() {
        let n = Numerology::new(1).unwrap();
        let pos = AirPos {
            frame: 256 * 3 + 255,
            subframe: 9,
            slot: 1,
            symbol: 13,
        };
        let t = n.air_time(pos);
        // Shortly after the cycle wrapped, frameId 255 still means the previous cycle.
        let got = n.resolve(t + 2 * SUBFRAME_NS, 255, 9, 1, 13).unwrap();
        assert_eq!(got, pos);
        assert_eq!(n.resolve(t, 0, 10, 0, 0), None);
        assert_eq!(n.resolve(t, 0, 0, 2, 0), None);
    }

    #[test]
    fn abs_slot_round_trip() {
        let n = Numerology::new(2).unwrap();
        for s in [0u64, 1, 3, 4, 39, 40, 12345] {
            assert_eq!(n.abs_slot(n.pos_of_abs_slot(s, 0)), s);
        }
    }

    #[test]
    fn prb_table() {
        assert_eq!(nr_prbs(100, 1), Some(273));
        assert_eq!(nr_prbs(20, 0), Some(106));
        assert_eq!(nr_prbs(60, 0), None);
    }
}

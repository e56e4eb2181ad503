//! Deterministic IQ test signals.
//!
//! A conformance test needs to know what the DUT should have sent: for uplink,
//! a lab feeds the O-RU's antenna port from a signal generator; here the
//! simulated O-RU "receives" this signal, and the harness, knowing the seed,
//! regenerates it to compare with the decompressed UL U-plane. The O-DU uses
//! the same generator for its DL payload.

use codecs::fronthaul::compression::PrbIq;
use serde::{Deserialize, Serialize};

/// A reproducible pseudo-random signal, keyed by seed, eAxC, slot, symbol, PRB.
///
/// Each PRB gets its own power level (spanning about 40 dB) so that BFP
/// exponents vary from PRB to PRB, as they do with real traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSignal {
    pub seed: u64,
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl TestSignal {
    pub fn new(seed: u64) -> Self {
        TestSignal { seed }
    }

    /// The 12 REs (I, Q interleaved) of one PRB.
    pub fn prb(&self, eaxc: u16, abs_slot: u64, symbol: u8, prb: u16) -> PrbIq {
        let key = self.seed
            ^ (eaxc as u64) << 48
            ^ abs_slot.wrapping_mul(0x1000_0000_01B3) << 8
            ^ (symbol as u64) << 40
            ^ prb as u64;
        let mut state = splitmix64(key);
        // Peak amplitude 2^7 .. 2^14: exercises every BFP exponent from 0 up.
        let shift = 7 + (state % 8) as u32;
        let amp = 1i32 << shift;
        let mut out = [0i16; 24];
        for pair in out.chunks_exact_mut(4) {
            state = splitmix64(state);
            for (k, v) in pair.iter_mut().enumerate() {
                let r = ((state >> (k * 16)) & 0xFFFF) as i32; // 0..65535
                // Uniform in [-amp, amp - 1].
                *v = (((r * 2 - 65536) as i64 * amp as i64) >> 16) as i16;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_seed_dependent() {
        let a = TestSignal::new(1).prb(3, 10, 4, 7);
        assert_eq!(a, TestSignal::new(1).prb(3, 10, 4, 7));
        assert_ne!(a, TestSignal::new(2).prb(3, 10, 4, 7));
        assert_ne!(a, TestSignal::new(1).prb(3, 10, 4, 8));
    }

    #[test]
    fn amplitude_varies_across_prbs() {
        let s = TestSignal::new(42);
        let peaks: std::collections::BTreeSet<u32> = (0..200)
            .map(|p| {
                let prb = s.prb(0, 0, 0, p);
                let m = prb.iter().map(|v| (*v as i32).unsigned_abs()).max().unwrap();
                32 - m.leading_zeros()
            })
            .collect();
        assert!(peaks.len() >= 6, "peak bit-lengths {peaks:?}");
    }
}

//! The deterministic traffic model behind the simulated node's KPM values:
//! a pure function of (seed, measurement, time), so a test can recompute
//! what any indication must carry.

/// Measurements the simulated node offers (3GPP TS 28.552 names).
pub const MEASUREMENTS: [&str; 5] = [
    "RRU.PrbTotDl",
    "RRU.PrbTotUl",
    "DRB.UEThpDl",
    "DRB.UEThpUl",
    "RRC.ConnMean",
];

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Noise in `-amp..=amp`, fixed for (seed, name, t_ms).
fn noise(seed: u64, name: &str, t_ms: u64, amp: i64) -> i64 {
    let r = mix(seed ^ name_hash(name) ^ mix(t_ms));
    (r % (2 * amp as u64 + 1)) as i64 - amp
}

/// PRB usage in percent: a slow triangle wave (one minute) plus noise, so
/// successive reports differ.
fn prb(seed: u64, name: &str, t_ms: u64) -> i64 {
    let phase = ((t_ms + seed % 60_000) % 60_000) as i64; // 0..60 s
    let tri = if phase < 30_000 { phase } else { 60_000 - phase }; // 0..30 s
    (20 + tri * 60 / 30_000 + noise(seed, name, t_ms, 5)).clamp(0, 100)
}

/// The value of `name` for the granularity period starting at `t_ms`;
/// `None` (noValue) for a measurement the node does not know.
pub fn value(seed: u64, name: &str, t_ms: u64) -> Option<u32> {
    let v = match name {
        "RRU.PrbTotDl" | "RRU.PrbTotUl" => prb(seed, name, t_ms),
        // kbit/s: follows the PRB usage of the same direction.
        "DRB.UEThpDl" => prb(seed, "RRU.PrbTotDl", t_ms) * 4_000 + noise(seed, name, t_ms, 500),
        "DRB.UEThpUl" => prb(seed, "RRU.PrbTotUl", t_ms) * 1_000 + noise(seed, name, t_ms, 200),
        "RRC.ConnMean" => 8 + (prb(seed, "RRU.PrbTotDl", t_ms) / 10) + noise(seed, name, t_ms, 1),
        _ => return None,
    };
    Some(v.max(0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_deterministic_bounded_and_change() {
        let a: Vec<_> = (0..50).map(|i| value(7, "RRU.PrbTotDl", i * 1000).unwrap()).collect();
        let b: Vec<_> = (0..50).map(|i| value(7, "RRU.PrbTotDl", i * 1000).unwrap()).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|&v| v <= 100));
        assert!(a.windows(2).any(|w| w[0] != w[1]));
        assert_ne!(
            value(8, "RRU.PrbTotDl", 0),
            value(7, "RRU.PrbTotDl", 0).map(|v| v + 1000)
        );
        assert_eq!(value(7, "No.Such", 0), None);
    }
}

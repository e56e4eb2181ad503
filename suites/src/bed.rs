//! Ready-made test beds: the default fronthaul setup, and an in-process
//! simulated O-RU behind a [`SimPort`].

use crate::case::{OruPics, Setup};
use crate::port::SimPort;
use sim::Nanos;
use sim::config::FronthaulConfig;
use sim::odu::OduBehaviour;
use sim::oru::{Oru, OruBehaviour, OruFault};
use sim::signal::TestSignal;
use sim::timing::{FRAME_NS, nr_prbs};

/// Seed of the antenna signal used unless a run says otherwise.
pub const DEFAULT_STIMULUS_SEED: u64 = 0x0_5EED;

/// The default setup: CAT-A-NoBF, 100 MHz at 30 kHz, BFP 9-bit, DDDSU,
/// one frame of traffic per case starting at frame 1.
pub fn default_setup(seed: u64) -> Setup {
    let fh = FronthaulConfig::cat_a_nobf_100mhz();
    let tester = OduBehaviour::centred(&fh);
    let n = fh.numerology();
    Setup {
        pics: OruPics {
            ul_comp: vec![fh.ul_comp],
            section_types: vec![1, 3],
            rx_counters: true,
            dl_comp: vec![fh.dl_comp],
            ud_comp_hdr: vec![fh.ul_comp_presence],
            section_extensions: vec![],
        },
        tester,
        stimulus: Some(TestSignal::new(seed)),
        transport_delay: 0,
        first_slot: n.slots_per_frame() as u64,
        num_slots: n.slots_per_frame() as u64,
        fh,
    }
}

/// A simulated O-RU with the given fault, configured as the setup says,
/// behind an in-memory port that keeps a capture.
pub fn simulated_oru(setup: &Setup, fault: OruFault) -> SimPort<Oru> {
    let seed = setup.stimulus.map(|s| s.seed).unwrap_or(DEFAULT_STIMULUS_SEED);
    let mut beh = OruBehaviour::conformant(&setup.fh, seed);
    beh.fault = fault;
    let oru = Oru::new(setup.fh.clone(), beh);
    SimPort::new(oru, 0, setup.transport_delay).with_capture()
}

/// The setup with its traffic moved to the first radio frame whose
/// transmissions all lie after `t` (and never before the configured first
/// slot), so that on a real clock every frame of the case is ahead of now.
/// With `t = 0` (virtual time) the default setup is unchanged.
pub fn starting_after(setup: &Setup, t: Nanos) -> Setup {
    let n = setup.fh.numerology();
    let d = &setup.fh.delay;
    // The O-DU sends at most a receive window's maximum ahead of air time;
    // OFH.DLM.DL.RX.01 sends 20 us earlier still.
    let lead = d.t2a_max_cp_dl.max(d.t2a_max_cp_ul).max(d.t2a_max_up) + setup.transport_delay + 100_000;
    let frame = (t + lead).div_ceil(FRAME_NS);
    let mut s = setup.clone();
    s.first_slot = s.first_slot.max(frame * n.slots_per_frame() as u64);
    s
}

/// The setup with every O-RU window's maximum raised by `extra` ns (the
/// receive windows open earlier, Ta3 closes later) and the O-DU's leads
/// centred in the wider windows; a simulated O-RU configured from it sends
/// mid-Ta3 as well. For test beds whose timing jitter exceeds the margins of
/// the standard windows: real time on a machine that is not real-time. Both
/// ends of the link must be given the same.
pub fn with_wider_windows(setup: &Setup, extra: Nanos) -> Setup {
    let mut s = setup.clone();
    let d = &mut s.fh.delay;
    d.t2a_max_cp_dl += extra;
    d.t2a_max_cp_ul += extra;
    d.t2a_max_up += extra;
    d.ta3_max += extra;
    let centred = OduBehaviour::centred(&s.fh);
    s.tester.dl_cp_lead = centred.dl_cp_lead;
    s.tester.dl_up_lead = centred.dl_up_lead;
    s.tester.ul_cp_lead = centred.ul_cp_lead;
    s
}

/// The setup on a carrier of `mhz` MHz (the PRB count of TS 38.101-1 for
/// its numerology); everything else unchanged.
pub fn with_bandwidth(setup: &Setup, mhz: u32) -> Result<Setup, String> {
    let mu = setup.fh.numerology().mu();
    let prbs = nr_prbs(mhz, mu).ok_or_else(|| format!("no NR carrier of {mhz} MHz at {} kHz", 15 << mu))?;
    let mut s = setup.clone();
    s.fh.carrier.prbs = prbs;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::timing::SUBFRAME_NS;

    #[test]
    fn real_clock_start_is_a_later_frame_and_virtual_time_is_unchanged() {
        let s = default_setup(DEFAULT_STIMULUS_SEED);
        assert_eq!(starting_after(&s, 0).first_slot, s.first_slot);
        let t = 123_456_789_000;
        let moved = starting_after(&s, t);
        let n = s.fh.numerology();
        let first = n.air_time(n.pos_of_abs_slot(moved.first_slot, 0));
        assert!(first >= t + s.fh.delay.t2a_max_cp_dl && first - t < FRAME_NS + SUBFRAME_NS);
        assert_eq!(first % FRAME_NS, 0);
    }

    #[test]
    fn wider_windows_keep_the_traffic_centred() {
        let s = default_setup(DEFAULT_STIMULUS_SEED);
        assert_eq!(with_wider_windows(&s, 0).tester, s.tester);
        let w = with_wider_windows(&s, 1_000_000);
        let d = w.fh.delay;
        assert_eq!(d.ta3_max, s.fh.delay.ta3_max + 1_000_000);
        assert_eq!(d.ta3_min, s.fh.delay.ta3_min);
        assert_eq!(w.tester.ul_cp_lead, (d.t2a_min_cp_ul + d.t2a_max_cp_ul) / 2);
    }
}

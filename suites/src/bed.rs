//! Ready-made test beds: the default fronthaul setup, and an in-process
//! simulated O-RU behind a [`SimPort`].

use crate::case::{OruPics, Setup};
use crate::port::SimPort;
use sim::config::FronthaulConfig;
use sim::odu::OduBehaviour;
use sim::oru::{Oru, OruBehaviour, OruFault};
use sim::signal::TestSignal;

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

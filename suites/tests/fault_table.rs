//! A suite is only as good as the faults it catches: every faulty O-RU
//! variant must be caught by the case aimed at it, with a FAIL, and the
//! conformant O-RU must pass every case.

use sim::oru::OruFault;
use suites::bed::{DEFAULT_STIMULUS_SEED, default_setup, simulated_oru};
use suites::case::Ctx;
use suites::model::Verdict;
use suites::ofh::catalogue;

/// Which cases each variant must fail; every other case must pass.
fn expected_failures(fault: OruFault) -> &'static [&'static str] {
    match fault {
        OruFault::None => &[],
        OruFault::LateUl => &["OFH.DLM.UL.TX.01"],
        OruFault::BadBfpExponent => &["OFH.CMP.BFP.UL.01"],
        OruFault::SeqGap => &["OFH.TRN.SEQ.01"],
        OruFault::WrongSectionId => &["OFH.NRG.COUPLING.01"],
        OruFault::MiscountLate => &["OFH.DLM.DL.RX.01"],
        // filterIndex is part of the U-plane header check and the PRACH check.
        OruFault::PrachFilterIndex => &["OFH.UP.HDR.01", "OFH.ST3.PRACH.01"],
        OruFault::BadEcpriRevision => &["OFH.TRN.ECPRI.01"],
        OruFault::WrongDirection => &["OFH.UP.HDR.01"],
    }
}

fn verdicts(fault: OruFault) -> Vec<(&'static str, Verdict, String)> {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    catalogue()
        .iter()
        .map(|case| {
            let mut port = simulated_oru(&setup, fault);
            let mut ctx = Ctx {
                setup: &setup,
                port: &mut port,
            };
            let out = case.run(&mut ctx);
            (case.meta().id, out.verdict(), out.reason())
        })
        .collect()
}

#[test]
fn every_fault_is_caught_by_its_case_and_only_there() {
    for fault in OruFault::ALL {
        let want = expected_failures(fault);
        for (id, verdict, reason) in verdicts(fault) {
            let expected = if want.contains(&id) {
                Verdict::Fail
            } else {
                Verdict::Pass
            };
            assert_eq!(verdict, expected, "variant {} case {id}: {reason}", fault.name());
        }
    }
}

/// The verdicts must not depend on one lucky configuration: other
/// numerologies, bandwidths, eAxC splits, widths and dynamic udCompHdr.
#[test]
fn conformant_oru_passes_in_other_configurations() {
    use codecs::eaxc::EaxcSplit;
    use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
    use sim::config::UdCompPresence;
    use sim::timing::{Numerology, nr_prbs};

    let configs = [
        // 20 MHz at 15 kHz, 2/6/4/4 split, dynamic 14-bit BFP both ways.
        (
            0u8,
            20u32,
            "2,6,4,4",
            UdCompHdr::new(14, CompMethod::Bfp),
            UdCompPresence::Dynamic,
        ),
        // 40 MHz at 30 kHz, uncompressed 16-bit, static.
        (
            1,
            40,
            "4,4,4,4",
            UdCompHdr::new(16, CompMethod::None),
            UdCompPresence::Static,
        ),
        // 100 MHz at 30 kHz, 12-bit BFP dynamic, jumbo frames below.
        (
            1,
            100,
            "2,6,4,4",
            UdCompHdr::new(12, CompMethod::Bfp),
            UdCompPresence::Dynamic,
        ),
    ];
    for (mu, bw, split, comp, presence) in configs {
        let mut setup = default_setup(DEFAULT_STIMULUS_SEED);
        let n = Numerology::new(mu).unwrap();
        setup.fh.carrier.numerology = n;
        setup.fh.carrier.prbs = nr_prbs(bw, mu).unwrap();
        setup.fh.carrier.eaxc_split = split.parse::<EaxcSplit>().unwrap();
        setup.fh.carrier.ul_eaxc = vec![0x0001, 0x0002];
        setup.fh.dl_comp = comp;
        setup.fh.ul_comp = comp;
        setup.fh.dl_comp_presence = presence;
        setup.fh.ul_comp_presence = presence;
        if bw == 100 {
            setup.fh.link.mtu = 9000;
        }
        setup.pics.ul_comp = vec![comp];
        setup.first_slot = n.slots_per_frame() as u64;
        setup.num_slots = n.slots_per_frame() as u64;
        if let Some(p) = setup.tester.prach.as_mut() {
            p.frame_structure.scs = mu;
        }
        for case in catalogue() {
            let id = case.meta().id;
            let applies = !matches!(
                case.applicability(&setup.pics),
                suites::model::Applicability::NotApplicable(_)
            );
            let mut port = simulated_oru(&setup, OruFault::None);
            let mut ctx = Ctx {
                setup: &setup,
                port: &mut port,
            };
            let out = case.run(&mut ctx);
            let want = if applies { Verdict::Pass } else { out.verdict() };
            assert_eq!(out.verdict(), want, "mu {mu} {bw} MHz {comp}: {id}: {}", out.reason());
        }
    }
}

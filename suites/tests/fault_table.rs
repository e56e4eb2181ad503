//! A suite is only as good as the faults it catches: every faulty O-RU
//! variant must be caught by the case aimed at it, with a FAIL, and the
//! conformant O-RU must pass every case.

use sim::oru::OruFault;
use suites::bed::{default_setup, simulated_oru, DEFAULT_STIMULUS_SEED};
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
            let mut ctx = Ctx { setup: &setup, port: &mut port };
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
            let expected = if want.contains(&id) { Verdict::Fail } else { Verdict::Pass };
            assert_eq!(verdict, expected, "variant {} case {id}: {reason}", fault.name());
        }
    }
}

#[test]
#[ignore = "diagnostic print"]
fn print_table() {
    for fault in OruFault::ALL {
        for (id, verdict, reason) in verdicts(fault) {
            println!("{:20} {:22} {:12} {}", fault.name(), id, verdict.as_str(), reason);
        }
    }
}

//! The E2 suites are only as good as the faults they catch: every faulty
//! variant of the simulated E2 node and near-RT RIC must be caught by the
//! case(s) aimed at it, with a FAIL, and by no other; the conformant node
//! and RIC must pass every applicable case; under each of E2AP v01.00,
//! v02.03 and v03.01.

use codecs::e2ap::E2apVersion;
use sim::e2::{NodeFault, RicFault};
use suites::e2::{self, E2Side, applicability, simulated_port, simulated_setup};
use suites::model::{Applicability, Verdict};

const VERSIONS: [E2apVersion; 3] = [E2apVersion::V1_00, E2apVersion::V2_03, E2apVersion::V3_01];

/// The cases each faulty E2 node must fail; every other applicable case must pass.
fn node_expected(f: NodeFault, v: E2apVersion) -> Vec<&'static str> {
    use NodeFault::*;
    match f {
        None => vec![],
        IgnoreRejectCriticality => vec!["E2.NODE.CRIT.01"],
        NoNotifyErrorIndication => vec!["E2.NODE.CRIT.03"],
        SilentOnMalformed => vec!["E2.NODE.ERR.01"],
        CrashOnUnknownProcedure => vec!["E2.NODE.ERR.02"],
        // v01.00 has no transaction ID: nothing to reuse.
        AcceptReusedTransactionId if v == E2apVersion::V1_00 => vec![],
        AcceptReusedTransactionId => vec!["E2.NODE.ERR.03"],
        AcceptUnknownRanFunction | WrongCauseUnknownRanFunction => vec!["E2.NODE.SUB.02"],
        AcceptUnsupportedAction => vec!["E2.NODE.SUB.03"],
        AcceptDuplicateRequestId => vec!["E2.NODE.SUB.04"],
        RetrySetupEarly => vec!["E2.NODE.SETUP.02"],
        IndicationsAfterReset => vec!["E2.NODE.RESET.01"],
        DeleteUnknownSucceeds => vec!["E2.NODE.DEL.02"],
        TruncateOversized => vec!["E2.NODE.IND.02"],
        VersionSkew => vec!["E2.NODE.SETUP.01", "E2.NODE.VER.01"],
        KpmV2Timestamp => vec!["E2.NODE.SUB.01"],
        CrashOnBadSetupResponse => vec!["E2.NODE.SETUP.03"],
    }
}

/// The cases each faulty near-RT RIC must fail.
fn ric_expected(f: RicFault, v: E2apVersion) -> Vec<&'static str> {
    use RicFault::*;
    match f {
        None => vec![],
        CrashOnErrorIndication => vec!["E2.RIC.ERR.01"],
        SilentOnMalformed => vec!["E2.RIC.ERR.02"],
        NoTimeToWait => vec!["E2.RIC.SETUP.02"],
        AcceptEarlySetup => vec!["E2.RIC.SETUP.03"],
        DuplicateRequestId => vec!["E2.RIC.SUB.01"],
        IgnoreRejectCriticality => vec!["E2.RIC.CRIT.01"],
        NoNotifyErrorIndication => vec!["E2.RIC.CRIT.02"],
        CrashOnUnknownProcedure => vec!["E2.RIC.ERR.03"],
        AcceptReusedTransactionId if v == E2apVersion::V1_00 => vec![],
        AcceptReusedTransactionId => vec!["E2.RIC.ERR.04"],
        RejectOversized => vec!["E2.RIC.IND.01"],
        VersionSkew if v == E2apVersion::V1_00 => vec!["E2.RIC.SETUP.01", "E2.RIC.VER.01"],
        // A RIC answering in v01.00 has no TransactionID: its Reset Response
        // lacks the one asked for, and it cannot tell one in use.
        VersionSkew => vec!["E2.RIC.SETUP.01", "E2.RIC.VER.01", "E2.RIC.ERR.04", "E2.RIC.RESET.01"],
        KeepSubscriptionsAfterReset => vec!["E2.RIC.RESET.01"],
    }
}

/// Where a fault leaves another case nothing to judge: that case may come
/// out inconclusive (never pass by skipping, never fail).
fn may_be_inconclusive(side: E2Side, variant: &str, id: &str, _v: E2apVersion) -> bool {
    match (side, variant) {
        // Without a Time To Wait there is no "early" to retry at.
        (E2Side::Ric, "no-time-to-wait") => id == "E2.RIC.SETUP.03",
        // A node speaking another version may not get set up at all.
        (E2Side::Node, "version-skew") => true,
        _ => false,
    }
}

struct Row {
    id: &'static str,
    applicability: Applicability,
    verdict: Verdict,
    reason: String,
}

fn run_side(side: E2Side, v: E2apVersion, nf: NodeFault, rf: RicFault) -> Vec<Row> {
    let setup = simulated_setup(side, v);
    e2::suite(side)
        .iter()
        .map(|case| {
            let a = applicability(case.as_ref(), &setup);
            if let Applicability::NotApplicable(_) = &a {
                return Row {
                    id: case.meta().id,
                    applicability: a,
                    verdict: Verdict::None,
                    reason: String::new(),
                };
            }
            let mut port = simulated_port(case.as_ref(), v, nf, rf);
            let out = e2::run(case.as_ref(), &setup, &mut port);
            Row {
                id: case.meta().id,
                applicability: a,
                verdict: out.verdict(),
                reason: out.reason(),
            }
        })
        .collect()
}

fn check(side: E2Side, variant: &str, v: E2apVersion, rows: &[Row], want: &[&str], problems: &mut Vec<String>) {
    for r in rows {
        if let Applicability::NotApplicable(why) = &r.applicability {
            assert!(!why.is_empty());
            if want.contains(&r.id) {
                problems.push(format!("{variant} {v}: {} expected to fail but not applicable", r.id));
            }
            continue;
        }
        let ok = if want.contains(&r.id) {
            r.verdict == Verdict::Fail
        } else {
            r.verdict == Verdict::Pass
                || (r.verdict == Verdict::Inconclusive && may_be_inconclusive(side, variant, r.id, v))
        };
        if !ok {
            problems.push(format!(
                "{} {variant} {v}: {} -> {} ({})",
                side.suite(),
                r.id,
                r.verdict,
                r.reason
            ));
        }
    }
}

#[test]
fn every_node_fault_is_caught_by_its_cases_and_only_there() {
    let mut problems = Vec::new();
    for v in VERSIONS {
        for &f in NodeFault::ALL {
            let rows = run_side(E2Side::Node, v, f, RicFault::None);
            check(E2Side::Node, f.name(), v, &rows, &node_expected(f, v), &mut problems);
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_ric_fault_is_caught_by_its_cases_and_only_there() {
    let mut problems = Vec::new();
    for v in VERSIONS {
        for &f in RicFault::ALL {
            let rows = run_side(E2Side::Ric, v, NodeFault::None, f);
            check(E2Side::Ric, f.name(), v, &rows, &ric_expected(f, v), &mut problems);
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_fault_has_a_case_in_some_version() {
    for &f in NodeFault::ALL.iter().filter(|f| **f != NodeFault::None) {
        assert!(VERSIONS.iter().any(|&v| !node_expected(f, v).is_empty()), "{f}");
    }
    for &f in RicFault::ALL.iter().filter(|f| **f != RicFault::None) {
        assert!(VERSIONS.iter().any(|&v| !ric_expected(f, v).is_empty()), "{f}");
    }
    // Every expected case exists.
    let ids: Vec<_> = e2::catalogue().iter().map(|c| c.meta().id).collect();
    for v in VERSIONS {
        for &f in NodeFault::ALL {
            for id in node_expected(f, v) {
                assert!(ids.contains(&id), "{id}");
            }
        }
        for &f in RicFault::ALL {
            for id in ric_expected(f, v) {
                assert!(ids.contains(&id), "{id}");
            }
        }
    }
}

#[test]
fn catalogue_ids_and_numbers_are_unique_and_cases_not_applicable_say_why() {
    let cat = e2::catalogue();
    let mut ids: Vec<_> = cat.iter().map(|c| c.meta().id).collect();
    let mut nums: Vec<_> = cat.iter().map(|c| c.meta().number).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    nums.sort();
    nums.dedup();
    assert_eq!((ids.len(), nums.len()), (n, n));
    for c in &cat {
        let m = c.meta();
        assert_eq!(m.clause.spec, "O-RAN.WG3.E2AP", "{}", m.id);
        assert!(m.id.starts_with(if c.side() == E2Side::Node {
            "E2.NODE."
        } else {
            "E2.RIC."
        }));
    }
    // v01.00 has no transaction ID.
    let setup = simulated_setup(E2Side::Node, E2apVersion::V1_00);
    let tid = cat.iter().find(|c| c.meta().id == "E2.NODE.ERR.03").unwrap();
    match applicability(tid.as_ref(), &setup) {
        Applicability::NotApplicable(why) => assert!(why.contains("TransactionID"), "{why}"),
        a => panic!("{a:?}"),
    }
    // A node claiming no KPM function: the KPM cases do not apply.
    let mut setup = simulated_setup(E2Side::Node, E2apVersion::V3_01);
    setup.pics.ran_functions.retain(|f| f.service_model != "E2SM-KPM");
    let sub = cat.iter().find(|c| c.meta().id == "E2.NODE.SUB.01").unwrap();
    assert!(matches!(
        applicability(sub.as_ref(), &setup),
        Applicability::NotApplicable(_)
    ));
    // A version the DUT does not claim.
    let mut setup = simulated_setup(E2Side::Ric, E2apVersion::V2_03);
    setup.pics.e2ap_versions = vec![E2apVersion::V3_01];
    let c = cat.iter().find(|c| c.side() == E2Side::Ric).unwrap();
    assert!(matches!(
        applicability(c.as_ref(), &setup),
        Applicability::NotApplicable(_)
    ));
}

#[test]
fn run_case_keeps_the_capture_for_artifacts() {
    let setup = simulated_setup(E2Side::Node, E2apVersion::V3_01);
    let case = e2::suite(E2Side::Node)
        .into_iter()
        .find(|c| c.meta().id == "E2.NODE.ERR.01")
        .unwrap();
    let mut port = simulated_port(case.as_ref(), E2apVersion::V3_01, NodeFault::None, RicFault::None);
    let (r, capture) = e2::run_case(case.as_ref(), &setup, &mut port);
    assert!(r.executed);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason);
    assert!(capture.len() >= 4, "{capture:?}");
    let jsonl = e2::capture_jsonl(E2apVersion::V3_01, &capture);
    assert!(
        jsonl.lines().next().unwrap().contains("\"message\":\"E2setupRequest\""),
        "{jsonl}"
    );
    assert!(jsonl.contains("undecodable"), "the malformed PDU is in the capture");
    assert!(jsonl.contains("ErrorIndication"));
}

/// The fault table as text (`cargo test --test e2_fault_table -- --ignored --nocapture`).
#[test]
#[ignore]
fn print_table() {
    for v in VERSIONS {
        for &f in NodeFault::ALL {
            let rows = run_side(E2Side::Node, v, f, RicFault::None);
            print_rows("e2-node", f.name(), v, &rows);
        }
        for &f in RicFault::ALL {
            let rows = run_side(E2Side::Ric, v, NodeFault::None, f);
            print_rows("e2-ric", f.name(), v, &rows);
        }
    }
}

fn print_rows(suite: &str, variant: &str, v: E2apVersion, rows: &[Row]) {
    let pass = rows.iter().filter(|r| r.verdict == Verdict::Pass).count();
    let na = rows.iter().filter(|r| r.verdict == Verdict::None).count();
    println!("{suite} {variant} {v}: {pass} pass, {na} n/a");
    for r in rows
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::Pass | Verdict::None))
    {
        println!("    {} {}: {}", r.id, r.verdict, r.reason);
    }
}

#[test]
fn run_simulated_gives_every_selected_case_a_result() {
    let all = e2::run_simulated(E2Side::Ric, E2apVersion::V1_00, NodeFault::None, RicFault::None, |_| {
        true
    });
    assert_eq!(all.len(), e2::suite(E2Side::Ric).len());
    for (r, capture) in &all {
        if r.executed {
            assert_eq!(r.verdict, Verdict::Pass, "{}: {}", r.meta.id, r.reason);
            assert!(!capture.is_empty(), "{}", r.meta.id);
        } else {
            // TransactionID reuse has no meaning in v01.00.
            assert_eq!(r.meta.id, "E2.RIC.ERR.04");
            assert!(r.reason.contains("TransactionID"), "{}", r.reason);
        }
    }
    let one = e2::run_simulated(
        E2Side::Node,
        E2apVersion::V2_03,
        NodeFault::SilentOnMalformed,
        RicFault::None,
        |m| m.id == "E2.NODE.ERR.01",
    );
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].0.verdict, Verdict::Fail, "{}", one[0].0.reason);
    assert!(one[0].0.reason.contains("no Error Indication"), "{}", one[0].0.reason);
}

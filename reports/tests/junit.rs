//! JUnit XML: counts, the verdict mapping, and the attributes CI servers need.

mod common;

use common::{every_verdict, meta, not_run, ran, run_with};
use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
use suites::model::{Applicability, Status, Verdict};

fn parse(xml: &str) -> Report {
    Report::deserialize_from_str(xml).expect("junit.xml parses back")
}

fn find<'a>(report: &'a Report, id: &str) -> &'a quick_junit::TestCase {
    report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .find(|c| c.name.as_str() == id)
        .unwrap_or_else(|| panic!("test case {id} missing"))
}

fn prop<'a>(tc: &'a quick_junit::TestCase, name: &str) -> Vec<&'a str> {
    tc.properties
        .iter()
        .filter(|p| p.name.as_str() == name)
        .map(|p| p.value.as_str())
        .collect()
}

fn skipped_message(tc: &quick_junit::TestCase) -> String {
    match &tc.status {
        TestCaseStatus::Skipped { message, .. } => message.as_ref().map(|m| m.to_string()).unwrap_or_default(),
        other => panic!("{} should be skipped, is {other:?}", tc.name.as_str()),
    }
}

#[test]
fn counts_match_the_cases() {
    let report = parse(&reports::junit_xml(&every_verdict()));
    assert_eq!(report.name.as_ref().unwrap().as_str(), "oran-conformance");
    assert_eq!(report.tests, 7);
    assert_eq!(report.failures, 1);
    assert_eq!(report.errors, 1);
    // inconclusive, no verdict, not applicable, not run
    assert_eq!(report.skipped, 4);

    let names: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["oran-conformance.CMP", "oran-conformance.DLM", "oran-conformance.NRG"]
    );
    for suite in &report.test_suites {
        let n = suite.test_cases.len();
        let count = |f: &dyn Fn(&TestCaseStatus) -> bool| suite.test_cases.iter().filter(|c| f(&c.status)).count();
        assert_eq!(suite.tests, n, "{}", suite.name.as_str());
        assert_eq!(
            suite.failures,
            count(&|s| matches!(
                s,
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Failure,
                    ..
                }
            ))
        );
        assert_eq!(
            suite.errors,
            count(&|s| matches!(
                s,
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Error,
                    ..
                }
            ))
        );
        assert_eq!(suite.skipped, count(&|s| matches!(s, TestCaseStatus::Skipped { .. })));
    }
}

#[test]
fn each_verdict_maps_as_documented() {
    let report = parse(&reports::junit_xml(&every_verdict()));

    let pass = find(&report, "OFH.CMP.BFP.UL.01");
    assert!(matches!(pass.status, TestCaseStatus::Success { .. }));

    let fail = find(&report, "OFH.CMP.BFP.UL.02");
    match &fail.status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            message,
            description,
            ..
        } => {
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "fail: udCompHdr bit width 9 where 14 is configured"
            );
            // Every finding, each with its clause.
            let body = description.as_ref().unwrap().as_str();
            assert!(body.contains("[FAIL] O-RAN.WG4.CUS.0 v12.00 §A.1.2: udCompHdr"));
            assert!(body.contains("[PASS] eCPRI v2.0 §3.1.3.1: eCPRI header revision is 1"));
        }
        other => panic!("fail mapped to {other:?}"),
    }

    let error = find(&report, "OFH.DLM.TIM.01");
    assert!(matches!(
        error.status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            ..
        }
    ));

    let inconclusive = find(&report, "OFH.DLM.TIM.02");
    assert_eq!(
        skipped_message(inconclusive),
        "inconclusive: too few packets to judge the window"
    );
    assert_eq!(
        skipped_message(find(&report, "OFH.NRG.SLP.01")),
        "no verdict: no sleep request observed"
    );
    assert_eq!(
        skipped_message(find(&report, "OFH.NRG.SLP.02")),
        "not applicable: PICS: DUT does not claim sleep modes"
    );
    assert_eq!(skipped_message(find(&report, "OFH.CMP.MOD.01")), "not run: interrupted");
}

#[test]
fn inconclusive_is_never_a_success() {
    // Alone, as the only case, with and without findings or a reason.
    for (reason, keep_findings) in [("", false), ("could not judge", true)] {
        let mut case = ran(
            meta("X.INC.01", "1.1.1", "INC", Status::Mandatory),
            Verdict::Inconclusive,
            reason,
        );
        if !keep_findings {
            case.findings.clear();
        }
        let xml = reports::junit_xml(&run_with(vec![case], false));
        let report = parse(&xml);
        assert_eq!(report.skipped, 1);
        let tc = find(&report, "X.INC.01");
        assert!(skipped_message(tc).starts_with("inconclusive"));

        // The raw document too: the testcase must carry a <skipped> child.
        let start = xml.find("<testcase ").unwrap();
        let end = xml[start..].find("</testcase>").unwrap() + start;
        assert!(xml[start..end].contains("<skipped message=\"inconclusive"));
    }
}

#[test]
fn not_run_reason_is_kept_when_given() {
    let case = not_run(
        meta("X.SEL.01", "1.1.1", "SEL", Status::Mandatory),
        Applicability::Required,
        "not selected",
    );
    let report = parse(&reports::junit_xml(&run_with(vec![case], false)));
    assert_eq!(skipped_message(find(&report, "X.SEL.01")), "not run: not selected");
}

#[test]
fn properties_describe_the_case() {
    let run = every_verdict();
    let report = parse(&reports::junit_xml(&run));
    let tc = find(&report, "OFH.CMP.BFP.UL.01");
    assert_eq!(tc.classname.as_ref().unwrap().as_str(), "ofh.CMP");
    assert_eq!(tc.time, Some(std::time::Duration::from_millis(1250)));
    assert_eq!(prop(tc, "id"), ["OFH.CMP.BFP.UL.01"]);
    assert_eq!(prop(tc, "number"), ["3.1.1"]);
    assert_eq!(prop(tc, "clause"), ["O-RAN.WG4.CUS.0 v12.00 §A.1.2"]);
    assert_eq!(prop(tc, "status"), ["mandatory"]);
    assert_eq!(prop(tc, "applicability"), ["required"]);
    assert_eq!(prop(tc, "verdict"), ["pass"]);
    assert_eq!(prop(tc, "seed"), [run.seed.to_string().as_str()]);
    assert_eq!(
        prop(tc, "artifact"),
        ["cases/OFH.CMP.BFP.UL.01/fh.pcap", "cases/OFH.CMP.BFP.UL.01/case.log"]
    );

    let na = find(&report, "OFH.NRG.SLP.02");
    assert_eq!(prop(na, "applicability"), ["not_applicable"]);
    assert_eq!(
        prop(na, "applicability_reason"),
        ["PICS: DUT does not claim sleep modes"]
    );
    assert_eq!(prop(na, "status"), ["conditional"]);
}

/// Jenkins and GitLab reject or mangle reports where any of these lack `name`.
#[test]
fn every_element_is_named() {
    let xml = reports::junit_xml(&every_verdict());
    for tag in ["<testsuites", "<testsuite ", "<testcase ", "<property "] {
        let mut seen = 0;
        for (i, _) in xml.match_indices(tag) {
            let end = xml[i..].find('>').unwrap() + i;
            let element = &xml[i..end];
            assert!(element.contains(" name=\""), "{element}");
            if tag == "<testcase " {
                assert!(element.contains(" classname=\""), "{element}");
            }
            seen += 1;
        }
        assert!(seen > 0, "no {tag} in the report");
    }
}

#[test]
fn empty_run_is_a_valid_report() {
    let report = parse(&reports::junit_xml(&run_with(vec![], false)));
    assert_eq!(report.tests, 0);
    assert!(report.test_suites.is_empty());
}

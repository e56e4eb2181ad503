//! JUnit XML for CI servers (Jenkins, GitLab, ...).
//!
//! One `<testsuite>` per conformance class, one `<testcase>` per case. JUnit
//! knows only success, failure, error and skipped, so:
//!
//! | case                      | JUnit                                     |
//! |---------------------------|-------------------------------------------|
//! | pass                      | success                                   |
//! | fail                      | failure (message = reason, findings)      |
//! | error                     | error (message = reason, findings)        |
//! | inconclusive              | skipped `inconclusive: <reason>`          |
//! | ran, no verdict           | skipped `no verdict: <reason>`            |
//! | not applicable            | skipped `not applicable: <reason>`        |
//! | not run                   | skipped `not run: <reason>`               |
//!
//! Inconclusive is never written as success: it means the DUT's behaviour could
//! not be judged, and a CI page that shows it green would claim conformance
//! that was never shown. Nor is it a failure, which would blame the DUT for
//! something not observed. Skipped is the only JUnit state that claims neither.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use suites::model::{Applicability, CaseResult, Finding, RunResult, Status, Verdict};

use crate::{CaseState, case_state};

/// Name of the `<testsuites>` element and prefix of every suite name.
pub const REPORT_NAME: &str = "oran-conformance";

/// The JUnit report as a `quick_junit` model, for callers that add to it.
pub fn junit_report(run: &RunResult) -> Report {
    let mut report = Report::new(REPORT_NAME);
    if let Ok(id) = uuid::Uuid::parse_str(&run.run_id) {
        report.set_uuid(id);
    }

    let prefix = classname_prefix(&run.interface);
    let mut total = Duration::ZERO;
    for class in classes_in_order(run) {
        let mut suite = TestSuite::new(format!("{REPORT_NAME}.{class}"));
        suite.add_properties(run_properties(run));
        let mut suite_time = Duration::ZERO;
        for case in run.cases.iter().filter(|c| c.meta.class == class) {
            let tc = test_case(run, case, &prefix);
            suite_time += tc.time.unwrap_or_default();
            suite.add_test_case(tc);
        }
        suite.set_time(suite_time);
        total += suite_time;
        report.add_test_suite(suite);
    }
    report.set_time(total);
    report
}

/// The JUnit report as an XML document.
pub fn junit_xml(run: &RunResult) -> String {
    junit_report(run)
        .to_string()
        // Serialising into memory has no I/O to fail, and XmlString has already
        // removed characters XML cannot carry.
        .expect("JUnit serialisation into memory")
}

/// Classes in the order their first case appears, so suites follow the catalogue.
fn classes_in_order(run: &RunResult) -> Vec<&'static str> {
    let mut classes: Vec<&'static str> = Vec::new();
    for case in &run.cases {
        if !classes.contains(&case.meta.class) {
            classes.push(case.meta.class);
        }
    }
    classes
}

/// `o-ru.ofh` -> `ofh`: CI tools group test cases by classname, and the
/// interface plane reads better there than the DUT role.
fn classname_prefix(interface: &str) -> String {
    match interface.rsplit('.').next() {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "oran".to_string(),
    }
}

fn run_properties(run: &RunResult) -> Vec<Property> {
    vec![
        Property::new("run_id", &run.run_id),
        Property::new("dut", &run.dut_name),
        Property::new("interface", &run.interface),
        Property::new("profile", &run.profile),
        Property::new("seed", run.seed.to_string()),
        Property::new("interrupted", run.interrupted.to_string()),
    ]
}

fn status_str(status: Status) -> &'static str {
    match status {
        Status::Mandatory => "mandatory",
        Status::Conditional => "conditional",
        Status::Optional => "optional",
    }
}

fn applicability_str(a: &Applicability) -> &'static str {
    match a {
        Applicability::Required => "required",
        Applicability::Optional => "optional",
        Applicability::NotApplicable(_) => "not_applicable",
    }
}

/// One line per finding, verdict first, so a CI failure page shows every
/// clause that was broken, not only the first.
fn findings_text(findings: &[Finding]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let lines: Vec<String> = findings
        .iter()
        .map(|f| format!("[{}] {}: {}", f.verdict.as_str().to_uppercase(), f.clause, f.message))
        .collect();
    Some(lines.join("\n"))
}

fn with_reason(prefix: &str, reason: &str) -> String {
    if reason.trim().is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}: {reason}")
    }
}

fn non_success(kind: NonSuccessKind, ty: &str, message: String, case: &CaseResult) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(kind);
    s.set_type(ty).set_message(message);
    if let Some(body) = findings_text(&case.findings) {
        s.set_description(body);
    }
    s
}

fn skipped(ty: &str, message: String, body: Option<String>) -> TestCaseStatus {
    let mut s = TestCaseStatus::skipped();
    s.set_type(ty).set_message(message);
    if let Some(body) = body {
        s.set_description(body);
    }
    s
}

fn junit_status(run: &RunResult, case: &CaseResult) -> TestCaseStatus {
    let reason = case.reason.as_str();
    match case_state(case, run.interrupted) {
        CaseState::Ran(Verdict::Pass) => TestCaseStatus::success(),
        CaseState::Ran(Verdict::Fail) => {
            non_success(NonSuccessKind::Failure, "fail", with_reason("fail", reason), case)
        }
        CaseState::Ran(Verdict::Error) => {
            non_success(NonSuccessKind::Error, "error", with_reason("error", reason), case)
        }
        CaseState::Ran(Verdict::Inconclusive) => skipped(
            "inconclusive",
            with_reason("inconclusive", reason),
            findings_text(&case.findings),
        ),
        CaseState::Ran(Verdict::None) => skipped(
            "no-verdict",
            with_reason("no verdict", reason),
            findings_text(&case.findings),
        ),
        CaseState::NotApplicable(why) => skipped("not-applicable", with_reason("not applicable", &why), None),
        CaseState::NotRun(why) => skipped("not-run", with_reason("not run", &why), None),
    }
}

fn test_case(run: &RunResult, case: &CaseResult, prefix: &str) -> TestCase {
    let m = &case.meta;
    let mut tc = TestCase::new(m.id, junit_status(run, case));
    tc.set_classname(format!("{prefix}.{}", m.class));
    if case.executed {
        // A negative or non-finite duration is a runner bug; leave time out
        // rather than panic or invent one.
        if let Ok(d) = Duration::try_from_secs_f64(case.duration_s) {
            tc.set_time(d);
        }
    }

    tc.add_property(Property::new("id", m.id));
    tc.add_property(Property::new("number", m.number));
    tc.add_property(Property::new("title", m.title));
    tc.add_property(Property::new("clause", m.clause.to_string()));
    tc.add_property(Property::new("status", status_str(m.status)));
    tc.add_property(Property::new("applicability", applicability_str(&case.applicability)));
    if let Applicability::NotApplicable(why) = &case.applicability {
        tc.add_property(Property::new("applicability_reason", why));
    }
    tc.add_property(Property::new("executed", case.executed.to_string()));
    tc.add_property(Property::new("verdict", case.verdict.as_str()));
    tc.add_property(Property::new("reason", &case.reason));
    tc.add_property(Property::new("seed", run.seed.to_string()));
    for a in &case.artifacts {
        tc.add_property(Property::new("artifact", &a.path));
    }

    // A pass keeps its observations where CI shows them, without a failure element.
    let passed = case_state(case, run.interrupted) == CaseState::Ran(Verdict::Pass);
    if let Some(text) = findings_text(&case.findings).filter(|_| passed) {
        tc.set_system_out(text);
    }
    tc
}

//! The O-RAN ALLIANCE test-results document (JSON Schema 2020-12,
//! `https://o-ran.org/schemas/o-ran-test-results`), as certification and
//! badging submissions use it.
//!
//! Every object in that schema forbids unknown keys and most arrays must not
//! be empty, so optional parts are only written when they have content, and
//! strings are clipped to the schema's maxLength.
//!
//! Case mapping: pass -> PASS; fail and error -> FAIL (the notes keep which);
//! inconclusive, or ran without a verdict -> WARN; not applicable or not run
//! -> SKIP. Metrics never use WARN (the schema says they should not), so an
//! inconclusive observation is a SKIP metric: its requirement was not judged.

use serde_json::{Map, Value, json};
use suites::model::{Applicability, Artifact, CaseResult, Finding, Measurement, RunResult, SpecRef, Status, Verdict};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{CaseState, case_outcome, case_state, clip, overall};

/// The schema's `$id`, written as the document's `$schema` reference.
pub const SCHEMA_ID: &str = "https://o-ran.org/schemas/o-ran-test-results";

/// Where O-RAN specifications are published.
pub const ORAN_SPECIFICATIONS_URL: &str = "https://www.o-ran.org/specifications";

/// The publisher's page for a specification that a case cites but the lab
/// profile does not list with its own URL; `None` when the publisher is not
/// known, since a made-up link would mislead a reviewer.
fn publisher_url(spec: &str) -> Option<&'static str> {
    if spec.starts_with("O-RAN") {
        Some(ORAN_SPECIFICATIONS_URL)
    } else if spec.starts_with("eCPRI") || spec.starts_with("CPRI") {
        Some("http://www.cpri.info/spec.html")
    } else if spec.starts_with("IEEE") {
        Some("https://standards.ieee.org/")
    } else {
        None
    }
}

/// A person to contact about the testing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Omitted from the document when empty.
    pub organization: String,
}

/// The lab that ran the tests: not part of a run's result, so the caller
/// supplies it (normally from the lab profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabInfo {
    pub name: String,
    pub address: String,
    pub contact: Contact,
    /// Documents the testing relied on, as (name, version, URL). Specifications
    /// cited by the cases are added automatically when not listed here.
    pub test_specifications: Vec<(String, String, String)>,
    /// Version ("NN.NN") of O-RAN.WG4.IOT.0 when the run's profile is one of
    /// its CUS-plane IOT profiles; `None` for a harness-local profile, which
    /// is then only reported as a configuration parameter.
    pub wg4_iot_version: Option<String>,
}

impl Default for LabInfo {
    /// A local simulated run, not an accredited lab: a lab profile overrides
    /// this for any result that is submitted anywhere.
    fn default() -> Self {
        LabInfo {
            name: "Local simulation (no lab profile set)".into(),
            address: "Not a test lab: run locally against simulated components".into(),
            contact: Contact {
                first_name: "Unspecified".into(),
                last_name: "Operator".into(),
                email: "lab@example.org".into(),
                organization: String::new(),
            },
            test_specifications: Vec::new(),
            wg4_iot_version: None,
        }
    }
}

/// Interface names the schema accepts for `interfaceUnderTest`.
const SCHEMA_INTERFACES: &[&str] = &[
    "o-ru.ofh",
    "o-ru.fhm",
    "o-du.ofh",
    "o-du.fhm",
    "o-du.e2",
    "o-du.f1-c",
    "o-du.f1-u",
    "o-du.o1",
    "o-cu.f1-c",
    "o-cu.f1-u",
    "o-cu.e2",
    "o-cu.e1",
    "o-cu.o1",
    "smo.fhm",
    "smo.o2",
    "smo.o1",
    "non-rt-ric.a1",
    "near-rt-ric.a1",
    "near-rt-ric.e2",
    "near-rt-ric.o1",
];

/// Units the schema accepts.
const SCHEMA_UNITS: &[&str] = &[
    "boolean",
    "bps",
    "kbps",
    "Mbps",
    "Gbps",
    "dB",
    "dBm",
    "count",
    "millisecond",
    "second",
    "bps/Hz",
    "percentage",
    "text",
];

/// The results document for `run`.
pub fn results_json(run: &RunResult, lab: &LabInfo) -> Value {
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(SCHEMA_ID));
    doc.insert("schemaVersion".into(), json!(1));
    doc.insert("testMetadata".into(), metadata(run, lab));
    let tags = tags(run);
    if !tags.is_empty() {
        doc.insert("tags".into(), json!(tags));
    }
    doc.insert("testbedComponents".into(), components(run));
    doc.insert("testLab".into(), test_lab(lab));
    doc.insert("testSpecifications".into(), specifications(run, lab));
    doc.insert("testResults".into(), Value::Array(groups(run)));
    doc.insert("notes".into(), run_notes(run, lab));
    Value::Object(doc)
}

fn status_str(status: Status) -> &'static str {
    match status {
        Status::Mandatory => "mandatory",
        Status::Conditional => "conditionally.mandatory",
        Status::Optional => "optional",
    }
}

/// The run's id as the schema's uuid format wants it (lower-case, hyphenated);
/// left as given when it is not a UUID so the mistake stays visible.
fn test_id(run: &RunResult) -> String {
    uuid::Uuid::parse_str(&run.run_id)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|_| run.run_id.clone())
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

fn format_time(t: OffsetDateTime) -> Option<String> {
    t.format(&Rfc3339).ok()
}

fn metadata(run: &RunResult, lab: &LabInfo) -> Value {
    let mut m = Map::new();
    // startDate is required, so it is written even if the runner stamped
    // something that is not RFC 3339; stopDate is optional and only written valid.
    m.insert("startDate".into(), json!(run.started));
    if let Some(stop) = run.finished.as_deref().filter(|s| parse_time(s).is_some()) {
        m.insert("stopDate".into(), json!(stop));
    }
    m.insert("dutName".into(), json!(clip(&run.dut_name, 255)));
    if SCHEMA_INTERFACES.contains(&run.interface.as_str()) {
        m.insert("interfaceUnderTest".into(), json!([run.interface]));
    }
    m.insert("result".into(), json!(overall(run).outcome.as_str()));
    m.insert("testType".into(), json!("conformance"));
    m.insert("testId".into(), json!(test_id(run)));
    if let Some(version) = &lab.wg4_iot_version {
        // The schema needs a 10..=128 character profile name; a shorter one
        // cannot be an IOT profile name and stays a configuration parameter.
        let len = run.profile.chars().count();
        if (10..=128).contains(&len) {
            m.insert(
                "iotProfile".into(),
                json!({
                    "wg4IotSpecificationVersion": version,
                    "cusPlaneIotProfileName": run.profile,
                }),
            );
        }
    }
    // configurationParameters allows additional properties; these two are
    // what is needed to repeat the run. The seed is a string because JSON
    // readers that use doubles would round a 64-bit seed.
    m.insert(
        "configurationParameters".into(),
        json!({
            "harnessProfile": run.profile,
            "stimulusSeed": run.seed.to_string(),
        }),
    );
    Value::Object(m)
}

/// Case tags and class names, made to fit the schema's `^[a-z0-9-]+$`.
fn tags(run: &RunResult) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let raw = run
        .cases
        .iter()
        .flat_map(|c| c.meta.tags.iter().copied().chain([c.meta.class]));
    for t in raw {
        let norm: String = t
            .chars()
            .map(|ch| {
                let ch = ch.to_ascii_lowercase();
                if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' {
                    ch
                } else {
                    '-'
                }
            })
            .collect();
        let norm = clip(norm.trim_matches('-'), 255);
        if !norm.is_empty() && !out.contains(&norm) {
            out.push(norm);
        }
    }
    out
}

fn or_unspecified(s: &str) -> &str {
    if s.trim().is_empty() { "unspecified" } else { s }
}

/// The run's components, plus this harness when the runner did not list it:
/// a certification reader needs to know which tool produced the verdicts.
fn components(run: &RunResult) -> Value {
    let mut list: Vec<Value> = run
        .components
        .iter()
        .map(|c| {
            json!({
                "componentDescription": clip(or_unspecified(&c.role), 255),
                "manufacturerName": clip(or_unspecified(&c.vendor), 255),
                "manufacturerModel": clip(or_unspecified(&c.model), 255),
                "softwareVersion": clip(or_unspecified(&c.software_version), 255),
            })
        })
        .collect();
    let has_harness = run
        .components
        .iter()
        .any(|c| c.role.eq_ignore_ascii_case("test harness"));
    if !has_harness {
        list.push(json!({
            "componentDescription": "test harness",
            "manufacturerName": "oran-conformance contributors",
            "manufacturerModel": "oran-conformance",
            "softwareVersion": env!("CARGO_PKG_VERSION"),
        }));
    }
    Value::Array(list)
}

fn contact(c: &Contact) -> Value {
    let mut m = Map::new();
    m.insert("firstName".into(), json!(clip(&c.first_name, 255)));
    m.insert("lastName".into(), json!(clip(&c.last_name, 255)));
    if !c.organization.trim().is_empty() {
        m.insert("organization".into(), json!(clip(&c.organization, 255)));
    }
    m.insert("email".into(), json!(c.email));
    Value::Object(m)
}

fn test_lab(lab: &LabInfo) -> Value {
    json!({
        "name": clip(&lab.name, 255),
        "address": clip(&lab.address, 512),
        "contacts": [contact(&lab.contact)],
    })
}

/// The lab's documents, then every (spec, version) a case or finding cites.
fn specifications(run: &RunResult, lab: &LabInfo) -> Value {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    let mut push = |name: &str, version: &str, url: &str, description: Option<&str>| {
        let key = (name.to_string(), version.to_string());
        if seen.contains(&key) {
            return;
        }
        seen.push(key);
        let mut m = Map::new();
        m.insert("name".into(), json!(clip(name, 255)));
        m.insert("version".into(), json!(clip(version, 255)));
        if let Some(d) = description {
            m.insert("description".into(), json!(clip(d, 512)));
        }
        m.insert(
            "links".into(),
            json!([{
                "displayName": clip(&format!("{name} v{version}"), 255),
                "url": url,
            }]),
        );
        out.push(Value::Object(m));
    };
    for (name, version, url) in &lab.test_specifications {
        push(name, version, url, None);
    }
    let cited = run
        .cases
        .iter()
        .flat_map(|c| std::iter::once(&c.meta.clause).chain(c.findings.iter().map(|f| &f.clause)));
    for SpecRef { spec, version, .. } in cited {
        if let Some(url) = publisher_url(spec) {
            push(spec, version, url, Some("Cited by the test cases of this run."));
        }
    }
    Value::Array(out)
}

/// Cited specifications that `specifications` could not list for want of a
/// link, so a note can still name them.
fn unlisted_specifications(run: &RunResult, lab: &LabInfo) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let cited = run
        .cases
        .iter()
        .flat_map(|c| std::iter::once(&c.meta.clause).chain(c.findings.iter().map(|f| &f.clause)));
    for r in cited {
        let listed = lab
            .test_specifications
            .iter()
            .any(|(n, v, _)| n == r.spec && v == r.version);
        let name = format!("{} v{}", r.spec, r.version);
        if !listed && publisher_url(r.spec).is_none() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn note(title: &str, body: &str) -> Value {
    json!({ "title": clip(title, 255), "body": clip(body, 4095) })
}

fn run_notes(run: &RunResult, lab: &LabInfo) -> Value {
    let o = overall(run);
    let mut notes = vec![
        note(
            &format!("Overall result: {}", o.outcome),
            &format!("{}. Worst verdict of the executed cases: {}.", o.reason, run.overall()),
        ),
        note(
            "Verdict mapping",
            "TTCN-3 verdicts map to results as: pass -> PASS; fail -> FAIL; error (the \
             harness or set-up failed, not the DUT) -> FAIL; inconclusive or no verdict \
             (the behaviour could not be judged) -> WARN; not applicable or not run -> \
             SKIP. Each test case's notes give its verdict and reason.",
        ),
        note(
            "Run parameters",
            &format!(
                "Profile {}; stimulus seed {}; interface {}; results written by \
                 oran-reports {}.",
                run.profile,
                run.seed,
                run.interface,
                env!("CARGO_PKG_VERSION")
            ),
        ),
    ];
    if run.interrupted {
        notes.push(note(
            "Run interrupted",
            "The run stopped before every selected case finished; the cases that did \
             not run are reported as SKIP with the note \"Not run\".",
        ));
    }
    let unlisted = unlisted_specifications(run, lab);
    if !unlisted.is_empty() {
        notes.push(note(
            "Specifications without a link",
            &format!(
                "Also cited, not in testSpecifications for want of a link (the lab \
                 profile can list them): {}.",
                unlisted.join(", ")
            ),
        ));
    }
    if !SCHEMA_INTERFACES.contains(&run.interface.as_str()) {
        notes.push(note(
            "Interface under test",
            &format!(
                "{} (not one of the schema's interface names, so not given in testMetadata).",
                run.interface
            ),
        ));
    }
    Value::Array(notes)
}

/// The number of a case's parent in the x.y.z scheme: `3.1.2` -> `3.1`.
fn parent_number(number: &str) -> &str {
    number.rsplit_once('.').map_or(number, |(p, _)| p)
}

/// A class's group number: the parent number its cases share. Derived from
/// the parents, not from the cases present, so it does not change when only
/// some of a class's cases are selected. Classes whose cases have different
/// parents get the longest shared prefix, or the first case's parent.
fn group_number(cases: &[&CaseResult]) -> String {
    let parents: Vec<Vec<&str>> = cases
        .iter()
        .map(|c| parent_number(c.meta.number).split('.').collect())
        .collect();
    let Some(first) = parents.first() else {
        return "0".into();
    };
    let shared = (0..first.len())
        .take_while(|&i| parents.iter().all(|p| p.get(i) == first.get(i)))
        .count();
    if shared == 0 {
        first.join(".")
    } else {
        first[..shared].join(".")
    }
}

fn groups(run: &RunResult) -> Vec<Value> {
    let mut classes: Vec<&'static str> = Vec::new();
    for c in &run.cases {
        if !classes.contains(&c.meta.class) {
            classes.push(c.meta.class);
        }
    }
    classes
        .into_iter()
        .map(|class| {
            let members: Vec<&CaseResult> = run.cases.iter().filter(|c| c.meta.class == class).collect();
            json!({
                "number": group_number(&members),
                "name": clip(class, 255),
                "description": clip(&format!("Conformance test class {class}"), 4095),
                "groupItems": members.iter().map(|c| test_case(run, c)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// A metric's result: PASS or FAIL when the requirement was judged, SKIP when
/// it was not (WARN is not for metrics).
fn metric_result(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail | Verdict::Error => "FAIL",
        Verdict::Inconclusive | Verdict::None => "SKIP",
    }
}

fn verdict_measurement(value: &str) -> Value {
    json!({
        "name": "verdict",
        "description": "TTCN-3 verdict of this observation",
        "values": [value],
        "units": "text",
    })
}

fn finding_metric(f: &Finding, status: &str) -> Value {
    json!({
        "description": clip(&format!("{}: {}", f.clause, f.message), 1023),
        "measurements": [verdict_measurement(f.verdict.as_str())],
        "status": status,
        "result": metric_result(f.verdict),
    })
}

/// The single metric of a case without findings: the case's own requirement
/// and its verdict, since the schema needs at least one metric per case.
fn summary_metric(case: &CaseResult, state: &CaseState, status: &str) -> Value {
    let result = match state {
        CaseState::Ran(v) => metric_result(*v),
        CaseState::NotApplicable(_) | CaseState::NotRun(_) => "SKIP",
    };
    let what = if case.reason.trim().is_empty() {
        case.meta.purpose
    } else {
        case.reason.as_str()
    };
    json!({
        "description": clip(&format!("{}: {}", case.meta.clause, what), 1023),
        "measurements": [verdict_measurement(state.label())],
        "status": status,
        "result": result,
    })
}

/// A number as JSON; non-finite values have no JSON number, so they are text.
fn number(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else if v.is_nan() {
        json!("NaN")
    } else if v > 0.0 {
        json!("inf")
    } else {
        json!("-inf")
    }
}

/// Fits a measurement's unit to the schema's list: exact names pass through,
/// common abbreviations are renamed, sub-millisecond times are converted to
/// milliseconds, and anything else becomes text that keeps the unit.
fn measurement(m: &Measurement) -> Value {
    let (units, values, converted): (&str, Vec<Value>, Option<&str>) = if SCHEMA_UNITS.contains(&m.unit) {
        (m.unit, m.values.iter().copied().map(number).collect(), None)
    } else {
        let scaled = |unit: &'static str, divisor: f64| {
            let vals = m.values.iter().map(|v| number(v / divisor)).collect();
            (unit, vals, Some(m.unit))
        };
        match m.unit.to_ascii_lowercase().as_str() {
            "ms" | "msec" | "milliseconds" => scaled("millisecond", 1.0),
            "us" | "µs" | "μs" | "usec" | "microsecond" | "microseconds" => scaled("millisecond", 1e3),
            "ns" | "nsec" | "nanosecond" | "nanoseconds" => scaled("millisecond", 1e6),
            "s" | "sec" | "seconds" => scaled("second", 1.0),
            "%" | "percent" => scaled("percentage", 1.0),
            "bool" => scaled("boolean", 1.0),
            "db" => scaled("dB", 1.0),
            "dbm" => scaled("dBm", 1.0),
            _ => {
                let vals = m
                    .values
                    .iter()
                    .map(|v| json!(format!("{v} {}", m.unit).trim_end()))
                    .collect();
                ("text", vals, Some(m.unit))
            }
        }
    };
    let values = if values.is_empty() {
        vec![json!("no value recorded")]
    } else {
        values
    };
    let units = if values.iter().all(Value::is_string) && units != "text" {
        "text"
    } else {
        units
    };
    let mut description = m.description.clone();
    if let Some(orig) = converted.filter(|o| *o != units) {
        if !description.is_empty() {
            description.push(' ');
        }
        description.push_str(&format!("(recorded in {orig})"));
    }
    let mut out = Map::new();
    let name = if m.name.trim().is_empty() {
        "measurement"
    } else {
        &m.name
    };
    out.insert("name".into(), json!(clip(name, 255)));
    if !description.is_empty() {
        out.insert("description".into(), json!(clip(&description, 1023)));
    }
    out.insert("values".into(), Value::Array(values));
    out.insert("units".into(), json!(units));
    Value::Object(out)
}

fn artifact(a: &Artifact) -> Value {
    let name = if a.name.trim().is_empty() { &a.path } else { &a.name };
    let description = if a.description.trim().is_empty() {
        name
    } else {
        &a.description
    };
    json!({
        "name": clip(name, 255),
        "path": clip(&a.path, 1023),
        "description": clip(description, 4095),
    })
}

fn case_notes(case: &CaseResult, state: &CaseState) -> Vec<Value> {
    let mut notes = Vec::new();
    match state {
        CaseState::Ran(v) => {
            let body = if case.reason.trim().is_empty() {
                v.as_str().to_string()
            } else {
                case.reason.clone()
            };
            notes.push(note(&format!("Verdict: {}", state.label()), &body));
        }
        CaseState::NotApplicable(why) => notes.push(note("Not applicable", why)),
        CaseState::NotRun(why) => notes.push(note("Not run", why)),
    }
    if case.meta.status == Status::Conditional {
        let applies = match &case.applicability {
            Applicability::Required => "required by the DUT's claimed capabilities",
            Applicability::Optional => "optional for the DUT's claimed capabilities",
            Applicability::NotApplicable(_) => "not applicable to the DUT",
        };
        notes.push(note("Applicability", applies));
    }
    notes
}

fn test_case(run: &RunResult, case: &CaseResult) -> Value {
    let m = &case.meta;
    let state = case_state(case, run.interrupted);
    let status = status_str(m.status);

    let mut metrics: Vec<Value> = case.findings.iter().map(|f| finding_metric(f, status)).collect();
    if metrics.is_empty() {
        metrics.push(summary_metric(case, &state, status));
    }

    let mut out = Map::new();
    out.insert("number".into(), json!(m.number));
    out.insert("name".into(), json!(clip(&format!("{} {}", m.id, m.title), 255)));
    out.insert(
        "description".into(),
        json!(clip(&format!("{} Requirement: {}.", m.purpose, m.clause), 1023)),
    );
    out.insert("result".into(), json!(case_outcome(&state).as_str()));
    out.insert("status".into(), json!(status));
    if !case.artifacts.is_empty() {
        out.insert(
            "artifacts".into(),
            Value::Array(case.artifacts.iter().map(artifact).collect()),
        );
    }
    if !case.measurements.is_empty() {
        out.insert(
            "measurements".into(),
            Value::Array(case.measurements.iter().map(measurement).collect()),
        );
    }
    out.insert("metrics".into(), Value::Array(metrics));
    out.insert("notes".into(), Value::Array(case_notes(case, &state)));

    // Dates only for a case that ran, and only when the runner's stamp is
    // RFC 3339, since the schema checks the format.
    let started = case
        .started
        .as_deref()
        .filter(|_| case.executed)
        .and_then(|s| parse_time(s).map(|t| (s, t)));
    if let Some((text, start)) = started {
        out.insert("startDate".into(), json!(text));
        let stop = time::Duration::checked_seconds_f64(case.duration_s)
            .filter(|d| !d.is_negative())
            .and_then(|d| start.checked_add(d))
            .and_then(format_time);
        if let Some(stop) = stop {
            out.insert("stopDate".into(), json!(stop));
        }
    }
    Value::Object(out)
}

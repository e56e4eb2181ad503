//! O-RAN results JSON: the verdict mapping, the overall result, and the
//! schema's structure (keys, required keys, enums, non-empty arrays), checked
//! against lists taken from `o-ran-test-results-schema.json`. Full validation
//! with a JSON Schema validator runs outside cargo on the `sample_results`
//! example's output.

mod common;

use common::{every_verdict, meta, not_run, ran, run_with};
use reports::{LabInfo, Outcome, overall, results_json};
use serde_json::Value;
use suites::model::{Applicability, Status, Verdict};

// ---- the schema's vocabulary -------------------------------------------------

struct Shape {
    allowed: &'static [&'static str],
    required: &'static [&'static str],
}

const ROOT: Shape = Shape {
    allowed: &[
        "$schema",
        "schemaVersion",
        "testMetadata",
        "tags",
        "testbedComponents",
        "testLab",
        "testSpecifications",
        "testResults",
        "notes",
    ],
    required: &[
        "schemaVersion",
        "testMetadata",
        "testbedComponents",
        "testLab",
        "testSpecifications",
        "testResults",
    ],
};
const METADATA: Shape = Shape {
    allowed: &[
        "contacts",
        "startDate",
        "stopDate",
        "dutName",
        "interfaceUnderTest",
        "result",
        "testType",
        "testId",
        "iotProfile",
        "configurationParameters",
    ],
    required: &["startDate", "dutName", "result", "testType", "testId"],
};
const IOT_PROFILE: Shape = Shape {
    allowed: &[
        "wg4IotSpecificationVersion",
        "mPlaneIotProfileName",
        "mPlaneIotProfileTestConfiguration",
        "cusPlaneIotProfileName",
        "cusPlaneIotProfileTestConfiguration",
    ],
    required: &["wg4IotSpecificationVersion"],
};
const COMPONENT: Shape = Shape {
    allowed: &[
        "componentDescription",
        "manufacturerName",
        "manufacturerModel",
        "serialNumber",
        "testbedInventoryId",
        "softwareVersion",
        "hardwareVersion",
        "firmwareVersion",
        "contacts",
        "configurationArtifacts",
        "configurationNotes",
        "configurationParameters",
    ],
    required: &["componentDescription", "manufacturerName", "manufacturerModel"],
};
const LAB: Shape = Shape {
    allowed: &["name", "address", "contacts", "links"],
    required: &["name", "address", "contacts"],
};
const CONTACT: Shape = Shape {
    allowed: &["firstName", "lastName", "organization", "email", "phone"],
    required: &["firstName", "lastName", "email"],
};
const SPECIFICATION: Shape = Shape {
    allowed: &["name", "version", "description", "links"],
    required: &["name", "version", "links"],
};
const LINK: Shape = Shape {
    allowed: &["displayName", "description", "url"],
    required: &["displayName", "url"],
};
const GROUP: Shape = Shape {
    allowed: &["number", "name", "description", "groupItems"],
    required: &["number", "name", "groupItems"],
};
const CASE: Shape = Shape {
    allowed: &[
        "number",
        "name",
        "description",
        "result",
        "status",
        "artifacts",
        "links",
        "measurements",
        "metrics",
        "notes",
        "startDate",
        "stopDate",
        "contacts",
    ],
    required: &["number", "name", "description", "result", "status", "metrics"],
};
const MEASUREMENT: Shape = Shape {
    allowed: &["name", "description", "values", "units", "references"],
    required: &["name", "values", "units"],
};
const METRIC: Shape = Shape {
    allowed: &["description", "measurements", "status", "result"],
    required: &["description", "measurements", "status", "result"],
};
const ARTIFACT: Shape = Shape {
    allowed: &["name", "path", "description"],
    required: &["name", "path", "description"],
};
const NOTE: Shape = Shape {
    allowed: &["title", "body"],
    required: &["title", "body"],
};

const RESULTS: &[&str] = &["PASS", "FAIL", "WARN", "SKIP"];
const STATUSES: &[&str] = &["mandatory", "conditionally.mandatory", "optional"];
const UNITS: &[&str] = &[
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
const TEST_TYPES: &[&str] = &["conformance", "interoperability", "end-to-end", "Other"];

// ---- a structural checker ----------------------------------------------------

fn object<'a>(v: &'a Value, shape: &Shape, at: &str) -> &'a serde_json::Map<String, Value> {
    let m = v.as_object().unwrap_or_else(|| panic!("{at}: not an object"));
    for k in m.keys() {
        assert!(shape.allowed.contains(&k.as_str()), "{at}: key {k:?} not in the schema");
    }
    for k in shape.required {
        assert!(m.contains_key(*k), "{at}: required key {k:?} missing");
    }
    m
}

/// Arrays in the schema have minItems 1 or minContains 1 (object/string).
fn non_empty<'a>(v: &'a Value, at: &str) -> &'a Vec<Value> {
    let a = v.as_array().unwrap_or_else(|| panic!("{at}: not an array"));
    assert!(!a.is_empty(), "{at}: empty array");
    a
}

fn string<'a>(v: &'a Value, max: usize, at: &str) -> &'a str {
    let s = v.as_str().unwrap_or_else(|| panic!("{at}: not a string"));
    assert!(s.chars().count() <= max, "{at}: longer than {max}");
    s
}

fn one_of(v: &Value, allowed: &[&str], at: &str) {
    let s = v.as_str().unwrap_or_else(|| panic!("{at}: not a string"));
    assert!(allowed.contains(&s), "{at}: {s:?} not one of {allowed:?}");
}

fn dotted_number(v: &Value, at: &str) {
    let s = string(v, 32, at);
    assert!(
        s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        "{at}: {s:?} is not x[.y].z"
    );
}

fn date_time(v: &Value, at: &str) {
    let s = v.as_str().unwrap_or_else(|| panic!("{at}: not a string"));
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{at}: {s:?} is not RFC 3339: {e}"));
}

fn notes(v: &Value, at: &str) {
    for (i, n) in non_empty(v, at).iter().enumerate() {
        let m = object(n, &NOTE, &format!("{at}[{i}]"));
        string(&m["title"], 255, at);
        string(&m["body"], 4095, at);
    }
}

fn contacts(v: &Value, at: &str) {
    for (i, c) in non_empty(v, at).iter().enumerate() {
        let m = object(c, &CONTACT, &format!("{at}[{i}]"));
        assert!(string(&m["email"], 255, at).contains('@'));
    }
}

fn links(v: &Value, at: &str) {
    for (i, l) in non_empty(v, at).iter().enumerate() {
        let m = object(l, &LINK, &format!("{at}[{i}]"));
        let url = string(&m["url"], usize::MAX, at);
        assert!(url.starts_with("https://") || url.starts_with("http://"), "{at}: {url}");
    }
}

fn measurements(v: &Value, at: &str) {
    for (i, x) in non_empty(v, at).iter().enumerate() {
        let at = format!("{at}[{i}]");
        let m = object(x, &MEASUREMENT, &at);
        string(&m["name"], 255, &at);
        non_empty(&m["values"], &at);
        one_of(&m["units"], UNITS, &at);
        if m["units"] != "text" {
            assert!(m["values"].as_array().unwrap().iter().all(Value::is_number));
        }
    }
}

fn test_case(v: &Value, at: &str) {
    let m = object(v, &CASE, at);
    dotted_number(&m["number"], at);
    string(&m["name"], 255, at);
    string(&m["description"], 1023, at);
    one_of(&m["result"], RESULTS, at);
    one_of(&m["status"], STATUSES, at);
    for (i, metric) in non_empty(&m["metrics"], at).iter().enumerate() {
        let at = format!("{at}.metrics[{i}]");
        let mm = object(metric, &METRIC, &at);
        string(&mm["description"], 1023, &at);
        measurements(&mm["measurements"], &at);
        one_of(&mm["status"], STATUSES, &at);
        // The schema: "WARN value should not be used for metrics".
        one_of(&mm["result"], &["PASS", "FAIL", "SKIP"], &at);
    }
    if let Some(x) = m.get("measurements") {
        measurements(x, &format!("{at}.measurements"));
    }
    if let Some(x) = m.get("artifacts") {
        for (i, a) in non_empty(x, at).iter().enumerate() {
            object(a, &ARTIFACT, &format!("{at}.artifacts[{i}]"));
        }
    }
    if let Some(x) = m.get("notes") {
        notes(x, &format!("{at}.notes"));
    }
    for k in ["startDate", "stopDate"] {
        if let Some(x) = m.get(k) {
            date_time(x, &format!("{at}.{k}"));
        }
    }
}

fn result_item(v: &Value, at: &str) {
    if v.get("groupItems").is_some() {
        let m = object(v, &GROUP, at);
        dotted_number(&m["number"], at);
        for (i, item) in non_empty(&m["groupItems"], at).iter().enumerate() {
            result_item(item, &format!("{at}.groupItems[{i}]"));
        }
    } else {
        test_case(v, at);
    }
}

/// Checks everything about `doc` that the schema says, except formats beyond
/// date-time and e-mail, which the external validator checks.
fn check_document(doc: &Value) {
    let root = object(doc, &ROOT, "$");
    assert_eq!(root["schemaVersion"], 1);

    let md = object(&root["testMetadata"], &METADATA, "testMetadata");
    date_time(&md["startDate"], "testMetadata.startDate");
    if let Some(x) = md.get("stopDate") {
        date_time(x, "testMetadata.stopDate");
    }
    string(&md["dutName"], 255, "dutName");
    one_of(&md["result"], &["PASS", "FAIL", "WARN"], "testMetadata.result");
    one_of(&md["testType"], TEST_TYPES, "testType");
    let id = md["testId"].as_str().unwrap();
    let parsed = uuid::Uuid::parse_str(id).expect("testId is a UUID");
    assert_eq!(id, parsed.hyphenated().to_string(), "canonical UUID form");
    if let Some(p) = md.get("iotProfile") {
        let m = object(p, &IOT_PROFILE, "iotProfile");
        assert!(m.contains_key("cusPlaneIotProfileName") || m.contains_key("mPlaneIotProfileName"));
    }
    if let Some(c) = md.get("configurationParameters") {
        assert!(!c.as_object().unwrap().is_empty(), "minProperties 1");
    }

    if let Some(tags) = root.get("tags") {
        for t in non_empty(tags, "tags") {
            let t = t.as_str().unwrap();
            assert!(
                !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "tag {t:?}"
            );
        }
    }
    for (i, c) in non_empty(&root["testbedComponents"], "testbedComponents")
        .iter()
        .enumerate()
    {
        let m = object(c, &COMPONENT, &format!("testbedComponents[{i}]"));
        assert!(
            ["softwareVersion", "hardwareVersion", "firmwareVersion"]
                .iter()
                .any(|k| m.contains_key(*k))
        );
    }
    let lab = object(&root["testLab"], &LAB, "testLab");
    string(&lab["address"], 512, "testLab.address");
    contacts(&lab["contacts"], "testLab.contacts");
    for (i, s) in non_empty(&root["testSpecifications"], "testSpecifications")
        .iter()
        .enumerate()
    {
        let at = format!("testSpecifications[{i}]");
        let m = object(s, &SPECIFICATION, &at);
        links(&m["links"], &at);
    }
    for (i, item) in non_empty(&root["testResults"], "testResults").iter().enumerate() {
        result_item(item, &format!("testResults[{i}]"));
    }
    if let Some(n) = root.get("notes") {
        notes(n, "notes");
    }
}

// ---- helpers -----------------------------------------------------------------

fn all_cases(doc: &Value) -> Vec<&Value> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        match v.get("groupItems") {
            Some(items) => items.as_array().unwrap().iter().for_each(|i| walk(i, out)),
            None => out.push(v),
        }
    }
    let mut out = Vec::new();
    for item in doc["testResults"].as_array().unwrap() {
        walk(item, &mut out);
    }
    out
}

fn case_by_number<'a>(doc: &'a Value, number: &str) -> &'a Value {
    all_cases(doc)
        .into_iter()
        .find(|c| c["number"] == number)
        .unwrap_or_else(|| panic!("no case {number}"))
}

fn doc_for(run: &suites::model::RunResult) -> Value {
    let doc = results_json(run, &LabInfo::default());
    check_document(&doc);
    doc
}

// ---- tests -------------------------------------------------------------------

#[test]
fn every_verdict_document_fits_the_schema() {
    doc_for(&every_verdict());
}

#[test]
fn case_results_follow_the_mapping() {
    let doc = doc_for(&every_verdict());
    for (number, result, note_title) in [
        ("3.1.1", "PASS", "Verdict: pass"),
        ("3.1.2", "FAIL", "Verdict: fail"),
        ("3.2.1", "FAIL", "Verdict: error"),
        ("3.2.2", "WARN", "Verdict: inconclusive"),
        ("3.3.1", "WARN", "Verdict: no verdict"),
        ("3.3.2", "SKIP", "Not applicable"),
        ("3.1.3", "SKIP", "Not run"),
    ] {
        let c = case_by_number(&doc, number);
        assert_eq!(c["result"], result, "{number}");
        assert_eq!(c["notes"][0]["title"], note_title, "{number}");
    }
    // Not-run cases carry no dates; executed ones carry both.
    assert!(case_by_number(&doc, "3.1.3").get("startDate").is_none());
    let c = case_by_number(&doc, "3.2.2");
    assert_eq!(c["startDate"], "2025-06-01T10:00:03.5+02:00");
    assert_eq!(c["stopDate"], "2025-06-01T10:00:04.75+02:00");
}

#[test]
fn case_fields() {
    let doc = doc_for(&every_verdict());
    let c = case_by_number(&doc, "3.1.2");
    assert_eq!(c["name"], "OFH.CMP.BFP.UL.02 Block floating point uplink");
    assert!(
        c["description"]
            .as_str()
            .unwrap()
            .contains("O-RAN.WG4.CUS.0 v12.00 §A.1.2")
    );
    assert_eq!(c["status"], "mandatory");
    // One metric per finding, each judged on its own clause.
    let metrics = c["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 2);
    assert_eq!(metrics[0]["result"], "FAIL");
    assert_eq!(metrics[1]["result"], "PASS");
    assert!(
        metrics[1]["description"]
            .as_str()
            .unwrap()
            .starts_with("eCPRI v2.0 §3.1.3.1")
    );
    assert!(c.get("measurements").is_none(), "no key without measurements");
    assert!(c.get("artifacts").is_none(), "no key without artifacts");

    assert_eq!(case_by_number(&doc, "3.2.2")["status"], "conditionally.mandatory");
    assert_eq!(case_by_number(&doc, "3.3.1")["status"], "optional");
    // Inconclusive observations are SKIP metrics, not WARN.
    assert_eq!(case_by_number(&doc, "3.2.2")["metrics"][0]["result"], "SKIP");
    // A case without findings still has its one metric.
    let na = case_by_number(&doc, "3.3.2");
    assert_eq!(na["metrics"][0]["result"], "SKIP");
    assert_eq!(na["metrics"][0]["measurements"][0]["values"][0], "not applicable");
}

#[test]
fn measurements_and_artifacts() {
    let doc = doc_for(&every_verdict());
    let c = case_by_number(&doc, "3.1.1");
    let m = c["measurements"].as_array().unwrap();
    assert_eq!(m[0]["units"], "count");
    assert_eq!(m[0]["values"][0], 40.0);
    // Microseconds are not in the schema's units: converted to milliseconds.
    assert_eq!(m[1]["units"], "millisecond");
    assert_eq!(m[1]["values"][0], 0.125);
    assert!(m[1]["description"].as_str().unwrap().contains("recorded in us"));
    // An unknown unit stays readable as text, and NaN is not a JSON null.
    assert_eq!(m[2]["units"], "text");
    assert_eq!(m[2]["values"][0], "NaN dB rms");

    let a = c["artifacts"].as_array().unwrap();
    assert_eq!(a[0]["path"], "cases/OFH.CMP.BFP.UL.01/fh.pcap");
    // The schema requires a description; an empty one falls back to the name.
    assert_eq!(a[1]["description"], "log");
}

#[test]
fn groups_per_class_with_stable_numbers() {
    let doc = doc_for(&every_verdict());
    let groups: Vec<(&str, &str, usize)> = doc["testResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap(),
                g["number"].as_str().unwrap(),
                g["groupItems"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(groups, [("CMP", "3.1", 3), ("DLM", "3.2", 2), ("NRG", "3.3", 2)]);

    // Selecting one case of a class does not renumber its group.
    let one = run_with(
        vec![ran(
            meta("OFH.DLM.TIM.02", "3.2.2", "DLM", Status::Mandatory),
            Verdict::Pass,
            "ok",
        )],
        false,
    );
    assert_eq!(doc_for(&one)["testResults"][0]["number"], "3.2");
}

fn overall_of(cases: Vec<suites::model::CaseResult>, interrupted: bool) -> (Outcome, String) {
    let run = run_with(cases, interrupted);
    let doc = doc_for(&run);
    let o = overall(&run);
    assert_eq!(doc["testMetadata"]["result"], o.outcome.as_str());
    assert_eq!(
        o.outcome == Outcome::Fail,
        run.has_blocking_failure(),
        "FAIL exactly when the exit code is non-zero"
    );
    (o.outcome, o.reason)
}

fn mandatory(verdict: Verdict) -> suites::model::CaseResult {
    ran(meta("M.01", "1.1.1", "M", Status::Mandatory), verdict, "r")
}

#[test]
fn overall_result() {
    use Outcome::*;
    assert_eq!(overall_of(vec![mandatory(Verdict::Pass)], false).0, Pass);
    assert_eq!(overall_of(vec![mandatory(Verdict::Fail)], false).0, Fail);
    assert_eq!(overall_of(vec![mandatory(Verdict::Error)], false).0, Fail);
    assert_eq!(overall_of(vec![mandatory(Verdict::Inconclusive)], false).0, Warn);
    assert_eq!(overall_of(vec![mandatory(Verdict::None)], false).0, Warn);
    assert_eq!(overall_of(every_verdict().cases, true).0, Fail);

    // An optional case that fails is not a DUT failure, but is not a pass either.
    let optional_fail = ran(meta("O.01", "1.1.2", "M", Status::Optional), Verdict::Fail, "r");
    let mut optional_fail_optional = optional_fail.clone();
    optional_fail_optional.applicability = Applicability::Optional;
    let (o, reason) = overall_of(vec![mandatory(Verdict::Pass), optional_fail_optional], false);
    assert_eq!(o, Warn);
    assert!(reason.contains("O.01"), "{reason}");

    // A conditional case that the DUT's capabilities make required blocks.
    let mut conditional = ran(meta("C.01", "1.1.3", "M", Status::Conditional), Verdict::Fail, "r");
    conditional.applicability = Applicability::Required;
    assert_eq!(overall_of(vec![mandatory(Verdict::Pass), conditional], false).0, Fail);

    // Not applicable cases do not stop a pass ...
    let na = not_run(
        meta("N.01", "1.1.4", "M", Status::Mandatory),
        Applicability::NotApplicable("PICS".into()),
        "",
    );
    assert_eq!(overall_of(vec![mandatory(Verdict::Pass), na.clone()], false).0, Pass);
    // ... a required case that did not run does, and so does an interruption.
    let skipped = not_run(
        meta("R.01", "1.1.5", "M", Status::Mandatory),
        Applicability::Required,
        "not selected",
    );
    assert_eq!(overall_of(vec![mandatory(Verdict::Pass), skipped], false).0, Warn);
    assert_eq!(overall_of(vec![mandatory(Verdict::Pass)], true).0, Warn);
    // Nothing executed is never a pass.
    assert_eq!(overall_of(vec![na], false).0, Warn);
}

#[test]
fn metadata_and_lab() {
    let run = every_verdict();
    let doc = doc_for(&run);
    let md = &doc["testMetadata"];
    assert_eq!(md["testId"], "8c5f4e6a-1b2c-4d3e-8f90-a1b2c3d4e5f6");
    assert_eq!(md["dutName"], "Sim O-RU");
    assert_eq!(md["interfaceUnderTest"][0], "o-ru.ofh");
    assert_eq!(md["testType"], "conformance");
    assert_eq!(md["startDate"], "2025-06-01T10:00:00Z");
    assert_eq!(md["stopDate"], "2025-06-01T10:05:00Z");
    // The seed survives exactly, as a string.
    assert_eq!(md["configurationParameters"]["stimulusSeed"], run.seed.to_string());
    assert!(md.get("iotProfile").is_none(), "no WG4 IOT version given");

    assert_eq!(doc["testLab"]["contacts"][0]["email"], "lab@example.org");
    // The harness is listed as a testbed component.
    let comps = doc["testbedComponents"].as_array().unwrap();
    assert!(comps.iter().any(|c| c["componentDescription"] == "test harness"));
    // Cited specifications with a known publisher are listed.
    let specs: Vec<&str> = doc["testSpecifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(specs, ["O-RAN.WG4.CUS.0", "eCPRI"]);
    // Tags fit the schema's pattern.
    assert!(doc["tags"].as_array().unwrap().contains(&"compression".into()));
}

#[test]
fn lab_profile_overrides() {
    let run = every_verdict();
    let lab = LabInfo {
        name: "Example Lab".into(),
        address: "1 Test Street".into(),
        contact: reports::Contact {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@lab.example.org".into(),
            organization: "Example Lab Ltd".into(),
        },
        test_specifications: vec![(
            "O-RAN.WG4.CUS.0".into(),
            "12.00".into(),
            "https://lab.example.org/specs/cus".into(),
        )],
        wg4_iot_version: Some("14.00".into()),
    };
    let doc = results_json(&run, &lab);
    check_document(&doc);
    assert_eq!(doc["testLab"]["contacts"][0]["organization"], "Example Lab Ltd");
    let specs = doc["testSpecifications"].as_array().unwrap();
    // The lab's own link wins; the spec is not listed twice.
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[0]["links"][0]["url"], "https://lab.example.org/specs/cus");
    let iot = &doc["testMetadata"]["iotProfile"];
    assert_eq!(iot["wg4IotSpecificationVersion"], "14.00");
    assert_eq!(iot["cusPlaneIotProfileName"], "CAT-A-NoBF");
}

#[test]
fn awkward_inputs_still_fit() {
    let mut run = every_verdict();
    run.interface = "o-ru.made-up".into();
    run.components.clear();
    run.finished = Some("not a time".into());
    let long = "x".repeat(5000);
    let leaked: &'static str = Box::leak(long.clone().into_boxed_str());
    run.cases[0].meta.title = leaked;
    run.cases[0].meta.purpose = leaked;
    run.cases[0].reason = long.clone();
    run.cases[0].findings[0].message = long;
    run.cases[0].started = Some("garbage".into());
    run.cases[0].duration_s = f64::NAN;
    run.cases[0].measurements[0].values.clear();
    run.cases[0].meta.tags = &["Über Tag!", "---"];
    let doc = doc_for(&run);
    assert!(doc["testMetadata"].get("interfaceUnderTest").is_none());
    assert!(doc["testMetadata"].get("stopDate").is_none());
    assert!(case_by_number(&doc, "3.1.1").get("startDate").is_none());
    let notes = doc["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["title"] == "Interface under test"));
}

//! `harness e2 decode|encode` as a user runs it: every E2AP message the
//! codec tests embed (built with pycrate) and the benchmark messages, and
//! every E2SM vector of the codec tests, go through decode --json | encode
//! unchanged; version and payload kind detection; service model payloads
//! decoded inside E2AP messages; errors with offsets, line numbers and exit
//! codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn harness() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harness"))
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = harness();
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("oran-e2cli-{name}-{}", std::process::id()));
    std::fs::write(&p, contents).unwrap();
    p
}

fn codecs_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../codecs")
}

/// The hex string constants (`const NAME: &str = "..." \ "...";`) of the E2AP
/// tests in codecs/tests, and the messages of the E2AP benchmark.
fn vectors() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let dir = codecs_dir().join("tests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("e2ap") && n.ends_with(".rs")
        })
        .collect();
    files.sort();
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        let mut rest = src.as_str();
        while let Some(i) = rest.find("const ") {
            rest = &rest[i + 6..];
            let Some((name, tail)) = rest.split_once(": &str =") else {
                continue;
            };
            if name.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                continue;
            }
            let Some(end) = tail.find(';') else { continue };
            // String literals joined by `\` continuations.
            let hex: String = tail[..end]
                .split('"')
                .skip(1)
                .step_by(2)
                .flat_map(|s| s.split('\\'))
                .map(str::trim)
                .collect();
            if hex.len() >= 8 && hex.len().is_multiple_of(2) && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                out.push((format!("{}:{name}", f.file_name().unwrap().to_string_lossy()), hex));
            }
        }
    }
    let bench = std::fs::read_to_string(codecs_dir().join("benches/e2ap_messages.tsv")).unwrap();
    for l in bench.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (name, hex) = l.split_once('\t').unwrap();
        out.push((format!("e2ap_messages.tsv:{name}"), hex.trim().to_string()));
    }
    out
}

const V1_SETUP: &str = "00010021000002000300080000f1100000066c000a000e0001000840080000010201020000";
const V3_SUB_MOD: &str = "000e001d000003001d000500000700010005000200020041400708004240020004";
const INDICATION: &str = "00054058000007001d00050003fd0003000500020002000f000101001b0002002a001c000100001900050401020304\
                          001a002928000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627";
/// RICsubscriptionRequest with RICsubscriptionStartTime (IE 62, from v03.00).
const V3_SUB_START_TIME: &str =
    "0008002e000004001d00050003fd0003000500020002001e000c000210200000134003000100003e00080000018bcfe56800";

#[test]
fn every_vector_survives_decode_json_then_encode() {
    let vs = vectors();
    assert!(vs.len() >= 14, "{} vectors found", vs.len());
    for (name, hex) in &vs {
        let d = run(&["e2", "decode", "--json", hex], None);
        assert_eq!(d.status.code(), Some(0), "{name}: {}", text(&d.stderr));
        let e = run(&["e2", "encode", "-"], Some(&d.stdout));
        assert_eq!(e.status.code(), Some(0), "{name}: {}", text(&e.stderr));
        assert_eq!(text(&e.stdout).trim(), hex, "{name}");
    }
}

#[test]
fn a_file_of_messages_decodes_line_by_line_and_encodes_back() {
    let vs = vectors();
    let lines: String = vs.iter().map(|(_, h)| format!("{h}\n")).collect();
    let f = temp_file("batch", format!("# every vector\n{lines}").as_bytes());
    let d = run(&["e2", "decode", "--json", "--file", f.to_str().unwrap()], None);
    assert_eq!(d.status.code(), Some(0), "{}", text(&d.stderr));
    assert_eq!(text(&d.stdout).lines().count(), vs.len());
    let e = run(&["e2", "encode", "-"], Some(&d.stdout));
    assert_eq!(e.status.code(), Some(0), "{}", text(&e.stderr));
    assert_eq!(text(&e.stdout), lines);
    // The readable form of each, too.
    let t = run(&["e2", "decode", "--file", f.to_str().unwrap()], None);
    assert_eq!(t.status.code(), Some(0), "{}", text(&t.stderr));
    assert_eq!(text(&t.stdout).matches("E2AP-PDU, ").count(), vs.len());
    std::fs::remove_file(f).ok();
}

#[test]
fn auto_detects_a_v1_and_a_v3_message() {
    let d = run(&["e2", "decode", "--json", V1_SETUP], None);
    assert_eq!(d.status.code(), Some(0), "{}", text(&d.stderr));
    let v: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(v["version"], "v01.00");
    assert_eq!(v["valid_under"], serde_json::json!(["v01.00"]));

    let d = run(&["e2", "decode", "--json", V3_SUB_MOD], None);
    let v: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    assert_eq!(v["valid_under"], serde_json::json!(["v03.01", "latest"]));
    assert_eq!(v["version"], "latest");
    assert!(v["pdu"]["InitiatingMessage"]["value"]["RicSubscriptionModificationRequest"].is_object());

    // The tree says where the message leaves the older versions.
    let t = text(&run(&["e2", "decode", V3_SUB_MOD], None).stdout);
    assert!(t.contains("valid under: v03.01, latest"), "{t}");
    assert!(t.contains("not v01.00: procedure 14"), "{t}");
    assert!(
        t.contains("RICsubscriptionModificationRequest (initiatingMessage, procedure code 14"),
        "{t}"
    );
}

#[test]
fn the_tree_names_each_ie_with_id_criticality_and_value() {
    let out = run(&["e2", "decode", INDICATION], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    for want in [
        "RICindication (initiatingMessage, procedure code 5, criticality ignore)",
        "RICrequestID (IE 29, criticality reject)",
        "ric_requestor_id: 1021",
        "RANfunctionID (IE 5, criticality reject): 2",
        "RICindicationType (IE 28, criticality reject): Report",
        "RICindicationHeader (IE 25, criticality reject): 4 octet(s): 01020304",
        "RICindicationMessage (IE 26, criticality reject): 40 octet(s)",
    ] {
        assert!(t.contains(want), "{want:?} missing from\n{t}");
    }
    // An IE v02.03 does not define, shown raw with its criticality.
    let t = text(&run(&["e2", "decode", "--version", "v2", V3_SUB_START_TIME], None).stdout);
    assert!(
        t.contains("IE 62 (not defined here by this version, criticality reject): 8 octet(s): 0000018bcfe56800"),
        "{t}"
    );
}

#[test]
fn hex_forms_binary_files_and_binary_output() {
    let spaced: String = INDICATION
        .as_bytes()
        .chunks(2)
        .map(|p| format!("0x{} ", std::str::from_utf8(p).unwrap()))
        .collect();
    let a = run(&["e2", "decode", "--json", &spaced], None);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    let colons = INDICATION
        .as_bytes()
        .chunks(2)
        .map(|p| std::str::from_utf8(p).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    let b = run(&["e2", "decode", "--json", &colons], None);
    assert_eq!(a.stdout, b.stdout);

    let raw: Vec<u8> = (0..INDICATION.len() / 2)
        .map(|i| u8::from_str_radix(&INDICATION[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let f = temp_file("raw", &raw);
    let c = run(&["e2", "decode", "--json", "--file", f.to_str().unwrap()], None);
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stderr));
    assert_eq!(a.stdout, c.stdout);

    let out = std::env::temp_dir().join(format!("oran-e2cli-out-{}", std::process::id()));
    let e = run(
        &["e2", "encode", "--binary", "--out", out.to_str().unwrap(), "-"],
        Some(&c.stdout),
    );
    assert_eq!(e.status.code(), Some(0), "{}", text(&e.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), raw);
    std::fs::remove_file(f).ok();
    std::fs::remove_file(out).ok();
}

#[test]
fn a_truncated_message_names_the_offset_and_exits_one() {
    let cut = &INDICATION[..INDICATION.len() - 20];
    let out = run(&["e2", "decode", cut], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("RICindication at byte 4: length field says 88 bytes, 78 present"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // In a file, the line is named and the other messages still decode.
    let f = temp_file("cut", format!("{INDICATION}\n{cut}\n{V1_SETUP}\n").as_bytes());
    let out = run(&["e2", "decode", "--json", "--file", f.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(": line 2: ") && err.contains("at byte "), "{err}");
    assert_eq!(text(&out.stdout).lines().count(), 2);
    std::fs::remove_file(f).ok();

    let out = run(&["e2", "decode", "00054z"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a hex digit"));
}

#[test]
fn bad_json_names_the_line_and_column() {
    let d = run(&["e2", "decode", "--json", INDICATION], None);
    let good = text(&d.stdout);
    // A syntax error: a stray comma on line 3.
    let bad = good.replacen("\"version\": \"latest\",", "\"version\": \"latest\",,", 1);
    assert_ne!(bad, good);
    let out = run(&["e2", "encode", "-"], Some(bad.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("line 2, column"), "{err}");
    // A value of the wrong type: placed within the document.
    let bad = good.replacen("\"Report\"", "\"Sometimes\"", 1);
    let line = bad.lines().position(|l| l.contains("Sometimes")).unwrap() + 1;
    let out = run(&["e2", "encode", "-"], Some(bad.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("line {line}, column")), "{err}");
    assert!(err.contains("Sometimes"), "{err}");
}

#[test]
fn usage_errors_exit_two() {
    let out = run(&["e2", "decode", "--version", "v9", INDICATION], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("v03.01"), "{}", text(&out.stderr));
    let out = run(&["e2", "bogus"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn encode_takes_a_bare_pdu_and_a_version() {
    let d = run(&["e2", "decode", "--json", V1_SETUP], None);
    let v: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    let bare = serde_json::to_string(&v["pdu"]).unwrap();
    let out = run(&["e2", "encode", "--version", "v1", &bare], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), V1_SETUP);
    // A procedure the version does not define cannot be encoded under it.
    let d = run(&["e2", "decode", "--json", V3_SUB_MOD], None);
    let v: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    let bare = serde_json::to_string(&v["pdu"]).unwrap();
    let out = run(&["e2", "encode", "--version", "v1", &bare], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("under v01.00"), "{}", text(&out.stderr));
}

// ---- E2SM payloads --------------------------------------------------------------------

/// One E2SM vector of the codec tests: model, version, payload kind, hex, and
/// the value's JSON where the table gives it.
struct SmVector {
    model: String,
    version: String,
    kind: String,
    hex: String,
    json: Option<Value>,
}

/// String literals joined by `\` continuations.
fn joined_literals(src: &str) -> String {
    src.split('"')
        .skip(1)
        .step_by(2)
        .flat_map(|s| s.split('\\'))
        .map(str::trim)
        .collect()
}

/// The vector table of codecs/tests/e2sm_vectors.rs, and the REAL vector of
/// the same file (a KPM v03.00 indication message).
fn sm_vectors() -> Vec<SmVector> {
    let src = std::fs::read_to_string(codecs_dir().join("tests/e2sm_vectors.rs")).unwrap();
    let table = &src[src.find("const VECTORS").unwrap()..];
    let table = &table[..table.find("\n];").unwrap()];
    let literals: Vec<String> = table
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter_map(|l| match l.strip_prefix("r#\"") {
            Some(raw) => raw.strip_suffix("\"#").map(str::to_string),
            None => l
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .map(str::to_string),
        })
        .collect();
    assert_eq!(literals.len() % 5, 0, "{literals:?}");
    let mut out: Vec<SmVector> = literals
        .chunks(5)
        .map(|c| SmVector {
            model: c[0].clone(),
            version: c[1].clone(),
            kind: c[2].clone(),
            hex: c[3].clone(),
            json: Some(serde_json::from_str(&c[4]).unwrap()),
        })
        .collect();
    let real = &src[src.find("fn real_values").unwrap()..];
    let call = &real[real.find("unhex(").unwrap() + 6..];
    out.push(SmVector {
        model: "kpm".into(),
        version: "v03.00".into(),
        kind: "IndicationMessage".into(),
        hex: joined_literals(&call[..call.find(");").unwrap()]),
        json: None,
    });
    out
}

fn sm_vector(model: &str, version: &str, kind: &str) -> SmVector {
    sm_vectors()
        .into_iter()
        .find(|v| v.model == model && v.version == version && v.kind == kind)
        .unwrap_or_else(|| panic!("no {model} {version} {kind} vector"))
}

fn json_of(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

fn json_lines(out: &Output) -> Vec<Value> {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn not_panicked(out: &Output) {
    assert!(!text(&out.stderr).contains("panicked"), "{}", text(&out.stderr));
}

#[test]
fn every_e2sm_vector_survives_decode_json_then_encode() {
    let vs = sm_vectors();
    assert!(vs.len() >= 22, "{} vectors found", vs.len());
    for v in &vs {
        let what = format!("{} {} {}", v.model, v.version, v.kind);
        // As the table says it is...
        let args = ["e2", "decode", "--json", "--sm", &v.model, "--sm-version", &v.version];
        let d = run(&[&args[..], &["--payload", &v.kind, &v.hex]].concat(), None);
        let j = json_of(&d);
        assert_eq!(j["version"], v.version.as_str(), "{what}");
        assert_eq!(j["kind"], v.kind.as_str(), "{what}");
        assert_eq!(j["sm"], if v.model == "kpm" { "E2SM-KPM" } else { "E2SM-RC" }, "{what}");
        if let Some(value) = &v.json {
            assert_eq!(&j["payload"][&v.kind], value, "{what}");
        }
        let e = run(&["e2", "encode", "-"], Some(&d.stdout));
        assert_eq!(e.status.code(), Some(0), "{what}: {}", text(&e.stderr));
        assert_eq!(text(&e.stdout).trim(), v.hex, "{what}");
        // ...and with its kind and version found by trying.
        let d = run(&["e2", "decode", "--json", "--sm", &v.model, &v.hex], None);
        let j = json_of(&d);
        assert!(
            j["valid_as"].as_array().unwrap().contains(&json!(v.kind)),
            "{what}: {j}"
        );
        assert!(
            j["valid_under"].as_array().unwrap().contains(&json!(v.version)),
            "{what}: {j}"
        );
        let e = run(&["e2", "encode", "-"], Some(&d.stdout));
        assert_eq!(text(&e.stdout).trim(), v.hex, "{what}: {}", text(&e.stderr));
        // The tree names the payload's ASN.1 type.
        let t = run(&["e2", "decode", "--sm", &v.model, "--payload", &v.kind, &v.hex], None);
        assert_eq!(t.status.code(), Some(0), "{what}: {}", text(&t.stderr));
        assert!(text(&t.stdout).contains("\nE2SM-"), "{what}: {}", text(&t.stdout));
    }
}

#[test]
fn kpm_version_and_payload_kind_are_found_by_trying_with_the_partings_named() {
    let h = sm_vector("kpm", "v02.03", "IndicationHeader");
    let out = run(&["e2", "decode", "--sm", "kpm", &h.hex], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    for want in [
        "E2SM-KPM payload, 18 octets, decoded as v02.03 (auto: the newest it is valid under); valid under: v02.03",
        "  not v03.00: TimeStamp skew: colletStartTime is 4 octets",
        "  kind: auto: wholly valid as indication-header\n",
        "E2SM-KPM-IndicationHeader\n",
        "      collet_start_time: 4 octet(s): e8a1b2c3",
        "      sender_name: \"gNB-1\"",
    ] {
        assert!(t.contains(want), "{want:?} missing from\n{t}");
    }
    let j = json_of(&run(&["e2", "decode", "--json", "--sm", "e2sm-kpm", &h.hex], None));
    assert_eq!(j["valid_under"], json!(["v02.03"]));
    assert_eq!(j["valid_as"], json!(["IndicationHeader"]));
    assert!(
        j["not_valid_under"]["v03.00"]
            .as_str()
            .unwrap()
            .starts_with("TimeStamp skew"),
        "{j}"
    );

    // Forced to v03.00 it does not decode: where, and exit 1.
    let out = run(
        &[
            "e2",
            "decode",
            "--sm",
            "kpm",
            "--sm-version",
            "v3",
            "--payload",
            "indication-header",
            &h.hex,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not E2SM-KPM indication-header under v03.00: "), "{err}");
    assert!(err.contains(" at byte 12: "), "{err}");

    // Octets that are no payload of the model: where each kind parts from it.
    let out = run(&["e2", "decode", "--sm", "rc", "ffffffff"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not wholly any E2SM-RC payload (under v01.03):"), "{err}");
    assert!(err.contains("\n  control-outcome: "), "{err}");
    not_panicked(&out);
}

#[test]
fn a_wrong_payload_choice_is_a_clean_error() {
    let m = sm_vector("kpm", "v03.00", "IndicationMessage");
    // A kind the model does not define: a usage error.
    let out = run(
        &["e2", "decode", "--sm", "kpm", "--payload", "control-header", &m.hex],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("E2SM-KPM has no control-header payload (its payloads: ran-function-definition, "),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    not_panicked(&out);
    // No such kind at all, or a kind without a model.
    let out = run(&["e2", "decode", "--sm", "rc", "--payload", "indication", &m.hex], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown payload kind"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["e2", "decode", "--payload", "indication-header", &m.hex], None);
    assert_eq!(out.status.code(), Some(2));
    // A kind the model has but the payload is not: where it fails, and what it is.
    let out = run(
        &["e2", "decode", "--sm", "kpm", "--payload", "action-definition", &m.hex],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not E2SM-KPM action-definition under v03.00: "), "{err}");
    assert!(err.contains(" at byte "), "{err}");
    assert!(err.contains("(it is wholly valid as: indication-message)"), "{err}");
    not_panicked(&out);
    // Versions and flags that do not go together.
    for args in [
        &["e2", "decode", "--sm", "kpm", "--sm-version", "v9", &m.hex][..],
        &["e2", "decode", "--sm-version", "v3", &m.hex],
        &["e2", "decode", "--sm", "kpm", "--version", "v3", &m.hex],
        &["e2", "decode", "--sm", "kpm", "--nested", "rc", &m.hex],
        &["e2", "decode", "--sm", "mystery", &m.hex],
    ] {
        let out = run(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        not_panicked(&out);
    }
}

#[test]
fn encode_takes_a_bare_e2sm_payload_with_sm_and_version() {
    let h = sm_vector("kpm", "v02.03", "IndicationHeader");
    let bare = json!({"IndicationHeader": h.json.clone().unwrap()}).to_string();
    let out = run(&["e2", "encode", "--sm", "kpm", "--sm-version", "v2", &bare], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), h.hex);
    // Its 4-octet TimeStamp does not fit v03.00.
    let out = run(&["e2", "encode", "--sm", "kpm", "--sm-version", "v3", &bare], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("under E2SM-KPM v03.00: "),
        "{}",
        text(&out.stderr)
    );
    // A "kind" that disagrees with the payload.
    let j = json_of(&run(&["e2", "decode", "--json", "--sm", "kpm", &h.hex], None));
    let mut wrong = j.clone();
    wrong["kind"] = json!("ActionDefinition");
    let out = run(&["e2", "encode", &wrong.to_string()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("\"kind\" says ActionDefinition"),
        "{}",
        text(&out.stderr)
    );
    // A value of the wrong type, placed in the document.
    let pretty = serde_json::to_string_pretty(&j).unwrap().replacen("\"gNB-1\"", "17", 1);
    let line = pretty.lines().position(|l| l.contains("17")).unwrap() + 1;
    let out = run(&["e2", "encode", "-"], Some(pretty.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!("line {line}, column")),
        "{}",
        text(&out.stderr)
    );
}

/// An IE of an E2AP message in its JSON form, by variant.
fn ie<'a>(pdu: &'a Value, variant: &str) -> &'a Value {
    let (_, body) = pdu.as_object().unwrap().iter().next().unwrap();
    let (_, msg) = body["value"].as_object().unwrap().iter().next().unwrap();
    msg["protocol_ies"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["value"].get(variant))
        .unwrap_or_else(|| panic!("no {variant} in {pdu}"))
}

fn bench_messages() -> Vec<(String, String)> {
    let bench = std::fs::read_to_string(codecs_dir().join("benches/e2ap_messages.tsv")).unwrap();
    bench
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, hex) = l.split_once('\t').unwrap();
            (name.to_string(), hex.trim().to_string())
        })
        .collect()
}

#[test]
fn e2ap_messages_show_their_kpm_payloads_decoded_in_place() {
    // An E2 setup with a KPM RAN function, a subscription to it, indications,
    // and one indication whose message is opaque octets.
    let msgs = bench_messages();
    let names: Vec<&str> = msgs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "setup_request",
            "subscription_request",
            "indication_kpm",
            "indication_kpm_large",
            "indication_1500B"
        ]
    );
    let lines: String = msgs.iter().map(|(_, h)| format!("{h}\n")).collect();
    let f = temp_file("kpm-session", lines.as_bytes());
    let d = run(&["e2", "decode", "--json", "--file", f.to_str().unwrap()], None);
    let js = json_lines(&d);

    // The RAN function's model is known from its OID.
    let added = ie(&js[0]["pdu"], "RanFunctionsAdded");
    let def = &added[0]["value"]["RanFunctionItem"]["ran_function_definition"];
    let dd = &def["decoded"];
    assert_eq!(dd["sm"], "E2SM-KPM", "{def}");
    assert_eq!(dd["kind"], "RanFunctionDefinition");
    assert_eq!(dd["assumed"], "ranFunctionOID 1.3.6.1.4.1.53148.1.2.2.2");
    assert_eq!(
        dd["payload"]["RanFunctionDefinition"]["ran_function_name"]["ran_function_short_name"],
        "ORAN-E2SM-KPM"
    );
    // Later messages about RAN function 2 are taken for KPM from it.
    let details = ie(&js[1]["pdu"], "RicSubscriptionDetails");
    let trigger = &details["ric_event_trigger_definition"]["decoded"];
    let learned =
        "RAN function 2 is E2SM-KPM: ranFunctionOID 1.3.6.1.4.1.53148.1.2.2.2 in the E2setupRequest on line 1";
    assert_eq!(trigger["assumed"], learned);
    assert_eq!(
        trigger["payload"]["EventTriggerDefinition"]["event_definition_formats"]["EventDefinitionFormat1"]["reporting_period"],
        1000
    );
    let action = &details["ric_action_to_be_setup_list"][0]["value"]["RicActionToBeSetupItem"]["ric_action_definition"];
    assert_eq!(action["decoded"]["kind"], "ActionDefinition", "{action}");
    assert!(action["decoded"]["payload"]["ActionDefinition"].is_object(), "{action}");
    // KPM v03.00 indication headers, with where v02.03 parts from them.
    let header = &ie(&js[2]["pdu"], "RicIndicationHeader")["decoded"];
    assert_eq!(header["version"], "v03.00");
    assert_eq!(header["valid_under"], json!(["v03.00"]));
    assert!(
        header["not_valid_under"]["v02.03"]
            .as_str()
            .unwrap()
            .starts_with("TimeStamp skew"),
        "{header}"
    );
    assert!(ie(&js[3]["pdu"], "RicIndicationMessage")["decoded"]["payload"]["IndicationMessage"].is_object());
    // A payload that does not decode: the error and its offset, the E2AP message still decoded.
    let opaque = &ie(&js[4]["pdu"], "RicIndicationMessage")["decoded"];
    assert!(opaque["payload"].is_null(), "{opaque}");
    assert!(opaque["error"].as_str().unwrap().contains(" at byte 9: "), "{opaque}");
    assert_eq!(opaque["offset"], 9);

    // The decoded forms are ignored by encode: the hex is what is encoded.
    let e = run(&["e2", "encode", "-"], Some(&d.stdout));
    assert_eq!(e.status.code(), Some(0), "{}", text(&e.stderr));
    assert_eq!(text(&e.stdout), lines);

    // The tree shows each payload beneath its octets.
    let t = run(&["e2", "decode", "--file", f.to_str().unwrap()], None);
    assert_eq!(t.status.code(), Some(0), "{}", text(&t.stderr));
    let t = text(&t.stdout);
    for want in [
        "      E2SM-KPM v03.00 E2SM-KPM-RANfunction-Description (ranFunctionOID 1.3.6.1.4.1.53148.1.2.2.2); valid under: v02.03, v03.00\n",
        "        ran_function_short_name: \"ORAN-E2SM-KPM\"",
        &format!("      E2SM-KPM v03.00 E2SM-KPM-EventTriggerDefinition ({learned}); valid under: v02.03, v03.00\n"),
        "            reporting_period: 1000",
        "      not v02.03: TimeStamp skew: ",
        "    E2SM-KPM v03.00 E2SM-KPM-IndicationMessage (RAN function 2 is E2SM-KPM: ",
        "): not decoded: MeasurementRecordItem at byte 9: ",
    ] {
        assert!(t.contains(want), "{want:?} missing from\n{t}");
    }

    // --nested off: the octets as they are.
    let off = run(
        &[
            "e2",
            "decode",
            "--json",
            "--nested",
            "off",
            "--file",
            f.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(off.status.code(), Some(0), "{}", text(&off.stderr));
    assert!(!text(&off.stdout).contains("\"decoded\""));
    assert_eq!(text(&run(&["e2", "encode", "-"], Some(&off.stdout)).stdout), lines);
    std::fs::remove_file(f).ok();
}

#[test]
fn rc_payloads_take_the_model_the_setup_gave_their_ran_function() {
    let rc = |kind: &str| sm_vector("rc", "v01.03", kind);
    let hex = |kind: &str| json!(rc(kind).hex);
    // The benchmark's E2 setup, plus an E2SM-RC RAN function 3.
    let (_, setup) = &bench_messages()[0];
    let mut setup = json_of(&run(&["e2", "decode", "--json", "--nested", "off", setup], None));
    let added = setup["pdu"]["InitiatingMessage"]["value"]["E2setupRequest"]["protocol_ies"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find_map(|f| f["value"].get_mut("RanFunctionsAdded"))
        .unwrap()
        .as_array_mut()
        .unwrap();
    let mut item = added[0].clone();
    item["value"]["RanFunctionItem"]["ran_function_id"] = json!(3);
    item["value"]["RanFunctionItem"]["ran_function_definition"] = hex("RanFunctionDefinition");
    item["value"]["RanFunctionItem"]["ran_function_oid"] = json!("1.3.6.1.4.1.53148.1.1.2.3");
    added.push(item);
    let ies = |v: Vec<Value>| json!({"protocol_ies": v.into_iter().map(|x| json!({"criticality": "Reject", "value": x})).collect::<Vec<_>>()});
    let request_id = json!({"RicRequestId": {"ric_requestor_id": 7, "ric_instance_id": 1}});
    let control = json!({"version": "v03.01", "pdu": {"InitiatingMessage": {"criticality": "Reject", "value": {
        "RicControlRequest": ies(vec![request_id.clone(), json!({"RanFunctionId": 3}),
            json!({"RicControlHeader": hex("ControlHeader")}), json!({"RicControlMessage": hex("ControlMessage")})])}}}});
    let ack = json!({"version": "v03.01", "pdu": {"SuccessfulOutcome": {"criticality": "Reject", "value": {
        "RicControlAcknowledge": ies(vec![request_id.clone(), json!({"RanFunctionId": 3}),
            json!({"RicControlOutcome": hex("ControlOutcome")})])}}}});
    let indication = json!({"version": "v03.01", "pdu": {"InitiatingMessage": {"criticality": "Ignore", "value": {
        "RicIndication": ies(vec![request_id, json!({"RanFunctionId": 3}), json!({"RicActionId": 1}),
            json!({"RicIndicationType": "Insert"}), json!({"RicIndicationHeader": hex("IndicationHeader")}),
            json!({"RicIndicationMessage": hex("IndicationMessage")})])}}}});
    let docs: String = [&setup, &control, &ack, &indication]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect();
    let e = run(&["e2", "encode", "-"], Some(docs.as_bytes()));
    assert_eq!(e.status.code(), Some(0), "{}", text(&e.stderr));
    let lines = text(&e.stdout);
    let f = temp_file("rc-session", lines.as_bytes());

    let d = run(&["e2", "decode", "--json", "--file", f.to_str().unwrap()], None);
    let js = json_lines(&d);
    let learned = "RAN function 3 is E2SM-RC: ranFunctionOID 1.3.6.1.4.1.53148.1.1.2.3 in the E2setupRequest on line 1";
    for (msg, variant, kind) in [
        (1, "RicControlHeader", "ControlHeader"),
        (1, "RicControlMessage", "ControlMessage"),
        (2, "RicControlOutcome", "ControlOutcome"),
        // KPM has indication headers too: RAN function 3 says which model.
        (3, "RicIndicationHeader", "IndicationHeader"),
        (3, "RicIndicationMessage", "IndicationMessage"),
    ] {
        let d = &ie(&js[msg]["pdu"], variant)["decoded"];
        assert_eq!(d["sm"], "E2SM-RC", "{variant}: {d}");
        assert_eq!(d["assumed"], learned, "{variant}");
        assert_eq!(d["valid_under"], json!(["v01.03"]), "{variant}");
        assert_eq!(d["payload"][kind], rc(kind).json.unwrap(), "{variant}");
    }
    let e = run(&["e2", "encode", "-"], Some(&d.stdout));
    assert_eq!(text(&e.stdout), lines, "{}", text(&e.stderr));

    // Told the payloads are KPM: decoded as that, as far as they go; what
    // KPM does not define says so.
    let d = run(
        &[
            "e2",
            "decode",
            "--json",
            "--nested",
            "kpm",
            "--file",
            f.to_str().unwrap(),
        ],
        None,
    );
    let js = json_lines(&d);
    let h = &ie(&js[1]["pdu"], "RicControlHeader")["decoded"];
    assert_eq!(h["assumed"], "--nested kpm");
    assert!(
        h["error"]
            .as_str()
            .unwrap()
            .starts_with("E2SM-KPM has no control-header payload"),
        "{h}"
    );
    let h = &ie(&js[3]["pdu"], "RicIndicationHeader")["decoded"];
    assert_eq!(
        (&h["sm"], &h["assumed"]),
        (&json!("E2SM-KPM"), &json!("--nested kpm")),
        "{h}"
    );
    let e = run(&["e2", "encode", "-"], Some(&d.stdout));
    assert_eq!(text(&e.stdout), lines, "{}", text(&e.stderr));

    // Alone, the indication names no model: each is tried and that is said.
    let alone = lines.lines().nth(3).unwrap();
    let j = json_of(&run(&["e2", "decode", "--json", alone], None));
    let h = &ie(&j["pdu"], "RicIndicationHeader")["decoded"];
    assert_eq!(h["sm"], "E2SM-RC", "{h}");
    assert!(
        h["assumed"]
            .as_str()
            .unwrap()
            .starts_with("inferred by trying each model: "),
        "{h}"
    );
    assert!(h["assumed"].as_str().unwrap().contains("valid as E2SM-RC"), "{h}");
    std::fs::remove_file(f).ok();
}

//! `harness e2 decode|encode` as a user runs it: every E2AP message the
//! codec tests embed (built with pycrate) and the benchmark messages go
//! through decode --json | encode unchanged; version detection; errors with
//! offsets, line numbers and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

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

//! The executable as a user runs it: exit codes and files.

use std::process::Command;

fn harness() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harness"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("oran-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn run_exits_zero_on_a_conformant_oru_and_writes_the_run_folder() {
    let dir = temp_dir("ok");
    let out = harness().args(["run", "--quiet", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("OFH.CMP.BFP.UL.01") && stdout.contains("PASS"),
        "{stdout}"
    );
    for f in ["junit.xml", "results.json", "events.jsonl"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_exits_one_when_a_mandatory_case_fails() {
    let dir = temp_dir("fail");
    let out = harness()
        .args(["run", "--quiet", "--ru-variant", "seq-gap", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("OFH.TRN.SEQ.01") && l.contains("FAIL")),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_variant_is_a_usage_error_naming_the_known_ones() {
    let out = harness().args(["run", "--ru-variant", "bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("late-ul"));
}

#[test]
fn list_shows_every_case_with_applicability() {
    let out = harness().arg("list").output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    for id in ["OFH.TRN.ECPRI.01", "OFH.DLM.DL.RX.01", "OFH.ST3.PRACH.01"] {
        assert!(s.contains(id), "{id} missing from\n{s}");
    }
    assert!(s.contains("required"));
}

#[test]
fn decode_reads_back_a_run_capture() {
    let dir = temp_dir("decode");
    let st = harness()
        .args(["run", "--quiet", "--case", "OFH.TRN.SEQ.*", "--out"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(st.success());
    let pcap = dir.join("cases/OFH.TRN.SEQ.01.pcap");
    let out = harness()
        .arg("decode")
        .arg(&pcap)
        .args(["--summary", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let totals: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(totals["errors"], 0);
    assert!(totals["uplane_messages"].as_u64().unwrap() > 0);
    let out = harness().arg("decode").arg(&pcap).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().next().unwrap().contains("| C DL eAxC 0:0:0:0"),
        "{text:.300}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

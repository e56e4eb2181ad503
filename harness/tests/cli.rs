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

#[test]
fn a_baseline_turns_a_known_failure_into_success_and_a_change_into_failure() {
    let dir = temp_dir("baseline");
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("baseline.toml");
    // Record the faulty O-RU's verdicts, then explain the deviation.
    let out = harness()
        .args(["run", "--quiet", "--ru-variant", "late-ul", "--write-baseline"])
        .arg(&base)
        .arg("--out")
        .arg(dir.join("r1"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(
        text.contains("OFH.DLM.UL.TX.01") && text.contains("TO EXPLAIN"),
        "{text}"
    );
    std::fs::write(&base, text.replace("TO EXPLAIN", "accepted for this test")).unwrap();

    let run = |variant: &str, out: &str| {
        harness()
            .args(["run", "--quiet", "--ru-variant", variant, "--baseline"])
            .arg(&base)
            .arg("--out")
            .arg(dir.join(out))
            .output()
            .unwrap()
    };
    // Same failure as the baseline: no change, exit 0.
    let same = run("late-ul", "r2");
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stdout));
    // The known failure is gone (a change) and another appears: exit 1.
    let other = run("seq-gap", "r3");
    assert_eq!(other.status.code(), Some(1));
    let s = String::from_utf8_lossy(&other.stdout);
    assert!(
        s.contains("OFH.DLM.UL.TX.01: expected fail, got pass") && s.contains("OFH.TRN.SEQ.01"),
        "{s}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

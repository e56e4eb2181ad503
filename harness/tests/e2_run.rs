//! The E2 suites through `harness run` and `harness list`, as a user runs
//! them: the same run folder, reports and exit codes as the fronthaul suite.

use std::path::{Path, PathBuf};
use std::process::Command;

fn harness() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harness"))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oran-e2run-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn results(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

/// (id, verdict) of every case line in the terminal summary.
fn verdicts(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("E2."))
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap().to_string(), w.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn e2_ric_suite_passes_against_the_conformant_ric_and_keeps_every_message() {
    let dir = temp_dir("ric-ok");
    let out = harness()
        .args(["run", "--quiet", "--suite", "e2-ric", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = verdicts(&stdout);
    assert!(v.len() >= 14, "{stdout}");
    assert!(
        v.iter()
            .all(|(id, verdict)| id.starts_with("E2.RIC.") && verdict == "PASS"),
        "{stdout}"
    );
    for f in ["junit.xml", "results.json", "events.jsonl", "report.html"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let r = results(&dir);
    let text = r.to_string();
    assert!(text.contains("near-rt-ric.e2"), "interface under test: {text:.400}");
    // Each case: an SCTP pcap and the messages as JSON lines, both non-empty.
    let pcap = std::fs::read(dir.join("cases/E2.RIC.SETUP.01.pcap")).unwrap();
    assert!(pcap.len() > 24 + 16 + 14 + 20 + 28, "pcap holds at least one packet");
    let lines = std::fs::read_to_string(dir.join("cases/E2.RIC.SETUP.01.e2.jsonl")).unwrap();
    assert!(
        lines.lines().next().unwrap().contains("\"message\":\"E2setupRequest\""),
        "{lines}"
    );
    assert!(lines.contains("E2setupResponse"), "{lines}");
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(
        junit.contains("cases/E2.RIC.SETUP.01.e2.jsonl"),
        "artifact paths in the JUnit properties"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_faulty_ric_fails_its_case_and_the_run_exits_one() {
    let dir = temp_dir("ric-fault");
    let out = harness()
        .args([
            "run",
            "--quiet",
            "--suite",
            "e2-ric",
            "--ric-variant",
            "crash-on-error-indication",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v = verdicts(&stdout);
    let failed: Vec<_> = v
        .iter()
        .filter(|(_, verdict)| verdict == "FAIL")
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(failed, ["E2.RIC.ERR.01"], "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn e2_node_suite_selects_by_glob_and_version_and_judges_a_faulty_node() {
    let dir = temp_dir("node");
    let out = harness()
        .args([
            "run",
            "--quiet",
            "--suite",
            "e2-node",
            "--e2ap",
            "2.03",
            "--node-variant",
            "accept-duplicate-request-id",
            "--case",
            "E2.NODE.SUB.*",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v = verdicts(&stdout);
    assert!(v.iter().all(|(id, _)| id.starts_with("E2.NODE.SUB.")), "{stdout}");
    assert!(v.contains(&("E2.NODE.SUB.04".into(), "FAIL".into())), "{stdout}");
    assert!(v.contains(&("E2.NODE.SUB.01".into(), "PASS".into())), "{stdout}");
    assert!(stdout.contains("v02.03"), "the version under test is named: {stdout}");
    assert!(results(&dir).to_string().contains("o-du.e2"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fronthaul_options_are_refused_with_an_e2_suite_and_the_reverse() {
    let out = harness()
        .args(["run", "--suite", "e2-node", "--ru-variant", "seq-gap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fronthaul"));
    let out = harness()
        .args(["run", "--node-variant", "silent-on-malformed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E2 suites"));
}

#[test]
fn list_shows_every_suite_and_e2_applicability_by_version() {
    let out = harness().arg("list").output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    for (id, suite) in [
        ("OFH.TRN.ECPRI.01", "ofh"),
        ("E2.NODE.SETUP.01", "e2-node"),
        ("E2.RIC.SETUP.01", "e2-ric"),
    ] {
        let line = s
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} in\n{s}"));
        assert_eq!(line.split_whitespace().nth(1), Some(suite), "{line}");
    }
    let out = harness()
        .args(["list", "--suite", "e2-node", "--e2ap", "1", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.iter().all(|r| r["suite"] == "e2-node"));
    let reuse = rows.iter().find(|r| r["meta"]["id"] == "E2.NODE.ERR.03").unwrap();
    assert_eq!(reuse["applicability"]["applicability"], "not_applicable");
    assert!(
        reuse["applicability"]["reason"]
            .as_str()
            .unwrap()
            .contains("TransactionID")
    );
}

#[test]
fn a_partition_of_the_e2_suite_runs_its_share() {
    let mut seen = Vec::new();
    for k in 1..=2 {
        let dir = temp_dir(&format!("part{k}"));
        let out = harness()
            .args(["run", "--quiet", "--suite", "e2-ric", "--partition"])
            .arg(format!("{k}/2"))
            .arg("--out")
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        seen.extend(
            verdicts(&String::from_utf8_lossy(&out.stdout))
                .into_iter()
                .map(|(id, _)| id),
        );
        std::fs::remove_dir_all(&dir).ok();
    }
    let mut all = seen.clone();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), seen.len(), "no case in both shares");
    assert!(all.len() >= 14);
}

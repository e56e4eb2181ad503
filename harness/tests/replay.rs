//! `harness run --replay RUN_DIR`: the O-RU suite judged again from an
//! earlier run's per-case captures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn harness() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harness"))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oran-replay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(args: &[&str], out: &Path) -> Output {
    harness()
        .args(["run", "--quiet"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// (id, verdict) per case line of the terminal summary.
fn verdicts(o: &Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("OFH."))
        .map(|l| {
            let id = l.split_whitespace().next().unwrap().to_string();
            let rest = l[id.len()..].trim_start();
            let verdict = if rest.starts_with("NOT APPLICABLE") {
                "NOT APPLICABLE".to_string()
            } else {
                rest.split_whitespace().next().unwrap().to_string()
            };
            (id, verdict)
        })
        .collect()
}

#[test]
fn a_replayed_run_gives_the_recorded_verdicts_and_catches_the_recorded_fault() {
    let root = temp_dir("same");
    let (ok, bad) = (root.join("ok"), root.join("bad"));
    assert_eq!(run(&[], &ok).status.code(), Some(0));
    assert_eq!(run(&["--ru-variant", "seq-gap"], &bad).status.code(), Some(1));

    let again = run(&["--replay", ok.to_str().unwrap()], &root.join("ok-again"));
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let v = verdicts(&again);
    assert_eq!(v.len(), 8);
    for (id, verdict) in &v {
        // A recording has no receive counters to read.
        let want = if id == "OFH.DLM.DL.RX.01" {
            "NOT APPLICABLE"
        } else {
            "PASS"
        };
        assert_eq!(verdict, want, "{id}");
    }

    let replayed_bad = run(&["--replay", bad.to_str().unwrap()], &root.join("bad-again"));
    assert_eq!(replayed_bad.status.code(), Some(1));
    let failed: Vec<_> = verdicts(&replayed_bad)
        .into_iter()
        .filter(|(_, v)| v == "FAIL")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(failed, ["OFH.TRN.SEQ.01"]);
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn a_recording_of_another_configuration_is_inconclusive_not_judged() {
    let root = temp_dir("other");
    let rec = root.join("rec");
    assert_eq!(run(&[], &rec).status.code(), Some(0));
    let other = run(
        &["--replay", rec.to_str().unwrap(), "--bandwidth-mhz", "50"],
        &root.join("other"),
    );
    let v = verdicts(&other);
    assert!(
        v.iter()
            .all(|(_, verdict)| verdict == "INCONCLUSIVE" || verdict == "NOT APPLICABLE"),
        "{v:?}"
    );
    let results = std::fs::read_to_string(root.join("other/results.json")).unwrap();
    assert!(results.contains("not in the recording"), "{results:.300}");
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn a_case_without_a_recording_is_a_harness_error_and_a_folder_without_cases_a_usage_error() {
    let root = temp_dir("missing");
    let rec = root.join("rec");
    assert_eq!(run(&[], &rec).status.code(), Some(0));
    std::fs::remove_file(rec.join("cases/OFH.TRN.SEQ.01.pcap")).unwrap();
    let o = run(&["--replay", rec.to_str().unwrap()], &root.join("again"));
    assert_eq!(o.status.code(), Some(1));
    assert!(verdicts(&o).contains(&("OFH.TRN.SEQ.01".into(), "ERROR".into())));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no recording of OFH.TRN.SEQ.01"));

    let o = run(&["--replay", root.to_str().unwrap()], &root.join("x"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a run folder"));
    std::fs::remove_dir_all(&root).ok();
}

//! Writing the run folder: both files, atomically, valid after every case.

mod common;

use std::fs;
use std::path::PathBuf;

use common::every_verdict;
use reports::{HTML_FILE, JUNIT_FILE, LabInfo, RESULTS_FILE, write_all};
use suites::model::{Applicability, Verdict};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oran-reports-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn writes_every_report_and_no_leftovers() {
    let dir = temp_dir("both").join("run-1");
    let paths = write_all(&dir, &every_verdict(), &LabInfo::default()).unwrap();
    assert_eq!(
        paths,
        [dir.join(JUNIT_FILE), dir.join(RESULTS_FILE), dir.join(HTML_FILE)]
    );

    let xml = fs::read_to_string(&paths[0]).unwrap();
    quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&paths[1]).unwrap()).unwrap();
    assert_eq!(json["testMetadata"]["result"], "FAIL");

    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [JUNIT_FILE, HTML_FILE, RESULTS_FILE], "no temporary files left");
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// The runner calls write_all after each case; every intermediate state must
/// be a complete document in which the unfinished cases read as not run.
#[test]
fn rewriting_after_each_case_keeps_valid_files() {
    let dir = temp_dir("progress");
    let finished = every_verdict();
    let mut run = finished.clone();
    for c in &mut run.cases {
        c.executed = false;
        c.verdict = Verdict::None;
        c.findings.clear();
        c.reason.clear();
    }
    run.interrupted = true;

    for i in 0..run.cases.len() {
        run.cases[i] = finished.cases[i].clone();
        write_all(&dir, &run, &LabInfo::default()).unwrap();

        let xml = fs::read_to_string(dir.join(JUNIT_FILE)).unwrap();
        let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
        assert_eq!(report.tests, run.cases.len());
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join(RESULTS_FILE)).unwrap()).unwrap();
        let not_run_notes = json.to_string().matches("\"Not run\"").count();
        let expected = run
            .cases
            .iter()
            .filter(|c| !c.executed && !matches!(c.applicability, Applicability::NotApplicable(_)))
            .count();
        assert_eq!(not_run_notes, expected, "after case {i}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn write_atomic_replaces_whole_file() {
    let dir = temp_dir("atomic");
    fs::create_dir_all(&dir).unwrap();
    let p = dir.join("f.txt");
    reports::write_atomic(&p, b"a much longer first version").unwrap();
    reports::write_atomic(&p, b"short").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"short");
    fs::remove_dir_all(&dir).unwrap();
}

//! The whole chain: simulated O-DU (the harness) and O-RU exchanging real
//! frames, the fronthaul suite judging them, reports and captures on disk.

use harness::capture::CaptureReader;
use harness::decode::{self, DecodeOptions};
use harness::runner::{self, Event, ReportFiles, Reporter, RunPlan};
use sim::oru::OruFault;
use std::path::PathBuf;
use suites::bed::{self, DEFAULT_STIMULUS_SEED};
use suites::model::Verdict;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oran-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn plan(dir: &std::path::Path, fault: OruFault) -> RunPlan {
    RunPlan::new(bed::default_setup(DEFAULT_STIMULUS_SEED), fault, dir.to_path_buf())
}

#[test]
fn default_run_passes_and_leaves_reports_and_decodable_captures() {
    let dir = temp_dir("default");
    let mut files = ReportFiles {
        dir: dir.clone(),
        lab: reports::LabInfo::default(),
    };
    let run = runner::run(
        &plan(&dir, OruFault::None),
        &suites::ofh::catalogue(),
        &mut [&mut files],
    )
    .unwrap();

    assert!(run.cases.len() >= 6);
    for c in &run.cases {
        assert!(c.executed, "{} not executed", c.meta.id);
        assert_eq!(c.verdict, Verdict::Pass, "{}: {}", c.meta.id, c.reason);
    }
    assert!(!run.has_blocking_failure());
    assert!(!run.interrupted);

    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains(r#"failures="0""#) && junit.contains("OFH.DLM.UL.TX.01"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["testMetadata"]["result"], "PASS");
    assert_eq!(json["testMetadata"]["interfaceUnderTest"][0], "o-ru.ofh");

    // Every per-case capture reads back and decodes without a single error.
    let opts = DecodeOptions {
        framing: Default::default(),
        eaxc_split: codecs::eaxc::EaxcSplit::COMMON_4444,
        uplane: codecs::fronthaul::uplane::UplaneConfig {
            comp: codecs::fronthaul::uplane::UdCompMode::Static("bfp:9".parse().unwrap()),
            carrier_prbs: 273,
            ud_comp_len: false,
        },
    };
    for c in &run.cases {
        let path = dir.join(&c.artifacts[0].path);
        let mut totals = decode::Totals::default();
        for (i, p) in CaptureReader::open(&path).unwrap().enumerate() {
            let p = p.unwrap();
            totals.add(&decode::decode_frame(i as u64 + 1, p.ts_ns, &p.data, &opts));
        }
        assert!(totals.frames > 1000, "{}: {} frames", c.meta.id, totals.frames);
        assert_eq!(totals.errors, 0, "{}", c.meta.id);
        assert!(totals.cplane_messages > 0 && totals.uplane_messages > 0);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn late_uplink_variant_fails_the_transmit_window_case() {
    let dir = temp_dir("late-ul");
    let run = runner::run(&plan(&dir, OruFault::LateUl), &suites::ofh::catalogue(), &mut []).unwrap();
    let case = run.cases.iter().find(|c| c.meta.id == "OFH.DLM.UL.TX.01").unwrap();
    assert_eq!(case.verdict, Verdict::Fail, "{}", case.reason);
    assert!(case.reason.contains("late"), "{}", case.reason);
    assert!(run.has_blocking_failure());
    std::fs::remove_dir_all(&dir).ok();
}

/// Stops the run (as a crash or Ctrl-C would) once `after` cases finished.
struct StopAfter {
    after: usize,
    seen: usize,
}

impl Reporter for StopAfter {
    fn on_event(&mut self, event: &Event<'_>) -> std::io::Result<()> {
        if let Event::CaseFinished { .. } = event {
            self.seen += 1;
            if self.seen == self.after {
                return Err(std::io::Error::other("stopped"));
            }
        }
        Ok(())
    }
}

#[test]
fn a_run_cut_short_leaves_valid_reports_of_what_finished() {
    let dir = temp_dir("cut");
    let mut files = ReportFiles {
        dir: dir.clone(),
        lab: reports::LabInfo::default(),
    };
    let mut stop = StopAfter { after: 3, seen: 0 };
    let res = runner::run(
        &plan(&dir, OruFault::None),
        &suites::ofh::catalogue(),
        &mut [&mut files, &mut stop],
    );
    assert!(res.is_err());

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    let results: Vec<&serde_json::Value> = json["testResults"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["groupItems"].as_array().unwrap().iter())
        .collect();
    let passed = results.iter().filter(|c| c["result"] == "PASS").count();
    let skipped = results.iter().filter(|c| c["result"] == "SKIP").count();
    assert_eq!(passed, 3);
    assert_eq!(skipped, results.len() - 3);
    assert_ne!(
        json["testMetadata"]["result"], "PASS",
        "an interrupted run is never an overall pass"
    );
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("not run"), "unfinished cases are reported as not run");
    std::fs::remove_dir_all(&dir).ok();
}

/// Raises the stop flag (as the Ctrl-C handler does) after `after` cases.
struct CtrlCAfter {
    after: usize,
    seen: usize,
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Reporter for CtrlCAfter {
    fn on_event(&mut self, event: &Event<'_>) -> std::io::Result<()> {
        if let Event::CaseFinished { .. } = event {
            self.seen += 1;
            if self.seen == self.after {
                self.flag.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

#[test]
fn an_interrupted_run_finishes_the_case_in_progress_and_says_which_did_not_run() {
    let dir = temp_dir("ctrlc");
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut p = plan(&dir, OruFault::None);
    p.opts.stop = Some(flag.clone());
    let mut files = ReportFiles {
        dir: dir.clone(),
        lab: reports::LabInfo::default(),
    };
    let mut ctrlc = CtrlCAfter {
        after: 2,
        seen: 0,
        flag,
    };
    let run = runner::run(&p, &suites::ofh::catalogue(), &mut [&mut files, &mut ctrlc]).unwrap();
    assert!(run.interrupted);
    assert_eq!(run.cases.iter().filter(|c| c.executed).count(), 2);
    assert!(
        run.cases[2..]
            .iter()
            .all(|c| !c.executed && c.reason.contains("interrupted"))
    );
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("interrupted"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn partitions_cover_the_catalogue_exactly_once() {
    let all: Vec<&str> = suites::ofh::catalogue().iter().map(|c| c.meta().id).collect();
    let mut seen = Vec::new();
    for k in 1..=3 {
        let dir = temp_dir(&format!("part{k}"));
        let mut p = plan(&dir, OruFault::None);
        p.opts.partition = Some(format!("count:{k}/3").parse().unwrap());
        let run = runner::run(&p, &suites::ofh::catalogue(), &mut []).unwrap();
        seen.extend(run.cases.iter().map(|c| c.meta.id));
        std::fs::remove_dir_all(&dir).ok();
    }
    seen.sort_unstable();
    let mut want = all.clone();
    want.sort_unstable();
    assert_eq!(seen, want);
}

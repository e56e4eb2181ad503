//! DUT profiles end to end: every shipped profile loads, errors name the
//! file, line and field, the O-RU profiles drive the run (and the simulated
//! O-RU), `list --profile` explains applicability, and the runner's case
//! timeout and parallelism leave the results as a serial run would.

use harness::profile::{self, Profile};
use harness::runner::{self, EventLog, ReportFiles, Reporter, RunPlan};
use sim::oru::OruFault;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use suites::case::{Ctx, Outcome, TestCase};
use suites::model::{Applicability, CaseMeta, SpecRef, Status, Verdict};
use suites::profile::{Incompatibility, compatibility};

fn profiles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles")
}

fn load(rel: &str) -> Profile {
    profile::load(&profiles_dir().join(rel)).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oran-profiles-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn harness() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harness"))
}

#[test]
fn every_profile_under_profiles_loads_and_says_what_it_models() {
    let all = profile::load_all(&profiles_dir()).unwrap();
    assert!(all.len() >= 12, "{} profiles", all.len());
    for (path, p) in &all {
        let p = p.as_ref().unwrap_or_else(|e| panic!("{e}"));
        let src = std::fs::read_to_string(path).unwrap();
        assert!(src.starts_with("# "), "{}: no comment header", path.display());
        match p.role() {
            profile::Role::ORu => {
                p.oru_setup(1).unwrap();
            }
            profile::Role::ODu => {
                let fh = p.fronthaul_config().unwrap();
                p.odu_behaviour(&fh).unwrap();
            }
            _ => {}
        }
    }
}

#[test]
fn a_bad_profile_file_is_reported_with_file_line_and_field() {
    let dir = temp_dir("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(profiles_dir().join("iot/cat-a-nobf-oru.toml")).unwrap();
    let line_of = |src: &str, s: &str| src.lines().position(|l| l.contains(s)).unwrap() + 1;
    let cases = [
        (
            "width",
            good.replace("ul_compression = [\"bfp:9\"]", "ul_compression = [\"bfp:17\"]"),
            "bfp:17",
            "`pics.fronthaul.ul_compression[0]`: compression \"bfp:17\": width 17",
        ),
        (
            "type",
            good.replace("eaxc_count = 4", "eaxc_count = 4.5"),
            "eaxc_count",
            "`pics.fronthaul.eaxc_count`: invalid type",
        ),
        (
            "unknown",
            good.replace("pcp = 7", "pcp = 7\nprio = 7"),
            "prio",
            "unknown field `prio`",
        ),
        (
            "st2",
            good.replace("section_types = [1, 3]", "section_types = [1, 2]"),
            "section_types",
            "section type 2 does not exist",
        ),
    ];
    for (name, src, needle, want) in cases {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, &src).unwrap();
        let e = profile::load(&path).unwrap_err();
        let prefix = format!("{}:{}:", path.display(), line_of(&src, needle));
        assert!(e.starts_with(&prefix), "{name}: {e}");
        assert!(e.contains(want), "{name}: {e}");
    }
    // The CLI says the same and exits 2 before running anything.
    let out = harness()
        .args(["list", "--profile"])
        .arg(dir.join("st2.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("st2.toml:"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn list_with_a_profile_says_what_applies_and_why() {
    let out = harness()
        .args(["list", "--profile"])
        .arg(profiles_dir().join("vendors/cygnus-oru.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = String::from_utf8_lossy(&out.stdout);
    let line = |id: &str| {
        s.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} in\n{s}"))
    };
    assert!(line("OFH.ST3.PRACH.01").contains("not applicable"), "{s}");
    assert!(s.contains("why: the O-RU claims no section type 3"), "{s}");
    assert!(
        s.contains("why: the O-RU claims no UL block floating point compression"),
        "{s}"
    );
    assert!(line("OFH.TRN.SEQ.01").contains("required"), "{s}");

    let out = harness()
        .args(["list", "--json", "--profile"])
        .arg(profiles_dir().join("vendors/borealis-oru.toml"))
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dl_rx = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["meta"]["id"] == "OFH.DLM.DL.RX.01")
        .unwrap();
    assert_eq!(dl_rx["applicability"]["applicability"], "not_applicable");
    assert!(dl_rx["applicability"]["reason"].as_str().unwrap().contains("counters"));
}

#[test]
fn a_profile_configures_the_simulated_oru_and_the_reports() {
    // Borealis sends 14-bit BFP with udCompHdr in every section, on VLAN 100.
    let dir = temp_dir("borealis");
    let out = harness()
        .args([
            "run",
            "--quiet",
            "--case",
            "OFH.CMP.*",
            "--case",
            "OFH.TRN.*",
            "--profile",
        ])
        .arg(profiles_dir().join("vendors/borealis-oru.toml"))
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let opts = harness::decode::DecodeOptions {
        framing: Default::default(),
        eaxc_split: "2,6,4,4".parse().unwrap(),
        uplane: codecs::fronthaul::uplane::UplaneConfig {
            comp: codecs::fronthaul::uplane::UdCompMode::Dynamic,
            carrier_prbs: 273,
            ud_comp_len: false,
        },
    };
    let reader = harness::capture::CaptureReader::open(&dir.join("cases/OFH.CMP.BFP.UL.01.pcap")).unwrap();
    let mut ul_sections = 0;
    for (i, p) in reader.enumerate() {
        let p = p.unwrap();
        let d = harness::decode::decode_frame(i as u64 + 1, p.ts_ns, &p.data, &opts);
        assert_eq!(d.error, None, "frame {}", i + 1);
        assert_eq!(d.vlan, Some(100));
        for m in &d.messages {
            if let harness::decode::Msg::U { header, sections, .. } = m
                && header.direction == "UL"
            {
                for s in sections {
                    // udIqWidth 14, udCompMeth 1 (BFP).
                    assert_eq!(s.ud_comp_hdr, Some(0xE1));
                    ul_sections += 1;
                }
            }
        }
    }
    assert!(ul_sections > 100, "{ul_sections} UL sections");

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    let meta = &json["testMetadata"];
    assert!(
        meta["dutName"].as_str().unwrap().starts_with("Borealis BX-7 O-RU"),
        "{meta}"
    );
    assert_eq!(meta["configurationParameters"]["harnessProfile"], "Borealis BX-7 O-RU");
    let components = json["testbedComponents"].to_string();
    assert!(
        components.contains("BX-7") && components.contains("Borealis"),
        "{components}"
    );
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("Borealis BX-7 O-RU"));
    std::fs::remove_dir_all(&dir).ok();
}

/// Every shipped O-RU profile, simulated conformant, passes every case that applies to it.
#[test]
fn every_oru_profile_passes_against_its_simulated_oru() {
    for (path, p) in profile::load_all(&profiles_dir()).unwrap() {
        let p = p.unwrap();
        if p.role() != profile::Role::ORu {
            continue;
        }
        let dir = temp_dir(&format!("sim-{}", path.file_stem().unwrap().to_string_lossy()));
        let mut plan = RunPlan::new(p.oru_setup(1).unwrap(), OruFault::None, dir.clone());
        plan.opts.jobs = 2;
        plan.opts.dut = Some(profile::dut_info(&p));
        let run = runner::run(&plan, &suites::ofh::catalogue(), &mut []).unwrap();
        for c in &run.cases {
            match &c.applicability {
                Applicability::NotApplicable(_) => assert!(!c.executed),
                _ => assert_eq!(
                    c.verdict,
                    Verdict::Pass,
                    "{}: {}: {}",
                    path.display(),
                    c.meta.id,
                    c.reason
                ),
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn iot_pairs_work_together_and_mismatched_vendors_say_why() {
    for cat in ["cat-a-nobf", "cat-a-dbf", "cat-b"] {
        let du = load(&format!("iot/{cat}-odu.toml"));
        let ru = load(&format!("iot/{cat}-oru.toml"));
        compatibility(&du, &ru).unwrap_or_else(|e| panic!("{cat}: {e:?}"));
    }
    let pair = compatibility(&load("vendors/borealis-odu.toml"), &load("vendors/borealis-oru.toml")).unwrap();
    assert_eq!(pair.fh.ul_comp.to_string(), "bfp:14");
    assert_eq!(pair.fh.ul_comp_presence, sim::config::UdCompPresence::Dynamic);
    assert_eq!(pair.odu.transport_delay, 20_000);

    let bad = compatibility(&load("vendors/arcadia-odu.toml"), &load("vendors/cygnus-oru.toml")).unwrap_err();
    assert!(
        bad.iter()
            .any(|b| matches!(b, Incompatibility::Compression { direction: "UL", .. })),
        "{bad:?}"
    );
    let bad = compatibility(&load("vendors/arcadia-odu.toml"), &load("vendors/borealis-oru.toml")).unwrap_err();
    assert!(
        bad.iter().any(|b| matches!(b, Incompatibility::CompHdr { .. })),
        "{bad:?}"
    );
    // Cygnus' O-DU decodes 9-bit BFP, so it can take Arcadia's O-RU uplink
    // but not send it anything Arcadia takes downlink.
    let bad = compatibility(&load("vendors/cygnus-odu.toml"), &load("vendors/arcadia-oru.toml")).unwrap_err();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].to_string().contains("no common DL compression"), "{}", bad[0]);
}

/// A case that never returns.
struct Hang;

impl TestCase for Hang {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "TEST.HANG.01",
            number: "9.9.9",
            title: "hangs",
            purpose: "never returns, to prove the case timeout",
            clause: SpecRef {
                spec: "none",
                version: "0",
                clause: "0",
            },
            class: "TEST",
            status: Status::Mandatory,
            tags: &[],
        }
    }

    fn run(&self, _ctx: &mut Ctx<'_>) -> Outcome {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

#[test]
fn a_case_that_hangs_times_out_and_the_run_goes_on() {
    let dir = temp_dir("hang");
    let mut plan = RunPlan::new(
        suites::bed::default_setup(suites::bed::DEFAULT_STIMULUS_SEED),
        OruFault::None,
        dir.clone(),
    );
    plan.opts.case_timeout = Some(Duration::from_secs(2));
    let cat = suites::ofh::catalogue();
    let cases: Vec<Arc<dyn TestCase>> = vec![cat[0].clone(), Arc::new(Hang), cat[1].clone()];
    let mut files = ReportFiles {
        dir: dir.clone(),
        lab: reports::LabInfo::default(),
    };
    let t = Instant::now();
    let run = runner::run(&plan, &cases, &mut [&mut files]).unwrap();
    assert!(t.elapsed() < Duration::from_secs(60));
    assert!(!run.interrupted);
    assert_eq!(run.cases[1].verdict, Verdict::Error);
    assert!(
        run.cases[1].reason.starts_with("timed out after 2 s"),
        "{}",
        run.cases[1].reason
    );
    assert!(run.cases[1].executed);
    for i in [0, 2] {
        assert_eq!(run.cases[i].verdict, Verdict::Pass, "{}", run.cases[i].reason);
    }
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(junit.contains("timed out after 2 s"));
    std::fs::remove_dir_all(&dir).ok();
}

/// What a case result says, without the wall-clock stamps.
fn comparable(c: &suites::model::CaseResult) -> serde_json::Value {
    let mut v = serde_json::to_value(c).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("started");
    o.remove("duration_s");
    v
}

#[test]
fn a_parallel_run_gives_what_a_serial_run_gives_in_catalogue_order() {
    let mut results = Vec::new();
    for jobs in [1, 4] {
        let dir = temp_dir(&format!("jobs{jobs}"));
        std::fs::create_dir_all(&dir).unwrap();
        // A faulty O-RU, so that verdicts differ between cases.
        let mut plan = RunPlan::new(
            suites::bed::default_setup(suites::bed::DEFAULT_STIMULUS_SEED),
            OruFault::LateUl,
            dir.clone(),
        );
        plan.opts.jobs = jobs;
        let mut log = EventLog::create(&dir.join("events.jsonl")).unwrap();
        let mut files = ReportFiles {
            dir: dir.clone(),
            lab: reports::LabInfo::default(),
        };
        let reporters: &mut [&mut dyn Reporter] = &mut [&mut log, &mut files];
        let run = runner::run(&plan, &suites::ofh::catalogue(), reporters).unwrap();
        drop(log);
        let ids: Vec<_> = run.cases.iter().map(|c| c.meta.id).collect();
        let want: Vec<_> = suites::ofh::catalogue().iter().map(|c| c.meta().id).collect();
        assert_eq!(ids, want, "catalogue order");
        // The event log is whole lines of JSON, one start and one finish per case.
        let events = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = events.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        for kind in ["case_started", "case_finished"] {
            assert_eq!(
                lines.iter().filter(|l| l["event"] == kind).count(),
                want.len(),
                "{kind}"
            );
        }
        let pcaps: Vec<Vec<u8>> = want
            .iter()
            .map(|id| std::fs::read(dir.join(format!("cases/{id}.pcap"))).unwrap())
            .collect();
        results.push((run.cases.iter().map(comparable).collect::<Vec<_>>(), pcaps));
        std::fs::remove_dir_all(&dir).ok();
    }
    assert_eq!(results[0].0, results[1].0);
    assert!(results[0].1 == results[1].1, "captures differ");
    assert!(results[0].0.iter().any(|c| c["verdict"] == "fail"));
}

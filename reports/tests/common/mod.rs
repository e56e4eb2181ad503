//! Hand-built runs covering every verdict, shared by the tests and the
//! `sample_results` example.
#![allow(dead_code)]

use suites::model::{
    Applicability, Artifact, CaseMeta, CaseResult, Component, Finding, Measurement, RunResult, SpecRef, Status, Verdict,
};

pub const CUS: &str = "O-RAN.WG4.CUS.0";
pub const CUS_V: &str = "12.00";

pub fn spec(clause: &'static str) -> SpecRef {
    SpecRef {
        spec: CUS,
        version: CUS_V,
        clause,
    }
}

pub fn meta(id: &'static str, number: &'static str, class: &'static str, status: Status) -> CaseMeta {
    CaseMeta {
        id,
        number,
        title: "Block floating point uplink",
        purpose: "The O-RU shall compress uplink IQ data with the configured method.",
        clause: spec("A.1.2"),
        class,
        status,
        tags: &["Compression", "uplink"],
    }
}

/// A case that ran with `verdict` and one finding of that verdict.
pub fn ran(meta: CaseMeta, verdict: Verdict, reason: &str) -> CaseResult {
    let findings = if verdict == Verdict::None {
        Vec::new()
    } else {
        vec![Finding {
            verdict,
            clause: meta.clause.clone(),
            message: reason.to_string(),
        }]
    };
    CaseResult {
        meta,
        applicability: Applicability::Required,
        verdict,
        reason: reason.to_string(),
        findings,
        measurements: Vec::new(),
        artifacts: Vec::new(),
        started: Some("2025-06-01T10:00:00Z".into()),
        duration_s: 1.25,
        executed: true,
        timing: vec![],
    }
}

/// A case that did not run.
pub fn not_run(meta: CaseMeta, applicability: Applicability, reason: &str) -> CaseResult {
    CaseResult {
        meta,
        applicability,
        verdict: Verdict::None,
        reason: reason.to_string(),
        findings: Vec::new(),
        measurements: Vec::new(),
        artifacts: Vec::new(),
        started: None,
        duration_s: 0.0,
        executed: false,
        timing: vec![],
    }
}

pub fn run_with(cases: Vec<CaseResult>, interrupted: bool) -> RunResult {
    RunResult {
        run_id: "8C5F4E6A-1B2C-4D3E-8F90-A1B2C3D4E5F6".into(),
        dut_name: "Sim O-RU".into(),
        interface: "o-ru.ofh".into(),
        profile: "CAT-A-NoBF".into(),
        components: vec![Component {
            role: "O-RU".into(),
            vendor: "Simulated".into(),
            model: "Sim O-RU".into(),
            software_version: "0.1.0".into(),
        }],
        started: "2025-06-01T10:00:00Z".into(),
        finished: Some("2025-06-01T10:05:00Z".into()),
        seed: u64::MAX - 7,
        cases,
        interrupted,
    }
}

/// One case per outcome, in this order: pass, fail, error, inconclusive,
/// no verdict, not applicable, not run (interrupted).
pub fn every_verdict() -> RunResult {
    let mut pass = ran(
        meta("OFH.CMP.BFP.UL.01", "3.1.1", "CMP", Status::Mandatory),
        Verdict::Pass,
        "all 40 sections decoded with the configured exponent",
    );
    pass.measurements = vec![
        Measurement {
            name: "sections".into(),
            description: "U-plane sections checked".into(),
            unit: "count",
            values: vec![40.0],
        },
        Measurement {
            name: "arrival offset".into(),
            description: "Latest packet arrival relative to the window start".into(),
            unit: "us",
            values: vec![125.0, 3.5],
        },
        Measurement {
            name: "EVM".into(),
            description: String::new(),
            unit: "dB rms",
            values: vec![f64::NAN],
        },
    ];
    pass.artifacts = vec![
        Artifact {
            name: "capture".into(),
            path: "cases/OFH.CMP.BFP.UL.01/fh.pcap".into(),
            description: "Fronthaul capture of the case".into(),
        },
        Artifact {
            name: "log".into(),
            path: "cases/OFH.CMP.BFP.UL.01/case.log".into(),
            description: String::new(),
        },
    ];

    let mut fail = ran(
        meta("OFH.CMP.BFP.UL.02", "3.1.2", "CMP", Status::Mandatory),
        Verdict::Fail,
        "udCompHdr bit width 9 where 14 is configured",
    );
    fail.findings.push(Finding {
        verdict: Verdict::Pass,
        clause: SpecRef {
            spec: "eCPRI",
            version: "2.0",
            clause: "3.1.3.1",
        },
        message: "eCPRI header revision is 1".into(),
    });

    let error = ran(
        meta("OFH.DLM.TIM.01", "3.2.1", "DLM", Status::Mandatory),
        Verdict::Error,
        "capture interface went down",
    );
    let mut inconclusive = ran(
        meta("OFH.DLM.TIM.02", "3.2.2", "DLM", Status::Conditional),
        Verdict::Inconclusive,
        "too few packets to judge the window",
    );
    inconclusive.started = Some("2025-06-01T10:00:03.5+02:00".into());
    let none = ran(
        meta("OFH.NRG.SLP.01", "3.3.1", "NRG", Status::Optional),
        Verdict::None,
        "no sleep request observed",
    );
    let not_applicable = not_run(
        meta("OFH.NRG.SLP.02", "3.3.2", "NRG", Status::Conditional),
        Applicability::NotApplicable("PICS: DUT does not claim sleep modes".into()),
        "",
    );
    let interrupted = not_run(
        meta("OFH.CMP.MOD.01", "3.1.3", "CMP", Status::Mandatory),
        Applicability::Required,
        "",
    );
    run_with(
        vec![pass, fail, error, inconclusive, none, not_applicable, interrupted],
        true,
    )
}

//! Report sinks for a run: JUnit XML for CI, the O-RAN test-results JSON for
//! certification submissions, and a compact terminal summary for people.
//!
//! All three read the same [`RunResult`] and classify each case the same way
//! ([`case_state`], [`case_outcome`], [`overall`]), so they never disagree.

pub mod analysis;
pub mod html;
pub mod junit;
pub mod matrix;
pub mod oran_json;
pub mod summary;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use suites::model::{Applicability, CaseResult, RunResult, Status, Verdict};

pub use analysis::analysis_summary;
pub use html::html_report;
pub use junit::{junit_report, junit_xml};
pub use oran_json::{Contact, LabInfo, results_json};
pub use summary::{SummaryStyle, terminal_summary, terminal_summary_with};

/// File name of the JUnit report inside a run folder.
pub const JUNIT_FILE: &str = "junit.xml";
/// File name of the O-RAN results document inside a run folder.
pub const RESULTS_FILE: &str = "results.json";
/// File name of the human report inside a run folder.
pub const HTML_FILE: &str = "report.html";

/// What happened to one case, as every report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseState {
    /// The case ran. `Verdict::None` means it ran but judged nothing.
    Ran(Verdict),
    /// Not run because the DUT's claimed capabilities exclude it.
    NotApplicable(String),
    /// Applicable but not run (interrupted or not selected); the reason says which.
    NotRun(String),
}

impl CaseState {
    /// Lower-case label: the verdict for a case that ran, else what kept it from running.
    pub fn label(&self) -> &'static str {
        match self {
            CaseState::Ran(Verdict::None) => "no verdict",
            CaseState::Ran(v) => v.as_str(),
            CaseState::NotApplicable(_) => "not applicable",
            CaseState::NotRun(_) => "not run",
        }
    }
}

/// Classifies a case. `interrupted` is the run's flag: it names the reason for
/// a case that did not run and carries no reason of its own.
pub fn case_state(case: &CaseResult, interrupted: bool) -> CaseState {
    if case.executed {
        return CaseState::Ran(case.verdict);
    }
    match &case.applicability {
        Applicability::NotApplicable(reason) => CaseState::NotApplicable(reason.clone()),
        _ if !case.reason.trim().is_empty() => CaseState::NotRun(case.reason.clone()),
        _ if interrupted => CaseState::NotRun("interrupted".into()),
        _ => CaseState::NotRun("not executed".into()),
    }
}

/// A result in the O-RAN schema's `resultType` vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Warn => "WARN",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        }
    }
}

impl core::fmt::Display for Outcome {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one case. Error is the harness's fault, not the DUT's, but the
/// schema has no separate value for it and a case that could not be completed
/// must not read as passed, so it maps to FAIL (the notes keep "error").
/// Inconclusive and an executed case with no verdict map to WARN: they ran, so
/// SKIP ("not executed") would be false, and they were not judged, so neither
/// PASS nor FAIL is true.
pub fn case_outcome(state: &CaseState) -> Outcome {
    match state {
        CaseState::Ran(Verdict::Pass) => Outcome::Pass,
        CaseState::Ran(Verdict::Fail | Verdict::Error) => Outcome::Fail,
        CaseState::Ran(Verdict::Inconclusive | Verdict::None) => Outcome::Warn,
        CaseState::NotApplicable(_) | CaseState::NotRun(_) => Outcome::Skip,
    }
}

/// The run's aggregate result and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overall {
    /// PASS, WARN or FAIL; never SKIP (the schema says SKIP is not for the run).
    pub outcome: Outcome,
    pub reason: String,
}

/// A case whose pass the DUT needs to conform: mandatory, or made required by
/// the DUT's claimed capabilities. Mirrors `RunResult::has_blocking_failure`.
fn is_required(case: &CaseResult) -> bool {
    !matches!(case.applicability, Applicability::NotApplicable(_))
        && (case.meta.status == Status::Mandatory || case.applicability == Applicability::Required)
}

fn is_blocking_failure(case: &CaseResult) -> bool {
    case.executed
        && case.verdict >= Verdict::Fail
        && (case.meta.status == Status::Mandatory || case.applicability == Applicability::Required)
}

/// `a, b, c (+2 more)`: keeps reasons short when many cases share one.
fn id_list(ids: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut s = ids.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(" (+{} more)", ids.len() - SHOWN));
    }
    s
}

/// The run's result: FAIL when a required case failed or errored (the same
/// condition as the non-zero exit code); else WARN when anything keeps the run
/// from showing that every required case passed (inconclusive or unjudged
/// cases, an optional case that failed, a required case that did not run, an
/// interrupted or empty run); else PASS.
pub fn overall(run: &RunResult) -> Overall {
    let ids = |pred: &dyn Fn(&CaseResult) -> bool| -> Vec<&str> {
        run.cases.iter().filter(|c| pred(c)).map(|c| c.meta.id).collect()
    };

    let blocking = ids(&is_blocking_failure);
    if !blocking.is_empty() {
        return Overall {
            outcome: Outcome::Fail,
            reason: format!("required case failed or errored: {}", id_list(&blocking)),
        };
    }

    let mut concerns = Vec::new();
    if run.interrupted {
        concerns.push("run interrupted".to_string());
    }
    if !run.cases.iter().any(|c| c.executed) {
        concerns.push("no case was executed".to_string());
    }
    let groups: [(&str, Vec<&str>); 4] = [
        (
            "inconclusive",
            ids(&|c| c.executed && c.verdict == Verdict::Inconclusive),
        ),
        ("no verdict", ids(&|c| c.executed && c.verdict == Verdict::None)),
        (
            "non-required case failed or errored",
            ids(&|c| c.executed && c.verdict >= Verdict::Fail),
        ),
        ("required case not run", ids(&|c| !c.executed && is_required(c))),
    ];
    for (what, list) in groups {
        if !list.is_empty() {
            concerns.push(format!("{what}: {}", id_list(&list)));
        }
    }

    if concerns.is_empty() {
        Overall {
            outcome: Outcome::Pass,
            reason: "every required case passed".into(),
        }
    } else {
        Overall {
            outcome: Outcome::Warn,
            reason: concerns.join("; "),
        }
    }
}

/// Writes `bytes` to `path` so that a reader (or a killed process) only ever
/// sees the old file or the complete new one: write a temporary file in the
/// same directory, flush it to disk, then rename it over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Unique per process and call, so concurrent writers never share a temp file.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        // Without this a power loss after the rename can leave an empty file.
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Persist the rename itself; not every platform can open a directory, and
    // the file is already complete either way, so failure here is not an error.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes `junit.xml`, `results.json` and `report.html` into `dir` (created if missing), each
/// atomically, and returns their paths. Call it after every finished case: the
/// files stay valid if the process is killed, with the unfinished cases shown
/// as not run.
pub fn write_all(dir: &Path, run: &RunResult, lab: &LabInfo) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;

    let junit_path = dir.join(JUNIT_FILE);
    write_atomic(&junit_path, junit_xml(run).as_bytes())?;

    let results_path = dir.join(RESULTS_FILE);
    let mut json = serde_json::to_vec_pretty(&results_json(run, lab)).map_err(io::Error::other)?;
    json.push(b'\n');
    write_atomic(&results_path, &json)?;

    let html_path = dir.join(HTML_FILE);
    write_atomic(&html_path, html_report(run).as_bytes())?;

    Ok(vec![junit_path, results_path, html_path])
}

/// Shortens `s` to at most `max` characters (Unicode scalar values, as JSON
/// Schema's maxLength counts them), marking the cut with an ellipsis.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

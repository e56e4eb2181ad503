//! The run's result model: what the runner records and every report reads.
//!
//! Verdicts follow TTCN-3: none < pass < inconclusive < fail < error, and a
//! verdict once set is only ever made worse, never better.

use serde::{Deserialize, Serialize};

/// A test verdict. The derived order is the "worse than" order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing was judged (e.g. a case that observed no traffic to judge).
    None,
    Pass,
    /// The DUT's behaviour could not be judged either way.
    Inconclusive,
    /// The DUT did not behave as the clause requires.
    Fail,
    /// The harness or the test set-up failed, not the DUT.
    Error,
}

impl Verdict {
    /// The worse of two verdicts (TTCN-3 overwriting rule).
    pub fn worst(self, other: Verdict) -> Verdict {
        self.max(other)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Pass => "pass",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

impl core::fmt::Display for Verdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a case must be passed for the DUT to conform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Mandatory,
    /// Mandatory when the DUT claims the capability the case exercises.
    Conditional,
    Optional,
}

/// A reference into a specification: which document, which version, which clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRef {
    /// e.g. "O-RAN.WG4.CUS.0"
    pub spec: &'static str,
    /// e.g. "12.00"
    pub version: &'static str,
    /// e.g. "7.2.1"
    pub clause: &'static str,
}

impl core::fmt::Display for SpecRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} v{} §{}", self.spec, self.version, self.clause)
    }
}

/// The static description of a test case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseMeta {
    /// Stable identifier, never renumbered, e.g. "OFH.CMP.BFP.UL.01".
    pub id: &'static str,
    /// Stable x.y.z number for the O-RAN results JSON.
    pub number: &'static str,
    pub title: &'static str,
    /// The test purpose: what behaviour is required, in one or two sentences.
    pub purpose: &'static str,
    /// The clause whose requirement the case checks.
    pub clause: SpecRef,
    /// The conformance test class (e.g. CMP, DLM, NRG) this case belongs to.
    pub class: &'static str,
    pub status: Status,
    pub tags: &'static [&'static str],
}

/// Whether a case applies to a DUT, decided from its claimed capabilities
/// before anything runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "applicability", content = "reason", rename_all = "snake_case")]
pub enum Applicability {
    Required,
    Optional,
    NotApplicable(String),
}

/// One observation that contributed to a verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub verdict: Verdict,
    /// The clause the observation is judged against (may differ from the case's
    /// main clause, e.g. an eCPRI header rule inside a compression case).
    pub clause: SpecRef,
    pub message: String,
}

/// A measured quantity reported with a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    pub name: String,
    pub description: String,
    /// Unit, from the O-RAN results schema's list where one fits
    /// ("count", "millisecond", "dB", "percentage", "text", ...).
    pub unit: &'static str,
    pub values: Vec<f64>,
}

/// A file kept with a case, path relative to the run folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    pub name: String,
    pub path: String,
    pub description: String,
}

/// The outcome of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub meta: CaseMeta,
    pub applicability: Applicability,
    /// `None` when the case was not run (not applicable, not selected, or the
    /// run was interrupted before it).
    pub verdict: Verdict,
    /// Why the verdict is what it is: the first finding of the worst verdict,
    /// or a summary when everything passed.
    pub reason: String,
    pub findings: Vec<Finding>,
    pub measurements: Vec<Measurement>,
    pub artifacts: Vec<Artifact>,
    /// Wall-clock start, RFC 3339, stamped by the runner (suites read no clock).
    pub started: Option<String>,
    /// Wall-clock duration in seconds, stamped by the runner.
    pub duration_s: f64,
    /// Whether the case ran at all.
    pub executed: bool,
    /// Arrival times against the windows they are judged by, per plane and
    /// direction, for the HTML report's histograms.
    pub timing: Vec<TimingSeries>,
}

/// A histogram of message times relative to air time, with its window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingSeries {
    /// e.g. "DL U-plane sent by the harness (O-RU receive window T2a)".
    pub label: String,
    /// The window, as lead before air time in microseconds (negative: after
    /// air time), `[min, max]`.
    pub window_us: [f64; 2],
    /// Bin width in microseconds.
    pub bin_us: f64,
    /// Non-empty bins: (lower edge in us of lead, messages).
    pub histogram: Vec<(f64, u64)>,
    pub messages: u64,
}

/// What was tested and with what.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// Role in the test bed: "O-RU", "O-DU", "test harness".
    pub role: String,
    pub vendor: String,
    pub model: String,
    pub software_version: String,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    /// UUID of the run.
    pub run_id: String,
    /// Name of the DUT (matches one of `components`).
    pub dut_name: String,
    /// O-RAN interface under test, e.g. "o-ru.ofh".
    pub interface: String,
    /// IOT-style profile name, e.g. "CAT-A-NoBF".
    pub profile: String,
    pub components: Vec<Component>,
    pub started: String,
    pub finished: Option<String>,
    /// Seed of any randomness used (stimulus generation), so a run can be repeated.
    pub seed: u64,
    pub cases: Vec<CaseResult>,
    /// True when the run stopped before every selected case finished.
    pub interrupted: bool,
}

impl RunResult {
    /// The worst verdict over the mandatory-or-required cases that ran.
    pub fn overall(&self) -> Verdict {
        self.cases
            .iter()
            .filter(|c| c.executed)
            .fold(Verdict::None, |v, c| v.worst(c.verdict))
    }

    /// True when a mandatory (or required-by-applicability) case failed or errored:
    /// the condition for a non-zero exit code.
    pub fn has_blocking_failure(&self) -> bool {
        self.cases.iter().any(|c| {
            c.executed
                && c.verdict >= Verdict::Fail
                && (c.meta.status == Status::Mandatory || c.applicability == Applicability::Required)
        })
    }
}

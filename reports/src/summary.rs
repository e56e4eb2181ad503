//! A compact verdict table for the terminal.

use suites::model::{RunResult, Status, Verdict};

use crate::{CaseState, Outcome, case_state, clip, overall};

/// How to lay out the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryStyle {
    /// Line width the table aims for; the reason column takes what is left.
    pub width: usize,
    /// ANSI colours for verdicts; off by default so logs and pipes stay clean.
    pub colour: bool,
}

impl Default for SummaryStyle {
    fn default() -> Self {
        SummaryStyle {
            width: 120,
            colour: false,
        }
    }
}

/// The summary in the default style (120 columns, no colour).
pub fn terminal_summary(run: &RunResult) -> String {
    terminal_summary_with(run, SummaryStyle::default())
}

/// Narrowest reason column, kept even when the other columns are wide.
const MIN_REASON: usize = 16;

fn status_str(s: Status) -> &'static str {
    match s {
        Status::Mandatory => "mandatory",
        Status::Conditional => "conditional",
        Status::Optional => "optional",
    }
}

fn paint(text: &str, state: &CaseState) -> String {
    let code = match state {
        CaseState::Ran(Verdict::Pass) => "32",
        CaseState::Ran(Verdict::Fail | Verdict::Error) => "31",
        CaseState::Ran(Verdict::Inconclusive | Verdict::None) => "33",
        CaseState::NotApplicable(_) | CaseState::NotRun(_) => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn paint_outcome(o: Outcome) -> String {
    let code = match o {
        Outcome::Pass => "1;32",
        Outcome::Fail => "1;31",
        Outcome::Warn => "1;33",
        Outcome::Skip => "2",
    };
    format!("\x1b[{code}m{o}\x1b[0m")
}

/// `CUS.0 v10.00 §8.3.3` for `O-RAN.WG4.CUS.0`: the working-group prefix adds
/// width, not information, in a terminal table.
fn short_clause(c: &suites::model::SpecRef) -> String {
    let spec = c
        .spec
        .strip_prefix("O-RAN.")
        .map(|s| s.split_once('.').map_or(s, |(_, rest)| rest))
        .unwrap_or(c.spec);
    format!("{spec} v{} §{}", c.version, c.clause)
}

/// Table rows must stay one line each whatever a reason contains.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The table, a totals line and the overall result.
pub fn terminal_summary_with(run: &RunResult, style: SummaryStyle) -> String {
    let rows: Vec<(CaseState, String, String)> = run
        .cases
        .iter()
        .map(|c| {
            let state = case_state(c, run.interrupted);
            let reason = match &state {
                CaseState::NotApplicable(why) | CaseState::NotRun(why) => why.clone(),
                CaseState::Ran(_) => c.reason.clone(),
            };
            (state, short_clause(&c.meta.clause), one_line(&reason))
        })
        .collect();

    let id_w = run
        .cases
        .iter()
        .map(|c| c.meta.id.chars().count())
        .chain(["ID".len()])
        .max()
        .unwrap_or(2);
    let verdict_w = rows
        .iter()
        .map(|(s, _, _)| s.label().len())
        .chain(["VERDICT".len()])
        .max()
        .unwrap_or(7);
    let status_w = "conditional".len();
    let clause_w = rows
        .iter()
        .map(|(_, c, _)| c.chars().count())
        .chain(["CLAUSE".len()])
        .max()
        .unwrap_or(6);
    let fixed = id_w + verdict_w + status_w + clause_w + 4 * 2;
    let reason_w = style.width.saturating_sub(fixed).max(MIN_REASON);

    let mut out = String::new();
    let header = format!(
        "{:<id_w$}  {:<verdict_w$}  {:<status_w$}  {:<clause_w$}  REASON",
        "ID", "VERDICT", "STATUS", "CLAUSE"
    );
    out.push_str(&header);
    out.push('\n');

    for (case, (state, clause, reason)) in run.cases.iter().zip(&rows) {
        let label = format!("{:<verdict_w$}", state.label().to_uppercase());
        let label = if style.colour { paint(&label, state) } else { label };
        let line = format!(
            "{:<id_w$}  {label}  {:<status_w$}  {:<clause_w$}  {}",
            case.meta.id,
            status_str(case.meta.status),
            clause,
            clip(reason, reason_w)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }

    // The table clips reasons; what went wrong is worth reading in full.
    let mut details = String::new();
    for (case, (state, _, _)) in run.cases.iter().zip(&rows) {
        if !matches!(state, CaseState::Ran(v) if *v >= Verdict::Inconclusive) {
            continue;
        }
        for f in case.findings.iter().filter(|f| f.verdict >= Verdict::Inconclusive) {
            details.push_str(&format!(
                "  {} {}: {}: {}\n",
                case.meta.id,
                f.verdict.as_str().to_uppercase(),
                short_clause(&f.clause),
                one_line(&f.message)
            ));
        }
        if case.findings.is_empty() {
            details.push_str(&format!(
                "  {} {}: {}\n",
                case.meta.id,
                state.label().to_uppercase(),
                one_line(&case.reason)
            ));
        }
    }
    if !details.is_empty() {
        out.push_str("findings:\n");
        out.push_str(&details);
    }

    out.push_str(&totals_line(&rows));
    out.push('\n');

    let o = overall(run);
    let outcome = if style.colour {
        paint_outcome(o.outcome)
    } else {
        o.outcome.to_string()
    };
    out.push_str(&format!("overall: {outcome} ({})\n", o.reason));
    out
}

/// `12 cases: 9 pass, 1 fail, 1 inconclusive, 1 not applicable`; zero counts are left out.
fn totals_line(rows: &[(CaseState, String, String)]) -> String {
    const ORDER: [&str; 7] = [
        "pass",
        "fail",
        "error",
        "inconclusive",
        "no verdict",
        "not applicable",
        "not run",
    ];
    let n = rows.len();
    let parts: Vec<String> = ORDER
        .iter()
        .filter_map(|label| {
            let k = rows.iter().filter(|(s, _, _)| s.label() == *label).count();
            (k > 0).then(|| format!("{k} {label}"))
        })
        .collect();
    let noun = if n == 1 { "case" } else { "cases" };
    if parts.is_empty() {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}: {}", parts.join(", "))
    }
}

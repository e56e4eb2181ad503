//! `report.html`: one self-contained file (no scripts, no outside resources)
//! that a lab engineer opens in a browser: the verdict table with reasons and
//! clauses, each case's findings and measurements, histograms of message
//! times against their windows drawn as SVG, and links to each case's capture.

use std::fmt::Write;
use suites::model::{CaseResult, RunResult, TimingSeries, Verdict};

use crate::{CaseState, case_state, overall};

pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A CSS class per state, so colour never carries the meaning alone (the
/// label is always written out).
fn class(state: &CaseState) -> &'static str {
    match state {
        CaseState::Ran(Verdict::Pass) => "pass",
        CaseState::Ran(Verdict::Fail) => "fail",
        CaseState::Ran(Verdict::Error) => "error",
        CaseState::Ran(Verdict::Inconclusive | Verdict::None) => "inconc",
        CaseState::NotApplicable(_) | CaseState::NotRun(_) => "skip",
    }
}

/// Anchor id of a case (IDs are letters, digits and dots).
fn anchor(id: &str) -> String {
    format!("case-{}", id.replace('.', "-"))
}

pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}\
table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}.badge{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:bold;color:#fff}\
.pass{background:#2e7d32}.fail{background:#c62828}.error{background:#6a1b9a}.inconc{background:#ef6c00}.skip{background:#757575}\
section{border-top:2px solid #ddd;margin-top:2em;padding-top:1em}code{background:#f4f4f4;padding:1px 4px}\
svg{background:#fafafa;border:1px solid #ddd;margin:4px 0}.note{color:#555}";

/// The whole report.
pub fn html_report(run: &RunResult) -> String {
    let mut h = String::new();
    let o = overall(run);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Conformance report: {}</title><style>{STYLE}</style></head><body>",
        esc(&run.dut_name)
    );
    let _ = write!(h, "<h1>Conformance report: {}</h1>", esc(&run.dut_name));
    let outcome_class = match o.outcome {
        crate::Outcome::Pass => "pass",
        crate::Outcome::Fail => "fail",
        crate::Outcome::Warn => "inconc",
        crate::Outcome::Skip => "skip",
    };
    let _ = write!(
        h,
        "<p id=\"overall\">Overall: <span class=\"badge {outcome_class}\">{}</span> {}</p>",
        o.outcome,
        esc(&o.reason)
    );
    if run.interrupted {
        let _ = write!(
            h,
            "<p class=\"note\"><strong>The run was interrupted</strong>: cases marked NOT RUN did not finish.</p>"
        );
    }
    let _ = write!(
        h,
        "<table id=\"run\"><tr><th>Run</th><td><code>{}</code></td></tr><tr><th>Interface</th><td>{}</td></tr>\
         <tr><th>Profile</th><td>{}</td></tr><tr><th>Started</th><td>{}</td></tr><tr><th>Finished</th><td>{}</td></tr>\
         <tr><th>Seed</th><td>{}</td></tr></table>",
        esc(&run.run_id),
        esc(&run.interface),
        esc(&run.profile),
        esc(&run.started),
        esc(run.finished.as_deref().unwrap_or("(not finished)")),
        run.seed
    );
    if !run.components.is_empty() {
        h.push_str("<table id=\"components\"><tr><th>Role</th><th>Vendor</th><th>Model</th><th>Software</th></tr>");
        for c in &run.components {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.role),
                esc(&c.vendor),
                esc(&c.model),
                esc(&c.software_version)
            );
        }
        h.push_str("</table>");
    }

    h.push_str("<h2>Verdicts</h2><table id=\"verdicts\"><tr><th>Case</th><th>Verdict</th><th>Status</th><th>Clause</th><th>Title</th><th>Reason</th></tr>");
    for c in &run.cases {
        let state = case_state(c, run.interrupted);
        let reason = match &state {
            CaseState::NotApplicable(why) | CaseState::NotRun(why) => why.clone(),
            CaseState::Ran(_) => c.reason.clone(),
        };
        let _ = write!(
            h,
            "<tr class=\"case\" data-verdict=\"{}\"><td><a href=\"#{}\">{}</a></td><td><span class=\"badge {}\">{}</span></td><td>{:?}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            state.label(),
            anchor(c.meta.id),
            esc(c.meta.id),
            class(&state),
            esc(&state.label().to_uppercase()),
            c.meta.status,
            esc(&c.meta.clause.to_string()),
            esc(c.meta.title),
            esc(&reason)
        );
    }
    h.push_str("</table>");

    for c in &run.cases {
        case_section(&mut h, c, &case_state(c, run.interrupted));
    }
    h.push_str("</body></html>\n");
    h
}

fn case_section(h: &mut String, c: &CaseResult, state: &CaseState) {
    let _ = write!(
        h,
        "<section id=\"{}\"><h3>{} <span class=\"badge {}\">{}</span></h3><p>{}</p><p>Clause: {} &middot; class {} &middot; {:?}</p>",
        anchor(c.meta.id),
        esc(c.meta.id),
        class(state),
        esc(&state.label().to_uppercase()),
        esc(c.meta.purpose),
        esc(&c.meta.clause.to_string()),
        esc(c.meta.class),
        c.meta.status
    );
    if !c.findings.is_empty() {
        h.push_str("<table class=\"findings\"><tr><th>Verdict</th><th>Clause</th><th>Finding</th></tr>");
        for f in &c.findings {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.verdict.as_str().to_uppercase()),
                esc(&f.clause.to_string()),
                esc(&f.message)
            );
        }
        h.push_str("</table>");
    }
    if !c.measurements.is_empty() {
        h.push_str(
            "<table class=\"measurements\"><tr><th>Measurement</th><th>Value</th><th>Unit</th><th>What</th></tr>",
        );
        for m in &c.measurements {
            let values: Vec<String> = m.values.iter().map(|v| format!("{v}")).collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&m.name),
                esc(&values.join(", ")),
                esc(m.unit),
                esc(&m.description)
            );
        }
        h.push_str("</table>");
    }
    for t in &c.timing {
        histogram_svg(h, t);
    }
    if !c.artifacts.is_empty() {
        h.push_str("<ul class=\"artifacts\">");
        for a in &c.artifacts {
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a>: {}</li>",
                esc(&a.path),
                esc(&a.name),
                esc(&a.description)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}

/// Bars of message counts over lead time, the window shaded behind them.
fn histogram_svg(h: &mut String, t: &TimingSeries) {
    const W: f64 = 720.0;
    const HT: f64 = 150.0;
    const PAD: f64 = 30.0;
    let Some(max_count) = t.histogram.iter().map(|(_, n)| *n).max() else {
        return;
    };
    let lo_data = t.histogram.first().map(|(x, _)| *x).unwrap_or(0.0);
    let hi_data = t.histogram.last().map(|(x, _)| *x + t.bin_us).unwrap_or(0.0);
    let lo = lo_data.min(t.window_us[0]);
    let hi = hi_data.max(t.window_us[1]);
    let span = (hi - lo).max(t.bin_us) * 1.1;
    let lo = lo - span * 0.05;
    let x = |v: f64| PAD + (v - lo) / span * (W - 2.0 * PAD);
    let y = |n: u64| HT - PAD - (n as f64 / max_count as f64) * (HT - 2.0 * PAD);
    let _ = write!(
        h,
        "<figure class=\"timing\"><figcaption>{} ({} messages; lead before air time in &micro;s, negative = after; window [{:.1}, {:.1}])</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{HT}\" role=\"img\" aria-label=\"{}\">",
        esc(&t.label),
        t.messages,
        t.window_us[0],
        t.window_us[1],
        esc(&t.label)
    );
    let _ = write!(
        h,
        "<rect class=\"window\" x=\"{:.1}\" y=\"{PAD}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#c8e6c9\"><title>window {:.1} to {:.1} us</title></rect>",
        x(t.window_us[0]),
        (x(t.window_us[1]) - x(t.window_us[0])).max(1.0),
        HT - 2.0 * PAD,
        t.window_us[0],
        t.window_us[1]
    );
    for (start, n) in &t.histogram {
        let inside = *start >= t.window_us[0] && start + t.bin_us <= t.window_us[1];
        let colour = if inside { "#1565c0" } else { "#c62828" };
        let _ = write!(
            h,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{:.1} to {:.1} us: {n}</title></rect>",
            x(*start),
            y(*n),
            (x(start + t.bin_us) - x(*start)).max(1.5),
            HT - PAD - y(*n),
            start,
            start + t.bin_us
        );
    }
    let axis = HT - PAD;
    let _ = write!(
        h,
        "<line x1=\"{PAD}\" y1=\"{axis}\" x2=\"{:.1}\" y2=\"{axis}\" stroke=\"#333\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{:.0}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{:.0}</text>\
         <text x=\"{PAD}\" y=\"{:.1}\" font-size=\"11\">{max_count}</text></svg></figure>",
        W - PAD,
        x(t.window_us[0]),
        axis + 14.0,
        t.window_us[0],
        x(t.window_us[1]),
        axis + 14.0,
        t.window_us[1],
        PAD - 8.0
    );
}

//! The interoperability matrix: one cell per O-DU x O-RU pair (or E2 node x
//! near-RT RIC), each either the counts of that pair's run with a link to its
//! reports, or the reasons the two cannot work together, found before
//! anything ran. Rendered for the terminal, as one self-contained HTML page,
//! and as JSON for CI.

use serde::Serialize;
use std::fmt::Write;
use suites::model::RunResult;

use crate::{CaseState, Outcome, case_state, overall};

/// Pass/fail counts of one pair's run, as every report counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: u32,
    pub fail: u32,
    pub error: u32,
    pub inconclusive: u32,
    pub not_applicable: u32,
    pub not_run: u32,
}

impl Counts {
    pub fn of(run: &RunResult) -> Self {
        let mut c = Counts::default();
        for case in &run.cases {
            match case_state(case, run.interrupted) {
                CaseState::Ran(suites::model::Verdict::Pass) => c.pass += 1,
                CaseState::Ran(suites::model::Verdict::Fail) => c.fail += 1,
                CaseState::Ran(suites::model::Verdict::Error) => c.error += 1,
                CaseState::Ran(_) => c.inconclusive += 1,
                CaseState::NotApplicable(_) => c.not_applicable += 1,
                CaseState::NotRun(_) => c.not_run += 1,
            }
        }
        c
    }
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cell {
    /// The pair ran: counts, the run's outcome (PASS/WARN/FAIL) and where
    /// its reports are, relative to the matrix's folder.
    Ran {
        counts: Counts,
        outcome: String,
        reason: String,
        folder: String,
        /// Choices made to pair them (e.g. the compression both support).
        notes: Vec<String>,
    },
    /// The two cannot work together; every reason, found from their
    /// profiles before anything ran.
    Incompatible { reasons: Vec<String> },
    /// The pair's run could not be completed (harness error).
    Failed { error: String },
}

/// The whole matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// What the rows and columns are, e.g. "O-DU" and "O-RU".
    pub row_role: String,
    pub column_role: String,
    /// Profile names (rows, columns), in the order given.
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `cells[r][c]`.
    pub cells: Vec<Vec<Cell>>,
}

impl Cell {
    /// The pair's result built from its run.
    pub fn ran(run: &RunResult, folder: String, notes: Vec<String>) -> Self {
        let o = overall(run);
        Cell::Ran {
            counts: Counts::of(run),
            outcome: o.outcome.as_str().into(),
            reason: o.reason,
            folder,
            notes,
        }
    }

    /// Short text for a grid cell.
    pub fn short(&self) -> String {
        match self {
            Cell::Ran { counts: c, outcome, .. } => {
                let mut s = format!("{outcome} {}P/{}F", c.pass, c.fail);
                if c.error > 0 {
                    s += &format!("/{}E", c.error);
                }
                if c.inconclusive > 0 {
                    s += &format!("/{}I", c.inconclusive);
                }
                s
            }
            Cell::Incompatible { .. } => "incompatible".into(),
            Cell::Failed { .. } => "ERROR".into(),
        }
    }

    /// Whether the pair works: it ran and nothing failed.
    pub fn interoperates(&self) -> bool {
        matches!(self, Cell::Ran { outcome, .. } if outcome != Outcome::Fail.as_str())
    }
}

impl Matrix {
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A grid for the terminal, then the reasons of every cell that did not
    /// pass, so the grid stays narrow.
    pub fn terminal(&self) -> String {
        let mut s = String::new();
        let head = format!("{} \\ {}", self.row_role, self.column_role);
        let w0 = self.rows.iter().map(|r| r.len()).max().unwrap_or(0).max(head.len());
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, name)| {
                self.cells
                    .iter()
                    .map(|row| row[c].short().len())
                    .max()
                    .unwrap_or(0)
                    .max(name.len())
            })
            .collect();
        let _ = write!(s, "{head:<w0$}");
        for (name, w) in self.columns.iter().zip(&widths) {
            let _ = write!(s, "  {name:<w$}");
        }
        s.push('\n');
        for (r, row) in self.rows.iter().enumerate() {
            let _ = write!(s, "{row:<w0$}");
            for (cell, w) in self.cells[r].iter().zip(&widths) {
                let _ = write!(s, "  {:<w$}", cell.short());
            }
            s.push('\n');
        }
        let mut notes = String::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, col) in self.columns.iter().enumerate() {
                match &self.cells[r][c] {
                    Cell::Incompatible { reasons } => {
                        let _ = writeln!(notes, "  {row} x {col}: cannot work together:");
                        for why in reasons {
                            let _ = writeln!(notes, "    - {why}");
                        }
                    }
                    Cell::Ran {
                        outcome,
                        reason,
                        folder,
                        ..
                    } if outcome != Outcome::Pass.as_str() => {
                        let _ = writeln!(notes, "  {row} x {col}: {outcome}: {reason} ({folder})");
                    }
                    Cell::Failed { error } => {
                        let _ = writeln!(notes, "  {row} x {col}: could not be run: {error}");
                    }
                    _ => {}
                }
            }
        }
        if !notes.is_empty() {
            s.push('\n');
            s.push_str(&notes);
        }
        s
    }

    /// One self-contained page: the grid (each cell linking to its pair's
    /// report), then every incompatibility and failure spelled out.
    pub fn html(&self) -> String {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interoperability matrix</title><style>{}</style></head><body>",
            crate::html::STYLE
        );
        let _ = write!(
            h,
            "<h1>Interoperability matrix</h1><p class=\"note\">Rows: {} profiles. Columns: {} profiles. Each cell: the pair's outcome and pass/fail counts, linking to its report.</p>",
            esc(&self.row_role),
            esc(&self.column_role)
        );
        let _ = write!(
            h,
            "<table id=\"matrix\"><tr><th>{} \\ {}</th>",
            esc(&self.row_role),
            esc(&self.column_role)
        );
        for c in &self.columns {
            let _ = write!(h, "<th>{}</th>", esc(c));
        }
        h.push_str("</tr>");
        for (r, row) in self.rows.iter().enumerate() {
            let _ = write!(h, "<tr><th>{}</th>", esc(row));
            for (c, cell) in self.cells[r].iter().enumerate() {
                let id = format!("pair-{r}-{c}");
                match cell {
                    Cell::Ran {
                        counts,
                        outcome,
                        folder,
                        ..
                    } => {
                        let class = match outcome.as_str() {
                            "PASS" => "pass",
                            "FAIL" => "fail",
                            _ => "inconc",
                        };
                        let _ = write!(
                            h,
                            "<td id=\"{id}\"><span class=\"badge {class}\">{}</span> <a href=\"{}/{}\">{} pass, {} fail{}{}</a></td>",
                            esc(outcome),
                            esc(folder),
                            crate::HTML_FILE,
                            counts.pass,
                            counts.fail,
                            if counts.error > 0 {
                                format!(", {} error", counts.error)
                            } else {
                                String::new()
                            },
                            if counts.inconclusive > 0 {
                                format!(", {} inconclusive", counts.inconclusive)
                            } else {
                                String::new()
                            },
                        );
                    }
                    Cell::Incompatible { .. } => {
                        let _ = write!(
                            h,
                            "<td id=\"{id}\"><span class=\"badge skip\">incompatible</span> <a href=\"#why-{r}-{c}\">why</a></td>"
                        );
                    }
                    Cell::Failed { .. } => {
                        let _ = write!(
                            h,
                            "<td id=\"{id}\"><span class=\"badge error\">error</span> <a href=\"#why-{r}-{c}\">why</a></td>"
                        );
                    }
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
        let mut details = String::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, col) in self.columns.iter().enumerate() {
                let title = format!("{} x {}", esc(row), esc(col));
                match &self.cells[r][c] {
                    Cell::Incompatible { reasons } => {
                        let _ = write!(
                            details,
                            "<section id=\"why-{r}-{c}\"><h3>{title}: cannot work together</h3><ul>"
                        );
                        for why in reasons {
                            let _ = write!(details, "<li>{}</li>", esc(why));
                        }
                        details.push_str("</ul></section>");
                    }
                    Cell::Failed { error } => {
                        let _ = write!(
                            details,
                            "<section id=\"why-{r}-{c}\"><h3>{title}: could not be run</h3><p>{}</p></section>",
                            esc(error)
                        );
                    }
                    Cell::Ran {
                        outcome, reason, notes, ..
                    } if outcome != Outcome::Pass.as_str() || !notes.is_empty() => {
                        let _ = write!(
                            details,
                            "<section><h3>{title}: {}</h3><p>{}</p>",
                            esc(outcome),
                            esc(reason)
                        );
                        for n in notes {
                            let _ = write!(details, "<p class=\"note\">{}</p>", esc(n));
                        }
                        details.push_str("</section>");
                    }
                    _ => {}
                }
            }
        }
        h.push_str(&details);
        h.push_str("</body></html>");
        h
    }
}

fn esc(s: &str) -> String {
    crate::html::esc(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Matrix {
        Matrix {
            row_role: "O-DU".into(),
            column_role: "O-RU".into(),
            rows: vec!["arcadia-odu".into(), "borealis-odu".into()],
            columns: vec!["arcadia-oru".into(), "cygnus-oru".into()],
            cells: vec![
                vec![
                    Cell::Ran {
                        counts: Counts {
                            pass: 7,
                            not_applicable: 1,
                            ..Default::default()
                        },
                        outcome: "PASS".into(),
                        reason: "all passed".into(),
                        folder: "pairs/arcadia-odu__arcadia-oru".into(),
                        notes: vec![],
                    },
                    Cell::Incompatible {
                        reasons: vec!["no common UL compression: O-DU [bfp:9], O-RU [mulaw:8]".into()],
                    },
                ],
                vec![
                    Cell::Ran {
                        counts: Counts {
                            pass: 6,
                            fail: 1,
                            ..Default::default()
                        },
                        outcome: "FAIL".into(),
                        reason: "OFH.DLM.UL.TX.01 failed".into(),
                        folder: "pairs/borealis-odu__arcadia-oru".into(),
                        notes: vec![],
                    },
                    Cell::Failed {
                        error: "could not write".into(),
                    },
                ],
            ],
        }
    }

    #[test]
    fn terminal_grid_and_reasons() {
        let t = sample().terminal();
        let lines: Vec<&str> = t.lines().collect();
        assert!(
            lines[0].starts_with("O-DU \\ O-RU") && lines[0].contains("cygnus-oru"),
            "{t}"
        );
        assert!(
            lines[1].contains("PASS 7P/0F") && lines[1].contains("incompatible"),
            "{t}"
        );
        assert!(lines[2].contains("FAIL 6P/1F") && lines[2].contains("ERROR"), "{t}");
        assert!(t.contains("arcadia-odu x cygnus-oru: cannot work together:\n    - no common UL compression"));
        assert!(t.contains("borealis-odu x arcadia-oru: FAIL: OFH.DLM.UL.TX.01 failed"));
        assert!(!t.contains("arcadia-odu x arcadia-oru"), "a passing pair needs no note");
    }

    #[test]
    fn html_links_each_pair_and_explains_the_rest() {
        let h = sample().html();
        assert!(h.contains("href=\"pairs/arcadia-odu__arcadia-oru/report.html\""));
        assert!(h.contains("id=\"why-0-1\"") && h.contains("no common UL compression"));
        assert!(!h.contains("<script"));
    }

    #[test]
    fn json_names_status_per_cell() {
        let v: serde_json::Value = serde_json::from_str(&sample().json()).unwrap();
        assert_eq!(v["cells"][0][0]["status"], "ran");
        assert_eq!(v["cells"][0][0]["counts"]["pass"], 7);
        assert_eq!(v["cells"][0][1]["status"], "incompatible");
        assert_eq!(v["cells"][1][1]["status"], "failed");
        assert!(sample().cells[0][0].interoperates() && !sample().cells[1][0].interoperates());
    }
}

//! Terminal summary: table, totals and overall line.

mod common;

use common::{every_verdict, meta, ran, run_with};
use reports::{SummaryStyle, terminal_summary, terminal_summary_with};
use suites::model::{Status, Verdict};

#[test]
fn table_totals_and_overall() {
    let s = terminal_summary(&every_verdict());
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[0].starts_with("ID "));
    assert!(lines[0].contains("VERDICT") && lines[0].ends_with("REASON"));
    // Header, seven cases, the findings block, totals, overall.
    let findings = lines.iter().position(|l| *l == "findings:").expect("a findings block");
    assert_eq!(findings, 8);
    assert!(lines[9..].iter().any(|l| l.starts_with("  ") && l.contains(" FAIL: ")));
    let lines: Vec<&str> = lines[..8]
        .iter()
        .chain(lines[lines.len() - 2..].iter())
        .copied()
        .collect();
    assert_eq!(lines.len(), 10);
    assert!(lines[1].starts_with("OFH.CMP.BFP.UL.01  PASS "));
    assert!(lines[1].contains("mandatory"));
    assert!(lines[1].contains("CUS.0 v12.00 §A.1.2"));
    assert!(lines[4].contains(" INCONCLUSIVE "));
    assert!(lines[6].contains(" NOT APPLICABLE "));
    assert!(lines[7].contains(" NOT RUN ") && lines[7].ends_with("interrupted"));
    assert_eq!(
        lines[8],
        "7 cases: 1 pass, 1 fail, 1 error, 1 inconclusive, 1 no verdict, \
         1 not applicable, 1 not run"
    );
    assert!(lines[9].starts_with("overall: FAIL ("), "{}", lines[9]);
    assert!(!s.contains('\x1b'), "no colour by default");
}

#[test]
fn totals_leave_out_zero_counts() {
    let run = run_with(
        vec![
            ran(meta("A.01", "1.1.1", "A", Status::Mandatory), Verdict::Pass, "ok"),
            ran(meta("A.02", "1.1.2", "A", Status::Mandatory), Verdict::Pass, "ok"),
        ],
        false,
    );
    let s = terminal_summary(&run);
    assert!(s.contains("\n2 cases: 2 pass\n"), "{s}");
    assert!(s.ends_with("overall: PASS (every required case passed)\n"), "{s}");
}

#[test]
fn reasons_are_cut_to_the_width() {
    let mut run = every_verdict();
    run.cases[0].reason = format!("first line\nsecond {}", "y".repeat(300));
    let s = terminal_summary_with(
        &run,
        SummaryStyle {
            width: 100,
            colour: false,
        },
    );
    let row = s.lines().nth(1).unwrap();
    assert_eq!(row.chars().count(), 100, "{row}");
    assert!(row.ends_with('…'));
    assert!(row.contains("first line second"), "newlines flattened: {row}");
}

#[test]
fn colour_only_when_asked() {
    let s = terminal_summary_with(
        &every_verdict(),
        SummaryStyle {
            width: 120,
            colour: true,
        },
    );
    assert!(s.contains("\x1b[32mPASS"));
    assert!(s.contains("\x1b[31mFAIL"));
}

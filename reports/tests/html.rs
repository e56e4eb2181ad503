//! report.html: what a reader of the file sees.

mod common;

use common::every_verdict;
use reports::html_report;
use suites::model::TimingSeries;

#[test]
fn every_case_is_in_the_table_with_its_verdict_and_clause() {
    let run = every_verdict();
    let h = html_report(&run);
    assert!(h.starts_with("<!DOCTYPE html>") && h.trim_end().ends_with("</html>"));
    for c in &run.cases {
        assert!(h.contains(&format!(">{}</a>", c.meta.id)), "{} missing", c.meta.id);
        assert!(h.contains(&format!("id=\"case-{}\"", c.meta.id.replace('.', "-"))));
    }
    for label in ["PASS", "FAIL", "ERROR", "INCONCLUSIVE", "NOT APPLICABLE", "NOT RUN"] {
        assert!(h.contains(&format!(">{label}</span>")), "{label} badge missing");
    }
    assert!(h.contains("§A.1.2"));
    // Self-contained: nothing fetched from elsewhere, no scripts.
    assert!(!h.contains("<script") && !h.contains("http://") || h.contains("http://www.w3.org/2000/svg"));
    assert!(!h.contains("<link"));
}

#[test]
fn text_is_escaped() {
    let mut run = every_verdict();
    run.cases[0].reason = "<b>bold</b> & \"quoted\"".into();
    let h = html_report(&run);
    assert!(h.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert!(!h.contains("<b>bold</b>"));
}

#[test]
fn timing_histograms_are_drawn_against_their_window() {
    let mut run = every_verdict();
    run.cases[0].timing.push(TimingSeries {
        label: "UL U-plane received (O-RU window Ta3)".into(),
        window_us: [-180.0, -20.0],
        bin_us: 5.0,
        histogram: vec![(-100.0, 40), (-95.0, 10), (-240.0, 3)],
        messages: 53,
    });
    let h = html_report(&run);
    assert_eq!(h.matches("<svg").count(), 1);
    assert_eq!(h.matches("class=\"bar\"").count(), 3);
    assert!(h.contains("class=\"window\""));
    // The late bin (outside the window) is drawn in the failure colour.
    assert!(h.contains("-240.0 to -235.0 us: 3"));
    let late = h
        .split("class=\"bar\"")
        .find(|p| p.contains("-240.0 to -235.0"))
        .unwrap();
    assert!(late.contains("#c62828"));
}

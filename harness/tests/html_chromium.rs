//! report.html as a user sees it: rendered by headless Chromium (Debian's
//! `chromium`), then read back from the rendered DOM and a screenshot.
//! Ignored in plain `cargo test` (needs chromium); `.ci/run` installs it and
//! runs the ignored tests, where a missing browser is a failure.

use std::path::Path;
use std::process::Command;

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium must be installed for this test (apt-get install chromium)")
}

/// A screenshot of `url` at `size` is a PNG of more than `min_bytes` (a
/// blank page compresses to far less).
fn screenshot_paints(url: &str, profile: &Path, png: &Path, size: &str, min_bytes: usize) {
    let shot = chromium(
        &[
            &format!("--window-size={size}"),
            &format!("--screenshot={}", png.display()),
            url,
        ],
        profile,
    );
    assert!(shot.status.success());
    let bytes = std::fs::read(png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > min_bytes,
        "screenshot of {} bytes",
        bytes.len()
    );
}

#[test]
#[ignore = "needs chromium"]
fn the_rendered_report_shows_verdicts_histograms_and_capture_links() {
    let dir = std::env::temp_dir().join(format!("oran-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["run", "--quiet", "--ru-variant", "late-ul", "--out"])
        .arg(&dir)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let report = dir.join("report.html");
    let url = format!("file://{}", report.display());
    let profile = dir.join("chromium-profile");

    let dom = chromium(&["--dump-dom", &url], &profile);
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The verdict table: every case, the failing one marked FAIL.
    let rows: Vec<&str> = dom.split("<tr class=\"case\"").skip(1).collect();
    assert_eq!(rows.len(), suites::ofh::catalogue().len(), "one row per case");
    let late = rows
        .iter()
        .find(|r| r.contains("OFH.DLM.UL.TX.01"))
        .expect("the Ta3 case row");
    assert!(late.contains(">FAIL<") && late.contains("late"), "{late}");
    assert_eq!(rows.iter().filter(|r| r.contains(">PASS<")).count(), rows.len() - 1);
    assert!(dom.contains("id=\"overall\"") && dom.contains(">FAIL</span>"));
    // Histograms rendered as SVG, with late bars outside the Ta3 window.
    assert!(dom.matches("<svg").count() >= rows.len());
    assert!(dom.contains("UL U-plane received (O-RU window Ta3)"));
    // Links to each case's capture, which exist beside the report.
    for r in &rows {
        let id = r.split("#case-").nth(1).and_then(|s| s.split('"').next()).unwrap();
        let pcap = dir.join("cases").join(format!("{}.pcap", id.replace('-', ".")));
        assert!(pcap.is_file(), "{} missing", pcap.display());
    }
    assert!(dom.contains("href=\"cases/OFH.DLM.UL.TX.01.pcap\""));

    // And it paints: a screenshot of a real page, not a blank one.
    screenshot_paints(&url, &profile, &dir.join("report.png"), "1280,2000", 50_000);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[ignore = "needs chromium"]
fn the_rendered_matrix_links_every_pair_that_ran_and_says_why_the_others_cannot() {
    let dir = std::env::temp_dir().join(format!("oran-html-matrix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let e2 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles/e2");
    let status = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("matrix")
        .arg("--node")
        .args([e2.join("aurora-gnb.toml"), e2.join("borealis-cu.toml")])
        .arg("--ric")
        .args([e2.join("meridian-ric.toml"), e2.join("zephyr-ric.toml")])
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let url = format!("file://{}", dir.join("matrix.html").display());
    let profile = dir.join("chromium-profile");
    let dom = chromium(&["--dump-dom", &url], &profile);
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    let cells: Vec<&str> = dom.split("<td id=\"pair-").skip(1).collect();
    assert_eq!(cells.len(), 4, "a 2 x 2 grid");
    for cell in &cells[..2] {
        // Aurora ran with both RICs: a PASS badge and a link to the pair's
        // own report, which exists beside the matrix.
        assert!(cell.contains(">PASS<"), "{cell}");
        let href = cell.split("href=\"").nth(1).and_then(|s| s.split('"').next()).unwrap();
        assert!(dir.join(href).is_file(), "{href} missing");
    }
    for cell in &cells[2..] {
        assert!(cell.contains(">incompatible<"), "{cell}");
    }
    assert!(dom.contains("E2SM-KPM: the RIC speaks v3.00, the node offers v2.03"));
    assert!(dom.contains("no common E2AP version"));
    screenshot_paints(&url, &profile, &dir.join("matrix.png"), "1024,768", 10_000);
    std::fs::remove_dir_all(&dir).ok();
}

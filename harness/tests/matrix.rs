//! `harness matrix` over the shipped vendor profiles: every pair either ran
//! (with its own run folder) or was found incompatible before running, and
//! the grid is written as JSON and HTML.

use std::path::Path;
use std::process::Command;

#[test]
fn matrix_over_the_vendor_profiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("oran-matrix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p = |name: &str| root.join("profiles/vendors").join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("matrix")
        .arg("--du")
        .args([p("arcadia-odu.toml"), p("cygnus-odu.toml")])
        .arg("--ru")
        .args([p("arcadia-oru.toml"), p("cygnus-oru.toml")])
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let grid: Vec<&str> = stdout.lines().take(3).collect();
    assert!(
        grid[0].contains("arcadia-oru") && grid[0].contains("cygnus-oru"),
        "{stdout}"
    );
    assert!(
        grid[1].starts_with("arcadia-odu") && grid[1].contains("PASS"),
        "{stdout}"
    );
    // Arcadia's O-DU speaks only BFP 9 at 100 MHz; Cygnus's O-RU neither.
    assert!(
        stdout.contains("arcadia-odu x cygnus-oru: cannot work together"),
        "{stdout}"
    );
    assert!(stdout.contains("no common UL compression"), "{stdout}");

    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("matrix.json")).unwrap()).unwrap();
    assert_eq!(m["rows"], serde_json::json!(["arcadia-odu", "cygnus-odu"]));
    let same = &m["cells"][0][0];
    assert_eq!(same["status"], "ran");
    assert_eq!(same["outcome"], "PASS");
    assert!(same["counts"]["pass"].as_u64().unwrap() >= 6);
    assert_eq!(same["counts"]["fail"], 0);
    let folder = dir.join(same["folder"].as_str().unwrap());
    for f in ["results.json", "junit.xml", "report.html"] {
        assert!(folder.join(f).is_file(), "{f} missing in {}", folder.display());
    }
    assert_eq!(m["cells"][0][1]["status"], "incompatible");
    assert!(!m["cells"][0][1]["reasons"].as_array().unwrap().is_empty());
    // Nothing was run for an incompatible pair.
    assert!(!dir.join("pairs/arcadia-odu__cygnus-oru").exists());
    let html = std::fs::read_to_string(dir.join("matrix.html")).unwrap();
    assert!(html.contains("pairs/arcadia-odu__arcadia-oru/report.html"), "{html}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn matrix_refuses_a_profile_of_the_wrong_role() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["matrix", "--du"])
        .arg(root.join("profiles/vendors/arcadia-oru.toml"))
        .arg("--ru")
        .arg(root.join("profiles/vendors/arcadia-oru.toml"))
        .arg("--out")
        .arg(std::env::temp_dir().join("oran-matrix-wrong-role"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("arcadia-oru.toml"));
}

#[test]
fn e2_matrix_over_the_example_e2_profiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles/e2");
    let dir = std::env::temp_dir().join(format!("oran-e2-matrix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("matrix")
        .arg("--node")
        .args([
            root.join("aurora-gnb.toml"),
            root.join("borealis-cu.toml"),
            root.join("cygnus-du.toml"),
        ])
        .arg("--ric")
        .args([root.join("meridian-ric.toml"), root.join("zephyr-ric.toml")])
        .arg("--json")
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = m.to_string();
    assert_eq!(m["row_role"], "E2 node", "{text}");
    let cell = |r: usize, c: usize| m["cells"][r][c].to_string();
    // Aurora and Cygnus (RAN function IDs 7 and 8) run the E2 node suite
    // with either RIC, at the newest common version.
    for r in [0, 2] {
        for c in [0, 1] {
            assert!(cell(r, c).contains("\"fail\":0"), "{}", cell(r, c));
            assert!(cell(r, c).contains("\"pass\":19"), "{}", cell(r, c));
        }
    }
    assert!(cell(2, 1).contains("E2AP v03.01"), "{}", cell(2, 1));
    // Borealis speaks KPM v02.03 and E2AP v02.03 only.
    assert!(
        cell(1, 0).contains("E2SM-KPM: the RIC speaks v3.00, the node offers v2.03"),
        "{}",
        cell(1, 0)
    );
    assert!(cell(1, 1).contains("no common E2AP version"), "{}", cell(1, 1));
    assert!(dir.join("pairs/cygnus-du__zephyr-ric/results.json").is_file());
    assert!(dir.join("matrix.html").is_file());
    std::fs::remove_dir_all(&dir).ok();
}

//! The interoperability matrix: the O-RU suite for every O-DU x O-RU pair of
//! profiles, each pair run with the simulated O-DU and O-RU configured from
//! their profiles on the configuration both support. A pair whose profiles
//! cannot work together (no common compression, numerology or bandwidth,
//! windows that do not overlap) is reported as such before anything runs,
//! not as fifty failed cases.
//!
//! E2 the same way: one cell per E2 node x near-RT RIC pair, the E2 node
//! suite run against the simulated node configured from its profile (its
//! RAN functions) by the harness as that RIC would speak to it (the newest
//! E2AP version both claim); a pair with no common version, or a service
//! model the RIC uses that the node does not offer in a version the RIC
//! speaks, is named up front.

use crate::profile::{self, Profile};
use crate::runner::{self, EventLog, ReportFiles, Reporter, RunPlan};
use reports::matrix::{Cell, Matrix};
use sim::oru::OruFault;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use suites::case::TestCase;

/// What to run.
pub struct MatrixPlan {
    pub dus: Vec<PathBuf>,
    pub rus: Vec<PathBuf>,
    /// E2 node profiles (rows of an E2 matrix) and near-RT RIC profiles
    /// (columns); an E2 matrix when either is given.
    pub nodes: Vec<PathBuf>,
    pub rics: Vec<PathBuf>,
    /// The matrix's folder: `matrix.json`, `matrix.html`, `pairs/<du>__<ru>/`.
    pub dir: PathBuf,
    pub seed: u64,
    pub jobs: usize,
    pub select: runner::Selection,
}

/// A profile's short name: its file name without `.toml`.
pub fn profile_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
}

/// A pair's run, with the run folder's reports (as `harness run` writes them) in `dir`.
fn with_reports(
    dir: &Path,
    run: impl FnOnce(&mut [&mut dyn Reporter]) -> std::io::Result<suites::model::RunResult>,
) -> std::io::Result<suites::model::RunResult> {
    std::fs::create_dir_all(dir)?;
    let mut files = ReportFiles {
        dir: dir.to_path_buf(),
        lab: reports::LabInfo::default(),
    };
    let mut log = EventLog::create(&dir.join("events.jsonl"))?;
    run(&mut [&mut files, &mut log])
}

/// One pair's run into `dir`; its result becomes the cell.
fn run_pair(plan: &MatrixPlan, du: &Profile, ru: &Profile, folder: &str, cases: &[Arc<dyn TestCase>]) -> Cell {
    let pair = match suites::profile::compatibility(du, ru) {
        Ok(p) => p,
        Err(why) => {
            return Cell::Incompatible {
                reasons: why.iter().map(|w| w.to_string()).collect(),
            };
        }
    };
    let mut setup = match ru.oru_setup(plan.seed) {
        Ok(s) => s,
        Err(e) => return Cell::Failed { error: e },
    };
    setup.fh = pair.fh.clone();
    setup.tester = pair.odu.clone();
    let dir = plan.dir.join(folder);
    let mut rp = RunPlan::new(setup, OruFault::None, dir.clone());
    rp.opts.jobs = plan.jobs;
    rp.opts.dut = Some(profile::dut_info(ru));
    rp.opts.select = plan.select.clone();
    let outcome = with_reports(&dir, |reporters| runner::run(&rp, cases, reporters));
    match outcome {
        Ok(run) => {
            let mut notes = pair.notes.clone();
            notes.insert(
                0,
                format!(
                    "O-DU {} with O-RU {}: UL {}, DL {}, section types {:?}",
                    du.dut.name, ru.dut.name, pair.fh.ul_comp, pair.fh.dl_comp, pair.section_types
                ),
            );
            Cell::ran(&run, folder.to_string(), notes)
        }
        Err(e) => Cell::Failed { error: e.to_string() },
    }
}

/// One E2 node x near-RT RIC pair's run into `dir`.
fn run_e2_pair(plan: &MatrixPlan, node: &Profile, ric: &Profile, folder: &str) -> Cell {
    let pair = match suites::profile::e2_compatibility(node, ric) {
        Ok(p) => p,
        Err(reasons) => return Cell::Incompatible { reasons },
    };
    let Some(e2) = node.pics.e2.as_ref() else {
        return Cell::Failed {
            error: "the node profile has no [pics.e2]".into(),
        };
    };
    let dir = plan.dir.join(folder);
    let pics = suites::e2::E2Pics::from_profile(e2.get_ref());
    let mut rp = crate::e2run::E2RunPlan::simulated(suites::e2::E2Side::Node, pair.version, dir.clone());
    rp.node_functions = crate::e2run::NodeFunctions::of(&pics);
    rp.setup = suites::e2::E2Setup::new(pair.version, pics);
    rp.opts.jobs = plan.jobs;
    rp.opts.dut = Some(profile::dut_info(node));
    rp.opts.select = plan.select.clone();
    let outcome = with_reports(&dir, |reporters| {
        crate::e2run::run(&rp, &suites::e2::catalogue(), reporters)
    });
    match outcome {
        Ok(run) => {
            let mut notes = pair.notes;
            notes.insert(
                0,
                format!("E2 node {} with near-RT RIC {}", node.dut.name, ric.dut.name),
            );
            Cell::ran(&run, folder.to_string(), notes)
        }
        Err(e) => Cell::Failed { error: e.to_string() },
    }
}

/// Load profiles, each of `role`.
fn load(paths: &[PathBuf], role: profile::Role) -> Result<Vec<(String, Profile)>, String> {
    paths
        .iter()
        .map(|p| {
            let prof = profile::load(p)?;
            if prof.role() != role {
                return Err(format!(
                    "{}: an {} profile where an {role} is wanted",
                    p.display(),
                    prof.role()
                ));
            }
            Ok((profile_name(p), prof))
        })
        .collect()
}

/// Run every pair and write `matrix.json` and `matrix.html` (rewritten
/// after each pair, so an interrupted matrix still leaves valid files).
/// Profiles that do not load are an error before anything runs.
pub fn run(plan: &MatrixPlan, on_pair: impl FnMut(&str, &str, &Cell)) -> Result<Matrix, String> {
    if !plan.nodes.is_empty() || !plan.rics.is_empty() {
        if plan.nodes.is_empty() || plan.rics.is_empty() || !plan.dus.is_empty() || !plan.rus.is_empty() {
            return Err("an E2 matrix takes E2 node and near-RT RIC profiles, and no O-DU or O-RU ones".into());
        }
        let nodes = load(&plan.nodes, profile::Role::E2Node)?;
        let rics = load(&plan.rics, profile::Role::NearRtRic)?;
        return grid(
            plan,
            ("E2 node", "Near-RT RIC"),
            &nodes,
            &rics,
            on_pair,
            |n, r, folder| run_e2_pair(plan, n, r, folder),
        );
    }
    if plan.dus.is_empty() || plan.rus.is_empty() {
        return Err("a fronthaul matrix takes O-DU and O-RU profiles".into());
    }
    let dus = load(&plan.dus, profile::Role::ODu)?;
    let rus = load(&plan.rus, profile::Role::ORu)?;
    let cases = suites::ofh::catalogue();
    grid(plan, ("O-DU", "O-RU"), &dus, &rus, on_pair, |du, ru, folder| {
        run_pair(plan, du, ru, folder, &cases)
    })
}

/// Every row x column pair through `pair`, the files rewritten after each row.
fn grid(
    plan: &MatrixPlan,
    (row_role, column_role): (&str, &str),
    rows: &[(String, Profile)],
    columns: &[(String, Profile)],
    mut on_pair: impl FnMut(&str, &str, &Cell),
    pair: impl Fn(&Profile, &Profile, &str) -> Cell,
) -> Result<Matrix, String> {
    std::fs::create_dir_all(&plan.dir).map_err(|e| format!("{}: {e}", plan.dir.display()))?;
    let mut m = Matrix {
        row_role: row_role.into(),
        column_role: column_role.into(),
        rows: rows.iter().map(|d| d.0.clone()).collect(),
        columns: columns.iter().map(|r| r.0.clone()).collect(),
        cells: Vec::new(),
    };
    for (row_name, row_profile) in rows {
        let mut row = Vec::new();
        for (column_name, column_profile) in columns {
            let folder = format!("pairs/{row_name}__{column_name}");
            let cell = pair(row_profile, column_profile, &folder);
            on_pair(row_name, column_name, &cell);
            row.push(cell);
        }
        m.cells.push(row);
        write(&plan.dir, &m)?;
    }
    write(&plan.dir, &m)?;
    Ok(m)
}

/// The matrix so far; rows not yet run are absent from `cells`.
fn write(dir: &Path, m: &Matrix) -> Result<(), String> {
    let put = |name: &str, body: String| {
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, body)
            .and_then(|_| std::fs::rename(&tmp, dir.join(name)))
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let mut full = m.clone();
    // Pad unfinished rows so the files are always a whole grid.
    while full.cells.len() < full.rows.len() {
        full.cells.push(
            full.columns
                .iter()
                .map(|_| Cell::Failed {
                    error: "not run (the matrix was interrupted)".into(),
                })
                .collect(),
        );
    }
    put("matrix.json", full.json())?;
    put("matrix.html", full.html())
}

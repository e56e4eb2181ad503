//! The interoperability matrix: the O-RU suite for every O-DU x O-RU pair of
//! profiles, each pair run with the simulated O-DU and O-RU configured from
//! their profiles on the configuration both support. A pair whose profiles
//! cannot work together (no common compression, numerology or bandwidth,
//! windows that do not overlap) is reported as such before anything runs,
//! not as fifty failed cases.

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
    let outcome = (|| -> std::io::Result<suites::model::RunResult> {
        std::fs::create_dir_all(&dir)?;
        let mut files = ReportFiles {
            dir: dir.clone(),
            lab: reports::LabInfo::default(),
        };
        let mut log = EventLog::create(&dir.join("events.jsonl"))?;
        let mut reporters: Vec<&mut dyn Reporter> = vec![&mut files, &mut log];
        runner::run(&rp, cases, &mut reporters)
    })();
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

/// Run every pair and write `matrix.json` and `matrix.html` (rewritten
/// after each pair, so an interrupted matrix still leaves valid files).
/// Profiles that do not load are an error before anything runs.
pub fn run(plan: &MatrixPlan, mut on_pair: impl FnMut(&str, &str, &Cell)) -> Result<Matrix, String> {
    let load = |paths: &[PathBuf], role: profile::Role| -> Result<Vec<(String, Profile)>, String> {
        paths
            .iter()
            .map(|p| {
                let prof = profile::load(p)?;
                if prof.role() != role {
                    return Err(format!(
                        "{}: a {:?} profile where an {:?} is wanted",
                        p.display(),
                        prof.role(),
                        role
                    ));
                }
                Ok((profile_name(p), prof))
            })
            .collect()
    };
    let dus = load(&plan.dus, profile::Role::ODu)?;
    let rus = load(&plan.rus, profile::Role::ORu)?;
    std::fs::create_dir_all(&plan.dir).map_err(|e| format!("{}: {e}", plan.dir.display()))?;
    let cases = suites::ofh::catalogue();
    let mut m = Matrix {
        row_role: "O-DU".into(),
        column_role: "O-RU".into(),
        rows: dus.iter().map(|d| d.0.clone()).collect(),
        columns: rus.iter().map(|r| r.0.clone()).collect(),
        cells: Vec::new(),
    };
    for (du_name, du) in &dus {
        let mut row = Vec::new();
        for (ru_name, ru) in &rus {
            let folder = format!("pairs/{du_name}__{ru_name}");
            let cell = run_pair(plan, du, ru, &folder, &cases);
            on_pair(du_name, ru_name, &cell);
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

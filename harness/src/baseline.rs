//! Baselines: the verdicts a lab expects, so CI fails only on a change.
//! Every expected deviation from PASS carries the reason it is accepted.
//!
//! ```toml
//! [cases."OFH.DLM.UL.TX.01"]
//! verdict = "fail"
//! reason = "vendor ticket 1234: UL U-plane 20 us late, fix in 3.2"
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use suites::model::{RunResult, Verdict};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub verdict: Verdict,
    /// Why this verdict is accepted (mandatory for anything but pass).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    #[serde(default)]
    pub cases: BTreeMap<String, Expected>,
}

/// How a run compares with a baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The verdict differs from the baseline's.
    Changed {
        id: String,
        expected: Verdict,
        got: Verdict,
    },
    /// The case ran but the baseline does not know it.
    New { id: String, got: Verdict },
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let b: Baseline = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for (id, e) in &b.cases {
            if e.verdict != Verdict::Pass && e.reason.trim().is_empty() {
                return Err(format!(
                    "{}: case {id}: an expected {} needs a reason",
                    path.display(),
                    e.verdict
                ));
            }
        }
        Ok(b)
    }

    /// The baseline a run would set: its verdicts, deviations marked for a
    /// person to explain.
    pub fn from_run(run: &RunResult) -> Self {
        let cases = run
            .cases
            .iter()
            .filter(|c| c.executed)
            .map(|c| {
                let reason = if c.verdict == Verdict::Pass {
                    String::new()
                } else {
                    format!("TO EXPLAIN: {}", c.reason)
                };
                (
                    c.meta.id.to_string(),
                    Expected {
                        verdict: c.verdict,
                        reason,
                    },
                )
            })
            .collect();
        Baseline { cases }
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    pub fn compare(&self, run: &RunResult) -> Vec<Change> {
        run.cases
            .iter()
            .filter(|c| c.executed)
            .filter_map(|c| match self.cases.get(c.meta.id) {
                Some(e) if e.verdict == c.verdict => None,
                Some(e) => Some(Change::Changed {
                    id: c.meta.id.into(),
                    expected: e.verdict,
                    got: c.verdict,
                }),
                None if c.verdict == Verdict::Pass => None,
                None => Some(Change::New {
                    id: c.meta.id.into(),
                    got: c.verdict,
                }),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deviation_without_a_reason_is_refused() {
        let dir = std::env::temp_dir().join(format!("baseline-{}", std::process::id()));
        std::fs::write(&dir, "[cases.\"A.01\"]\nverdict = \"fail\"\n").unwrap();
        let err = Baseline::load(&dir).unwrap_err();
        assert!(err.contains("needs a reason"), "{err}");
        std::fs::write(&dir, "[cases.\"A.01\"]\nverdict = \"fail\"\nreason = \"known\"\n").unwrap();
        let b = Baseline::load(&dir).unwrap();
        assert_eq!(b.cases["A.01"].verdict, Verdict::Fail);
        std::fs::remove_file(&dir).ok();
    }
}

//! Loading DUT profiles from files: a profile error names the file, line,
//! column and field, with the offending line under it.

use std::path::{Path, PathBuf};
pub use suites::profile::{Profile, ProfileError, Role};

/// Read and check the profile at `path`; the error is ready to print.
pub fn load(path: &Path) -> Result<Profile, String> {
    let src = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Profile::parse(&src).map_err(|e| e.render(&path.display().to_string(), &src))
}

/// Every `*.toml` under `dir` (recursively), sorted, each loaded.
pub fn load_all(dir: &Path) -> std::io::Result<Vec<(PathBuf, Result<Profile, String>)>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files.into_iter().map(|p| (p.clone(), load(&p))).collect())
}

/// The DUT description the reports carry.
pub fn dut_info(p: &Profile) -> crate::runner::DutInfo {
    crate::runner::DutInfo {
        name: p.dut.name.clone(),
        vendor: p.dut.vendor.clone(),
        model: p.dut.model.clone(),
        software_version: p.dut.software_version.clone(),
        profile: p.report_profile(),
    }
}

/// The real link the PIXIT describe: the interface (raw Ethernet) or the
/// UDP endpoints.
pub fn link(p: &Profile) -> Option<crate::transport::LinkSpec> {
    use crate::transport::LinkSpec;
    match (&p.pixit.interface, &p.pixit.udp) {
        (_, Some(u)) => Some(LinkSpec::Udp {
            local: u.local,
            peer: u.peer,
        }),
        (Some(i), None) => Some(LinkSpec::Ethernet { interface: i.clone() }),
        (None, None) => None,
    }
}

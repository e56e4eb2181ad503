//! Driving the O-RU suite from an earlier run's captures: each case's DUT
//! frames come from `<run>/cases/<ID>.pcap`, played back in virtual time,
//! and what the case sends is checked against what was sent then (a case
//! whose traffic no longer matches comes out inconclusive, saying why).

use crate::capture::CaptureReader;
use crate::runner::PortFactory;
use std::path::PathBuf;
use suites::case::Setup;
use suites::port::{Port, PortError};
use suites::replay::{self, Recorded, ReplayPort};

/// The recordings of a run folder.
pub struct Recordings {
    pub dir: PathBuf,
}

impl Recordings {
    fn frames(&self, id: &str) -> Result<Vec<Recorded>, PortError> {
        let path = self.dir.join("cases").join(format!("{id}.pcap"));
        let reader = CaptureReader::open(&path)
            .map_err(|e| PortError::Io(format!("no recording of {id}: {}: {e}", path.display())))?;
        reader
            .map(|p| {
                p.map(|p| (p.ts_ns, p.data))
                    .map_err(|e| PortError::Io(format!("{}: {e}", path.display())))
            })
            .collect()
    }
}

impl PortFactory for Recordings {
    fn open(&self, _setup: &Setup) -> Result<Box<dyn Port>, PortError> {
        Err(PortError::Io("a recording is opened per case".into()))
    }

    fn open_case(&self, id: &str, setup: &Setup) -> Result<(Box<dyn Port>, Setup), PortError> {
        let frames = self.frames(id)?;
        let setup = replay::recorded_setup(setup, &frames).ok_or_else(|| {
            PortError::Io(format!(
                "the recording of {id} holds no O-RAN message from the harness (another interface, or MAC addresses other than the profile's?)"
            ))
        })?;
        let port = ReplayPort::new(frames, setup.fh.link.ru_mac, 0);
        Ok((Box::new(port), setup))
    }

    fn dut_name(&self) -> String {
        format!("recording in {}", self.dir.display())
    }

    fn shared(&self) -> bool {
        false
    }
}

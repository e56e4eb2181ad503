//! What a test case is, what it is given, and what it gives back.

use crate::model::{Applicability, CaseMeta, Finding, Measurement, SpecRef, Verdict};
use crate::port::Port;
use codecs::fronthaul::compression::UdCompHdr;
use serde::{Deserialize, Serialize};
use sim::Nanos;
use sim::config::{FronthaulConfig, UdCompPresence};
use sim::odu::OduBehaviour;
use sim::signal::TestSignal;

/// Capabilities an O-RU claims (its PICS), as far as the fronthaul cases
/// need; a DUT profile's full claims are in [`crate::profile`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OruPics {
    /// UL U-plane compressions the O-RU can produce.
    pub ul_comp: Vec<UdCompHdr>,
    /// C-plane section types the O-RU accepts.
    pub section_types: Vec<u8>,
    /// Whether the O-RU's receive counters can be read (M-plane statistics).
    pub rx_counters: bool,
    /// DL U-plane compressions the O-RU can take.
    #[serde(default)]
    pub dl_comp: Vec<UdCompHdr>,
    /// udCompHdr modes (static, dynamic) the O-RU supports.
    #[serde(default)]
    pub ud_comp_hdr: Vec<UdCompPresence>,
    /// Section extension types the O-RU accepts.
    #[serde(default)]
    pub section_extensions: Vec<u8>,
}

impl OruPics {
    /// Required when the O-RU claims section type `st`, else not
    /// applicable, saying so.
    pub fn needs_section_type(&self, st: u8) -> Applicability {
        if self.section_types.contains(&st) {
            Applicability::Required
        } else {
            Applicability::NotApplicable(format!("the O-RU claims no section type {st}"))
        }
    }
}

/// Everything a fronthaul case needs to know about the test bed (the agreed
/// M-plane configuration, the DUT's claims, and the lab settings).
#[derive(Debug, Clone)]
pub struct Setup {
    pub fh: FronthaulConfig,
    pub pics: OruPics,
    /// The O-DU role the harness plays.
    pub tester: OduBehaviour,
    /// The signal applied at the O-RU's antenna ports for uplink cases, if
    /// known to the harness (a signal generator's setting in a lab).
    pub stimulus: Option<TestSignal>,
    /// One-way transport delay between harness and DUT.
    pub transport_delay: Nanos,
    /// First absolute slot of the traffic, and how many slots each case runs.
    pub first_slot: u64,
    pub num_slots: u64,
}

/// What a case is handed when it runs.
pub struct Ctx<'a> {
    pub setup: &'a Setup,
    pub port: &'a mut dyn Port,
}

/// What a case found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub measurements: Vec<Measurement>,
}

impl Outcome {
    pub fn finding(&mut self, verdict: Verdict, clause: SpecRef, message: impl Into<String>) {
        self.findings.push(Finding {
            verdict,
            clause,
            message: message.into(),
        });
    }

    pub fn measure(&mut self, name: &str, description: &str, unit: &'static str, values: Vec<f64>) {
        if !values.is_empty() {
            self.measurements.push(Measurement {
                name: name.into(),
                description: description.into(),
                unit,
                values,
            });
        }
    }

    /// Worst verdict of all findings (none when nothing was judged).
    pub fn verdict(&self) -> Verdict {
        self.findings.iter().fold(Verdict::None, |v, f| v.worst(f.verdict))
    }

    /// The first finding carrying the worst verdict, as the headline reason.
    pub fn reason(&self) -> String {
        let worst = self.verdict();
        self.findings
            .iter()
            .find(|f| f.verdict == worst)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| "nothing was judged".into())
    }
}

/// A conformance test case.
pub trait TestCase: Send + Sync {
    fn meta(&self) -> CaseMeta;
    /// Decided from the DUT's claims before anything runs; a case that
    /// applies to every O-RU keeps this default.
    fn applicability(&self, _pics: &OruPics) -> Applicability {
        Applicability::Required
    }
    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome;
}

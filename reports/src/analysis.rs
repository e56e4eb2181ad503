//! The human account of a capture analysis.

use std::fmt::Write;
use suites::analyze::{AnalysisReport, CompSource};

/// Flows, compression (and how it was known), timing and findings.
pub fn analysis_summary(name: &str, r: &AnalysisReport) -> String {
    let mut s = String::new();
    let mb = r.bytes as f64 / 1e6;
    let _ = writeln!(
        s,
        "{name}: {} frames ({mb:.2} MB), {} eCPRI messages, {} not eCPRI, {} undecodable",
        r.frames, r.ecpri_messages, r.not_ecpri, r.undecodable
    );
    if let Some(mu) = r.numerology {
        let _ = writeln!(s, "numerology: mu = {mu} ({} kHz)", 15u32 << mu);
    }
    let _ = writeln!(s, "\nflows:");
    for f in &r.flows {
        let id = f.eaxc_parts.clone().unwrap_or_else(|| format!("{:#06x}", f.eaxc));
        let plane = if f.plane == suites::analyze::Plane::C { "C" } else { "U" };
        let _ = write!(
            s,
            "  eAxC {id:<12} {plane}-plane {}  {:>7} msgs {:>8} sections",
            f.direction, f.messages, f.sections
        );
        if !f.section_types.is_empty() {
            let st: Vec<String> = f.section_types.iter().map(|(t, n)| format!("ST{t}: {n}")).collect();
            let _ = write!(s, "  [{}]", st.join(", "));
        }
        if f.sequence_gaps + f.sequence_duplicates > 0 {
            let _ = write!(
                s,
                "  seq: {} gaps ({} lost), {} repeats",
                f.sequence_gaps, f.sequence_lost, f.sequence_duplicates
            );
        } else {
            let _ = write!(s, "  seq: continuous");
        }
        let _ = writeln!(s);
        if let Some(c) = &f.compression {
            let how = match c {
                CompSource::Profile { mode } => format!("{mode} (given)"),
                CompSource::Cplane { comp } => format!("static {comp} (from the UL C-plane udCompHdr)"),
                CompSource::Inferred(i) => format!(
                    "{} inferred ({:?}, {} messages: {}){}",
                    codecs::fronthaul::infer::describe(&i.mode),
                    i.confidence,
                    i.messages,
                    i.evidence,
                    i.carrier_prbs
                        .map(|c| format!("; carrier {c} PRBs"))
                        .unwrap_or_default()
                ),
                CompSource::Unknown { why } => format!("unknown: {why}"),
                CompSource::Pending => "not decided".into(),
            };
            let _ = writeln!(s, "      compression: {how}");
            if f.unannounced_sections + f.never_answered + f.decode_errors > 0 {
                let _ = writeln!(
                    s,
                    "      {} sections not announced by C-plane, {} C-plane sections never answered, {} decode errors",
                    f.unannounced_sections, f.never_answered, f.decode_errors
                );
            }
        }
    }
    if let Some(a) = &r.air_time {
        let _ = writeln!(s, "\n{}", air_time_line(a));
    }
    if !r.timing.is_empty() {
        let _ = writeln!(s, "\ntiming (lead before air time of the symbol named, us):");
        let _ = writeln!(
            s,
            "  {:<10} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "", "msgs", "min", "p1", "median", "p99", "max"
        );
        for t in &r.timing {
            let plane = if t.plane == suites::analyze::Plane::C { "C" } else { "U" };
            let _ = writeln!(
                s,
                "  {plane}-plane {:<2} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
                t.direction, t.messages, t.min_us, t.p1_us, t.median_us, t.p99_us, t.max_us
            );
        }
    }
    let _ = writeln!(s, "\nfindings:");
    if r.observations.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for o in &r.observations {
        let _ = writeln!(
            s,
            "  {:<12} {} §{}: {} (x{}, first in frame {})",
            o.verdict.as_str().to_uppercase(),
            o.clause.spec.trim_start_matches("O-RAN.WG4."),
            o.clause.clause,
            o.what,
            o.count,
            o.first_frame
        );
    }
    s
}

/// Where air time came from, in one or two lines.
fn air_time_line(a: &suites::analyze::AirTimeInfo) -> String {
    let mut s = match (a.source, &a.ptp) {
        ("given", _) => "air time: as given on the command line".to_string(),
        (_, Some(p)) => {
            let mut s = format!(
                "PTP: {} messages ({} malformed), {} Sync used from {} in domain {}{}, {} ignored",
                p.messages,
                p.malformed,
                p.syncs_used,
                p.master.as_deref().unwrap_or("no master on the PTP timescale"),
                p.domain.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                if p.two_step { " (two-step)" } else { "" },
                p.syncs_ignored
            );
            if let Some(gm) = &p.grandmaster {
                s += &format!("; grandmaster {gm}, clockClass {}", p.clock_class.unwrap_or(0));
            }
            if let Some([first, min, max]) = p.capture_minus_ptp_ns {
                s += &format!(
                    "\n  capture clock - PTP: {:.6} s at first Sync, spread {} ns",
                    first as f64 / 1e9,
                    max - min
                );
            }
            if a.source == "ptp" {
                s += "\n  air time from PTP (SFN 0 at the GPS epoch)";
            } else {
                s += "\n  no air time: no Sync on the PTP timescale (give --air-time gps|air)";
            }
            s
        }
        _ => "air time: none".to_string(),
    };
    if a.untimed > 0 {
        s += &format!("\n  {} messages not timed (before any reference)", a.untimed);
    }
    s
}

//! The analyzer, fed captures of simulated traffic whose truth is known.

use codecs::fronthaul::uplane::UdCompMode;
use sim::oru::OruFault;
use suites::analyze::{AirTimeRef, AnalyzeConfig, Analyzer, CompSource, Plane};
use suites::bed::{DEFAULT_STIMULUS_SEED, default_setup, simulated_oru};
use suites::case::{Ctx, Setup};
use suites::model::Verdict;
use suites::ofh::traffic;
use suites::port::Port;

fn capture(setup: &Setup, fault: OruFault) -> Vec<(u64, Vec<u8>)> {
    let mut port = simulated_oru(setup, fault);
    let mut ctx = Ctx { setup, port: &mut port };
    let plan = traffic::plan(&ctx);
    traffic::exchange(&mut ctx, plan);
    port.take_capture().into_iter().map(|c| (c.at, c.frame)).collect()
}

fn analyze(frames: &[(u64, Vec<u8>)], cfg: AnalyzeConfig) -> suites::analyze::AnalysisReport {
    let mut a = Analyzer::new(cfg);
    for (t, f) in frames {
        a.push(*t, f);
    }
    a.finish()
}

#[test]
fn conformant_traffic_has_no_findings_and_its_settings_are_inferred() {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let frames = capture(&setup, OruFault::None);
    let r = analyze(
        &frames,
        AnalyzeConfig {
            air_time: Some(AirTimeRef::air_clock(0)),
            ..Default::default()
        },
    );
    assert_eq!(r.undecodable, 0);
    assert!(r.observations.is_empty(), "{:#?}", r.observations);
    assert_eq!(r.numerology, Some(1));
    let dl_u = r
        .flows
        .iter()
        .find(|f| f.plane == Plane::U && f.direction == "DL")
        .unwrap();
    match &dl_u.compression {
        Some(CompSource::Inferred(i)) => assert_eq!(i.mode, UdCompMode::Static(setup.fh.dl_comp)),
        other => panic!("DL U-plane compression {other:?}"),
    }
    let ul_u = r
        .flows
        .iter()
        .find(|f| f.plane == Plane::U && f.direction == "UL" && f.eaxc == 0)
        .unwrap();
    assert!(
        matches!(ul_u.compression, Some(CompSource::Cplane { .. })),
        "{:?}",
        ul_u.compression
    );
    // Timing: the O-DU sends DL U-plane a fixed lead before air time.
    let t = r
        .timing
        .iter()
        .find(|t| t.plane == Plane::U && t.direction == "DL")
        .unwrap();
    let lead_us = setup.tester.dl_up_lead as f64 / 1000.0;
    assert!(
        (t.min_us - lead_us).abs() < 0.01 && (t.max_us - lead_us).abs() < 0.01,
        "{t:?}"
    );
}

#[test]
fn sequence_gaps_and_uncoupled_sections_are_found() {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let r = analyze(&capture(&setup, OruFault::SeqGap), AnalyzeConfig::default());
    let seq = r
        .observations
        .iter()
        .find(|o| o.clause.clause == "5.1.3.2.8")
        .expect("a sequence finding");
    assert_eq!(seq.verdict, Verdict::Fail);
    assert!(seq.count >= 20, "{seq:?}");

    let r = analyze(&capture(&setup, OruFault::WrongSectionId), AnalyzeConfig::default());
    let c = r
        .observations
        .iter()
        .find(|o| o.clause.clause == "7.8.1")
        .expect("a coupling finding");
    assert!(c.what.contains("not announced"), "{c:?}");
}

#[test]
fn dynamic_udcomphdr_is_recognised() {
    let mut setup = default_setup(DEFAULT_STIMULUS_SEED);
    setup.fh.dl_comp_presence = sim::config::UdCompPresence::Dynamic;
    setup.fh.dl_comp = "bfp:14".parse().unwrap();
    let r = analyze(&capture(&setup, OruFault::None), AnalyzeConfig::default());
    let dl_u = r
        .flows
        .iter()
        .find(|f| f.plane == Plane::U && f.direction == "DL")
        .unwrap();
    match &dl_u.compression {
        Some(CompSource::Inferred(i)) => assert_eq!(i.mode, UdCompMode::Dynamic),
        other => panic!("{other:?}"),
    }
    assert_eq!(dl_u.decode_errors, 0);
    assert!(r.observations.is_empty(), "{:#?}", r.observations);
}

#[test]
fn a_misplaced_section_extension_is_decoded_and_reported() {
    use codecs::fronthaul::cplane::{CplaneMessage, Extension};
    // A DL ST1 message from the default O-DU, with SE 7 (multiple-eAxC
    // designation, only allowed in section type 0) added to its section.
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let frames = capture(&setup, OruFault::None);
    let (t, frame) = frames
        .iter()
        .find(|(_, f)| f.len() > 26 && f[18] == 0x10 && f[19] == 0x02 && f[26] == 0x90)
        .expect("a DL C-plane frame")
        .clone();
    let data = &frame[26..];
    let mut msg = CplaneMessage::parse(data).unwrap();
    let body = [0xAA, 0x55];
    if let codecs::fronthaul::cplane::CplaneBody::Sections { sections, .. } = &mut msg.body {
        sections[0].extensions.push(Extension::new(7, &body));
    }
    let mut new_data = Vec::new();
    msg.emit(&mut new_data).unwrap();
    let mut rebuilt = frame[..26].to_vec();
    rebuilt.extend_from_slice(&new_data);
    let size = (rebuilt.len() - 22) as u16;
    rebuilt[20..22].copy_from_slice(&size.to_be_bytes());

    let r = analyze(&[(t, rebuilt)], AnalyzeConfig::default());
    let o = r
        .observations
        .iter()
        .find(|o| o.clause.clause == "7.7.7")
        .expect("a placement finding");
    assert_eq!(o.verdict, Verdict::Fail);
    assert!(o.what.contains("extension 7 in section type 1"), "{o:?}");
    assert_eq!(r.undecodable, 0, "still decoded");
}

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

// ---------------------------------------------------------------------------
// Air time from the PTP the capture carries (IEEE 1588 Sync / Follow_Up,
// G.8275.1: SFN 0 at the GPS epoch on the PTP timescale).
// ---------------------------------------------------------------------------

/// The GPS epoch on the PTP timescale, in ns.
const GPS_EPOCH_PTP_NS: u128 = (315_964_800 + 19) * 1_000_000_000;

/// A PTP message in an Ethernet frame (ethertype 0x88F7, one VLAN tag).
fn ptp_frame(t: codecs::ptp::MessageType, flags: u16, domain: u8, seq: u16, ptp_ns: u128) -> Vec<u8> {
    use codecs::ptp::*;
    let ts = Timestamp {
        seconds: (ptp_ns / 1_000_000_000) as u64,
        nanoseconds: (ptp_ns % 1_000_000_000) as u32,
    };
    let body = match t {
        MessageType::FollowUp => Body::FollowUp {
            precise_origin_timestamp: ts,
        },
        _ => Body::Sync { origin_timestamp: ts },
    };
    let mut m = Message {
        header: Header {
            major_sdo_id: 0,
            message_type: t,
            minor_version: 1,
            version: 2,
            message_length: 0,
            domain,
            minor_sdo_id: 0,
            flags,
            correction: 0,
            message_type_specific: 0,
            source_port: PortIdentity {
                clock_identity: [0xac, 0x1f, 0x6b, 0xff, 0xfe, 0, 0, 1],
                port_number: 1,
            },
            sequence_id: seq,
            control: 0,
            log_message_interval: -4,
        },
        body,
    };
    m.header.message_length = m.wire_len() as u16;
    let mut f = vec![
        0x01, 0x1b, 0x19, 0, 0, 0, 0xac, 0x1f, 0x6b, 0, 0, 1, 0x81, 0x00, 0xe0, 0x05, 0x88, 0xf7,
    ];
    m.emit(&mut f).unwrap();
    f
}

/// The capture re-timed onto a capture clock `capture = air * (1 + ppm e-6)
/// + base`, with a PTP master's Sync every `every` ns of air time (two-step
/// with Follow_Up when `two_step`), starting `first` ns into the capture.
fn with_ptp(
    frames: &[(u64, Vec<u8>)],
    base: u64,
    ppm: f64,
    every: u64,
    first: u64,
    two_step: bool,
) -> Vec<(u64, Vec<u8>)> {
    use codecs::ptp::{MessageType, flags};
    let clock = |air: u64| base + air + (air as f64 * ppm * 1e-6) as u64;
    let start = frames.first().map(|f| f.0).unwrap_or(0);
    let end = frames.last().map(|f| f.0).unwrap_or(0);
    let mut out: Vec<(u64, Vec<u8>)> = frames.iter().map(|(t, f)| (clock(*t), f.clone())).collect();
    let mut seq = 0u16;
    let mut air = start + first;
    while air <= end {
        let ptp = air as u128 + GPS_EPOCH_PTP_NS;
        if two_step {
            let fl = flags::TWO_STEP | flags::PTP_TIMESCALE;
            out.push((clock(air), ptp_frame(MessageType::Sync, fl, 24, seq, 0)));
            out.push((
                clock(air) + 3_000,
                ptp_frame(MessageType::FollowUp, flags::PTP_TIMESCALE, 24, seq, ptp),
            ));
        } else {
            out.push((
                clock(air),
                ptp_frame(MessageType::Sync, flags::PTP_TIMESCALE, 24, seq, ptp),
            ));
        }
        // Another domain and an arbitrary-timescale master: not used.
        out.push((
            clock(air) + 1,
            ptp_frame(MessageType::Sync, flags::PTP_TIMESCALE, 44, seq, 7),
        ));
        out.push((clock(air) + 2, ptp_frame(MessageType::Sync, 0, 24, seq, 7)));
        seq = seq.wrapping_add(1);
        air += every;
    }
    out.sort_by_key(|f| f.0);
    out
}

fn lead_range(r: &suites::analyze::AnalysisReport, plane: Plane, dir: &str) -> (f64, f64, u64) {
    let t = r
        .timing
        .iter()
        .find(|t| t.plane == plane && t.direction == dir)
        .unwrap();
    (t.min_us, t.max_us, t.messages)
}

#[test]
fn ptp_in_the_capture_gives_the_same_timing_as_the_air_clock() {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let frames = capture(&setup, OruFault::None);
    let truth = analyze(
        &frames,
        AnalyzeConfig {
            air_time: Some(AirTimeRef::air_clock(0)),
            ..Default::default()
        },
    );
    // A capture clock keeping UTC-like time, far from the air clock; the
    // first Sync comes 2 ms in, so earlier messages must wait for it.
    let base = 1_790_000_000_000_000_000;
    for two_step in [false, true] {
        let timed = with_ptp(&frames, base, 0.0, 1_000_000, 2_000_000, two_step);
        let r = analyze(
            &timed,
            AnalyzeConfig {
                ptp_air_time: Some(0),
                ..Default::default()
            },
        );
        let info = r.air_time.as_ref().expect("air time info");
        assert_eq!(info.source, "ptp");
        assert_eq!(info.untimed, 0);
        let p = info.ptp.as_ref().unwrap();
        assert_eq!((p.domain, p.two_step), (Some(24), two_step));
        assert!(p.syncs_used >= 5 && p.syncs_ignored >= 10, "{p:?}");
        assert_eq!(p.master.as_deref(), Some("ac:1f:6b:ff:fe:00:00:01"));
        for (plane, dir) in [(Plane::C, "DL"), (Plane::U, "DL"), (Plane::C, "UL"), (Plane::U, "UL")] {
            let (a, b) = (lead_range(&truth, plane, dir), lead_range(&r, plane, dir));
            assert_eq!(a.2, b.2, "{plane:?} {dir}");
            assert!(
                (a.0 - b.0).abs() < 0.01 && (a.1 - b.1).abs() < 0.01,
                "{plane:?} {dir}: {a:?} vs {b:?}"
            );
        }
        // The eCPRI traffic itself is unchanged by the PTP frames.
        assert_eq!(r.ecpri_messages, truth.ecpri_messages);
        assert!(r.observations.is_empty(), "{:#?}", r.observations);
    }
}

#[test]
fn ptp_reference_follows_a_drifting_capture_clock() {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let frames = capture(&setup, OruFault::None);
    // 50 ppm fast: over the 10 ms capture that is 500 ns, so a fixed
    // reference would smear the leads; one re-read every 0.5 ms keeps the
    // error below 25 ns.
    let timed = with_ptp(&frames, 5_000_000_000, 50.0, 500_000, 0, true);
    let r = analyze(
        &timed,
        AnalyzeConfig {
            ptp_air_time: Some(0),
            ..Default::default()
        },
    );
    let (lo, hi, _) = lead_range(&r, Plane::U, "DL");
    let lead_us = setup.tester.dl_up_lead as f64 / 1000.0;
    assert!(
        (lo - lead_us).abs() < 0.03 && (hi - lead_us).abs() < 0.03,
        "{lo} {hi} vs {lead_us}"
    );
    let spread = r.air_time.unwrap().ptp.unwrap().capture_minus_ptp_ns.unwrap();
    assert!(spread[2] - spread[1] >= 400, "{spread:?}");
}

#[test]
fn without_ptp_or_a_reference_nothing_is_timed_and_the_report_says_so() {
    let setup = default_setup(DEFAULT_STIMULUS_SEED);
    let frames = capture(&setup, OruFault::None);
    let r = analyze(
        &frames,
        AnalyzeConfig {
            ptp_air_time: Some(0),
            ..Default::default()
        },
    );
    assert!(r.timing.is_empty());
    assert!(r.air_time.is_none());
    // PTP on an arbitrary timescale only: seen, but no air time from it.
    let arb: Vec<_> = with_ptp(&frames, 0, 0.0, 1_000_000, 0, false)
        .into_iter()
        .filter(|(_, f)| !(f.len() > 26 && f[16..18] == [0x88, 0xf7] && f[25] & 0x08 != 0))
        .collect();
    let r = analyze(
        &arb,
        AnalyzeConfig {
            ptp_air_time: Some(0),
            ..Default::default()
        },
    );
    let info = r.air_time.expect("PTP was seen");
    assert_eq!(info.source, "none");
    assert!(info.untimed > 0);
    assert!(r.timing.is_empty());
}

//! The fronthaul O-RU cases. Each quotes, where it judges, the requirement it
//! checks; each is paired with a faulty O-RU variant that it must catch (see
//! the fault table test in this crate).

use super::cus;
use super::traffic::{self, Observed, Requests, UlFrame, UlMessage};
use crate::case::{Ctx, OruPics, Outcome, TestCase};
use crate::model::{Applicability, CaseMeta, SpecRef, Status, Verdict};
use codecs::fronthaul::compression::{self, CompMethod};
use codecs::fronthaul::header::Direction;
use sim::odu::TxKind;
use sim::oru::Plane;
use std::collections::{BTreeMap, HashMap};

const ECPRI_SPEC: SpecRef = SpecRef {
    spec: "eCPRI Specification",
    version: "2.0",
    clause: "3.2.3.1",
};

/// Findings common to every case: a port that failed is the harness's
/// problem (error), not the DUT's.
fn port_health(obs: &Observed, out: &mut Outcome, clause: SpecRef) {
    if let Some(e) = &obs.exchange.port_error {
        out.finding(Verdict::Error, clause, format!("test bed: {e}"));
    }
}

/// The default O-DU traffic, sent and answered, with the port's health judged.
fn observe_default(ctx: &mut Ctx<'_>, clause: &SpecRef) -> (Outcome, Observed) {
    let mut out = Outcome::default();
    let plan = traffic::plan(ctx);
    let obs = traffic::observe(ctx, plan);
    port_health(&obs, &mut out, clause.clone());
    (out, obs)
}

fn no_uplink(out: &mut Outcome, clause: SpecRef) {
    out.finding(
        Verdict::Inconclusive,
        clause,
        "the O-RU sent no UL U-plane, so there was nothing to judge (C/U-plane coupling reports the absence)",
    );
}

fn us(ns: i64) -> f64 {
    ns as f64 / 1000.0
}

// ---------------------------------------------------------------------------

/// eCPRI common header of every frame the O-RU sends.
pub struct EcpriHeader;

impl TestCase for EcpriHeader {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.TRN.ECPRI.01",
            number: "1.1.1",
            title: "eCPRI common header of O-RU frames",
            purpose: "Every eCPRI message from the O-RU carries revision 1, reserved bits 0, a payload size matching its bytes, and message type 0 (IQ data) for U-plane; ecpriSeqid has E = 1 and subSequenceId 0 when the message is not fragmented.",
            clause: cus("5.1.3.2"),
            class: "TRN",
            status: Status::Mandatory,
            tags: &["ecpri", "transport", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        // The case drives section type 1 UL C-plane.
        pics.needs_section_type(1)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let (mut out, obs) = observe_default(ctx, &self.meta().clause);
        let mut judged = 0u64;
        let mut bad = BTreeMap::<String, u64>::new();
        for f in &obs.frames {
            match f {
                UlFrame::Undecodable { error, .. } => {
                    *bad.entry(format!("undecodable frame: {error}")).or_default() += 1
                }
                UlFrame::Other { message_type, .. } => {
                    *bad.entry(format!("unexpected eCPRI message type {message_type} from the O-RU"))
                        .or_default() += 1
                }
                UlFrame::Uplane(m) => {
                    judged += 1;
                    // eCPRI 2.0 §3.2.3.1: "eCPRI Protocol Revision ... 0001b"; reserved bits "shall be 0".
                    if m.ecpri.revision != 1 {
                        *bad.entry(format!("revision {} (shall be 1)", m.ecpri.revision))
                            .or_default() += 1;
                    }
                    if m.ecpri.reserved != 0 {
                        *bad.entry(format!("reserved bits {:#x} (shall be 0)", m.ecpri.reserved))
                            .or_default() += 1;
                    }
                    // CUS §5.1.3.2.8: E = 1 and subSequenceId 0 unless radio-transport fragmentation is used.
                    if !m.seq.e_bit || m.seq.sub_sequence_id != 0 {
                        *bad.entry(format!(
                            "fragmented message (E = {}, subSequenceId = {}) though fragmentation is not configured",
                            m.seq.e_bit as u8, m.seq.sub_sequence_id
                        ))
                        .or_default() += 1;
                    }
                }
            }
        }
        for (what, n) in &bad {
            out.finding(Verdict::Fail, ECPRI_SPEC, format!("{n} message(s): {what}"));
        }
        if judged == 0 && bad.is_empty() {
            no_uplink(&mut out, self.meta().clause);
        } else if bad.is_empty() {
            out.finding(
                Verdict::Pass,
                ECPRI_SPEC,
                format!("{judged} eCPRI messages with a conformant common header"),
            );
        }
        out.measure("messages", "eCPRI messages judged", "count", vec![judged as f64]);
        out
    }
}

// ---------------------------------------------------------------------------

/// ecpriSeqid continuity per eAxC.
pub struct SequenceId;

impl TestCase for SequenceId {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.TRN.SEQ.01",
            number: "1.1.2",
            title: "UL U-plane sequence ID continuity per eAxC",
            purpose: "The sequenceId of UL U-plane messages increases by one (modulo 256) from message to message of each eAxC, with no gap and no repeat.",
            clause: cus("5.1.3.2.8"),
            class: "TRN",
            status: Status::Mandatory,
            tags: &["ecpri", "sequence", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        // The case drives section type 1 UL C-plane.
        pics.needs_section_type(1)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let (mut out, obs) = observe_default(ctx, &clause);
        let mut last: HashMap<u16, u8> = HashMap::new();
        let (mut gaps, mut lost, mut dups, mut n) = (0u64, 0u64, 0u64, 0u64);
        let mut first_gap = None;
        for m in traffic::uplane(&obs.frames) {
            n += 1;
            let s = m.seq.sequence_id;
            if let Some(prev) = last.insert(m.eaxc, s) {
                // §5.1.3.2.8: the sequence ID "shall be incremented by one for each
                // message ... per eAxC", wrapping at 256.
                let expected = prev.wrapping_add(1);
                if s == prev {
                    dups += 1;
                } else if s != expected {
                    gaps += 1;
                    lost += s.wrapping_sub(expected) as u64;
                    first_gap.get_or_insert((m.eaxc, expected, s));
                }
            }
        }
        if gaps > 0 {
            let (e, want, got) = first_gap.unwrap_or_default();
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!(
                    "{gaps} gap(s), {lost} sequence ID(s) skipped; first on eAxC {e:#06x}: expected {want}, got {got}"
                ),
            );
        }
        if dups > 0 {
            out.finding(Verdict::Fail, clause.clone(), format!("{dups} repeated sequence ID(s)"));
        }
        if n == 0 {
            no_uplink(&mut out, clause);
        } else if gaps == 0 && dups == 0 {
            out.finding(
                Verdict::Pass,
                clause,
                format!("{n} messages over {} eAxC(s), sequence continuous", last.len()),
            );
        }
        out.measure("gaps", "sequence gaps observed", "count", vec![gaps as f64]);
        out.measure("duplicates", "repeated sequence IDs", "count", vec![dups as f64]);
        out
    }
}

// ---------------------------------------------------------------------------

/// UL U-plane radio application header.
pub struct UplaneHeader;

impl TestCase for UplaneHeader {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.UP.HDR.01",
            number: "2.1.1",
            title: "UL U-plane radio application header",
            purpose: "UL U-plane messages carry dataDirection = 0 (UL), payloadVersion = 1, the filterIndex of the C-plane that requested them, and frameId/subframeId/slotId/symbolId naming a symbol that C-plane requested for that eAxC.",
            clause: cus("8.3.3"),
            class: "UP",
            status: Status::Mandatory,
            tags: &["uplane", "header", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        // The case drives section type 1 UL C-plane.
        pics.needs_section_type(1)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let (mut out, obs) = observe_default(ctx, &clause);
        let n = ctx.setup.fh.numerology();
        let req = Requests::from_sent(&obs.exchange.sent, n, |_| true);
        let mut bad = BTreeMap::<&'static str, (u64, String)>::new();
        let mut note = |what: &'static str, detail: String| {
            let e = bad.entry(what).or_insert((0, detail));
            e.0 += 1;
        };
        let mut judged = 0u64;
        for m in traffic::uplane(&obs.frames) {
            judged += 1;
            // §8.3.3: dataDirection "0 = Rx (UL)", payloadVersion "shall be 1".
            if m.header.direction != Direction::Uplink {
                note(
                    "dataDirection is DL (1) in a UL U-plane message",
                    format!("eAxC {:#06x}", m.eaxc),
                );
            }
            if m.header.payload_version != 1 {
                note(
                    "payloadVersion is not 1",
                    format!("payloadVersion {}", m.header.payload_version),
                );
            }
            let Some(pos) = m.pos else {
                note(
                    "frame/subframe/slot/symbol out of range for the numerology",
                    format!("{:?}", m.header),
                );
                continue;
            };
            let covering = req.covering(m.eaxc, n, pos);
            if covering.is_empty() {
                note(
                    "names a symbol no UL C-plane requested on this eAxC",
                    format!(
                        "eAxC {:#06x} frame {} subframe {} slot {} symbol {}",
                        m.eaxc,
                        pos.frame_id(),
                        pos.subframe,
                        pos.slot,
                        pos.symbol
                    ),
                );
            } else if !covering.iter().any(|(_, s)| s.filter_index == m.header.filter_index) {
                note(
                    "filterIndex differs from the requesting C-plane",
                    format!(
                        "got {}, C-plane had {}",
                        m.header.filter_index, covering[0].1.filter_index
                    ),
                );
            }
        }
        for (what, (count, example)) in &bad {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{count} message(s): {what} (first: {example})"),
            );
        }
        if judged == 0 {
            no_uplink(&mut out, clause);
        } else if bad.is_empty() {
            out.finding(Verdict::Pass, clause, format!("{judged} UL U-plane headers conform"));
        }
        out
    }
}

// ---------------------------------------------------------------------------

/// C-plane / U-plane coupling by sectionId.
pub struct CuCoupling;

impl TestCase for CuCoupling {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.NRG.COUPLING.01",
            number: "3.1.1",
            title: "UL C/U-plane coupling via sectionId",
            purpose: "Every UL U-plane section carries the sectionId of the UL C-plane section that requested it, lies within that section's PRBs, and every requested PRB of every requested symbol is answered exactly once.",
            clause: cus("7.8.1"),
            class: "NRG",
            status: Status::Mandatory,
            tags: &["coupling", "uplane", "cplane", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        // The case drives section type 1 UL C-plane.
        pics.needs_section_type(1)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let (mut out, obs) = observe_default(ctx, &clause);
        let n = ctx.setup.fh.numerology();
        let req = Requests::from_sent(&obs.exchange.sent, n, |_| true);
        // PRBs answered per (eAxC, abs slot, symbol, sectionId).
        let mut answered: HashMap<(u16, u64, u8, u16), Vec<u32>> = HashMap::new();
        let (mut wrong_id, mut outside, mut sections) = (0u64, 0u64, 0u64);
        let mut example = None;
        for m in traffic::uplane(&obs.frames) {
            let Some(pos) = m.pos else { continue };
            let covering = req.covering(m.eaxc, n, pos);
            for s in &m.sections {
                sections += 1;
                // §7.8.1: the U-plane section "shall" use the sectionId of the
                // C-plane section describing the same PRBs.
                let Some((_, c)) = covering.iter().find(|(_, c)| c.section_id == s.section_id) else {
                    wrong_id += 1;
                    example.get_or_insert(format!(
                        "eAxC {:#06x} slot {} symbol {}: sectionId {} not announced (C-plane: {:?})",
                        m.eaxc,
                        n.abs_slot(pos),
                        pos.symbol,
                        s.section_id,
                        covering.iter().map(|(_, c)| c.section_id).collect::<Vec<_>>()
                    ));
                    continue;
                };
                if s.start_prb < c.start_prb || s.start_prb + s.num_prb > c.start_prb + c.num_prb {
                    outside += 1;
                }
                let v = answered
                    .entry((m.eaxc, n.abs_slot(pos), pos.symbol, s.section_id))
                    .or_default();
                v.extend((s.start_prb..s.start_prb + s.num_prb).map(u32::from));
            }
        }
        // Completeness: every requested PRB of every requested symbol, once.
        let (mut missing, mut duplicated, mut expected) = (0u64, 0u64, 0u64);
        for ((eaxc, slot), list) in &req.by_slot {
            for (_, c) in list {
                for sym in c.start_symbol..c.start_symbol + c.num_symbol {
                    expected += c.num_prb as u64;
                    let mut got = answered
                        .get(&(*eaxc, *slot, sym, c.section_id))
                        .cloned()
                        .unwrap_or_default();
                    got.sort_unstable();
                    let before = got.len();
                    got.dedup();
                    duplicated += (before - got.len()) as u64;
                    let covered = got
                        .iter()
                        .filter(|p| (c.start_prb as u32..(c.start_prb + c.num_prb) as u32).contains(p))
                        .count() as u64;
                    missing += c.num_prb as u64 - covered;
                }
            }
        }
        if wrong_id > 0 {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{wrong_id} of {sections} U-plane sections carry a sectionId no covering C-plane section announced; first: {}", example.unwrap_or_default()),
            );
        }
        if outside > 0 {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{outside} U-plane sections extend beyond their C-plane section's PRBs"),
            );
        }
        if missing > 0 {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{missing} of {expected} requested PRB-symbols were never answered"),
            );
        }
        if duplicated > 0 {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{duplicated} PRB-symbols answered more than once"),
            );
        }
        if expected == 0 {
            out.finding(
                Verdict::Error,
                clause.clone(),
                "the harness requested no UL data (check the slot pattern)",
            );
        } else if out.findings.iter().all(|f| f.verdict <= Verdict::Pass) {
            out.finding(
                Verdict::Pass,
                clause,
                format!("{expected} requested PRB-symbols answered once each, {sections} sections coupled"),
            );
        }
        out.measure(
            "requested_prb_symbols",
            "PRB-symbols requested by UL C-plane",
            "count",
            vec![expected as f64],
        );
        out.measure(
            "missing_prb_symbols",
            "requested PRB-symbols never answered",
            "count",
            vec![missing as f64],
        );
        out
    }
}

// ---------------------------------------------------------------------------

/// BFP compression of UL U-plane.
pub struct BfpUplink;

const ANNEX_A1: SpecRef = SpecRef {
    spec: super::CUS,
    version: super::CUS_VERSION,
    clause: "A.1",
};

impl TestCase for BfpUplink {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.CMP.BFP.UL.01",
            number: "4.1.1",
            title: "UL block floating point compression",
            purpose: "UL U-plane uses the udCompHdr the C-plane requested, each PRB's exponent is the one the Annex A.1 algorithm chooses, and the decompressed IQ reproduces the signal at the antenna within the quantisation error of the exponent.",
            clause: cus("8.3.3.13"),
            class: "CMP",
            status: Status::Conditional,
            tags: &["compression", "bfp", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        if let na @ Applicability::NotApplicable(_) = pics.needs_section_type(1) {
            na
        } else if pics.ul_comp.iter().any(|c| c.method == CompMethod::Bfp) {
            Applicability::Required
        } else {
            Applicability::NotApplicable("the O-RU claims no UL block floating point compression".into())
        }
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let mut out = Outcome::default();
        if ctx.setup.fh.ul_comp.method != CompMethod::Bfp {
            out.finding(
                Verdict::Error,
                clause,
                format!(
                    "the test bed configures UL compression {}, not BFP",
                    ctx.setup.fh.ul_comp
                ),
            );
            return out;
        }
        let plan = traffic::plan(ctx);
        let obs = traffic::observe(ctx, plan);
        port_health(&obs, &mut out, clause.clone());
        let n = ctx.setup.fh.numerology();
        let req = Requests::from_sent(&obs.exchange.sent, n, |_| true);
        let stimulus = ctx.setup.stimulus;
        let (mut prbs, mut wrong_hdr, mut non_canonical, mut beyond_quant, mut undecodable) =
            (0u64, 0u64, 0u64, 0u64, 0u64);
        let (mut sig_pow, mut err_pow) = (0f64, 0f64);
        let mut example = None;
        for m in traffic::uplane(&obs.frames) {
            let Some(pos) = m.pos else { continue };
            let covering = req.covering(m.eaxc, n, pos);
            for s in &m.sections {
                // §8.3.3.13 / §7.5.2.10: the U-plane format is the udCompHdr of
                // the C-plane section (or, when static, the M-plane setting).
                let requested = covering
                    .iter()
                    .find(|(_, c)| c.section_id == s.section_id)
                    .map(|(_, c)| c.comp)
                    .or_else(|| covering.first().map(|(_, c)| c.comp));
                if let Some(want) = requested
                    && s.comp != want
                {
                    wrong_hdr += 1;
                    continue;
                }
                let w = s.comp.iq_width;
                let Some(len) = s.comp.prb_len() else { continue };
                for (i, chunk) in s.iq.chunks(len).enumerate() {
                    let Ok((exp, mant, _)) = compression::read_bfp_prb(chunk, w) else {
                        undecodable += 1;
                        continue;
                    };
                    prbs += 1;
                    // Annex A.1: exponent = max(0, ceil(log2(maxV + 1)) - (w - 1)): with a
                    // larger exponent every mantissa fits in w - 1 bits.
                    let max_mag = mant.iter().map(|&v| if v < 0 { !v } else { v }).max().unwrap_or(0);
                    if exp > 0 && w > 1 && (max_mag as i32) < (1 << (w - 2)) {
                        non_canonical += 1;
                    }
                    let Some(sig) = stimulus else { continue };
                    let prb = s.start_prb + i as u16;
                    let want = sig.prb(m.eaxc, n.abs_slot(pos), pos.symbol, prb);
                    let mut got = [0i16; 24];
                    if compression::decompress_prb(s.comp, chunk, &mut got).is_err() {
                        undecodable += 1;
                        continue;
                    }
                    // Truncating quantisation loses less than one step of 2^exponent.
                    let step = 1i32 << exp.min(15);
                    let mut worst = 0i32;
                    for (a, b) in want.iter().zip(got.iter()) {
                        let d = (*a as i32 - *b as i32).abs();
                        worst = worst.max(d);
                        sig_pow += (*a as f64).powi(2);
                        err_pow += (d as f64).powi(2);
                    }
                    if worst > step {
                        beyond_quant += 1;
                        example.get_or_insert(format!(
                            "eAxC {:#06x} slot {} symbol {} PRB {prb}: exponent {exp}, error {worst} > step {step}",
                            m.eaxc,
                            n.abs_slot(pos),
                            pos.symbol
                        ));
                    }
                }
            }
        }
        if wrong_hdr > 0 {
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!("{wrong_hdr} sections use a compression other than the one requested"),
            );
        }
        if undecodable > 0 {
            out.finding(
                Verdict::Fail,
                ANNEX_A1,
                format!("{undecodable} PRBs could not be decompressed"),
            );
        }
        if non_canonical > 0 {
            out.finding(
                Verdict::Fail,
                ANNEX_A1,
                format!("{non_canonical} of {prbs} PRBs use an exponent larger than Annex A.1 yields (precision lost)"),
            );
        }
        if beyond_quant > 0 {
            out.finding(
                Verdict::Fail,
                ANNEX_A1,
                format!("{beyond_quant} of {prbs} PRBs decompress to values further from the antenna signal than one quantisation step; first: {}", example.unwrap_or_default()),
            );
        }
        if stimulus.is_none() {
            out.finding(
                Verdict::Inconclusive,
                ANNEX_A1,
                "no reference signal configured: decompressed IQ not compared with the antenna signal",
            );
        }
        if prbs == 0 && wrong_hdr == 0 {
            no_uplink(&mut out, clause);
        } else if out.findings.iter().all(|f| f.verdict <= Verdict::Pass) {
            out.finding(
                Verdict::Pass,
                ANNEX_A1,
                format!("{prbs} PRBs: canonical exponents, IQ within one quantisation step of the antenna signal"),
            );
        }
        if err_pow > 0.0 {
            out.measure(
                "snr",
                "signal to compression-error power ratio over all PRBs",
                "dB",
                vec![10.0 * (sig_pow / err_pow).log10()],
            );
        }
        out.measure("prbs", "PRBs judged", "count", vec![prbs as f64]);
        out
    }
}

// ---------------------------------------------------------------------------

const DLM: SpecRef = SpecRef {
    spec: super::CUS,
    version: super::CUS_VERSION,
    clause: "4.4",
};

/// UL U-plane transmit window (Ta3).
pub struct UplinkTransmitWindow;

impl TestCase for UplinkTransmitWindow {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.DLM.UL.TX.01",
            number: "5.1.1",
            title: "UL U-plane transmit window (Ta3)",
            purpose: "The O-RU sends each UL U-plane message between Ta3_min and Ta3_max after the air time of the symbol it carries (arrival time at the harness less the transport delay).",
            clause: DLM,
            class: "DLM",
            status: Status::Mandatory,
            tags: &["delay-management", "timing", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        // The case drives section type 1 UL C-plane.
        pics.needs_section_type(1)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let (mut out, obs) = observe_default(ctx, &clause);
        let n = ctx.setup.fh.numerology();
        let d = ctx.setup.fh.delay;
        let delay = ctx.setup.transport_delay as i64;
        let mut ta3 = Vec::new();
        let (mut early, mut late) = (0u64, 0u64);
        let mut worst: Option<(i64, &UlMessage)> = None;
        for m in traffic::uplane(&obs.frames) {
            let Some(pos) = m.pos else { continue };
            let t = m.at as i64 - delay - n.air_time(pos) as i64;
            ta3.push(t);
            // Delay management: UL U-plane "shall" leave the O-RU within [Ta3_min, Ta3_max].
            if t < d.ta3_min as i64 {
                early += 1;
            } else if t > d.ta3_max as i64 {
                late += 1;
            } else {
                continue;
            }
            let excess = if t < d.ta3_min as i64 {
                d.ta3_min as i64 - t
            } else {
                t - d.ta3_max as i64
            };
            if worst.is_none_or(|(w, _)| excess > w) {
                worst = Some((excess, m));
            }
        }
        if early + late > 0 {
            let (excess, m) = worst.expect("set with the counts");
            out.finding(
                Verdict::Fail,
                clause.clone(),
                format!(
                    "{late} late and {early} early of {} messages against Ta3 [{:.1}, {:.1}] us; worst {:.1} us outside (eAxC {:#06x}, symbol {})",
                    ta3.len(),
                    us(d.ta3_min as i64),
                    us(d.ta3_max as i64),
                    us(excess),
                    m.eaxc,
                    m.header.symbol_id
                ),
            );
        } else if ta3.is_empty() {
            no_uplink(&mut out, clause);
        } else {
            out.finding(
                Verdict::Pass,
                clause,
                format!(
                    "{} messages all within Ta3 [{:.1}, {:.1}] us",
                    ta3.len(),
                    us(d.ta3_min as i64),
                    us(d.ta3_max as i64)
                ),
            );
        }
        if !ta3.is_empty() {
            let min = *ta3.iter().min().unwrap_or(&0);
            let max = *ta3.iter().max().unwrap_or(&0);
            let mean = ta3.iter().sum::<i64>() as f64 / ta3.len() as f64;
            out.measure(
                "ta3_min",
                "earliest UL U-plane departure after air time",
                "millisecond",
                vec![min as f64 / 1e6],
            );
            out.measure(
                "ta3_max",
                "latest UL U-plane departure after air time",
                "millisecond",
                vec![max as f64 / 1e6],
            );
            out.measure(
                "ta3_mean",
                "mean UL U-plane departure after air time",
                "millisecond",
                vec![mean / 1e6],
            );
        }
        out.measure("late", "UL U-plane messages after Ta3_max", "count", vec![late as f64]);
        out.measure(
            "early",
            "UL U-plane messages before Ta3_min",
            "count",
            vec![early as f64],
        );
        out
    }
}

// ---------------------------------------------------------------------------

/// DL reception window accounting.
pub struct DownlinkReceiveWindow;

impl TestCase for DownlinkReceiveWindow {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.DLM.DL.RX.01",
            number: "5.2.1",
            title: "DL reception window accounting (on time, early, late)",
            purpose: "With DL C-plane and U-plane sent on time, and some deliberately before and after the O-RU's receive windows (T2a_min/max), the O-RU's receive counters classify every message as the harness sent it.",
            clause: DLM,
            class: "DLM",
            status: Status::Mandatory,
            tags: &["delay-management", "timing", "downlink", "counters"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        if let na @ Applicability::NotApplicable(_) = pics.needs_section_type(1) {
            na
        } else if pics.rx_counters {
            Applicability::Required
        } else {
            Applicability::NotApplicable("the O-RU's receive counters cannot be read by the test bed".into())
        }
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let mut out = Outcome::default();
        let d = ctx.setup.fh.delay;
        let delay = ctx.setup.transport_delay;
        let n = ctx.setup.fh.numerology();
        let mut plan = traffic::plan(ctx);
        // Shift every 7th DL message 20 us before its window opens and every
        // 7th (offset 3) 20 us after it closes; the rest stay mid-window.
        let mut expected: BTreeMap<(Plane, &'static str), u64> = BTreeMap::new();
        let mut idx = 0u64;
        for p in plan.iter_mut() {
            let (plane, min, max) = match p.kind {
                TxKind::DlCplane => (Plane::C, d.t2a_min_cp_dl, d.t2a_max_cp_dl),
                TxKind::DlUplane => (Plane::U, d.t2a_min_up, d.t2a_max_up),
                _ => continue,
            };
            idx += 1;
            let air = n.air_time(p.pos);
            let class = match idx % 7 {
                0 => {
                    p.at = air - (max + 20_000) - delay;
                    "early"
                }
                3 => {
                    p.at = air - min.saturating_sub(20_000) - delay;
                    "late"
                }
                _ => "on_time",
            };
            *expected.entry((plane, class)).or_default() += 1;
        }
        let obs = traffic::observe(ctx, plan);
        port_health(&obs, &mut out, clause.clone());
        let Some(counters) = ctx.port.dut_counters() else {
            out.finding(
                Verdict::Inconclusive,
                clause,
                "the O-RU's receive counters could not be read",
            );
            return out;
        };
        let mut mismatches = 0;
        for plane in [Plane::C, Plane::U] {
            let mut got = sim::oru::RxCounters::default();
            for (k, c) in &counters {
                if k.plane == plane && k.downlink {
                    got.add(c);
                }
            }
            let name = if plane == Plane::C { "C-plane" } else { "U-plane" };
            for (class, value) in [("on_time", got.on_time), ("early", got.early), ("late", got.late)] {
                let want = expected.get(&(plane, class)).copied().unwrap_or(0);
                out.measure(
                    &format!("dl_{}_{class}", name.to_lowercase().replace('-', "")),
                    &format!("DL {name} messages counted {class} by the O-RU (harness sent {want})"),
                    "count",
                    vec![value as f64],
                );
                if value != want {
                    mismatches += 1;
                    // Delay management: a message outside [T2a_min, T2a_max] is
                    // early or late, and the O-RU counts it so.
                    out.finding(
                        Verdict::Fail,
                        clause.clone(),
                        format!("DL {name}: O-RU counted {value} {class}, harness sent {want} {class}"),
                    );
                }
            }
        }
        if mismatches == 0 {
            let total: u64 = expected.values().sum();
            out.finding(
                Verdict::Pass,
                clause,
                format!("all {total} DL messages counted in the class they were sent in"),
            );
        }
        out
    }
}

// ---------------------------------------------------------------------------

/// PRACH via section type 3.
pub struct PrachSt3;

impl TestCase for PrachSt3 {
    fn meta(&self) -> CaseMeta {
        CaseMeta {
            id: "OFH.ST3.PRACH.01",
            number: "6.1.1",
            title: "PRACH U-plane answers section type 3",
            purpose: "For each section type 3 (PRACH) C-plane section, the O-RU sends PRACH U-plane on the same eAxC with the C-plane's filterIndex, for each requested symbol, covering exactly the requested PRBs.",
            clause: cus("7.3.1"),
            class: "ST3",
            status: Status::Conditional,
            tags: &["prach", "section-type-3", "uplink"],
        }
    }

    fn applicability(&self, pics: &OruPics) -> Applicability {
        pics.needs_section_type(3)
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> Outcome {
        let clause = self.meta().clause;
        let filter_clause = cus("8.3.3.3");
        let mut out = Outcome::default();
        let plan = traffic::plan(ctx);
        if !plan.iter().any(|p| p.kind == TxKind::PrachCplane) {
            out.finding(
                Verdict::Error,
                clause,
                "the test bed has no PRACH occasion or PRACH eAxC configured",
            );
            return out;
        }
        let obs = traffic::observe(ctx, plan);
        port_health(&obs, &mut out, clause.clone());
        let n = ctx.setup.fh.numerology();
        let req = Requests::from_sent(&obs.exchange.sent, n, |p| p.kind == TxKind::PrachCplane);
        let mut prbs: HashMap<(u16, u64, u8), u64> = HashMap::new();
        let (mut wrong_filter, mut msgs) = (0u64, 0u64);
        for m in traffic::uplane(&obs.frames) {
            let Some(pos) = m.pos else { continue };
            let covering = req.covering(m.eaxc, n, pos);
            let Some((_, c)) = covering.first() else { continue };
            msgs += 1;
            // §8.3.3.3: filterIndex of the U-plane "shall" match the C-plane's
            // (here 3: PRACH formats A1..C2).
            if m.header.filter_index != c.filter_index {
                wrong_filter += 1;
            }
            *prbs.entry((m.eaxc, n.abs_slot(pos), pos.symbol)).or_default() +=
                m.sections.iter().map(|s| s.num_prb as u64).sum::<u64>();
        }
        let (mut short_symbols, mut requested) = (0u64, 0u64);
        for ((eaxc, slot), list) in &req.by_slot {
            for (_, c) in list {
                for sym in c.start_symbol..c.start_symbol + c.num_symbol {
                    requested += 1;
                    if prbs.get(&(*eaxc, *slot, sym)).copied().unwrap_or(0) != c.num_prb as u64 {
                        short_symbols += 1;
                    }
                }
            }
        }
        if wrong_filter > 0 {
            out.finding(
                Verdict::Fail,
                filter_clause,
                format!("{wrong_filter} of {msgs} PRACH U-plane messages carry a filterIndex other than the C-plane's"),
            );
        }
        if short_symbols > 0 {
            out.finding(Verdict::Fail, clause.clone(), format!("{short_symbols} of {requested} requested PRACH symbols not answered with exactly the requested PRBs"));
        }
        if out.findings.iter().all(|f| f.verdict <= Verdict::Pass) {
            out.finding(
                Verdict::Pass,
                clause,
                format!("{requested} PRACH symbols answered with the requested PRBs and filterIndex"),
            );
        }
        out
    }
}

//! Inference of U-plane compression settings from the traffic itself.
//!
//! Nothing in a U-plane section says how long it is: the length follows from
//! the compression in force (static from the M-plane, or a udCompHdr in each
//! section) and, for numPrbu = 0, the carrier width. When neither a profile
//! nor a C-plane tells us, we try every plausible hypothesis and keep the
//! one under which the messages of a flow tile exactly: each section's
//! header plus numPrbu PRBs of the hypothesised length, back to back, ending
//! exactly at the end of the payload. The PRB length fixes the width (3w
//! bytes without udCompParam, 3w + 1 with one), and the udCompParam bytes
//! tell BFP (reserved nibble 0, exponent <= 16 - w) from block scaling and
//! mu-law, which share its length.

use serde::Serialize;

use super::compression::{CompMethod, UdCompHdr};
use super::header::RadioAppHeader;
use super::uplane::UdCompMode;

/// How sure an inference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Several settings explain the traffic equally well; the first is reported.
    Ambiguous,
    /// One setting explains every message; a method sharing its PRB length
    /// was ruled out by a prior (BFP is the common choice), not by evidence.
    Likely,
    /// One setting explains every message and the evidence rules out the rest.
    Certain,
}

/// The settings under which a flow's U-plane decodes consistently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inference {
    pub mode: UdCompMode,
    /// Carrier width, when numPrbu = 0 sections revealed it.
    pub carrier_prbs: Option<u16>,
    pub confidence: Confidence,
    /// Messages the decision rests on.
    pub messages: usize,
    /// Why, in a sentence.
    pub evidence: String,
    /// Other settings that also tiled every message.
    pub alternatives: Vec<String>,
}

/// PRB lengths tried: up to 16-bit I/Q with a 2-byte udCompParam.
const MAX_PRB_LEN: usize = 3 * 16 + 2;

/// Walk the sections of one message under a fixed PRB length (static
/// udCompHdr). `Some(carrier)` is the carrier width a numPrbu = 0 section
/// implied (0 when none did); `None` when the sections do not tile.
fn tiles_static(data: &[u8], prb_len: usize, carrier: Option<u16>) -> Option<u16> {
    let mut pos = RadioAppHeader::LEN;
    let mut implied = 0u16;
    if data.len() <= pos {
        return None;
    }
    while pos < data.len() {
        let hdr = data.get(pos..pos + 4)?;
        let n = hdr[3] as usize;
        let rest = data.len() - pos - 4;
        let n = if n == 0 {
            match carrier {
                Some(c) => c as usize,
                // Only the last section can leave the carrier width open.
                None if rest.is_multiple_of(prb_len) && rest / prb_len > 255 && rest / prb_len <= 275 => {
                    implied = (rest / prb_len) as u16;
                    implied as usize
                }
                None => return None,
            }
        } else {
            n
        };
        pos += 4 + n * prb_len;
    }
    (pos == data.len()).then_some(implied)
}

/// Walk the sections of one message as dynamic (udCompHdr + reserved byte in
/// each section). Returns the headers seen, or `None` when they do not tile.
fn tiles_dynamic(data: &[u8], carrier: Option<u16>) -> Option<Vec<UdCompHdr>> {
    let mut pos = RadioAppHeader::LEN;
    let mut seen = Vec::new();
    if data.len() <= pos {
        return None;
    }
    while pos < data.len() {
        let hdr = data.get(pos..pos + 6)?;
        let comp = UdCompHdr::from_byte(hdr[4]);
        let prb_len = comp.prb_len()?;
        let n = match (hdr[3], carrier) {
            (0, Some(c)) => c as usize,
            (0, None) => {
                let rest = data.len() - pos - 6;
                if !rest.is_multiple_of(prb_len) {
                    return None;
                }
                rest / prb_len
            }
            (n, _) => n as usize,
        };
        seen.push(comp);
        pos += 6 + n * prb_len;
    }
    (pos == data.len()).then_some(seen)
}

/// udCompParam bytes of one message under a static PRB length (first byte of
/// each PRB), for the method test.
fn params(data: &[u8], prb_len: usize, carrier: u16, out: &mut Vec<u8>) {
    let mut pos = RadioAppHeader::LEN;
    while let Some(hdr) = data.get(pos..pos + 4) {
        let n = if hdr[3] == 0 { carrier as usize } else { hdr[3] as usize };
        for k in 0..n {
            if let Some(b) = data.get(pos + 4 + k * prb_len) {
                out.push(*b);
            }
        }
        pos += 4 + n * prb_len;
    }
}

/// Infer the U-plane compression of one flow (one eAxC and direction) from
/// some of its messages (each from the radio application header to the end
/// of the eCPRI payload). `carrier_prbs` is used for numPrbu = 0 when known.
/// `None` when no hypothesis explains every message.
pub fn infer_uplane(messages: &[&[u8]], carrier_prbs: Option<u16>) -> Option<Inference> {
    if messages.is_empty() {
        return None;
    }
    let n = messages.len();
    // Static hypotheses: every PRB length that tiles every message.
    let mut static_fits: Vec<(usize, Option<u16>)> = Vec::new();
    'len: for prb_len in 1..=MAX_PRB_LEN {
        let mut carrier = carrier_prbs;
        for m in messages {
            match tiles_static(m, prb_len, carrier) {
                Some(0) => {}
                Some(c) if carrier.is_none() => carrier = Some(c),
                Some(_) => {}
                None => continue 'len,
            }
        }
        static_fits.push((prb_len, carrier));
    }
    // Dynamic hypothesis: tiles, and the reserved byte after udCompHdr is 0
    // in every section (it is reserved; a static flow would show IQ there).
    let dynamic: Option<Vec<UdCompHdr>> = messages.iter().try_fold(Vec::new(), |mut acc, m| {
        acc.extend(tiles_dynamic(m, carrier_prbs)?);
        Some(acc)
    });

    let mut candidates: Vec<(UdCompMode, Option<u16>, Confidence, String)> = Vec::new();
    if let Some(hdrs) = &dynamic {
        let mut distinct: Vec<UdCompHdr> = hdrs.clone();
        distinct.sort_by_key(|h| h.to_byte());
        distinct.dedup();
        let names: Vec<String> = distinct.iter().map(|h| h.to_string()).collect();
        candidates.push((
            UdCompMode::Dynamic,
            carrier_prbs,
            Confidence::Certain,
            format!(
                "every section carries a udCompHdr ({}) whose PRB length tiles the payload",
                names.join(", ")
            ),
        ));
    }
    for (prb_len, carrier) in &static_fits {
        let c = carrier.unwrap_or(0);
        match prb_len % 3 {
            // 3w bytes: no udCompParam: fixed point (method 0).
            0 if prb_len / 3 <= 16 => candidates.push((
                UdCompMode::Static(UdCompHdr::new((prb_len / 3) as u8, CompMethod::None)),
                *carrier,
                Confidence::Certain,
                format!("sections tile exactly with {prb_len}-byte PRBs and no udCompParam"),
            )),
            // 3w + 1: one udCompParam byte: BFP, block scaling or mu-law.
            1 if (prb_len - 1) / 3 >= 1 && (prb_len - 1) / 3 <= 16 => {
                let w = ((prb_len - 1) / 3) as u8;
                let mut ps = Vec::new();
                for m in messages {
                    params(m, *prb_len, c, &mut ps);
                }
                let bfp_ok = ps.iter().all(|p| p >> 4 == 0 && (p & 0x0F) <= 16 - w);
                // Mu-law's udCompParam is compBitWidth(4) | compShift(4); the
                // samples are w bits wide, so compBitWidth is read as w (0 for
                // 16) and compShift as at most 7 (Annex A.3's compression).
                let mulaw_ok = ps.iter().all(|p| p >> 4 == w & 0x0F && (p & 0x0F) <= 7);
                let (method, conf, why) = if bfp_ok {
                    let conf = if mulaw_ok {
                        Confidence::Likely
                    } else {
                        Confidence::Certain
                    };
                    (
                        CompMethod::Bfp,
                        conf,
                        format!("every udCompParam is reserved(4)=0 | exponent <= {}", 16 - w),
                    )
                } else if mulaw_ok {
                    (
                        CompMethod::MuLaw,
                        Confidence::Likely,
                        "udCompParam values fit compBitWidth | compShift <= 7".into(),
                    )
                } else {
                    (
                        CompMethod::BlockScaling,
                        Confidence::Likely,
                        "udCompParam values use all 8 bits (block scaler)".into(),
                    )
                };
                candidates.push((
                    UdCompMode::Static(UdCompHdr::new(w, method)),
                    *carrier,
                    conf,
                    format!("sections tile exactly with {prb_len}-byte PRBs; {why}"),
                ));
            }
            _ => {}
        }
    }
    if candidates.is_empty() {
        return None;
    }
    // A real setting tiles every message; several doing so is ambiguity,
    // unless only one of them is backed by specific evidence.
    let ambiguous = candidates.len() > 1;
    let alternatives: Vec<String> = candidates.iter().skip(1).map(|(m, _, _, _)| describe(m)).collect();
    let (mode, carrier, conf, evidence) = candidates.swap_remove(0);
    Some(Inference {
        mode,
        carrier_prbs: carrier,
        confidence: if ambiguous { Confidence::Ambiguous } else { conf },
        messages: n,
        evidence,
        alternatives,
    })
}

/// `static bfp:9` / `dynamic`.
pub fn describe(mode: &UdCompMode) -> String {
    match mode {
        UdCompMode::Static(h) => format!("static {h}"),
        UdCompMode::Dynamic => "dynamic udCompHdr".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fronthaul::compression::compress_prbs;
    use crate::fronthaul::header::Direction;
    use crate::fronthaul::uplane::{UplaneMessage, UplaneSection};

    fn message(comp: UdCompHdr, dynamic: bool, sections: &[(u16, u8)], seed: i16) -> Vec<u8> {
        let mut bodies = Vec::new();
        for &(_, n) in sections {
            let iq: Vec<i16> = (0..n as usize * 24)
                .map(|i| (i as i16).wrapping_mul(seed) >> 3)
                .collect();
            let mut b = Vec::new();
            compress_prbs(comp, &iq, &mut b).unwrap();
            bodies.push(b);
        }
        let msg = UplaneMessage {
            header: RadioAppHeader {
                direction: Direction::Uplink,
                payload_version: 1,
                filter_index: 0,
                frame_id: 1,
                subframe_id: 2,
                slot_id: 0,
                symbol_id: 3,
            },
            sections: sections
                .iter()
                .zip(&bodies)
                .map(|(&(start, n), b)| UplaneSection {
                    section_id: 7,
                    rb: false,
                    sym_inc: false,
                    start_prb: start,
                    num_prb: n,
                    ud_comp_hdr: dynamic.then_some(comp),
                    reserved: 0,
                    ud_comp_len: None,
                    iq: b,
                    offset: 0,
                })
                .collect(),
        };
        let mut out = Vec::new();
        msg.emit(&mut out).unwrap();
        out
    }

    #[test]
    fn static_bfp_every_width_is_recovered() {
        for w in 1..=16u8 {
            let comp = UdCompHdr::new(w, CompMethod::Bfp);
            let msgs: Vec<Vec<u8>> = (0..8)
                .map(|k| message(comp, false, &[(0, 53), (53, 53 - k as u8)], 97 + k))
                .collect();
            let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
            let inf = infer_uplane(&refs, None).unwrap();
            assert_eq!(inf.mode, UdCompMode::Static(comp), "width {w}: {inf:?}");
            // At width 16 a zero high nibble also reads as mu-law compBitWidth 16.
            let want = if w == 16 {
                Confidence::Likely
            } else {
                Confidence::Certain
            };
            assert_eq!(inf.confidence, want, "width {w}: {inf:?}");
        }
    }

    #[test]
    fn uncompressed_and_dynamic_are_recovered() {
        let none16 = UdCompHdr::new(16, CompMethod::None);
        let msgs: Vec<Vec<u8>> = (0..4).map(|k| message(none16, false, &[(0, 30 + k)], 5)).collect();
        let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
        assert_eq!(infer_uplane(&refs, None).unwrap().mode, UdCompMode::Static(none16));

        let bfp14 = UdCompHdr::new(14, CompMethod::Bfp);
        let msgs: Vec<Vec<u8>> = (0..4)
            .map(|k| message(bfp14, true, &[(0, 40 + k), (100, 20)], 11))
            .collect();
        let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
        let inf = infer_uplane(&refs, None).unwrap();
        assert_eq!(inf.mode, UdCompMode::Dynamic, "{inf:?}");
        assert_eq!(inf.confidence, Confidence::Certain);
    }

    #[test]
    fn all_prbs_section_reveals_the_carrier() {
        let bfp9 = UdCompHdr::new(9, CompMethod::Bfp);
        // numPrbu = 0 with 273 PRBs behind it.
        let mut msgs = Vec::new();
        for k in 0..3 {
            let mut m = message(bfp9, false, &[(0, 255)], 3 + k);
            let extra = message(bfp9, false, &[(0, 18)], 3 + k);
            m.extend_from_slice(&extra[8..]);
            m[7] = 0;
            msgs.push(m);
        }
        let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
        let inf = infer_uplane(&refs, None).unwrap();
        assert_eq!(inf.mode, UdCompMode::Static(bfp9));
        assert_eq!(inf.carrier_prbs, Some(273));
    }

    #[test]
    fn noise_is_not_explained() {
        let junk: Vec<Vec<u8>> = (0..4u8)
            .map(|k| (0..(97 + k as usize)).map(|i| (i as u8) ^ k).collect())
            .collect();
        let refs: Vec<&[u8]> = junk.iter().map(|m| m.as_slice()).collect();
        if let Some(inf) = infer_uplane(&refs, None) {
            assert!(inf.confidence <= Confidence::Likely, "{inf:?}");
        }
        assert_eq!(infer_uplane(&[], None), None);
        assert_eq!(infer_uplane(&[&[1, 2, 3][..]], None), None);
    }
}

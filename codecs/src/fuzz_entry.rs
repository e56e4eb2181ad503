//! The bodies of the fuzz targets (codecs/fuzz), here so that the plain test
//! replaying the seed corpus (codecs/tests/fuzz_corpus.rs) runs exactly what
//! the fuzzer runs. Each takes arbitrary bytes; the only acceptable outcomes
//! are a decode or an error, and whatever decodes must re-encode to what
//! was decoded.

use crate::e2ap::aper::{PerDecoder, Size};
use crate::ecpri::{emit_pdu, parse_pdu_with_trailer};
use crate::framing::{FramingConfig, parse_frame};
use crate::fronthaul::compression::{PrbParams, UdCompHdr};
use crate::fronthaul::cplane::{CplaneContext, CplaneMessage};
use crate::fronthaul::infer::infer_uplane;
use crate::fronthaul::uplane::{UdCompMode, UplaneConfig, UplaneMessage};

/// Link framing, then eCPRI; the PDU re-encodes to the same messages.
pub fn frame_pdu(data: &[u8]) {
    let Ok(frame) = parse_frame(data, &FramingConfig::default()) else {
        return;
    };
    let Ok(pdu) = parse_pdu_with_trailer(frame.ecpri) else {
        return;
    };
    let mut out = Vec::new();
    if emit_pdu(&pdu.messages, &mut out).is_ok() {
        let again = parse_pdu_with_trailer(&out).expect("a re-encoded PDU decodes");
        assert_eq!(again.messages.len(), pdu.messages.len());
        for (a, b) in again.messages.iter().zip(&pdu.messages) {
            assert_eq!(a.payload, b.payload);
        }
    }
}

/// C-plane without and with M-plane context, every extension decoded; the
/// raw form re-encodes byte for byte.
pub fn cplane(data: &[u8]) {
    if let Ok(m) = CplaneMessage::parse_with(data, &CplaneContext::default()) {
        for s in m.body.common_sections() {
            let _ = s.decode_extensions(m.section_type, &CplaneContext::default());
        }
    }
    let Ok(m) = CplaneMessage::parse(data) else {
        return;
    };
    let mut out = Vec::new();
    if m.emit(&mut out).is_ok() {
        assert_eq!(
            out,
            data[..data.len() - m.trailing],
            "C-plane re-encoding is byte-exact"
        );
    }
}

/// U-plane under a configuration taken from the first bytes; every section
/// decompressed; the message re-encodes byte for byte.
pub fn uplane(data: &[u8]) {
    let [mode, hdr, prbs_hi, prbs_lo, rest @ ..] = data else {
        return;
    };
    let comp = if mode & 1 == 1 {
        UdCompMode::Dynamic
    } else {
        UdCompMode::Static(UdCompHdr::from_byte(*hdr))
    };
    let cfg = UplaneConfig {
        comp,
        carrier_prbs: u16::from_be_bytes([*prbs_hi & 0x01, *prbs_lo]),
        ud_comp_len: mode & 2 == 2,
    };
    let Ok(m) = UplaneMessage::parse(rest, &cfg) else {
        return;
    };
    let mut iq = Vec::new();
    for s in &m.sections {
        let hdr = s.ud_comp_hdr.unwrap_or(UdCompHdr::from_byte(*hdr));
        iq.clear();
        let _ = s.decompress(hdr, cfg.carrier_prbs, &PrbParams::default(), &mut iq, None);
    }
    let mut out = Vec::new();
    m.emit(&mut out).expect("a decoded message re-encodes");
    assert_eq!(out, rest, "U-plane re-encoding is byte-exact");
}

/// Compression inference over the input cut into messages at every 0xFF byte.
pub fn infer(data: &[u8]) {
    let msgs: Vec<&[u8]> = data.split(|b| *b == 0xFF).take(64).collect();
    let _ = infer_uplane(&msgs, None);
    let _ = infer_uplane(&msgs, Some(273));
}

/// ALIGNED PER primitives in an order and with constraints the input picks.
pub fn aper(data: &[u8]) {
    let [ops @ .., last] = data else { return };
    let (ops, body) = ops.split_at(ops.len().min(8));
    let mut d = PerDecoder::new(body);
    for (i, op) in ops.iter().chain(std::iter::once(last)).enumerate() {
        let lb = i64::from(*op >> 4);
        let r = match op % 8 {
            0 => d.constrained_int(lb, lb + i64::from(*op) * 977).map(drop),
            1 => d.semi_constrained_int(lb).map(drop),
            2 => d.unconstrained_int().map(drop),
            3 => d.octet_string(Size::UNCONSTRAINED).map(drop),
            4 => d.bit_string(Size::range(0, usize::from(*op) * 41)).map(drop),
            5 => d.sequence_preamble(op & 1 == 1, usize::from(op >> 5)).map(drop),
            6 => d.open_type().map(drop),
            _ => d.utf8_string().map(drop),
        };
        if r.is_err() || i > 16 {
            return;
        }
    }
}

/// E2AP under every version: whatever decodes re-encodes to bytes that
/// decode to the same message; version detection never panics.
pub fn e2ap(data: &[u8]) {
    use crate::e2ap::{E2apVersion, decode, detect_version, encode};
    for v in E2apVersion::ALL {
        let Ok(pdu) = decode(v, data) else { continue };
        if let Ok(bytes) = encode(v, &pdu) {
            let again = decode(v, &bytes).expect("a re-encoded E2AP message decodes");
            assert_eq!(again, pdu, "E2AP {v:?}: decode(encode(x)) == x");
        }
    }
    let _ = detect_version(data);
}

/// E2SM-KPM, every payload kind under every version: whatever decodes
/// re-encodes to bytes that decode to the same value; version detection
/// (including the v1.00 RAN function definition check) never panics.
pub fn e2sm_kpm(data: &[u8]) {
    use crate::e2sm::kpm::{KpmPayloadKind, KpmVersion, decode, detect_version, encode};
    for v in KpmVersion::ALL {
        for &kind in KpmPayloadKind::ALL {
            let Ok(p) = decode(v, kind, data) else { continue };
            if let Ok(bytes) = encode(v, &p) {
                let again = decode(v, kind, &bytes).expect("a re-encoded E2SM-KPM payload decodes");
                assert_eq!(again, p, "E2SM-KPM {v} {kind}: decode(encode(x)) == x");
            }
        }
    }
    for &kind in KpmPayloadKind::ALL {
        let _ = detect_version(kind, data);
    }
}

/// E2SM-RC, every payload kind: as [`e2sm_kpm`].
pub fn e2sm_rc(data: &[u8]) {
    use crate::e2sm::rc::{RcPayloadKind, RcVersion, decode, detect_version, encode};
    let v = RcVersion::V1_03;
    for &kind in RcPayloadKind::ALL {
        if let Ok(p) = decode(v, kind, data)
            && let Ok(bytes) = encode(v, &p)
        {
            let again = decode(v, kind, &bytes).expect("a re-encoded E2SM-RC payload decodes");
            assert_eq!(again, p, "E2SM-RC {kind}: decode(encode(x)) == x");
        }
        let _ = detect_version(kind, data);
    }
}

/// PTP, alone and inside Ethernet/UDP framing: whatever decodes re-encodes
/// to the bytes it came from (up to messageLength; raw bodies up to the
/// input's end).
pub fn ptp(data: &[u8]) {
    use crate::ptp::Message;
    if let Ok(m) = Message::parse(data) {
        let mut out = Vec::new();
        if m.emit(&mut out).is_ok() {
            assert_eq!(&out[..], &data[..out.len()], "PTP: emit(parse(x)) is a prefix of x");
            assert_eq!(Message::parse(&out).ok(), Some(m), "PTP: parse(emit(x)) == x");
        }
    }
    if let Some((payload, at)) = crate::framing::ptp_payload(data) {
        assert_eq!(&data[at..at + payload.len()], payload);
        let _ = Message::parse(payload);
    }
}

//! Properties of the E2SM layer: random payloads of every kind round-trip
//! under every version (bytes, values and JSON), are valid for version
//! detection under their own version, and every truncation of them is an
//! error, never a panic; the KPM v02.03/v03.00 TimeStamp skew is detected and
//! named; the JSON names of PrintableStrings are all listed.

use codecs::e2ap::random::Rng;
use codecs::e2sm::kpm::{self, KpmPayloadKind, KpmVersion};
use codecs::e2sm::rc::{self, RcPayloadKind, RcVersion};
use proptest::prelude::*;
use serde_json::Value;

fn kpm_round_trip(v: KpmVersion, kind: KpmPayloadKind, seed: u64) {
    let mut r = Rng::new(seed);
    let p = kpm::random_payload(&mut r, v, kind);
    let bytes = kpm::encode(v, &p).unwrap_or_else(|e| panic!("{v} {kind}: encode: {e}"));
    let back = kpm::decode(v, kind, &bytes).unwrap_or_else(|e| panic!("{v} {kind}: decode: {e}"));
    assert_eq!(back, p, "{v} {kind}");
    assert_eq!(kpm::encode(v, &back).unwrap(), bytes, "{v} {kind}: re-encoding");
    let json = serde_json::to_string(&p).unwrap();
    let from_json: kpm::KpmPayload<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(from_json, p, "{v} {kind}: JSON {json}");
    let d = kpm::detect_version(kind, &bytes);
    assert!(d.valid().contains(&v), "{v} {kind}: {d:?}");
    assert!(d.v1_00.is_none(), "{v} {kind}: taken for v1.00: {d:?}");
    for n in 0..bytes.len() {
        assert!(
            kpm::decode(v, kind, &bytes[..n]).is_err(),
            "{v} {kind}: prefix of {n} decoded"
        );
    }
}

fn rc_round_trip(kind: RcPayloadKind, seed: u64) {
    let v = RcVersion::V1_03;
    let mut r = Rng::new(seed);
    let p = rc::random_payload(&mut r, v, kind);
    let bytes = rc::encode(v, &p).unwrap_or_else(|e| panic!("{kind}: encode: {e}"));
    let back = rc::decode(v, kind, &bytes).unwrap_or_else(|e| panic!("{kind}: decode: {e}"));
    assert_eq!(back, p, "{kind}");
    assert_eq!(rc::encode(v, &back).unwrap(), bytes, "{kind}: re-encoding");
    let json = serde_json::to_string(&p).unwrap();
    let from_json: rc::RcPayload<'_> = serde_json::from_str(&json).unwrap();
    assert_eq!(from_json, p, "{kind}: JSON {json}");
    assert_eq!(rc::detect_version(kind, &bytes), vec![(v, Ok(()))], "{kind}");
    for n in 0..bytes.len() {
        assert!(
            rc::decode(v, kind, &bytes[..n]).is_err(),
            "{kind}: prefix of {n} decoded"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kpm_payloads_round_trip(seed in any::<u64>()) {
        for v in KpmVersion::ALL {
            for &kind in KpmPayloadKind::ALL {
                kpm_round_trip(v, kind, seed);
            }
        }
    }

    #[test]
    fn rc_payloads_round_trip(seed in any::<u64>()) {
        for &kind in RcPayloadKind::ALL {
            rc_round_trip(kind, seed);
        }
    }

    #[test]
    fn arbitrary_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for v in KpmVersion::ALL {
            for &kind in KpmPayloadKind::ALL {
                if let Ok(p) = kpm::decode(v, kind, &bytes) {
                    let _ = kpm::encode(v, &p);
                }
                let _ = kpm::detect_version(kind, &bytes);
            }
        }
        for &kind in RcPayloadKind::ALL {
            if let Ok(p) = rc::decode(RcVersion::V1_03, kind, &bytes) {
                let _ = rc::encode(RcVersion::V1_03, &p);
            }
            let _ = rc::detect_version(kind, &bytes);
        }
    }
}

/// Many seeds of each kind, beyond what proptest draws.
#[test]
fn many_random_payloads_round_trip() {
    for seed in 0..300 {
        for v in KpmVersion::ALL {
            for &kind in KpmPayloadKind::ALL {
                kpm_round_trip(v, kind, seed);
            }
        }
        for &kind in RcPayloadKind::ALL {
            rc_round_trip(kind, seed);
        }
    }
}

fn header(v: KpmVersion, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let p = kpm::random_payload(&mut r, v, KpmPayloadKind::IndicationHeader);
    kpm::encode(v, &p).unwrap()
}

#[test]
fn timestamp_skew_is_detected_and_named() {
    for seed in 0..50 {
        for (v, other, n, m) in [
            (KpmVersion::V3_00, KpmVersion::V2_03, 8, 4),
            (KpmVersion::V2_03, KpmVersion::V3_00, 4, 8),
        ] {
            let bytes = header(v, seed);
            let d = kpm::detect_version(KpmPayloadKind::IndicationHeader, &bytes);
            assert_eq!(d.valid(), vec![v], "{bytes:02x?}: {d:?}");
            let why = d
                .versions
                .iter()
                .find(|(x, _)| *x == other)
                .unwrap()
                .1
                .clone()
                .unwrap_err();
            assert!(why.contains("TimeStamp skew"), "{why}");
            assert!(
                why.contains(&format!("{n} octets")) && why.contains(&format!("SIZE({m})")),
                "{why}"
            );
        }
    }
}

#[test]
fn a_payload_under_the_wrong_version_fails_to_encode_only_where_they_differ() {
    // Same value, other version: only the indication header (TimeStamp) differs.
    for &kind in KpmPayloadKind::ALL {
        let mut r = Rng::new(7);
        let p = kpm::random_payload(&mut r, KpmVersion::V3_00, kind);
        let other = kpm::encode(KpmVersion::V2_03, &p);
        if kind == KpmPayloadKind::IndicationHeader {
            assert!(other.is_err(), "an 8-octet TimeStamp encoded under v02.03");
        } else {
            assert_eq!(other.unwrap(), kpm::encode(KpmVersion::V3_00, &p).unwrap(), "{kind}");
        }
    }
}

fn nested(levels: usize) -> rc::RanParameterValueType<'static> {
    let mut v = rc::RanParameterValueType::RanPChoiceElementFalse(rc::RanParameterValueTypeChoiceElementFalse {
        ran_parameter_value: None,
    });
    for i in 0..levels {
        v = rc::RanParameterValueType::RanPChoiceStructure(rc::RanParameterValueTypeChoiceStructure {
            ran_parameter_structure: rc::RanParameterStructure {
                sequence_of_ran_parameters: Some(vec![rc::RanParameterStructureItem {
                    ran_parameter_id: i as i64 + 1,
                    ran_parameter_value_type: v,
                }]),
            },
        });
    }
    v
}

fn control_message(levels: usize) -> Vec<u8> {
    let m = rc::E2smRcControlMessage {
        ric_control_message_formats: rc::E2smRcControlMessageRicControlMessageFormats::ControlMessageFormat1(
            rc::E2smRcControlMessageFormat1 {
                ran_p_list: vec![rc::E2smRcControlMessageFormat1Item {
                    ran_parameter_id: 1,
                    ran_parameter_value_type: nested(levels),
                }],
            },
        ),
    };
    rc::encode_control_message(RcVersion::V1_03, &m).unwrap()
}

#[test]
fn deeply_nested_ran_parameters_are_an_error_not_a_stack_overflow() {
    // Nesting within the limit decodes; far beyond it is an error naming it.
    let ok = control_message(10);
    assert!(rc::decode_control_message(RcVersion::V1_03, &ok).is_ok());
    let deep = control_message(500);
    let e = rc::decode_control_message(RcVersion::V1_03, &deep).unwrap_err();
    assert!(e.to_string().contains("nesting"), "{e}");
    assert!(rc::detect_version(RcPayloadKind::ControlMessage, &deep)[0].1.is_err());
}

/// Strings of a payload's JSON outside `printable` that are not the other
/// string forms: hex (OCTET STRING, a BIT STRING's "hex"), an ENUMERATED item
/// (CamelCase) or a non-finite REAL.
fn unlisted_strings(v: &Value, key: &str, printable: &[&str], out: &mut Vec<String>) {
    match v {
        Value::String(s) if !printable.contains(&key) => {
            let hex = s.len() % 2 == 0 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
            let item = s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric());
            if !(hex || item || ["nan", "inf", "-inf"].contains(&s.as_str())) {
                out.push(format!("{key}: {s:?}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|x| unlisted_strings(x, key, printable, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| unlisted_strings(x, k, printable, out)),
        _ => {}
    }
}

#[test]
fn printable_fields_name_every_printable_string() {
    let mut unlisted = Vec::new();
    for seed in 0..100 {
        let mut r = Rng::new(seed);
        for v in KpmVersion::ALL {
            for &kind in KpmPayloadKind::ALL {
                let p = serde_json::to_value(kpm::random_payload(&mut r, v, kind)).unwrap();
                unlisted_strings(&p, "", kpm::PRINTABLE_FIELDS, &mut unlisted);
            }
        }
        for &kind in RcPayloadKind::ALL {
            let p = serde_json::to_value(rc::random_payload(&mut r, RcVersion::V1_03, kind)).unwrap();
            unlisted_strings(&p, "", rc::PRINTABLE_FIELDS, &mut unlisted);
        }
    }
    assert!(unlisted.is_empty(), "{:?}", &unlisted[..unlisted.len().min(10)]);
    assert!(kpm::PRINTABLE_FIELDS.contains(&"sender_name") && !kpm::PRINTABLE_FIELDS.contains(&"collet_start_time"));
}

//! Agreement with asn1tools on the E2SM layer, on cases generated outside the
//! repository by `scripts/e2sm_oracle.py gen`.
//!
//! Each case line is tab-separated: model (`kpm`, `rc`), version label,
//! payload kind, asn1tools' encoding in hex, and the value as JSON in our
//! serde form. Every case must decode under its version to that value, be
//! strictly valid under it, and re-encode to the same bytes. With
//! `E2SM_ORACLE_OUT` the test also writes random payloads of its own (same
//! format; `E2SM_ORACLE_N` of each kind and version, default 300) for
//! `scripts/e2sm_oracle.py verify` to have asn1tools decode. Run with
//! `E2SM_ORACLE_CASES=/path/cases.tsv cargo test --test e2sm_oracle -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use codecs::e2ap::random::Rng;
use codecs::e2sm::kpm::{self, KpmPayloadKind, KpmVersion};
use codecs::e2sm::rc::{self, RcPayloadKind, RcVersion};
use serde_json::Value;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn tohex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn kind_name<K: serde::Serialize>(k: K) -> String {
    serde_json::to_value(k).unwrap().as_str().unwrap().to_string()
}

fn kpm_kind(s: &str) -> KpmPayloadKind {
    serde_json::from_value(Value::String(s.into())).unwrap()
}

fn rc_kind(s: &str) -> RcPayloadKind {
    serde_json::from_value(Value::String(s.into())).unwrap()
}

/// Decode, compare with the expected JSON, check strictly, re-encode.
fn check_case(model: &str, label: &str, kind: &str, bytes: &[u8], expected: &Value) -> Result<(), String> {
    let (json, again, strict) = match model {
        "kpm" => {
            let v: KpmVersion = label.parse()?;
            let k = kpm_kind(kind);
            let p = kpm::decode(v, k, bytes).map_err(|e| e.to_string())?;
            let strict = kpm::detect_version(k, bytes)
                .versions
                .into_iter()
                .find(|(x, _)| *x == v)
                .unwrap()
                .1;
            let json = serde_json::to_value(&p).unwrap();
            (json, kpm::encode(v, &p).map_err(|e| e.to_string())?, strict)
        }
        "rc" => {
            let k = rc_kind(kind);
            let p = rc::decode(RcVersion::V1_03, k, bytes).map_err(|e| e.to_string())?;
            let strict = rc::detect_version(k, bytes).remove(0).1;
            let json = serde_json::to_value(&p).unwrap();
            (
                json,
                rc::encode(RcVersion::V1_03, &p).map_err(|e| e.to_string())?,
                strict,
            )
        }
        _ => return Err(format!("unknown model {model}")),
    };
    // Our JSON wraps the value in its payload kind.
    let inner = json.get(kind).cloned().unwrap_or(Value::Null);
    if &inner != expected {
        return Err(format!("value differs\n  ours     {inner}\n  expected {expected}"));
    }
    strict.map_err(|e| format!("not strictly valid: {e}"))?;
    if again != bytes {
        return Err(format!("re-encoded {}", tohex(&again)));
    }
    Ok(())
}

#[test]
#[ignore = "needs E2SM_ORACLE_CASES from scripts/e2sm_oracle.py gen"]
fn oracle_asn1tools_payloads_decode_to_their_value_and_re_encode_identically() {
    let Some(path) = std::env::var_os("E2SM_ORACLE_CASES") else {
        println!("E2SM_ORACLE_CASES not set: nothing to check");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("cases file");
    let mut agree: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (model, label, kind, hex, json) = (f[0], f[1], f[2], f[3], f[4]);
        let expected: Value = serde_json::from_str(json).unwrap();
        match check_case(model, label, kind, &unhex(hex), &expected) {
            Ok(()) => *agree.entry(format!("{model} {label}")).or_default() += 1,
            Err(e) => failures.push(format!("{model} {label} {kind}: {e}\n  {hex}")),
        }
    }
    for (k, n) in &agree {
        println!("{k}: {n} asn1tools payloads decoded to asn1tools' value and re-encoded byte-identically");
    }

    // Random payloads of our own, for asn1tools to read back.
    let n: u64 = std::env::var("E2SM_ORACLE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut out = String::new();
    let mut ours = 0;
    for v in KpmVersion::ALL {
        for &k in KpmPayloadKind::ALL {
            for seed in 0..n {
                let mut r = Rng::new(seed << 8 | k as u64);
                let p = kpm::random_payload(&mut r, v, k);
                let bytes = kpm::encode(v, &p).unwrap();
                let json = serde_json::to_value(&p).unwrap();
                let name = kind_name(k);
                let _ = writeln!(out, "kpm\t{v}\t{name}\t{}\t{}", tohex(&bytes), json[&name]);
                ours += 1;
            }
        }
    }
    for &k in RcPayloadKind::ALL {
        for seed in 0..n {
            let mut r = Rng::new(seed << 8 | k as u64);
            let p = rc::random_payload(&mut r, RcVersion::V1_03, k);
            let bytes = rc::encode(RcVersion::V1_03, &p).unwrap();
            let json = serde_json::to_value(&p).unwrap();
            let name = kind_name(k);
            let _ = writeln!(out, "rc\tv01.03\t{name}\t{}\t{}", tohex(&bytes), json[&name]);
            ours += 1;
        }
    }
    if let Some(p) = std::env::var_os("E2SM_ORACLE_OUT") {
        std::fs::write(p, out).unwrap();
    }
    println!("{ours} random payloads of our own written for asn1tools to verify");
    for f in failures.iter().take(20) {
        println!("DISAGREE {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of the asn1tools cases disagree",
        failures.len()
    );
}

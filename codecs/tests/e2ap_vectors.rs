//! Real E2AP v3 messages from srsRAN's unit tests, read from the shared
//! reference tree when it is beside the checkout (or at `E2AP_VECTORS`):
//! every one decodes under v03.01, is strictly valid there (nothing left raw),
//! re-encodes to the same bytes, and survives JSON. Skipped, saying so, when
//! the file is absent; codecs/tests/e2ap_messages.rs covers the same ground
//! with embedded messages.

use std::path::PathBuf;

use codecs::e2ap::{self, E2apPdu, E2apVersion};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// (file:line name, bytes) of the E2AP PDUs in the vectors file. The file also
/// holds E2SM payloads (a RAN function definition, control headers), which
/// are not E2AP PDUs.
fn shared_vectors() -> Option<Vec<(String, Vec<u8>)>> {
    let path = std::env::var_os("E2AP_VECTORS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/e2ap/srsran_e2_vectors.tsv")
    });
    let text = std::fs::read_to_string(&path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() == 4).then(|| (format!("{}:{} {}", f[0], f[1], f[2]), unhex(f[3])))
            })
            .filter(|(name, _)| !name.contains("ctrl_header") && !name.contains("hexstring"))
            .collect(),
    )
}

#[test]
fn srsran_vectors_round_trip_under_v3() {
    let Some(vectors) = shared_vectors() else {
        println!("skipped: ../shared/vectors/e2ap/srsran_e2_vectors.tsv not found (or set E2AP_VECTORS)");
        return;
    };
    for (name, bytes) in &vectors {
        let pdu = e2ap::decode(E2apVersion::V3_01, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = e2ap::encode(E2apVersion::V3_01, &pdu).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again, *bytes, "{name}: {pdu:#?}");
        let valid = e2ap::valid_versions(bytes);
        assert!(
            valid.contains(&E2apVersion::V3_01),
            "{name}: {:?}",
            e2ap::detect_version(bytes)
        );
        let json = serde_json::to_string(&pdu).unwrap();
        let back: E2apPdu<'static> = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        assert_eq!(back, pdu, "{name}");
        println!("{name}: {} valid under {valid:?}", pdu.message_name().unwrap_or("?"));
    }
    println!("{} srsRAN E2AP PDUs round-tripped", vectors.len());
    assert_eq!(vectors.len(), 10);
}

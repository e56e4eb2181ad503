//! Round trips: random valid PDUs of every message of every version encode,
//! decode to the same value, re-encode to the same bytes, and survive JSON.

use codecs::e2ap::random::{self, MessageKind, Rng};
use codecs::e2ap::{self, E2apPdu, E2apVersion};

fn round_trip(v: E2apVersion, pdu: &E2apPdu<'_>, what: &str) {
    let bytes = e2ap::encode(v, pdu).unwrap_or_else(|e| panic!("{what}: encode: {e}\n{pdu:#?}"));
    let back = e2ap::decode(v, &bytes).unwrap_or_else(|e| panic!("{what}: decode: {e}\n{pdu:#?}"));
    assert_eq!(&back, pdu, "{what}");
    assert_eq!(e2ap::encode(v, &back).unwrap(), bytes, "{what}");
    let json = serde_json::to_string(pdu).unwrap();
    let from_json: E2apPdu<'static> = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{what}: {e}\n{json}"));
    assert_eq!(&from_json, pdu, "{what}: JSON");
}

#[test]
fn every_message_of_every_version() {
    let mut total = 0;
    for v in E2apVersion::ALL {
        for (code, kind) in random::messages(v) {
            for seed in 0..40u64 {
                let mut r = Rng::new(seed.wrapping_mul(0x1234_5678_9abc_def1) ^ code as u64);
                let pdu = random::message(&mut r, v, code, kind).expect("listed message");
                round_trip(v, &pdu, &format!("{v} procedure {code} {kind:?} seed {seed}"));
                total += 1;
            }
        }
    }
    println!("{total} random PDUs round-tripped");
}

#[test]
fn message_counts_per_version() {
    let count = |v| random::messages(v).len();
    // v01.00: 9 procedures (E2 node configuration update and E2 connection
    // update came with v01.01); v02.03 adds 10-13, v03.01 14-16, latest 17.
    assert_eq!(count(E2apVersion::V1_00), 20);
    assert!(count(E2apVersion::V2_03) > count(E2apVersion::V1_00));
    assert!(count(E2apVersion::V3_01) > count(E2apVersion::V2_03));
    assert_eq!(count(E2apVersion::Latest), count(E2apVersion::V3_01) + 3);
    assert!(random::messages(E2apVersion::V3_01).contains(&(16, MessageKind::UnsuccessfulOutcome)));
}

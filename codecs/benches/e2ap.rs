//! Typed E2AP message layer throughput, in messages per second: decode and
//! encode of a RIC Indication (40-octet and 1.5 KB messages), an E2 Setup
//! Request, a RIC Subscription Request, and the mix of every message of
//! v03.01 the random generator makes. pycrate, the reference, decodes about
//! 9,000 small E2AP messages a second on the project's machines.

use std::hint::black_box;

use codecs::e2ap::random::{self, Rng};
use codecs::e2ap::{self, E2apVersion};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Built with pycrate (see codecs/tests/e2ap_messages.rs).
const INDICATION: &str = "00054058000007001d00050003fd0003000500020002000f000101001b0002002a001c000100001900050401020304\
                          001a002928000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627";
const SETUP: &str = "0001005a000004003100020007000300080000f1100000066c000a002900000840240000010201020000000018312e\
                     332e362e312e342e312e35333134382e312e322e322e320032001400000033000e000060616d663100020001020002";
const SUBSCRIPTION: &str = "00080029000003001d00050003fd0003000500020002001e001300021020000013400ac0010002aabb01020002";

/// The indication with a 1500-octet message.
fn big_indication() -> Vec<u8> {
    let pdu = e2ap::decode(E2apVersion::V3_01, &unhex(INDICATION))
        .unwrap()
        .into_owned();
    let mut json = serde_json::to_value(&pdu).unwrap();
    let msg =
        &mut json["InitiatingMessage"]["value"]["RicIndication"]["protocol_ies"][6]["value"]["RicIndicationMessage"];
    *msg = serde_json::Value::String("ab".repeat(1500));
    let pdu: e2ap::E2apPdu<'static> = serde_json::from_value(json).unwrap();
    e2ap::encode(E2apVersion::V3_01, &pdu).unwrap()
}

fn bench(c: &mut Criterion) {
    let v = E2apVersion::V3_01;
    let cases = [
        ("indication_40B", unhex(INDICATION)),
        ("indication_1500B", big_indication()),
        ("setup_request", unhex(SETUP)),
        ("subscription_request", unhex(SUBSCRIPTION)),
    ];
    let mut g = c.benchmark_group("e2ap");
    g.throughput(Throughput::Elements(1));
    for (name, bytes) in &cases {
        g.bench_function(format!("decode/{name}"), |b| {
            b.iter(|| e2ap::decode(v, black_box(bytes)).unwrap())
        });
        let pdu = e2ap::decode(v, bytes).unwrap();
        let mut buf = Vec::with_capacity(2048);
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| {
                buf = e2ap::encode_into(v, black_box(&pdu), std::mem::take(&mut buf)).unwrap();
            })
        });
    }
    // Every message kind of v03.01, 64 random ones each.
    let mut r = Rng::new(7);
    let mix: Vec<Vec<u8>> = random::messages(v)
        .into_iter()
        .flat_map(|(code, kind)| {
            (0..64)
                .map(|_| e2ap::encode(v, &random::message(&mut r, v, code, kind).unwrap()).unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    g.throughput(Throughput::Elements(mix.len() as u64));
    g.bench_function("decode/all_v3_messages", |b| {
        b.iter(|| {
            for m in &mix {
                black_box(e2ap::decode(v, black_box(m)).unwrap());
            }
        })
    });
    g.bench_function("detect_version/all_v3_messages", |b| {
        b.iter(|| {
            for m in &mix {
                black_box(e2ap::detect_version(black_box(m)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Typed E2AP message layer throughput, in messages per second: decode and
//! encode of the messages in e2ap_messages.tsv (an E2 Setup Request, a RIC
//! Subscription Request, RIC Indications with KPM v3 payloads, and one with a
//! 1500-octet message), and the mix of every message of v03.01 the random
//! generator makes. scripts/bench_e2_peers times pycrate and hampi on the
//! same messages file.

use std::hint::black_box;

use codecs::e2ap::random::{self, Rng};
use codecs::e2ap::{self, E2apVersion};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `name<TAB>hex` lines, built with pycrate and asn1tools by
/// scripts/bench_e2_peers_gen.py.
const MESSAGES: &str = include_str!("e2ap_messages.tsv");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn messages() -> Vec<(&'static str, Vec<u8>)> {
    MESSAGES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, hex) = l.split_once('\t').expect("name<TAB>hex");
            (name, unhex(hex.trim()))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let v = E2apVersion::V3_01;
    let cases = messages();
    let mut g = c.benchmark_group("e2ap");
    g.throughput(Throughput::Elements(1));
    for (name, bytes) in &cases {
        let pdu = e2ap::decode(v, bytes).unwrap();
        assert_eq!(e2ap::encode(v, &pdu).unwrap(), *bytes, "{name}: round trip");
        g.bench_function(format!("decode/{name}"), |b| {
            b.iter(|| e2ap::decode(v, black_box(bytes)).unwrap())
        });
        // A new buffer each time, as the peers in scripts/bench_e2_peers do
        // (encode_into can reuse one).
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| e2ap::encode(v, black_box(&pdu)).unwrap())
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

//! IQ compression throughput on full-carrier sections (273 PRBs, 100 MHz at
//! 30 kHz SCS), in resource elements per second, at every instruction-set
//! level the CPU has: BFP at every width 1..=16, none, block scaling (Annex
//! A.2) and mu-law (Annex A.3) at representative widths.
//!
//! Names are `compression/<level>/<direction>/<method><width>`, e.g.
//! `compression/avx2/decompress/bfp9`; filter with a substring such as
//! `avx2/decompress/bfp`.

use std::hint::black_box;

use codecs::fronthaul::compression::kernels::{Level, compress_prbs_at, decompress_prbs_at};
use codecs::fronthaul::compression::{CompMethod, RE_PER_PRB, SAMPLES_PER_PRB, UdCompHdr};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N_PRB: usize = 273;

/// Deterministic IQ with varying per-PRB magnitude, so BFP exponents,
/// block scalers and mu-law shifts vary.
fn section_iq() -> Vec<i16> {
    let mut s: u32 = 0x1234_5678;
    (0..N_PRB * SAMPLES_PER_PRB)
        .map(|i| {
            // xorshift32: cheap, reproducible, no dependency.
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let prb = i / SAMPLES_PER_PRB;
            (s as i16) >> (prb % 12)
        })
        .collect()
}

fn headers() -> Vec<(String, UdCompHdr)> {
    let mut h: Vec<_> = (1..=16u8)
        .map(|w| (format!("bfp{w}"), UdCompHdr::new(w, CompMethod::Bfp)))
        .collect();
    for (name, m, widths) in [
        ("none", CompMethod::None, &[9u8, 16][..]),
        ("blockscaling", CompMethod::BlockScaling, &[9, 14][..]),
        ("mulaw", CompMethod::MuLaw, &[9, 14][..]),
    ] {
        for &w in widths {
            h.push((format!("{name}{w}"), UdCompHdr::new(w, m)));
        }
    }
    h
}

fn bench(c: &mut Criterion) {
    let iq = section_iq();
    let mut g = c.benchmark_group("compression");
    g.throughput(Throughput::Elements((N_PRB * RE_PER_PRB) as u64));
    for level in Level::available() {
        let l = level.name();
        for (label, hdr) in headers() {
            let mut bytes = Vec::new();
            compress_prbs_at(level, hdr, &iq, &mut bytes).expect("supported header");
            let mut out_bytes = Vec::with_capacity(bytes.len());
            g.bench_function(format!("{l}/compress/{label}"), |b| {
                b.iter(|| {
                    out_bytes.clear();
                    compress_prbs_at(level, hdr, black_box(&iq), &mut out_bytes).expect("supported header");
                    black_box(&out_bytes);
                })
            });
            let mut out_iq = Vec::with_capacity(iq.len());
            g.bench_function(format!("{l}/decompress/{label}"), |b| {
                b.iter(|| {
                    out_iq.clear();
                    decompress_prbs_at(level, hdr, black_box(&bytes), N_PRB, &mut out_iq).expect("whole section");
                    black_box(&out_iq);
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

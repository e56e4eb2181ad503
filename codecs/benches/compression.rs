//! IQ compression throughput on full-carrier sections (273 PRBs, 100 MHz at
//! 30 kHz SCS), in resource elements per second: BFP, none, block scaling
//! (Annex A.2) and mu-law (Annex A.3).

use std::hint::black_box;

use codecs::fronthaul::compression::{
    CompMethod, RE_PER_PRB, SAMPLES_PER_PRB, UdCompHdr, compress_prbs, decompress_prbs,
};
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

fn bench(c: &mut Criterion) {
    let iq = section_iq();
    let mut g = c.benchmark_group("compression");
    g.throughput(Throughput::Elements((N_PRB * RE_PER_PRB) as u64));
    for (label, hdr) in [
        ("bfp9", UdCompHdr::new(9, CompMethod::Bfp)),
        ("bfp14", UdCompHdr::new(14, CompMethod::Bfp)),
        ("none16", UdCompHdr::new(16, CompMethod::None)),
        ("blockscaling9", UdCompHdr::new(9, CompMethod::BlockScaling)),
        ("blockscaling14", UdCompHdr::new(14, CompMethod::BlockScaling)),
        ("mulaw9", UdCompHdr::new(9, CompMethod::MuLaw)),
        ("mulaw14", UdCompHdr::new(14, CompMethod::MuLaw)),
    ] {
        let mut bytes = Vec::new();
        compress_prbs(hdr, &iq, &mut bytes).expect("supported header");
        let mut out_bytes = Vec::with_capacity(bytes.len());
        g.bench_function(format!("compress/{label}"), |b| {
            b.iter(|| {
                out_bytes.clear();
                compress_prbs(hdr, black_box(&iq), &mut out_bytes).expect("supported header");
                black_box(&out_bytes);
            })
        });
        let mut out_iq = Vec::with_capacity(iq.len());
        g.bench_function(format!("decompress/{label}"), |b| {
            b.iter(|| {
                out_iq.clear();
                decompress_prbs(hdr, black_box(&bytes), N_PRB, &mut out_iq).expect("whole section");
                black_box(&out_iq);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! U-plane receive path as an O-DU or analyzer runs it: parse a message
//! carrying one 273-PRB section (100 MHz at 30 kHz) and decompress it to
//! int16 I/Q, in resource elements per second.

use std::hint::black_box;

use codecs::fronthaul::compression::{CompMethod, PrbParams, RE_PER_PRB, SAMPLES_PER_PRB, UdCompHdr, compress_prbs};
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::fronthaul::uplane::{UdCompMode, UplaneConfig, UplaneMessage, UplaneSection};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N_PRB: u16 = 273;

fn message(hdr: UdCompHdr) -> Vec<u8> {
    let mut s: u32 = 0x9E37_79B9;
    let iq: Vec<i16> = (0..N_PRB as usize * SAMPLES_PER_PRB)
        .map(|i| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as i16) >> ((i / SAMPLES_PER_PRB) % 10)
        })
        .collect();
    let mut body = Vec::new();
    compress_prbs(hdr, &iq, &mut body).unwrap();
    let msg = UplaneMessage {
        header: RadioAppHeader {
            direction: Direction::Uplink,
            payload_version: 1,
            filter_index: 0,
            frame_id: 1,
            subframe_id: 2,
            slot_id: 1,
            symbol_id: 3,
        },
        sections: vec![UplaneSection {
            section_id: 1,
            rb: false,
            sym_inc: false,
            start_prb: 0,
            num_prb: 0, // all PRBs of the carrier
            ud_comp_hdr: None,
            reserved: 0,
            ud_comp_len: None,
            iq: &body,
            offset: 0,
        }],
    };
    let mut out = Vec::new();
    msg.emit(&mut out).unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("uplane_parse_decompress");
    g.throughput(Throughput::Elements(N_PRB as u64 * RE_PER_PRB as u64));
    for (label, hdr) in [
        ("bfp9", UdCompHdr::new(9, CompMethod::Bfp)),
        ("bfp14", UdCompHdr::new(14, CompMethod::Bfp)),
        ("mulaw9", UdCompHdr::new(9, CompMethod::MuLaw)),
        ("mulaw14", UdCompHdr::new(14, CompMethod::MuLaw)),
    ] {
        let wire = message(hdr);
        let cfg = UplaneConfig {
            comp: UdCompMode::Static(hdr),
            carrier_prbs: N_PRB,
            ud_comp_len: false,
        };
        let mut iq = Vec::with_capacity(N_PRB as usize * SAMPLES_PER_PRB);
        g.bench_function(label, |b| {
            b.iter(|| {
                let m = UplaneMessage::parse(black_box(&wire), &cfg).unwrap();
                iq.clear();
                for s in &m.sections {
                    s.decompress(hdr, N_PRB, &PrbParams::default(), &mut iq, None).unwrap();
                }
                black_box(&iq);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Writes the fuzz seed corpus (codecs/fuzz/corpus/<target>/) from simulated
//! traffic: real frames of every kind the simulators send, so the fuzzer
//! starts from valid inputs. Run on demand:
//! `cargo test -p oran-e2e-tests --test fuzz_seeds -- --ignored`.

use sim::oru::OruFault;
use suites::bed::{DEFAULT_STIMULUS_SEED, default_setup, simulated_oru};
use suites::case::Ctx;
use suites::ofh::traffic;
use suites::port::Port;

#[test]
#[ignore = "writes files into codecs/fuzz/corpus"]
fn write_fuzz_seed_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../codecs/fuzz/corpus");
    let mut setup = default_setup(DEFAULT_STIMULUS_SEED);
    setup.num_slots = 5;
    let mut port = simulated_oru(&setup, OruFault::None);
    let mut ctx = Ctx {
        setup: &setup,
        port: &mut port,
    };
    let plan = traffic::plan(&ctx);
    traffic::exchange(&mut ctx, plan);
    let frames: Vec<Vec<u8>> = port.take_capture().into_iter().map(|c| c.frame).collect();

    let write = |target: &str, name: String, bytes: &[u8]| {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    // One of each kind: frames differ by eCPRI type, direction and section type.
    let mut kinds = std::collections::BTreeMap::new();
    for f in &frames {
        // Ethernet + one VLAN tag: eCPRI at 18, O-RAN payload at 26.
        let key = (f[19], f[26] >> 7, f.get(31).copied().unwrap_or(0), f.len() > 200);
        kinds.entry(key).or_insert(f.clone());
    }
    for (i, f) in kinds.values().enumerate() {
        write("frame_pdu", format!("sim-{i}"), f);
        let data = &f[26..];
        if f[19] == 2 {
            write("cplane", format!("sim-{i}"), data);
        } else {
            // uplane target: mode, udCompHdr, carrier PRBs (hi, lo), then the message.
            let mut u = vec![0u8, 0x91, 0x01, 0x11];
            u.extend_from_slice(data);
            write("uplane", format!("sim-static-bfp9-{i}"), &u);
            let mut joined = data.to_vec();
            joined.push(0xFF);
            joined.extend_from_slice(data);
            write("infer", format!("sim-{i}"), &joined);
        }
    }
    // APER: an op list and a body (see codecs::fuzz_entry::aper).
    write(
        "aper",
        "ints".into(),
        &[0x10, 0x21, 0x02, 0x43, 0x05, 0x06, 0x07, 0x00, 0x80, 0x01, 0x02, 0x00],
    );
    write(
        "aper",
        "strings".into(),
        &[0x03, 0x04, 0x07, 0x06, 0x02, 0x61, 0x62, 0x01, 0xff, 0x03],
    );
    assert!(kinds.len() >= 4, "kinds of frames: {}", kinds.len());
}

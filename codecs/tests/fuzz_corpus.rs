//! Replays the fuzz seed corpus (codecs/fuzz/corpus/<target>/*) through the
//! same code the fuzz targets run, so every seed is checked by plain
//! `cargo test` as well: each must decode or fail with an error, never panic.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!entries.is_empty(), "no seeds in {}", dir.display());
    for p in entries {
        let bytes = std::fs::read(&p).unwrap();
        run(&bytes);
        // Every strict prefix too: truncated inputs are the commonest bad input.
        for n in (0..bytes.len()).step_by((bytes.len() / 64).max(1)) {
            run(&bytes[..n]);
        }
    }
}

#[test]
fn frame_pdu_corpus() {
    replay("frame_pdu", codecs::fuzz_entry::frame_pdu);
}

#[test]
fn cplane_corpus() {
    replay("cplane", codecs::fuzz_entry::cplane);
}

#[test]
fn uplane_corpus() {
    replay("uplane", codecs::fuzz_entry::uplane);
}

#[test]
fn infer_corpus() {
    replay("infer", codecs::fuzz_entry::infer);
}

#[test]
fn aper_corpus() {
    replay("aper", codecs::fuzz_entry::aper);
}

#[test]
fn e2ap_corpus() {
    replay("e2ap", codecs::fuzz_entry::e2ap);
}

#[test]
fn e2sm_kpm_corpus() {
    replay("e2sm_kpm", codecs::fuzz_entry::e2sm_kpm);
}

#[test]
fn e2sm_rc_corpus() {
    replay("e2sm_rc", codecs::fuzz_entry::e2sm_rc);
}

#[test]
fn ptp_corpus() {
    replay("ptp", codecs::fuzz_entry::ptp);
}

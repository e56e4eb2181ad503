//! Fuzz target: see `codecs::fuzz_entry::e2sm_rc` (also replayed over the seed
//! corpus by codecs/tests/fuzz_corpus.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codecs::fuzz_entry::e2sm_rc(data));

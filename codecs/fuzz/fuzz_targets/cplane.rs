//! C-plane messages: whatever decodes re-encodes to the same bytes.
#![no_main]

use codecs::fronthaul::cplane::CplaneMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = CplaneMessage::parse(data) else {
        return;
    };
    let mut out = Vec::new();
    if m.emit(&mut out).is_ok() {
        assert_eq!(
            out,
            data[..data.len() - m.trailing],
            "C-plane re-encoding is byte-exact"
        );
    }
});

//! Link framing then eCPRI: any input must decode or error, never panic,
//! and whatever decodes must re-encode to something that decodes the same.
#![no_main]

use codecs::ecpri::{emit_pdu, parse_pdu_with_trailer};
use codecs::framing::{FramingConfig, parse_frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = parse_frame(data, &FramingConfig::default()) else {
        return;
    };
    let Ok(pdu) = parse_pdu_with_trailer(frame.ecpri) else {
        return;
    };
    let mut out = Vec::new();
    if emit_pdu(&pdu.messages, &mut out).is_ok() {
        let again = parse_pdu_with_trailer(&out).expect("re-encoded PDU must decode");
        assert_eq!(again.messages.len(), pdu.messages.len());
        for (a, b) in again.messages.iter().zip(&pdu.messages) {
            assert_eq!(a.payload, b.payload);
        }
    }
});

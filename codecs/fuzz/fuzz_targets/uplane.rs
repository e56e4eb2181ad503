//! U-plane messages under a configuration taken from the first input bytes.
#![no_main]

use codecs::fronthaul::compression::UdCompHdr;
use codecs::fronthaul::uplane::{UdCompMode, UplaneConfig, UplaneMessage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [mode, hdr, prbs_hi, prbs_lo, rest @ ..] = data else {
        return;
    };
    let comp = if mode & 1 == 1 {
        UdCompMode::Dynamic
    } else {
        UdCompMode::Static(UdCompHdr::from_byte(*hdr))
    };
    let cfg = UplaneConfig {
        comp,
        carrier_prbs: u16::from_be_bytes([*prbs_hi & 0x01, *prbs_lo]),
        ud_comp_len: mode & 2 == 2,
    };
    let Ok(m) = UplaneMessage::parse(rest, &cfg) else {
        return;
    };
    let mut out = Vec::new();
    m.emit(&mut out).expect("a decoded message re-encodes");
    assert_eq!(out, rest, "U-plane re-encoding is byte-exact");
});

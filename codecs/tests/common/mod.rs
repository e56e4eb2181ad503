//! Helpers shared by the codec conformance tests.
#![allow(dead_code)]

pub mod capture;

/// Bytes from a hex string; whitespace, `_` and `|` (field separators used in
/// the vector tables) are ignored.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace() || b == b'_' || b == b'|'),
        "stray character in hex literal {s:?}"
    );
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits in {s:?}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// Frames of a classic little- or big-endian pcap file (test input only).
pub fn pcap_frames(data: &[u8]) -> Vec<&[u8]> {
    let magic = u32::from_le_bytes(data[..4].try_into().unwrap());
    let le = matches!(magic, 0xa1b2_c3d4 | 0xa1b2_3c4d);
    let rd = |b: &[u8]| {
        let a: [u8; 4] = b.try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let mut off = 24;
    let mut out = Vec::new();
    while off + 16 <= data.len() {
        let incl = rd(&data[off + 8..off + 12]) as usize;
        off += 16;
        out.push(&data[off..(off + incl).min(data.len())]);
        off += incl;
    }
    out
}

/// A file under the project's sibling `shared/` directory, or `None` (with a
/// note on stderr) when it is absent: such checks skip rather than fail.
pub fn shared_file(rel: &str) -> Option<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(rel);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("SKIP: {} not present", path.display());
            None
        }
    }
}

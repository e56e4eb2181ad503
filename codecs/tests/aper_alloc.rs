//! A length field can never make the APER decoder allocate more than the
//! input it was given: every claimed length is checked against the remaining
//! input before anything is allocated. Measured with a counting allocator, in
//! a test binary of its own so no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use codecs::e2ap::aper::{K16, PerDecoder, Reassembly, Size};

/// Records the largest single allocation.
struct Peak;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LARGEST.fetch_max(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(p, l, new_size) }
    }
}

#[global_allocator]
static ALLOC: Peak = Peak;

/// The largest allocation made by `f`.
fn peak(f: impl FnOnce()) -> usize {
    LARGEST.store(0, Ordering::Relaxed);
    f();
    LARGEST.load(Ordering::Relaxed)
}

/// Fragment headers `C4` (64K units each) that run out after `real` units.
fn lying_fragments(real: usize, claimed_headers: usize) -> Vec<u8> {
    let mut b = Vec::new();
    let mut left = real;
    for _ in 0..claimed_headers {
        b.push(0xC4);
        let n = left.min(65536);
        b.extend(std::iter::repeat_n(b'a', n));
        left -= n;
    }
    b
}

#[test]
fn lengths_never_allocate_beyond_the_input() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("64K header, nothing behind", vec![0xC4]),
        ("16383 claimed, 3 present", vec![0xBF, 0xFF, 1, 2, 3]),
        ("one real 64K fragment, then a missing one", lying_fragments(65536, 2)),
        ("two real fragments, then eight missing", lying_fragments(2 * 65536, 10)),
        ("16K fragment then a 64K one with 100 octets", {
            let mut b = vec![0xC1];
            b.extend(std::iter::repeat_n(0u8, K16));
            b.push(0xC4);
            b.extend(std::iter::repeat_n(0u8, 100));
            b
        }),
        ("SEQUENCE OF count 65535 with 4 octets", vec![0xFF, 0xFF, 0, 0, 0, 0]),
    ];
    let r = Reassembly::new();
    for (what, input) in &cases {
        // Generous slack for small bookkeeping allocations; every claim here
        // is at least 16K octets beyond the input.
        let limit = input.len() + 1024;
        type Op = fn(&mut PerDecoder) -> bool;
        let ops: [(&str, Op); 7] = [
            ("OCTET STRING", |d| d.octet_string(Size::UNCONSTRAINED).is_err()),
            ("BIT STRING", |d| d.bit_string(Size::UNCONSTRAINED).is_err()),
            ("PrintableString", |d| d.printable_string(Size::UNCONSTRAINED).is_err()),
            ("NumericString", |d| d.numeric_string(Size::UNCONSTRAINED).is_err()),
            ("UTF8String", |d| d.utf8_string().is_err()),
            ("open type", |d| d.open_type_with(|d| d.bool()).is_err()),
            ("SEQUENCE OF", |d| {
                d.sequence_of(Size::range(0, 65535), |d| d.bool()).is_err()
            }),
        ];
        for (name, op) in ops {
            let mut failed = false;
            let p = peak(|| {
                let mut d = PerDecoder::new(input).with_reassembly(&r);
                failed = op(&mut d);
            });
            // Decoded elements are real: at most one per input bit, in a Vec
            // that may double once past them.
            let limit = if name == "SEQUENCE OF" {
                16 * input.len() + 1024
            } else {
                limit
            };
            assert!(
                p <= limit,
                "{name} on {what}: allocated {p} for {} input octets",
                input.len()
            );
            // Counted in octets, every claim is a lie; in bits or in elements
            // some of these inputs are valid.
            if matches!(name, "OCTET STRING" | "PrintableString" | "UTF8String" | "open type") {
                assert!(failed, "{name} on {what} decoded");
            }
        }
    }
}

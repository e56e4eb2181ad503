//! ALIGNED PER runtime: X.691's own examples, hand-worked encodings of every
//! primitive (each naming the clause it follows), boundary values, truncation,
//! hostile lengths, and round-trip properties over random constraints.

use std::borrow::Cow;

use codecs::e2ap::aper::{Alphabet, BitString, Index, K16, PerDecoder, PerEncoder, Reassembly, Size};
use codecs::{ErrorKind, Result};
use proptest::prelude::*;

fn hex(s: &str) -> Vec<u8> {
    let d: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    assert!(d.len().is_multiple_of(2), "odd hex {s:?}");
    d.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn enc(f: impl FnOnce(&mut PerEncoder) -> Result<()>) -> Vec<u8> {
    let mut e = PerEncoder::new();
    f(&mut e).expect("encodes");
    e.finish()
}

/// Encode with `f`, compare with `want`, then decode with `g`: it must give
/// `value` and end at the encoder's bit position.
fn check<T: PartialEq + std::fmt::Debug>(
    want: &str,
    value: T,
    f: impl FnOnce(&mut PerEncoder) -> Result<()>,
    g: impl FnOnce(&mut PerDecoder) -> Result<T>,
) {
    let mut e = PerEncoder::new();
    f(&mut e).expect("encodes");
    let bits = e.position();
    let bytes = e.finish();
    assert_eq!(bytes, hex(want), "encoding of {value:?}");
    let mut d = PerDecoder::new(&bytes);
    assert_eq!(g(&mut d).expect("decodes"), value);
    assert_eq!(d.position(), bits, "bits consumed for {value:?}");
}

// ---- X.691 Annex A: the personnel record, in all three of its forms --------

struct Name<'a> {
    given: Cow<'a, str>,
    initial: Cow<'a, str>,
    family: Cow<'a, str>,
}

struct Child<'a> {
    name: Name<'a>,
    birth: Cow<'a, str>,
    /// A.3 only: the extension addition `sex`, index into {male, female, unknown}.
    sex: Option<u32>,
}

struct Record<'a> {
    name: Name<'a>,
    title: Cow<'a, str>,
    number: i64,
    hire: Cow<'a, str>,
    spouse: Name<'a>,
    children: Vec<Child<'a>>,
}

fn name<'a>(g: &'a str, i: &'a str, f: &'a str) -> Name<'a> {
    Name {
        given: g.into(),
        initial: i.into(),
        family: f.into(),
    }
}

fn smith_family() -> Record<'static> {
    Record {
        name: name("John", "P", "Smith"),
        title: "Director".into(),
        number: 51,
        hire: "19710917".into(),
        spouse: name("Mary", "T", "Smith"),
        children: vec![
            Child {
                name: name("Ralph", "T", "Smith"),
                birth: "19571111".into(),
                sex: None,
            },
            Child {
                name: name("Susan", "B", "Jones"),
                birth: "19590717".into(),
                sex: Some(1),
            },
        ],
    }
}

/// Which of the three Annex A type definitions.
#[derive(Clone, Copy, PartialEq)]
enum Annex {
    /// A.1: no constraints.
    A1,
    /// A.2: permitted alphabets and sizes.
    A2,
    /// A.3: as A.2 with extension markers and an extension addition.
    A3,
}

const NAME_CHARS: Alphabet = Alphabet::from_ascii(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.");
const DIGITS: Alphabet = Alphabet::from_range(b'0', b'9');

impl Annex {
    fn name_size(self) -> Size {
        match self {
            Annex::A1 => Size::UNCONSTRAINED,
            Annex::A2 => Size::range(1, 64),
            Annex::A3 => Size::range(1, 64).ext(),
        }
    }
    fn name_alpha(self) -> &'static Alphabet {
        if self == Annex::A1 {
            &Alphabet::VISIBLE
        } else {
            &NAME_CHARS
        }
    }
    fn date(self) -> (&'static Alphabet, Size) {
        match self {
            Annex::A1 => (&Alphabet::VISIBLE, Size::UNCONSTRAINED),
            Annex::A2 => (&DIGITS, Size::fixed(8)),
            Annex::A3 => (&DIGITS, Size::fixed(8).ext()),
        }
    }

    fn enc_name(self, e: &mut PerEncoder, n: &Name) -> Result<()> {
        if self == Annex::A3 {
            e.sequence_preamble(true, false, &[])?;
        }
        let initial = if self == Annex::A1 {
            Size::UNCONSTRAINED
        } else {
            Size::fixed(1)
        };
        e.known_multiplier_string(&n.given, self.name_alpha(), self.name_size())?;
        e.known_multiplier_string(&n.initial, self.name_alpha(), initial)?;
        e.known_multiplier_string(&n.family, self.name_alpha(), self.name_size())
    }

    fn dec_name<'a>(self, d: &mut PerDecoder<'a>) -> Result<Name<'a>> {
        if self == Annex::A3 {
            assert!(!d.sequence_preamble(true, 0)?.extended);
        }
        let initial = if self == Annex::A1 {
            Size::UNCONSTRAINED
        } else {
            Size::fixed(1)
        };
        Ok(Name {
            given: d.known_multiplier_string(self.name_alpha(), self.name_size())?,
            initial: d.known_multiplier_string(self.name_alpha(), initial)?,
            family: d.known_multiplier_string(self.name_alpha(), self.name_size())?,
        })
    }

    fn enc_child(self, e: &mut PerEncoder, c: &Child) -> Result<()> {
        let (alpha, size) = self.date();
        if self == Annex::A3 {
            e.sequence_preamble(true, c.sex.is_some(), &[])?;
        }
        // SET components go in tag order: name [APPLICATION 1], dateOfBirth [0].
        self.enc_name(e, &c.name)?;
        e.known_multiplier_string(&c.birth, alpha, size)?;
        if let Some(sex) = c.sex {
            e.extension_bitmap(&[true])?;
            e.open_type_with(|e| e.enumerated(Index::Root(sex), 3, false))?;
        }
        Ok(())
    }

    fn dec_child<'a>(self, d: &mut PerDecoder<'a>) -> Result<Child<'a>> {
        let (alpha, size) = self.date();
        let extended = self == Annex::A3 && d.sequence_preamble(true, 0)?.extended;
        let name = self.dec_name(d)?;
        let birth = d.known_multiplier_string(alpha, size)?;
        let mut sex = None;
        if extended {
            let bitmap = d.extension_bitmap()?;
            for i in bitmap.present() {
                if i == 0 {
                    sex = Some(d.open_type_with(|d| d.enumerated(3, false))?);
                } else {
                    d.skip_open_type()?;
                }
            }
        }
        let sex = sex.map(|s| match s {
            Index::Root(i) => i,
            Index::Extension(_) => panic!("no extension items"),
        });
        Ok(Child { name, birth, sex })
    }

    fn encode(self, r: &Record) -> Vec<u8> {
        enc(|e| {
            let (alpha, size) = self.date();
            // children: DEFAULT {} in A.1/A.2, OPTIONAL in A.3; present either way.
            e.sequence_preamble(self == Annex::A3, false, &[!r.children.is_empty()])?;
            // SET components in tag order: APPLICATION 1, APPLICATION 2, then [0]..[3].
            self.enc_name(e, &r.name)?;
            match self {
                Annex::A3 => e.int_ext(r.number, 0, 9999)?,
                _ => e.unconstrained_int(r.number)?,
            }
            e.visible_string(&r.title, Size::UNCONSTRAINED)?;
            e.known_multiplier_string(&r.hire, alpha, size)?;
            self.enc_name(e, &r.spouse)?;
            let size = if self == Annex::A3 {
                Size::fixed(2).ext()
            } else {
                Size::UNCONSTRAINED
            };
            e.sequence_of(&r.children, size, |e, c| self.enc_child(e, c))
        })
    }

    fn decode<'a>(self, d: &mut PerDecoder<'a>) -> Result<Record<'a>> {
        let (alpha, size) = self.date();
        let p = d.sequence_preamble(self == Annex::A3, 1)?;
        let name = self.dec_name(d)?;
        let number = match self {
            Annex::A3 => d.int_ext(0, 9999)?,
            _ => d.unconstrained_int()?,
        };
        let title = d.visible_string(Size::UNCONSTRAINED)?;
        let hire = d.known_multiplier_string(alpha, size)?;
        let spouse = self.dec_name(d)?;
        let children = if p.is_present(0) {
            let size = if self == Annex::A3 {
                Size::fixed(2).ext()
            } else {
                Size::UNCONSTRAINED
            };
            d.sequence_of(size, |d| self.dec_child(d))?
        } else {
            Vec::new()
        };
        Ok(Record {
            name,
            title,
            number,
            hire,
            spouse,
            children,
        })
    }
}

const A1_HEX: &str = "80044A6F 686E0150 05536D69 74680133 08446972 6563746F 72083139 37313039 3137044D 61727901
    5405536D 69746802 0552616C 70680154 05536D69 74680831 39353731 31313105 53757361 6E014205 4A6F6E65 73083139
    35393037 3137";
const A2_HEX: &str =
    "864A6F68 6E501053 6D697468 01330844 69726563 746F7219 7109170C 4D617279 5410536D 69746802 1052616C
    70685410 536D6974 68195711 11105375 73616E42 104A6F6E 65731959 0717";
const A3_HEX: &str =
    "40C04A6F 686E5008 536D6974 68000033 08446972 6563746F 72001971 0917034D 61727954 08536D69 74680100
    52616C70 68540853 6D697468 00195711 11820053 7573616E 42084A6F 6E657300 19590717 010140";

fn annex_vectors() -> [(Annex, Vec<u8>); 3] {
    [
        (Annex::A1, hex(A1_HEX)),
        (Annex::A2, hex(A2_HEX)),
        (Annex::A3, hex(A3_HEX)),
    ]
}

#[test]
fn x691_annex_a_personnel_record() {
    for (annex, want) in annex_vectors() {
        let mut r = smith_family();
        if annex != Annex::A3 {
            r.children[1].sex = None;
        }
        assert_eq!(annex.encode(&r), want, "encoding, annex {}", annex as u8 + 1);
        let mut d = PerDecoder::new(&want);
        let back = annex.decode(&mut d).expect("decodes");
        assert_eq!(back.name.given, "John");
        assert_eq!(back.spouse.family, "Smith");
        assert_eq!(back.number, 51);
        assert_eq!(back.hire, "19710917");
        assert_eq!(back.children.len(), 2);
        assert_eq!(back.children[1].name.given, "Susan");
        assert_eq!(back.children[1].birth, "19590717");
        assert_eq!(back.children[1].sex, if annex == Annex::A3 { Some(1) } else { None });
        assert_eq!(d.byte_position(), want.len());
        // 8-bit alphabets encoded by value come back borrowed from the input.
        if annex == Annex::A1 {
            assert!(matches!(back.title, Cow::Borrowed(_)));
        }
        // Re-encoding what was decoded gives the same octets.
        assert_eq!(annex.encode(&back), want);
    }
}

#[test]
fn x691_annex_a_truncated_at_every_prefix() {
    for (annex, want) in annex_vectors() {
        for n in 0..want.len() {
            let mut d = PerDecoder::new(&want[..n]);
            assert!(annex.decode(&mut d).is_err(), "annex {} prefix {n}", annex as u8 + 1);
        }
    }
}

// ---- constrained whole numbers (§11.5.7) ---------------------------------

fn cint(want: &str, lead: bool, v: i64, lb: i64, ub: i64) {
    check(
        want,
        v,
        |e| {
            e.bit(lead);
            e.constrained_int(v, lb, ub)
        },
        |d| {
            assert_eq!(d.bit()?, lead);
            d.constrained_int(lb, ub)
        },
    );
}

#[test]
fn constrained_whole_number_bit_field_cases() {
    // §11.5.7.2: range <= 255, minimum bit-field, not aligned.
    cint("20", false, 2, 0, 7); // 0 010
    cint("D0", true, 5, 0, 7); // 1 101
    cint("00", false, -5, -5, 5); // 0 0000 (range 11: 4 bits)
    cint("50", false, 5, -5, 5); // 0 1010
    cint("FF00", true, 254, 0, 254); // range 255: 8 bits, no alignment: 1 11111110
    cint("C0", true, 1, 0, 1); // range 2: 1 bit
    // A single value takes no bits (§11.5.4).
    cint("80", true, 42, 42, 42);
}

#[test]
fn constrained_whole_number_octet_cases() {
    // §11.5.7.3: range 256, one octet, aligned after the leading bit.
    cint("80FF", true, 255, 0, 255);
    cint("0000", false, 1, 1, 256);
    // §11.5.7.4: range 257 up to 64K, two octets, aligned.
    cint("800100", true, 256, 0, 256);
    cint("000101", false, 257, 0, 256 + 1);
    cint("80FFFF", true, 65535, 0, 65535);
    cint("001234", false, 0x1234 + 1, 1, 65536);
}

#[test]
fn constrained_whole_number_indefinite_length_case() {
    // §11.5.7.4 beyond 64K: octet count 1..=max as a bit-field, then aligned
    // octets. (0..65536) needs up to 3 octets: a 2-bit count.
    cint("C0010000", true, 65536, 0, 65536); // 1 10 -> 3 octets
    cint("0000", false, 0, 0, 65536); // 0 00 -> 1 octet
    // (0..4294967295): 4 octets, 2-bit count, as in E2AP's 32-bit counters.
    cint("0000", false, 0, 0, 4294967295);
    cint("60FFFFFFFF", false, 4294967295, 0, 4294967295); // 0 11
    cint("2001 00", false, 256, 0, 4294967295); // 0 01 -> 2 octets
    // (0..68719476735), 36 bits: 5 octets, 3-bit count.
    cint("4001 00000000", false, 1 << 32, 0, 68719476735); // 0 100
    // The full i64 range: 8 octets, 3-bit count.
    cint("F0 8000000000000000", true, 0, i64::MIN, i64::MAX); // 1 111
}

#[test]
fn constrained_whole_number_rejects_values_above_the_range() {
    // range 5 in 3 bits: 7 is not a value of the type.
    assert!(PerDecoder::new(&[0xE0]).constrained_int(0, 4).is_err());
    // 3-bit octet count saying 8 where at most 5 fit the range.
    assert!(
        PerDecoder::new(&hex("E0 0000000000000000"))
            .constrained_int(0, 68719476735)
            .is_err()
    );
    // range 300 in two octets: 300 is one too many.
    assert!(PerDecoder::new(&hex("012C")).constrained_int(0, 299).is_err());
    let mut e = PerEncoder::new();
    assert!(e.constrained_int(8, 0, 7).is_err());
    assert!(e.constrained_int(0, 1, 0).is_err());
}

// ---- semi-constrained and unconstrained (§11.7, §11.8), extensible (§13) --

#[test]
fn semi_constrained_whole_numbers() {
    // §11.7: n - lb in the fewest octets after an aligned octet count.
    for (want, v, lb) in [
        ("01 00", 0, 0),
        ("01 FF", 255, 0),
        ("02 0100", 256, 0),
        ("01 00", -10, -10),
        ("01 0A", 0, -10),
        ("08 FFFFFFFFFFFFFFFF", i64::MAX, i64::MIN),
    ] {
        check(
            want,
            v,
            |e| e.semi_constrained_int(v, lb),
            |d| d.semi_constrained_int(lb),
        );
    }
    // After a bit: aligned.
    check(
        "80 01 05",
        5,
        |e| {
            e.bit(true);
            e.semi_constrained_int(5, 0)
        },
        |d| {
            d.bit()?;
            d.semi_constrained_int(0)
        },
    );
}

#[test]
fn unconstrained_whole_numbers() {
    // §11.8: two's complement, fewest octets.
    for (want, v) in [
        ("01 00", 0),
        ("01 7F", 127),
        ("02 0080", 128),
        ("01 FF", -1),
        ("01 80", -128),
        ("02 FF7F", -129),
        ("02 7FFF", 32767),
        ("03 008000", 32768),
        ("08 8000000000000000", i64::MIN),
        ("08 7FFFFFFFFFFFFFFF", i64::MAX),
    ] {
        check(want, v, |e| e.unconstrained_int(v), |d| d.unconstrained_int());
    }
    // Redundant sign octets beyond 8 are accepted; significant ones are not.
    assert_eq!(
        PerDecoder::new(&hex("09 FF FFFFFFFFFFFFFFFE"))
            .unconstrained_int()
            .unwrap(),
        -2
    );
    assert!(
        PerDecoder::new(&hex("09 01 0000000000000000"))
            .unconstrained_int()
            .is_err()
    );
    assert!(
        PerDecoder::new(&hex("09 FF 7FFFFFFFFFFFFFFF"))
            .unconstrained_int()
            .is_err()
    );
}

#[test]
fn extensible_integer() {
    // §13.1: INTEGER (0..255, ...): root value after a 0 bit; 256 after a 1
    // bit as an unconstrained whole number.
    check("00FF", 255, |e| e.int_ext(255, 0, 255), |d| d.int_ext(0, 255));
    check("80 02 0100", 256, |e| e.int_ext(256, 0, 255), |d| d.int_ext(0, 255));
    check("80 01 FF", -1, |e| e.int_ext(-1, 0, 255), |d| d.int_ext(0, 255));
    // TransactionID-like INTEGER (1..65535, ...): two aligned octets after the bit.
    check("00 0007", 8, |e| e.int_ext(8, 1, 65535), |d| d.int_ext(1, 65535));
    // INTEGER (1..15, ...): 4 bits after the extension bit.
    check("70", 15, |e| e.int_ext(15, 1, 15), |d| d.int_ext(1, 15));
}

#[test]
fn normally_small_numbers() {
    // §11.6: up to 63 in 6 bits after a 0; beyond, 1 then a semi-constrained number.
    check("00", 0, |e| e.normally_small(0), |d| d.normally_small());
    check("7E", 63, |e| e.normally_small(63), |d| d.normally_small());
    check("80 01 40", 64, |e| e.normally_small(64), |d| d.normally_small());
    check("80 02 0100", 256, |e| e.normally_small(256), |d| d.normally_small());
    // §11.9.3.4 normally small length: 1..=64 as n-1 in 6 bits.
    check("00", 1, |e| e.normally_small_length(1), |d| d.normally_small_length());
    check("7E", 64, |e| e.normally_small_length(64), |d| d.normally_small_length());
    check(
        "80 41",
        65,
        |e| e.normally_small_length(65),
        |d| d.normally_small_length(),
    );
}

// ---- BOOLEAN, NULL, ENUMERATED, CHOICE --------------------------------------

#[test]
fn boolean_and_null() {
    // §12: one bit each. §18: NULL adds nothing.
    check(
        "A0",
        (true, false, true),
        |e| {
            e.bool(true);
            e.null();
            e.bool(false);
            e.bool(true);
            Ok(())
        },
        |d| {
            Ok((
                d.bool()?,
                {
                    d.null()?;
                    d.bool()?
                },
                d.bool()?,
            ))
        },
    );
    // §11.1: an empty complete encoding is one zero octet.
    assert_eq!(
        enc(|e| {
            e.null();
            Ok(())
        }),
        [0]
    );
}

#[test]
fn enumerated() {
    // §14.2: root index as a constrained whole number (3 items: 2 bits).
    check(
        "80",
        Index::Root(2),
        |e| e.enumerated(Index::Root(2), 3, false),
        |d| d.enumerated(3, false),
    );
    // Criticality {reject, ignore, notify}: ignore = 01.
    check(
        "40",
        Index::Root(1),
        |e| e.enumerated(Index::Root(1), 3, false),
        |d| d.enumerated(3, false),
    );
    // A single root item, not extensible: no bits at all.
    check(
        "00",
        Index::Root(0),
        |e| e.enumerated(Index::Root(0), 1, false),
        |d| d.enumerated(1, false),
    );
    // §14.3: {a, b, c, ..., d, e}: b = 0 01; d = 1 0 000000; e = 1 0 000001.
    check(
        "20",
        Index::Root(1),
        |e| e.enumerated(Index::Root(1), 3, true),
        |d| d.enumerated(3, true),
    );
    check(
        "80",
        Index::Extension(0),
        |e| e.enumerated(Index::Extension(0), 3, true),
        |d| d.enumerated(3, true),
    );
    check(
        "81",
        Index::Extension(1),
        |e| e.enumerated(Index::Extension(1), 3, true),
        |d| d.enumerated(3, true),
    );
    // An extension index of 64 and beyond uses the long normally-small form.
    check(
        "C0 01 40",
        Index::Extension(64),
        |e| e.enumerated(Index::Extension(64), 3, true),
        |d| d.enumerated(3, true),
    );
    // 256 root items: one aligned octet.
    check(
        "80 FF",
        Index::Root(255),
        |e| {
            e.bit(true);
            e.enumerated(Index::Root(255), 256, false)
        },
        |d| {
            d.bit()?;
            d.enumerated(256, false)
        },
    );
    let mut e = PerEncoder::new();
    assert!(e.enumerated(Index::Root(3), 3, false).is_err());
    assert!(e.enumerated(Index::Extension(0), 3, false).is_err());
}

#[test]
fn choice() {
    // §23.6: E2AP-PDU-like CHOICE {a, b, c, ...}: successfulOutcome = 0 01.
    check(
        "20",
        Index::Root(1),
        |e| e.choice_index(Index::Root(1), 3, true),
        |d| d.choice_index(3, true),
    );
    // One root alternative, not extensible: nothing; extensible: the bit.
    check(
        "00",
        Index::Root(0),
        |e| e.choice_index(Index::Root(0), 1, false),
        |d| d.choice_index(1, false),
    );
    check(
        "00",
        Index::Root(0),
        |e| e.choice_index(Index::Root(0), 1, true),
        |d| d.choice_index(1, true),
    );
    // §23.8: an extension alternative: 1, normally small index, then its
    // encoding as an open type. Here alternative 2 holding BOOLEAN TRUE.
    check(
        "82 01 80",
        (Index::Extension(2), true),
        |e| {
            e.choice_index(Index::Extension(2), 3, true)?;
            e.open_type_with(|e| {
                e.bool(true);
                Ok(())
            })
        },
        |d| Ok((d.choice_index(3, true)?, d.open_type_with(|d| d.bool())?)),
    );
}

// ---- lengths (§11.9) ---------------------------------------------------------

#[test]
fn general_length_determinant_forms() {
    // §11.9.3.6-11.9.3.7: one octet below 128, two below 16K.
    for (want, n) in [("00", 0), ("7F", 127), ("8080", 128), ("BFFF", 16383)] {
        check(want, n, |e| e.length(n, 0, None), |d| d.length(0, None));
    }
    // §11.9.3.8: 16K and more is a fragment header.
    let mut e = PerEncoder::new();
    assert_eq!(e.length_chunk(16384, 0, None).unwrap(), 16384);
    assert_eq!(e.length_chunk(70000, 0, None).unwrap(), 65536);
    assert_eq!(e.length_chunk(50000, 0, None).unwrap(), 49152);
    assert_eq!(e.finish(), hex("C1 C4 C3"));
    assert!(PerEncoder::new().length(16384, 0, None).is_err());
    // Fragment headers other than 1..=4 units of 16K are invalid.
    assert!(PerDecoder::new(&[0xC0]).length_chunk(0, None).is_err());
    assert!(PerDecoder::new(&[0xC5]).length_chunk(0, None).is_err());
    let mut d = PerDecoder::new(&[0xC2]);
    assert_eq!(d.length_chunk(0, None).unwrap().len, 32768);
}

#[test]
fn constrained_lengths() {
    // §11.9.4.1: ub under 64K: a constrained whole number of n - lb.
    check("80", 3, |e| e.length(3, 1, Some(4)), |d| d.length(1, Some(4))); // 2 bits: 10
    check("00", 7, |e| e.length(7, 7, Some(7)), |d| d.length(7, Some(7))); // fixed: nothing
    // maxProtocolIEs (0..65535): two aligned octets.
    check("0003", 3, |e| e.length(3, 0, Some(65535)), |d| d.length(0, Some(65535)));
    // ub of 64K or more: the general form, whatever lb is.
    check("03", 3, |e| e.length(3, 1, Some(65536)), |d| d.length(1, Some(65536)));
}

// ---- OCTET STRING (§17) -------------------------------------------------------

fn ostr(want: &str, v: &[u8], size: Size) {
    check(
        want,
        v.to_vec(),
        |e| {
            e.bit(true);
            e.octet_string(v, size)
        },
        |d| {
            assert!(d.bit()?);
            Ok(d.octet_string(size)?.into_owned())
        },
    );
}

#[test]
fn octet_string_sizes() {
    // §17.5: fixed size 0: nothing.
    ostr("80", b"", Size::fixed(0));
    // §17.6: fixed 1 or 2 octets: not aligned.
    ostr("D580", &[0xAB], Size::fixed(1));
    ostr("9A2B00", &[0x34, 0x56], Size::fixed(2));
    // §17.7: fixed 3 octets up to 64K: aligned.
    ostr("80 123456", &[0x12, 0x34, 0x56], Size::fixed(3));
    // §17.8: ranged size: constrained length, then aligned contents.
    ostr("90 1234", &[0x12, 0x34], Size::range(0, 8)); // 1 0010
    // Empty with a ranged size: the contents are still aligned (pycrate).
    ostr("80", b"", Size::range(0, 8));
    // Unconstrained: aligned general length.
    ostr("80 02 1234", &[0x12, 0x34], Size::UNCONSTRAINED);
    // §17.3: extensible size in the root: 0 then the root encoding.
    ostr("90 0102", &[1, 2], Size::range(1, 4).ext()); // 1 0 01
    // Outside the root: 1 then an unconstrained length.
    ostr("C0 05 0102030405", &[1, 2, 3, 4, 5], Size::range(1, 4).ext());
    // PLMN identity SIZE(3) and TimeStamp SIZE(8) from E2SM-KPM.
    ostr("80 00F110", &[0x00, 0xF1, 0x10], Size::fixed(3));
    ostr("80 0102030405060708", &[1, 2, 3, 4, 5, 6, 7, 8], Size::fixed(8));
    let mut e = PerEncoder::new();
    assert!(e.octet_string(&[1, 2, 3], Size::fixed(2)).is_err());
    assert!(e.octet_string(&[], Size::range(1, 4)).is_err());
}

#[test]
fn octet_string_is_borrowed_when_aligned() {
    let bytes = hex("80 03 AABBCC");
    let mut d = PerDecoder::new(&bytes);
    d.bit().unwrap();
    match d.octet_string(Size::UNCONSTRAINED).unwrap() {
        Cow::Borrowed(s) => assert_eq!(s.as_ptr(), bytes[2..].as_ptr()),
        Cow::Owned(_) => panic!("copied"),
    }
    // Two fixed octets on an odd bit position cannot be borrowed.
    let mut d = PerDecoder::new(&[0x9A, 0x2B, 0x00]);
    d.bit().unwrap();
    assert!(matches!(d.octet_string(Size::fixed(2)).unwrap(), Cow::Owned(_)));
}

#[test]
fn octet_string_lengths_at_16k_boundaries() {
    // §11.9.3.8: 16383 octets in one piece; 16384 a 16K fragment then a zero
    // length; 64K+1 a 64K fragment then one octet; 16K·m fragments in between.
    for n in [
        16383usize,
        16384,
        16385,
        32768 + 5,
        49152,
        65535,
        65536,
        65537,
        65536 + 16384 + 3,
    ] {
        let v: Vec<u8> = (0..n).map(|i| (i * 7 + 1) as u8).collect();
        let bytes = enc(|e| e.octet_string(&v, Size::UNCONSTRAINED));
        let mut expect = Vec::new();
        let mut rest = &v[..];
        loop {
            if rest.len() >= K16 {
                let m = (rest.len() / K16).min(4);
                expect.push(0xC0 | m as u8);
                expect.extend_from_slice(&rest[..m * K16]);
                rest = &rest[m * K16..];
            } else {
                if rest.len() < 128 {
                    expect.push(rest.len() as u8);
                } else {
                    expect.extend_from_slice(&[0x80 | (rest.len() >> 8) as u8, rest.len() as u8]);
                }
                expect.extend_from_slice(rest);
                break;
            }
        }
        assert_eq!(bytes.len(), expect.len(), "n = {n}");
        assert!(bytes == expect, "n = {n}");
        let mut d = PerDecoder::new(&bytes);
        let back = d.octet_string(Size::UNCONSTRAINED).unwrap();
        assert!(back[..] == v[..], "n = {n}");
        assert_eq!(matches!(back, Cow::Borrowed(_)), n < K16);
        assert_eq!(d.byte_position(), bytes.len());
    }
    // The first octets for the boundary cases, spelled out.
    let first = |n: usize| enc(|e| e.octet_string(&vec![0u8; n], Size::UNCONSTRAINED))[..2].to_vec();
    assert_eq!(first(16383), hex("BFFF"));
    assert_eq!(first(16384)[0], 0xC1);
    assert_eq!(first(65537)[0], 0xC4);
    let b = enc(|e| e.octet_string(&vec![0u8; 16384], Size::UNCONSTRAINED));
    assert_eq!(b.len(), 1 + 16384 + 1);
    assert_eq!(b[16385], 0x00);
    let b = enc(|e| e.octet_string(&vec![0u8; 65537], Size::UNCONSTRAINED));
    assert_eq!(&b[65537..], &[0x01, 0x00]);
}

#[test]
fn ranged_octet_string_at_the_64k_boundary() {
    // SIZE(0..65535): ub under 64K, so a two-octet constrained length, no fragments.
    let v = vec![0x5Au8; 20000];
    let b = enc(|e| e.octet_string(&v, Size::range(0, 65535)));
    assert_eq!(&b[..2], &[0x4E, 0x20]);
    assert_eq!(b.len(), 2 + 20000);
    assert_eq!(
        PerDecoder::new(&b).octet_string(Size::range(0, 65535)).unwrap().len(),
        20000
    );
    // SIZE(0..65536): general form, fragmented.
    let b = enc(|e| e.octet_string(&v, Size::range(0, 65536)));
    assert_eq!(b[0], 0xC1);
    // A fixed size of 64K or more takes the general form too.
    let v = vec![1u8; 65536];
    let b = enc(|e| e.octet_string(&v, Size::fixed(65536)));
    assert_eq!((b[0], b.len()), (0xC4, 65536 + 2));
    assert_eq!(
        PerDecoder::new(&b).octet_string(Size::fixed(65536)).unwrap().len(),
        65536
    );
}

// ---- BIT STRING (§16) ---------------------------------------------------------

fn bstr(want: &str, v: &[u8], nbits: usize, size: Size) {
    let mut bytes = v[..nbits.div_ceil(8)].to_vec();
    if !nbits.is_multiple_of(8) {
        *bytes.last_mut().unwrap() &= 0xFF << (8 - nbits % 8);
    }
    check(
        want,
        BitString {
            bytes: Cow::Owned(bytes),
            bits: nbits,
        },
        |e| {
            e.bit(true);
            e.bit_string(v, nbits, size)
        },
        |d| {
            assert!(d.bit()?);
            d.bit_string(size).map(BitString::into_owned)
        },
    );
}

#[test]
fn bit_string_sizes() {
    // §16.9: fixed size up to 16 bits: not aligned.
    bstr("E0", &[0xC0], 2, Size::fixed(2)); // 1 11
    bstr("D5 E0", &[0xAB, 0xC0], 12, Size::fixed(12));
    bstr("FF FF 80", &[0xFF, 0xFF], 16, Size::fixed(16));
    // §16.10: fixed size over 16 bits (under 64K): aligned. gNB-DU-ID-like 18..36 bits.
    bstr("80 ABCDC0", &[0xAB, 0xCD, 0xFF], 18, Size::fixed(18));
    bstr("80 12345670", &[0x12, 0x34, 0x56, 0x7F], 28, Size::fixed(28));
    bstr("80 0123456780", &[0x01, 0x23, 0x45, 0x67, 0x89], 36, Size::fixed(36));
    // §16.11: ranged size: constrained length (gNB-ID 22..32: 4 bits), aligned contents.
    bstr("80 ABCDEC", &[0xAB, 0xCD, 0xEF, 0x03], 22, Size::range(22, 32)); // 1 0000
    bstr("D0 ABCDEF03", &[0xAB, 0xCD, 0xEF, 0x03], 32, Size::range(22, 32)); // 1 1010
    // tnlAddress SIZE(1..160, ...): ext bit, 8-bit length, aligned contents.
    bstr("87C0 0A000001", &[10, 0, 0, 1], 32, Size::range(1, 160).ext()); // 1 0 00011111
    // Empty with a ranged size: aligned anyway (pycrate).
    bstr("80", &[], 0, Size::range(0, 8));
    // Unconstrained: aligned general length in bits.
    bstr("80 0C ABC0", &[0xAB, 0xCD], 12, Size::UNCONSTRAINED);
    // Extensible size outside the root.
    bstr("C0 21 FFFFFFFF80", &[0xFF; 5], 33, Size::range(1, 32).ext());
}

#[test]
fn bit_string_fragments() {
    // 16K bits and more are fragmented in units of bits.
    for nbits in [16383usize, 16384, 16390, 65536 + 9] {
        let v: Vec<u8> = (0..nbits.div_ceil(8)).map(|i| (i * 13) as u8).collect();
        let b = enc(|e| e.bit_string(&v, nbits, Size::UNCONSTRAINED));
        let back = PerDecoder::new(&b).bit_string(Size::UNCONSTRAINED).unwrap();
        assert_eq!(back.bits, nbits);
        assert_eq!(back.bytes[..nbits / 8], v[..nbits / 8]);
        if nbits >= K16 {
            assert_eq!(b[0] & 0xC0, 0xC0);
        }
    }
}

#[test]
fn bit_string_value_helpers() {
    let input = hex("00 ABCDEC");
    let b = PerDecoder::new(&input).bit_string(Size::range(22, 32)).unwrap();
    assert_eq!((b.bits, b.to_u64()), (22, Some(0xABCDEC >> 2)));
    assert!(b.bit(0) && !b.bit(1) && !b.bit(22));
}

// ---- character strings (§30) ---------------------------------------------------

fn kms(want: &str, s: &str, alpha: &Alphabet, size: Size) {
    check(
        want,
        s.to_string(),
        |e| {
            e.bit(true);
            e.known_multiplier_string(s, alpha, size)
        },
        |d| {
            assert!(d.bit()?);
            Ok(d.known_multiplier_string(alpha, size)?.into_owned())
        },
    );
}

#[test]
fn printable_string() {
    let p = &Alphabet::PRINTABLE;
    assert_eq!((p.len(), p.bits_per_char(), p.is_indexed()), (74, 8, false));
    // RANfunction-ShortName PrintableString(SIZE(1..150, ...)): ext bit,
    // 8-bit length (150 values), aligned 8-bit characters.
    kms(
        "8340 4F52414E2D45322D534D2D4B504D",
        "ORAN-E2-SM-KPM",
        p,
        Size::range(1, 150).ext(),
    );
    // RANfunctionOID SIZE(1..1000, ...): range 1000 needs two aligned octets.
    kms("80 0004 312E322E33", "1.2.3", p, Size::range(1, 1000).ext());
    // SIZE(0..8) empty: 4-bit length then alignment (pycrate).
    kms("80", "", p, Size::range(0, 8));
    // Fixed size of up to 2 characters is not aligned, 3 and more is.
    kms("A0 80", "A", p, Size::fixed(1));
    kms("80 414243", "ABC", p, Size::fixed(3));
    // Unconstrained.
    kms("80 02 4869", "Hi", p, Size::UNCONSTRAINED);
    // Outside an extensible root.
    kms("C0 03 616263", "abc", p, Size::range(1, 2).ext());
    // '@' is not a PrintableString character.
    assert!(PerEncoder::new().printable_string("a@b", Size::UNCONSTRAINED).is_err());
    assert!(
        PerDecoder::new(&hex("03 614062"))
            .printable_string(Size::UNCONSTRAINED)
            .is_err()
    );
}

#[test]
fn other_known_multiplier_strings() {
    // VisibleString and IA5String: 8 bits by value.
    kms("80 03 207E21", " ~!", &Alphabet::VISIBLE, Size::UNCONSTRAINED);
    kms("80 02 000A", "\0\n", &Alphabet::IA5, Size::UNCONSTRAINED);
    assert!(PerEncoder::new().visible_string("\n", Size::UNCONSTRAINED).is_err());
    // NumericString: 11 characters, 4 bits each, by index (space = 0, '0' = 1).
    let n = &Alphabet::NUMERIC;
    assert_eq!((n.bits_per_char(), n.is_indexed()), (4, true));
    kms("C0 2340", "123", n, Size::range(1, 4)); // 1 10 pad 0010 0011 0100
    kms("88", "0", n, Size::fixed(1)); // 1 0001
    kms("8080", " 0", n, Size::fixed(2)); // 1 0000 0001: not aligned
    // Fixed size of 3 characters: aligned, as pycrate does.
    kms("80 2340", "123", n, Size::fixed(3));
    // FROM("A".."Z") keeps 8 bits and values (26 > 16 characters).
    let az = Alphabet::from_range(b'A', b'Z');
    assert_eq!((az.bits_per_char(), az.is_indexed()), (8, false));
    kms("80 414243", "ABC", &az, Size::fixed(3));
    // FROM("0".."7"): 8 characters, 4 bits (a power of two), by index.
    let oct = Alphabet::from_range(b'0', b'7');
    assert_eq!((oct.bits_per_char(), oct.is_indexed()), (4, true));
    kms("80 0120", "012", &oct, Size::fixed(3));
    // FROM("AB"): 1 bit per character.
    let ab = Alphabet::from_ascii(b"AB");
    kms("E0 40", "ABA", &ab, Size::range(0, 3)); // 1 11 pad 010
}

#[test]
fn utf8_string() {
    // §30.6: length in octets, unconstrained, aligned.
    check(
        "80 06 68C3A96C6C6F",
        "héllo".to_string(),
        |e| {
            e.bit(true);
            e.utf8_string("héllo")
        },
        |d| {
            d.bit()?;
            Ok(d.utf8_string()?.into_owned())
        },
    );
    assert!(PerDecoder::new(&hex("02 C328")).utf8_string().is_err());
    let b = hex("03 616263");
    assert!(matches!(
        PerDecoder::new(&b).utf8_string().unwrap(),
        Cow::Borrowed("abc")
    ));
}

// ---- SEQUENCE, SEQUENCE OF, open types ---------------------------------------------

#[test]
fn sequence_preamble_and_extension_additions() {
    // §19: SEQUENCE { b BOOLEAN, ..., c NULL } with c present: extension bit,
    // b, normally small length 1 (0 000000), bitmap 1, then c as an open type
    // holding the empty complete encoding 00.
    check(
        "C0 40 01 00",
        true,
        |e| {
            e.sequence_preamble(true, true, &[])?;
            e.bool(true);
            e.extension_bitmap(&[true])?;
            e.open_type_with(|e| {
                e.null();
                Ok(())
            })
        },
        |d| {
            let p = d.sequence_preamble(true, 0)?;
            assert!(p.extended);
            let b = d.bool()?;
            let bm = d.extension_bitmap()?;
            assert_eq!((bm.len(), bm.is_present(0)), (1, true));
            d.open_type_with(|d| d.null())?;
            Ok(b)
        },
    );
    // Optional bitmap: three OPTIONAL components, first and last present.
    check(
        "50",
        vec![true, false, true],
        |e| e.sequence_preamble(true, false, &[true, false, true]),
        |d| {
            let p = d.sequence_preamble(true, 3)?;
            assert!(!p.extended);
            Ok((0..3).map(|i| p.is_present(i)).collect())
        },
    );
    // An unknown addition is skipped: bitmap of 3 (0 000010), additions 1 and 3 present:
    // 1 0000010 101.
    let b = enc(|e| {
        e.sequence_preamble(true, true, &[])?;
        e.extension_bitmap(&[true, false, true])?;
        e.open_type(&[0xAA, 0xBB])?;
        e.open_type(&[0xCC])
    });
    assert_eq!(b, hex("82A0 02AABB 01CC"));
    let mut d = PerDecoder::new(&b);
    assert!(d.sequence_preamble(true, 0).unwrap().extended);
    let bm = d.extension_bitmap().unwrap();
    assert_eq!(bm.present().collect::<Vec<_>>(), [0, 2]);
    d.skip_open_type().unwrap();
    assert_eq!(d.open_type().unwrap()[..], [0xCC]);
    assert_eq!(d.byte_position(), b.len());
}

#[test]
fn sequence_of_counts() {
    let items = [3u8, 1, 4];
    // §20.6: SIZE(0..65535) (maxProtocolIEs): count in two aligned octets.
    check(
        "0003 030104",
        items.to_vec(),
        |e| {
            e.sequence_of(&items, Size::range(0, 65535), |e, &i| {
                e.constrained_int(i as i64, 0, 255)
            })
        },
        |d| d.sequence_of(Size::range(0, 65535), |d| Ok(d.constrained_int(0, 255)? as u8)),
    );
    // SIZE(1..4): 2-bit count, 4-bit elements, nothing aligned: 1 10 0011 0001 0100.
    check(
        "C628",
        items.to_vec(),
        |e| {
            e.bit(true);
            e.sequence_of(&items, Size::range(1, 4), |e, &i| e.constrained_int(i as i64, 0, 15))
        },
        |d| {
            d.bit()?;
            d.sequence_of(Size::range(1, 4), |d| Ok(d.constrained_int(0, 15)? as u8))
        },
    );
    // Unconstrained: general length.
    check(
        "03 31 40",
        items.to_vec(),
        |e| e.sequence_of(&items, Size::UNCONSTRAINED, |e, &i| e.constrained_int(i as i64, 0, 15)),
        |d| d.sequence_of(Size::UNCONSTRAINED, |d| Ok(d.constrained_int(0, 15)? as u8)),
    );
    // The count alone.
    check(
        "C0",
        4,
        |e| e.sequence_of_len(4, Size::range(1, 4)),
        |d| d.sequence_of_len(Size::range(1, 4)),
    );
    // Extensible size outside the root: 1, then a general length.
    let five = [true; 5];
    check(
        "80 05 F8",
        five.to_vec(),
        |e| {
            e.sequence_of(&five, Size::range(1, 4).ext(), |e, &b| {
                e.bool(b);
                Ok(())
            })
        },
        |d| d.sequence_of(Size::range(1, 4).ext(), |d| d.bool()),
    );
    let mut e = PerEncoder::new();
    e.sequence_of_len(5, Size::range(1, 4).ext()).unwrap();
    assert_eq!(e.finish(), hex("80 05"));
}

#[test]
fn sequence_of_fragmented() {
    // 16K + 1 one-bit elements: a 16K fragment, then a length of 1.
    let items: Vec<bool> = (0..K16 + 1).map(|i| i % 3 == 0).collect();
    let b = enc(|e| {
        e.sequence_of(&items, Size::UNCONSTRAINED, |e, &x| {
            e.bool(x);
            Ok(())
        })
    });
    assert_eq!(b[0], 0xC1);
    assert_eq!(b[1 + K16 / 8], 0x01);
    assert_eq!(b.len(), 1 + K16 / 8 + 1 + 1);
    let back = PerDecoder::new(&b)
        .sequence_of(Size::UNCONSTRAINED, |d| d.bool())
        .unwrap();
    assert_eq!(back, items);
}

#[test]
fn open_types() {
    // §11.2: E2AP ProtocolIE-Field { id (0..65535), criticality, value open type }
    // with a RICrequestID { INTEGER (0..65535), INTEGER (0..65535), ... } value.
    let b = enc(|e| {
        e.constrained_int(29, 0, 65535)?;
        e.enumerated(Index::Root(0), 3, false)?;
        e.open_type_with(|e| {
            e.sequence_preamble(true, false, &[])?;
            e.constrained_int(123, 0, 65535)?;
            e.constrained_int(7, 0, 65535)
        })
    });
    assert_eq!(b, hex("001D 00 05 00007B0007"));
    let mut d = PerDecoder::new(&b);
    assert_eq!(d.constrained_int(0, 65535).unwrap(), 29);
    assert_eq!(d.enumerated(3, false).unwrap(), Index::Root(0));
    let (a, c) = d
        .open_type_with(|d| {
            d.sequence_preamble(true, 0)?;
            Ok((d.constrained_int(0, 65535)?, d.constrained_int(0, 65535)?))
        })
        .unwrap();
    assert_eq!((a, c), (123, 7));
    // Lengths of 128 and more take two octets; the contents are moved in place.
    for n in [126usize, 127, 128, 300, 16381, 16382, 16383, 16384, 40000] {
        let v = vec![0x11u8; n];
        let b = enc(|e| {
            e.bit(true);
            e.open_type_with(|e| e.octet_string(&v, Size::UNCONSTRAINED))
        });
        let direct = enc(|e| {
            e.bit(true);
            let inner = enc(|e| e.octet_string(&v, Size::UNCONSTRAINED));
            e.open_type(&inner)
        });
        assert!(b == direct, "open type around {n} octets");
        let r = Reassembly::new();
        let mut d = PerDecoder::new(&b).with_reassembly(&r);
        d.bit().unwrap();
        let back = d.open_type_with(|d| d.octet_string(Size::UNCONSTRAINED)).unwrap();
        assert_eq!(back.len(), n);
        assert_eq!(d.byte_position(), b.len());
    }
    // Without a Reassembly, a fragmented open type can still be read raw but
    // not decoded in place.
    let inner = vec![0u8; 20000];
    let b = enc(|e| e.open_type(&inner));
    assert_eq!(PerDecoder::new(&b).open_type().unwrap().len(), 20000);
    let err = PerDecoder::new(&b).open_type_with(|d| d.bool()).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Unsupported(_)));
    // An empty encoding in an open type is the octet 00 (§11.1).
    assert_eq!(enc(|e| e.open_type(&[])), hex("01 00"));
    assert_eq!(enc(|e| e.open_type_with(|_| Ok(()))), hex("01 00"));
}

#[test]
fn open_type_errors_point_into_the_outer_buffer() {
    // A BOOLEAN then an open type of 2 octets that claims an OCTET STRING of 5.
    let b = hex("80 02 05AA");
    let mut d = PerDecoder::new(&b);
    d.set_context("test IE");
    d.bit().unwrap();
    let err = d.open_type_with(|d| d.octet_string(Size::UNCONSTRAINED)).unwrap_err();
    assert_eq!(err.context, "test IE");
    assert_eq!(err.offset, 3);
    assert!(matches!(err.kind, ErrorKind::BadLength { claimed: 5, actual: 1 }));
}

// ---- hostile input ------------------------------------------------------------------

#[test]
fn lengths_beyond_the_input_are_errors() {
    // Two-octet length of 16383 with 3 octets behind it.
    let b = hex("BFFF 010203");
    let err = PerDecoder::new(&b).octet_string(Size::UNCONSTRAINED).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::BadLength {
            claimed: 16383,
            actual: 3
        }
    );
    assert_eq!(err.offset, 2);
    // A 64K fragment header with nothing behind it.
    let err = PerDecoder::new(&[0xC4]).octet_string(Size::UNCONSTRAINED).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::BadLength {
            claimed: 65536,
            actual: 0
        }
    );
    assert!(PerDecoder::new(&[0xC4]).open_type().is_err());
    assert!(PerDecoder::new(&[0xC4]).skip_open_type().is_err());
    assert!(PerDecoder::new(&[0xC4]).utf8_string().is_err());
    assert!(PerDecoder::new(&[0xC4]).bit_string(Size::UNCONSTRAINED).is_err());
    assert!(PerDecoder::new(&[0xC4]).printable_string(Size::UNCONSTRAINED).is_err());
    // A constrained length (SIZE(0..65535)) of 65535 with 1 octet.
    let err = PerDecoder::new(&hex("FFFF 00"))
        .octet_string(Size::range(0, 65535))
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::BadLength { claimed: 65535, .. }));
    // A SEQUENCE OF count beyond the remaining bits.
    assert!(
        PerDecoder::new(&hex("FFFF"))
            .sequence_of_len(Size::range(0, 65535))
            .is_err()
    );
    // An extension bitmap longer than the input.
    assert!(PerDecoder::new(&hex("80 7F")).extension_bitmap().is_err());
    // A fragmented string whose fragments run out.
    let mut b = vec![0xC1];
    b.extend_from_slice(&[b'a'; K16]);
    b.push(0xC1);
    assert!(PerDecoder::new(&b).printable_string(Size::UNCONSTRAINED).is_err());
}

#[test]
fn truncation_of_each_primitive() {
    type Op = fn(&mut PerDecoder) -> Result<()>;
    let cases: [(&str, Op); 12] = [
        ("80FF", |d| {
            d.bit()?;
            d.constrained_int(0, 255).map(drop)
        }),
        ("80010000", |d| d.constrained_int(0, 65536).map(drop)),
        ("02 0100", |d| d.semi_constrained_int(0).map(drop)),
        ("08 8000000000000000", |d| d.unconstrained_int().map(drop)),
        ("80 01 40", |d| d.normally_small().map(drop)),
        ("BFFF", |d| d.length(0, None).map(drop)),
        ("80 123456", |d| {
            d.bit()?;
            d.octet_string(Size::fixed(3)).map(drop)
        }),
        ("80 0123456780", |d| {
            d.bit()?;
            d.bit_string(Size::fixed(36)).map(drop)
        }),
        ("8340 4F52414E2D45322D534D2D4B504D", |d| {
            d.bit()?;
            d.printable_string(Size::range(1, 150).ext()).map(drop)
        }),
        ("C0 2340", |d| {
            d.bit()?;
            d.numeric_string(Size::range(1, 4)).map(drop)
        }),
        ("82A0 02AABB 01CC", |d| {
            d.sequence_preamble(true, 0)?;
            d.extension_bitmap()?;
            d.skip_open_type()?;
            d.open_type().map(drop)
        }),
        ("001D 00 05 00007B0007", |d| {
            d.constrained_int(0, 65535)?;
            d.enumerated(3, false)?;
            d.open_type_with(|d| {
                d.sequence_preamble(true, 0)?;
                d.constrained_int(0, 65535)?;
                d.constrained_int(0, 65535).map(drop)
            })
        }),
    ];
    for (h, op) in cases {
        let b = hex(h);
        op(&mut PerDecoder::new(&b)).unwrap_or_else(|e| panic!("{h}: {e}"));
        for n in 0..b.len() {
            assert!(op(&mut PerDecoder::new(&b[..n])).is_err(), "{h} cut to {n} octets");
        }
    }
}

#[test]
fn errors_carry_offset_and_context() {
    let mut d = PerDecoder::new(&[0x00, 0x00]).with_base(100);
    d.set_context("RICrequestID");
    d.constrained_int(0, 65535).unwrap();
    let e = d.constrained_int(0, 65535).unwrap_err();
    assert_eq!((e.offset, e.context), (102, "RICrequestID"));
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 2,
            available: 0
        }
    );
}

// ---- properties ---------------------------------------------------------------------------

/// A random constraint `lb..=ub` with a value inside it, covering every
/// §11.5.7 case (small ranges are drawn more often).
fn constrained() -> impl Strategy<Value = (i64, i64, i64)> {
    let range = prop_oneof![
        1u64..=300,
        250u64..=70000,
        Just(255u64),
        Just(256),
        Just(257),
        Just(65536),
        Just(65537),
        any::<u64>(),
    ];
    (range, any::<i64>(), any::<u64>()).prop_map(|(range, lb, pick)| {
        let range = range.max(1);
        let lb = lb.min((i64::MAX as i128 - range as i128 + 1).max(i64::MIN as i128) as i64);
        let ub = (lb as i128 + range as i128 - 1).min(i64::MAX as i128) as i64;
        let span = (ub as i128 - lb as i128) as u128 + 1;
        let v = (lb as i128 + (pick as u128 % span) as i128) as i64;
        (lb, ub, v)
    })
}

fn size() -> impl Strategy<Value = Size> {
    let root = prop_oneof![
        (0usize..40).prop_map(Size::fixed),
        (0usize..30, 0usize..40).prop_map(|(lb, w)| Size::range(lb, lb + w)),
        (0usize..20).prop_map(Size::at_least),
        Just(Size::UNCONSTRAINED),
        Just(Size::range(0, 65535)),
        Just(Size::range(1, 65536)),
        (200usize..400).prop_map(|lb| Size::range(lb, lb + 1000)),
    ];
    (root, any::<bool>()).prop_map(|(s, ext)| if ext { s.ext() } else { s })
}

/// A length for `size`: in the root, or outside it when extensible.
fn length_for(size: Size, pick: usize) -> usize {
    let root_ub = size.ub.unwrap_or(size.lb + 300);
    if size.extensible && pick.is_multiple_of(4) {
        // Outside the root when there is room above it.
        return root_ub + 1 + pick % 50;
    }
    size.lb + pick % (root_ub - size.lb + 1)
}

/// Encode `lead` bits, then `f`; decode the same and check the position.
fn round_trip<T: PartialEq + std::fmt::Debug>(
    lead: u8,
    f: impl FnOnce(&mut PerEncoder) -> Result<()>,
    g: impl FnOnce(&mut PerDecoder) -> Result<T>,
    want: T,
) -> std::result::Result<(), TestCaseError> {
    let mut e = PerEncoder::new();
    e.bits(0x55, lead as u32);
    f(&mut e).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let bits = e.position();
    let bytes = e.finish();
    let mut d = PerDecoder::new(&bytes);
    prop_assert_eq!(d.bits(lead as u32).unwrap(), 0x55 & ((1u64 << lead) - 1));
    let got = g(&mut d).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(got, want);
    prop_assert_eq!(d.position(), bits);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn constrained_int_round_trips((lb, ub, v) in constrained(), lead in 0u8..8) {
        round_trip(lead, |e| e.constrained_int(v, lb, ub), |d| d.constrained_int(lb, ub), v)?;
    }

    #[test]
    fn int_ext_round_trips((lb, ub, v) in constrained(), out in any::<i64>(), root in any::<bool>(), lead in 0u8..8) {
        let v = if root { v } else { out };
        round_trip(lead, |e| e.int_ext(v, lb, ub), |d| d.int_ext(lb, ub), v)?;
    }

    #[test]
    fn semi_and_unconstrained_round_trip(lb in any::<i64>(), off in any::<u64>(), v in any::<i64>(), lead in 0u8..8) {
        let s = (lb as i128 + (off as u128 % ((i64::MAX as i128 - lb as i128) as u128 + 1)) as i128) as i64;
        round_trip(lead, |e| e.semi_constrained_int(s, lb), |d| d.semi_constrained_int(lb), s)?;
        round_trip(lead, |e| e.unconstrained_int(v), |d| d.unconstrained_int(), v)?;
    }

    #[test]
    fn normally_small_round_trips(v in prop_oneof![0u64..64, 64u64..100_000, 0u64..(i64::MAX as u64)], lead in 0u8..8) {
        round_trip(lead, |e| e.normally_small(v), |d| d.normally_small(), v)?;
    }

    #[test]
    fn enumerated_and_choice_round_trip(n_root in 1u32..300, pick in any::<u32>(), ext in any::<bool>(), lead in 0u8..8) {
        let v = if ext && pick % 3 == 0 { Index::Extension(pick % 1000) } else { Index::Root(pick % n_root) };
        round_trip(lead, |e| e.enumerated(v, n_root, ext), |d| d.enumerated(n_root, ext), v)?;
        round_trip(lead, |e| e.choice_index(v, n_root, ext), |d| d.choice_index(n_root, ext), v)?;
    }

    #[test]
    fn octet_string_round_trips(size in size(), pick in any::<usize>(), seed in any::<u8>(), lead in 0u8..8) {
        let n = length_for(size, pick);
        let v: Vec<u8> = (0..n).map(|i| seed.wrapping_add(i as u8)).collect();
        round_trip(lead, |e| e.octet_string(&v, size), |d| Ok(d.octet_string(size)?.into_owned()), v.clone())?;
    }

    #[test]
    fn bit_string_round_trips(size in size(), pick in any::<usize>(), seed in any::<u8>(), lead in 0u8..8) {
        let n = length_for(size, pick);
        let mut v: Vec<u8> = (0..n.div_ceil(8)).map(|i| seed.wrapping_mul(31).wrapping_add(i as u8)).collect();
        let raw = v.clone();
        if !n.is_multiple_of(8) {
            *v.last_mut().unwrap() &= 0xFF << (8 - n % 8);
        }
        let want = BitString { bytes: Cow::Owned(v), bits: n };
        round_trip(lead, |e| e.bit_string(&raw, n, size), |d| d.bit_string(size).map(BitString::into_owned), want)?;
    }

    #[test]
    fn known_multiplier_string_round_trips(
        chars in prop::collection::btree_set(0u8..128, 1..100),
        size in size(),
        pick in any::<usize>(),
        picks in prop::collection::vec(any::<usize>(), 0..1400),
        lead in 0u8..8,
    ) {
        let set: Vec<u8> = chars.into_iter().collect();
        let alpha = Alphabet::from_ascii(&set);
        let n = length_for(size, pick);
        let s: String = (0..n).map(|i| set[picks.get(i).copied().unwrap_or(i) % set.len()] as char).collect();
        round_trip(
            lead,
            |e| e.known_multiplier_string(&s, &alpha, size),
            |d| Ok(d.known_multiplier_string(&alpha, size)?.into_owned()),
            s.clone(),
        )?;
    }

    #[test]
    fn utf8_string_round_trips(s in ".{0,200}", lead in 0u8..8) {
        round_trip(lead, |e| e.utf8_string(&s), |d| Ok(d.utf8_string()?.into_owned()), s.clone())?;
    }

    #[test]
    fn sequence_of_round_trips(size in size(), pick in any::<usize>(), lead in 0u8..8) {
        let n = length_for(size, pick);
        let items: Vec<u8> = (0..n).map(|i| (i * 5 % 16) as u8).collect();
        round_trip(
            lead,
            |e| e.sequence_of(&items, size, |e, &i| e.constrained_int(i as i64, 0, 15)),
            |d| d.sequence_of(size, |d| Ok(d.constrained_int(0, 15)? as u8)),
            items.clone(),
        )?;
    }

    #[test]
    fn preamble_and_extensions_round_trip(
        optional in prop::collection::vec(any::<bool>(), 0..=64),
        additions in prop::collection::vec(any::<bool>(), 1..100),
        payload in any::<u8>(),
        lead in 0u8..8,
    ) {
        let extended = additions.iter().any(|&a| a);
        let want = (optional.clone(), additions.clone());
        round_trip(
            lead,
            |e| {
                e.sequence_preamble(true, extended, &optional)?;
                if extended {
                    e.extension_bitmap(&additions)?;
                    for (i, _) in additions.iter().enumerate().filter(|(_, a)| **a) {
                        e.open_type_with(|e| e.constrained_int((i as i64 + payload as i64) % 256, 0, 255))?;
                    }
                }
                Ok(())
            },
            |d| {
                let p = d.sequence_preamble(true, optional.len())?;
                let opt: Vec<bool> = (0..optional.len()).map(|i| p.is_present(i)).collect();
                let mut add = vec![false; additions.len()];
                if p.extended {
                    let bm = d.extension_bitmap()?;
                    add = vec![false; bm.len()];
                    for i in bm.present() {
                        add[i] = true;
                        let v = d.open_type_with(|d| d.constrained_int(0, 255))?;
                        assert_eq!(v, (i as i64 + payload as i64) % 256);
                    }
                }
                Ok((opt, add))
            },
            want,
        )?;
    }

    #[test]
    fn nested_open_types_round_trip(depth in 1usize..6, n in 0usize..300, lead in 0u8..8) {
        fn put(e: &mut PerEncoder, depth: usize, n: usize) -> Result<()> {
            if depth == 0 {
                return e.octet_string(&vec![0xA5; n], Size::UNCONSTRAINED);
            }
            e.bool(depth.is_multiple_of(2));
            e.open_type_with(|e| put(e, depth - 1, n))
        }
        fn get(d: &mut PerDecoder, depth: usize) -> Result<usize> {
            if depth == 0 {
                return Ok(d.octet_string(Size::UNCONSTRAINED)?.len());
            }
            assert_eq!(d.bool()?, depth.is_multiple_of(2));
            d.open_type_with(|d| get(d, depth - 1))
        }
        round_trip(lead, |e| put(e, depth, n), |d| get(d, depth), n)?;
    }

    /// Random bytes through every decoding primitive: errors, never panics.
    #[test]
    fn arbitrary_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), ops in prop::collection::vec(0u8..24, 1..30)) {
        let r = Reassembly::new();
        let mut d = PerDecoder::new(&bytes).with_reassembly(&r);
        for op in ops {
            let _ = match op {
                0 => d.constrained_int(0, 7).map(drop),
                1 => d.constrained_int(0, 65536).map(drop),
                2 => d.constrained_int(i64::MIN, i64::MAX).map(drop),
                3 => d.semi_constrained_int(-3).map(drop),
                4 => d.unconstrained_int().map(drop),
                5 => d.int_ext(1, 65535).map(drop),
                6 => d.normally_small().map(drop),
                7 => d.enumerated(3, true).map(drop),
                8 => d.choice_index(5, true).map(drop),
                9 => d.length(0, None).map(drop),
                10 => d.octet_string(Size::range(1, 4).ext()).map(drop),
                11 => d.octet_string(Size::UNCONSTRAINED).map(drop),
                12 => d.bit_string(Size::range(22, 32)).map(drop),
                13 => d.bit_string(Size::UNCONSTRAINED).map(drop),
                14 => d.printable_string(Size::range(1, 150).ext()).map(drop),
                15 => d.numeric_string(Size::UNCONSTRAINED).map(drop),
                16 => d.utf8_string().map(drop),
                17 => d.sequence_preamble(true, 5).map(drop),
                18 => d.extension_bitmap().map(drop),
                19 => d.sequence_of_len(Size::range(0, 65535)).map(drop),
                20 => d.sequence_of(Size::UNCONSTRAINED, |d| d.bool()).map(drop),
                21 => d.open_type().map(drop),
                22 => d.skip_open_type(),
                _ => d.open_type_with(|d| d.printable_string(Size::UNCONSTRAINED).map(drop)),
            };
            prop_assert!(d.position() <= bytes.len() * 8);
        }
    }
}

//! Effective permitted alphabets of the known-multiplier character string
//! types (X.691 §30), restricted to the ISO 646 (7-bit) repertoire that
//! NumericString, PrintableString, VisibleString and IA5String draw from.

/// A permitted alphabet and the ALIGNED PER character encoding it implies.
///
/// X.691 §30.5.2-30.5.3 (aligned variant): with `N` characters, each takes `b`
/// bits, the smallest power of two that can hold `N - 1`; a character is
/// encoded as its ISO 646 value when the largest value fits in `b` bits, and
/// otherwise as its index in the alphabet sorted by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    /// Bit `c` set when character `c` is permitted.
    set: u128,
    /// The permitted characters in ascending order; `count` of them are valid.
    chars: [u8; 128],
    count: u8,
    bits: u8,
    indexed: bool,
}

const PRINTABLE_CHARS: &[u8] = b" '()+,-./0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Alphabet {
    /// PrintableString: letters, digits, space and `'()+,-./:=?` (74 characters,
    /// 8 bits each, encoded by value).
    pub const PRINTABLE: Alphabet = Alphabet::from_ascii(PRINTABLE_CHARS);
    /// VisibleString (ISO646String): 0x20..=0x7E.
    pub const VISIBLE: Alphabet = Alphabet::from_range(0x20, 0x7e);
    /// IA5String: 0x00..=0x7F.
    pub const IA5: Alphabet = Alphabet::from_range(0x00, 0x7f);
    /// NumericString: space and digits (11 characters, 4 bits each, by index).
    pub const NUMERIC: Alphabet = Alphabet::from_ascii(b" 0123456789");

    /// The alphabet of the characters in `chars` (order and repeats do not
    /// matter), as given by a `FROM(...)` constraint. Bytes above 0x7F are
    /// ignored: no type handled here can contain them.
    pub const fn from_ascii(chars: &[u8]) -> Alphabet {
        let mut set = 0u128;
        let mut i = 0;
        while i < chars.len() {
            if chars[i] < 128 {
                set |= 1u128 << chars[i];
            }
            i += 1;
        }
        Alphabet::from_set(set)
    }

    /// The alphabet `FROM(lo..hi)` (inclusive; values above 0x7F ignored).
    pub const fn from_range(lo: u8, hi: u8) -> Alphabet {
        let mut set = 0u128;
        let mut c = lo as u32;
        while c <= hi as u32 && c < 128 {
            set |= 1u128 << c;
            c += 1;
        }
        Alphabet::from_set(set)
    }

    const fn from_set(set: u128) -> Alphabet {
        let mut chars = [0u8; 128];
        let mut count = 0usize;
        let mut c = 0u32;
        while c < 128 {
            if (set >> c) & 1 == 1 {
                chars[count] = c as u8;
                count += 1;
            }
            c += 1;
        }
        // B bits for N - 1, then the next power of two; pycrate uses at least one
        // bit even for a single-character alphabet.
        let need = if count <= 1 {
            0
        } else {
            32 - ((count - 1) as u32).leading_zeros()
        };
        let mut bits = 1u32;
        while bits < need {
            bits *= 2;
        }
        let max = if count == 0 { 0 } else { chars[count - 1] as u32 };
        Alphabet {
            set,
            chars,
            count: count as u8,
            bits: bits as u8,
            indexed: max > (1u32 << bits) - 1,
        }
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bits per character in ALIGNED PER.
    pub fn bits_per_char(&self) -> u32 {
        self.bits as u32
    }

    /// Whether characters are encoded by index rather than by value.
    pub fn is_indexed(&self) -> bool {
        self.indexed
    }

    /// Whether the byte `c` is a permitted character.
    #[inline]
    pub fn contains(&self, c: u8) -> bool {
        c < 128 && (self.set >> c) & 1 == 1
    }

    /// The field value for character `c`, or `None` if `c` is not permitted.
    #[inline]
    pub(crate) fn encode_char(&self, c: u8) -> Option<u64> {
        if !self.contains(c) {
            return None;
        }
        if self.indexed {
            let below = self.set & ((1u128 << c) - 1);
            Some(below.count_ones() as u64)
        } else {
            Some(c as u64)
        }
    }

    /// The character for field value `v`, or `None` if no character has it.
    #[inline]
    pub(crate) fn decode_char(&self, v: u64) -> Option<u8> {
        if self.indexed {
            (v < self.count as u64).then(|| self.chars[v as usize])
        } else {
            (v < 128 && self.contains(v as u8)).then_some(v as u8)
        }
    }

    /// True when characters are whole octets holding their own value, so
    /// contents can be borrowed from (or copied to) the wire as they are.
    #[inline]
    pub(crate) fn is_octet_identity(&self) -> bool {
        self.bits == 8 && !self.indexed
    }
}

#[cfg(test)]
mod tests {
    use super::Alphabet;

    #[test]
    fn standard_alphabets() {
        // X.691 §30.5.2-30.5.3: bits are the power of two at or above
        // ceil(log2 N); indices only when the largest value does not fit.
        for (a, n, bits, indexed) in [
            (&Alphabet::PRINTABLE, 74, 8, false),
            (&Alphabet::VISIBLE, 95, 8, false),
            (&Alphabet::IA5, 128, 8, false),
            (&Alphabet::NUMERIC, 11, 4, true),
            (&Alphabet::from_ascii(b"AB"), 2, 1, true),
            (&Alphabet::from_ascii(b"A"), 1, 1, true),
            (&Alphabet::from_range(b'a', b'z'), 26, 8, false),
            (&Alphabet::from_range(0, 15), 16, 4, false),
        ] {
            assert_eq!((a.len(), a.bits_per_char(), a.is_indexed()), (n, bits, indexed));
        }
    }

    #[test]
    fn char_codes() {
        let n = &Alphabet::NUMERIC;
        assert_eq!(
            (n.encode_char(b' '), n.encode_char(b'0'), n.encode_char(b'9')),
            (Some(0), Some(1), Some(10))
        );
        assert_eq!((n.decode_char(10), n.decode_char(11)), (Some(b'9'), None));
        assert_eq!(n.encode_char(b'a'), None);
        let p = &Alphabet::PRINTABLE;
        assert_eq!(
            (p.encode_char(b'z'), p.decode_char(b'@' as u64)),
            (Some(b'z' as u64), None)
        );
        assert!(!p.contains(200) && p.decode_char(200).is_none());
        assert!(Alphabet::from_ascii(b"\xff").is_empty());
    }
}

//! Where an E2AP-PDU ends, from its first octets alone: for a transport that
//! hands over a message in pieces without saying which is the last (the
//! kernel SCTP binding reads at most 4 KiB at a time and drops MSG_EOR).
//!
//! In ALIGNED PER the PDU is a CHOICE (extension bit and a 2-bit index, or
//! for an extension alternative a 7-bit index), then for a root alternative
//! the procedure code (one aligned octet) and the criticality (2 bits), and
//! then the value as an open type: an octet-aligned length determinant
//! (X.691 §11.9: one octet below 128, two below 16K, else fragments of 16K
//! to 64K octets each followed by another determinant) and the octets.

/// How long the PDU at the start of a buffer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PduLen {
    /// The PDU is this many octets long (it may be longer than the buffer).
    Known(usize),
    /// The buffer ends before the length can be read.
    NeedMore,
    /// Not the start of an E2AP-PDU (a reserved length form).
    Invalid,
}

/// The length of the E2AP-PDU that `bytes` starts with.
pub fn pdu_len(bytes: &[u8]) -> PduLen {
    let Some(&first) = bytes.first() else {
        return PduLen::NeedMore;
    };
    // Extension alternative: 1 + 7 bits of index fill octet 0; a root one
    // is followed by the procedure code (octet 1) and criticality (octet 2).
    let mut at = if first & 0x80 != 0 { 1 } else { 3 };
    loop {
        let Some(&l0) = bytes.get(at) else {
            return PduLen::NeedMore;
        };
        match l0 >> 6 {
            0b00 | 0b01 => return PduLen::Known(at + 1 + usize::from(l0)),
            0b10 => {
                let Some(&l1) = bytes.get(at + 1) else {
                    return PduLen::NeedMore;
                };
                return PduLen::Known(at + 2 + (usize::from(l0 & 0x3f) << 8 | usize::from(l1)));
            }
            _ => {
                let m = usize::from(l0 & 0x3f);
                if !(1..=4).contains(&m) {
                    return PduLen::Invalid;
                }
                // m blocks of 16K, then another determinant.
                at += 1 + m * 16384;
            }
        }
    }
}

/// Joins the pieces of E2AP messages read at most `piece` octets at a time:
/// a read shorter than `piece` ends a message; a full one ends it only when
/// the PDU's own length says so.
#[derive(Debug)]
pub struct PieceJoiner {
    piece: usize,
    partial: Vec<u8>,
}

impl PieceJoiner {
    pub fn new(piece: usize) -> Self {
        PieceJoiner {
            piece,
            partial: Vec::new(),
        }
    }

    /// Add one read; the whole message once it is complete.
    pub fn push(&mut self, read: &[u8]) -> Option<Vec<u8>> {
        self.partial.extend_from_slice(read);
        let done = read.len() < self.piece
            || match pdu_len(&self.partial) {
                PduLen::Known(n) => self.partial.len() >= n,
                PduLen::NeedMore => false,
                // Not E2AP: nothing to go by but the read size.
                PduLen::Invalid => true,
            };
        done.then(|| std::mem::take(&mut self.partial))
    }

    /// Octets held for a message not yet complete.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::e2ap::aper::PerEncoder;

    /// An initiating message (procedure 5) whose value is `n` octets.
    fn pdu(n: usize) -> Vec<u8> {
        let mut e = PerEncoder::new();
        e.bits(0, 3);
        e.align();
        e.bits(5, 8);
        e.bits(1, 2);
        e.align();
        e.open_type(&vec![0x5a; n]).unwrap();
        e.finish()
    }

    #[test]
    fn lengths_of_every_determinant_form() {
        for n in [0, 1, 127, 128, 16383, 16384, 16385, 65536, 65537, 100_000, 300_000] {
            let p = pdu(n);
            assert_eq!(pdu_len(&p), PduLen::Known(p.len()), "value of {n} octets");
            // Every prefix that ends before the length is known says so, and
            // none claims a length shorter than what follows.
            for cut in 0..p.len().min(8) {
                match pdu_len(&p[..cut]) {
                    PduLen::NeedMore => {}
                    PduLen::Known(k) => assert_eq!(k, p.len()),
                    PduLen::Invalid => panic!("prefix {cut} of {n}"),
                }
            }
        }
        assert_eq!(pdu_len(&[0, 5, 0, 0xc5]), PduLen::Invalid);
    }

    #[test]
    fn real_messages_are_as_long_as_they_say() {
        let tsv = include_str!("../../benches/e2ap_messages.tsv");
        let mut n = 0;
        for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let hex = line.split('\t').next_back().unwrap().trim();
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            assert_eq!(pdu_len(&bytes), PduLen::Known(bytes.len()), "{line:.60}");
            n += 1;
        }
        assert!(n >= 3);
    }

    #[test]
    fn pieces_join_into_the_messages_whatever_their_sizes() {
        for n in [10, 4091, 4092, 4096 - 5, 8192 - 5, 20_000, 70_000] {
            let (a, b) = (pdu(n), pdu(7));
            let mut j = PieceJoiner::new(4096);
            let mut got = Vec::new();
            for m in [&a, &b] {
                for c in m.chunks(4096) {
                    got.extend(j.push(c));
                }
                // A message of an exact multiple of the piece size ends with
                // a full read, then an empty one never comes: the length decides.
            }
            assert_eq!(got, vec![a.clone(), b.clone()], "value of {n} octets");
            assert_eq!(j.pending(), 0);
        }
    }
}

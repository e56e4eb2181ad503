//! Random E2AP PDUs that are valid under a given version: every mandatory IE
//! and component present, optional ones at random, values inside their
//! constraints (extensible integers now and then beyond their root). For
//! property tests, cross-checks against other implementations, and fuzzing
//! peers with well-formed traffic.
//!
//! Never generated: unknown IEs, procedures or extensions (raw forms), which
//! are not values of the version's types.

use super::aper::{BitString, Size};
use super::generated::random::{random_initiating, random_successful, random_unsuccessful};
use super::generated::{E2apPdu, PROCEDURES};
use super::support::{E2apVersion, IeValue, ProtocolIeField};

/// SplitMix64: small, fast, and the same sequence for the same seed on every
/// platform, so a failing case can be replayed from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 for `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `lb..=ub`, biased towards the bounds, which is where codecs
    /// go wrong.
    pub fn int(&mut self, lb: i64, ub: i64) -> i64 {
        if ub <= lb {
            return lb;
        }
        match self.below(8) {
            0 => lb,
            1 => ub,
            _ => {
                let span = (ub as i128 - lb as i128 + 1) as u128;
                let off = (self.next_u64() as u128) % span;
                (lb as i128 + off as i128) as i64
            }
        }
    }

    /// An extensible INTEGER (lb..ub, ...): in the root nine times in ten.
    pub fn int_ext(&mut self, lb: i64, ub: i64) -> i64 {
        if self.chance(10) {
            ub.saturating_add(1 + self.below(100_000) as i64)
        } else {
            self.int(lb, ub)
        }
    }

    /// A length or count in the root of `size`, kept small when it may be
    /// large.
    pub fn count(&mut self, size: Size) -> usize {
        let lb = size.lb;
        let ub = size.ub.unwrap_or(lb + 3).min(lb + 3);
        lb + self.below((ub - lb + 1) as u64) as usize
    }

    /// OCTET STRING contents of a length in `size` (up to 16 octets beyond the
    /// lower bound).
    pub fn octets(&mut self, size: Size) -> Vec<u8> {
        let lb = size.lb;
        let ub = size.ub.unwrap_or(lb + 16).min(lb + 16);
        let n = lb + self.below((ub - lb + 1) as u64) as usize;
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// A BIT STRING of a length in `size`, padding bits zero.
    pub fn bit_string(&mut self, size: Size) -> BitString<'static> {
        let lb = size.lb;
        let ub = size.ub.unwrap_or(lb + 64).min(lb + 64);
        let bits = lb + self.below((ub - lb + 1) as u64) as usize;
        let mut bytes: Vec<u8> = (0..bits.div_ceil(8)).map(|_| self.next_u64() as u8).collect();
        if let Some(last) = bytes.last_mut()
            && !bits.is_multiple_of(8)
        {
            *last &= 0xff << (8 - bits % 8);
        }
        BitString {
            bytes: bytes.into(),
            bits,
        }
    }

    /// A PrintableString of a length in `size`.
    pub fn printable(&mut self, size: Size) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?";
        let lb = size.lb;
        let ub = size.ub.unwrap_or(lb + 16).min(lb + 16);
        let n = lb + self.below((ub - lb + 1) as u64) as usize;
        (0..n)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize] as char)
            .collect()
    }
}

/// A random value of a type under a version.
pub(crate) trait Random {
    fn random(r: &mut Rng, v: E2apVersion) -> Self;
}

/// Random IEs of one IE set under a version: every mandatory one and some of
/// the optional ones, or (`single`) candidates for a single container.
pub(crate) trait RandomIe: Sized {
    fn random_ies(r: &mut Rng, v: E2apVersion, single: bool) -> Vec<Self>;
}

fn field<S: IeValue>(value: S, v: E2apVersion) -> ProtocolIeField<S> {
    let mut f = ProtocolIeField::new(value);
    if let Some(c) = S::info()
        .iter()
        .find(|i| i.id == f.id())
        .and_then(|i| i.versions.iter().find(|x| x.0 == v))
    {
        f.criticality = c.1;
    }
    f
}

/// `ProtocolIE-SingleContainer`: one IE of the set.
pub(crate) fn random_field<S: RandomIe + IeValue>(r: &mut Rng, v: E2apVersion) -> ProtocolIeField<S> {
    let mut ies = S::random_ies(r, v, true);
    let i = r.below(ies.len() as u64) as usize;
    // Every set a version uses as a single container has a member in it.
    field(ies.swap_remove(i.min(ies.len().saturating_sub(1))), v)
}

/// `ProtocolIE-Container`.
pub(crate) fn random_container<S: RandomIe + IeValue>(r: &mut Rng, v: E2apVersion) -> Vec<ProtocolIeField<S>> {
    S::random_ies(r, v, false).into_iter().map(|ie| field(ie, v)).collect()
}

/// The three kinds of E2AP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    InitiatingMessage,
    SuccessfulOutcome,
    UnsuccessfulOutcome,
}

impl MessageKind {
    pub const ALL: [MessageKind; 3] = [
        MessageKind::InitiatingMessage,
        MessageKind::SuccessfulOutcome,
        MessageKind::UnsuccessfulOutcome,
    ];
}

/// A random `kind` message of procedure `code`, or `None` if `version` does
/// not define one.
pub fn message(r: &mut Rng, version: E2apVersion, code: u8, kind: MessageKind) -> Option<E2apPdu<'static>> {
    Some(match kind {
        MessageKind::InitiatingMessage => E2apPdu::InitiatingMessage(random_initiating(r, version, code)?),
        MessageKind::SuccessfulOutcome => E2apPdu::SuccessfulOutcome(random_successful(r, version, code)?),
        MessageKind::UnsuccessfulOutcome => E2apPdu::UnsuccessfulOutcome(random_unsuccessful(r, version, code)?),
    })
}

/// Every (procedure code, kind) that `version` defines a message for.
pub fn messages(version: E2apVersion) -> Vec<(u8, MessageKind)> {
    PROCEDURES
        .iter()
        .filter(|p| p.versions.contains(&version))
        .flat_map(|p| {
            MessageKind::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| p.messages[*i].is_some())
                .map(|(_, k)| (p.code, k))
        })
        .collect()
}

/// A random message of any procedure and kind `version` defines.
pub fn pdu(r: &mut Rng, version: E2apVersion) -> E2apPdu<'static> {
    let all = messages(version);
    let (code, kind) = all
        .get(r.below(all.len() as u64) as usize)
        .copied()
        .unwrap_or((1, MessageKind::InitiatingMessage));
    // `messages` lists only what the version defines, E2 Setup included.
    message(r, version, code, kind)
        .or_else(|| message(r, version, 1, MessageKind::InitiatingMessage))
        .unwrap_or_else(|| {
            E2apPdu::Extension(super::UnknownExtension {
                index: 0,
                value: Default::default(),
            })
        })
}

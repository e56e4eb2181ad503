//! E2 application protocol (O-RAN.WG3.E2AP) and its service models, in
//! ALIGNED PER (ITU-T X.691).
//!
//! - [`aper`]: the PER runtime (bit cursor, lengths, open types).
//! - The message layer: [`E2apPdu`] and one typed struct per message, IE set
//!   and IE, generated from the specifications' ASN.1 by `codegen/e2ap.py`
//!   into `generated/`. One set of types serves every [`E2apVersion`]: where
//!   versions differ, a type holds the union of their components, and the
//!   version passed to [`decode`] / [`encode`] selects which definition the
//!   bits follow.
//! - [`detect_version`]: which versions a message is valid under, and for
//!   the others where it leaves them.
//!
//! What a version does not define is kept, not rejected, as X.691 and the
//! E2AP criticality rules expect: an unknown IE id becomes
//! [`UnknownIe`] (id, raw value; its criticality is in the
//! [`ProtocolIeField`]), an unknown procedure code [`UnknownMessage`], an
//! unknown CHOICE extension [`UnknownExtension`], an unknown ENUMERATED
//! extension item an `Extension(index)` variant. Unknown extension additions
//! of a SEQUENCE are skipped. OCTET STRING contents are borrowed from the input.
//!
//! Every type serialises to JSON (serde) and back.

pub mod aper;
pub mod framing;
mod generated;
pub mod random;
mod support;

pub use generated::*;
pub use support::{
    E2apVersion, IeInfo, IeValue, IntoOwned, Octets, ProtocolIeField, UnknownExtension, UnknownIe, UnknownMessage,
};

use aper::{PerDecoder, PerEncoder, Reassembly};
use support::{Cx, Per};

use crate::Result;

/// Decode one E2AP-PDU under `version`. Octets after the PDU are ignored (as
/// pycrate does); so are octets left over inside an IE value or message
/// ([`detect_version`] reports both).
///
/// An open type of 16K octets or more needs [`decode_with`].
pub fn decode(version: E2apVersion, bytes: &[u8]) -> Result<E2apPdu<'_>> {
    E2apPdu::decode(&mut PerDecoder::new(bytes), &mut Cx::new(version))
}

/// [`decode`], keeping reassembled fragmented open types in `reassembly` so
/// the PDU can borrow from them.
pub fn decode_with<'a>(version: E2apVersion, bytes: &'a [u8], reassembly: &'a Reassembly) -> Result<E2apPdu<'a>> {
    E2apPdu::decode(
        &mut PerDecoder::new(bytes).with_reassembly(reassembly),
        &mut Cx::new(version),
    )
}

/// Encode `pdu` under `version`. Components, alternatives, items, IEs or
/// procedures the version does not define are errors; unknown (raw) IEs and
/// messages are written as they are.
pub fn encode(version: E2apVersion, pdu: &E2apPdu<'_>) -> Result<Vec<u8>> {
    encode_into(version, pdu, Vec::new())
}

/// [`encode`] into `buf` (cleared first), reusing its allocation.
pub fn encode_into(version: E2apVersion, pdu: &E2apPdu<'_>, buf: Vec<u8>) -> Result<Vec<u8>> {
    let mut e = PerEncoder::with_buffer(buf);
    pdu.encode(&mut e, &mut Cx::new(version))?;
    Ok(e.finish())
}

/// Under which versions `bytes` is a valid E2AP-PDU, and for each other one the
/// first place, in wire order, where it parts ways with it: an IE, procedure,
/// extension, alternative or item the version does not define, a mandatory IE
/// missing ("TransactionID (IE 49) absent from E2setupRequestIEs: mandatory in
/// v02.03, v03.01, latest; v01.00 has no such IE"), or a value that does not
/// decode as that version's type.
pub fn detect_version(bytes: &[u8]) -> Vec<(E2apVersion, std::result::Result<(), String>)> {
    E2apVersion::ALL
        .into_iter()
        .map(|v| {
            let mut cx = Cx::strict(v);
            let mut d = PerDecoder::new(bytes);
            let r = E2apPdu::decode(&mut d, &mut cx).and_then(|_| {
                let rest = bytes.len().saturating_sub(d.byte_position());
                if rest > 0 {
                    cx.divergence = Some(format!("{rest} octet(s) after the end of the PDU"));
                    return Err(crate::Error::invalid(d.byte_position(), "trailing octets", "E2AP-PDU"));
                }
                Ok(())
            });
            let r = r.map_err(|e| {
                let what = cx.divergence.take().unwrap_or_else(|| e.to_string());
                // The path starts with the message, which the text names.
                match cx.path.get(1..) {
                    Some(inner) if !inner.is_empty() => format!("in {}: {what}", inner.join(" > ")),
                    _ => what,
                }
            });
            (v, r)
        })
        .collect()
}

/// The versions [`detect_version`] finds `bytes` valid under.
pub fn valid_versions(bytes: &[u8]) -> Vec<E2apVersion> {
    detect_version(bytes)
        .into_iter()
        .filter_map(|(v, r)| r.is_ok().then_some(v))
        .collect()
}

impl E2apPdu<'_> {
    /// The same PDU owning all its data, independent of the decoded input.
    pub fn into_owned(self) -> E2apPdu<'static> {
        IntoOwned::into_owned(self)
    }

    /// The procedure code; `None` for an unknown kind of PDU.
    pub fn procedure_code(&self) -> Option<u8> {
        match self {
            E2apPdu::InitiatingMessage(m) => Some(m.procedure_code()),
            E2apPdu::SuccessfulOutcome(m) => Some(m.procedure_code()),
            E2apPdu::UnsuccessfulOutcome(m) => Some(m.procedure_code()),
            E2apPdu::Extension(_) => None,
        }
    }

    /// The criticality as sent.
    pub fn criticality(&self) -> Option<Criticality> {
        match self {
            E2apPdu::InitiatingMessage(m) => Some(m.criticality),
            E2apPdu::SuccessfulOutcome(m) => Some(m.criticality),
            E2apPdu::UnsuccessfulOutcome(m) => Some(m.criticality),
            E2apPdu::Extension(_) => None,
        }
    }

    /// The ASN.1 name of the message, e.g. `RICsubscriptionRequest`; `None`
    /// when the procedure or kind of PDU is unknown.
    pub fn message_name(&self) -> Option<&'static str> {
        match self {
            E2apPdu::InitiatingMessage(m) => m.value.message_name(),
            E2apPdu::SuccessfulOutcome(m) => m.value.message_name(),
            E2apPdu::UnsuccessfulOutcome(m) => m.value.message_name(),
            E2apPdu::Extension(_) => None,
        }
    }
}

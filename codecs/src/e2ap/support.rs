//! What the generated E2AP types and codecs are built on: the version
//! parameter, raw forms for what a version does not define, the
//! ProtocolIE-Field containers, and the decoding context that records where a
//! message leaves the version it is decoded under.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::aper::{BitString, PerDecoder, PerEncoder, Size};
use super::generated::{Criticality, PROCEDURES, Presence};
use crate::{Error, ErrorKind, Result};

// ---- versions ---------------------------------------------------------------------

/// An E2AP version: which ASN.1 definitions a message is decoded or encoded
/// with.
///
/// The module object identifiers say `version2` from v2 on, so the version is
/// not on the wire: [`detect_version`](super::detect_version) tells it from the
/// procedures and IEs a message uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum E2apVersion {
    /// O-RAN.WG3.E2AP v01.00: procedures 1-9, no TransactionID.
    V1_00,
    /// v02.03: procedures 1-13, TransactionID in the global procedures.
    V2_03,
    /// v03.01: procedures 1-16 (subscription modification, query).
    V3_01,
    /// The newest set available (the one pycrate ships): v03.01 plus RIC
    /// Subscription Audit (procedure 17).
    Latest,
}

impl E2apVersion {
    /// Oldest first.
    pub const ALL: [E2apVersion; 4] = [
        E2apVersion::V1_00,
        E2apVersion::V2_03,
        E2apVersion::V3_01,
        E2apVersion::Latest,
    ];

    /// As the specifications name it: `v01.00`, `v02.03`, `v03.01`, or `latest`.
    pub fn label(self) -> &'static str {
        match self {
            E2apVersion::V1_00 => "v01.00",
            E2apVersion::V2_03 => "v02.03",
            E2apVersion::V3_01 => "v03.01",
            E2apVersion::Latest => "latest",
        }
    }
}

impl fmt::Display for E2apVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for E2apVersion {
    type Err = String;

    /// Accepts `v01.00`, `1.00`, `v1`, `1`, ... and `latest`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        if t == "latest" {
            return Ok(E2apVersion::Latest);
        }
        let major = t.trim_start_matches('v').split('.').next().unwrap_or("");
        match major.trim_start_matches('0') {
            "1" => Ok(E2apVersion::V1_00),
            "2" => Ok(E2apVersion::V2_03),
            "3" => Ok(E2apVersion::V3_01),
            _ => Err(format!(
                "unknown E2AP version {s:?} (known: v01.00, v02.03, v03.01, latest)"
            )),
        }
    }
}

fn labels(vs: impl IntoIterator<Item = E2apVersion>) -> String {
    vs.into_iter().map(E2apVersion::label).collect::<Vec<_>>().join(", ")
}

// ---- raw values -------------------------------------------------------------------

/// OCTET STRING contents (and raw open types), borrowed from the decoded input
/// where possible. Shown and serialised as hex.
#[derive(Clone, PartialEq, Eq, Default, Hash)]
pub struct Octets<'a>(pub Cow<'a, [u8]>);

impl Octets<'_> {
    pub fn into_owned(self) -> Octets<'static> {
        Octets(Cow::Owned(self.0.into_owned()))
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl std::ops::Deref for Octets<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl<'a> From<&'a [u8]> for Octets<'a> {
    fn from(b: &'a [u8]) -> Self {
        Octets(Cow::Borrowed(b))
    }
}

impl From<Vec<u8>> for Octets<'_> {
    fn from(b: Vec<u8>) -> Self {
        Octets(Cow::Owned(b))
    }
}

impl<'a> From<Cow<'a, [u8]>> for Octets<'a> {
    fn from(b: Cow<'a, [u8]>) -> Self {
        Octets(b)
    }
}

impl fmt::Debug for Octets<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Octets({})", hex(&self.0))
    }
}

impl Serialize for Octets<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&hex(&self.0))
    }
}

/// Reads the hex, or an object whose `"hex"` is the hex: the other keys of
/// such an object are annotations (`harness e2 decode` puts the decoded view
/// of a service model payload there) and are ignored, so the hex stays
/// authoritative and an annotated document encodes as it was decoded.
impl<'de> Deserialize<'de> for Octets<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Octets<'static>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OCTET STRING: a string of hex digits, or an object with its \"hex\"")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Self::Value, E> {
                unhex(s).map(Octets::from).map_err(E::custom)
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> std::result::Result<Self::Value, A::Error> {
                let mut bytes = None;
                while let Some(k) = m.next_key::<String>()? {
                    if k != "hex" {
                        m.next_value::<de::IgnoredAny>()?;
                    } else if bytes.is_some() {
                        return Err(de::Error::duplicate_field("hex"));
                    } else {
                        let s = m.next_value::<Cow<'de, str>>()?;
                        bytes = Some(unhex(&s).map_err(de::Error::custom)?);
                    }
                }
                bytes.map(Octets::from).ok_or_else(|| de::Error::missing_field("hex"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A BIT STRING is serialised as `{"bits": n, "hex": "..."}`, the bits
/// first-bit-most-significant and zero-padded to whole octets.
impl Serialize for BitString<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("BitString", 2)?;
        st.serialize_field("bits", &self.bits)?;
        st.serialize_field("hex", &hex(&self.bytes))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for BitString<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Repr<'s> {
            bits: usize,
            #[serde(borrow)]
            hex: Cow<'s, str>,
        }
        let r = Repr::deserialize(d)?;
        let mut bytes = unhex(&r.hex).map_err(de::Error::custom)?;
        if bytes.len() != r.bits.div_ceil(8) {
            return Err(de::Error::custom(format!(
                "BIT STRING of {} bits needs {} octets of hex, got {}",
                r.bits,
                r.bits.div_ceil(8),
                bytes.len()
            )));
        }
        // Keep the invariant that padding bits are zero.
        if let Some(last) = bytes.last_mut()
            && !r.bits.is_multiple_of(8)
        {
            *last &= 0xff << (8 - r.bits % 8);
        }
        Ok(BitString {
            bytes: Cow::Owned(bytes),
            bits: r.bits,
        })
    }
}

pub(crate) fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(DIGITS[(x >> 4) as usize] as char);
        s.push(DIGITS[(x & 15) as usize] as char);
    }
    s
}

pub(crate) fn unhex(s: &str) -> std::result::Result<Vec<u8>, String> {
    let s: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !s.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    let digit = |c: u8| -> std::result::Result<u8, String> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| format!("{:?} is not a hex digit", c as char))
    };
    s.chunks(2).map(|p| Ok((digit(p[0])? << 4) | digit(p[1])?)).collect()
}

/// An IE whose id the decoding version does not define in its container: the
/// id and the raw open-type contents (criticality is in the enclosing
/// [`ProtocolIeField`]). Encoding writes the contents back as they are, which
/// also serves to send deliberately malformed values of known IEs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownIe<'a> {
    pub id: u16,
    pub value: Octets<'a>,
}

/// A CHOICE alternative from the extension additions that the decoding
/// version does not define: its index among the additions and its raw
/// encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownExtension<'a> {
    pub index: u32,
    pub value: Octets<'a>,
}

/// A message of a procedure the decoding version does not define (or of a
/// kind the procedure does not have): the procedure code and the raw message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownMessage<'a> {
    pub procedure_code: u8,
    pub value: Octets<'a>,
}

// ---- protocol IEs -------------------------------------------------------------------

/// `ProtocolIE-Field`: one IE of a container, `{id, criticality, value}`. The
/// id is the value's ([`IeValue::id`]); the criticality is as sent, which
/// need not be the one the specification gives the IE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolIeField<V> {
    pub criticality: Criticality,
    pub value: V,
}

impl<V: IeValue> ProtocolIeField<V> {
    /// The IE with the criticality the newest version that defines it gives
    /// it (`ignore` for an unknown IE).
    pub fn new(value: V) -> Self {
        let criticality = V::info()
            .iter()
            .find(|i| i.id == value.id())
            .and_then(|i| i.versions.last())
            .map_or(Criticality::Ignore, |v| v.1);
        ProtocolIeField { criticality, value }
    }

    pub fn id(&self) -> u16 {
        self.value.id()
    }
}

impl<V: IeValue> From<V> for ProtocolIeField<V> {
    fn from(value: V) -> Self {
        ProtocolIeField::new(value)
    }
}

/// What the specifications say about one IE of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IeInfo {
    pub id: u16,
    /// Its id name without `id-`, e.g. `TransactionID`.
    pub name: &'static str,
    /// The versions that define it here, with its criticality and presence.
    pub versions: &'static [(E2apVersion, Criticality, Presence)],
}

/// The IE enum of one container (an `E2AP-PROTOCOL-IES` set).
pub trait IeValue {
    /// The IE id.
    fn id(&self) -> u16;
    /// The ASN.1 name of the IE set, e.g. `E2setupRequestIEs`.
    fn container() -> &'static str;
    /// The IEs the set defines, over all versions.
    fn info() -> &'static [IeInfo];
}

// ---- codec traits ---------------------------------------------------------------------

/// A type with a per-version ALIGNED PER codec.
pub(crate) trait Per<'a>: Sized {
    fn decode(d: &mut PerDecoder<'a>, cx: &mut Cx) -> Result<Self>;
    fn encode(&self, e: &mut PerEncoder, cx: &mut Cx) -> Result<()>;
}

/// The codec of an IE set: the value of a ProtocolIE-Field, chosen by its id.
pub(crate) trait IeSet<'a>: Sized + IeValue {
    const NAME: &'static str;
    const INFO: &'static [IeInfo];
    fn id(&self) -> u16;
    /// The open type holding the value of IE `id`.
    fn decode_value(id: u16, d: &mut PerDecoder<'a>, cx: &mut Cx) -> Result<Self>;
    fn encode_value(&self, e: &mut PerEncoder, cx: &mut Cx) -> Result<()>;
}

/// `ProtocolIE-Container`: SEQUENCE (SIZE (0..maxProtocolIEs)) OF ProtocolIE-Field.
pub(crate) fn decode_container<'a, S: IeSet<'a>>(
    d: &mut PerDecoder<'a>,
    cx: &mut Cx,
) -> Result<Vec<ProtocolIeField<S>>> {
    let outer = d.set_context(S::NAME);
    let n = d.sequence_of_len(Size::range(0, 65535))?;
    if cx.strict {
        // Which IEs are there is visible without decoding their values: judge
        // that first, so a missing or foreign IE is reported rather than the
        // misreading of some value that it may cause.
        cx.check_ies::<S>(d.clone(), n)?;
    }
    // Each field takes at least four octets, which bounds the reservation.
    let mut v = Vec::with_capacity(n.min(d.remaining_bits() / 32));
    for _ in 0..n {
        v.push(decode_field(d, cx)?);
    }
    d.set_context(outer);
    Ok(v)
}

pub(crate) fn encode_container<'a, S: IeSet<'a>>(
    v: &[ProtocolIeField<S>],
    e: &mut PerEncoder,
    cx: &mut Cx,
) -> Result<()> {
    e.sequence_of_len(v.len(), Size::range(0, 65535))?;
    for f in v {
        encode_field(f, e, cx)?;
    }
    Ok(())
}

/// `ProtocolIE-Field` (also the whole of a `ProtocolIE-SingleContainer`).
pub(crate) fn decode_field<'a, S: IeSet<'a>>(d: &mut PerDecoder<'a>, cx: &mut Cx) -> Result<ProtocolIeField<S>> {
    let outer = d.set_context(S::NAME);
    let id = d.constrained_int(0, 65535)? as u16;
    let criticality = Criticality::decode(d, cx)?;
    let value = S::decode_value(id, d, cx)?;
    d.set_context(outer);
    Ok(ProtocolIeField { criticality, value })
}

pub(crate) fn encode_field<'a, S: IeSet<'a>>(f: &ProtocolIeField<S>, e: &mut PerEncoder, cx: &mut Cx) -> Result<()> {
    let outer = e.set_context(S::NAME);
    e.constrained_int(i64::from(IeSet::id(&f.value)), 0, 65535)?;
    f.criticality.encode(e, cx)?;
    f.value.encode_value(e, cx)?;
    e.set_context(outer);
    Ok(())
}

/// The value inside an open type (an IE value or a message), decoded by `f`
/// with `context` naming it in errors. Octets left over after the value are
/// ignored, except in strict mode. (pycrate ignores them after a message and
/// after some IE values, e.g. a Cause, and rejects them after others, e.g. a
/// RANfunctionID: it has no consistent rule to follow.)
pub(crate) fn ie_value<'a, T>(
    d: &mut PerDecoder<'a>,
    cx: &mut Cx,
    context: &'static str,
    f: impl FnOnce(&mut PerDecoder<'a>, &mut Cx) -> Result<T>,
) -> Result<T> {
    let outer = d.set_context(context);
    if cx.strict {
        cx.path.push(context);
    }
    let v = d.open_type_with(|d| {
        let v = f(d, cx)?;
        if cx.strict && d.remaining_bits() >= 8 {
            let n = d.remaining_bits() / 8;
            return Err(cx.diverge(d, || {
                format!("{context}: {n} octet(s) left over after the value: not this version's type")
            }));
        }
        Ok(v)
    })?;
    if cx.strict {
        // Left as it is on errors: it then says where the error is.
        cx.path.pop();
    }
    d.set_context(outer);
    Ok(v)
}

// ---- the decoding context -----------------------------------------------------------

/// The extension additions, alternatives or items that versions define, by
/// index, with the first version defining each.
pub(crate) type Hint = &'static [(&'static str, E2apVersion)];

fn hinted(hint: Hint, i: usize) -> String {
    hint.get(i)
        .map_or(String::new(), |(name, v)| format!(" ({name}, from {v})"))
}

/// The version a codec follows and, when decoding strictly (for
/// [`detect_version`](super::detect_version)), the first place where the
/// input leaves that version.
#[derive(Debug)]
pub(crate) struct Cx {
    pub(crate) version: E2apVersion,
    /// Treat anything the version does not define (unknown IEs, procedures,
    /// extensions), missing mandatory IEs and left-over octets as errors.
    pub(crate) strict: bool,
    pub(crate) divergence: Option<String>,
    /// Strict mode: the IEs (and message) being decoded, outermost first.
    pub(crate) path: Vec<&'static str>,
}

impl Cx {
    pub(crate) fn new(version: E2apVersion) -> Self {
        Cx {
            version,
            strict: false,
            divergence: None,
            path: Vec::new(),
        }
    }

    pub(crate) fn strict(version: E2apVersion) -> Self {
        Cx {
            strict: true,
            ..Cx::new(version)
        }
    }

    /// Record where the input leaves the version; the error stops decoding.
    #[cold]
    pub(crate) fn diverge(&mut self, d: &PerDecoder<'_>, msg: impl FnOnce() -> String) -> Error {
        self.divergence.get_or_insert_with(msg);
        Error::invalid(d.offset(), "construct outside this E2AP version", d.context())
    }

    /// A present SEQUENCE extension addition the version does not define:
    /// skipped (strict: an error). `hint` names the additions other versions
    /// define, by index.
    pub(crate) fn unknown_extension(&mut self, d: &mut PerDecoder<'_>, i: usize, hint: Hint) -> Result<()> {
        if self.strict {
            let (ctx, v) = (d.context(), self.version);
            let what = format!("extension addition {}{}", i + 1, hinted(hint, i));
            return Err(self.diverge(d, || format!("{ctx}: {what} is not in {v}")));
        }
        d.skip_open_type()
    }

    /// The extension additions of a SEQUENCE whose version defines none.
    pub(crate) fn skip_extensions(&mut self, d: &mut PerDecoder<'_>, hint: Hint) -> Result<()> {
        let bitmap = d.extension_bitmap()?;
        for i in bitmap.present() {
            self.unknown_extension(d, i, hint)?;
        }
        Ok(())
    }

    /// A CHOICE extension alternative the version does not define, kept raw.
    pub(crate) fn unknown_alternative<'a>(
        &mut self,
        d: &mut PerDecoder<'a>,
        i: u32,
        hint: Hint,
    ) -> Result<UnknownExtension<'a>> {
        if self.strict {
            let (ctx, v) = (d.context(), self.version);
            let what = format!("extension alternative {}{}", u64::from(i) + 1, hinted(hint, i as usize));
            return Err(self.diverge(d, || format!("{ctx}: {what} is not in {v}")));
        }
        Ok(UnknownExtension {
            index: i,
            value: Octets(d.open_type()?),
        })
    }

    /// An ENUMERATED extension item the version does not define.
    pub(crate) fn unknown_item(&mut self, d: &PerDecoder<'_>, i: u32, hint: Hint) -> Result<u32> {
        if self.strict {
            let (ctx, v) = (d.context(), self.version);
            let what = format!("extension item {}{}", u64::from(i) + 1, hinted(hint, i as usize));
            return Err(self.diverge(d, || format!("{ctx}: {what} is not in {v}")));
        }
        Ok(i)
    }

    /// An IE id the version does not define in this container, kept raw.
    pub(crate) fn unknown_ie<'a, S: IeSet<'a>>(&mut self, id: u16, d: &mut PerDecoder<'a>) -> Result<UnknownIe<'a>> {
        if self.strict {
            let v = self.version;
            return Err(self.diverge(d, || match S::INFO.iter().find(|i| i.id == id) {
                Some(info) => format!(
                    "{} (IE {id}) in {}: defined in {}, not in {v}",
                    info.name,
                    S::NAME,
                    labels(info.versions.iter().map(|x| x.0))
                ),
                None => format!("IE {id} in {}: not defined by any known version", S::NAME),
            }));
        }
        Ok(UnknownIe {
            id,
            value: Octets(d.open_type()?),
        })
    }

    /// Strict mode: the `n` fields of a container from `d` on hold only IEs the
    /// version defines there, and every one it makes mandatory.
    fn check_ies<'a, S: IeSet<'a>>(&mut self, mut d: PerDecoder<'a>, n: usize) -> Result<()> {
        let at = d.offset();
        let context = S::NAME;
        let mut ids = Vec::with_capacity(n.min(d.remaining_bits() / 32));
        for _ in 0..n {
            let id = d.constrained_int(0, 65535)? as u16;
            let defined = S::INFO
                .iter()
                .any(|i| i.id == id && i.versions.iter().any(|x| x.0 == self.version));
            if !defined {
                self.unknown_ie::<S>(id, &mut d)?;
            }
            d.enumerated(3, false)?;
            d.skip_open_type()?;
            ids.push(id);
        }
        let v = self.version;
        for info in S::INFO {
            let mandatory = info.versions.iter().any(|x| x.0 == v && x.2 == Presence::Mandatory);
            if !mandatory || ids.contains(&info.id) {
                continue;
            }
            let m: Vec<_> = info
                .versions
                .iter()
                .filter(|x| x.2 == Presence::Mandatory)
                .map(|x| x.0)
                .collect();
            let none: Vec<_> = E2apVersion::ALL
                .into_iter()
                .filter(|w| !info.versions.iter().any(|x| x.0 == *w))
                .collect();
            let mut msg = format!(
                "{} (IE {}) absent from {}: mandatory in {}",
                info.name,
                info.id,
                context,
                labels(m)
            );
            if !none.is_empty() {
                let verb = if none.len() == 1 { "has" } else { "have" };
                msg += &format!("; {} {verb} no such IE", labels(none));
            }
            self.divergence.get_or_insert(msg);
            return Err(Error::invalid(at, "construct outside this E2AP version", context));
        }
        Ok(())
    }

    /// A procedure code the version does not define for this kind of message
    /// (0 initiating, 1 successful, 2 unsuccessful), kept raw.
    pub(crate) fn unknown_procedure<'a>(
        &mut self,
        code: u8,
        kind: usize,
        d: &mut PerDecoder<'a>,
    ) -> Result<UnknownMessage<'a>> {
        if self.strict {
            let v = self.version;
            const KINDS: [&str; 3] = ["initiating message", "successful outcome", "unsuccessful outcome"];
            return Err(self.diverge(d, || match PROCEDURES.iter().find(|p| p.code == code) {
                Some(p) if p.messages[kind].is_none() => {
                    format!("procedure {code} ({}) has no {}", p.name, KINDS[kind])
                }
                Some(p) => format!(
                    "procedure {code} ({}, {}) is defined in {}, not in {v}",
                    p.name,
                    p.messages[kind].unwrap_or("?"),
                    labels(p.versions.iter().copied())
                ),
                None => format!(
                    "procedure code {code} ({}): not defined by any known version",
                    KINDS[kind]
                ),
            }));
        }
        Ok(UnknownMessage {
            procedure_code: code,
            value: Octets(d.open_type()?),
        })
    }

    pub(crate) fn ie_not_in_version<'a, S: IeSet<'a>>(&self, e: &PerEncoder, _id: u16) -> Error {
        Error::new(
            ErrorKind::Unsupported("IE not defined in this container by this E2AP version"),
            e.position() / 8,
            S::NAME,
        )
    }
}

/// Encoding a component (`what`: `Type.component`) that the version does not
/// define.
#[cold]
pub(crate) fn absent_in_version(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("component not defined by this E2AP version"),
        e.position() / 8,
        what,
    )
}

/// Encoding without a component the version makes mandatory.
#[cold]
pub(crate) fn missing_field(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(ErrorKind::Invalid("absent mandatory component"), e.position() / 8, what)
}

#[cold]
pub(crate) fn type_not_in_version(d: &PerDecoder<'_>, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("type not defined by this E2AP version"),
        d.offset(),
        what,
    )
}

#[cold]
pub(crate) fn type_not_in_version_enc(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("type not defined by this E2AP version"),
        e.position() / 8,
        what,
    )
}

/// A root index the decoder has already range-checked; kept as an error rather
/// than a panic.
#[cold]
pub(crate) fn bad_index(d: &PerDecoder<'_>) -> Error {
    Error::invalid(d.offset(), "CHOICE or ENUMERATED index", d.context())
}

/// A kept raw open type, written back exactly: an empty one (not a complete
/// encoding, but seen on the wire) stays empty rather than becoming the one
/// zero octet [`PerEncoder::open_type`] writes. The unconstrained OCTET STRING
/// encoding is the open-type encoding.
pub(crate) fn raw_open_type(e: &mut PerEncoder, raw: &[u8]) -> Result<()> {
    e.octet_string(raw, Size::UNCONSTRAINED)
}

// ---- detaching from the input ---------------------------------------------------------

/// A value that may borrow from the decoded input, turned into one that owns
/// all its data (`'static`), e.g. to keep a decoded PDU after its buffer is
/// gone.
pub trait IntoOwned {
    type Owned: 'static;
    fn into_owned(self) -> Self::Owned;
}

macro_rules! owned_as_is {
    ($($t:ty),*) => {
        $(impl IntoOwned for $t {
            type Owned = $t;

            fn into_owned(self) -> $t {
                self
            }
        })*
    };
}

owned_as_is!(bool, (), u8, u16, u32, u64, i64);

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;

    fn into_owned(self) -> Vec<T::Owned> {
        self.into_iter().map(IntoOwned::into_owned).collect()
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;

    fn into_owned(self) -> Option<T::Owned> {
        self.map(IntoOwned::into_owned)
    }
}

impl<V: IntoOwned> IntoOwned for ProtocolIeField<V> {
    type Owned = ProtocolIeField<V::Owned>;

    fn into_owned(self) -> ProtocolIeField<V::Owned> {
        ProtocolIeField {
            criticality: self.criticality,
            value: self.value.into_owned(),
        }
    }
}

impl IntoOwned for Octets<'_> {
    type Owned = Octets<'static>;

    fn into_owned(self) -> Octets<'static> {
        Octets(Cow::Owned(self.0.into_owned()))
    }
}

impl IntoOwned for BitString<'_> {
    type Owned = BitString<'static>;

    fn into_owned(self) -> BitString<'static> {
        BitString::into_owned(self)
    }
}

impl IntoOwned for Cow<'_, str> {
    type Owned = Cow<'static, str>;

    fn into_owned(self) -> Cow<'static, str> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for UnknownIe<'_> {
    type Owned = UnknownIe<'static>;

    fn into_owned(self) -> UnknownIe<'static> {
        UnknownIe {
            id: self.id,
            value: self.value.into_owned(),
        }
    }
}

impl IntoOwned for UnknownExtension<'_> {
    type Owned = UnknownExtension<'static>;

    fn into_owned(self) -> UnknownExtension<'static> {
        UnknownExtension {
            index: self.index,
            value: self.value.into_owned(),
        }
    }
}

impl IntoOwned for UnknownMessage<'_> {
    type Owned = UnknownMessage<'static>;

    fn into_owned(self) -> UnknownMessage<'static> {
        UnknownMessage {
            procedure_code: self.procedure_code,
            value: self.value.into_owned(),
        }
    }
}

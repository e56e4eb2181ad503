//! What the generated E2SM types and codecs are built on: the decoding context
//! (generic over a service model's version enum), REAL, the error helpers the
//! generated code calls, and the top-level payload plumbing shared by the
//! service models.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::e2ap::aper::{Alphabet, PerDecoder, PerEncoder, Size};
use crate::e2ap::random::Rng;
use crate::e2ap::{IntoOwned, Octets, UnknownExtension};
use crate::{Error, ErrorKind, Result};

// ---- versions ---------------------------------------------------------------------

/// A service model version enum (`KpmVersion`, `RcVersion`).
pub trait SmVersion: Copy + Eq + Ord + fmt::Debug + fmt::Display + 'static {
    /// Oldest first.
    const ALL: &'static [Self];
    /// As the specification names it, e.g. `v03.00`.
    fn label(self) -> &'static str;
}

// ---- the codec trait and context --------------------------------------------------------

/// ALIGNED PER decoding and encoding of a type under the version in the
/// context.
pub(crate) trait Per<'a, V: SmVersion>: Sized {
    fn decode(d: &mut PerDecoder<'a>, cx: &mut Cx<V>) -> Result<Self>;
    fn encode(&self, e: &mut PerEncoder, cx: &mut Cx<V>) -> Result<()>;
}

/// A random valid value of a type under a version.
pub(crate) trait Random<V>: Sized {
    fn random(r: &mut Rng, v: V) -> Self;
}

/// The extension additions, alternatives or items that versions define, by
/// index, with the first version defining each.
pub(crate) type Hint<V> = &'static [(&'static str, V)];

fn hinted<V: SmVersion>(hint: Hint<V>, i: usize) -> String {
    hint.get(i)
        .map_or(String::new(), |(name, v)| format!(" ({name}, from {v})"))
}

/// The version a codec follows and, when decoding strictly (for version
/// detection), the first place where the input leaves that version.
#[derive(Debug)]
pub(crate) struct Cx<V> {
    pub(crate) version: V,
    /// Treat extensions the version does not define and left-over octets as
    /// errors.
    pub(crate) strict: bool,
    pub(crate) divergence: Option<String>,
    /// Nesting of recursive types being decoded.
    depth: u32,
}

/// How deeply recursive types (E2SM-RC's RAN parameter structures and lists)
/// may nest in decoded input: far beyond any real configuration, well within
/// the stack.
pub const MAX_NESTING: u32 = 64;

impl<V: SmVersion> Cx<V> {
    pub(crate) fn new(version: V) -> Self {
        Cx {
            version,
            strict: false,
            divergence: None,
            depth: 0,
        }
    }

    pub(crate) fn strict(version: V) -> Self {
        Cx {
            strict: true,
            ..Cx::new(version)
        }
    }

    /// Entering a recursive type while decoding.
    pub(crate) fn enter(&mut self, d: &PerDecoder<'_>) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Error::invalid(
                d.offset(),
                "nesting deeper than MAX_NESTING",
                d.context(),
            ));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Record where the input leaves the version; the error stops decoding.
    #[cold]
    pub(crate) fn diverge(&mut self, d: &PerDecoder<'_>, msg: impl FnOnce() -> String) -> Error {
        self.divergence.get_or_insert_with(msg);
        Error::invalid(d.offset(), "construct outside this service model version", d.context())
    }

    /// A present SEQUENCE extension addition the version does not define:
    /// skipped (strict: an error).
    pub(crate) fn unknown_extension(&mut self, d: &mut PerDecoder<'_>, i: usize, hint: Hint<V>) -> Result<()> {
        if self.strict {
            let (ctx, v) = (d.context(), self.version);
            let what = format!("extension addition {}{}", i + 1, hinted(hint, i));
            return Err(self.diverge(d, || format!("{ctx}: {what} is not in {v}")));
        }
        d.skip_open_type()
    }

    /// The extension additions of a SEQUENCE whose version defines none.
    pub(crate) fn skip_extensions(&mut self, d: &mut PerDecoder<'_>, hint: Hint<V>) -> Result<()> {
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
        hint: Hint<V>,
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
    pub(crate) fn unknown_item(&mut self, d: &PerDecoder<'_>, i: u32, hint: Hint<V>) -> Result<u32> {
        if self.strict {
            let (ctx, v) = (d.context(), self.version);
            let what = format!("extension item {}{}", u64::from(i) + 1, hinted(hint, i as usize));
            return Err(self.diverge(d, || format!("{ctx}: {what} is not in {v}")));
        }
        Ok(i)
    }
}

// ---- errors the generated code raises ---------------------------------------------------
// (Some only where a model's versions differ in a component: not every model
// calls every one.)

/// Encoding a component (`what`: `Type.component`) that the version does not
/// define.
#[cold]
#[allow(dead_code)]
pub(crate) fn absent_in_version(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("component not defined by this service model version"),
        e.position() / 8,
        what,
    )
}

/// Encoding without a component the version makes mandatory.
#[cold]
#[allow(dead_code)]
pub(crate) fn missing_field(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(ErrorKind::Invalid("absent mandatory component"), e.position() / 8, what)
}

#[cold]
#[allow(dead_code)]
pub(crate) fn type_not_in_version(d: &PerDecoder<'_>, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("type not defined by this service model version"),
        d.offset(),
        what,
    )
}

#[cold]
#[allow(dead_code)]
pub(crate) fn type_not_in_version_enc(e: &PerEncoder, what: &'static str) -> Error {
    Error::new(
        ErrorKind::Unsupported("type not defined by this service model version"),
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

/// A kept raw open type, written back exactly (the unconstrained OCTET STRING
/// encoding is the open-type encoding).
pub(crate) fn raw_open_type(e: &mut PerEncoder, raw: &[u8]) -> Result<()> {
    e.octet_string(raw, Size::UNCONSTRAINED)
}

// ---- PrintableString with a zero lower bound -----------------------------------------------

/// A PrintableString whose size may be zero (E2SM-KPM's indication header
/// strings, `SIZE(0..15, ...)` and the like), as asn1tools (the E2SM oracle)
/// and asn1c write it: after the length, the characters are octet-aligned only
/// when there are some. The PER runtime aligns even before an empty string (as
/// pycrate, the E2AP oracle, does), which leaves a padding gap the E2SM peers
/// do not write.
pub(crate) fn decode_printable<'a>(d: &mut PerDecoder<'a>, size: Size) -> Result<std::borrow::Cow<'a, str>> {
    if size.extensible {
        let at = d.clone();
        if d.bit()? {
            // Outside the root: the general length form, aligned anyway.
            *d = at;
            return d.printable_string(size);
        }
    }
    let n = d.length(size.lb, size.ub)?;
    if n == 0 {
        return Ok(std::borrow::Cow::Borrowed(""));
    }
    d.align();
    let at = d.offset();
    let b = d.octet_string(Size::fixed(n))?;
    if !b.iter().all(|&c| Alphabet::PRINTABLE.contains(c)) {
        return Err(Error::invalid(
            at,
            "character outside the permitted alphabet",
            d.context(),
        ));
    }
    Ok(match b {
        std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(std::str::from_utf8(b).unwrap_or_default()),
        std::borrow::Cow::Owned(v) => std::borrow::Cow::Owned(String::from_utf8(v).unwrap_or_default()),
    })
}

/// See [`decode_printable`].
pub(crate) fn encode_printable(s: &str, e: &mut PerEncoder, size: Size) -> Result<()> {
    let n = s.len();
    if !size.contains(n) {
        return e.printable_string(s, size);
    }
    if !s.bytes().all(|c| Alphabet::PRINTABLE.contains(c)) {
        return Err(Error::invalid(
            e.position() / 8,
            "character outside the permitted alphabet",
            "PrintableString",
        ));
    }
    if size.extensible {
        e.bit(false);
    }
    e.length(n, size.lb, size.ub)?;
    if n > 0 {
        e.align();
        e.octet_string(s.as_bytes(), Size::fixed(n))?;
    }
    Ok(())
}

// ---- REAL -------------------------------------------------------------------------------

/// An ASN.1 REAL as an `f64`. In PER its contents are those of X.690 (BER)
/// behind an unconstrained length. Decoding takes any X.690 form (binary with
/// base 2, 8 or 16 and a scale factor, decimal, the special values); encoding
/// writes the DER form (base 2, odd mantissa, shortest exponent) as asn1tools
/// does it, with a zero octet before a mantissa whose first octet's top bit is
/// set.
///
/// Equality is bitwise, so NaN equals NaN and -0 differs from +0; serialised
/// as a JSON number when finite and as `"inf"`, `"-inf"` or `"nan"` otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Real(pub f64);

impl PartialEq for Real {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits() || (self.0.is_nan() && other.0.is_nan())
    }
}

impl Eq for Real {}

impl From<f64> for Real {
    fn from(x: f64) -> Self {
        Real(x)
    }
}

impl Serialize for Real {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let x = self.0;
        if x.is_finite() {
            s.serialize_f64(x)
        } else if x.is_nan() {
            s.serialize_str("nan")
        } else if x > 0.0 {
            s.serialize_str("inf")
        } else {
            s.serialize_str("-inf")
        }
    }
}

impl<'de> Deserialize<'de> for Real {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Real;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or \"inf\", \"-inf\", \"nan\"")
            }

            fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Real, E> {
                Ok(Real(x))
            }

            fn visit_i64<E: de::Error>(self, x: i64) -> std::result::Result<Real, E> {
                Ok(Real(x as f64))
            }

            fn visit_u64<E: de::Error>(self, x: u64) -> std::result::Result<Real, E> {
                Ok(Real(x as f64))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Real, E> {
                match s {
                    "inf" => Ok(Real(f64::INFINITY)),
                    "-inf" => Ok(Real(f64::NEG_INFINITY)),
                    "nan" => Ok(Real(f64::NAN)),
                    _ => Err(E::custom(format!("{s:?} is not a REAL"))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl IntoOwned for Real {
    type Owned = Real;

    fn into_owned(self) -> Real {
        self
    }
}

/// `m · 2^k` without overflowing on the way.
fn ldexp(m: f64, mut k: i64) -> f64 {
    let mut x = m;
    while k > 1000 {
        x *= 2f64.powi(1000);
        k -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while k < -1000 {
        x *= 2f64.powi(-1000);
        k += 1000;
        if x == 0.0 {
            return x;
        }
    }
    x * 2f64.powi(k as i32)
}

/// X.690 §8.5 contents octets to a value.
pub(crate) fn real_from_contents(c: &[u8], d: &PerDecoder<'_>) -> Result<Real> {
    let bad = |what| Error::invalid(d.offset(), what, d.context());
    let Some(&first) = c.first() else {
        return Ok(Real(0.0));
    };
    if first & 0x80 != 0 {
        let negative = first & 0x40 != 0;
        let base_bits: i64 = match (first >> 4) & 3 {
            0 => 1,
            1 => 3,
            2 => 4,
            _ => return Err(bad("REAL base (reserved value)")),
        };
        let scale = i64::from((first >> 2) & 3);
        let (exp_len, rest) = match first & 3 {
            3 => {
                let n = *c.get(1).ok_or_else(|| bad("REAL exponent length"))? as usize;
                (n, &c[2.min(c.len())..])
            }
            n => (n as usize + 1, &c[1..]),
        };
        if exp_len == 0 || exp_len > 8 || rest.len() < exp_len {
            return Err(bad("REAL exponent"));
        }
        let (eb, mb) = rest.split_at(exp_len);
        // Two's complement exponent of up to eight octets.
        let mut exp: i64 = if eb[0] & 0x80 != 0 { -1 } else { 0 };
        for &b in eb {
            exp = (exp << 8) | i64::from(b);
        }
        // The mantissa's leading 64 bits carry all an f64 can hold; the rest
        // only moves the binary point.
        let skip = mb.iter().take_while(|&&b| b == 0).count();
        let mb = &mb[skip..];
        let head = &mb[..mb.len().min(8)];
        let mut m: u64 = 0;
        for &b in head {
            m = (m << 8) | u64::from(b);
        }
        let shift = 8 * (mb.len() - head.len()) as i64;
        let k = exp
            .saturating_mul(base_bits)
            .saturating_add(scale)
            .saturating_add(shift);
        let x = ldexp(m as f64, k);
        return Ok(Real(if negative { -x } else { x }));
    }
    if first & 0x40 != 0 {
        return match first {
            0x40 => Ok(Real(f64::INFINITY)),
            0x41 => Ok(Real(f64::NEG_INFINITY)),
            0x42 => Ok(Real(f64::NAN)),
            0x43 => Ok(Real(-0.0)),
            _ => Err(bad("REAL special value")),
        };
    }
    // Decimal (ISO 6093 NR1, NR2, NR3): leading spaces, comma or point.
    let text = std::str::from_utf8(&c[1..]).map_err(|_| bad("REAL decimal form"))?;
    let t: String = text.trim().replace(',', ".");
    t.parse::<f64>().map(Real).map_err(|_| bad("REAL decimal form"))
}

/// The canonical (DER) contents octets of a value.
pub(crate) fn real_contents(x: f64) -> Vec<u8> {
    if x == 0.0 {
        return if x.is_sign_negative() { vec![0x43] } else { Vec::new() };
    }
    if x.is_nan() {
        return vec![0x42];
    }
    if x.is_infinite() {
        return vec![if x > 0.0 { 0x40 } else { 0x41 }];
    }
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    let tz = m.trailing_zeros();
    m >>= tz;
    e += i64::from(tz);
    // Shortest two's complement exponent.
    let mut eb = e.to_be_bytes().to_vec();
    while eb.len() > 1 && ((eb[0] == 0 && eb[1] & 0x80 == 0) || (eb[0] == 0xff && eb[1] & 0x80 != 0)) {
        eb.remove(0);
    }
    // The mantissa as asn1tools writes it: shortest octets, plus a leading
    // zero octet when the first one's top bit is set (as for a signed
    // integer). X.690 reads it as unsigned either way.
    let mut mb: Vec<u8> = m.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
    if mb[0] & 0x80 != 0 {
        mb.insert(0, 0);
    }
    let mut out = Vec::with_capacity(2 + eb.len() + mb.len());
    out.push(0x80 | if negative { 0x40 } else { 0 } | (eb.len() as u8 - 1));
    out.extend_from_slice(&eb);
    out.extend_from_slice(&mb);
    out
}

pub(crate) fn decode_real(d: &mut PerDecoder<'_>) -> Result<Real> {
    let c = d.octet_string(Size::UNCONSTRAINED)?;
    real_from_contents(&c, d)
}

pub(crate) fn encode_real(x: &Real, e: &mut PerEncoder) -> Result<()> {
    e.octet_string(&real_contents(x.0), Size::UNCONSTRAINED)
}

/// A random REAL: zero, integers, binary fractions, the special values. Never
/// -0 (some implementations fold it into +0), and only values whose shortest
/// decimal form every JSON parser reads back exactly, so that values compare
/// through JSON; the codec's extremes are covered by fixed vectors.
pub(crate) fn random_real(r: &mut Rng) -> Real {
    Real(match r.below(6) {
        0 => 0.0,
        1 => r.int(-1000, 1000) as f64,
        2 => r.int(-1_000_000, 1_000_000) as f64 / 1024.0,
        3 => r.int(-(1 << 20), 1 << 20) as f64 * 2f64.powi(r.int(-10, 20) as i32),
        _ => [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 0.5][r.below(4) as usize],
    })
}

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How deep random generation is inside recursive types (E2SM-RC's RAN
/// parameters nest without bound); past a few levels values take their
/// shortest form so that they stay small and finite.
pub(crate) struct Depth;

impl Depth {
    const LIMIT: u32 = 3;

    pub(crate) fn enter() -> Depth {
        DEPTH.with(|d| d.set(d.get() + 1));
        Depth
    }

    pub(crate) fn deep() -> bool {
        DEPTH.with(|d| d.get() > Self::LIMIT)
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// An item count for a list of recursive items: the lower bound when deep.
pub(crate) fn bounded_count(r: &mut Rng, size: Size) -> usize {
    if Depth::deep() { size.lb } else { r.count(size) }
}

// ---- whole payloads ---------------------------------------------------------------------

/// Decode one payload (a whole OCTET STRING) of type `T` under `version`.
/// Octets after the value are ignored; [`check`] reports them.
pub(crate) fn decode_payload<'a, V: SmVersion, T: Per<'a, V>>(version: V, bytes: &'a [u8]) -> Result<T> {
    T::decode(&mut PerDecoder::new(bytes), &mut Cx::new(version))
}

/// Encode one payload under `version` (a complete encoding: padded to whole
/// octets, at least one).
pub(crate) fn encode_payload<'a, V: SmVersion, T: Per<'a, V>>(version: V, value: &T) -> Result<Vec<u8>> {
    let mut e = PerEncoder::new();
    value.encode(&mut e, &mut Cx::new(version))?;
    Ok(e.finish())
}

/// Whether `bytes` is exactly one valid `T` under `version`, with no extension
/// the version does not define and nothing left over; if not, the first place
/// where it parts from the version.
pub(crate) fn check<'a, V: SmVersion, T: Per<'a, V>>(
    version: V,
    bytes: &'a [u8],
    name: &'static str,
) -> std::result::Result<(), String> {
    let mut cx = Cx::strict(version);
    let mut d = PerDecoder::new(bytes);
    let r = T::decode(&mut d, &mut cx).and_then(|_| {
        let rest = bytes.len().saturating_sub(d.byte_position());
        if rest > 0 {
            cx.divergence = Some(format!(
                "{name}: {rest} octet(s) left over after the value (of {})",
                bytes.len()
            ));
            return Err(Error::invalid(d.byte_position(), "trailing octets", name));
        }
        Ok(())
    });
    r.map_err(|e| cx.divergence.take().unwrap_or_else(|| e.to_string()))
}

/// The top-level payloads of a service model: a kind enum, a payload enum
/// wrapping each top-level type, and `decode_*`/`encode_*` per payload plus
/// generic `decode`/`encode`/`check_versions`/`random_payload`.
macro_rules! payloads {
    (
        $V:ty, $Kind:ident, $Payload:ident;
        $( $variant:ident, $asn1:literal, $ty:ident, $dec:ident, $enc:ident, $doc:literal; )*
    ) => {
        /// The kinds of payload the service model defines (the OCTET STRINGs
        /// E2AP carries for it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $Kind {
            $( #[doc = $doc] $variant, )*
        }

        impl $Kind {
            pub const ALL: &'static [$Kind] = &[$($Kind::$variant),*];

            /// The ASN.1 name of the payload's type.
            pub fn asn1_name(self) -> &'static str {
                match self {
                    $( $Kind::$variant => $asn1, )*
                }
            }
        }

        impl std::fmt::Display for $Kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.asn1_name())
            }
        }

        /// A decoded payload of any kind.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $Payload<'a> {
            $( #[doc = $doc] $variant(#[serde(borrow)] $ty<'a>), )*
        }

        impl $Payload<'_> {
            pub fn kind(&self) -> $Kind {
                match self {
                    $( $Payload::$variant(_) => $Kind::$variant, )*
                }
            }

            /// The same payload owning all its data.
            pub fn into_owned(self) -> $Payload<'static> {
                match self {
                    $( $Payload::$variant(x) => $Payload::$variant($crate::e2ap::IntoOwned::into_owned(x)), )*
                }
            }
        }

        $(
            #[doc = concat!("Decode `", $asn1, "` under `version`; octets after it are ignored.")]
            pub fn $dec(version: $V, bytes: &[u8]) -> $crate::Result<$ty<'_>> {
                $crate::e2sm::support::decode_payload(version, bytes)
            }

            #[doc = concat!("Encode `", $asn1, "` under `version`.")]
            pub fn $enc(version: $V, value: &$ty<'_>) -> $crate::Result<Vec<u8>> {
                $crate::e2sm::support::encode_payload(version, value)
            }
        )*

        /// Decode a payload of `kind` under `version`.
        pub fn decode(version: $V, kind: $Kind, bytes: &[u8]) -> $crate::Result<$Payload<'_>> {
            Ok(match kind {
                $( $Kind::$variant => $Payload::$variant($dec(version, bytes)?), )*
            })
        }

        /// Encode a payload under `version`.
        pub fn encode(version: $V, payload: &$Payload<'_>) -> $crate::Result<Vec<u8>> {
            match payload {
                $( $Payload::$variant(x) => $enc(version, x), )*
            }
        }

        /// For every version, whether `bytes` is exactly one valid payload of
        /// `kind` under it, or the first place where it parts from it.
        pub fn check_versions(kind: $Kind, bytes: &[u8]) -> Vec<($V, std::result::Result<(), String>)> {
            <$V as $crate::e2sm::support::SmVersion>::ALL
                .iter()
                .map(|&v| {
                    let r = match kind {
                        $( $Kind::$variant => $crate::e2sm::support::check::<$V, $ty<'_>>(v, bytes, $asn1), )*
                    };
                    (v, r)
                })
                .collect()
        }

        /// A random valid payload of `kind` under `version` (property tests,
        /// oracle cross-checks, fuzzing peers).
        pub fn random_payload(r: &mut $crate::e2ap::random::Rng, version: $V, kind: $Kind) -> $Payload<'static> {
            use $crate::e2sm::support::Random;
            match kind {
                $( $Kind::$variant => $Payload::$variant(<$ty<'static>>::random(r, version)), )*
            }
        }
    };
}

pub(crate) use payloads;

//! Service model payloads in `harness e2`: bare E2SM payloads decoded and
//! encoded by model, payload kind and version, and the payloads E2AP messages
//! carry as OCTET STRINGs decoded in place.

use std::collections::HashMap;
use std::str::FromStr;

use codecs::e2sm::kpm::{self, KpmPayload, KpmPayloadKind, KpmVersion};
use codecs::e2sm::rc::{self, RcPayload, RcPayloadKind, RcVersion};

use super::tree::{self, Node, pad};

// ---- models, kinds, versions -------------------------------------------------------------

/// A service model the codecs know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sm {
    Kpm,
    Rc,
}

impl Sm {
    pub const ALL: [Sm; 2] = [Sm::Kpm, Sm::Rc];

    pub fn label(self) -> &'static str {
        match self {
            Sm::Kpm => "E2SM-KPM",
            Sm::Rc => "E2SM-RC",
        }
    }

    /// As given on the command line.
    fn arg(self) -> &'static str {
        match self {
            Sm::Kpm => "kpm",
            Sm::Rc => "rc",
        }
    }

    fn kinds(self) -> Vec<Kind> {
        Kind::ALL.into_iter().filter(|k| k.defined_by(self)).collect()
    }

    fn newest(self) -> SmVersion {
        match self {
            Sm::Kpm => SmVersion::Kpm(KpmVersion::V3_00),
            Sm::Rc => SmVersion::Rc(RcVersion::V1_03),
        }
    }

    fn printable(self) -> &'static [&'static str] {
        match self {
            Sm::Kpm => kpm::PRINTABLE_FIELDS,
            Sm::Rc => rc::PRINTABLE_FIELDS,
        }
    }

    /// The model an object identifier names: O-RAN's E2SM identifiers are
    /// 1.3.6.1.4.1.53148.1.<version>.2.<model>, model 2 being KPM and 3 RC.
    pub fn of_oid(oid: &str) -> Option<Sm> {
        let rest = oid.trim().strip_prefix("1.3.6.1.4.1.53148.1.")?;
        let arcs: Vec<&str> = rest.split('.').collect();
        let [version, "2", model] = arcs[..] else { return None };
        if version.parse::<u32>().is_err() {
            return None;
        }
        match model {
            "2" => Some(Sm::Kpm),
            "3" => Some(Sm::Rc),
            _ => None,
        }
    }
}

impl FromStr for Sm {
    type Err = String;

    /// `kpm`, `rc`, `E2SM-KPM`, `e2sm-rc`, ...
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("e2sm-").unwrap_or(&t);
        match t {
            "kpm" => Ok(Sm::Kpm),
            "rc" => Ok(Sm::Rc),
            _ => Err(format!("unknown service model {s:?} (known: kpm, rc)")),
        }
    }
}

/// The kinds of service model payload E2AP carries, across models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    RanFunctionDefinition,
    EventTrigger,
    ActionDefinition,
    IndicationHeader,
    IndicationMessage,
    CallProcessId,
    ControlHeader,
    ControlMessage,
    ControlOutcome,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::RanFunctionDefinition,
        Kind::EventTrigger,
        Kind::ActionDefinition,
        Kind::IndicationHeader,
        Kind::IndicationMessage,
        Kind::CallProcessId,
        Kind::ControlHeader,
        Kind::ControlMessage,
        Kind::ControlOutcome,
    ];

    /// As `--payload` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::RanFunctionDefinition => "ran-function-definition",
            Kind::EventTrigger => "event-trigger",
            Kind::ActionDefinition => "action-definition",
            Kind::IndicationHeader => "indication-header",
            Kind::IndicationMessage => "indication-message",
            Kind::CallProcessId => "call-process-id",
            Kind::ControlHeader => "control-header",
            Kind::ControlMessage => "control-message",
            Kind::ControlOutcome => "control-outcome",
        }
    }

    fn kpm(self) -> Option<KpmPayloadKind> {
        Some(match self {
            Kind::RanFunctionDefinition => KpmPayloadKind::RanFunctionDefinition,
            Kind::EventTrigger => KpmPayloadKind::EventTriggerDefinition,
            Kind::ActionDefinition => KpmPayloadKind::ActionDefinition,
            Kind::IndicationHeader => KpmPayloadKind::IndicationHeader,
            Kind::IndicationMessage => KpmPayloadKind::IndicationMessage,
            _ => return None,
        })
    }

    fn rc(self) -> RcPayloadKind {
        match self {
            Kind::RanFunctionDefinition => RcPayloadKind::RanFunctionDefinition,
            Kind::EventTrigger => RcPayloadKind::EventTrigger,
            Kind::ActionDefinition => RcPayloadKind::ActionDefinition,
            Kind::IndicationHeader => RcPayloadKind::IndicationHeader,
            Kind::IndicationMessage => RcPayloadKind::IndicationMessage,
            Kind::CallProcessId => RcPayloadKind::CallProcessId,
            Kind::ControlHeader => RcPayloadKind::ControlHeader,
            Kind::ControlMessage => RcPayloadKind::ControlMessage,
            Kind::ControlOutcome => RcPayloadKind::ControlOutcome,
        }
    }

    pub fn defined_by(self, sm: Sm) -> bool {
        match sm {
            Sm::Kpm => self.kpm().is_some(),
            Sm::Rc => true,
        }
    }

    /// The model's name for the kind: the key of its JSON form.
    fn json_name(self, sm: Sm) -> Option<String> {
        let v = match sm {
            Sm::Kpm => serde_json::to_value(self.kpm()?),
            Sm::Rc => serde_json::to_value(self.rc()),
        };
        v.ok()?.as_str().map(str::to_string)
    }

    /// The ASN.1 type of the payload in the model.
    fn asn1_name(self, sm: Sm) -> Option<&'static str> {
        match sm {
            Sm::Kpm => self.kpm().map(KpmPayloadKind::asn1_name),
            Sm::Rc => Some(self.rc().asn1_name()),
        }
    }

    fn of_json_name(sm: Sm, name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.json_name(sm).is_some_and(|n| n == name))
    }

    /// "a control header", for sentences.
    fn phrase(self) -> String {
        let words = self.name().replace('-', " ").replace("ran ", "RAN ");
        format!(
            "{} {words}",
            if words.starts_with(['a', 'e', 'i']) { "an" } else { "a" }
        )
    }
}

impl FromStr for Kind {
    type Err = String;

    /// `indication-header`, `IndicationHeader`, `E2SM-KPM-IndicationHeader`,
    /// `ric-control-outcome`, `event-trigger-definition`, ...
    fn from_str(s: &str) -> Result<Self, String> {
        let t: String = s
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let t = t.strip_prefix("e2smkpm").or(t.strip_prefix("e2smrc")).unwrap_or(&t);
        let t = t.strip_prefix("ric").unwrap_or(t);
        Ok(match t {
            "ranfunctiondefinition" | "ranfunctiondescription" | "ranfunction" => Kind::RanFunctionDefinition,
            "eventtrigger" | "eventtriggerdefinition" => Kind::EventTrigger,
            "actiondefinition" => Kind::ActionDefinition,
            "indicationheader" => Kind::IndicationHeader,
            "indicationmessage" => Kind::IndicationMessage,
            "callprocessid" => Kind::CallProcessId,
            "controlheader" => Kind::ControlHeader,
            "controlmessage" => Kind::ControlMessage,
            "controloutcome" => Kind::ControlOutcome,
            _ => {
                let known: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
                return Err(format!("unknown payload kind {s:?} (known: {})", known.join(", ")));
            }
        })
    }
}

/// Why `sm` cannot have a payload of `kind`.
pub fn not_defined(sm: Sm, kind: Kind) -> String {
    let kinds: Vec<_> = sm.kinds().iter().map(|k| k.name()).collect();
    format!(
        "{} has no {} payload (its payloads: {})",
        sm.label(),
        kind.name(),
        kinds.join(", ")
    )
}

/// A version of one of the models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmVersion {
    Kpm(KpmVersion),
    Rc(RcVersion),
}

impl SmVersion {
    pub fn parse(sm: Sm, s: &str) -> Result<SmVersion, String> {
        match sm {
            Sm::Kpm => s.parse().map(SmVersion::Kpm),
            Sm::Rc => s.parse().map(SmVersion::Rc),
        }
    }

    fn label(self) -> &'static str {
        match self {
            SmVersion::Kpm(v) => v.label(),
            SmVersion::Rc(v) => v.label(),
        }
    }
}

// ---- decoding ------------------------------------------------------------------------------

/// Why a payload did not decode, and where in it.
pub struct Failure {
    pub error: String,
    pub offset: Option<usize>,
}

impl From<codecs::Error> for Failure {
    fn from(e: codecs::Error) -> Self {
        Failure {
            offset: Some(e.offset),
            error: e.to_string(),
        }
    }
}

/// One payload decoded under one model.
pub struct SmDecoded {
    pub sm: Sm,
    pub kind: Kind,
    /// The version it was decoded under; `v01.00` for an E2SM-KPM v1.00 RAN
    /// function definition, which is recognised but not decoded.
    pub version: &'static str,
    /// How the version was chosen.
    pub how: &'static str,
    pub valid_under: Vec<&'static str>,
    /// Where the payload leaves each version it is not valid under.
    pub not_valid: Vec<(&'static str, String)>,
    /// The value in the model's JSON form (`{"<Kind>": ...}`).
    pub payload: Result<Node, Failure>,
}

fn pick<V: Copy>(forced: Option<V>, valid: &[V], newest: V) -> (V, &'static str) {
    match (forced, valid.last()) {
        (Some(v), _) => (v, "as asked"),
        (None, Some(v)) => (*v, "auto: the newest it is valid under"),
        // Valid under none: read it leniently with the newest definitions.
        (None, None) => (newest, "auto: valid under none; read leniently"),
    }
}

fn partings<V: Copy>(
    checks: &[(V, Result<(), String>)],
    label: impl Fn(V) -> &'static str,
) -> Vec<(&'static str, String)> {
    checks
        .iter()
        .filter_map(|(v, r)| r.as_ref().err().map(|e| (label(*v), e.clone())))
        .collect()
}

/// Decode `bytes` as a payload of `kind` under `sm`, at `version` or the
/// newest version it is wholly valid under; Err when `sm` has no such kind or
/// `version` is another model's.
pub fn decode(sm: Sm, kind: Kind, version: Option<SmVersion>, bytes: &[u8]) -> Result<SmDecoded, String> {
    let wrong_version = |v: SmVersion| format!("{} is not an {} version", v.label(), sm.label());
    match sm {
        Sm::Kpm => {
            let k = kind.kpm().ok_or_else(|| not_defined(sm, kind))?;
            let forced = match version {
                Some(SmVersion::Kpm(v)) => Some(v),
                Some(v) => return Err(wrong_version(v)),
                None => None,
            };
            let det = kpm::detect_version(k, bytes);
            let valid = det.valid();
            let (version, how, payload) = match &det.v1_00 {
                // Read as v02/v03 it would be misread: say what it is instead.
                Some(why) if forced.is_none() && valid.is_empty() => (
                    "v01.00",
                    "auto: the E2SM-KPM v1.00 layout",
                    Err(Failure {
                        error: format!("E2SM-KPM v1.00 layout (not modelled, so not decoded): {why}"),
                        offset: None,
                    }),
                ),
                _ => {
                    let (v, how) = pick(forced, &valid, KpmVersion::V3_00);
                    let payload = kpm::decode(v, k, bytes).map(|p| Node::of(&p)).map_err(Failure::from);
                    (v.label(), how, payload)
                }
            };
            Ok(SmDecoded {
                sm,
                kind,
                version,
                how,
                valid_under: valid.iter().map(|v| v.label()).collect(),
                not_valid: partings(&det.versions, KpmVersion::label),
                payload,
            })
        }
        Sm::Rc => {
            let k = kind.rc();
            let forced = match version {
                Some(SmVersion::Rc(v)) => Some(v),
                Some(v) => return Err(wrong_version(v)),
                None => None,
            };
            let checks = rc::detect_version(k, bytes);
            let valid: Vec<RcVersion> = checks.iter().filter(|(_, r)| r.is_ok()).map(|(v, _)| *v).collect();
            let (v, how) = pick(forced, &valid, RcVersion::V1_03);
            Ok(SmDecoded {
                sm,
                kind,
                version: v.label(),
                how,
                valid_under: valid.iter().map(|v| v.label()).collect(),
                not_valid: partings(&checks, RcVersion::label),
                payload: rc::decode(v, k, bytes).map(|p| Node::of(&p)).map_err(Failure::from),
            })
        }
    }
}

/// What `detect_kinds` found.
pub struct KindsFound {
    /// The kinds the payload is wholly one of.
    pub valid: Vec<Kind>,
    /// For every other kind, where it parts from the newest (or given) version.
    pub not: Vec<(Kind, String)>,
}

/// Which kinds of `sm` `bytes` is wholly one of (under `version`, or under
/// any version).
pub fn detect_kinds(sm: Sm, version: Option<SmVersion>, bytes: &[u8]) -> KindsFound {
    let want = version.map(SmVersion::label);
    let newest = version.unwrap_or(sm.newest()).label();
    let mut valid = Vec::new();
    let mut not = Vec::new();
    for kind in sm.kinds() {
        let checks: Vec<(&'static str, Result<(), String>)> = match sm {
            Sm::Kpm => kind.kpm().map_or(Vec::new(), |k| {
                kpm::check_versions(k, bytes)
                    .into_iter()
                    .map(|(v, r)| (v.label(), r))
                    .collect()
            }),
            Sm::Rc => rc::check_versions(kind.rc(), bytes)
                .into_iter()
                .map(|(v, r)| (v.label(), r))
                .collect(),
        };
        if checks.iter().any(|(v, r)| r.is_ok() && want.is_none_or(|w| w == *v)) {
            valid.push(kind);
        } else {
            let why = checks
                .into_iter()
                .find(|(v, _)| *v == newest)
                .and_then(|(_, r)| r.err());
            not.push((kind, why.unwrap_or_default()));
        }
    }
    KindsFound { valid, not }
}

impl SmDecoded {
    /// The JSON form, which `encode` reads back: `{"sm", "version", "kind",
    /// "valid_under", "not_valid_under"?, "valid_as"?, "assumed"?, then
    /// "payload", or "error" and "offset"}`.
    pub fn node(&self, valid_as: Option<&[Kind]>, assumed: Option<&str>) -> Node {
        let kind = self.kind.json_name(self.sm).unwrap_or_else(|| self.kind.name().into());
        let mut m = vec![
            ("sm".to_string(), Node::str(self.sm.label())),
            ("version".into(), Node::str(self.version)),
            ("kind".into(), Node::str(kind)),
            ("valid_under".into(), Node::strings(&self.valid_under)),
        ];
        if !self.not_valid.is_empty() {
            let why = self.not_valid.iter().map(|(v, w)| (v.to_string(), Node::str(w)));
            m.push(("not_valid_under".into(), Node::Map(why.collect())));
        }
        if let Some(kinds) = valid_as {
            let names: Vec<String> = kinds.iter().filter_map(|k| k.json_name(self.sm)).collect();
            m.push(("valid_as".into(), Node::strings(&names)));
        }
        if let Some(a) = assumed {
            m.push(("assumed".into(), Node::str(a)));
        }
        match &self.payload {
            Ok(p) => m.push(("payload".into(), p.clone())),
            Err(f) => {
                m.push(("error".into(), Node::str(&f.error)));
                if let Some(o) = f.offset {
                    m.push(("offset".into(), Node::Num(o.into())));
                }
            }
        }
        Node::Map(m)
    }

    /// The readable form of a bare payload (decoded: `payload` is Ok).
    pub fn tree(&self, len: usize, valid_as: Option<&[Kind]>) -> String {
        let valid = if self.valid_under.is_empty() {
            "none".to_string()
        } else {
            self.valid_under.join(", ")
        };
        let mut s = format!(
            "{} payload, {len} octets, decoded as {} ({}); valid under: {valid}\n",
            self.sm.label(),
            self.version,
            self.how
        );
        for (v, why) in &self.not_valid {
            s += &format!("  not {v}: {why}\n");
        }
        if let Some(kinds) = valid_as {
            let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
            let also = if names.len() > 1 {
                "; shown as the first, choose with --payload"
            } else {
                ""
            };
            s += &format!("  kind: auto: wholly valid as {}{also}\n", names.join(", "));
        }
        s += &format!("{}\n", self.kind.asn1_name(self.sm).unwrap_or(self.kind.name()));
        tree::render_payload(&mut s, 1, &self.node(None, None));
        s
    }
}

/// The ASN.1 type of a decoded payload's JSON form, for the tree.
pub fn asn1_name(d: &Node) -> String {
    let sm = d.get("sm").and_then(Node::as_str).and_then(|s| s.parse::<Sm>().ok());
    let kind = d.get("kind").and_then(Node::as_str).unwrap_or("payload");
    sm.and_then(|sm| Kind::of_json_name(sm, kind).and_then(|k| k.asn1_name(sm)))
        .map_or(kind.to_string(), str::to_string)
}

/// The PrintableString names of a decoded payload's model, for the tree.
pub fn printable_fields(d: &Node) -> &'static [&'static str] {
    d.get("sm")
        .and_then(Node::as_str)
        .and_then(|s| s.parse::<Sm>().ok())
        .map_or(&[], Sm::printable)
}

/// Decode a bare payload whose kind is not given: the first kind it is
/// wholly valid as, with all those kinds; Err saying, for each kind, where it
/// parts from it.
pub fn decode_any(sm: Sm, version: Option<SmVersion>, bytes: &[u8]) -> Result<(SmDecoded, Vec<Kind>), String> {
    let KindsFound { valid, not } = detect_kinds(sm, version, bytes);
    if let Some(&first) = valid.first() {
        return decode(sm, first, version, bytes).map(|d| (d, valid));
    }
    let mut why = format!("not wholly any {} payload", sm.label());
    if sm == Sm::Kpm
        && version.is_none()
        && let Ok(d) = decode(sm, Kind::RanFunctionDefinition, None, bytes)
        && d.version == "v01.00"
        && let Err(f) = &d.payload
    {
        why += &format!(" of v02.03 or v03.00: {}", f.error);
        return Err(why);
    }
    why += &format!(" (under {}):", version.unwrap_or(sm.newest()).label());
    for (k, w) in not {
        why += &format!("\n  {}: {w}", k.name());
    }
    Err(why)
}

// ---- encoding ------------------------------------------------------------------------------

/// Why a value did not encode: its JSON (to be placed in the document), or
/// anything else.
pub enum EncodeError {
    Json(serde_json::Error),
    Other(String),
}

impl From<serde_json::Error> for EncodeError {
    fn from(e: serde_json::Error) -> Self {
        EncodeError::Json(e)
    }
}

impl From<String> for EncodeError {
    fn from(e: String) -> Self {
        EncodeError::Other(e)
    }
}

#[derive(serde::Deserialize)]
struct Head {
    sm: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    payload: Option<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct KpmBody<'a> {
    #[serde(borrow)]
    payload: KpmPayload<'a>,
}

#[derive(serde::Deserialize)]
struct RcBody<'a> {
    #[serde(borrow)]
    payload: RcPayload<'a>,
}

/// Whether a JSON value is the E2SM form (`{"sm", ..., "payload"}`).
pub fn is_sm_form(v: &serde_json::Value) -> bool {
    v.get("sm").is_some() && v.get("payload").is_some()
}

/// Encode one value: the E2SM form `decode --json` writes (its `sm`,
/// `version` and `payload`; `--sm`/`--sm-version` override them), or with
/// `sm` given a bare `{"<Kind>": value}`.
pub fn encode(text: &str, sm: Option<Sm>, version: Option<&str>) -> Result<Vec<u8>, EncodeError> {
    let head: Head = serde_json::from_str(text)?;
    let wrapped = head.payload.is_some();
    let sm = match (sm, &head.sm) {
        (Some(s), _) => s,
        (None, Some(s)) => s.parse().map_err(|e| format!("\"sm\": {e}"))?,
        (None, None) => return Err("which service model? (no \"sm\"; say --sm)".to_string().into()),
    };
    let version = version.or(head.version.as_deref());
    let check_kind = |actual: String| -> Result<(), EncodeError> {
        match &head.kind {
            Some(k) if *k != actual => {
                Err(format!("\"kind\" says {k} but the payload is {actual}; the payload is what is encoded").into())
            }
            _ => Ok(()),
        }
    };
    let under = |label: &str, e: codecs::Error| format!("under {} {label}: {e}", sm.label());
    Ok(match sm {
        Sm::Kpm => {
            let v: KpmVersion = version.map_or(Ok(KpmVersion::V3_00), str::parse)?;
            let p: KpmPayload<'_> = if wrapped {
                serde_json::from_str::<KpmBody<'_>>(text)?.payload
            } else {
                serde_json::from_str(text)?
            };
            check_kind(format!("{:?}", p.kind()))?;
            kpm::encode(v, &p).map_err(|e| under(v.label(), e))?
        }
        Sm::Rc => {
            let v: RcVersion = version.map_or(Ok(RcVersion::V1_03), str::parse)?;
            let p: RcPayload<'_> = if wrapped {
                serde_json::from_str::<RcBody<'_>>(text)?.payload
            } else {
                serde_json::from_str(text)?
            };
            check_kind(format!("{:?}", p.kind()))?;
            rc::encode(v, &p).map_err(|e| under(v.label(), e))?
        }
    })
}

// ---- payloads inside E2AP ----------------------------------------------------------------

/// `--nested`: the model of the payloads in E2AP messages that do not name
/// it themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nested {
    /// Learned from the RAN functions set up earlier in the input, else
    /// tried.
    Auto,
    Off,
    Sm(Sm),
}

impl FromStr for Nested {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Nested::Auto),
            "off" | "none" => Ok(Nested::Off),
            _ => s
                .parse()
                .map(Nested::Sm)
                .map_err(|e: String| format!("{e}, auto or off")),
        }
    }
}

/// Where E2AP carries service model payloads: the JSON name of the component
/// or IE, and the payload kind.
const CARRIERS: &[(&str, Kind)] = &[
    ("ran_function_definition", Kind::RanFunctionDefinition),
    ("ric_event_trigger_definition", Kind::EventTrigger),
    ("RicEventTriggerDefinitionToBeModified", Kind::EventTrigger),
    ("ric_action_definition", Kind::ActionDefinition),
    ("RicIndicationHeader", Kind::IndicationHeader),
    ("RicIndicationMessage", Kind::IndicationMessage),
    ("RicCallProcessId", Kind::CallProcessId),
    ("RicControlHeader", Kind::ControlHeader),
    ("RicControlMessage", Kind::ControlMessage),
    ("RicControlOutcome", Kind::ControlOutcome),
];

/// The RAN functions earlier messages of the input set up: id, model, and
/// how that was known.
#[derive(Default)]
pub struct Functions(HashMap<i64, (Sm, String)>);

/// Decoding the payloads of one message.
pub struct NestedCx<'a> {
    pub mode: Nested,
    /// With `--nested kpm|rc`: `--sm-version`.
    pub version: Option<SmVersion>,
    pub functions: &'a mut Functions,
    /// The message, for what later messages learn from it ("the
    /// E2setupRequest on line 3").
    pub origin: String,
}

/// Decode in place the service model payloads of an E2AP message in its JSON
/// form: each becomes `{"hex", "decoded"}`, `decoded` being the E2SM form
/// (or why it did not decode) plus `assumed`, how its model was chosen.
pub fn annotate(pdu: &mut Node, cx: &mut NestedCx<'_>) {
    if cx.mode == Nested::Off {
        return;
    }
    let function = message_function_id(pdu);
    walk(pdu, function, cx);
}

/// The message's RANfunctionID IE.
fn message_function_id(n: &Node) -> Option<i64> {
    if n.get("criticality").is_some()
        && let Some(("RanFunctionId", v)) = n.get("value").and_then(Node::single)
    {
        return v.as_i64();
    }
    match n {
        Node::Map(m) => m.iter().find_map(|(_, v)| message_function_id(v)),
        Node::List(l) => l.iter().find_map(message_function_id),
        _ => None,
    }
}

fn sibling<'n>(m: &'n [(String, Node)], key: &str) -> Option<&'n Node> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn walk(n: &mut Node, function: Option<i64>, cx: &mut NestedCx<'_>) {
    match n {
        Node::Map(m) => {
            // A RAN function item: the definition's id and OID beside it.
            let item_id = sibling(m, "ran_function_id").and_then(Node::as_i64);
            let item_oid = sibling(m, "ran_function_oid")
                .and_then(Node::as_str)
                .map(str::to_string);
            for (k, v) in m.iter_mut() {
                let carrier = CARRIERS.iter().find(|(name, _)| name == k).map(|c| c.1);
                let hex = v.as_str().map(str::to_string);
                let (Some(kind), Some(hex)) = (carrier, hex) else {
                    walk(v, function, cx);
                    continue;
                };
                let Ok(bytes) = super::parse_hex(&hex) else { continue };
                let decoded = if kind == Kind::RanFunctionDefinition {
                    definition(&bytes, item_id, item_oid.as_deref(), cx)
                } else {
                    payload(kind, &bytes, function, cx)
                };
                if let Some(d) = decoded {
                    *v = Node::Map(vec![("hex".into(), Node::Str(hex)), ("decoded".into(), d)]);
                }
            }
        }
        Node::List(l) => l.iter_mut().for_each(|x| walk(x, function, cx)),
        _ => {}
    }
}

/// The annotation of a payload decoded as `sm`.
fn annotation(sm: Sm, kind: Kind, bytes: &[u8], version: Option<SmVersion>, assumed: &str) -> Node {
    match decode(sm, kind, version, bytes) {
        Ok(d) => d.node(None, Some(assumed)),
        Err(why) => Node::Map(vec![
            ("sm".into(), Node::str(sm.label())),
            ("kind".into(), Node::str(kind.name())),
            ("assumed".into(), Node::str(assumed)),
            ("error".into(), Node::str(why)),
        ]),
    }
}

/// The model a RAN function definition names in its `RANfunction-Name` (short
/// name or OID), or that its layout is E2SM-KPM v1.00's.
fn identify_definition(bytes: &[u8]) -> Option<(Sm, String)> {
    let named = |sm: Sm, short: &str, oid: &str| {
        (Sm::of_oid(oid) == Some(sm) || short.to_ascii_uppercase().contains(sm.label()))
            .then(|| (sm, format!("its RANfunction-Name: {short:?}, OID {oid:?}")))
    };
    for v in KpmVersion::ALL.iter().rev() {
        if let Ok(d) = kpm::decode_ran_function_definition(*v, bytes) {
            let n = &d.ran_function_name;
            if let Some(x) = named(Sm::Kpm, &n.ran_function_short_name, &n.ran_function_e2sm_oid) {
                return Some(x);
            }
        }
    }
    if let Ok(d) = rc::decode_ran_function_definition(RcVersion::V1_03, bytes) {
        let n = &d.ran_function_name;
        if let Some(x) = named(Sm::Rc, &n.ran_function_short_name, &n.ran_function_e2sm_oid) {
            return Some(x);
        }
    }
    kpm::v1_ran_function_definition(bytes)
        .ok()
        .map(|_| (Sm::Kpm, "its layout, E2SM-KPM v1.00's".into()))
}

fn forced_version(sm: Sm, cx: &NestedCx<'_>) -> Option<SmVersion> {
    (cx.mode == Nested::Sm(sm)).then_some(cx.version).flatten()
}

fn definition(bytes: &[u8], id: Option<i64>, oid: Option<&str>, cx: &mut NestedCx<'_>) -> Option<Node> {
    let kind = Kind::RanFunctionDefinition;
    let known = match oid.and_then(Sm::of_oid) {
        Some(sm) => Some((sm, format!("ranFunctionOID {}", oid.unwrap_or_default()))),
        None => identify_definition(bytes),
    };
    let (sm, assumed) = match (known, cx.mode) {
        (Some(k), _) => k,
        (None, Nested::Sm(sm)) => (sm, format!("--nested {}", sm.arg())),
        // An OID naming another model: not one to decode.
        (None, _) if oid.is_some() => return None,
        (None, _) => return infer(kind, bytes),
    };
    if let Some(id) = id {
        let from = format!("{assumed} in {}", cx.origin);
        cx.functions.0.insert(id, (sm, from));
    }
    Some(annotation(sm, kind, bytes, forced_version(sm, cx), &assumed))
}

fn payload(kind: Kind, bytes: &[u8], function: Option<i64>, cx: &mut NestedCx<'_>) -> Option<Node> {
    if let Nested::Sm(sm) = cx.mode {
        return Some(annotation(
            sm,
            kind,
            bytes,
            cx.version,
            &format!("--nested {}", sm.arg()),
        ));
    }
    if let Some(id) = function
        && let Some((sm, from)) = cx.functions.0.get(&id)
    {
        let assumed = format!("RAN function {id} is {}: {from}", sm.label());
        return Some(annotation(*sm, kind, bytes, None, &assumed));
    }
    infer(kind, bytes)
}

/// The payload decoded as each model that has its kind: shown as the one it
/// is valid as (else decodes leniently as, else reads furthest), saying so.
fn infer(kind: Kind, bytes: &[u8]) -> Option<Node> {
    let tried: Vec<SmDecoded> = Sm::ALL
        .into_iter()
        .filter_map(|sm| decode(sm, kind, None, bytes).ok())
        .collect();
    let score = |d: &SmDecoded| match &d.payload {
        Ok(_) if !d.valid_under.is_empty() => (2, usize::MAX),
        Ok(_) => (1, usize::MAX),
        Err(f) => (0, f.offset.unwrap_or(0)),
    };
    // The first of the best, in model order.
    let best = tried.iter().rev().max_by_key(|d| score(d))?;
    let assumed = if tried.len() == 1 {
        format!(
            "inferred: {} is the only known model with {}",
            best.sm.label(),
            kind.phrase()
        )
    } else {
        let each: Vec<String> = tried
            .iter()
            .map(|d| match &d.payload {
                Ok(_) if !d.valid_under.is_empty() => format!("valid as {}", d.sm.label()),
                Ok(_) => format!("{} reads it only leniently", d.sm.label()),
                Err(f) => match f.offset {
                    Some(o) => format!("not {} (fails at byte {o})", d.sm.label()),
                    None => format!("not {}", d.sm.label()),
                },
            })
            .collect();
        format!(
            "inferred by trying each model: {}; shown as {}",
            each.join(", "),
            best.sm.label()
        )
    };
    Some(best.node(None, Some(&assumed)))
}

/// The header line of a nested payload in the tree; see `tree::render`.
pub fn nested_head(depth: usize, d: &Node) -> String {
    let mut parts: Vec<String> = ["sm", "version"]
        .iter()
        .filter_map(|k| d.get(k).and_then(Node::as_str).map(str::to_string))
        .collect();
    parts.push(asn1_name(d));
    let mut head = format!("{}{}", pad(depth), parts.join(" "));
    if let Some(a) = d.get("assumed").and_then(Node::as_str) {
        head += &format!(" ({a})");
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_name_their_model() {
        assert_eq!(Sm::of_oid("1.3.6.1.4.1.53148.1.2.2.2"), Some(Sm::Kpm));
        assert_eq!(Sm::of_oid("1.3.6.1.4.1.53148.1.3.2.2"), Some(Sm::Kpm));
        assert_eq!(Sm::of_oid("1.3.6.1.4.1.53148.1.1.2.3"), Some(Sm::Rc));
        // E2SM-NI, and an OID outside O-RAN's arc.
        assert_eq!(Sm::of_oid("1.3.6.1.4.1.53148.1.1.2.1"), None);
        assert_eq!(Sm::of_oid("OID123"), None);
    }

    #[test]
    fn payload_kinds_parse_in_several_spellings() {
        for (s, k) in [
            ("indication-header", Kind::IndicationHeader),
            ("IndicationHeader", Kind::IndicationHeader),
            ("E2SM-KPM-RANfunction-Description", Kind::RanFunctionDefinition),
            ("E2SM-KPM-EventTriggerDefinition", Kind::EventTrigger),
            ("ric_control_outcome", Kind::ControlOutcome),
        ] {
            assert_eq!(s.parse::<Kind>(), Ok(k), "{s}");
        }
        assert!("indication".parse::<Kind>().is_err());
        for k in Kind::ALL {
            assert_eq!(k.name().parse::<Kind>(), Ok(k));
            assert!(k.json_name(Sm::Rc).is_some());
        }
        assert_eq!(Kind::ControlHeader.json_name(Sm::Kpm), None);
        assert_eq!(
            Kind::EventTrigger.json_name(Sm::Kpm).as_deref(),
            Some("EventTriggerDefinition")
        );
        assert_eq!(Kind::ActionDefinition.phrase(), "an action definition");
        assert_eq!(Kind::RanFunctionDefinition.phrase(), "a RAN function definition");
    }
}

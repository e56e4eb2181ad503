//! The JSON form of decoded values with the components in their ASN.1 order
//! (serde_json's `Value` sorts object keys), and the readable tree drawn from
//! it: E2AP IEs named with their id and criticality, long octets wrapped,
//! service model payloads decoded in place shown beneath their octets.

use codecs::e2ap::IE_NAMES;
use serde::Serialize;

#[derive(Clone)]
pub enum Node {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
                Ok(Node::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
                Ok(Node::Num(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
                Ok(Node::Num(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
                // JSON has no non-finite numbers, so this is always a number.
                Ok(serde_json::Number::from_f64(n).map_or(Node::Null, Node::Num))
            }
            fn visit_str<E>(self, s: &str) -> Result<Node, E> {
                Ok(Node::Str(s.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Node::List(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = a.next_entry()? {
                    v.push(kv);
                }
                Ok(Node::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Num(n) => n.serialize(s),
            Node::Str(x) => s.serialize_str(x),
            Node::List(v) => s.collect_seq(v),
            Node::Map(m) => s.collect_map(m.iter().map(|(k, v)| (k, v))),
        }
    }
}

impl Node {
    /// The serde form of a value.
    pub fn of<T: Serialize>(x: &T) -> Node {
        serde_json::to_string(x)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Node::Null)
    }

    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    pub fn strings<S: AsRef<str>>(items: &[S]) -> Node {
        Node::List(items.iter().map(|s| Node::str(s.as_ref())).collect())
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Node::Num(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The only key of a one-key object (a Rust enum variant in serde's form).
    pub fn single(&self) -> Option<(&str, &Node)> {
        match self {
            Node::Map(m) if m.len() == 1 => Some((m[0].0.as_str(), &m[0].1)),
            _ => None,
        }
    }

    /// A ProtocolIE-Field: `{"criticality", "value": {Variant: ...}}`.
    fn ie_field(&self) -> Option<(&str, &str, &Node)> {
        let Node::Map(m) = self else { return None };
        if m.len() != 2 {
            return None;
        }
        let crit = self.get("criticality")?.as_str()?;
        let (variant, value) = self.get("value")?.single()?;
        Some((crit, variant, value))
    }

    /// Octets with a service model payload decoded beside them:
    /// `{"hex", "decoded"}`.
    pub fn annotated(&self) -> Option<(&str, &Node)> {
        match self {
            Node::Map(m) if m.len() == 2 && m[0].0 == "hex" && m[1].0 == "decoded" => Some((m[0].1.as_str()?, &m[1].1)),
            _ => None,
        }
    }
}

/// E2AP's PrintableString components; every other string of it that is all
/// hex is an OCTET STRING (enumerated values are CamelCase names).
pub const E2AP_TEXT: &[&str] = &["ran_function_oid", "amf_name", "mme_name"];

fn is_octets(key: &str, s: &str, text: &[&str]) -> bool {
    !text.contains(&key) && s.len().is_multiple_of(2) && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Octets up to this many are shown on the line of their name.
const INLINE_OCTETS: usize = 32;

pub fn pad(n: usize) -> String {
    "  ".repeat(n)
}

/// A scalar on one line, or `None` for objects, lists and long octets.
fn scalar(key: &str, v: &Node, text: &[&str]) -> Option<String> {
    Some(match v {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Num(n) => n.to_string(),
        Node::Str(s) if is_octets(key, s, text) => {
            if s.len() > 2 * INLINE_OCTETS {
                return None;
            }
            format!("{} octet(s): {s}", s.len() / 2)
        }
        Node::Str(s) if text.contains(&key) => format!("{s:?}"),
        Node::Str(s) => s.clone(),
        Node::Map(m) if m.len() == 2 && v.get("bits").is_some() && v.get("hex").is_some() => {
            let bits = v.get("bits").and_then(|b| scalar("", b, text)).unwrap_or_default();
            format!(
                "BIT STRING of {bits} bits: {}",
                v.get("hex").and_then(Node::as_str).unwrap_or("")
            )
        }
        _ => return None,
    })
}

pub fn render_octets(out: &mut String, depth: usize, hex: &str) {
    for chunk in hex.as_bytes().chunks(2 * INLINE_OCTETS) {
        out.push_str(&pad(depth));
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
}

fn ie_label(crit: &str, variant: &str, value: &Node) -> String {
    let crit = crit.to_lowercase();
    if variant == "Unknown" {
        let id = value.get("id").and_then(|i| scalar("", i, &[])).unwrap_or("?".into());
        return format!("IE {id} (not defined here by this version, criticality {crit})");
    }
    match IE_NAMES.iter().find(|(_, _, v)| *v == variant) {
        Some((id, name, _)) => format!("{name} (IE {id}, criticality {crit})"),
        None => format!("{variant} (criticality {crit})"),
    }
}

/// One line `label: scalar`, or `label` and the value's parts indented below.
fn render_item(out: &mut String, depth: usize, label: &str, key: &str, v: &Node, text: &[&str]) {
    if let Some((hex, decoded)) = v.annotated() {
        render_item(out, depth, label, key, &Node::str(hex), text);
        render_nested(out, depth + 1, decoded);
    } else if let Some(s) = scalar(key, v, text) {
        out.push_str(&format!("{}{label}: {s}\n", pad(depth)));
    } else if let Node::Str(hex) = v {
        // Long octets: the count on this line, the hex below.
        out.push_str(&format!("{}{label}: {} octet(s)\n", pad(depth), hex.len() / 2));
        render_octets(out, depth + 1, hex);
    } else {
        out.push_str(&format!("{}{label}\n", pad(depth)));
        render(out, depth + 1, v, key, text);
    }
}

pub fn render(out: &mut String, depth: usize, v: &Node, key: &str, text: &[&str]) {
    if let Some((crit, variant, value)) = v.ie_field() {
        let label = ie_label(crit, variant, value);
        if variant == "Unknown" {
            let hex = value.get("value").and_then(Node::as_str).unwrap_or("");
            render_item(out, depth, &label, "value", &Node::str(hex), text);
        } else {
            render_item(out, depth, &label, variant, value, text);
        }
        return;
    }
    match v {
        Node::Map(m) => {
            for (k, x) in m {
                // A message's IE list is the message: no level of its own.
                if k == "protocol_ies" {
                    render(out, depth, x, k, text);
                } else {
                    render_item(out, depth, k, k, x, text);
                }
            }
        }
        Node::List(items) => {
            for (i, x) in items.iter().enumerate() {
                if x.ie_field().is_some() {
                    render(out, depth, x, key, text);
                } else {
                    render_item(out, depth, &format!("[{i}]"), key, x, text);
                }
            }
        }
        other => {
            if let Some(s) = scalar(key, other, text) {
                out.push_str(&format!("{}{s}\n", pad(depth)));
            }
        }
    }
}

/// The versions a payload is valid under, for a header line.
pub fn valid_list(valid: &Node) -> String {
    match valid {
        Node::List(l) if !l.is_empty() => l.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(", "),
        _ => "none".into(),
    }
}

/// A service model payload decoded in place (the `"decoded"` beside its hex,
/// see `sm::SmDecoded::node`): one line naming it, then where it leaves the
/// versions it is not valid under, then its value or why it did not decode.
fn render_nested(out: &mut String, depth: usize, d: &Node) {
    let head = super::sm::nested_head(depth, d);
    if let Some(e) = d.get("error").and_then(Node::as_str) {
        out.push_str(&format!("{head}: not decoded: {e}\n"));
        // The other versions' partings; this version's is the error.
        if let Some(Node::Map(m)) = d.get("not_valid_under") {
            let version = d.get("version").and_then(Node::as_str);
            for (v, why) in m.iter().filter(|(v, _)| Some(v.as_str()) != version) {
                out.push_str(&format!("{}not {v}: {}\n", pad(depth + 1), why.as_str().unwrap_or("")));
            }
        }
        return;
    }
    let valid = d.get("valid_under").map_or("none".into(), valid_list);
    out.push_str(&format!("{head}; valid under: {valid}\n"));
    render_partings(out, depth + 1, d);
    render_payload(out, depth + 1, d);
}

/// `not <version>: <where>` for each version the payload is not valid under.
pub fn render_partings(out: &mut String, depth: usize, d: &Node) {
    if let Some(Node::Map(m)) = d.get("not_valid_under") {
        for (v, why) in m {
            out.push_str(&format!("{}not {v}: {}\n", pad(depth), why.as_str().unwrap_or("")));
        }
    }
}

/// The value of a decoded payload (`{"<Kind>": value}`), its components at `depth`.
pub fn render_payload(out: &mut String, depth: usize, d: &Node) {
    let text = super::sm::printable_fields(d);
    if let Some((kind, value)) = d.get("payload").and_then(Node::single) {
        render(out, depth, value, kind, text);
    }
}

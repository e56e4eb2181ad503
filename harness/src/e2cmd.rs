//! `harness e2`: decode E2AP PDUs (ALIGNED PER) to a readable tree or JSON,
//! and encode JSON back to PER.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use codecs::e2ap::{self, E2apPdu, E2apVersion, IE_NAMES};
use serde_json::Value;

#[derive(Subcommand)]
pub enum E2Command {
    /// Decode E2AP-PDUs (ALIGNED PER): from hex on the command line, a file
    /// (hex, one message a line, or raw binary) or standard input ("-").
    Decode(DecodeArgs),
    /// Encode E2AP-PDUs from JSON (the `decode --json` form, or a bare PDU;
    /// several values in a row give one message each) to ALIGNED PER hex.
    Encode(EncodeArgs),
    /// Smoke-test an E2 SCTP transport: echo what arrives (--listen) or ping (--connect).
    Ping(harness::e2link::ping::PingArgs),
    /// Many simulated E2 nodes against one simulated near-RT RIC in this
    /// process over SCTP: bring-up, subscription and indication figures.
    Scale(harness::e2scale::ScaleArgs),
}

#[derive(Args)]
pub struct DecodeArgs {
    /// The message in hex (spaces, colons and 0x allowed), or "-" for standard input.
    #[arg(conflicts_with = "file", allow_hyphen_values = true)]
    input: Option<String>,
    /// A file of hex messages (one a line; '#' starts a comment) or one raw binary message.
    #[arg(long)]
    file: Option<PathBuf>,
    /// E2AP version: v1, v2, v3, latest, or auto (the newest the message is valid under).
    #[arg(long, default_value = "auto")]
    version: VersionArg,
    /// JSON ({"version", "valid_under", "pdu"}) instead of the tree; one object a line for several messages.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct EncodeArgs {
    /// The JSON, or "-" for standard input.
    #[arg(conflicts_with = "file", allow_hyphen_values = true)]
    input: Option<String>,
    /// A file of JSON.
    #[arg(long)]
    file: Option<PathBuf>,
    /// E2AP version: v1, v2, v3, latest, or auto (the wrapped form's "version", else latest).
    #[arg(long, default_value = "auto")]
    version: VersionArg,
    /// Raw bytes instead of hex (messages back to back).
    #[arg(long)]
    binary: bool,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy)]
pub enum VersionArg {
    Auto,
    Fixed(E2apVersion),
}

impl std::str::FromStr for VersionArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(VersionArg::Auto);
        }
        s.parse().map(VersionArg::Fixed)
    }
}

type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

pub fn run(cmd: E2Command) -> CmdResult {
    match cmd {
        E2Command::Decode(a) => decode(a),
        E2Command::Encode(a) => encode(a),
        E2Command::Ping(a) => harness::e2link::ping::cli(&a),
        E2Command::Scale(a) => harness::e2scale::cli(&a),
    }
}

/// The input bytes, from the argument, the file, or standard input.
fn read_input(input: Option<&str>, file: Option<&PathBuf>) -> Result<(String, Vec<u8>), Box<dyn std::error::Error>> {
    if let Some(f) = file {
        let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        return Ok((f.display().to_string(), bytes));
    }
    match input {
        Some("-") => {}
        Some(text) => return Ok(("argument".into(), text.as_bytes().to_vec())),
        // Waiting on a terminal for input nobody announced would look like a hang.
        None if std::io::stdin().is_terminal() => {
            return Err("no input: give it as an argument, with --file, or on standard input (\"-\")".into());
        }
        None => {}
    }
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    Ok(("standard input".into(), bytes))
}

// ---- hex -------------------------------------------------------------------------------

/// Whether a file is text (hex, one message a line) rather than a raw PER
/// message: a PER E2AP-PDU starts with octet 0x00, 0x20 or 0x40 and holds
/// lengths and small integers, so it is practically never all printable text.
fn looks_like_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| t.bytes().all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace()))
        && bytes.iter().any(u8::is_ascii_hexdigit)
}

/// Hex with optional whitespace, ':' or ',' separators and 0x prefixes.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let mut digits = Vec::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X')) && (i == 0 || !b[i - 1].is_ascii_hexdigit()) {
            i += 2;
            continue;
        }
        if c.is_ascii_hexdigit() {
            digits.push(c);
        } else if !(c.is_ascii_whitespace() || c == b':' || c == b',') {
            return Err(format!("{:?} at character {} is not a hex digit", c as char, i + 1));
        }
        i += 1;
    }
    if digits.len() % 2 == 1 {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    let val = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    Ok(digits.chunks(2).map(|p| (val(p[0]) << 4) | val(p[1])).collect())
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---- decode ----------------------------------------------------------------------------

/// One message of the input, or why it is not one, and where it came from (a
/// line number for text).
struct Message {
    line: Option<usize>,
    bytes: Result<Vec<u8>, String>,
}

fn messages(bytes: Vec<u8>) -> Vec<Message> {
    if !looks_like_text(&bytes) {
        return vec![Message {
            line: None,
            bytes: Ok(bytes),
        }];
    }
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| Message {
            line: Some(i + 1),
            bytes: parse_hex(l),
        })
        .collect()
}

fn decode(a: DecodeArgs) -> CmdResult {
    let (source, raw) = read_input(a.input.as_deref(), a.file.as_ref())?;
    let from_argument = a.file.is_none() && a.input.as_deref().is_some_and(|i| i != "-");
    let msgs = if from_argument {
        // On the command line it is hex, whatever it looks like.
        vec![Message {
            line: None,
            bytes: parse_hex(&String::from_utf8_lossy(&raw)),
        }]
    } else {
        messages(raw)
    };
    if msgs.is_empty() {
        return Err(format!("{source}: no message").into());
    }
    let several = msgs.len() > 1;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    let mut shown = 0;
    for m in &msgs {
        let place = match m.line {
            Some(l) if !from_argument => format!("{source}: line {l}: "),
            _ => String::new(),
        };
        match m
            .bytes
            .as_ref()
            .map_err(|e| format!("not hex: {e}"))
            .and_then(|b| decode_one(b, a.version).map(|d| (b, d)))
        {
            Ok((bytes, d)) => {
                if a.json {
                    let v = Wrapped {
                        version: Some(d.version.label().to_string()),
                        valid_under: d.valid_under.iter().map(|v| v.label().to_string()).collect(),
                        pdu: d.pdu,
                    };
                    if several {
                        serde_json::to_writer(&mut out, &v)?;
                    } else {
                        serde_json::to_writer_pretty(&mut out, &v)?;
                    }
                    writeln!(out)?;
                } else {
                    if shown > 0 {
                        writeln!(out)?;
                    }
                    if several {
                        writeln!(out, "# {}", place.trim_end_matches(": "))?;
                    }
                    write!(out, "{}", d.tree(bytes))?;
                }
                shown += 1;
            }
            Err(e) => {
                failed += 1;
                out.flush()?;
                eprintln!("harness e2 decode: {place}{e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

struct Decoded {
    version: E2apVersion,
    /// How the version was chosen.
    how: &'static str,
    valid_under: Vec<E2apVersion>,
    /// Where the message leaves each version it is not valid under.
    partings: Vec<(E2apVersion, String)>,
    pdu: E2apPdu<'static>,
}

fn decode_one(bytes: &[u8], version: VersionArg) -> Result<Decoded, String> {
    let detected = e2ap::detect_version(bytes);
    let valid_under: Vec<_> = detected.iter().filter(|(_, r)| r.is_ok()).map(|(v, _)| *v).collect();
    let partings = detected
        .into_iter()
        .filter_map(|(v, r)| r.err().map(|e| (v, e)))
        .collect();
    let (version, how) = match version {
        VersionArg::Fixed(v) => (v, "as asked"),
        VersionArg::Auto => match valid_under.last() {
            Some(v) => (*v, "auto: the newest it is valid under"),
            // Valid under none: read it leniently with the newest definitions.
            None => (E2apVersion::Latest, "auto: valid under none; read leniently"),
        },
    };
    let pdu = e2ap::decode(version, bytes)
        .map_err(|e| format!("not an E2AP-PDU under {version}: {e}"))?
        .into_owned();
    Ok(Decoded {
        version,
        how,
        valid_under,
        partings,
        pdu,
    })
}

impl Decoded {
    fn tree(&self, bytes: &[u8]) -> String {
        let mut s = String::new();
        let valid = if self.valid_under.is_empty() {
            "none".to_string()
        } else {
            self.valid_under
                .iter()
                .map(|v| v.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        s += &format!(
            "E2AP-PDU, {} octets, decoded as {} ({}); valid under: {valid}\n",
            bytes.len(),
            self.version,
            self.how
        );
        for (v, why) in &self.partings {
            s += &format!("  not {v}: {why}\n");
        }
        let json = Node::of(&self.pdu);
        let Some((kind, body)) = json.single() else {
            return s;
        };
        let kind_name = match kind {
            "InitiatingMessage" => "initiatingMessage",
            "SuccessfulOutcome" => "successfulOutcome",
            "UnsuccessfulOutcome" => "unsuccessfulOutcome",
            _ => {
                s += &format!("{kind}\n");
                render(&mut s, 1, body, "");
                return s;
            }
        };
        let crit = body.get("criticality").and_then(Node::as_str).unwrap_or("?");
        let code = self.pdu.procedure_code().map_or("?".into(), |c| c.to_string());
        let name = self.pdu.message_name().unwrap_or("unknown message");
        s += &format!(
            "{name} ({kind_name}, procedure code {code}, criticality {})\n",
            crit.to_lowercase()
        );
        match body.get("value").and_then(Node::single) {
            Some(("Unknown", u)) => {
                s += "  not a message of this version; raw:\n";
                render_octets(&mut s, 2, u.get("value").and_then(Node::as_str).unwrap_or(""));
            }
            Some((_, msg)) => render(&mut s, 1, msg, ""),
            None => {}
        }
        s
    }
}

// ---- the tree --------------------------------------------------------------------------

/// The serde form of a PDU with the components in their ASN.1 order
/// (serde_json's `Value` sorts object keys).
enum Node {
    Null,
    Bool(bool),
    Num(String),
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
                Ok(Node::Num(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
                Ok(Node::Num(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
                Ok(Node::Num(n.to_string()))
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

impl Node {
    fn of(pdu: &E2apPdu<'_>) -> Node {
        serde_json::to_string(pdu)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Node::Null)
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The only key of a one-key object (a Rust enum variant in serde's form).
    fn single(&self) -> Option<(&str, &Node)> {
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
}

/// The PrintableString components; every other string that is all hex is an
/// OCTET STRING (enumerated values are CamelCase names).
const TEXT_FIELDS: [&str; 3] = ["ran_function_oid", "amf_name", "mme_name"];

fn is_octets(key: &str, s: &str) -> bool {
    !TEXT_FIELDS.contains(&key)
        && s.len().is_multiple_of(2)
        && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Octets up to this many are shown on the line of their name.
const INLINE_OCTETS: usize = 32;

fn pad(n: usize) -> String {
    "  ".repeat(n)
}

/// A scalar on one line, or `None` for objects and lists.
fn scalar(key: &str, v: &Node) -> Option<String> {
    Some(match v {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Num(n) => n.clone(),
        Node::Str(s) if is_octets(key, s) => {
            if s.len() > 2 * INLINE_OCTETS {
                return None;
            }
            format!("{} octet(s): {s}", s.len() / 2)
        }
        Node::Str(s) if TEXT_FIELDS.contains(&key) => format!("{s:?}"),
        Node::Str(s) => s.clone(),
        Node::Map(m) if m.len() == 2 && v.get("bits").is_some() && v.get("hex").is_some() => {
            let bits = v.get("bits").and_then(|b| scalar("", b)).unwrap_or_default();
            format!(
                "BIT STRING of {bits} bits: {}",
                v.get("hex").and_then(Node::as_str).unwrap_or("")
            )
        }
        _ => return None,
    })
}

fn render_octets(out: &mut String, depth: usize, hex: &str) {
    for chunk in hex.as_bytes().chunks(2 * INLINE_OCTETS) {
        out.push_str(&pad(depth));
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
}

fn ie_label(crit: &str, variant: &str, value: &Node) -> String {
    let crit = crit.to_lowercase();
    if variant == "Unknown" {
        let id = value.get("id").and_then(|i| scalar("", i)).unwrap_or("?".into());
        return format!("IE {id} (not defined here by this version, criticality {crit})");
    }
    match IE_NAMES.iter().find(|(_, _, v)| *v == variant) {
        Some((id, name, _)) => format!("{name} (IE {id}, criticality {crit})"),
        None => format!("{variant} (criticality {crit})"),
    }
}

/// One line `label: scalar`, or `label` and the value's parts indented below.
fn render_item(out: &mut String, depth: usize, label: &str, key: &str, v: &Node) {
    if let Some(s) = scalar(key, v) {
        out.push_str(&format!("{}{label}: {s}\n", pad(depth)));
    } else if let Node::Str(hex) = v {
        // Long octets: the count on this line, the hex below.
        out.push_str(&format!("{}{label}: {} octet(s)\n", pad(depth), hex.len() / 2));
        render_octets(out, depth + 1, hex);
    } else {
        out.push_str(&format!("{}{label}\n", pad(depth)));
        render(out, depth + 1, v, key);
    }
}

fn render(out: &mut String, depth: usize, v: &Node, key: &str) {
    if let Some((crit, variant, value)) = v.ie_field() {
        let label = ie_label(crit, variant, value);
        if variant == "Unknown" {
            let hex = value.get("value").and_then(Node::as_str).unwrap_or("");
            render_item(out, depth, &label, "value", &Node::Str(hex.into()));
        } else {
            render_item(out, depth, &label, variant, value);
        }
        return;
    }
    match v {
        Node::Map(m) => {
            for (k, x) in m {
                // A message's IE list is the message: no level of its own.
                if k == "protocol_ies" {
                    render(out, depth, x, k);
                } else {
                    render_item(out, depth, k, k, x);
                }
            }
        }
        Node::List(items) => {
            for (i, x) in items.iter().enumerate() {
                if x.ie_field().is_some() {
                    render(out, depth, x, key);
                } else {
                    render_item(out, depth, &format!("[{i}]"), key, x);
                }
            }
        }
        other => {
            if let Some(s) = scalar(key, other) {
                out.push_str(&format!("{}{s}\n", pad(depth)));
            }
        }
    }
}

// ---- encode ----------------------------------------------------------------------------

/// The `decode --json` form; `encode` reads it back (`valid_under` is for
/// the reader and ignored).
#[derive(serde::Serialize, serde::Deserialize)]
struct Wrapped {
    version: Option<String>,
    #[serde(default)]
    valid_under: Vec<String>,
    pdu: E2apPdu<'static>,
}

/// Line and column (1-based) of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// A serde_json error inside the value that starts at byte `start`, placed in the whole text.
fn json_error(text: &str, start: usize, e: &serde_json::Error) -> String {
    let (l0, c0) = line_col(text, start);
    let (line, col) = if e.line() == 0 {
        (l0, c0)
    } else if e.line() == 1 {
        (l0, c0 + e.column() - 1)
    } else {
        (l0 + e.line() - 1, e.column())
    };
    // serde_json's own text ends with its (relative) position: keep only the cause.
    let msg = e.to_string();
    let cause = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m);
    format!("JSON at line {line}, column {col}: {cause}")
}

fn encode(a: EncodeArgs) -> CmdResult {
    let (source, raw) = read_input(a.input.as_deref(), a.file.as_ref())?;
    let text = String::from_utf8(raw).map_err(|e| format!("{source}: not UTF-8 text: {e}"))?;
    // First the values' extents (syntax errors are placed here), then each
    // value as a PDU (so type errors are placed within it).
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<serde::de::IgnoredAny>();
    loop {
        let start = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(_)) => {
                // Skip the whitespace before the value for its position.
                let s = start + text[start..].len() - text[start..].trim_start().len();
                values.push((s, stream.byte_offset()));
            }
            Some(Err(e)) => {
                eprintln!("harness e2 encode: {source}: {}", json_error(&text, 0, &e));
                return Ok(ExitCode::from(1));
            }
        }
    }
    if values.is_empty() {
        return Err(format!("{source}: no JSON value").into());
    }
    let mut encoded = Vec::new();
    for (start, end) in values {
        let slice = &text[start..end];
        let wrapped = serde_json::from_str::<Value>(slice)
            .ok()
            .is_some_and(|v| v.get("pdu").is_some());
        let result = if wrapped {
            serde_json::from_str::<Wrapped>(slice).map(|w| (w.version, w.pdu))
        } else {
            serde_json::from_str::<E2apPdu<'static>>(slice).map(|p| (None, p))
        };
        let (named, pdu) = match result {
            Ok(x) => x,
            Err(e) => {
                eprintln!("harness e2 encode: {source}: {}", json_error(&text, start, &e));
                return Ok(ExitCode::from(1));
            }
        };
        let version = match (a.version, named) {
            (VersionArg::Fixed(v), _) => v,
            (VersionArg::Auto, Some(n)) => n.parse().map_err(|e| format!("{source}: \"version\": {e}"))?,
            (VersionArg::Auto, None) => E2apVersion::Latest,
        };
        match e2ap::encode(version, &pdu) {
            Ok(b) => encoded.push(b),
            Err(e) => {
                let (line, _) = line_col(&text, start);
                eprintln!("harness e2 encode: {source}: the value at line {line}: under {version}: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    let mut sink: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    for b in &encoded {
        if a.binary {
            sink.write_all(b)?;
        } else {
            writeln!(sink, "{}", to_hex(b))?;
        }
    }
    sink.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(parse_hex("00 05:40 0x58").unwrap(), [0, 5, 0x40, 0x58]);
        assert_eq!(parse_hex("0x000540").unwrap(), [0, 5, 0x40]);
        assert!(parse_hex("0g").is_err());
        assert!(parse_hex("005").is_err());
        assert!(looks_like_text(b"# comment\n0005\n\n0a0b\n"));
        assert!(!looks_like_text(&[0x00, 0x05, 0x40, 0x58]));
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("abc", 0), (1, 1));
    }
}

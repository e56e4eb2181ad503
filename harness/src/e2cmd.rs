//! `harness e2`: decode E2AP PDUs and E2SM payloads (ALIGNED PER) to a
//! readable tree or JSON, with the service model payloads inside E2AP
//! messages decoded in place, and encode JSON back to PER.

mod sm;
mod tree;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use codecs::e2ap::{self, E2apPdu, E2apVersion};
use serde_json::Value;
use sm::{Kind, Nested, NestedCx, Sm, SmVersion};
use tree::{Node, render, render_octets};

#[derive(Subcommand)]
pub enum E2Command {
    /// Decode E2AP-PDUs (ALIGNED PER), their service model payloads decoded in
    /// place, or with --sm bare E2SM payloads: from hex on the command line, a
    /// file (hex, one message a line, or raw binary) or standard input ("-").
    Decode(DecodeArgs),
    /// Encode E2AP-PDUs or E2SM payloads from JSON (the `decode --json` forms,
    /// or a bare PDU; several values in a row give one message each) to
    /// ALIGNED PER hex.
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
    /// JSON ({"version", "valid_under", "pdu"}; with --sm {"sm", "version", "kind", "valid_under", "payload", ...})
    /// instead of the tree; one object a line for several messages.
    #[arg(long)]
    json: bool,
    /// The input is a bare service model payload, not an E2AP-PDU: kpm (E2SM-KPM) or rc (E2SM-RC).
    #[arg(long)]
    sm: Option<Sm>,
    /// With --sm, the payload kind: ran-function-definition, event-trigger, action-definition,
    /// indication-header, indication-message, call-process-id, control-header, control-message,
    /// control-outcome. Without it every kind of the model is tried.
    #[arg(long, requires = "sm")]
    payload: Option<Kind>,
    /// The service model version (KPM: v2, v3; RC: v1.03), or auto (the newest the payload is valid under).
    /// With --sm, or with --nested kpm|rc.
    #[arg(long, default_value = "auto")]
    sm_version: String,
    /// E2AP messages: the service model of the payloads in messages that do not name it (RAN function
    /// definitions name theirs by OID): kpm, rc, auto (the model set up for the RAN function earlier in
    /// the input, else each model tried), or off (payloads left as hex).
    #[arg(long, default_value = "auto", conflicts_with = "sm")]
    nested: Nested,
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
    /// The values are E2SM payloads of this model (kpm, rc): the E2SM form without its "sm", or a bare
    /// {"<Kind>": value}. The E2SM form (with "sm") is recognised without it.
    #[arg(long)]
    sm: Option<Sm>,
    /// E2SM version for E2SM values (KPM: v2, v3; RC: v1.03); default: the value's "version", else the newest.
    #[arg(long)]
    sm_version: Option<String>,
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

/// What the input of `decode` is.
enum Mode {
    E2ap {
        version: VersionArg,
        nested: Nested,
        sm_version: Option<SmVersion>,
    },
    Sm {
        sm: Sm,
        kind: Option<Kind>,
        version: Option<SmVersion>,
    },
}

impl Mode {
    /// The mode the arguments ask for; Err for a combination that makes no sense.
    fn of(a: &DecodeArgs) -> Result<Mode, String> {
        let auto = a.sm_version.eq_ignore_ascii_case("auto");
        let Some(sm) = a.sm else {
            let sm_version = match (auto, a.nested) {
                (true, _) => None,
                (false, Nested::Sm(sm)) => Some(SmVersion::parse(sm, &a.sm_version)?),
                (false, _) => return Err("--sm-version needs --sm, or --nested kpm|rc".into()),
            };
            return Ok(Mode::E2ap {
                version: a.version,
                nested: a.nested,
                sm_version,
            });
        };
        if let VersionArg::Fixed(_) = a.version {
            return Err("--version is the E2AP version; for a service model payload say --sm-version".into());
        }
        if let Some(k) = a.payload
            && !k.defined_by(sm)
        {
            return Err(sm::not_defined(sm, k));
        }
        let version = if auto {
            None
        } else {
            Some(SmVersion::parse(sm, &a.sm_version)?)
        };
        Ok(Mode::Sm {
            sm,
            kind: a.payload,
            version,
        })
    }
}

/// One message decoded: its JSON form and its readable tree.
struct Shown {
    json: Node,
    tree: String,
}

fn decode(a: DecodeArgs) -> CmdResult {
    let mode = Mode::of(&a)?;
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
    // RAN functions set up by earlier messages, for the payloads of later ones.
    let mut functions = sm::Functions::default();
    for m in &msgs {
        let place = match m.line {
            Some(l) if !from_argument => format!("{source}: line {l}: "),
            _ => String::new(),
        };
        let result = m
            .bytes
            .as_ref()
            .map_err(|e| format!("not hex: {e}"))
            .and_then(|b| match &mode {
                Mode::E2ap {
                    version,
                    nested,
                    sm_version,
                } => {
                    let mut cx = NestedCx {
                        mode: *nested,
                        version: *sm_version,
                        functions: &mut functions,
                        origin: String::new(),
                    };
                    decode_e2ap(b, *version, m.line.filter(|_| several), &mut cx)
                }
                Mode::Sm { sm, kind, version } => decode_sm(b, *sm, *kind, *version),
            });
        match result {
            Ok(d) => {
                if a.json {
                    if several {
                        serde_json::to_writer(&mut out, &d.json)?;
                    } else {
                        serde_json::to_writer_pretty(&mut out, &d.json)?;
                    }
                    writeln!(out)?;
                } else {
                    if shown > 0 {
                        writeln!(out)?;
                    }
                    if several {
                        writeln!(out, "# {}", place.trim_end_matches(": "))?;
                    }
                    write!(out, "{}", d.tree)?;
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

/// An E2AP-PDU, its service model payloads decoded in place.
fn decode_e2ap(bytes: &[u8], version: VersionArg, line: Option<usize>, cx: &mut NestedCx<'_>) -> Result<Shown, String> {
    let d = decode_one(bytes, version)?;
    let mut pdu = Node::of(&d.pdu);
    let name = d.pdu.message_name().unwrap_or("message");
    cx.origin = match line {
        Some(l) => format!("the {name} on line {l}"),
        None => format!("the {name}"),
    };
    sm::annotate(&mut pdu, cx);
    let json = Node::Map(vec![
        ("version".into(), Node::str(d.version.label())),
        (
            "valid_under".into(),
            Node::strings(&d.valid_under.iter().map(|v| v.label()).collect::<Vec<_>>()),
        ),
        ("pdu".into(), pdu),
    ]);
    let tree = d.tree(bytes, json.get("pdu").unwrap_or(&Node::Null));
    Ok(Shown { json, tree })
}

/// A bare service model payload, of `kind` or of the first kind it is wholly.
fn decode_sm(bytes: &[u8], sm: Sm, kind: Option<Kind>, version: Option<SmVersion>) -> Result<Shown, String> {
    let (d, valid_as) = match kind {
        Some(k) => (sm::decode(sm, k, version, bytes)?, None),
        None => {
            let (d, kinds) = sm::decode_any(sm, version, bytes)?;
            (d, Some(kinds))
        }
    };
    if let Err(f) = &d.payload {
        let mut why = format!("not {} {} under {}: {}", sm.label(), d.kind.name(), d.version, f.error);
        let valid = sm::detect_kinds(sm, version, bytes).valid;
        if !valid.is_empty() {
            let kinds: Vec<_> = valid.iter().map(|k| k.name()).collect();
            why += &format!(" (it is wholly valid as: {})", kinds.join(", "));
        }
        return Err(why);
    }
    Ok(Shown {
        json: d.node(valid_as.as_deref(), None),
        tree: d.tree(bytes.len(), valid_as.as_deref()),
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
    /// The readable form; `json` is the PDU's JSON form with its service
    /// model payloads decoded in place.
    fn tree(&self, bytes: &[u8], json: &Node) -> String {
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
        let Some((kind, body)) = json.single() else {
            return s;
        };
        let kind_name = match kind {
            "InitiatingMessage" => "initiatingMessage",
            "SuccessfulOutcome" => "successfulOutcome",
            "UnsuccessfulOutcome" => "unsuccessfulOutcome",
            _ => {
                s += &format!("{kind}\n");
                render(&mut s, 1, body, "", tree::E2AP_TEXT);
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
            Some((_, msg)) => render(&mut s, 1, msg, "", tree::E2AP_TEXT),
            None => {}
        }
        s
    }
}

// ---- encode ----------------------------------------------------------------------------

/// The `decode --json` form of an E2AP-PDU, as `encode` reads it back
/// (`valid_under` is for the reader and ignored, as are the decoded service
/// model payloads beside their hex).
#[derive(serde::Deserialize)]
struct Wrapped {
    version: Option<String>,
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
        let value = serde_json::from_str::<Value>(slice).ok();
        if a.sm.is_some() || value.as_ref().is_some_and(sm::is_sm_form) {
            match sm::encode(slice, a.sm, a.sm_version.as_deref()) {
                Ok(b) => encoded.push(b),
                Err(sm::EncodeError::Json(e)) => {
                    eprintln!("harness e2 encode: {source}: {}", json_error(&text, start, &e));
                    return Ok(ExitCode::from(1));
                }
                Err(sm::EncodeError::Other(e)) => {
                    let (line, _) = line_col(&text, start);
                    eprintln!("harness e2 encode: {source}: the value at line {line}: {e}");
                    return Ok(ExitCode::from(1));
                }
            }
            continue;
        }
        let wrapped = value.is_some_and(|v| v.get("pdu").is_some());
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

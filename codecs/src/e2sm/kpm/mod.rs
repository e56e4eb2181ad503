//! E2SM-KPM (O-RAN.WG3.E2SM-KPM): the key performance measurement service
//! model, v02.03 and v03.00.
//!
//! The two versions differ in one type: `TimeStamp` (the indication header's
//! `colletStartTime`) is `OCTET STRING (SIZE(4))` in v02.03 and `SIZE(8)` in
//! v03.00. Their module identifiers differ too, but those are not on the wire,
//! so [`detect_version`] judges a payload by decoding it under each. It also
//! recognises a RAN function definition laid out as E2SM-KPM v01.00, whose
//! `E2SM-KPM-RANfunction-Description` nests its style lists in an
//! `e2SM-KPM-RANfunction-Item`, and which v02/v03 decoders misread.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::support::{SmVersion, payloads};
use crate::e2ap::aper::{PerDecoder, Size};

mod generated;

pub use generated::*;

/// An E2SM-KPM version: which ASN.1 definitions a payload is decoded or
/// encoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KpmVersion {
    /// O-RAN.WG3.E2SM-KPM v02.03: `TimeStamp` of 4 octets.
    V2_03,
    /// v03.00: `TimeStamp` of 8 octets.
    V3_00,
}

impl KpmVersion {
    /// Oldest first.
    pub const ALL: [KpmVersion; 2] = [KpmVersion::V2_03, KpmVersion::V3_00];

    /// As the specifications name it: `v02.03` or `v03.00`.
    pub fn label(self) -> &'static str {
        match self {
            KpmVersion::V2_03 => "v02.03",
            KpmVersion::V3_00 => "v03.00",
        }
    }
}

impl SmVersion for KpmVersion {
    const ALL: &'static [Self] = &KpmVersion::ALL;

    fn label(self) -> &'static str {
        KpmVersion::label(self)
    }
}

impl fmt::Display for KpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for KpmVersion {
    type Err = String;

    /// Accepts `v02.03`, `2.03`, `v2`, `2`, `v03.00`, `3`, ...
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        let major = t.trim_start_matches('v').split('.').next().unwrap_or("");
        match major.trim_start_matches('0') {
            "2" => Ok(KpmVersion::V2_03),
            "3" => Ok(KpmVersion::V3_00),
            _ => Err(format!("unknown E2SM-KPM version {s:?} (known: v02.03, v03.00)")),
        }
    }
}

/// The decoding context of the generated codecs.
pub(crate) type Cx = super::support::Cx<KpmVersion>;

payloads! {
    KpmVersion, KpmPayloadKind, KpmPayload;
    RanFunctionDefinition, "E2SM-KPM-RANfunction-Description", E2smKpmRanFunctionDescription,
        decode_ran_function_definition, encode_ran_function_definition,
        "RAN function definition (`E2SM-KPM-RANfunction-Description`).";
    EventTriggerDefinition, "E2SM-KPM-EventTriggerDefinition", E2smKpmEventTriggerDefinition,
        decode_event_trigger_definition, encode_event_trigger_definition,
        "Event trigger definition (`E2SM-KPM-EventTriggerDefinition`).";
    ActionDefinition, "E2SM-KPM-ActionDefinition", E2smKpmActionDefinition,
        decode_action_definition, encode_action_definition,
        "Action definition (`E2SM-KPM-ActionDefinition`).";
    IndicationHeader, "E2SM-KPM-IndicationHeader", E2smKpmIndicationHeader,
        decode_indication_header, encode_indication_header,
        "Indication header (`E2SM-KPM-IndicationHeader`).";
    IndicationMessage, "E2SM-KPM-IndicationMessage", E2smKpmIndicationMessage,
        decode_indication_message, encode_indication_message,
        "Indication message (`E2SM-KPM-IndicationMessage`).";
}

/// What [`detect_version`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpmDetection {
    /// For v02.03 and v03.00: valid, or the first place where the payload
    /// parts from that version.
    pub versions: Vec<(KpmVersion, std::result::Result<(), String>)>,
    /// Set when the payload is an E2SM-KPM v01.00 RAN function definition:
    /// why it is taken for one.
    pub v1_00: Option<String>,
}

impl KpmDetection {
    /// The versions the payload is valid under.
    pub fn valid(&self) -> Vec<KpmVersion> {
        self.versions
            .iter()
            .filter_map(|(v, r)| r.is_ok().then_some(*v))
            .collect()
    }

    /// One line: the versions it is valid under, or why none.
    pub fn summary(&self) -> String {
        if let Some(why) = &self.v1_00 {
            return format!("E2SM-KPM v1.00: {why}");
        }
        let valid = self.valid();
        if !valid.is_empty() {
            let vs: Vec<_> = valid.iter().map(|v| v.label()).collect();
            return format!("valid under E2SM-KPM {}", vs.join(", "));
        }
        let why: Vec<_> = self
            .versions
            .iter()
            .map(|(v, r)| format!("{v}: {}", r.as_ref().err().map_or("", |s| s)))
            .collect();
        format!("not valid under any known E2SM-KPM version ({})", why.join("; "))
    }
}

/// Under which of v02.03 and v03.00 `bytes` is exactly one valid payload of
/// `kind`, and for each other version the first place where it parts from it;
/// a RAN function definition that neither accepts but that reads whole in the
/// v01.00 layout is recognised as v01.00.
///
/// An indication header valid under one version but not the other is the
/// `TimeStamp` skew: the message then names it.
pub fn detect_version(kind: KpmPayloadKind, bytes: &[u8]) -> KpmDetection {
    let mut versions = check_versions(kind, bytes);
    let mut v1_00 = None;
    // A payload valid as v02/v03 is taken for one even if it also reads as
    // v01.00 (short style lists can); only one no modelled version accepts is
    // judged against the v01.00 layout.
    if kind == KpmPayloadKind::RanFunctionDefinition
        && versions.iter().all(|(_, r)| r.is_err())
        && let Ok(why) = v1_ran_function_definition(bytes)
    {
        for (v, r) in &mut versions {
            if let Err(e) = r {
                *e = format!("the E2SM-KPM v1.00 layout, not {v}'s (as {v}: {e})");
            }
        }
        v1_00 = Some(why);
    }
    if kind == KpmPayloadKind::IndicationHeader {
        let ok: Vec<KpmVersion> = versions.iter().filter_map(|(v, r)| r.is_ok().then_some(*v)).collect();
        if let [good] = ok[..]
            && let Ok(h) = decode_indication_header(good, bytes)
        {
            let E2smKpmIndicationHeaderIndicationHeaderFormats::IndicationHeaderFormat1(f) =
                &h.indication_header_formats
            else {
                return KpmDetection { versions, v1_00 };
            };
            let n = f.collet_start_time.len();
            for (v, r) in &mut versions {
                if let Err(e) = r {
                    let size = match v {
                        KpmVersion::V2_03 => 4,
                        KpmVersion::V3_00 => 8,
                    };
                    *e = format!(
                        "TimeStamp skew: colletStartTime is {n} octets (TimeStamp is SIZE({n}) in {good}), \
                         {v} has TimeStamp SIZE({size}); decoding it as {v}: {e}"
                    );
                }
            }
        }
    }
    KpmDetection { versions, v1_00 }
}

/// E2SM-KPM v01.00's RAN function definition, which v02.00 restructured:
///
/// ```text
/// E2SM-KPM-RANfunction-Description ::= SEQUENCE {
///     ranFunction-Name             RANfunction-Name,
///     e2SM-KPM-RANfunction-Item    SEQUENCE {
///         ric-EventTriggerStyle-List  SEQUENCE (SIZE(1..63)) OF RIC-EventTriggerStyle-List OPTIONAL,
///         ric-ReportStyle-List        SEQUENCE (SIZE(1..63)) OF RIC-ReportStyle-List OPTIONAL,
///         ... },
///     ... }
/// RIC-EventTriggerStyle-List ::= SEQUENCE { ric-EventTriggerStyle-Type INTEGER,
///     ric-EventTriggerStyle-Name PrintableString(SIZE(1..150,...)), ric-EventTriggerFormat-Type INTEGER, ... }
/// RIC-ReportStyle-List ::= SEQUENCE { ric-ReportStyle-Type INTEGER,
///     ric-ReportStyle-Name PrintableString(SIZE(1..150,...)), ric-IndicationHeaderFormat-Type INTEGER,
///     ric-IndicationMessageFormat-Type INTEGER, ... }
/// ```
///
/// (`RANfunction-Name` is as in later versions.) Returns why `bytes` is one:
/// it decodes under this layout with nothing left over, and its report styles
/// lack v02's `measInfo-Action-List`.
pub fn v1_ran_function_definition(bytes: &[u8]) -> crate::Result<String> {
    let mut d = PerDecoder::new(bytes);
    d.set_context("E2SM-KPM v1.00 RANfunction-Description");
    let ext = d.sequence_preamble(true, 0)?;
    // RANfunction-Name
    let p = d.sequence_preamble(true, 1)?;
    let short_name = d.printable_string(Size::range(1, 150).ext())?;
    let oid = d.printable_string(Size::range(1, 1000).ext())?;
    let _description = d.printable_string(Size::range(1, 150).ext())?;
    if p.is_present(0) {
        d.unconstrained_int()?;
    }
    if p.extended {
        d.extension_bitmap()?.present().try_for_each(|_| d.skip_open_type())?;
    }
    // e2SM-KPM-RANfunction-Item
    let item = d.sequence_preamble(true, 2)?;
    let mut triggers = 0;
    let mut reports = 0;
    let styles = Size::range(1, 63);
    let style = |d: &mut PerDecoder<'_>, ints_after: usize| -> crate::Result<()> {
        let p = d.sequence_preamble(true, 0)?;
        d.unconstrained_int()?;
        d.printable_string(Size::range(1, 150).ext())?;
        for _ in 0..ints_after {
            d.unconstrained_int()?;
        }
        if p.extended {
            d.extension_bitmap()?.present().try_for_each(|_| d.skip_open_type())?;
        }
        Ok(())
    };
    if item.is_present(0) {
        triggers = d.sequence_of(styles, |d| style(d, 1))?.len();
    }
    if item.is_present(1) {
        reports = d.sequence_of(styles, |d| style(d, 2))?.len();
    }
    if item.extended {
        d.extension_bitmap()?.present().try_for_each(|_| d.skip_open_type())?;
    }
    if ext.extended {
        d.extension_bitmap()?.present().try_for_each(|_| d.skip_open_type())?;
    }
    let rest = bytes.len().saturating_sub(d.byte_position());
    if rest > 0 {
        return Err(crate::Error::invalid(
            d.byte_position(),
            "octets left over",
            d.context(),
        ));
    }
    Ok(format!(
        "RAN function definition {short_name:?} (OID {oid:?}) decodes whole in the v01.00 layout: \
         ranFunction-Name, then e2SM-KPM-RANfunction-Item holding {triggers} event trigger style(s) \
         and {reports} report style(s) without measInfo-Action-List"
    ))
}

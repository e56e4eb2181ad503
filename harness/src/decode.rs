//! `harness decode`: one line (or one JSON object) per captured frame, with
//! the fields a protocol engineer compares against Wireshark.

use codecs::eaxc::EaxcSplit;
use codecs::ecpri::{self, Payload};
use codecs::framing::{self, FramingConfig};
use codecs::fronthaul::compression::UdCompHdr;
use codecs::fronthaul::cplane::{CplaneBody, CplaneMessage};
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::fronthaul::uplane::{UplaneConfig, UplaneMessage};
use serde::Serialize;

/// How to read the captures: the settings an M-plane would have given.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    pub framing: FramingConfig,
    pub eaxc_split: EaxcSplit,
    pub uplane: UplaneConfig,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppHeader {
    pub direction: &'static str,
    pub payload_version: u8,
    pub filter_index: u8,
    pub frame_id: u8,
    pub subframe_id: u8,
    pub slot_id: u8,
    /// startSymbolId (C-plane) or symbolId (U-plane).
    pub symbol_id: u8,
}

impl From<&RadioAppHeader> for AppHeader {
    fn from(h: &RadioAppHeader) -> Self {
        AppHeader {
            direction: if h.direction == Direction::Downlink { "DL" } else { "UL" },
            payload_version: h.payload_version,
            filter_index: h.filter_index,
            frame_id: h.frame_id,
            subframe_id: h.subframe_id,
            slot_id: h.slot_id,
            symbol_id: h.symbol_id,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct USection {
    pub section_id: u16,
    pub rb: bool,
    pub sym_inc: bool,
    pub start_prb: u16,
    /// numPrbu as on the wire (0 = all PRBs).
    pub num_prb: u8,
    /// udCompHdr byte when carried in the section (dynamic).
    pub ud_comp_hdr: Option<u8>,
    pub iq_bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CSection {
    pub section_id: u16,
    pub rb: bool,
    pub sym_inc: bool,
    pub start_prb: u16,
    pub num_prb: u8,
    pub re_mask: u16,
    pub num_symbol: u8,
    pub ef: bool,
    pub beam_id: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freq_offset: Option<i32>,
    /// Section extension types present, in order.
    pub extensions: Vec<u8>,
}

/// One eCPRI message, decoded as far as its type allows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "plane", rename_all = "snake_case")]
pub enum Msg {
    U {
        eaxc: u16,
        eaxc_parts: String,
        seq_id: u8,
        e_bit: bool,
        sub_seq_id: u8,
        header: AppHeader,
        sections: Vec<USection>,
    },
    C {
        eaxc: u16,
        eaxc_parts: String,
        seq_id: u8,
        e_bit: bool,
        sub_seq_id: u8,
        header: AppHeader,
        section_type: u8,
        num_sections: u8,
        /// udCompHdr byte of section types 1, 3, 5.
        ud_comp_hdr: Option<u8>,
        sections: Vec<CSection>,
        /// Body bytes left undecoded (section types not decoded yet).
        undecoded: usize,
    },
    DelayMeasurement {
        measurement_id: u8,
        action: String,
        timestamp_s: u64,
        timestamp_ns: u32,
        compensation: i64,
    },
    /// Other eCPRI message types, decoded as far as eCPRI defines them.
    Other {
        message_type: u8,
        payload_size: u16,
        payload: serde_json::Value,
    },
}

/// One frame.
#[derive(Debug, Clone, Serialize)]
pub struct FrameDecode {
    /// 1-based frame number, as Wireshark counts.
    pub frame: u64,
    pub ts_ns: u64,
    pub len: usize,
    pub vlan: Option<u16>,
    pub messages: Vec<Msg>,
    /// Where decoding stopped, if it did: what and at which byte of the frame.
    pub error: Option<String>,
}

/// Decode one frame as far as it goes; an error keeps what was decoded
/// before it.
pub fn decode_frame(number: u64, ts_ns: u64, data: &[u8], opts: &DecodeOptions) -> FrameDecode {
    let mut out = FrameDecode {
        frame: number,
        ts_ns,
        len: data.len(),
        vlan: None,
        messages: vec![],
        error: None,
    };
    let frame = match framing::parse_frame(data, &opts.framing) {
        Ok(f) => f,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    out.vlan = frame.eth.vlans.first().map(|v| v.vid);
    let base = frame.ecpri_offset;
    let msgs = match ecpri::parse_pdu(frame.ecpri) {
        Ok(m) => m,
        Err(e) => {
            out.error = Some(e.at(base).to_string());
            return out;
        }
    };
    for m in msgs {
        // The O-RAN payload starts after the 4-byte common header and the
        // 4 bytes of eAxC ID and sequence ID.
        let data_at = base + m.offset + 8;
        let parts = |id: u16| opts.eaxc_split.unpack(id).to_string();
        match m.payload {
            Payload::IqData { pc_id, seq_id, data } => match UplaneMessage::parse(data, &opts.uplane) {
                Ok(u) => out.messages.push(Msg::U {
                    eaxc: pc_id,
                    eaxc_parts: parts(pc_id),
                    seq_id: seq_id.sequence_id,
                    e_bit: seq_id.e_bit,
                    sub_seq_id: seq_id.sub_sequence_id,
                    header: (&u.header).into(),
                    sections: u
                        .sections
                        .iter()
                        .map(|s| USection {
                            section_id: s.section_id,
                            rb: s.rb,
                            sym_inc: s.sym_inc,
                            start_prb: s.start_prb,
                            num_prb: s.num_prb,
                            ud_comp_hdr: s.ud_comp_hdr.map(UdCompHdr::to_byte),
                            iq_bytes: s.iq.len(),
                        })
                        .collect(),
                }),
                Err(e) => {
                    out.error = Some(e.at(data_at).to_string());
                    return out;
                }
            },
            Payload::RealTimeControl { rtc_id, seq_id, data } => match CplaneMessage::parse(data) {
                Ok(c) => {
                    let (ud_comp_hdr, sections, undecoded) = match &c.body {
                        CplaneBody::Sections { type_header, sections } => (
                            type_header.ud_comp_hdr().map(UdCompHdr::to_byte),
                            sections
                                .iter()
                                .map(|s| CSection {
                                    section_id: s.section_id,
                                    rb: s.rb,
                                    sym_inc: s.sym_inc,
                                    start_prb: s.start_prb,
                                    num_prb: s.num_prb,
                                    re_mask: s.re_mask,
                                    num_symbol: s.num_symbol,
                                    ef: s.ef,
                                    beam_id: s.beam_id,
                                    freq_offset: s.freq_offset,
                                    extensions: s.extensions.iter().map(|x| x.ext_type).collect(),
                                })
                                .collect(),
                            0,
                        ),
                        CplaneBody::Unparsed(rest) => (None, vec![], rest.len()),
                        // Section types 4 and 6-11 have their own bodies; not summarised here.
                        _ => (None, vec![], 0),
                    };
                    out.messages.push(Msg::C {
                        eaxc: rtc_id,
                        eaxc_parts: parts(rtc_id),
                        seq_id: seq_id.sequence_id,
                        e_bit: seq_id.e_bit,
                        sub_seq_id: seq_id.sub_sequence_id,
                        header: (&c.header).into(),
                        section_type: u8::from(c.section_type),
                        num_sections: c.num_sections,
                        ud_comp_hdr,
                        sections,
                        undecoded,
                    })
                }
                Err(e) => {
                    out.error = Some(e.at(data_at).to_string());
                    return out;
                }
            },
            Payload::OneWayDelay(d) => out.messages.push(Msg::DelayMeasurement {
                measurement_id: d.measurement_id,
                action: format!("{:?}", d.action_type),
                timestamp_s: d.timestamp_s,
                timestamp_ns: d.timestamp_ns,
                compensation: d.compensation,
            }),
            other => out.messages.push(Msg::Other {
                message_type: u8::from(m.header.message_type),
                payload_size: m.header.payload_size,
                payload: serde_json::to_value(other).unwrap_or_default(),
            }),
        }
    }
    out
}

/// The one-line human form.
pub fn line(d: &FrameDecode) -> String {
    use std::fmt::Write;
    let mut s = format!(
        "{:>6} {:>10}.{:09} {:>5}B",
        d.frame,
        d.ts_ns / 1_000_000_000,
        d.ts_ns % 1_000_000_000,
        d.len
    );
    if let Some(v) = d.vlan {
        let _ = write!(s, " vlan {v}");
    }
    for m in &d.messages {
        match m {
            Msg::U {
                eaxc_parts,
                seq_id,
                header: h,
                sections,
                ..
            } => {
                let _ = write!(
                    s,
                    " | U {} eAxC {eaxc_parts} seq {seq_id} f{} sf{} sl{} sym{} fi{}",
                    h.direction, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id, h.filter_index
                );
                for x in sections {
                    let _ = write!(s, " [id {} prb {}+{}]", x.section_id, x.start_prb, x.num_prb);
                }
            }
            Msg::C {
                eaxc_parts,
                seq_id,
                header: h,
                section_type,
                sections,
                ud_comp_hdr,
                ..
            } => {
                let _ = write!(
                    s,
                    " | C {} eAxC {eaxc_parts} seq {seq_id} ST{section_type} f{} sf{} sl{} sym{}",
                    h.direction, h.frame_id, h.subframe_id, h.slot_id, h.symbol_id
                );
                if let Some(c) = ud_comp_hdr {
                    let _ = write!(s, " udCompHdr {}", UdCompHdr::from_byte(*c));
                }
                for x in sections {
                    let _ = write!(
                        s,
                        " [id {} prb {}+{} sym {}",
                        x.section_id, x.start_prb, x.num_prb, x.num_symbol
                    );
                    if !x.extensions.is_empty() {
                        let _ = write!(s, " ext {:?}", x.extensions);
                    }
                    s.push(']');
                }
            }
            Msg::DelayMeasurement {
                measurement_id, action, ..
            } => {
                let _ = write!(s, " | delay measurement id {measurement_id} {action}");
            }
            Msg::Other {
                message_type,
                payload_size,
                payload,
            } => {
                let _ = write!(s, " | eCPRI type {message_type} ({payload_size} B) {payload}");
            }
        }
    }
    if let Some(e) = &d.error {
        let _ = write!(s, " | ERROR {e}");
    }
    s
}

/// Totals over a decoded capture.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Totals {
    pub frames: u64,
    pub cplane_messages: u64,
    pub uplane_messages: u64,
    pub cplane_sections: u64,
    pub uplane_sections: u64,
    pub other_messages: u64,
    pub errors: u64,
}

impl Totals {
    pub fn add(&mut self, d: &FrameDecode) {
        self.frames += 1;
        if d.error.is_some() {
            self.errors += 1;
        }
        for m in &d.messages {
            match m {
                Msg::U { sections, .. } => {
                    self.uplane_messages += 1;
                    self.uplane_sections += sections.len() as u64;
                }
                Msg::C { sections, .. } => {
                    self.cplane_messages += 1;
                    self.cplane_sections += sections.len() as u64;
                }
                _ => self.other_messages += 1,
            }
        }
    }
}

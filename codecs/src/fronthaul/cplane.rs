//! C-plane messages (the `data` of an eCPRI real-time control message).
//!
//! ```text
//! radio application header (4 bytes)
//! numberOfSections(8) | sectionType(8)
//! type-specific header:
//!   ST0: timeOffset(16) frameStructure(8) cpLength(16) reserved(8)
//!   ST1: udCompHdr(8) reserved(8)
//!   ST3: timeOffset(16) frameStructure(8) cpLength(16) udCompHdr(8)
//!   ST5: udCompHdr(8) reserved(8)
//! numberOfSections sections:
//!   sectionId(12) | rb(1) | symInc(1) | startPrbc(10)
//!   numPrbc(8)                         0 = all PRBs of the carrier
//!   reMask(12) | numSymbol(4)
//!   ef(1) | beamId(15)                 ST0: reserved(15); ST5: ueId(15)
//!   ST3 only: freqOffset(24, signed) reserved(8)
//!   while ef: section extensions
//! ```
//!
//! Section types 0, 1, 3 and 5 are decoded; the others are kept raw
//! ([`CplaneBody::Unparsed`]). Extensions are delimited by their length and
//! kept raw ([`Extension`]); their contents are decoded elsewhere.

use serde::Serialize;

use super::compression::UdCompHdr;
use super::header::RadioAppHeader;
use crate::ecpri::wire::{Reader, fit, put_u16, put_u24};
use crate::{Error, ErrorKind, Result};

/// `sectionType` (byte 5 of a C-plane message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SectionType {
    /// 0: unused resource blocks or symbols (idle, guard periods).
    Unused,
    /// 1: most DL/UL radio channels.
    MostChannels,
    /// 3: PRACH and mixed-numerology channels.
    PrachMixedNumerology,
    /// 4: slot configuration control.
    SlotConfiguration,
    /// 5: UE scheduling information (ueId-based beamforming).
    UeScheduling,
    /// 6: channel information.
    ChannelInformation,
    /// 7: LAA.
    Laa,
    /// 8: ACK/NACK feedback.
    AckNack,
    /// 9: SINR reporting.
    Sinr,
    /// 10: RRM measurement reports.
    RrmReport,
    /// 11: request RRM measurements.
    RrmRequest,
    /// 2 and 12..=255.
    Reserved(u8),
}

impl From<u8> for SectionType {
    fn from(v: u8) -> Self {
        use SectionType::*;
        match v {
            0 => Unused,
            1 => MostChannels,
            3 => PrachMixedNumerology,
            4 => SlotConfiguration,
            5 => UeScheduling,
            6 => ChannelInformation,
            7 => Laa,
            8 => AckNack,
            9 => Sinr,
            10 => RrmReport,
            11 => RrmRequest,
            _ => Reserved(v),
        }
    }
}

impl From<SectionType> for u8 {
    fn from(t: SectionType) -> u8 {
        use SectionType::*;
        match t {
            Unused => 0,
            MostChannels => 1,
            PrachMixedNumerology => 3,
            SlotConfiguration => 4,
            UeScheduling => 5,
            ChannelInformation => 6,
            Laa => 7,
            AckNack => 8,
            Sinr => 9,
            RrmReport => 10,
            RrmRequest => 11,
            Reserved(v) => v,
        }
    }
}

/// `frameStructure(8) = fftSize(4) | SCS(4)`.
///
/// fftSize: 0 no FFT, 4..=12 = 2^code, 13 = 1536, 14 = 3072, others
/// reserved. SCS: 0..=4 = 15·2^mu kHz (the code is mu), 12 = 1.25 kHz,
/// 13 = 3.75 kHz, 14 = 5 kHz, 15 = 7.5 kHz, 5..=11 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FrameStructure {
    /// 4 bits.
    pub fft_size: u8,
    /// 4 bits.
    pub scs: u8,
}

impl FrameStructure {
    pub fn from_byte(b: u8) -> Self {
        FrameStructure {
            fft_size: b >> 4,
            scs: b & 0xF,
        }
    }

    /// Fields are cut to their 4 bits.
    pub fn to_byte(self) -> u8 {
        (self.fft_size & 0xF) << 4 | (self.scs & 0xF)
    }
}

/// The header after `sectionType`, for the decoded section types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TypeHeader {
    /// `timeOffset(16) frameStructure(8) cpLength(16) reserved(8)`.
    St0 {
        time_offset: u16,
        frame_structure: FrameStructure,
        cp_length: u16,
        reserved: u8,
    },
    /// `udCompHdr(8) reserved(8)`.
    St1 { ud_comp_hdr: UdCompHdr, reserved: u8 },
    /// `timeOffset(16) frameStructure(8) cpLength(16) udCompHdr(8)`.
    St3 {
        time_offset: u16,
        frame_structure: FrameStructure,
        cp_length: u16,
        ud_comp_hdr: UdCompHdr,
    },
    /// `udCompHdr(8) reserved(8)`.
    St5 { ud_comp_hdr: UdCompHdr, reserved: u8 },
}

impl TypeHeader {
    /// The section type this header belongs to.
    pub fn section_type(&self) -> SectionType {
        match self {
            TypeHeader::St0 { .. } => SectionType::Unused,
            TypeHeader::St1 { .. } => SectionType::MostChannels,
            TypeHeader::St3 { .. } => SectionType::PrachMixedNumerology,
            TypeHeader::St5 { .. } => SectionType::UeScheduling,
        }
    }

    /// Bytes on the wire.
    pub fn wire_len(&self) -> usize {
        match self {
            TypeHeader::St0 { .. } | TypeHeader::St3 { .. } => 6,
            TypeHeader::St1 { .. } | TypeHeader::St5 { .. } => 2,
        }
    }

    /// The udCompHdr (ST1, 3, 5): the UL U-plane format of the eAxC.
    pub fn ud_comp_hdr(&self) -> Option<UdCompHdr> {
        match *self {
            TypeHeader::St0 { .. } => None,
            TypeHeader::St1 { ud_comp_hdr, .. }
            | TypeHeader::St3 { ud_comp_hdr, .. }
            | TypeHeader::St5 { ud_comp_hdr, .. } => Some(ud_comp_hdr),
        }
    }

    fn read(r: &mut Reader<'_>, st: SectionType) -> Result<Option<TypeHeader>> {
        r.ctx("C-plane section type header");
        Ok(Some(match st {
            SectionType::Unused => TypeHeader::St0 {
                time_offset: r.u16()?,
                frame_structure: FrameStructure::from_byte(r.u8()?),
                cp_length: r.u16()?,
                reserved: r.u8()?,
            },
            SectionType::MostChannels => TypeHeader::St1 {
                ud_comp_hdr: UdCompHdr::from_byte(r.u8()?),
                reserved: r.u8()?,
            },
            SectionType::PrachMixedNumerology => TypeHeader::St3 {
                time_offset: r.u16()?,
                frame_structure: FrameStructure::from_byte(r.u8()?),
                cp_length: r.u16()?,
                ud_comp_hdr: UdCompHdr::from_byte(r.u8()?),
            },
            SectionType::UeScheduling => TypeHeader::St5 {
                ud_comp_hdr: UdCompHdr::from_byte(r.u8()?),
                reserved: r.u8()?,
            },
            _ => return Ok(None),
        }))
    }

    fn emit(&self, out: &mut Vec<u8>) {
        match *self {
            TypeHeader::St0 {
                time_offset,
                frame_structure,
                cp_length,
                reserved,
            } => {
                put_u16(out, time_offset);
                out.push(frame_structure.to_byte());
                put_u16(out, cp_length);
                out.push(reserved);
            }
            TypeHeader::St1 { ud_comp_hdr, reserved } | TypeHeader::St5 { ud_comp_hdr, reserved } => {
                out.push(ud_comp_hdr.to_byte());
                out.push(reserved);
            }
            TypeHeader::St3 {
                time_offset,
                frame_structure,
                cp_length,
                ud_comp_hdr,
            } => {
                put_u16(out, time_offset);
                out.push(frame_structure.to_byte());
                put_u16(out, cp_length);
                out.push(ud_comp_hdr.to_byte());
            }
        }
    }
}

/// One section extension, delimited by its length but not decoded:
///
/// ```text
/// ef(1) | extType(7)
/// extLen(8), or extLen(16) for extType 11, 19 and 20:
///     4-byte words, counting the extension header
/// body, zero-padded to extLen * 4 bytes
/// ```
///
/// extLen 0 is reserved and cannot be stepped over: it is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Extension<'a> {
    /// Another extension follows (written by emit from the list position).
    pub ef: bool,
    /// 7 bits.
    pub ext_type: u8,
    /// extLen in 4-byte words (written by emit from the body length).
    pub len_words: u16,
    /// After the extension header to the end of `len_words * 4` bytes,
    /// padding included.
    #[serde(rename = "body_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub body: &'a [u8],
    /// Offset of the extension's first byte in the buffer given to the parser.
    pub offset: usize,
}

impl Extension<'_> {
    /// True for the extension types whose extLen is 16 bits (SE 11, 19, 20).
    pub fn has_long_len(ext_type: u8) -> bool {
        matches!(ext_type, 11 | 19 | 20)
    }

    /// Header bytes: 3 for SE 11, 19, 20, else 2.
    pub fn header_len(ext_type: u8) -> usize {
        if Self::has_long_len(ext_type) { 3 } else { 2 }
    }
}

/// One section of section type 0, 1, 3 or 5 (layout in the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CplaneSection<'a> {
    /// 12 bits.
    pub section_id: u16,
    pub rb: bool,
    pub sym_inc: bool,
    /// 10 bits.
    pub start_prb: u16,
    /// Raw numPrbc; 0 = all PRBs of the carrier.
    pub num_prb: u8,
    /// 12 bits; the MSB is RE 1 (Wireshark's labelling).
    pub re_mask: u16,
    /// 4 bits.
    pub num_symbol: u8,
    /// Extensions follow (written by emit from `extensions`).
    pub ef: bool,
    /// 15 bits: beamId in ST1 and ST3, reserved in ST0, ueId in ST5
    /// (see [`Self::ue_id`]).
    pub beam_id: u16,
    /// ST3 only: freqOffset, 24-bit two's complement (Wireshark 4.x always
    /// sign-extends, so positive offsets can show negative there).
    pub freq_offset: Option<i32>,
    /// ST3 only: the reserved byte after freqOffset; 0 otherwise.
    pub st3_reserved: u8,
    pub extensions: Vec<Extension<'a>>,
    /// Offset of the section's first byte in the buffer given to the parser.
    pub offset: usize,
}

impl CplaneSection<'_> {
    /// ST5 carries ueId (15 bits) where other types carry beamId; 0x7FFF
    /// means the PRBs are not scheduled for this eAxC.
    pub fn ue_id(&self) -> u16 {
        self.beam_id
    }
}

/// What follows `sectionType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum CplaneBody<'a> {
    /// Section types 0, 1, 3, 5.
    Sections {
        type_header: TypeHeader,
        sections: Vec<CplaneSection<'a>>,
    },
    /// Section types not yet decoded (4, 6..=11, reserved): every byte after
    /// `sectionType`.
    Unparsed(#[serde(serialize_with = "crate::ecpri::wire::ser_len")] &'a [u8]),
}

/// A C-plane message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CplaneMessage<'a> {
    /// `symbol_id` is startSymbolId (or what the section type puts there).
    pub header: RadioAppHeader,
    /// Byte 4 raw: numberOfSections, or for ST4/7/8 other fields.
    pub num_sections: u8,
    pub section_type: SectionType,
    pub body: CplaneBody<'a>,
    /// Bytes after the last section (0 for [`CplaneBody::Unparsed`]).
    pub trailing: usize,
}

impl<'a> CplaneMessage<'a> {
    /// Decode `data`, from the radio application header to the end of the
    /// eCPRI payload. Offsets in errors and in the result are from the start
    /// of `data`.
    ///
    /// Errors: `Truncated` when the headers or a section end early;
    /// `Invalid("extLen")` for extLen 0; `BadLength` for an extension whose
    /// extLen runs past the end.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(data, "C-plane message");
        let header = RadioAppHeader::read(&mut r)?;
        r.ctx("C-plane common header");
        let num_sections = r.u8()?;
        let section_type = SectionType::from(r.u8()?);
        let Some(type_header) = TypeHeader::read(&mut r, section_type)? else {
            return Ok(CplaneMessage {
                header,
                num_sections,
                section_type,
                body: CplaneBody::Unparsed(r.rest()),
                trailing: 0,
            });
        };
        let mut sections = Vec::with_capacity(usize::from(num_sections));
        for _ in 0..num_sections {
            sections.push(read_section(&mut r, section_type)?);
        }
        Ok(CplaneMessage {
            header,
            num_sections,
            section_type,
            body: CplaneBody::Sections { type_header, sections },
            trailing: r.remaining(),
        })
    }

    /// Append the message (trailing bytes are not written).
    ///
    /// For [`CplaneBody::Sections`], numberOfSections is written as the
    /// number of sections, each section's ef and each extension's ef and
    /// extLen are computed from the lists and body lengths (bodies are
    /// zero-padded to 4-byte words). Errors: `Invalid` when the type header
    /// does not belong to `section_type`, or freqOffset is present outside
    /// ST3 / missing in ST3; `FieldOverflow` for fields too wide.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        self.header.emit(out)?;
        match &self.body {
            CplaneBody::Unparsed(raw) => {
                out.push(self.num_sections);
                out.push(self.section_type.into());
                out.extend_from_slice(raw);
            }
            CplaneBody::Sections { type_header, sections } => {
                if type_header.section_type() != self.section_type {
                    return Err(Error::invalid(
                        out.len() + 1,
                        "type header for another sectionType",
                        "C-plane",
                    ));
                }
                fit(sections.len() as u64, 8, out.len(), "C-plane numberOfSections")?;
                out.push(sections.len() as u8);
                out.push(self.section_type.into());
                type_header.emit(out);
                for s in sections {
                    emit_section(s, self.section_type, out)?;
                }
            }
        }
        Ok(())
    }
}

fn read_section<'a>(r: &mut Reader<'a>, st: SectionType) -> Result<CplaneSection<'a>> {
    r.ctx("C-plane section");
    let offset = r.pos();
    let w = r.u24()?;
    let num_prb = r.u8()?;
    let m = r.u16()?;
    // ef(1) then beamId / ueId / reserved(15). ST0 has the ef bit too (SE 7
    // is only valid there); Wireshark 4.0 reads these 16 bits of ST0 as one
    // reserved field and so never shows ST0 extensions.
    let b = r.u16()?;
    let (freq_offset, st3_reserved) = if st == SectionType::PrachMixedNumerology {
        let f = r.u24()?;
        // Sign-extend the 24-bit two's complement value.
        (Some(((f << 8) as i32) >> 8), r.u8()?)
    } else {
        (None, 0)
    };
    let ef = b & 0x8000 != 0;
    let extensions = if ef { read_extensions(r)? } else { Vec::new() };
    Ok(CplaneSection {
        section_id: (w >> 12) as u16,
        rb: w & 0x800 != 0,
        sym_inc: w & 0x400 != 0,
        start_prb: (w & 0x3FF) as u16,
        num_prb,
        re_mask: m >> 4,
        num_symbol: (m & 0xF) as u8,
        ef,
        beam_id: b & 0x7FFF,
        freq_offset,
        st3_reserved,
        extensions,
        offset,
    })
}

/// Read the extension chain that starts at the reader's position.
pub(crate) fn read_extensions<'a>(r: &mut Reader<'a>) -> Result<Vec<Extension<'a>>> {
    const CTX: &str = "C-plane section extension";
    let mut exts = Vec::new();
    loop {
        r.ctx(CTX);
        let offset = r.pos();
        let b = r.u8()?;
        let ext_type = b & 0x7F;
        let len_words = if Extension::has_long_len(ext_type) {
            r.u16()?
        } else {
            r.u8()?.into()
        };
        if len_words == 0 {
            return Err(Error::invalid(offset + 1, "extLen 0", CTX));
        }
        let total = usize::from(len_words) * 4;
        let avail = r.buf().len() - offset;
        if total > avail {
            return Err(Error::new(
                ErrorKind::BadLength {
                    claimed: total,
                    actual: avail,
                },
                offset + 1,
                "C-plane extLen",
            ));
        }
        let body = r.take(total - (r.pos() - offset))?;
        let ef = b & 0x80 != 0;
        exts.push(Extension {
            ef,
            ext_type,
            len_words,
            body,
            offset,
        });
        if !ef {
            return Ok(exts);
        }
    }
}

fn emit_section(s: &CplaneSection<'_>, st: SectionType, out: &mut Vec<u8>) -> Result<()> {
    const CTX: &str = "C-plane section";
    let start = out.len();
    fit(s.section_id.into(), 12, start, CTX)?;
    fit(s.start_prb.into(), 10, start + 1, CTX)?;
    fit(s.re_mask.into(), 12, start + 4, CTX)?;
    fit(s.num_symbol.into(), 4, start + 5, CTX)?;
    fit(s.beam_id.into(), 15, start + 6, CTX)?;
    let freq = match (st, s.freq_offset) {
        (SectionType::PrachMixedNumerology, Some(f)) => {
            if !(-(1 << 23)..(1 << 23)).contains(&f) {
                return Err(Error::new(
                    ErrorKind::FieldOverflow {
                        bits: 24,
                        value: f as i64 as u64,
                    },
                    start + 8,
                    "C-plane freqOffset",
                ));
            }
            Some(f)
        }
        (SectionType::PrachMixedNumerology, None) => {
            return Err(Error::invalid(start + 8, "section type 3 needs freqOffset", CTX));
        }
        (_, Some(_)) => {
            return Err(Error::invalid(start + 8, "freqOffset outside section type 3", CTX));
        }
        (_, None) => None,
    };
    let w = u32::from(s.section_id) << 12 | u32::from(s.rb) << 11 | u32::from(s.sym_inc) << 10 | u32::from(s.start_prb);
    put_u24(out, w);
    out.push(s.num_prb);
    put_u16(out, s.re_mask << 4 | u16::from(s.num_symbol));
    let ef = !s.extensions.is_empty();
    put_u16(out, u16::from(ef) << 15 | s.beam_id);
    if let Some(f) = freq {
        put_u24(out, (f as u32) & 0xFF_FFFF);
        out.push(s.st3_reserved);
    }
    emit_extensions(&s.extensions, out)
}

/// Append an extension chain: ef is set on all but the last, extLen is
/// computed and each body zero-padded to a 4-byte word.
pub(crate) fn emit_extensions(exts: &[Extension<'_>], out: &mut Vec<u8>) -> Result<()> {
    const CTX: &str = "C-plane section extension";
    for (i, e) in exts.iter().enumerate() {
        let start = out.len();
        fit(e.ext_type.into(), 7, start, CTX)?;
        let hdr = Extension::header_len(e.ext_type);
        let words = (hdr + e.body.len()).div_ceil(4);
        let long = Extension::has_long_len(e.ext_type);
        fit(words as u64, if long { 16 } else { 8 }, start + 1, "C-plane extLen")?;
        let ef = i + 1 < exts.len();
        out.push(u8::from(ef) << 7 | e.ext_type);
        if long {
            put_u16(out, words as u16);
        } else {
            out.push(words as u8);
        }
        out.extend_from_slice(e.body);
        out.resize(start + words * 4, 0);
    }
    Ok(())
}

/// Append a whole eCPRI PDU (one real-time control message, C = 0) carrying `msg`.
pub fn cplane_pdu(rtc_id: u16, seq_id: crate::ecpri::SeqId, msg: &CplaneMessage<'_>, out: &mut Vec<u8>) -> Result<()> {
    let mut data = Vec::new();
    msg.emit(&mut data)?;
    crate::ecpri::Message::real_time_control(rtc_id, seq_id, &data).emit(out)
}

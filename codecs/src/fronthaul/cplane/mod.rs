//! C-plane messages (the `data` of an eCPRI real-time control message):
//! every section type (0, 1, 3-11), every section extension (1-28), the
//! placement table of extensions, and beamforming-weight compression.
//!
//! ```text
//! radio application header (4 bytes)
//! numberOfSections(8) | sectionType(8)      byte 4 is other fields in ST4/7/8
//! type-specific header:
//!   ST0:  timeOffset(16) frameStructure(8) cpLength(16) reserved(8)
//!   ST1:  udCompHdr(8) reserved(8)
//!   ST3:  timeOffset(16) frameStructure(8) cpLength(16) udCompHdr(8)
//!   ST4:  numberOfST4Cmds(8) reserved(8), then the commands
//!   ST5:  udCompHdr(8) reserved(8)
//!   ST6:  numberOfUEs(8) ciCompHdr(8)
//!   ST7:  reserved(16), laaMsgType(4) laaMsgLen(4), the LAA payload
//!   ST8:  numberOfAcks(8) numberOfNacks(8), ackId(16)..., nackId(16)...
//!   ST9:  numSinrPerPrb(3) reserved(13)
//!   ST10: reserved(16)
//!   ST11: reserved(16)
//! numberOfSections sections; types 0, 1, 3, 5, 10, 11:
//!   sectionId(12) | rb(1) | symInc(1) | startPrbc(10)
//!   numPrbc(8)                         0 = all PRBs of the carrier
//!   reMask(12) | numSymbol(4)
//!   ef(1) | beamId(15)                 ST0, ST11: reserved(15); ST5, ST10: ueId(15)
//!   ST3 only: freqOffset(24, signed) reserved(8)
//!   while ef: section extensions
//!   ST10: measurement reports; ST11: measurement commands
//! ST6 and ST9 sections: see [`St6Section`] and [`St9Section`]
//! ```
//!
//! Three levels, so nothing needs M-plane knowledge to be read:
//!
//! - [`CplaneMessage::parse`] needs no context. Sections, extensions
//!   ([`Extension`]: type, length and raw body), ST4 commands, ST10 reports
//!   and ST11 commands are delimited by their own length fields. ST6 and ST9
//!   sections cannot be delimited without M-plane values and stay raw
//!   ([`St6Sections::Raw`], [`St9Sections::Raw`]).
//! - [`CplaneMessage::parse_with`] takes a [`CplaneContext`] and also
//!   decodes ST6 and ST9 sections.
//! - Typed decoders on the raw parts: [`Extension::decode`] (and
//!   [`CplaneSection::decode_extensions`], which feeds each extension what
//!   earlier ones in the section said), [`St4Command::decode`],
//!   [`St7Body::message`], [`MeasReport::decode`], [`MeasCommand::decode`].
//!
//! Every decoder is lenient: reserved fields are decoded and kept, a
//! misplaced extension is still decoded ([`extension_allowed`] says whether
//! the placement is valid; judging is the suites' job), and everything that
//! decodes re-encodes to the same bytes. Bad input is an [`Error`] with the
//! byte offset (from the start of the buffer given to the parser), never a
//! panic.

use serde::Serialize;

use super::compression::{CompMethod, UdCompHdr};
use super::header::RadioAppHeader;
use crate::ecpri::wire::{Reader, fit, put_u16, put_u24};
use crate::{Error, ErrorKind, Result};

pub mod bfw;
pub mod extensions;
pub mod section_types;

pub use bfw::{BfWeights, BfwCompHdr, BfwCompMethod, BfwCompParam};
pub use extensions::*;
pub use section_types::*;

/// M-plane knowledge some layouts depend on, for the typed decoders.
///
/// The defaults are Wireshark's preference defaults where it has one, so
/// that decodes compare with tshark run without preferences.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CplaneContext {
    /// K, the length of an uncompressed beamforming weight vector (TRX /
    /// antenna elements): weights per SE 1 block, SE 11 bundle, SE 19 port
    /// and ST4 TIME_DOMAIN_BEAM_CONFIG beam, and the beamspace mask size
    /// (ceil(K/8) bytes). `None` (default): SE 1 takes as many weights as
    /// fit in its extLen (Wireshark's SE 1 rule; 0-3 padding bytes can then
    /// read as extra weights), SE 11 and SE 19 infer K from their length and
    /// bundle/port count, and beamspace masks and ST4 weights cannot be
    /// decoded (`Unsupported`).
    pub num_trx: Option<u16>,
    /// ST6: antennas with channel information per PRB. Default 32
    /// (Wireshark's `num_bf_antennas`).
    pub num_antennas: u16,
    /// ST6: the ciCompHdr to use instead of the header byte, for senders of
    /// versions where that byte was reserved. Default `None` (use the byte).
    pub ci_comp_hdr: Option<CiCompHdr>,
    /// ST6: pad each section's samples to 4 bytes (M-plane
    /// st6-4byte-alignment-required) instead of 1. Default false.
    pub st6_word_aligned: bool,
    /// ST9: bits per SINR value, 1..=16 (0 read as 16). Default 14
    /// (Wireshark's `sinr` bit width).
    pub sinr_width: u8,
    /// ST9: SINR format; only BFP carries a sinrCompParam byte per PRB.
    /// Default BFP (Wireshark's default).
    pub sinr_comp: CompMethod,
    /// What numPrbc / numPrbu 0 ("all PRBs") means for ST6 and ST9 and SE 11
    /// bundles. Default 273 (Wireshark's `rbs_in_uplane_section`).
    pub carrier_prbs: u16,
}

impl Default for CplaneContext {
    fn default() -> Self {
        CplaneContext {
            num_trx: None,
            num_antennas: 32,
            ci_comp_hdr: None,
            st6_word_aligned: false,
            sinr_width: 14,
            sinr_comp: CompMethod::Bfp,
            carrier_prbs: 273,
        }
    }
}

/// Whether section extension `ext_type` may appear in sections of
/// `section_type`.
///
/// Source: Wireshark's placement table (packet-oran.c `ext_cts`, written to
/// CUS v17.01), as given in the reference notes:
///
/// | SE | allowed in ST | SE | allowed in ST |
/// |---|---|---|---|
/// | 1, 2, 3, 11, 19 | 1, 3 | 15, 21 | 5, 6 |
/// | 4, 5, 10, 13, 18, 23 | 1, 3, 5 | 9, 20, 22 | 0, 1, 3, 5, 6, 10, 11 |
/// | 6, 12 | 1, 3, 5, 10, 11 | 8, 14, 16, 17, 24-28 | 5 |
/// | 7 | 0 | | |
///
/// Section types without the `ef` flag (4, 7, 8, 9) and reserved ones
/// carry no extensions: false. Reserved extension types (0, 29-127) have
/// no valid placement: false (Wireshark does not complain about those).
/// Where Wireshark and the notes differ: Wireshark never checks ST0 (its
/// column is in the table but unused), and SE 20's own comment lists STs
/// 0, 1, 3, 5, 10, 11 while its table row also allows ST6; this follows the
/// table row. Value rules are not placement: SE 10 beamGroupType 0/1 are
/// not allowed in ST5 although SE 10 is.
pub fn extension_allowed(ext_type: u8, section_type: SectionType) -> bool {
    use SectionType::*;
    let col = match section_type {
        Unused => 0,
        MostChannels => 1,
        PrachMixedNumerology => 2,
        UeScheduling => 3,
        ChannelInformation => 4,
        RrmReport => 5,
        RrmRequest => 6,
        _ => return false,
    };
    // Columns: ST0 ST1 ST3 ST5 ST6 ST10 ST11.
    const T: bool = true;
    const F: bool = false;
    const TABLE: [[bool; 7]; 28] = [
        [F, T, T, F, F, F, F], // SE 1
        [F, T, T, F, F, F, F], // SE 2
        [F, T, T, F, F, F, F], // SE 3
        [F, T, T, T, F, F, F], // SE 4
        [F, T, T, T, F, F, F], // SE 5
        [F, T, T, T, F, T, T], // SE 6
        [T, F, F, F, F, F, F], // SE 7
        [F, F, F, T, F, F, F], // SE 8
        [T, T, T, T, T, T, T], // SE 9
        [F, T, T, T, F, F, F], // SE 10
        [F, T, T, F, F, F, F], // SE 11
        [F, T, T, T, F, T, T], // SE 12
        [F, T, T, T, F, F, F], // SE 13
        [F, F, F, T, F, F, F], // SE 14
        [F, F, F, T, T, F, F], // SE 15
        [F, F, F, T, F, F, F], // SE 16
        [F, F, F, T, F, F, F], // SE 17
        [F, T, T, T, F, F, F], // SE 18
        [F, T, T, F, F, F, F], // SE 19
        [T, T, T, T, T, T, T], // SE 20
        [F, F, F, T, T, F, F], // SE 21
        [T, T, T, T, T, T, T], // SE 22
        [F, T, T, T, F, F, F], // SE 23
        [F, F, F, T, F, F, F], // SE 24
        [F, F, F, T, F, F, F], // SE 25
        [F, F, F, T, F, F, F], // SE 26
        [F, F, F, T, F, F, F], // SE 27
        [F, F, F, T, F, F, F], // SE 28
    ];
    match ext_type {
        1..=28 => TABLE[usize::from(ext_type - 1)][col],
        _ => false,
    }
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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

/// One section extension, delimited by its length, kept raw (typed form:
/// [`Extension::decode`], [`SectionExtension`]):
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

impl<'a> Extension<'a> {
    /// An extension of `ext_type` with `body` (unpadded or padded); ef,
    /// extLen and offset are filled in by emit and parse.
    pub fn new(ext_type: u8, body: &'a [u8]) -> Self {
        Extension {
            ef: false,
            ext_type,
            len_words: (Self::header_len(ext_type) + body.len())
                .div_ceil(4)
                .min(usize::from(u16::MAX)) as u16,
            body,
            offset: 0,
        }
    }

    /// True for the extension types whose extLen is 16 bits (SE 11, 19, 20).
    pub fn has_long_len(ext_type: u8) -> bool {
        matches!(ext_type, 11 | 19 | 20)
    }

    /// Header bytes: 3 for SE 11, 19, 20, else 2.
    pub fn header_len(ext_type: u8) -> usize {
        if Self::has_long_len(ext_type) { 3 } else { 2 }
    }
}

/// One section of section type 0, 1, 3, 5, 10 or 11 (layout in the module
/// docs).
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
    /// ST5 and ST10 carry ueId (15 bits) where other types carry beamId;
    /// 0x7FFF means the PRBs are not scheduled for this eAxC.
    pub fn ue_id(&self) -> u16 {
        self.beam_id
    }

    /// Decode every extension of the section, in order. Each one is given
    /// what the section and the extensions before it say (see
    /// [`ExtHints`]): SE 11's bundle count from numPrbc, numBundPrb and any
    /// SE 6 / 12 / 13; SE 14's layer count from SE 10; SE 24's entry count
    /// from the ueIds. `section_type` is the message's.
    pub fn decode_extensions(&self, section_type: SectionType, ctx: &CplaneContext) -> Result<Vec<SectionExtension>> {
        let ue_id = matches!(section_type, SectionType::UeScheduling | SectionType::RrmReport).then_some(self.beam_id);
        let info = SectionInfo {
            start_prb: self.start_prb,
            num_prb: self.num_prb,
            ue_id,
        };
        decode_chain(&self.extensions, section_type, ctx, info)
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
    /// Section type 4: slot configuration commands.
    St4(St4Body<'a>),
    /// Section type 6: channel information.
    St6(St6Body<'a>),
    /// Section type 7: LAA.
    St7(St7Body<'a>),
    /// Section type 8: ACK/NACK feedback.
    St8(St8Body),
    /// Section type 9: SINR reporting.
    St9(St9Body<'a>),
    /// Section type 10: RRM measurement reports.
    St10(St10Body<'a>),
    /// Section type 11: RRM measurement requests.
    St11(St11Body<'a>),
    /// Reserved section types (2, 12..=255): every byte after `sectionType`.
    Unparsed(#[serde(serialize_with = "crate::ecpri::wire::ser_len")] &'a [u8]),
}

impl<'a> CplaneBody<'a> {
    /// The sections with the common 8-byte layout (types 0, 1, 3, 5, 10,
    /// 11), in order; empty for the other types.
    pub fn common_sections(&self) -> Vec<&CplaneSection<'a>> {
        match self {
            CplaneBody::Sections { sections, .. } => sections.iter().collect(),
            CplaneBody::St10(b) => b.sections.iter().map(|s| &s.section).collect(),
            CplaneBody::St11(b) => b.sections.iter().map(|s| &s.section).collect(),
            _ => Vec::new(),
        }
    }

    /// The section type this body belongs to, or `None` for
    /// [`CplaneBody::Unparsed`].
    pub fn section_type(&self) -> Option<SectionType> {
        Some(match self {
            CplaneBody::Sections { type_header, .. } => type_header.section_type(),
            CplaneBody::St4(_) => SectionType::SlotConfiguration,
            CplaneBody::St6(_) => SectionType::ChannelInformation,
            CplaneBody::St7(_) => SectionType::Laa,
            CplaneBody::St8(_) => SectionType::AckNack,
            CplaneBody::St9(_) => SectionType::Sinr,
            CplaneBody::St10(_) => SectionType::RrmReport,
            CplaneBody::St11(_) => SectionType::RrmRequest,
            CplaneBody::Unparsed(_) => return None,
        })
    }
}

/// A C-plane message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CplaneMessage<'a> {
    /// `symbol_id` is startSymbolId (or what the section type puts there:
    /// symbolId in ST8/ST9, reserved in ST7); `filter_index` is
    /// filterIndex or, by section type, the SCS code (ST4, ST8) or reserved.
    pub header: RadioAppHeader,
    /// Byte 4 raw: numberOfSections, or `reserved(4) cmdScope(4)` (ST4),
    /// `reserved(8)` (ST7), `reserved(7) ready(1)` (ST8). Emit writes the
    /// section count for the types that have one, this value otherwise.
    pub num_sections: u8,
    pub section_type: SectionType,
    pub body: CplaneBody<'a>,
    /// Bytes after the last section (0 for [`CplaneBody::Unparsed`], for
    /// ST7 and for ST6/ST9 sections kept raw).
    pub trailing: usize,
}

impl<'a> CplaneMessage<'a> {
    /// Decode `data`, from the radio application header to the end of the
    /// eCPRI payload, without M-plane context (ST6 and ST9 sections stay
    /// raw). Offsets in errors and in the result are from the start of
    /// `data`.
    ///
    /// Errors: `Truncated` when the headers, a section, a command or a
    /// report end early; `Invalid("extLen")` for extLen 0 (and the same for
    /// a zero st4CmdLen, measDataSize or measCmdSize, which cannot be
    /// stepped over); `BadLength` when one of those lengths runs past the end.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        Self::parse_inner(data, None)
    }

    /// As [`CplaneMessage::parse`], and also decode ST6 and ST9 sections
    /// with the M-plane values in `ctx`.
    pub fn parse_with(data: &'a [u8], ctx: &CplaneContext) -> Result<Self> {
        Self::parse_inner(data, Some(ctx))
    }

    fn parse_inner(data: &'a [u8], ctx: Option<&CplaneContext>) -> Result<Self> {
        let mut r = Reader::new(data, "C-plane message");
        let header = RadioAppHeader::read(&mut r)?;
        r.ctx("C-plane common header");
        let num_sections = r.u8()?;
        let section_type = SectionType::from(r.u8()?);
        let body = match section_type {
            SectionType::SlotConfiguration => CplaneBody::St4(St4Body::read(&mut r)?),
            SectionType::ChannelInformation => CplaneBody::St6(St6Body::read(&mut r, num_sections, ctx)?),
            SectionType::Laa => CplaneBody::St7(St7Body::read(&mut r)?),
            SectionType::AckNack => CplaneBody::St8(St8Body::read(&mut r)?),
            SectionType::Sinr => CplaneBody::St9(St9Body::read(&mut r, num_sections, ctx)?),
            SectionType::RrmReport => CplaneBody::St10(St10Body::read(&mut r, num_sections)?),
            SectionType::RrmRequest => CplaneBody::St11(St11Body::read(&mut r, num_sections)?),
            _ => match TypeHeader::read(&mut r, section_type)? {
                Some(type_header) => {
                    let mut sections = Vec::with_capacity(usize::from(num_sections));
                    for _ in 0..num_sections {
                        sections.push(read_section(&mut r, section_type)?);
                    }
                    CplaneBody::Sections { type_header, sections }
                }
                None => {
                    let raw = r.rest();
                    r.seek(data.len())?;
                    CplaneBody::Unparsed(raw)
                }
            },
        };
        Ok(CplaneMessage {
            header,
            num_sections,
            section_type,
            body,
            trailing: r.remaining(),
        })
    }

    /// ST4: cmdScope (0 array, 1 carrier, 2 O-RU), the low 4 bits of byte 4.
    pub fn cmd_scope(&self) -> Option<u8> {
        (self.section_type == SectionType::SlotConfiguration).then_some(self.num_sections & 0xF)
    }

    /// ST8: the ready bit (1 = "ready" message, 0 = ACK message).
    pub fn st8_ready(&self) -> Option<bool> {
        (self.section_type == SectionType::AckNack).then_some(self.num_sections & 1 != 0)
    }

    /// ST4 and ST8: the subcarrier-spacing code carried where other types
    /// have filterIndex.
    pub fn scs(&self) -> Option<u8> {
        matches!(self.section_type, SectionType::SlotConfiguration | SectionType::AckNack)
            .then_some(self.header.filter_index)
    }

    /// Append the message (trailing bytes are not written).
    ///
    /// Counts, flags and lengths are computed from the lists: numberOfSections
    /// (types with sections, except ST6/ST9 sections kept raw, which write
    /// [`CplaneMessage::num_sections`]), numberOfST4Cmds, numberOfAcks/Nacks,
    /// every ef flag, extLen, st4CmdLen, measDataSize, measCmdSize (bodies
    /// are zero-padded to 4-byte words). Errors: `Invalid` when the body
    /// does not belong to `section_type`, freqOffset is present outside ST3
    /// / missing in ST3, or a typed part is inconsistent (see each type);
    /// `FieldOverflow` for fields too wide.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        self.header.emit(out)?;
        let st = u8::from(self.section_type);
        if let Some(t) = self.body.section_type()
            && t != self.section_type
        {
            return Err(Error::invalid(
                out.len() + 1,
                "type header for another sectionType",
                "C-plane",
            ));
        }
        let count = |n: usize, out: &Vec<u8>| -> Result<u8> {
            fit(n as u64, 8, out.len(), "C-plane numberOfSections")?;
            Ok(n as u8)
        };
        match &self.body {
            CplaneBody::Unparsed(raw) => {
                out.push(self.num_sections);
                out.push(st);
                out.extend_from_slice(raw);
            }
            CplaneBody::Sections { type_header, sections } => {
                out.push(count(sections.len(), out)?);
                out.push(st);
                type_header.emit(out);
                for s in sections {
                    emit_section(s, self.section_type, out)?;
                }
            }
            CplaneBody::St4(b) => {
                out.push(self.num_sections);
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St6(b) => {
                out.push(match &b.sections {
                    St6Sections::Raw(_) => self.num_sections,
                    St6Sections::Decoded { sections: v, .. } => count(v.len(), out)?,
                });
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St7(b) => {
                out.push(self.num_sections);
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St8(b) => {
                out.push(self.num_sections);
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St9(b) => {
                out.push(match &b.sections {
                    St9Sections::Raw(_) => self.num_sections,
                    St9Sections::Decoded { sections: v, .. } => count(v.len(), out)?,
                });
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St10(b) => {
                out.push(count(b.sections.len(), out)?);
                out.push(st);
                b.emit(out)?;
            }
            CplaneBody::St11(b) => {
                out.push(count(b.sections.len(), out)?);
                out.push(st);
                b.emit(out)?;
            }
        }
        Ok(())
    }
}

pub(crate) fn read_section<'a>(r: &mut Reader<'a>, st: SectionType) -> Result<CplaneSection<'a>> {
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

pub(crate) fn emit_section(s: &CplaneSection<'_>, st: SectionType, out: &mut Vec<u8>) -> Result<()> {
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
    for (i, e) in exts.iter().enumerate() {
        emit_one_extension(e, i + 1 < exts.len(), out)?;
    }
    Ok(())
}

/// Append one extension with the given ef, extLen computed from the body,
/// zero padding to a 4-byte word.
pub(crate) fn emit_one_extension(e: &Extension<'_>, ef: bool, out: &mut Vec<u8>) -> Result<()> {
    const CTX: &str = "C-plane section extension";
    let start = out.len();
    fit(e.ext_type.into(), 7, start, CTX)?;
    let hdr = Extension::header_len(e.ext_type);
    let words = (hdr + e.body.len()).div_ceil(4);
    let long = Extension::has_long_len(e.ext_type);
    fit(words as u64, if long { 16 } else { 8 }, start + 1, "C-plane extLen")?;
    out.push(u8::from(ef) << 7 | e.ext_type);
    if long {
        put_u16(out, words as u16);
    } else {
        out.push(words as u8);
    }
    out.extend_from_slice(e.body);
    out.resize(start + words * 4, 0);
    Ok(())
}

/// Append a whole eCPRI PDU (one real-time control message, C = 0) carrying `msg`.
pub fn cplane_pdu(rtc_id: u16, seq_id: crate::ecpri::SeqId, msg: &CplaneMessage<'_>, out: &mut Vec<u8>) -> Result<()> {
    let mut data = Vec::new();
    msg.emit(&mut data)?;
    crate::ecpri::Message::real_time_control(rtc_id, seq_id, &data).emit(out)
}

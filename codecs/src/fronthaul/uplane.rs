//! U-plane messages (the `data` of an eCPRI IQ data message): the radio
//! application header, then sections until the payload ends:
//!
//! ```text
//! sectionId(12) | rb(1) | symInc(1) | startPrbu(10)
//! numPrbu(8)                        0 = all PRBs of the carrier
//! [udCompHdr(8) reserved(8)]        only with dynamic udCompHdr (M-plane)
//! [udCompLen(16)]                   only for udCompMeth 5-8, when configured:
//!                                   section length in bytes from sectionId
//! [reserved(4) sReSMask1(12) reserved(4) sReSMask2(12)]   udCompMeth 7, 8
//! PRBs: [udCompParam] samples, each PRB byte-aligned
//! ```
//!
//! Nothing in a section says how long it is except through the compression
//! in force (static from the M-plane, or the section's own udCompHdr) and
//! the carrier width for numPrbu = 0, so the decoder must be told both
//! ([`UplaneConfig`]).

use serde::Serialize;

use super::compression::{CompMethod, UdCompHdr};
use super::header::RadioAppHeader;
use crate::ecpri::wire::{Reader, fit, put_u16};
use crate::{Error, ErrorKind, Result};

/// Where the U-plane `udCompHdr` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UdCompMode {
    /// Configured over the M-plane; absent from the sections.
    Static(UdCompHdr),
    /// `udCompHdr(8) reserved(8)` present in every section.
    Dynamic,
}

/// What a U-plane decoder must know that the message does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct UplaneConfig {
    pub comp: UdCompMode,
    /// PRBs of the carrier, the meaning of numPrbu = 0.
    pub carrier_prbs: u16,
    /// `udCompLen` present in sections using udCompMeth 5-8.
    pub ud_comp_len: bool,
}

/// One U-plane section (layout in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct UplaneSection<'a> {
    /// 12 bits.
    pub section_id: u16,
    pub rb: bool,
    pub sym_inc: bool,
    /// 10 bits.
    pub start_prb: u16,
    /// Raw numPrbu; 0 = all PRBs of the carrier (see [`Self::prb_count`]).
    pub num_prb: u8,
    /// The section's own udCompHdr (dynamic mode), `None` when static.
    pub ud_comp_hdr: Option<UdCompHdr>,
    /// Dynamic mode: the reserved byte after udCompHdr; 0 when static.
    pub reserved: u8,
    /// udCompLen when present. Written by emit as the actual section length.
    pub ud_comp_len: Option<u16>,
    /// Every PRB's udCompParam and samples, to the end of the section. For
    /// udCompMeth 7 and 8 it starts with the 4 bytes
    /// `reserved(4) sReSMask1(12) reserved(4) sReSMask2(12)`, which only make
    /// sense together with the PRBs (see [`Self::selective_re_masks`]).
    #[serde(rename = "iq_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub iq: &'a [u8],
    /// Offset of the section's first byte in the buffer given to the parser.
    pub offset: usize,
}

impl UplaneSection<'_> {
    /// PRBs carried: numPrbu, or `carrier_prbs` when numPrbu is 0.
    pub fn prb_count(&self, carrier_prbs: u16) -> u16 {
        if self.num_prb == 0 {
            carrier_prbs
        } else {
            self.num_prb.into()
        }
    }

    /// For udCompMeth 7 and 8 (whose header is `hdr`), the
    /// `(sReSMask1, sReSMask2)` fields at the start of [`Self::iq`], each
    /// with its 4 reserved bits masked off. `None` for other methods or too
    /// short a section.
    pub fn selective_re_masks(&self, hdr: UdCompHdr) -> Option<(u16, u16)> {
        match (hdr.method, self.iq) {
            (CompMethod::BfpSelectiveReMasks | CompMethod::ModSelectiveReMasks, [a, b, c, d, ..]) => Some((
                u16::from_be_bytes([*a, *b]) & 0x0FFF,
                u16::from_be_bytes([*c, *d]) & 0x0FFF,
            )),
            _ => None,
        }
    }
}

/// A U-plane message: the radio application header (`symbol_id` is the
/// symbolId) and its sections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UplaneMessage<'a> {
    pub header: RadioAppHeader,
    pub sections: Vec<UplaneSection<'a>>,
}

fn uses_ud_comp_len(m: CompMethod) -> bool {
    matches!(
        m,
        CompMethod::BfpSelectiveRe
            | CompMethod::ModSelectiveRe
            | CompMethod::BfpSelectiveReMasks
            | CompMethod::ModSelectiveReMasks
    )
}

impl<'a> UplaneMessage<'a> {
    /// Decode `data` (from the radio application header to the end of the
    /// eCPRI payload). Sections repeat until `data` ends; a header with no
    /// section after it decodes to an empty list.
    ///
    /// Errors (offsets from the start of `data`): a section whose PRBs (or
    /// udCompLen) run past the end: `BadLength` at its numPrbu (udCompLen)
    /// field; udCompLen shorter than the section header: `Invalid`; a
    /// method with no fixed PRB length (5-8 without udCompLen, reserved
    /// 9-15): `Unsupported`.
    pub fn parse(data: &'a [u8], cfg: &UplaneConfig) -> Result<Self> {
        let mut r = Reader::new(data, "U-plane message");
        let header = RadioAppHeader::read(&mut r)?;
        let mut sections = Vec::new();
        while !r.is_empty() {
            sections.push(read_section(&mut r, cfg)?);
        }
        Ok(UplaneMessage { header, sections })
    }

    /// Append the message. udCompHdr and its reserved byte are written for
    /// sections that have `ud_comp_hdr`, udCompLen (computed) for those that
    /// have `ud_comp_len`; `iq` is written as is.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        self.header.emit(out)?;
        for s in &self.sections {
            emit_section(s, out)?;
        }
        Ok(())
    }
}

fn read_section<'a>(r: &mut Reader<'a>, cfg: &UplaneConfig) -> Result<UplaneSection<'a>> {
    const CTX: &str = "U-plane section header";
    r.ctx(CTX);
    let offset = r.pos();
    let w = r.u24()?;
    let num_prb = r.u8()?;
    // In dynamic mode the section's own udCompHdr sizes its PRBs. Wireshark
    // 4.0 sizes them from its preferences even then, so it misreads sections
    // whose format differs from the preference.
    let (hdr, ud_comp_hdr, reserved) = match cfg.comp {
        UdCompMode::Static(h) => (h, None, 0),
        UdCompMode::Dynamic => {
            let h = UdCompHdr::from_byte(r.u8()?);
            (h, Some(h), r.u8()?)
        }
    };
    let mut ud_comp_len = None;
    let len_at = r.pos();
    let iq_len = if cfg.ud_comp_len && uses_ud_comp_len(hdr.method) {
        let l = r.u16()?;
        ud_comp_len = Some(l);
        let hdr_len = r.pos() - offset;
        // udCompLen counts from sectionId; 0 and 1 are reserved and no
        // value below the header can advance.
        if usize::from(l) < hdr_len {
            return Err(Error::invalid(len_at, "udCompLen", CTX));
        }
        usize::from(l) - hdr_len
    } else {
        let Some(prb_len) = hdr.prb_len() else {
            let what = if uses_ud_comp_len(hdr.method) {
                "selective-RE compression (udCompMeth 5-8) without udCompLen"
            } else {
                "udCompMeth (no fixed PRB length)"
            };
            return Err(Error::new(ErrorKind::Unsupported(what), offset, CTX));
        };
        let n = if num_prb == 0 { cfg.carrier_prbs } else { num_prb.into() };
        usize::from(n) * prb_len
    };
    if iq_len > r.remaining() {
        let (at, ctx) = match ud_comp_len {
            Some(_) => (len_at, "U-plane udCompLen"),
            None => (offset + 3, "U-plane section PRBs (numPrbu)"),
        };
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: iq_len,
                actual: r.remaining(),
            },
            at,
            ctx,
        ));
    }
    let iq = r.take(iq_len)?;
    Ok(UplaneSection {
        section_id: (w >> 12) as u16,
        rb: w & 0x800 != 0,
        sym_inc: w & 0x400 != 0,
        start_prb: (w & 0x3FF) as u16,
        num_prb,
        ud_comp_hdr,
        reserved,
        ud_comp_len,
        iq,
        offset,
    })
}

fn emit_section(s: &UplaneSection<'_>, out: &mut Vec<u8>) -> Result<()> {
    const CTX: &str = "U-plane section header";
    let start = out.len();
    fit(s.section_id.into(), 12, start, CTX)?;
    fit(s.start_prb.into(), 10, start + 1, CTX)?;
    let w = u32::from(s.section_id) << 12 | u32::from(s.rb) << 11 | u32::from(s.sym_inc) << 10 | u32::from(s.start_prb);
    out.extend_from_slice(&w.to_be_bytes()[1..]);
    out.push(s.num_prb);
    if let Some(h) = s.ud_comp_hdr {
        out.push(h.to_byte());
        out.push(s.reserved);
    }
    if s.ud_comp_len.is_some() {
        let len = out.len() + 2 - start + s.iq.len();
        fit(len as u64, 16, out.len(), "U-plane udCompLen")?;
        put_u16(out, len as u16);
    }
    out.extend_from_slice(s.iq);
    Ok(())
}

/// Append a whole eCPRI PDU (one IQ data message, C = 0) carrying `msg`.
pub fn uplane_pdu(pc_id: u16, seq_id: crate::ecpri::SeqId, msg: &UplaneMessage<'_>, out: &mut Vec<u8>) -> Result<()> {
    let mut data = Vec::new();
    msg.emit(&mut data)?;
    crate::ecpri::Message::iq_data(pc_id, seq_id, &data).emit(out)
}

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
//! ([`UplaneConfig`]). Methods 0-4 have a fixed PRB length. The
//! selective-RE methods 5-8 are delimited by udCompLen when the O-RU is
//! configured to send it, and otherwise by walking the PRBs: each PRB's
//! sReSMask (5, 6) or the section's sReSMask1/sReSMask2 (7, 8; see
//! [`sres_mask_for_prb`]) says how many REs it carries.

use serde::Serialize;

use super::compression::{
    ALL_RES, CompMethod, PrbParams, SAMPLES_PER_PRB, UdCompHdr, compress_prb_with, compress_prbs_with,
    decompress_prb_with, decompress_prbs_with, prb_len_at, sres_mask_for_prb,
};
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

    /// The udCompHdr in force: the section's own, else the static one of
    /// `mode`; `None` in dynamic mode for a section without one.
    pub fn comp_hdr(&self, mode: UdCompMode) -> Option<UdCompHdr> {
        match (self.ud_comp_hdr, mode) {
            (Some(h), _) => Some(h),
            (None, UdCompMode::Static(h)) => Some(h),
            (None, UdCompMode::Dynamic) => None,
        }
    }

    /// Offset of [`Self::iq`] in the buffer given to the parser.
    pub fn iq_offset(&self) -> usize {
        let dynamic = if self.ud_comp_hdr.is_some() { 2 } else { 0 };
        let len = if self.ud_comp_len.is_some() { 2 } else { 0 };
        self.offset + 4 + dynamic + len
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

    /// The PRBs' bytes: [`Self::iq`] without the sReSMask1/2 fields of
    /// udCompMeth 7 and 8.
    pub fn prb_bytes(&self, hdr: UdCompHdr) -> &[u8] {
        let skip = if hdr.method.has_section_masks() { 4 } else { 0 };
        self.iq.get(skip..).unwrap_or(&[])
    }

    /// Decompress every PRB of the section (compressed as `hdr`, numPrbu 0
    /// meaning `carrier_prbs`), appending 24 samples per PRB to `out` and,
    /// when given, each PRB's sReSMask to `masks` (`ALL_RES` for methods
    /// 0-4). For methods 7 and 8 each PRB's mask is the section's sReSMask1
    /// or sReSMask2 ([`sres_mask_for_prb`]), overriding `params.sres_mask`;
    /// `params.mod_comp` serves methods 4, 6 and 8. REs not carried are 0.
    /// Returns the PRB count.
    ///
    /// Errors (offsets in the parsed buffer; `out` and `masks` unchanged):
    /// those of [`decompress_prb_with`]; PRBs running past the section:
    /// `Truncated` at the first incomplete PRB; PRBs ending before a
    /// udCompLen-delimited section does: `BadLength` (claimed = the section
    /// bytes after its header, actual = the PRBs' bytes) at udCompLen (at
    /// numPrbu for a section built by hand without udCompLen).
    pub fn decompress(
        &self,
        hdr: UdCompHdr,
        carrier_prbs: u16,
        params: &PrbParams,
        out: &mut Vec<i16>,
        masks: Option<&mut Vec<u16>>,
    ) -> Result<usize> {
        let n = usize::from(self.prb_count(carrier_prbs));
        let base = self.iq_offset();
        let mut masks = masks;
        let (start, mask_start) = (out.len(), masks.as_ref().map_or(0, |m| m.len()));
        let used = if let Some((m1, m2)) = self.selective_re_masks(hdr) {
            let mut pos = 4;
            for i in 0..n {
                let p = params.with_sres_mask(sres_mask_for_prb(m1, m2, self.rb, i));
                let mut prb = [0i16; SAMPLES_PER_PRB];
                match decompress_prb_with(hdr, &p, self.iq.get(pos..).unwrap_or(&[]), &mut prb) {
                    Ok((len, mask)) => {
                        out.extend_from_slice(&prb);
                        if let Some(m) = masks.as_deref_mut() {
                            m.push(mask);
                        }
                        pos += len;
                    }
                    Err(e) => {
                        out.truncate(start);
                        if let Some(m) = masks.as_deref_mut() {
                            m.truncate(mask_start);
                        }
                        return Err(e.at(base + pos));
                    }
                }
            }
            pos
        } else if hdr.method.has_section_masks() {
            return Err(Error::truncated(base, 4, self.iq.len(), "U-plane sReSMask1/sReSMask2"));
        } else {
            decompress_prbs_with(hdr, params, self.iq, n, out, masks.as_deref_mut()).map_err(|e| e.at(base))?
        };
        if used != self.iq.len() {
            out.truncate(start);
            if let Some(m) = masks {
                m.truncate(mask_start);
            }
            // Only a udCompLen-delimited (or hand-built) section can disagree.
            let (at, ctx) = match self.ud_comp_len {
                Some(_) => (base.saturating_sub(2), "U-plane udCompLen"),
                None => (self.offset + 3, "U-plane section PRBs (numPrbu)"),
            };
            return Err(Error::new(
                ErrorKind::BadLength {
                    claimed: self.iq.len(),
                    actual: used,
                },
                at,
                ctx,
            ));
        }
        Ok(n)
    }
}

/// Compress the PRBs of one section (`iq.len()` a multiple of 24) into the
/// bytes [`UplaneSection::iq`] holds, appended to `out`: for udCompMeth 7
/// and 8, `reserved(4) sReSMask1(12) reserved(4) sReSMask2(12)` and then
/// each PRB with the mask [`sres_mask_for_prb`] gives it (so `rb` matters);
/// for the other methods the PRBs as [`compress_prbs_with`] writes them
/// (`sres_masks` unused; methods 5 and 6 carry `params.sres_mask`).
///
/// Errors (`out` unchanged): those of [`compress_prb_with`], and
/// `FieldOverflow` for a mask above 12 bits.
pub fn compress_section_iq(
    hdr: UdCompHdr,
    rb: bool,
    sres_masks: (u16, u16),
    params: &PrbParams,
    iq: &[i16],
    out: &mut Vec<u8>,
) -> Result<()> {
    if !hdr.method.has_section_masks() {
        return compress_prbs_with(hdr, params, iq, out);
    }
    let start = out.len();
    for (i, m) in [sres_masks.0, sres_masks.1].into_iter().enumerate() {
        fit(m.into(), 12, start + 2 * i, "U-plane sReSMask1/sReSMask2")?;
    }
    let prbs = iq.chunks_exact(SAMPLES_PER_PRB);
    if !prbs.remainder().is_empty() {
        return Err(Error::invalid(
            0,
            "IQ sample count not a multiple of 24",
            "compressed PRB",
        ));
    }
    put_u16(out, sres_masks.0);
    put_u16(out, sres_masks.1);
    for (i, x) in prbs.enumerate() {
        let p = params.with_sres_mask(sres_mask_for_prb(sres_masks.0, sres_masks.1, rb, i));
        let Ok(x) = <&[i16; SAMPLES_PER_PRB]>::try_from(x) else {
            continue;
        };
        if let Err(e) = compress_prb_with(hdr, &p, x, out) {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(())
}

/// A U-plane message: the radio application header (`symbol_id` is the
/// symbolId) and its sections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UplaneMessage<'a> {
    pub header: RadioAppHeader,
    pub sections: Vec<UplaneSection<'a>>,
}

impl<'a> UplaneMessage<'a> {
    /// Decode `data` (from the radio application header to the end of the
    /// eCPRI payload). Sections repeat until `data` ends; a header with no
    /// section after it decodes to an empty list.
    ///
    /// Methods 5-8 without udCompLen are delimited by walking their PRBs;
    /// with udCompLen its value delimits the section and the PRBs are not
    /// checked against it ([`UplaneSection::decompress`] does).
    ///
    /// Errors (offsets from the start of `data`): a section whose PRBs (or
    /// udCompLen) run past the end: `BadLength` at its numPrbu (udCompLen)
    /// field, or for walked methods 5-8 `Truncated` at the first PRB (or
    /// the sReSMask1/2 fields) that does not fit; udCompLen shorter than the
    /// section header (with sReSMask1/2 for 7 and 8): `Invalid`; a method
    /// with no known PRB length (reserved 9-15, or a static width above
    /// 16): `Unsupported`.
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
    /// sections that have `ud_comp_hdr`, udCompLen for those that have
    /// `ud_comp_len` (the value is ignored: the section's length from its
    /// sectionId byte to the end of `iq` is written); `iq` is written as is.
    ///
    /// Errors: fields too wide (`FieldOverflow`), a section longer than
    /// udCompLen can say, and sections a parser would read differently
    /// (`Invalid`): udCompLen with a dynamic udCompHdr of methods 0-4 or
    /// 9-15, or methods 7/8 with fewer than 4 `iq` bytes (sReSMask1/2).
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
    let n_prb = usize::from(if num_prb == 0 { cfg.carrier_prbs } else { num_prb.into() });
    let selective = hdr.method.is_selective_re();
    let iq_len = if cfg.ud_comp_len && selective {
        let l = r.u16()?;
        ud_comp_len = Some(l);
        let hdr_len = r.pos() - offset;
        // udCompLen counts from sectionId; 0 and 1 are reserved and no
        // value below the header (with the 7/8 masks) can advance.
        let masks = if hdr.method.has_section_masks() { 4 } else { 0 };
        if usize::from(l) < hdr_len + masks {
            return Err(Error::invalid(len_at, "udCompLen", CTX));
        }
        usize::from(l) - hdr_len
    } else if let Some(prb_len) = hdr.prb_len() {
        n_prb * prb_len
    } else if selective && hdr.width().is_some() {
        walk_prbs(hdr, r.rest(), n_prb, w & 0x800 != 0, r.pos())?
    } else {
        return Err(Error::new(
            ErrorKind::Unsupported("udCompMeth or udIqWidth (no known PRB length)"),
            offset,
            CTX,
        ));
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

/// Bytes the sReSMask1/2 fields (7, 8) and `n` PRBs of a selective-RE
/// section take from the start of `data`, which starts at `base` in the
/// parsed buffer.
fn walk_prbs(hdr: UdCompHdr, data: &[u8], n: usize, rb: bool, base: usize) -> Result<usize> {
    const CTX: &str = "U-plane section PRB";
    let (mut pos, mut m1, mut m2) = (0, ALL_RES, ALL_RES);
    if hdr.method.has_section_masks() {
        let Some(&[a, b, c, d]) = data.first_chunk::<4>() else {
            return Err(Error::truncated(base, 4, data.len(), "U-plane sReSMask1/sReSMask2"));
        };
        (pos, m1, m2) = (4, u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]));
    }
    for i in 0..n {
        let rest = data.get(pos..).unwrap_or(&[]);
        let len = prb_len_at(hdr, rest, sres_mask_for_prb(m1, m2, rb, i)).map_err(|e| Error {
            offset: base + pos + e.offset,
            context: CTX,
            ..e
        })?;
        if len > rest.len() {
            return Err(Error::truncated(base + pos, len, rest.len(), CTX));
        }
        pos += len;
    }
    Ok(pos)
}

fn emit_section(s: &UplaneSection<'_>, out: &mut Vec<u8>) -> Result<()> {
    const CTX: &str = "U-plane section header";
    let start = out.len();
    if let Some(h) = s.ud_comp_hdr {
        if s.ud_comp_len.is_some() && !h.method.is_selective_re() {
            return Err(Error::invalid(start, "udCompLen with udCompMeth other than 5-8", CTX));
        }
        if h.method.has_section_masks() && s.iq.len() < 4 {
            return Err(Error::invalid(start, "udCompMeth 7/8 section without sReSMask1/2", CTX));
        }
    }
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

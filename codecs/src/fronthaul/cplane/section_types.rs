//! Bodies of section types 4, 6, 7, 8, 9, 10 and 11 (types 0, 1, 3, 5 are
//! [`super::CplaneBody::Sections`]).

use serde::Serialize;

use super::bfw::{self, BfWeights, BfwCompHdr, WeightCount};
use super::extensions::{SectionInfo, decode_chain};
use super::{
    CplaneContext, CplaneSection, Extension, SectionExtension, SectionType, emit_extensions, emit_section,
    read_extensions, read_section,
};
use crate::bits::{BitReader, BitWriter};
use crate::ecpri::wire::{Reader, fit, put_u16};
use crate::fronthaul::compression::CompMethod;
use crate::{Error, ErrorKind, Result};

/// Read up to `start + len_words * 4` (the length counts from `start`, at
/// or before the reader's position), with extLen's errors at `field_at`:
/// `Invalid` for 0, `BadLength` past the end.
fn take_words<'a>(
    r: &mut Reader<'a>,
    start: usize,
    len_words: u16,
    field_at: usize,
    zero: &'static str,
    ctx: &'static str,
) -> Result<&'a [u8]> {
    if len_words == 0 {
        return Err(Error::invalid(field_at, zero, ctx));
    }
    let total = usize::from(len_words) * 4;
    let avail = r.buf().len() - start;
    if total < r.pos() - start || total > avail {
        return Err(Error::new(
            ErrorKind::BadLength {
                claimed: total,
                actual: avail,
            },
            field_at,
            ctx,
        ));
    }
    r.take(total - (r.pos() - start))
}

/// 4-byte words for `hdr + body` bytes, checked against a `bits`-wide field.
fn words(hdr: usize, body: usize, bits: u8, at: usize, ctx: &'static str) -> Result<usize> {
    let w = (hdr + body).div_ceil(4);
    fit(w as u64, bits, at, ctx)?;
    Ok(w)
}

// ---------------------------------------------------------------------------
// Section type 4

/// Section type 4 (slot configuration control) after `sectionType`:
/// `numberOfST4Cmds(8, 0 invalid) reserved(8)`, then the commands. Byte 4
/// of the message is `reserved(4) cmdScope(4)` and the filterIndex bits
/// are the SCS code ([`super::CplaneMessage::cmd_scope`],
/// [`super::CplaneMessage::scs`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St4Body<'a> {
    /// The byte after numberOfST4Cmds.
    pub reserved: u8,
    /// numberOfST4Cmds is written from the length.
    pub commands: Vec<St4Command<'a>>,
}

/// One ST4 command, delimited by its length but not decoded:
///
/// ```text
/// st4CmdType(8) st4CmdLen(16) numSlots(8, 0 = until changed)
/// ackNackReqId(16, 0 = no ST8 answer wanted) reserved(16)
/// body: st4CmdLen 4-byte words (counted after this 8-byte header, as
///       Wireshark does; 0 is reserved), zero-padded
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St4Command<'a> {
    pub cmd_type: u8,
    /// Written by emit from the body length.
    pub len_words: u16,
    pub num_slots: u8,
    pub ack_nack_req_id: u16,
    pub reserved: u16,
    /// `len_words * 4` bytes, padding included.
    #[serde(rename = "body_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub body: &'a [u8],
    /// Offset of the command's first byte in the parsed buffer.
    pub offset: usize,
}

/// A time-domain beam of ST4 TIME_DOMAIN_BEAM_CONFIG: `disableTDBFWs(1)
/// tdBeamNum(15)`, then unless disableTDBFWs a bfwCompParam and the
/// weights.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TdBeam {
    /// 15 bits.
    pub td_beam_num: u16,
    /// `None` exactly when disableTDBFWs is 1.
    pub weights: Option<BfWeights>,
}

/// A decoded ST4 command body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum St4CommandBody {
    /// 1 TIME_DOMAIN_BEAM_CONFIG: `reserved(2) symbolMask(14)`,
    /// `disableTDBFNs(1) tdBeamNum(15)`, `bfwCompHdr(8)`, `reserved(24)`,
    /// then unless disableTDBFNs the [`TdBeam`]s up to the command's end
    /// (zero bytes in its last word are padding). Weights need
    /// [`CplaneContext::num_trx`].
    TimeDomainBeamConfig {
        reserved1: u8,
        symbol_mask: u16,
        disable_tdbfns: bool,
        td_beam_num: u16,
        comp_hdr: BfwCompHdr,
        reserved2: u32,
        beams: Vec<TdBeam>,
    },
    /// 2 TDD_CONFIG_PATTERN: `reserved(2) dirPattern(14)`, `reserved(2)
    /// guardPattern(14)`.
    TddConfigPattern {
        reserved1: u8,
        dir_pattern: u16,
        reserved2: u8,
        guard_pattern: u16,
    },
    /// 3 TRX_CONTROL: `reserved(2) log2MaskBits(4) sleepMode(2)`,
    /// `reserved(4) numSlotsExt(20)`, `reserved(2) symbolMask(14)`, then
    /// antMask of 2^log2MaskBits bits (16 bits below 4), zero-padded to
    /// 4 bytes. (Wireshark 4.x skips 2 more bytes before antMask.)
    TrxControl {
        reserved1: u8,
        log2_mask_bits: u8,
        sleep_mode: u8,
        reserved2: u8,
        num_slots_ext: u32,
        reserved3: u8,
        symbol_mask: u16,
        /// Must be the length log2MaskBits gives.
        ant_mask: Vec<u8>,
    },
    /// 4 ASM: `reserved(6) sleepMode(2)`, `reserved(4) numSlotsExt(20)`,
    /// `reserved(2) symbolMask(14)`, `reserved(16)`.
    Asm {
        reserved1: u8,
        sleep_mode: u8,
        reserved2: u8,
        num_slots_ext: u32,
        reserved3: u8,
        symbol_mask: u16,
        reserved4: u16,
    },
    /// Other command types: the body, padding included.
    Unknown { cmd_type: u8, body: Vec<u8> },
}

/// antMask bytes for a log2MaskBits value (Wireshark: 2 bytes below 4).
pub fn ant_mask_len(log2_mask_bits: u8) -> usize {
    if log2_mask_bits >= 4 {
        (1usize << (log2_mask_bits & 0xF)) / 8
    } else {
        2
    }
}

impl<'a> St4Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>) -> Result<Self> {
        const CTX: &str = "C-plane ST4 command";
        r.ctx("C-plane ST4 header");
        let n = r.u8()?;
        let reserved = r.u8()?;
        let mut commands = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            r.ctx(CTX);
            let offset = r.pos();
            let cmd_type = r.u8()?;
            let len_words = r.u16()?;
            let num_slots = r.u8()?;
            let ack_nack_req_id = r.u16()?;
            let res = r.u16()?;
            // st4CmdLen counts after the 8-byte header.
            let body = take_words(r, r.pos(), len_words, offset + 1, "st4CmdLen 0", CTX)?;
            commands.push(St4Command {
                cmd_type,
                len_words,
                num_slots,
                ack_nack_req_id,
                reserved: res,
                body,
                offset,
            });
        }
        Ok(St4Body { reserved, commands })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "C-plane ST4 command";
        fit(self.commands.len() as u64, 8, out.len(), "C-plane numberOfST4Cmds")?;
        out.push(self.commands.len() as u8);
        out.push(self.reserved);
        for c in &self.commands {
            let start = out.len();
            let w = words(0, c.body.len(), 16, start + 1, "C-plane st4CmdLen")?;
            if w == 0 {
                return Err(Error::invalid(start + 1, "st4CmdLen 0 (empty command body)", CTX));
            }
            out.push(c.cmd_type);
            put_u16(out, w as u16);
            out.push(c.num_slots);
            put_u16(out, c.ack_nack_req_id);
            put_u16(out, c.reserved);
            out.extend_from_slice(c.body);
            out.resize(start + 8 + w * 4, 0);
        }
        Ok(())
    }
}

impl<'a> St4Command<'a> {
    /// A command over `body` (unpadded or padded); st4CmdLen and offset are
    /// filled in by emit and parse.
    pub fn new(cmd_type: u8, num_slots: u8, ack_nack_req_id: u16, body: &'a [u8]) -> Self {
        St4Command {
            cmd_type,
            len_words: body.len().div_ceil(4).min(usize::from(u16::MAX)) as u16,
            num_slots,
            ack_nack_req_id,
            reserved: 0,
            body,
            offset: 0,
        }
    }

    /// Decode the body. Errors: `Truncated` when fields run past
    /// st4CmdLen; `Unsupported` for beam weights without
    /// [`CplaneContext::num_trx`] or with a reserved bfwCompMeth.
    pub fn decode(&self, ctx: &CplaneContext) -> Result<St4CommandBody> {
        let base = self.offset + 8;
        let mut r = BitReader::new(self.body, "C-plane ST4 command body").with_base(base);
        let r = &mut r;
        let rd = |r: &mut BitReader<'_>, n: u32| -> Result<u32> { r.read(n) };
        Ok(match self.cmd_type {
            1 => {
                let reserved1 = rd(r, 2)? as u8;
                let symbol_mask = rd(r, 14)? as u16;
                let disable_tdbfns = r.read_bool()?;
                let td_beam_num = rd(r, 15)? as u16;
                let comp_hdr = BfwCompHdr::from_byte(rd(r, 8)? as u8);
                let reserved2 = rd(r, 24)?;
                let mut beams = Vec::new();
                if !disable_tdbfns {
                    let end = content_len(self.body);
                    while r.bit_pos() / 8 < end {
                        let disable = r.read_bool()?;
                        let num = rd(r, 15)? as u16;
                        let weights = if disable {
                            None
                        } else {
                            let Some(k) = ctx.num_trx else {
                                return Err(Error::new(
                                    ErrorKind::Unsupported("ST4 beam weights without CplaneContext::num_trx"),
                                    base + r.bit_pos() / 8,
                                    "C-plane ST4 command body",
                                ));
                            };
                            Some(BfWeights::read(r, comp_hdr, WeightCount::Trx(k.into()))?)
                        };
                        beams.push(TdBeam {
                            td_beam_num: num,
                            weights,
                        });
                    }
                }
                St4CommandBody::TimeDomainBeamConfig {
                    reserved1,
                    symbol_mask,
                    disable_tdbfns,
                    td_beam_num,
                    comp_hdr,
                    reserved2,
                    beams,
                }
            }
            2 => St4CommandBody::TddConfigPattern {
                reserved1: rd(r, 2)? as u8,
                dir_pattern: rd(r, 14)? as u16,
                reserved2: rd(r, 2)? as u8,
                guard_pattern: rd(r, 14)? as u16,
            },
            3 => {
                let reserved1 = rd(r, 2)? as u8;
                let log2_mask_bits = rd(r, 4)? as u8;
                let sleep_mode = rd(r, 2)? as u8;
                let reserved2 = rd(r, 4)? as u8;
                let num_slots_ext = rd(r, 20)?;
                let reserved3 = rd(r, 2)? as u8;
                let symbol_mask = rd(r, 14)? as u16;
                let n = ant_mask_len(log2_mask_bits);
                if n * 8 > r.remaining_bits() {
                    r.skip(n * 8)?;
                }
                let ant_mask = (0..n).map(|_| Ok(rd(r, 8)? as u8)).collect::<Result<Vec<u8>>>()?;
                St4CommandBody::TrxControl {
                    reserved1,
                    log2_mask_bits,
                    sleep_mode,
                    reserved2,
                    num_slots_ext,
                    reserved3,
                    symbol_mask,
                    ant_mask,
                }
            }
            4 => St4CommandBody::Asm {
                reserved1: rd(r, 6)? as u8,
                sleep_mode: rd(r, 2)? as u8,
                reserved2: rd(r, 4)? as u8,
                num_slots_ext: rd(r, 20)?,
                reserved3: rd(r, 2)? as u8,
                symbol_mask: rd(r, 14)? as u16,
                reserved4: rd(r, 16)? as u16,
            },
            t => St4CommandBody::Unknown {
                cmd_type: t,
                body: self.body.to_vec(),
            },
        })
    }
}

/// Length of a word-padded body without the zero bytes of its last word.
fn content_len(body: &[u8]) -> usize {
    let words = body.len().div_ceil(4);
    let mut l = body.len();
    while l > 0 && body[l - 1] == 0 && (l - 1).div_ceil(4) == words {
        l -= 1;
    }
    l
}

impl St4CommandBody {
    /// st4CmdType of this body.
    pub fn cmd_type(&self) -> u8 {
        match self {
            St4CommandBody::TimeDomainBeamConfig { .. } => 1,
            St4CommandBody::TddConfigPattern { .. } => 2,
            St4CommandBody::TrxControl { .. } => 3,
            St4CommandBody::Asm { .. } => 4,
            St4CommandBody::Unknown { cmd_type, .. } => *cmd_type,
        }
    }

    /// Encode the body (unpadded; [`St4Command::new`] over it, emit pads).
    /// Errors: `FieldOverflow` for fields too wide, `Invalid` for an antMask
    /// of the wrong length or weights of another method.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let w = &mut BitWriter::new(&mut out);
        match self {
            St4CommandBody::TimeDomainBeamConfig {
                reserved1,
                symbol_mask,
                disable_tdbfns,
                td_beam_num,
                comp_hdr,
                reserved2,
                beams,
            } => {
                comp_hdr.check(0)?;
                w.write((*reserved1).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                w.write_bool(*disable_tdbfns);
                w.write((*td_beam_num).into(), 15)?;
                w.write(comp_hdr.to_byte().into(), 8)?;
                w.write(*reserved2, 24)?;
                if *disable_tdbfns && !beams.is_empty() {
                    return Err(Error::invalid(
                        0,
                        "ST4 beams with disableTDBFNs set",
                        "C-plane ST4 command body",
                    ));
                }
                for b in beams {
                    w.write_bool(b.weights.is_none());
                    w.write(b.td_beam_num.into(), 15)?;
                    if let Some(wt) = &b.weights {
                        wt.write(*comp_hdr, w)?;
                    }
                }
            }
            St4CommandBody::TddConfigPattern {
                reserved1,
                dir_pattern,
                reserved2,
                guard_pattern,
            } => {
                w.write((*reserved1).into(), 2)?;
                w.write((*dir_pattern).into(), 14)?;
                w.write((*reserved2).into(), 2)?;
                w.write((*guard_pattern).into(), 14)?;
            }
            St4CommandBody::TrxControl {
                reserved1,
                log2_mask_bits,
                sleep_mode,
                reserved2,
                num_slots_ext,
                reserved3,
                symbol_mask,
                ant_mask,
            } => {
                w.write((*reserved1).into(), 2)?;
                w.write((*log2_mask_bits).into(), 4)?;
                w.write((*sleep_mode).into(), 2)?;
                w.write((*reserved2).into(), 4)?;
                w.write(*num_slots_ext, 20)?;
                w.write((*reserved3).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                if ant_mask.len() != ant_mask_len(*log2_mask_bits) {
                    return Err(Error::invalid(
                        6,
                        "antMask length differs from log2MaskBits",
                        "C-plane ST4 command body",
                    ));
                }
                for b in ant_mask {
                    w.write((*b).into(), 8)?;
                }
            }
            St4CommandBody::Asm {
                reserved1,
                sleep_mode,
                reserved2,
                num_slots_ext,
                reserved3,
                symbol_mask,
                reserved4,
            } => {
                w.write((*reserved1).into(), 6)?;
                w.write((*sleep_mode).into(), 2)?;
                w.write((*reserved2).into(), 4)?;
                w.write(*num_slots_ext, 20)?;
                w.write((*reserved3).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                w.write((*reserved4).into(), 16)?;
            }
            St4CommandBody::Unknown { body, .. } => {
                for b in body {
                    w.write((*b).into(), 8)?;
                }
            }
        }
        w.align();
        Ok(out)
    }
}

// ---------------------------------------------------------------------------
// Section type 6

/// `ciCompHdr`: `ciIqWidth(4, 0 = 16) | ciCompMeth(3) | ciCompOpt(1)`.
/// ciCompOpt 0: one ciCompParam per UE, before its first PRB; 1: one before
/// every PRB. ciCompParam has the udCompParam format of methods 0-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CiCompHdr {
    /// 1..=16 (wire 0 stored as 16).
    pub iq_width: u8,
    /// 3 bits on the wire.
    pub method: CompMethod,
    pub comp_opt: bool,
}

impl CiCompHdr {
    pub const fn from_byte(b: u8) -> Self {
        let w = b >> 4;
        CiCompHdr {
            iq_width: if w == 0 { 16 } else { w },
            method: CompMethod::from_u4((b >> 1) & 7),
            comp_opt: b & 1 != 0,
        }
    }

    /// Width 16 is written as 0; as with `UdCompHdr::to_byte`, fields too
    /// wide keep their low bits (a method above 7 its low 3).
    pub const fn to_byte(self) -> u8 {
        ((self.iq_width & 0xF) << 4) | ((self.method.to_u4() & 7) << 1) | self.comp_opt as u8
    }

    /// Sample width 1..=16.
    pub const fn width(self) -> u32 {
        match self.iq_width {
            0 | 16.. => 16,
            w => w as u32,
        }
    }

    /// True when the method carries a ciCompParam byte (BFP, block
    /// scaling, mu-law).
    pub fn has_param(self) -> bool {
        matches!(
            self.method,
            CompMethod::Bfp | CompMethod::BlockScaling | CompMethod::MuLaw
        )
    }
}

/// Section type 6 (channel information) after `sectionType`:
/// `numberOfUEs(8) ciCompHdr(8)`, then the sections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St6Body<'a> {
    pub num_ues: u8,
    /// The header byte (reserved in older versions; see
    /// [`CplaneContext::ci_comp_hdr`]).
    pub ci_comp_hdr: CiCompHdr,
    pub sections: St6Sections<'a>,
}

/// ST6 sections: raw without M-plane context, decoded with it. The
/// section count is numberOfSections (Wireshark uses numberOfUEs when that
/// is larger or numberOfSections is 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum St6Sections<'a> {
    /// Every byte after ciCompHdr.
    Raw(#[serde(serialize_with = "crate::ecpri::wire::ser_len")] &'a [u8]),
    /// Decoded with `layout` (the ciCompHdr in effect) and the alignment
    /// in effect; emit writes them back with the same.
    Decoded {
        layout: CiCompHdr,
        word_aligned: bool,
        sections: Vec<St6Section<'a>>,
    },
}

/// The channel information of one PRB: an optional ciCompParam byte and
/// one `[ciIsample, ciQsample]` code per antenna (ciIqWidth bits each, two's
/// complement, sign-extended).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CiPrb {
    /// Present for methods with a parameter: on the first PRB (ciCompOpt
    /// 0) or every PRB (ciCompOpt 1).
    pub param: Option<u8>,
    pub iq: Vec<[i16; 2]>,
}

/// One ST6 section (one UE):
///
/// ```text
/// ef(1) | ueId(15)
/// regularizationFactor(16, signed)
/// reserved(4) | rb(1, shall be 0) | symInc(1) | startPrbc(10)
/// numPrbc(8)                         0 = all PRBs of the carrier
/// per PRB: [ciCompParam] numAntennas x (ciIsample, ciQsample), packed
/// zero bits to a byte (or 4 bytes from the section start when the
/// M-plane requires it)
/// while ef: section extensions (after the samples, as Wireshark reads them)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St6Section<'a> {
    /// Written by emit from `extensions`.
    pub ef: bool,
    pub ue_id: u16,
    pub regularization_factor: i16,
    /// 4 bits.
    pub reserved: u8,
    pub rb: bool,
    pub sym_inc: bool,
    /// 10 bits.
    pub start_prb: u16,
    pub num_prb: u8,
    pub prbs: Vec<CiPrb>,
    /// The padding bits after the samples (up to 31), as a number.
    pub pad: u32,
    pub extensions: Vec<Extension<'a>>,
    pub offset: usize,
}

impl<'a> St6Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>, num_sections: u8, ctx: Option<&CplaneContext>) -> Result<Self> {
        r.ctx("C-plane ST6 header");
        let num_ues = r.u8()?;
        let ci_comp_hdr = CiCompHdr::from_byte(r.u8()?);
        let sections = match ctx {
            None => {
                let raw = r.rest();
                r.seek(r.buf().len())?;
                St6Sections::Raw(raw)
            }
            Some(ctx) => {
                let layout = ctx.ci_comp_hdr.unwrap_or(ci_comp_hdr);
                let mut v = Vec::with_capacity(usize::from(num_sections));
                for _ in 0..num_sections {
                    v.push(St6Section::read(r, layout, ctx)?);
                }
                St6Sections::Decoded {
                    layout,
                    word_aligned: ctx.st6_word_aligned,
                    sections: v,
                }
            }
        };
        Ok(St6Body {
            num_ues,
            ci_comp_hdr,
            sections,
        })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.num_ues);
        out.push(self.ci_comp_hdr.to_byte());
        match &self.sections {
            St6Sections::Raw(raw) => out.extend_from_slice(raw),
            St6Sections::Decoded {
                layout,
                word_aligned,
                sections,
            } => {
                for s in sections {
                    s.emit(*layout, *word_aligned, out)?;
                }
            }
        }
        Ok(())
    }
}

impl<'a> St6Section<'a> {
    fn read(r: &mut Reader<'a>, layout: CiCompHdr, ctx: &CplaneContext) -> Result<Self> {
        const CTX: &str = "C-plane ST6 section";
        r.ctx(CTX);
        let offset = r.pos();
        let a = r.u16()?;
        let regularization_factor = r.u16()? as i16;
        let b = r.u16()?;
        let num_prb = r.u8()?;
        let n_prb = match num_prb {
            0 => usize::from(ctx.carrier_prbs),
            n => usize::from(n),
        };
        let w = layout.width();
        let ants = usize::from(ctx.num_antennas);
        let mut br = BitReader::new(r.rest(), CTX).with_base(r.pos());
        // Refuse counts the input cannot hold before allocating for them.
        let need = n_prb.saturating_mul(ants).saturating_mul(2 * w as usize);
        if need > br.remaining_bits() {
            br.skip(need)?;
        }
        let mut prbs = Vec::with_capacity(n_prb);
        for p in 0..n_prb {
            let param = if layout.has_param() && (p == 0 || layout.comp_opt) {
                Some(br.read(8)? as u8)
            } else {
                None
            };
            let mut iq = Vec::with_capacity(ants);
            for _ in 0..ants {
                iq.push([br.read_signed(w)?, br.read_signed(w)?]);
            }
            prbs.push(CiPrb { param, iq });
        }
        let pad_bits = st6_pad_bits(7 * 8 + br.bit_pos(), ctx.st6_word_aligned);
        let pad = br.read(pad_bits as u32)?;
        r.take(br.bit_pos() / 8)?;
        let ef = a & 0x8000 != 0;
        let extensions = if ef { read_extensions(r)? } else { Vec::new() };
        Ok(St6Section {
            ef,
            ue_id: a & 0x7FFF,
            regularization_factor,
            reserved: (b >> 12) as u8,
            rb: b & 0x800 != 0,
            sym_inc: b & 0x400 != 0,
            start_prb: b & 0x3FF,
            num_prb,
            prbs,
            pad,
            extensions,
            offset,
        })
    }

    fn emit(&self, layout: CiCompHdr, word_aligned: bool, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "C-plane ST6 section";
        let start = out.len();
        fit(self.ue_id.into(), 15, start, CTX)?;
        fit(self.reserved.into(), 4, start + 4, CTX)?;
        fit(self.start_prb.into(), 10, start + 4, CTX)?;
        if self.num_prb != 0 && self.prbs.len() != usize::from(self.num_prb) {
            return Err(Error::invalid(start + 6, "PRB count differs from numPrbc", CTX));
        }
        let ef = !self.extensions.is_empty();
        put_u16(out, u16::from(ef) << 15 | self.ue_id);
        put_u16(out, self.regularization_factor as u16);
        put_u16(
            out,
            u16::from(self.reserved) << 12 | u16::from(self.rb) << 11 | u16::from(self.sym_inc) << 10 | self.start_prb,
        );
        out.push(self.num_prb);
        let w = layout.width();
        {
            let mut bw = BitWriter::new(out);
            for (p, prb) in self.prbs.iter().enumerate() {
                let want = layout.has_param() && (p == 0 || layout.comp_opt);
                match (want, prb.param) {
                    (true, Some(v)) => bw.write(v.into(), 8)?,
                    (false, None) => {}
                    _ => {
                        return Err(Error::invalid(
                            start + 7,
                            "ciCompParam presence differs from ciCompHdr",
                            CTX,
                        ));
                    }
                }
                for [i, q] in &prb.iq {
                    bw.write_signed(*i, w)?;
                    bw.write_signed(*q, w)?;
                }
            }
            let pad_bits = st6_pad_bits(7 * 8 + bw.bit_len(), word_aligned);
            bw.write(self.pad, pad_bits as u32)?;
        }
        emit_extensions(&self.extensions, out)
    }

    /// Decompressed channel information, per PRB and antenna (ciCompMeth
    /// 0-3 as for beamforming weights; other methods give the codes).
    /// ciCompOpt 0 applies the first PRB's parameter to every PRB.
    pub fn channel_iq(&self, layout: CiCompHdr) -> Vec<Vec<[i16; 2]>> {
        let first = self.prbs.first().and_then(|p| p.param);
        let w = layout.width();
        self.prbs
            .iter()
            .map(|p| {
                let param = if layout.comp_opt { p.param } else { first };
                let s = bfw::ci_scalar(layout.method.to_u4(), param);
                p.iq.iter()
                    .map(|&[i, q]| [s.decompress(i, w), s.decompress(q, w)])
                    .collect()
            })
            .collect()
    }

    /// Decode the extensions (see [`CplaneSection::decode_extensions`]).
    pub fn decode_extensions(&self, ctx: &CplaneContext) -> Result<Vec<SectionExtension>> {
        let info = SectionInfo {
            start_prb: self.start_prb,
            num_prb: self.num_prb,
            ue_id: Some(self.ue_id),
        };
        decode_chain(&self.extensions, SectionType::ChannelInformation, ctx, info)
    }
}

/// Bits from `bits` (counted from the section start) to the next byte, or
/// 4-byte, boundary.
fn st6_pad_bits(bits: usize, word_aligned: bool) -> usize {
    let unit = if word_aligned { 32 } else { 8 };
    (unit - bits % unit) % unit
}

// ---------------------------------------------------------------------------
// Section type 7

/// Section type 7 (LAA) after `sectionType`: `reserved(16)`,
/// `laaMsgType(4) laaMsgLen(4)`, then the LAA payload. Byte 4 of the
/// message is reserved and the filterIndex / startSymbolId bits are not
/// those fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St7Body<'a> {
    pub reserved: u16,
    /// 4 bits.
    pub laa_msg_type: u8,
    /// 4 bits, raw (4-byte words; how it counts is not settled, so it is
    /// neither used to delimit nor recomputed).
    pub laa_msg_len: u8,
    /// Every byte after laaMsgType / laaMsgLen.
    #[serde(rename = "payload_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub payload: &'a [u8],
    /// Offset of the payload in the parsed buffer.
    pub payload_offset: usize,
}

/// A decoded LAA payload (field layouts as in Wireshark's dissector; every
/// payload starts `lbtHandle(16)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum LaaMessage {
    /// 0 LBT_PDSCH_REQ: `lbtHandle(16)`, `lbtOffset(10) lbtMode(2)
    /// reserved(1) lbtDeferFactor(3)`, `lbtBackoffCounter(10) MCOT(4)
    /// reserved(10)`.
    PdschReq {
        lbt_handle: u16,
        lbt_offset: u16,
        lbt_mode: u8,
        reserved1: bool,
        lbt_defer_factor: u8,
        lbt_backoff_counter: u16,
        mcot: u8,
        reserved2: u16,
    },
    /// 1 LBT_DRS_REQ: `lbtHandle(16)`, `lbtOffset(10) lbtMode(2)
    /// reserved(28)`.
    DrsReq {
        lbt_handle: u16,
        lbt_offset: u16,
        lbt_mode: u8,
        reserved: u32,
    },
    /// 2 LBT_PDSCH_RSP: `lbtHandle(16)`, `lbtPdschRes(2) inParSF(1)
    /// sfStatus(1) sfnSf(12)`, `reserved(24)`.
    PdschRsp {
        lbt_handle: u16,
        lbt_pdsch_res: u8,
        in_par_sf: bool,
        sf_status: bool,
        sfn_sf: u16,
        reserved: u32,
    },
    /// 3 LBT_DRS_RSP: `lbtHandle(16)`, `lbtDrsRes(1) reserved(7)`.
    DrsRsp {
        lbt_handle: u16,
        lbt_drs_res: bool,
        reserved: u8,
    },
    /// 4 LBT_Buffer_Error: `lbtHandle(16)`, `lbtBufErr(1) reserved(7)`.
    BufferError {
        lbt_handle: u16,
        lbt_buf_err: bool,
        reserved: u8,
    },
    /// 5 LBT_CWCONFIG_REQ: `lbtHandle(16)`, `lbtCWConfig_H(8)`,
    /// `lbtCWConfig_T(8)`, `lbtMode(2) lbtTrafficClass(3) reserved(19)`.
    CwConfigReq {
        lbt_handle: u16,
        lbt_cw_config_h: u8,
        lbt_cw_config_t: u8,
        lbt_mode: u8,
        lbt_traffic_class: u8,
        reserved: u32,
    },
    /// 6 LBT_CWCONFIG_RSP: `lbtHandle(16)`, `lbtCWR_Rst(1) reserved(7)`.
    CwConfigRsp {
        lbt_handle: u16,
        lbt_cwr_rst: bool,
        reserved: u8,
    },
    /// 7..=15: the payload.
    Reserved { laa_msg_type: u8, payload: Vec<u8> },
}

impl<'a> St7Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>) -> Result<Self> {
        r.ctx("C-plane ST7 header");
        let reserved = r.u16()?;
        let b = r.u8()?;
        let payload_offset = r.pos();
        let payload = r.rest();
        r.seek(r.buf().len())?;
        Ok(St7Body {
            reserved,
            laa_msg_type: b >> 4,
            laa_msg_len: b & 0xF,
            payload,
            payload_offset,
        })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "C-plane ST7 header";
        fit(self.laa_msg_type.into(), 4, out.len() + 2, CTX)?;
        fit(self.laa_msg_len.into(), 4, out.len() + 2, CTX)?;
        put_u16(out, self.reserved);
        out.push(self.laa_msg_type << 4 | self.laa_msg_len);
        out.extend_from_slice(self.payload);
        Ok(())
    }

    /// Decode the payload by laaMsgType; bytes after the message's fields
    /// are ignored. Errors: `Truncated` for a short payload.
    pub fn message(&self) -> Result<LaaMessage> {
        let mut r = BitReader::new(self.payload, "C-plane LAA payload").with_base(self.payload_offset);
        let r = &mut r;
        let rd = |r: &mut BitReader<'_>, n: u32| -> Result<u32> { r.read(n) };
        Ok(match self.laa_msg_type {
            0 => LaaMessage::PdschReq {
                lbt_handle: rd(r, 16)? as u16,
                lbt_offset: rd(r, 10)? as u16,
                lbt_mode: rd(r, 2)? as u8,
                reserved1: r.read_bool()?,
                lbt_defer_factor: rd(r, 3)? as u8,
                lbt_backoff_counter: rd(r, 10)? as u16,
                mcot: rd(r, 4)? as u8,
                reserved2: rd(r, 10)? as u16,
            },
            1 => LaaMessage::DrsReq {
                lbt_handle: rd(r, 16)? as u16,
                lbt_offset: rd(r, 10)? as u16,
                lbt_mode: rd(r, 2)? as u8,
                reserved: rd(r, 28)?,
            },
            2 => LaaMessage::PdschRsp {
                lbt_handle: rd(r, 16)? as u16,
                lbt_pdsch_res: rd(r, 2)? as u8,
                in_par_sf: r.read_bool()?,
                sf_status: r.read_bool()?,
                sfn_sf: rd(r, 12)? as u16,
                reserved: rd(r, 24)?,
            },
            3 => LaaMessage::DrsRsp {
                lbt_handle: rd(r, 16)? as u16,
                lbt_drs_res: r.read_bool()?,
                reserved: rd(r, 7)? as u8,
            },
            4 => LaaMessage::BufferError {
                lbt_handle: rd(r, 16)? as u16,
                lbt_buf_err: r.read_bool()?,
                reserved: rd(r, 7)? as u8,
            },
            5 => LaaMessage::CwConfigReq {
                lbt_handle: rd(r, 16)? as u16,
                lbt_cw_config_h: rd(r, 8)? as u8,
                lbt_cw_config_t: rd(r, 8)? as u8,
                lbt_mode: rd(r, 2)? as u8,
                lbt_traffic_class: rd(r, 3)? as u8,
                reserved: rd(r, 19)?,
            },
            6 => LaaMessage::CwConfigRsp {
                lbt_handle: rd(r, 16)? as u16,
                lbt_cwr_rst: r.read_bool()?,
                reserved: rd(r, 7)? as u8,
            },
            t => LaaMessage::Reserved {
                laa_msg_type: t,
                payload: self.payload.to_vec(),
            },
        })
    }
}

impl LaaMessage {
    /// laaMsgType of this message.
    pub fn msg_type(&self) -> u8 {
        match self {
            LaaMessage::PdschReq { .. } => 0,
            LaaMessage::DrsReq { .. } => 1,
            LaaMessage::PdschRsp { .. } => 2,
            LaaMessage::DrsRsp { .. } => 3,
            LaaMessage::BufferError { .. } => 4,
            LaaMessage::CwConfigReq { .. } => 5,
            LaaMessage::CwConfigRsp { .. } => 6,
            LaaMessage::Reserved { laa_msg_type, .. } => *laa_msg_type,
        }
    }

    /// Encode the payload (no padding). `FieldOverflow` for fields too wide.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let w = &mut BitWriter::new(&mut out);
        match self {
            LaaMessage::PdschReq {
                lbt_handle,
                lbt_offset,
                lbt_mode,
                reserved1,
                lbt_defer_factor,
                lbt_backoff_counter,
                mcot,
                reserved2,
            } => {
                w.write((*lbt_handle).into(), 16)?;
                w.write((*lbt_offset).into(), 10)?;
                w.write((*lbt_mode).into(), 2)?;
                w.write_bool(*reserved1);
                w.write((*lbt_defer_factor).into(), 3)?;
                w.write((*lbt_backoff_counter).into(), 10)?;
                w.write((*mcot).into(), 4)?;
                w.write((*reserved2).into(), 10)?;
            }
            LaaMessage::DrsReq {
                lbt_handle,
                lbt_offset,
                lbt_mode,
                reserved,
            } => {
                w.write((*lbt_handle).into(), 16)?;
                w.write((*lbt_offset).into(), 10)?;
                w.write((*lbt_mode).into(), 2)?;
                w.write(*reserved, 28)?;
            }
            LaaMessage::PdschRsp {
                lbt_handle,
                lbt_pdsch_res,
                in_par_sf,
                sf_status,
                sfn_sf,
                reserved,
            } => {
                w.write((*lbt_handle).into(), 16)?;
                w.write((*lbt_pdsch_res).into(), 2)?;
                w.write_bool(*in_par_sf);
                w.write_bool(*sf_status);
                w.write((*sfn_sf).into(), 12)?;
                w.write(*reserved, 24)?;
            }
            LaaMessage::DrsRsp {
                lbt_handle,
                lbt_drs_res: flag,
                reserved,
            }
            | LaaMessage::BufferError {
                lbt_handle,
                lbt_buf_err: flag,
                reserved,
            }
            | LaaMessage::CwConfigRsp {
                lbt_handle,
                lbt_cwr_rst: flag,
                reserved,
            } => {
                w.write((*lbt_handle).into(), 16)?;
                w.write_bool(*flag);
                w.write((*reserved).into(), 7)?;
            }
            LaaMessage::CwConfigReq {
                lbt_handle,
                lbt_cw_config_h,
                lbt_cw_config_t,
                lbt_mode,
                lbt_traffic_class,
                reserved,
            } => {
                w.write((*lbt_handle).into(), 16)?;
                w.write((*lbt_cw_config_h).into(), 8)?;
                w.write((*lbt_cw_config_t).into(), 8)?;
                w.write((*lbt_mode).into(), 2)?;
                w.write((*lbt_traffic_class).into(), 3)?;
                w.write(*reserved, 19)?;
            }
            LaaMessage::Reserved { payload, .. } => {
                for b in payload {
                    w.write((*b).into(), 8)?;
                }
            }
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------
// Section type 8

/// Section type 8 (ACK/NACK feedback) after `sectionType`:
/// `numberOfAcks(8) numberOfNacks(8)`, `ackId(16)` x acks, `nackId(16)` x
/// nacks (they echo the ackNackReqId of an SE 22 or ST4 command). Byte 4
/// of the message is `reserved(7) ready(1)`
/// ([`super::CplaneMessage::st8_ready`]) and symbolId sits where
/// startSymbolId is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St8Body {
    /// numberOfAcks is written from the length.
    pub acks: Vec<u16>,
    /// numberOfNacks is written from the length.
    pub nacks: Vec<u16>,
}

impl St8Body {
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        r.ctx("C-plane ST8 header");
        let na = r.u8()?;
        let nn = r.u8()?;
        r.ctx("C-plane ST8 ackId/nackId");
        let acks = (0..na).map(|_| r.u16()).collect::<Result<Vec<_>>>()?;
        let nacks = (0..nn).map(|_| r.u16()).collect::<Result<Vec<_>>>()?;
        Ok(St8Body { acks, nacks })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        fit(self.acks.len() as u64, 8, out.len(), "C-plane numberOfAcks")?;
        fit(self.nacks.len() as u64, 8, out.len() + 1, "C-plane numberOfNacks")?;
        out.push(self.acks.len() as u8);
        out.push(self.nacks.len() as u8);
        for v in self.acks.iter().chain(&self.nacks) {
            put_u16(out, *v);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Section type 9

/// Section type 9 (SINR reporting, UL) after `sectionType`:
/// `numSinrPerPrb(3) reserved(13)`, then the sections. symbolId sits where
/// startSymbolId is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St9Body<'a> {
    /// 3-bit code: 0..=5 = 1, 2, 3, 4, 6, 12 values; 6, 7 reserved (read
    /// as 1, as Wireshark does).
    pub num_sinr_per_prb: u8,
    /// 13 bits.
    pub reserved: u16,
    pub sections: St9Sections<'a>,
}

/// SINR values per PRB for a numSinrPerPrb code.
pub fn sinr_per_prb(code: u8) -> usize {
    match code {
        1 => 2,
        2 => 3,
        3 => 4,
        4 => 6,
        5 => 12,
        _ => 1,
    }
}

/// ST9 sections: raw without M-plane context, decoded with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum St9Sections<'a> {
    /// Every byte after the ST9 header.
    Raw(#[serde(serialize_with = "crate::ecpri::wire::ser_len")] &'a [u8]),
    /// Decoded with this SINR width (1..=16) and format; emit writes them
    /// back with the same.
    Decoded {
        sinr_width: u8,
        sinr_comp: CompMethod,
        sections: Vec<St9Section>,
    },
}

/// The SINR report of one PRB: `sinrCompParam` (`reserved(4) exponent(4)`,
/// only for BFP), numSinrPerPrb values, padding bits to a byte (kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SinrPrb {
    pub param: Option<u8>,
    /// Codes, two's complement, sign-extended.
    pub values: Vec<i16>,
    pub pad: u8,
}

/// One ST9 section:
///
/// ```text
/// sectionId(12) | rb(1) | symInc(1, shall be 0) | startPrbu(10)
/// numPrbu(8)                        0 = all PRBs of the carrier
/// per PRB, byte-aligned: [sinrCompParam] numSinrPerPrb x sinr value
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St9Section {
    pub section_id: u16,
    pub rb: bool,
    pub sym_inc: bool,
    pub start_prb: u16,
    pub num_prb: u8,
    pub prbs: Vec<SinrPrb>,
    pub offset: usize,
}

impl<'a> St9Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>, num_sections: u8, ctx: Option<&CplaneContext>) -> Result<Self> {
        r.ctx("C-plane ST9 header");
        let h = r.u16()?;
        let num_sinr_per_prb = (h >> 13) as u8;
        let sections = match ctx {
            None => {
                let raw = r.rest();
                r.seek(r.buf().len())?;
                St9Sections::Raw(raw)
            }
            Some(ctx) => {
                let width = match ctx.sinr_width {
                    0 | 16.. => 16,
                    w => w,
                };
                let mut v = Vec::with_capacity(usize::from(num_sections));
                for _ in 0..num_sections {
                    v.push(St9Section::read(r, num_sinr_per_prb, width, ctx.sinr_comp, ctx)?);
                }
                St9Sections::Decoded {
                    sinr_width: width,
                    sinr_comp: ctx.sinr_comp,
                    sections: v,
                }
            }
        };
        Ok(St9Body {
            num_sinr_per_prb,
            reserved: h & 0x1FFF,
            sections,
        })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "C-plane ST9 header";
        fit(self.num_sinr_per_prb.into(), 3, out.len(), CTX)?;
        fit(self.reserved.into(), 13, out.len(), CTX)?;
        put_u16(out, u16::from(self.num_sinr_per_prb) << 13 | self.reserved);
        match &self.sections {
            St9Sections::Raw(raw) => out.extend_from_slice(raw),
            St9Sections::Decoded {
                sinr_width,
                sinr_comp,
                sections,
            } => {
                for s in sections {
                    s.emit(sinr_per_prb(self.num_sinr_per_prb), *sinr_width, *sinr_comp, out)?;
                }
            }
        }
        Ok(())
    }
}

impl St9Section {
    fn read(r: &mut Reader<'_>, code: u8, width: u8, comp: CompMethod, ctx: &CplaneContext) -> Result<Self> {
        const CTX: &str = "C-plane ST9 section";
        r.ctx(CTX);
        let offset = r.pos();
        let a = r.u24()?;
        let num_prb = r.u8()?;
        let n_prb = match num_prb {
            0 => usize::from(ctx.carrier_prbs),
            n => usize::from(n),
        };
        let per = sinr_per_prb(code);
        let w = u32::from(width);
        let bfp = comp == CompMethod::Bfp;
        let mut br = BitReader::new(r.rest(), CTX).with_base(r.pos());
        let need = n_prb.saturating_mul(per * w as usize + if bfp { 8 } else { 0 });
        if need > br.remaining_bits() {
            br.skip(need)?;
        }
        let mut prbs = Vec::with_capacity(n_prb);
        for _ in 0..n_prb {
            let param = if bfp { Some(br.read(8)? as u8) } else { None };
            let values = (0..per).map(|_| br.read_signed(w)).collect::<Result<Vec<_>>>()?;
            let pad_bits = (8 - br.bit_pos() % 8) % 8;
            let pad = br.read(pad_bits as u32)? as u8;
            prbs.push(SinrPrb { param, values, pad });
        }
        r.take(br.bit_pos() / 8)?;
        Ok(St9Section {
            section_id: (a >> 12) as u16,
            rb: a & 0x800 != 0,
            sym_inc: a & 0x400 != 0,
            start_prb: (a & 0x3FF) as u16,
            num_prb,
            prbs,
            offset,
        })
    }

    fn emit(&self, per: usize, width: u8, comp: CompMethod, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "C-plane ST9 section";
        let start = out.len();
        fit(self.section_id.into(), 12, start, CTX)?;
        fit(self.start_prb.into(), 10, start + 1, CTX)?;
        if self.num_prb != 0 && self.prbs.len() != usize::from(self.num_prb) {
            return Err(Error::invalid(start + 3, "PRB count differs from numPrbu", CTX));
        }
        let a = u32::from(self.section_id) << 12
            | u32::from(self.rb) << 11
            | u32::from(self.sym_inc) << 10
            | u32::from(self.start_prb);
        crate::ecpri::wire::put_u24(out, a);
        out.push(self.num_prb);
        let bfp = comp == CompMethod::Bfp;
        let w = u32::from(width);
        let mut bw = BitWriter::new(out);
        for p in &self.prbs {
            match (bfp, p.param) {
                (true, Some(v)) => bw.write(v.into(), 8)?,
                (false, None) => {}
                _ => {
                    return Err(Error::invalid(
                        start + 4,
                        "sinrCompParam presence differs from the format",
                        CTX,
                    ));
                }
            }
            if p.values.len() != per {
                return Err(Error::invalid(
                    start + 4,
                    "SINR value count differs from numSinrPerPrb",
                    CTX,
                ));
            }
            for v in &p.values {
                bw.write_signed(*v, w)?;
            }
            let pad_bits = (8 - bw.bit_len() % 8) % 8;
            bw.write(p.pad.into(), pad_bits as u32)?;
        }
        Ok(())
    }

    /// SINR values per PRB: BFP codes times 2^exponent (saturated), other
    /// formats the codes.
    pub fn sinr_values(&self) -> Vec<Vec<i16>> {
        self.prbs
            .iter()
            .map(|p| {
                let e = p.param.map_or(0, |b| b & 0xF);
                p.values
                    .iter()
                    .map(|&v| (i32::from(v) << e).clamp(i16::MIN.into(), i16::MAX.into()) as i16)
                    .collect()
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Section types 10 and 11

/// Section type 10 (RRM measurement reports, UL) after `sectionType`:
/// `reserved(16)`, then sections of the common layout (ueId where beamId
/// is; symInc reserved), each followed by its extensions and then its
/// measurement reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St10Body<'a> {
    pub reserved: u16,
    pub sections: Vec<St10Section<'a>>,
}

/// An ST10 section and its reports (at least one on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St10Section<'a> {
    /// `beam_id` holds ueId; `freq_offset` is `None`.
    pub section: CplaneSection<'a>,
    pub reports: Vec<MeasReport<'a>>,
}

/// One measurement report, delimited by its length:
///
/// ```text
/// mf(1, another follows) | measTypeId(7)
/// numElements(8) (measTypeId 6) or reserved(8)
/// measDataSize(16): 4-byte words counted from the mf byte
/// data, zero-padded
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MeasReport<'a> {
    /// Written by emit from the list position.
    pub mf: bool,
    /// 7 bits.
    pub meas_type_id: u8,
    /// numElements for measTypeId 6, reserved otherwise.
    pub byte1: u8,
    /// measDataSize, written by emit from the data length.
    pub size_words: u16,
    /// After the 4-byte report header, padding included.
    #[serde(rename = "data_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub data: &'a [u8],
    pub offset: usize,
}

/// A decoded measurement report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum MeasReportData {
    /// 1: `ueTae(16, signed) reserved(16)`.
    UeTae { ue_tae: i16, reserved: u16 },
    /// 2: ueLayerPower(16, signed) values filling measDataSize (a trailing
    /// zero is padding when the count is odd; it is listed).
    UeLayerPower { powers: Vec<i16> },
    /// 3: `ueFreqOffset(16, signed) reserved(16)`.
    UeFreqOffset { ue_freq_offset: i16, reserved: u16 },
    /// 4 (allocated PRBs) and 5 (unallocated): `reserved(2)
    /// symbolMask(14)`, then ipnPower(16, signed) per PRB, filling
    /// measDataSize (a pad value is listed).
    Ipn {
        reserved: u8,
        symbol_mask: u16,
        ipn_power: Vec<i16>,
    },
    /// 6: numElements x antDmrsSnrVal(16, signed).
    DmrsSnr { values: Vec<i16> },
    /// Other types: the data.
    Unknown { data: Vec<u8> },
}

/// Section type 11 (request RRM measurements) after `sectionType`:
/// `reserved(16)`, then sections of the common layout (beamId reserved,
/// symInc reserved), each followed by its extensions and then its
/// measurement commands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St11Body<'a> {
    pub reserved: u16,
    pub sections: Vec<St11Section<'a>>,
}

/// An ST11 section and its commands (at least one on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct St11Section<'a> {
    pub section: CplaneSection<'a>,
    pub commands: Vec<MeasCommand<'a>>,
}

/// One measurement command: `mf(1) measTypeId(7)`, `reserved(8)`,
/// `measCmdSize(16)` (4-byte words from the mf byte), data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MeasCommand<'a> {
    pub mf: bool,
    pub meas_type_id: u8,
    pub reserved: u8,
    /// measCmdSize, written by emit from the data length.
    pub size_words: u16,
    #[serde(rename = "data_len", serialize_with = "crate::ecpri::wire::ser_len")]
    pub data: &'a [u8],
    pub offset: usize,
}

/// A decoded measurement command.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum MeasCommandData {
    /// 5 (IpN for unallocated PRBs): `reserved(2) symbolMask(14)`,
    /// `reserved(16)`.
    IpnUnallocated {
        reserved1: u8,
        symbol_mask: u16,
        reserved2: u16,
    },
    /// Other types: the data.
    Unknown { data: Vec<u8> },
}

/// The 4-byte-header, length-delimited items of ST10 and ST11, chained by mf.
struct MeasItem<'a> {
    mf: bool,
    meas_type_id: u8,
    byte1: u8,
    size_words: u16,
    data: &'a [u8],
    offset: usize,
}

fn read_meas_items<'a>(r: &mut Reader<'a>, zero: &'static str, ctx: &'static str) -> Result<Vec<MeasItem<'a>>> {
    let mut v = Vec::new();
    loop {
        r.ctx(ctx);
        let offset = r.pos();
        let b = r.u8()?;
        let byte1 = r.u8()?;
        let size_words = r.u16()?;
        let data = take_words(r, offset, size_words, offset + 2, zero, ctx)?;
        let mf = b & 0x80 != 0;
        v.push(MeasItem {
            mf,
            meas_type_id: b & 0x7F,
            byte1,
            size_words,
            data,
            offset,
        });
        if !mf {
            return Ok(v);
        }
    }
}

fn emit_meas_item(
    mf: bool,
    meas_type_id: u8,
    byte1: u8,
    data: &[u8],
    out: &mut Vec<u8>,
    ctx: &'static str,
) -> Result<()> {
    let start = out.len();
    fit(meas_type_id.into(), 7, start, ctx)?;
    let w = words(4, data.len(), 16, start + 2, ctx)?;
    out.push(u8::from(mf) << 7 | meas_type_id);
    out.push(byte1);
    put_u16(out, w as u16);
    out.extend_from_slice(data);
    out.resize(start + w * 4, 0);
    Ok(())
}

impl<'a> St10Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>, num_sections: u8) -> Result<Self> {
        r.ctx("C-plane ST10 header");
        let reserved = r.u16()?;
        let mut sections = Vec::with_capacity(usize::from(num_sections));
        for _ in 0..num_sections {
            let section = read_section(r, SectionType::RrmReport)?;
            // measDataSize 0 would never advance: like extLen 0.
            let items = read_meas_items(r, "measDataSize 0", "C-plane ST10 measurement report")?;
            let reports = items
                .into_iter()
                .map(|i| MeasReport {
                    mf: i.mf,
                    meas_type_id: i.meas_type_id,
                    byte1: i.byte1,
                    size_words: i.size_words,
                    data: i.data,
                    offset: i.offset,
                })
                .collect();
            sections.push(St10Section { section, reports });
        }
        Ok(St10Body { reserved, sections })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        put_u16(out, self.reserved);
        for s in &self.sections {
            if s.reports.is_empty() {
                return Err(Error::invalid(
                    out.len(),
                    "ST10 section without a report",
                    "C-plane ST10 section",
                ));
            }
            emit_section(&s.section, SectionType::RrmReport, out)?;
            for (i, m) in s.reports.iter().enumerate() {
                let mf = i + 1 < s.reports.len();
                emit_meas_item(
                    mf,
                    m.meas_type_id,
                    m.byte1,
                    m.data,
                    out,
                    "C-plane ST10 measurement report",
                )?;
            }
        }
        Ok(())
    }
}

impl<'a> MeasReport<'a> {
    /// A report over `data` (unpadded or padded); mf, measDataSize and
    /// offset are filled in by emit and parse.
    pub fn new(meas_type_id: u8, byte1: u8, data: &'a [u8]) -> Self {
        MeasReport {
            mf: false,
            meas_type_id,
            byte1,
            size_words: (4 + data.len()).div_ceil(4).min(usize::from(u16::MAX)) as u16,
            data,
            offset: 0,
        }
    }

    /// Decode the data by measTypeId. `Truncated` for short data.
    pub fn decode(&self) -> Result<MeasReportData> {
        let mut r = BitReader::new(self.data, "C-plane ST10 measurement report").with_base(self.offset + 4);
        let r = &mut r;
        let s16 = |r: &mut BitReader<'_>| -> Result<i16> { Ok(r.read(16)? as u16 as i16) };
        let fill = |r: &mut BitReader<'_>| -> Result<Vec<i16>> {
            let mut v = Vec::new();
            while r.remaining_bits() >= 16 {
                v.push(r.read(16)? as u16 as i16);
            }
            Ok(v)
        };
        Ok(match self.meas_type_id {
            1 => MeasReportData::UeTae {
                ue_tae: s16(r)?,
                reserved: r.read(16)? as u16,
            },
            2 => MeasReportData::UeLayerPower { powers: fill(r)? },
            3 => MeasReportData::UeFreqOffset {
                ue_freq_offset: s16(r)?,
                reserved: r.read(16)? as u16,
            },
            4 | 5 => MeasReportData::Ipn {
                reserved: r.read(2)? as u8,
                symbol_mask: r.read(14)? as u16,
                ipn_power: fill(r)?,
            },
            6 => MeasReportData::DmrsSnr {
                values: (0..self.byte1).map(|_| s16(r)).collect::<Result<Vec<_>>>()?,
            },
            _ => MeasReportData::Unknown {
                data: self.data.to_vec(),
            },
        })
    }
}

impl MeasReportData {
    /// Encode the data (unpadded). For measTypeId 6 the report's byte1
    /// (numElements) must be the value count. `FieldOverflow` for a
    /// symbolMask above 14 bits.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let w = &mut BitWriter::new(&mut out);
        let s16 = |w: &mut BitWriter<'_>, v: i16| w.write(u32::from(v as u16), 16);
        match self {
            MeasReportData::UeTae { ue_tae: v, reserved }
            | MeasReportData::UeFreqOffset {
                ue_freq_offset: v,
                reserved,
            } => {
                s16(w, *v)?;
                w.write((*reserved).into(), 16)?;
            }
            MeasReportData::UeLayerPower { powers: v } | MeasReportData::DmrsSnr { values: v } => {
                for x in v {
                    s16(w, *x)?;
                }
            }
            MeasReportData::Ipn {
                reserved,
                symbol_mask,
                ipn_power,
            } => {
                w.write((*reserved).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                for x in ipn_power {
                    s16(w, *x)?;
                }
            }
            MeasReportData::Unknown { data } => {
                for b in data {
                    w.write((*b).into(), 8)?;
                }
            }
        }
        Ok(out)
    }
}

impl<'a> St11Body<'a> {
    pub(crate) fn read(r: &mut Reader<'a>, num_sections: u8) -> Result<Self> {
        r.ctx("C-plane ST11 header");
        let reserved = r.u16()?;
        let mut sections = Vec::with_capacity(usize::from(num_sections));
        for _ in 0..num_sections {
            let section = read_section(r, SectionType::RrmRequest)?;
            let items = read_meas_items(r, "measCmdSize 0", "C-plane ST11 measurement command")?;
            let commands = items
                .into_iter()
                .map(|i| MeasCommand {
                    mf: i.mf,
                    meas_type_id: i.meas_type_id,
                    reserved: i.byte1,
                    size_words: i.size_words,
                    data: i.data,
                    offset: i.offset,
                })
                .collect();
            sections.push(St11Section { section, commands });
        }
        Ok(St11Body { reserved, sections })
    }

    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        put_u16(out, self.reserved);
        for s in &self.sections {
            if s.commands.is_empty() {
                return Err(Error::invalid(
                    out.len(),
                    "ST11 section without a command",
                    "C-plane ST11 section",
                ));
            }
            emit_section(&s.section, SectionType::RrmRequest, out)?;
            for (i, m) in s.commands.iter().enumerate() {
                let mf = i + 1 < s.commands.len();
                emit_meas_item(
                    mf,
                    m.meas_type_id,
                    m.reserved,
                    m.data,
                    out,
                    "C-plane ST11 measurement command",
                )?;
            }
        }
        Ok(())
    }
}

impl<'a> MeasCommand<'a> {
    /// A command over `data`; mf, measCmdSize and offset are filled in by
    /// emit and parse.
    pub fn new(meas_type_id: u8, data: &'a [u8]) -> Self {
        MeasCommand {
            mf: false,
            meas_type_id,
            reserved: 0,
            size_words: (4 + data.len()).div_ceil(4).min(usize::from(u16::MAX)) as u16,
            data,
            offset: 0,
        }
    }

    /// Decode the data by measTypeId. `Truncated` for short data.
    pub fn decode(&self) -> Result<MeasCommandData> {
        let mut r = BitReader::new(self.data, "C-plane ST11 measurement command").with_base(self.offset + 4);
        Ok(match self.meas_type_id {
            5 => MeasCommandData::IpnUnallocated {
                reserved1: r.read(2)? as u8,
                symbol_mask: r.read(14)? as u16,
                reserved2: r.read(16)? as u16,
            },
            _ => MeasCommandData::Unknown {
                data: self.data.to_vec(),
            },
        })
    }
}

impl MeasCommandData {
    /// Encode the data (unpadded). `FieldOverflow` for fields too wide.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let w = &mut BitWriter::new(&mut out);
        match self {
            MeasCommandData::IpnUnallocated {
                reserved1,
                symbol_mask,
                reserved2,
            } => {
                w.write((*reserved1).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                w.write((*reserved2).into(), 16)?;
            }
            MeasCommandData::Unknown { data } => {
                for b in data {
                    w.write((*b).into(), 8)?;
                }
            }
        }
        Ok(out)
    }
}

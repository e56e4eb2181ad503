//! Typed section extensions 1-28: [`SectionExtension`], decoded from a raw
//! [`Extension`] and encoded back to one.
//!
//! Every extension starts `ef(1) | extType(7)`, `extLen(8)` (16 bits for
//! SE 11, 19, 20) in 4-byte words counting that header, and is zero-padded
//! to extLen words. The variants below hold what follows the header; each
//! quotes its layout. Reserved fields are kept; padding is not (encoding
//! computes extLen and writes zeros).
//!
//! Layouts follow the reference notes and Wireshark's dissector
//! (packet-oran.c). Where the length of a list is not on the wire it is
//! taken from the section ([`ExtHints`], filled in by
//! [`super::CplaneSection::decode_extensions`]) or, without hints, from the
//! extLen; each variant says which. Known differences from Wireshark are
//! noted on the variants.

use serde::Serialize;

use super::bfw::{self, BfWeights, BfwCompHdr, WeightCount};
use super::{CplaneContext, Extension, FrameStructure, SectionType};
use crate::bits::{BitReader, BitWriter};
use crate::{Error, ErrorKind, Result};

/// Context names for errors, by extType.
const CTX: [&str; 29] = [
    "section extension (reserved type)",
    "SE 1 (beamforming weights)",
    "SE 2 (beamforming attributes)",
    "SE 3 (DL precoding configuration)",
    "SE 4 (modulation compression parameters)",
    "SE 5 (modulation compression additional scaling)",
    "SE 6 (non-contiguous PRB allocation)",
    "SE 7 (multiple-eAxC designation)",
    "SE 8 (regularization factor)",
    "SE 9 (dynamic spectrum sharing)",
    "SE 10 (multiple ports grouping)",
    "SE 11 (flexible beamforming weights)",
    "SE 12 (non-contiguous PRB allocation with frequency ranges)",
    "SE 13 (PRB allocation with frequency hopping)",
    "SE 14 (nulling-layer info)",
    "SE 15 (mixed-numerology info)",
    "SE 16 (antenna mapping)",
    "SE 17 (user port group)",
    "SE 18 (uplink transmission management)",
    "SE 19 (compact beamforming information)",
    "SE 20 (puncturing)",
    "SE 21 (variable PRB group size)",
    "SE 22 (ACK/NACK request)",
    "SE 23 (multiple-symbol modulation compression)",
    "SE 24 (PUSCH DMRS configuration)",
    "SE 25 (symbol reordering for DMRS-BF)",
    "SE 26 (frequency offset feedback)",
    "SE 27 (dimensionality reduction)",
    "SE 28 (frequency resolution for SINR reporting)",
];

fn ctx_name(ext_type: u8) -> &'static str {
    CTX.get(usize::from(ext_type)).copied().unwrap_or(CTX[0])
}

/// What the section and earlier extensions say about list lengths that
/// an extension does not carry itself. `None` fields fall back to the
/// extLen (described on each variant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ExtHints {
    /// SE 11: number of PRB bundles.
    pub se11_num_bundles: Option<usize>,
    /// SE 14: numPortc of a preceding SE 10 (then numPortc + 1
    /// nullLayerInd fields follow).
    pub se10_num_portc: Option<u8>,
    /// SE 24: number of DMRS entries (one per ueId of the section).
    pub se24_num_entries: Option<usize>,
}

/// The section fields extension decoding depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SectionInfo {
    pub start_prb: u16,
    /// Raw numPrbc (0 = all PRBs of the carrier).
    pub num_prb: u8,
    /// ueId of ST5/ST10 sections.
    pub ue_id: Option<u16>,
}

/// One SE 5 parameter set: `mcScaleReMask(12) csf(1) mcScaleOffset(15)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct McScaleSet {
    /// 12 bits.
    pub re_mask: u16,
    pub csf: bool,
    /// 15 bits: exponent(4) mantissa(11).
    pub scale_offset: u16,
}

/// SE 3 fields present for the first data layer (layerId 0 or 0xF):
/// `txScheme(4) crsReMask(12)`, `crsShift(1) reserved(3) crsSymNum(4)`,
/// `reserved(8)`, then `reserved(1) beamIdAPn(15)` for n = 1, 2, 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Se3FirstLayer {
    /// 4 bits.
    pub tx_scheme: u8,
    /// 12 bits.
    pub crs_re_mask: u16,
    pub crs_shift: bool,
    /// 3 bits.
    pub reserved1: u8,
    /// 4 bits.
    pub crs_sym_num: u8,
    pub reserved2: u8,
    /// `(reserved bit, beamIdAPn)` for n = 1, 2, 3 (Wireshark 4.x shows only
    /// 7 bits of each beamId).
    pub beam_id_ap: [(bool, u16); 3],
}

/// A `reserved(1) id(15)` port entry (SE 10, SE 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PortId {
    pub reserved: bool,
    /// 15 bits: beamId or ueId.
    pub id: u16,
}

/// What follows `beamGroupType(2) numPortc(6)` in SE 10.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Se10Ports {
    /// beamGroupType 0 (common beam) and 1 (beam matrix indication):
    /// `reserved(8)`.
    Reserved(u8),
    /// beamGroupType 2 (beam vector listing): numPortc x `reserved(1)
    /// beamId/ueId(15)` (numPortc entries, as Wireshark reads them).
    List(Vec<PortId>),
    /// beamGroupType 3: `portListIndex(8)` (absent when numPortc is 0), then
    /// numPortc - 1 x `reserved(1) beamId/ueId(15) portListIndex(8)`.
    WithIndex {
        first_port_list_index: Option<u8>,
        entries: Vec<(PortId, u8)>,
    },
}

/// One SE 11 PRB bundle: `contInd(1) beamId(15)`; with weights enabled the
/// bundle starts with a bfwCompParam and ends with the weights.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Se11Bundle {
    pub cont_ind: bool,
    /// 15 bits.
    pub beam_id: u16,
    /// `Some` exactly when disableBFWs is 0.
    pub weights: Option<BfWeights>,
}

/// One SE 13 allocation: `reserved(2) nextSymbolId(4) nextStartPrbc(10)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Se13Allocation {
    /// 2 bits.
    pub reserved: u8,
    /// 4 bits.
    pub next_symbol_id: u8,
    /// 10 bits.
    pub next_start_prbc: u16,
}

/// One SE 19 port: `reserved(4) portReMask(12)`, `reserved(2)
/// portSymbolMask(14)`, `reserved(1) beamId(15)`, then with weights
/// enabled a bfwCompParam and the weights.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Se19Port {
    /// 4 bits.
    pub reserved1: u8,
    /// 12 bits.
    pub port_re_mask: u16,
    /// 2 bits.
    pub reserved2: u8,
    /// 14 bits.
    pub port_symbol_mask: u16,
    pub reserved3: bool,
    /// 15 bits.
    pub beam_id: u16,
    /// `Some` exactly when disableBFWs is 0.
    pub weights: Option<BfWeights>,
}

/// The optional RBG part of an SE 20 pattern: `reserved(1) rbgSize(3)
/// rbgMask(28)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PuncRbg {
    pub reserved: bool,
    /// 3 bits (code: 1,2,3,4,6,8,16 PRBs; 0 reserved).
    pub rbg_size: u8,
    /// 28 bits.
    pub rbg_mask: u32,
}

/// One SE 20 puncturing pattern: `symbolMask(14) startPuncPrb(10)`,
/// `numPuncPrb(8)`, `puncReMask(12) rb(1) reserved(1) multiSDScope(1)
/// rbgIncl(1)`, then the RBG part when rbgIncl (Wireshark 4.x masks only
/// 10 of puncReMask's 12 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PuncPattern {
    /// 14 bits.
    pub symbol_mask: u16,
    /// 10 bits.
    pub start_punc_prb: u16,
    pub num_punc_prb: u8,
    /// 12 bits.
    pub punc_re_mask: u16,
    pub rb: bool,
    pub reserved: bool,
    pub multi_sd_scope: bool,
    /// rbgIncl is `rbg.is_some()`.
    pub rbg: Option<PuncRbg>,
}

/// SE 23 PRB selection of a pattern, by prbMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PrbSelection {
    /// prbMode 0 (PRB-MASK): `prbPattern(4) reserved(8)`.
    Mask { prb_pattern: u8, reserved: u8 },
    /// prbMode 1 (PRB-BLOCK): `prbBlkOffset(8) prbBlkSize(4)`.
    Block { offset: u8, size: u8 },
}

/// One SE 23 symbol/PRB pattern (8 bytes): `reserved(2) symMask(14)`,
/// `numMcScaleOffset(4)` and the [`PrbSelection`] (12 bits), `reserved(4)
/// mcScaleReMask(12)`, `csf(1) mcScaleOffset(15)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SymPrbPattern {
    /// 2 bits.
    pub reserved1: u8,
    /// 14 bits.
    pub sym_mask: u16,
    /// 4 bits.
    pub num_mc_scale_offset: u8,
    /// Its variant must match the extension's prbMode.
    pub prb: PrbSelection,
    /// 4 bits.
    pub reserved2: u8,
    /// 12 bits.
    pub mc_scale_re_mask: u16,
    pub csf: bool,
    /// 15 bits.
    pub mc_scale_offset: u16,
}

/// The 5 bits of an SE 24 type 2/3 entry between nscid and firstPrb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DmrsPrecoding {
    /// entryType 2 (transform precoding disabled): `dType(1)
    /// cdmWithoutData(2) lambda(2)`.
    Disabled {
        d_type: bool,
        cdm_without_data: u8,
        lambda: u8,
    },
    /// entryType 3 (transform precoding enabled): `reserved(1)
    /// lowPaprType(2) hoppingMode(2)`.
    Enabled {
        reserved: bool,
        low_papr_type: u8,
        hopping_mode: u8,
    },
}

/// The configuration of an SE 24 entry of type 2 or 3: `ueIdReset(1)
/// reserved(1) dmrsSymbolMask(14)`, `scrambling(16)`, `nscid(1)` + 5 bits
/// ([`DmrsPrecoding`]) + `firstPrb(9) lastPrb(9)`, `reserved(16)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DmrsConfig {
    pub ue_id_reset: bool,
    pub reserved1: bool,
    /// 14 bits.
    pub dmrs_symbol_mask: u16,
    pub scrambling: u16,
    pub nscid: bool,
    /// Its variant must match entryType (2: Disabled, 3: Enabled).
    pub precoding: DmrsPrecoding,
    /// 9 bits.
    pub first_prb: u16,
    /// 9 bits.
    pub last_prb: u16,
    pub reserved2: u16,
}

/// One SE 24 entry: `entryType(3) dmrsPortNumber(5)`, then for types 2
/// and 3 the [`DmrsConfig`] (types 0/1 inherit the previous one; 4-7 are
/// reserved and read as one byte, as Wireshark does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DmrsEntry {
    /// 3 bits.
    pub entry_type: u8,
    /// 5 bits.
    pub dmrs_port_number: u8,
    /// `Some` exactly for entryType 2 and 3.
    pub config: Option<DmrsConfig>,
}

/// A typed section extension. Encode with [`SectionExtension::encode`];
/// decode with [`Extension::decode`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum SectionExtension {
    /// SE 1, beamforming weights: `bfwCompHdr(8)`, then one block of
    /// weights ([`BfWeights`]: bfwCompParam, K x (bfwI, bfwQ)). K is
    /// [`CplaneContext::num_trx`]; without it, as many weights as fit.
    Se1 { comp_hdr: BfwCompHdr, weights: BfWeights },
    /// SE 2, beamforming attributes: `reserved(2) bfAzPtWidth(3)
    /// bfZePtWidth(3)`, `reserved(2) bfAz3ddWidth(3) bfZe3ddWidth(3)`, then
    /// bfAzPt, bfZePt, bfAz3dd, bfZe3dd of (width code + 1) bits each
    /// (absent for code 0), zero bits to a byte boundary (kept in `pad`),
    /// then `reserved(2) bfAzSl(3) bfZeSl(3)`. Wireshark 4.x instead reads
    /// the last byte from the attributes' last byte when at most 2 of its
    /// bits were used.
    Se2 {
        reserved1: u8,
        az_pt_width: u8,
        ze_pt_width: u8,
        reserved2: u8,
        az_3dd_width: u8,
        ze_3dd_width: u8,
        /// Each value is only on the wire when its width code is non-zero.
        az_pt: u8,
        ze_pt: u8,
        az_3dd: u8,
        ze_3dd: u8,
        /// The bits between the attributes and the byte boundary.
        pad: u8,
        reserved3: u8,
        az_sl: u8,
        ze_sl: u8,
    },
    /// SE 3, DL precoding configuration (LTE): `codebookIndex(8)`,
    /// `layerId(4) numLayers(4)`, then for the first layer (layerId 0 or
    /// 0xF) the [`Se3FirstLayer`] fields.
    Se3 {
        codebook_index: u8,
        layer_id: u8,
        num_layers: u8,
        /// `Some` exactly when layerId is 0 or 0xF.
        first_layer: Option<Se3FirstLayer>,
    },
    /// SE 4, modulation compression parameters: `csf(1) modCompScaler(15)`.
    Se4 { csf: bool, mod_comp_scaler: u16 },
    /// SE 5, modulation compression additional scaling: 1-4 sets of
    /// [`McScaleSet`] (28 bits each), zero-filled to extLen. The number of
    /// sets follows extLen as in Wireshark: 2 words 1 set, 3 words 2, 4
    /// words 4 sets unless the last 28 bits are zero (then 3).
    Se5 { sets: Vec<McScaleSet> },
    /// SE 6, non-contiguous PRB allocation: `repetition(1) rbgSize(3)
    /// rbgMask(28)`, `priority(2) symbolMask(14)`.
    Se6 {
        repetition: bool,
        /// 3 bits (1,2,3,4,6,8,16 PRBs; 0 reserved).
        rbg_size: u8,
        /// 28 bits, LSB = first RBG.
        rbg_mask: u32,
        /// 2 bits.
        priority: u8,
        /// 14 bits, LSB = symbol 0.
        symbol_mask: u16,
    },
    /// SE 7, multiple-eAxC designation: `eAxCmask(16)`.
    Se7 { eaxc_mask: u16 },
    /// SE 8, regularization factor: `regularizationFactor(16, signed)`.
    Se8 { regularization_factor: i16 },
    /// SE 9, dynamic spectrum sharing: `technology(8: 0 LTE, 1 NR)
    /// reserved(8)`.
    Se9 { technology: u8, reserved: u8 },
    /// SE 10, multiple ports grouping: `beamGroupType(2) numPortc(6)` then
    /// [`Se10Ports`].
    Se10 {
        /// 2 bits; must agree with the `ports` variant.
        beam_group_type: u8,
        /// 6 bits; must agree with the length of a port list.
        num_portc: u8,
        ports: Se10Ports,
    },
    /// SE 11, flexible beamforming weights (16-bit extLen): `disableBFWs(1)
    /// RAD(1) bundleOffset(6)`, `numBundPrb(8)`, then with weights
    /// `bfwCompHdr(8)` and per bundle `bfwCompParam, contInd(1) beamId(15),
    /// weights`, without weights per bundle `contInd(1) beamId(15)`. The
    /// bundle count comes from [`ExtHints::se11_num_bundles`], else as many
    /// bundles as the extension holds (zero bytes in the last word are
    /// padding); weights per bundle from [`CplaneContext::num_trx`], else
    /// inferred from the length and bundle count.
    Se11 {
        disable_bfws: bool,
        rad: bool,
        /// 6 bits.
        bundle_offset: u8,
        /// 0 is reserved.
        num_bund_prb: u8,
        /// `Some` exactly when disableBFWs is 0.
        comp_hdr: Option<BfwCompHdr>,
        bundles: Vec<Se11Bundle>,
    },
    /// SE 12, non-contiguous PRB allocation with frequency ranges:
    /// `priority(2) symbolMask(14)`, then `offStartPrb(8) numPrb(8)` pairs
    /// filling extLen; a last pair of (0, 0) is filler and not listed.
    Se12 {
        priority: u8,
        symbol_mask: u16,
        /// `(offStartPrb, numPrb)`.
        ranges: Vec<(u8, u8)>,
    },
    /// SE 13, PRB allocation with frequency hopping: allocations filling
    /// extLen, all listed (an even count is padded with a zero one).
    Se13 { allocations: Vec<Se13Allocation> },
    /// SE 14, nulling-layer info: after an SE 10, numPortc + 1 x
    /// `nullLayerInd(8)` ([`ExtHints::se10_num_portc`]); otherwise
    /// `nullLayerInd(8) reserved(8)`.
    Se14 {
        null_layer_ind: Vec<u8>,
        /// The reserved byte of the form without SE 10.
        reserved: Option<u8>,
    },
    /// SE 15, mixed-numerology info: `frameStructure(8) freqOffset(24,
    /// signed) cpLength(16)`.
    Se15 {
        frame_structure: FrameStructure,
        freq_offset: i32,
        cp_length: u16,
    },
    /// SE 16, antenna mapping: `antMask(64)` per RX eAxC, filling extLen.
    Se16 { ant_masks: Vec<u64> },
    /// SE 17, user port group: `numUeId(4)` per user, filling extLen;
    /// trailing zero nibbles are padding and not listed.
    Se17 { num_ue_id: Vec<u8> },
    /// SE 18, uplink transmission management:
    /// `transmissionWindowOffset(16)`, `reserved(2)
    /// transmissionWindowSize(14)`, `reserved(6) toT(2)`.
    Se18 {
        transmission_window_offset: u16,
        reserved1: u8,
        transmission_window_size: u16,
        reserved2: u8,
        to_t: u8,
    },
    /// SE 19, compact beamforming information (16-bit extLen):
    /// `disableBFWs(1) repetition(1) numPortc(6)`, `priority(2)
    /// symbolMask(14)`, then unless repetition: `bfwCompHdr(8)` (only with
    /// weights) and numPortc [`Se19Port`]s. Weights per port from
    /// [`CplaneContext::num_trx`], else inferred from the length.
    Se19 {
        disable_bfws: bool,
        repetition: bool,
        /// 6 bits; the number of ports unless repetition.
        num_portc: u8,
        priority: u8,
        symbol_mask: u16,
        /// `Some` exactly when neither repetition nor disableBFWs.
        comp_hdr: Option<BfwCompHdr>,
        /// Empty with repetition.
        ports: Vec<Se19Port>,
    },
    /// SE 20, puncturing (16-bit extLen): `numPuncPatterns(8)` then the
    /// [`PuncPattern`]s.
    Se20 { patterns: Vec<PuncPattern> },
    /// SE 21, variable PRB group size for channel information:
    /// `ciPrbGroupSize(8)`, `reserved(6) prgSize(2)`.
    Se21 {
        ci_prb_group_size: u8,
        reserved: u8,
        prg_size: u8,
    },
    /// SE 22, ACK/NACK request: `ackNackReqId(16)`.
    Se22 { ack_nack_req_id: u16 },
    /// SE 23, multiple-symbol modulation compression: `numSymPrbPattern(4)
    /// reserved(3) prbMode(1)`, `reserved(8)`, then the [`SymPrbPattern`]s.
    Se23 {
        reserved1: u8,
        /// false: PRB-MASK, true: PRB-BLOCK.
        prb_mode: bool,
        reserved2: u8,
        /// At most 15.
        patterns: Vec<SymPrbPattern>,
    },
    /// SE 24, PUSCH DMRS configuration: `alpnPerSym(1) antDmrsSnr(1)
    /// reserved(1) userGroupSize(5)`, `userGroupId(8)`, then one
    /// [`DmrsEntry`] per ueId ([`ExtHints::se24_num_entries`], else as many
    /// as the extension holds, zero bytes in its last word being padding).
    Se24 {
        alpn_per_sym: bool,
        ant_dmrs_snr: bool,
        reserved: bool,
        /// 5 bits.
        user_group_size: u8,
        user_group_id: u8,
        entries: Vec<DmrsEntry>,
    },
    /// SE 25, symbol reordering for DMRS-BF: per layer 14 x
    /// `txWinForOnAirSymbol(4)` (0xF = no info), 7 bytes a layer, filling
    /// extLen.
    Se25 { layers: Vec<[u8; 14]> },
    /// SE 26, frequency offset feedback: `reserved(8)`, `reserved(1)
    /// numFoFb(7)`, numFoFb x `freqOffsetFb(16, signed)`.
    Se26 {
        reserved1: u8,
        reserved2: bool,
        freq_offset_fb: Vec<i16>,
    },
    /// SE 27, O-DU controlled dimensionality reduction: `beamType(2)
    /// reserved(6)`, `numElements(8, 0 = 256)`, then beamType 0: numElements
    /// x `reserved(1) beamId(15)`; beamType 1: one (the range start);
    /// beamTypes 2, 3: nothing.
    Se27 {
        beam_type: u8,
        reserved: u8,
        /// Raw numElements (0 = 256).
        num_elements: u8,
        beam_ids: Vec<PortId>,
    },
    /// SE 28, O-DU controlled frequency resolution for SINR reporting:
    /// `reserved(3) numUeSinrRpt(5)`, then per UE `reserved(1)
    /// numSinrPerPrb(3)`, two a byte, the first UE in the high nibble
    /// (unconfirmed; Wireshark 4.x reads the count with the reserved bits
    /// and puts the first UE in the low nibble).
    Se28 {
        reserved: u8,
        /// `(reserved bit, numSinrPerPrb code)` per UE.
        ues: Vec<(bool, u8)>,
    },
    /// Reserved extTypes (0, 29..=127): the body, padding included.
    Unknown { ext_type: u8, body: Vec<u8> },
}

/// An encoded extension: its type and body (not yet padded); borrow it as
/// a raw [`Extension`] with [`EncodedExtension::as_raw`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EncodedExtension {
    pub ext_type: u8,
    pub body: Vec<u8>,
}

impl EncodedExtension {
    /// A raw extension over the body; ef, extLen and padding are written by
    /// the message emitter.
    pub fn as_raw(&self) -> Extension<'_> {
        Extension::new(self.ext_type, &self.body)
    }
}

impl<'a> Extension<'a> {
    /// Decode the body without hints from the section (see
    /// [`SectionExtension`] for what falls back to extLen).
    /// `section_type` is the carrying message's; layouts do not depend on
    /// it, and a misplaced extension is decoded all the same.
    pub fn decode(&self, section_type: SectionType, ctx: &CplaneContext) -> Result<SectionExtension> {
        self.decode_with(section_type, ctx, &ExtHints::default())
    }

    /// Decode the body with hints from the section.
    ///
    /// Errors (offsets in the message): `Truncated` when the fields run
    /// past extLen; `Unsupported` for reserved bfwCompMeth values and for
    /// weights whose count cannot be known (see [`CplaneContext::num_trx`]).
    pub fn decode_with(
        &self,
        _section_type: SectionType,
        ctx: &CplaneContext,
        hints: &ExtHints,
    ) -> Result<SectionExtension> {
        let base = self.offset + Extension::header_len(self.ext_type);
        let mut r = BitReader::new(self.body, ctx_name(self.ext_type)).with_base(base);
        decode_body(self.ext_type, self.body, self.len_words, &mut r, base, ctx, hints)
    }
}

fn rd(r: &mut BitReader<'_>, n: u32) -> Result<u32> {
    r.read(n)
}

fn rd8(r: &mut BitReader<'_>, n: u32) -> Result<u8> {
    Ok(r.read(n)? as u8)
}

fn rd16(r: &mut BitReader<'_>, n: u32) -> Result<u16> {
    Ok(r.read(n)? as u16)
}

fn rdb(r: &mut BitReader<'_>) -> Result<bool> {
    r.read_bool()
}

/// Length of `body` without the zero bytes at its end that only pad the
/// last 4-byte word of an extension whose header is `hdr` bytes.
fn content_len(body: &[u8], hdr: usize) -> usize {
    let words = (hdr + body.len()).div_ceil(4);
    let mut l = body.len();
    while l > 0 && body[l - 1] == 0 && (hdr + l - 1).div_ceil(4) == words {
        l -= 1;
    }
    l
}

fn unsupported(what: &'static str, offset: usize, ext_type: u8) -> Error {
    Error::new(ErrorKind::Unsupported(what), offset, ctx_name(ext_type))
}

/// Absolute offset of the reader's current byte.
fn at(r: &BitReader<'_>, base: usize) -> usize {
    base + r.bit_pos() / 8
}

fn decode_body(
    ext_type: u8,
    body: &[u8],
    len_words: u16,
    r: &mut BitReader<'_>,
    base: usize,
    ctx: &CplaneContext,
    hints: &ExtHints,
) -> Result<SectionExtension> {
    let hdr = Extension::header_len(ext_type);
    Ok(match ext_type {
        1 => {
            let comp_hdr = BfwCompHdr::from_byte(rd8(r, 8)?);
            let count = match ctx.num_trx {
                Some(k) => WeightCount::Trx(k.into()),
                None => WeightCount::Fill {
                    bits: r.remaining_bits(),
                },
            };
            SectionExtension::Se1 {
                comp_hdr,
                weights: BfWeights::read(r, comp_hdr, count)?,
            }
        }
        2 => {
            let reserved1 = rd8(r, 2)?;
            let az_pt_width = rd8(r, 3)?;
            let ze_pt_width = rd8(r, 3)?;
            let reserved2 = rd8(r, 2)?;
            let az_3dd_width = rd8(r, 3)?;
            let ze_3dd_width = rd8(r, 3)?;
            let val = |r: &mut BitReader<'_>, code: u8| -> Result<u8> {
                if code == 0 { Ok(0) } else { rd8(r, u32::from(code) + 1) }
            };
            let az_pt = val(r, az_pt_width)?;
            let ze_pt = val(r, ze_pt_width)?;
            let az_3dd = val(r, az_3dd_width)?;
            let ze_3dd = val(r, ze_3dd_width)?;
            let pad_bits = (8 - r.bit_pos() % 8) % 8;
            let pad = rd8(r, pad_bits as u32)?;
            SectionExtension::Se2 {
                reserved1,
                az_pt_width,
                ze_pt_width,
                reserved2,
                az_3dd_width,
                ze_3dd_width,
                az_pt,
                ze_pt,
                az_3dd,
                ze_3dd,
                pad,
                reserved3: rd8(r, 2)?,
                az_sl: rd8(r, 3)?,
                ze_sl: rd8(r, 3)?,
            }
        }
        3 => {
            let codebook_index = rd8(r, 8)?;
            let layer_id = rd8(r, 4)?;
            let num_layers = rd8(r, 4)?;
            let first_layer = if layer_id == 0 || layer_id == 0xF {
                let tx_scheme = rd8(r, 4)?;
                let crs_re_mask = rd16(r, 12)?;
                let crs_shift = rdb(r)?;
                let reserved1 = rd8(r, 3)?;
                let crs_sym_num = rd8(r, 4)?;
                let reserved2 = rd8(r, 8)?;
                let mut beam_id_ap = [(false, 0); 3];
                for b in &mut beam_id_ap {
                    *b = (rdb(r)?, rd16(r, 15)?);
                }
                Some(Se3FirstLayer {
                    tx_scheme,
                    crs_re_mask,
                    crs_shift,
                    reserved1,
                    crs_sym_num,
                    reserved2,
                    beam_id_ap,
                })
            } else {
                None
            };
            SectionExtension::Se3 {
                codebook_index,
                layer_id,
                num_layers,
                first_layer,
            }
        }
        4 => SectionExtension::Se4 {
            csf: rdb(r)?,
            mod_comp_scaler: rd16(r, 15)?,
        },
        5 => {
            let n = r.remaining_bits() / 28;
            let mut sets = Vec::with_capacity(n);
            for _ in 0..n {
                sets.push(McScaleSet {
                    re_mask: rd16(r, 12)?,
                    csf: rdb(r)?,
                    scale_offset: rd16(r, 15)?,
                });
            }
            // With extLen 4 the 4th set may be the zero fill after 3 sets.
            let zero = McScaleSet {
                re_mask: 0,
                csf: false,
                scale_offset: 0,
            };
            if len_words == 4 && sets.len() == 4 && sets[3] == zero {
                sets.truncate(3);
            }
            SectionExtension::Se5 { sets }
        }
        6 => SectionExtension::Se6 {
            repetition: rdb(r)?,
            rbg_size: rd8(r, 3)?,
            rbg_mask: rd(r, 28)?,
            priority: rd8(r, 2)?,
            symbol_mask: rd16(r, 14)?,
        },
        7 => SectionExtension::Se7 {
            eaxc_mask: rd16(r, 16)?,
        },
        8 => SectionExtension::Se8 {
            regularization_factor: rd16(r, 16)? as i16,
        },
        9 => SectionExtension::Se9 {
            technology: rd8(r, 8)?,
            reserved: rd8(r, 8)?,
        },
        10 => {
            let beam_group_type = rd8(r, 2)?;
            let num_portc = rd8(r, 6)?;
            let ports = match beam_group_type {
                0 | 1 => Se10Ports::Reserved(rd8(r, 8)?),
                2 => {
                    let mut v = Vec::new();
                    for _ in 0..num_portc {
                        v.push(PortId {
                            reserved: rdb(r)?,
                            id: rd16(r, 15)?,
                        });
                    }
                    Se10Ports::List(v)
                }
                _ => {
                    let first_port_list_index = if num_portc > 0 { Some(rd8(r, 8)?) } else { None };
                    let mut entries = Vec::new();
                    for _ in 1..num_portc {
                        let p = PortId {
                            reserved: rdb(r)?,
                            id: rd16(r, 15)?,
                        };
                        entries.push((p, rd8(r, 8)?));
                    }
                    Se10Ports::WithIndex {
                        first_port_list_index,
                        entries,
                    }
                }
            };
            SectionExtension::Se10 {
                beam_group_type,
                num_portc,
                ports,
            }
        }
        11 => decode_se11(body, r, base, ctx, hints)?,
        12 => {
            let priority = rd8(r, 2)?;
            let symbol_mask = rd16(r, 14)?;
            let mut ranges = Vec::new();
            while r.remaining_bits() >= 16 {
                ranges.push((rd8(r, 8)?, rd8(r, 8)?));
            }
            if ranges.last() == Some(&(0, 0)) {
                ranges.pop();
            }
            SectionExtension::Se12 {
                priority,
                symbol_mask,
                ranges,
            }
        }
        13 => {
            let mut allocations = Vec::new();
            while r.remaining_bits() >= 16 {
                allocations.push(Se13Allocation {
                    reserved: rd8(r, 2)?,
                    next_symbol_id: rd8(r, 4)?,
                    next_start_prbc: rd16(r, 10)?,
                });
            }
            SectionExtension::Se13 { allocations }
        }
        14 => match hints.se10_num_portc {
            Some(p) => {
                let mut null_layer_ind = Vec::new();
                for _ in 0..=p {
                    null_layer_ind.push(rd8(r, 8)?);
                }
                SectionExtension::Se14 {
                    null_layer_ind,
                    reserved: None,
                }
            }
            None => SectionExtension::Se14 {
                null_layer_ind: vec![rd8(r, 8)?],
                reserved: Some(rd8(r, 8)?),
            },
        },
        15 => {
            let frame_structure = FrameStructure::from_byte(rd8(r, 8)?);
            let f = rd(r, 24)?;
            SectionExtension::Se15 {
                frame_structure,
                // Sign-extend the 24-bit two's complement value.
                freq_offset: ((f << 8) as i32) >> 8,
                cp_length: rd16(r, 16)?,
            }
        }
        16 => {
            let mut ant_masks = Vec::new();
            while r.remaining_bits() >= 64 {
                ant_masks.push(u64::from(rd(r, 32)?) << 32 | u64::from(rd(r, 32)?));
            }
            SectionExtension::Se16 { ant_masks }
        }
        17 => {
            let mut num_ue_id = Vec::new();
            while r.remaining_bits() >= 4 {
                num_ue_id.push(rd8(r, 4)?);
            }
            while num_ue_id.last() == Some(&0) {
                num_ue_id.pop();
            }
            SectionExtension::Se17 { num_ue_id }
        }
        18 => SectionExtension::Se18 {
            transmission_window_offset: rd16(r, 16)?,
            reserved1: rd8(r, 2)?,
            transmission_window_size: rd16(r, 14)?,
            reserved2: rd8(r, 6)?,
            to_t: rd8(r, 2)?,
        },
        19 => decode_se19(body, r, base, ctx)?,
        20 => {
            let n = rd8(r, 8)?;
            let mut patterns = Vec::new();
            for _ in 0..n {
                let symbol_mask = rd16(r, 14)?;
                let start_punc_prb = rd16(r, 10)?;
                let num_punc_prb = rd8(r, 8)?;
                let punc_re_mask = rd16(r, 12)?;
                let rb = rdb(r)?;
                let reserved = rdb(r)?;
                let multi_sd_scope = rdb(r)?;
                let rbg_incl = rdb(r)?;
                let rbg = if rbg_incl {
                    Some(PuncRbg {
                        reserved: rdb(r)?,
                        rbg_size: rd8(r, 3)?,
                        rbg_mask: rd(r, 28)?,
                    })
                } else {
                    None
                };
                patterns.push(PuncPattern {
                    symbol_mask,
                    start_punc_prb,
                    num_punc_prb,
                    punc_re_mask,
                    rb,
                    reserved,
                    multi_sd_scope,
                    rbg,
                });
            }
            SectionExtension::Se20 { patterns }
        }
        21 => SectionExtension::Se21 {
            ci_prb_group_size: rd8(r, 8)?,
            reserved: rd8(r, 6)?,
            prg_size: rd8(r, 2)?,
        },
        22 => SectionExtension::Se22 {
            ack_nack_req_id: rd16(r, 16)?,
        },
        23 => {
            let n = rd8(r, 4)?;
            let reserved1 = rd8(r, 3)?;
            let prb_mode = rdb(r)?;
            let reserved2 = rd8(r, 8)?;
            let mut patterns = Vec::new();
            for _ in 0..n {
                let reserved1 = rd8(r, 2)?;
                let sym_mask = rd16(r, 14)?;
                let num_mc_scale_offset = rd8(r, 4)?;
                let prb = if prb_mode {
                    PrbSelection::Block {
                        offset: rd8(r, 8)?,
                        size: rd8(r, 4)?,
                    }
                } else {
                    PrbSelection::Mask {
                        prb_pattern: rd8(r, 4)?,
                        reserved: rd8(r, 8)?,
                    }
                };
                patterns.push(SymPrbPattern {
                    reserved1,
                    sym_mask,
                    num_mc_scale_offset,
                    prb,
                    reserved2: rd8(r, 4)?,
                    mc_scale_re_mask: rd16(r, 12)?,
                    csf: rdb(r)?,
                    mc_scale_offset: rd16(r, 15)?,
                });
            }
            SectionExtension::Se23 {
                reserved1,
                prb_mode,
                reserved2,
                patterns,
            }
        }
        24 => {
            let alpn_per_sym = rdb(r)?;
            let ant_dmrs_snr = rdb(r)?;
            let reserved = rdb(r)?;
            let user_group_size = rd8(r, 5)?;
            let user_group_id = rd8(r, 8)?;
            let end = content_len(body, hdr);
            let mut entries = Vec::new();
            loop {
                match hints.se24_num_entries {
                    Some(n) if entries.len() >= n => break,
                    None if r.bit_pos() / 8 >= end => break,
                    _ => {}
                }
                entries.push(read_dmrs_entry(r)?);
            }
            SectionExtension::Se24 {
                alpn_per_sym,
                ant_dmrs_snr,
                reserved,
                user_group_size,
                user_group_id,
                entries,
            }
        }
        25 => {
            let mut layers = Vec::new();
            while r.remaining_bits() >= 56 {
                let mut l = [0u8; 14];
                for v in &mut l {
                    *v = rd8(r, 4)?;
                }
                layers.push(l);
            }
            SectionExtension::Se25 { layers }
        }
        26 => {
            let reserved1 = rd8(r, 8)?;
            let reserved2 = rdb(r)?;
            let n = rd8(r, 7)?;
            let mut freq_offset_fb = Vec::new();
            for _ in 0..n {
                freq_offset_fb.push(rd16(r, 16)? as i16);
            }
            SectionExtension::Se26 {
                reserved1,
                reserved2,
                freq_offset_fb,
            }
        }
        27 => {
            let beam_type = rd8(r, 2)?;
            let reserved = rd8(r, 6)?;
            let num_elements = rd8(r, 8)?;
            let n = match beam_type {
                0 if num_elements == 0 => 256,
                0 => usize::from(num_elements),
                1 => 1,
                _ => 0,
            };
            let mut beam_ids = Vec::new();
            for _ in 0..n {
                beam_ids.push(PortId {
                    reserved: rdb(r)?,
                    id: rd16(r, 15)?,
                });
            }
            SectionExtension::Se27 {
                beam_type,
                reserved,
                num_elements,
                beam_ids,
            }
        }
        28 => {
            let reserved = rd8(r, 3)?;
            let n = rd8(r, 5)?;
            let mut ues = Vec::new();
            for _ in 0..n {
                ues.push((rdb(r)?, rd8(r, 3)?));
            }
            SectionExtension::Se28 { reserved, ues }
        }
        _ => SectionExtension::Unknown {
            ext_type,
            body: body.to_vec(),
        },
    })
}

fn read_dmrs_entry(r: &mut BitReader<'_>) -> Result<DmrsEntry> {
    let entry_type = rd8(r, 3)?;
    let dmrs_port_number = rd8(r, 5)?;
    let config = if entry_type == 2 || entry_type == 3 {
        let ue_id_reset = rdb(r)?;
        let reserved1 = rdb(r)?;
        let dmrs_symbol_mask = rd16(r, 14)?;
        let scrambling = rd16(r, 16)?;
        let nscid = rdb(r)?;
        let a = rdb(r)?;
        let b = rd8(r, 2)?;
        let c = rd8(r, 2)?;
        let precoding = if entry_type == 2 {
            DmrsPrecoding::Disabled {
                d_type: a,
                cdm_without_data: b,
                lambda: c,
            }
        } else {
            DmrsPrecoding::Enabled {
                reserved: a,
                low_papr_type: b,
                hopping_mode: c,
            }
        };
        Some(DmrsConfig {
            ue_id_reset,
            reserved1,
            dmrs_symbol_mask,
            scrambling,
            nscid,
            precoding,
            first_prb: rd16(r, 9)?,
            last_prb: rd16(r, 9)?,
            reserved2: rd16(r, 16)?,
        })
    } else {
        None
    };
    Ok(DmrsEntry {
        entry_type,
        dmrs_port_number,
        config,
    })
}

/// Largest K whose `blocks` blocks of `fixed` bytes plus K weights of
/// `2 * w` bits (each block rounded up to a byte) fit in `avail` bytes.
fn infer_k(avail: usize, blocks: usize, fixed: usize, w: u32) -> usize {
    if blocks == 0 {
        return 0;
    }
    (avail / blocks).saturating_sub(fixed) * 8 / (2 * w as usize)
}

fn decode_se11(
    body: &[u8],
    r: &mut BitReader<'_>,
    base: usize,
    ctx: &CplaneContext,
    hints: &ExtHints,
) -> Result<SectionExtension> {
    let hdr = 3;
    let disable_bfws = rdb(r)?;
    let rad = rdb(r)?;
    let bundle_offset = rd8(r, 6)?;
    let num_bund_prb = rd8(r, 8)?;
    let comp_hdr = if disable_bfws {
        None
    } else {
        Some(BfwCompHdr::from_byte(rd8(r, 8)?))
    };
    let end = content_len(body, hdr);
    let k = match (comp_hdr, ctx.num_trx) {
        (None, _) => None,
        (Some(_), Some(k)) => Some(usize::from(k)),
        (Some(h), None) => {
            if h.method.is_beamspace() {
                return Err(unsupported(
                    "SE 11 beamspace weights without CplaneContext::num_trx",
                    at(r, base),
                    11,
                ));
            }
            let Some(n) = hints.se11_num_bundles else {
                return Err(unsupported(
                    "SE 11 weights without CplaneContext::num_trx or the bundle count",
                    at(r, base),
                    11,
                ));
            };
            let param = usize::from(h.method != super::BfwCompMethod::None);
            Some(infer_k(body.len() - r.bit_pos() / 8, n, param + 2, h.width()))
        }
    };
    let mut bundles = Vec::new();
    loop {
        match hints.se11_num_bundles {
            Some(n) if bundles.len() >= n => break,
            None if r.bit_pos() / 8 >= end => break,
            _ => {}
        }
        let bundle = match (comp_hdr, k) {
            (Some(h), Some(k)) => {
                let count = WeightCount::Trx(k);
                let param = bfw::read_param(r, h, count)?;
                let cont_ind = rdb(r)?;
                let beam_id = rd16(r, 15)?;
                let iq = bfw::read_codes(r, h, &param, count, 0)?;
                Se11Bundle {
                    cont_ind,
                    beam_id,
                    weights: Some(BfWeights { param, iq }),
                }
            }
            _ => Se11Bundle {
                cont_ind: rdb(r)?,
                beam_id: rd16(r, 15)?,
                weights: None,
            },
        };
        bundles.push(bundle);
    }
    Ok(SectionExtension::Se11 {
        disable_bfws,
        rad,
        bundle_offset,
        num_bund_prb,
        comp_hdr,
        bundles,
    })
}

fn decode_se19(body: &[u8], r: &mut BitReader<'_>, base: usize, ctx: &CplaneContext) -> Result<SectionExtension> {
    let disable_bfws = rdb(r)?;
    let repetition = rdb(r)?;
    let num_portc = rd8(r, 6)?;
    let priority = rd8(r, 2)?;
    let symbol_mask = rd16(r, 14)?;
    let comp_hdr = if !repetition && !disable_bfws {
        Some(BfwCompHdr::from_byte(rd8(r, 8)?))
    } else {
        None
    };
    let mut ports = Vec::new();
    if !repetition {
        let k = match (comp_hdr, ctx.num_trx) {
            (None, _) => None,
            (Some(_), Some(k)) => Some(usize::from(k)),
            (Some(h), None) => {
                if h.method.is_beamspace() {
                    return Err(unsupported(
                        "SE 19 beamspace weights without CplaneContext::num_trx",
                        at(r, base),
                        19,
                    ));
                }
                let param = usize::from(h.method != super::BfwCompMethod::None);
                Some(infer_k(
                    body.len() - r.bit_pos() / 8,
                    num_portc.into(),
                    param + 6,
                    h.width(),
                ))
            }
        };
        for _ in 0..num_portc {
            let reserved1 = rd8(r, 4)?;
            let port_re_mask = rd16(r, 12)?;
            let reserved2 = rd8(r, 2)?;
            let port_symbol_mask = rd16(r, 14)?;
            let reserved3 = rdb(r)?;
            let beam_id = rd16(r, 15)?;
            let weights = match (comp_hdr, k) {
                (Some(h), Some(k)) => Some(BfWeights::read(r, h, WeightCount::Trx(k))?),
                _ => None,
            };
            ports.push(Se19Port {
                reserved1,
                port_re_mask,
                reserved2,
                port_symbol_mask,
                reserved3,
                beam_id,
                weights,
            });
        }
    }
    Ok(SectionExtension::Se19 {
        disable_bfws,
        repetition,
        num_portc,
        priority,
        symbol_mask,
        comp_hdr,
        ports,
    })
}

/// Decode an extension chain, feeding each extension what the section and
/// the extensions before it say.
pub(crate) fn decode_chain(
    exts: &[Extension<'_>],
    section_type: SectionType,
    ctx: &CplaneContext,
    info: SectionInfo,
) -> Result<Vec<SectionExtension>> {
    let mut out: Vec<SectionExtension> = Vec::with_capacity(exts.len());
    for e in exts {
        let hints = hints_for(e, &out, ctx, info);
        out.push(e.decode_with(section_type, ctx, &hints)?);
    }
    Ok(out)
}

/// SE 6 rbgSize code to PRBs (0 reserved).
pub fn rbg_size_prbs(code: u8) -> u16 {
    match code & 7 {
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 6,
        6 => 8,
        7 => 16,
        _ => 0,
    }
}

fn hints_for(e: &Extension<'_>, before: &[SectionExtension], ctx: &CplaneContext, info: SectionInfo) -> ExtHints {
    let mut h = ExtHints::default();
    let num_prb = match info.num_prb {
        0 => usize::from(ctx.carrier_prbs),
        n => usize::from(n),
    };
    match e.ext_type {
        11 => {
            // numBundPrb is the extension's 2nd byte.
            let nb = usize::from(e.body.get(1).copied().unwrap_or(0));
            if nb > 0 {
                h.se11_num_bundles = Some(se11_bundles(before, info.start_prb.into(), num_prb, nb));
            }
        }
        14 => {
            h.se10_num_portc = before.iter().rev().find_map(|x| match x {
                SectionExtension::Se10 { num_portc, .. } => Some(*num_portc),
                _ => None,
            });
        }
        24 => {
            // The section's ueId and those listed by SE 10, 0x7FFF excluded.
            let mut n = usize::from(info.ue_id.is_some_and(|u| u != 0x7FFF));
            for x in before {
                if let SectionExtension::Se10 { ports, .. } = x {
                    n += match ports {
                        Se10Ports::List(v) => v.iter().filter(|p| p.id != 0x7FFF).count(),
                        Se10Ports::WithIndex { entries, .. } => entries.iter().filter(|(p, _)| p.id != 0x7FFF).count(),
                        Se10Ports::Reserved(_) => 0,
                    };
                }
            }
            h.se24_num_entries = Some(n);
        }
        _ => {}
    }
    h
}

/// SE 11 bundle count, following Wireshark's `ext11_work_out_bundles`:
/// PRBs of an earlier SE 6 (per set rbgMask bit, bundles of numBundPrb up
/// to the section's last PRB), SE 12 (the section's range plus each pair)
/// or SE 13 (the section's range per allocation), else the section's range,
/// each range divided into ceil(PRBs / numBundPrb) bundles.
fn se11_bundles(before: &[SectionExtension], start_prb: usize, num_prb: usize, nb: usize) -> usize {
    let per = |n: usize| n.div_ceil(nb);
    for x in before {
        match x {
            SectionExtension::Se6 { rbg_size, rbg_mask, .. } => {
                let rbg = usize::from(rbg_size_prbs(*rbg_size));
                if rbg == 0 {
                    continue;
                }
                let per_entry = (rbg / nb).max(1);
                let last = start_prb + num_prb.saturating_sub(1);
                let mut count = 0;
                for bit in (0..28).filter(|b| rbg_mask >> b & 1 == 1) {
                    for m in 0..per_entry {
                        if start_prb + bit * rbg + m * nb > last {
                            break;
                        }
                        count += 1;
                    }
                }
                return count;
            }
            SectionExtension::Se12 { ranges, .. } => {
                return per(num_prb) + ranges.iter().map(|(_, n)| per((*n).into())).sum::<usize>();
            }
            SectionExtension::Se13 { allocations } => {
                // Repeats of the previous allocation are filler.
                let distinct = allocations
                    .iter()
                    .enumerate()
                    .filter(|(i, a)| *i == 0 || allocations[i - 1] != **a)
                    .count();
                return per(num_prb) * distinct;
            }
            _ => {}
        }
    }
    per(num_prb)
}

impl SectionExtension {
    /// The extType of this extension.
    pub fn ext_type(&self) -> u8 {
        use SectionExtension::*;
        match self {
            Se1 { .. } => 1,
            Se2 { .. } => 2,
            Se3 { .. } => 3,
            Se4 { .. } => 4,
            Se5 { .. } => 5,
            Se6 { .. } => 6,
            Se7 { .. } => 7,
            Se8 { .. } => 8,
            Se9 { .. } => 9,
            Se10 { .. } => 10,
            Se11 { .. } => 11,
            Se12 { .. } => 12,
            Se13 { .. } => 13,
            Se14 { .. } => 14,
            Se15 { .. } => 15,
            Se16 { .. } => 16,
            Se17 { .. } => 17,
            Se18 { .. } => 18,
            Se19 { .. } => 19,
            Se20 { .. } => 20,
            Se21 { .. } => 21,
            Se22 { .. } => 22,
            Se23 { .. } => 23,
            Se24 { .. } => 24,
            Se25 { .. } => 25,
            Se26 { .. } => 26,
            Se27 { .. } => 27,
            Se28 { .. } => 28,
            Unknown { ext_type, .. } => *ext_type,
        }
    }

    /// Encode the body (unpadded). Errors: `FieldOverflow` for fields too
    /// wide (offsets relative to the body), `Invalid` for inconsistent
    /// parts (a count field that disagrees with its list, an optional part
    /// present when its flag says absent or the reverse, a bfwCompParam of
    /// another method), `Unsupported` for reserved bfwCompMeth values.
    pub fn encode(&self) -> Result<EncodedExtension> {
        let mut body = Vec::new();
        self.write_body(&mut BitWriter::new(&mut body))?;
        Ok(EncodedExtension {
            ext_type: self.ext_type(),
            body,
        })
    }

    /// Append the whole extension: header with extLen computed, body, zero
    /// padding to a 4-byte word.
    pub fn emit(&self, ef: bool, out: &mut Vec<u8>) -> Result<()> {
        let e = self.encode()?;
        let mut raw = e.as_raw();
        raw.ef = ef;
        super::emit_one_extension(&raw, ef, out)
    }

    fn write_body(&self, w: &mut BitWriter<'_>) -> Result<()> {
        use SectionExtension::*;
        let t = self.ext_type();
        let bad = |what: &'static str| Error::invalid(0, what, ctx_name(t));
        match self {
            Se1 { comp_hdr, weights } => {
                comp_hdr.check(0)?;
                w.write(comp_hdr.to_byte().into(), 8)?;
                weights.write(*comp_hdr, w)?;
            }
            Se2 {
                reserved1,
                az_pt_width,
                ze_pt_width,
                reserved2,
                az_3dd_width,
                ze_3dd_width,
                az_pt,
                ze_pt,
                az_3dd,
                ze_3dd,
                pad,
                reserved3,
                az_sl,
                ze_sl,
            } => {
                w.write((*reserved1).into(), 2)?;
                w.write((*az_pt_width).into(), 3)?;
                w.write((*ze_pt_width).into(), 3)?;
                w.write((*reserved2).into(), 2)?;
                w.write((*az_3dd_width).into(), 3)?;
                w.write((*ze_3dd_width).into(), 3)?;
                for (code, v) in [
                    (az_pt_width, az_pt),
                    (ze_pt_width, ze_pt),
                    (az_3dd_width, az_3dd),
                    (ze_3dd_width, ze_3dd),
                ] {
                    if *code != 0 {
                        w.write((*v).into(), u32::from(*code) + 1)?;
                    }
                }
                let pad_bits = (8 - w.bit_len() % 8) % 8;
                w.write((*pad).into(), pad_bits as u32)?;
                w.write((*reserved3).into(), 2)?;
                w.write((*az_sl).into(), 3)?;
                w.write((*ze_sl).into(), 3)?;
            }
            Se3 {
                codebook_index,
                layer_id,
                num_layers,
                first_layer,
            } => {
                w.write((*codebook_index).into(), 8)?;
                w.write((*layer_id).into(), 4)?;
                w.write((*num_layers).into(), 4)?;
                let first = *layer_id == 0 || *layer_id == 0xF;
                match (first, first_layer) {
                    (true, Some(f)) => {
                        w.write(f.tx_scheme.into(), 4)?;
                        w.write(f.crs_re_mask.into(), 12)?;
                        w.write_bool(f.crs_shift);
                        w.write(f.reserved1.into(), 3)?;
                        w.write(f.crs_sym_num.into(), 4)?;
                        w.write(f.reserved2.into(), 8)?;
                        for (res, id) in f.beam_id_ap {
                            w.write_bool(res);
                            w.write(id.into(), 15)?;
                        }
                    }
                    (false, None) => {}
                    _ => return Err(bad("SE 3 first-layer fields present iff layerId is 0 or 15")),
                }
            }
            Se4 { csf, mod_comp_scaler } => {
                w.write_bool(*csf);
                w.write((*mod_comp_scaler).into(), 15)?;
            }
            Se5 { sets } => {
                for s in sets {
                    w.write(s.re_mask.into(), 12)?;
                    w.write_bool(s.csf);
                    w.write(s.scale_offset.into(), 15)?;
                }
            }
            Se6 {
                repetition,
                rbg_size,
                rbg_mask,
                priority,
                symbol_mask,
            } => {
                w.write_bool(*repetition);
                w.write((*rbg_size).into(), 3)?;
                w.write(*rbg_mask, 28)?;
                w.write((*priority).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
            }
            Se7 { eaxc_mask } => w.write((*eaxc_mask).into(), 16)?,
            Se8 { regularization_factor } => w.write(u32::from(*regularization_factor as u16), 16)?,
            Se9 { technology, reserved } => {
                w.write((*technology).into(), 8)?;
                w.write((*reserved).into(), 8)?;
            }
            Se10 {
                beam_group_type,
                num_portc,
                ports,
            } => {
                w.write((*beam_group_type).into(), 2)?;
                w.write((*num_portc).into(), 6)?;
                match (beam_group_type, ports) {
                    (0 | 1, Se10Ports::Reserved(b)) => w.write((*b).into(), 8)?,
                    (2, Se10Ports::List(v)) => {
                        if v.len() != usize::from(*num_portc) {
                            return Err(bad("SE 10 port list length differs from numPortc"));
                        }
                        for p in v {
                            w.write_bool(p.reserved);
                            w.write(p.id.into(), 15)?;
                        }
                    }
                    (
                        3,
                        Se10Ports::WithIndex {
                            first_port_list_index,
                            entries,
                        },
                    ) => {
                        let ok = match first_port_list_index {
                            Some(_) => entries.len() + 1 == usize::from(*num_portc),
                            None => *num_portc == 0 && entries.is_empty(),
                        };
                        if !ok {
                            return Err(bad("SE 10 port list length differs from numPortc"));
                        }
                        if let Some(i) = first_port_list_index {
                            w.write((*i).into(), 8)?;
                        }
                        for (p, i) in entries {
                            w.write_bool(p.reserved);
                            w.write(p.id.into(), 15)?;
                            w.write((*i).into(), 8)?;
                        }
                    }
                    _ => return Err(bad("SE 10 ports of another beamGroupType")),
                }
            }
            Se11 {
                disable_bfws,
                rad,
                bundle_offset,
                num_bund_prb,
                comp_hdr,
                bundles,
            } => {
                w.write_bool(*disable_bfws);
                w.write_bool(*rad);
                w.write((*bundle_offset).into(), 6)?;
                w.write((*num_bund_prb).into(), 8)?;
                match (disable_bfws, comp_hdr) {
                    (false, Some(h)) => {
                        h.check(0)?;
                        w.write(h.to_byte().into(), 8)?;
                    }
                    (true, None) => {}
                    _ => return Err(bad("SE 11 bfwCompHdr present iff disableBFWs is 0")),
                }
                for b in bundles {
                    match (comp_hdr, &b.weights) {
                        (Some(h), Some(wt)) => {
                            wt.write_param(*h, w)?;
                            w.write_bool(b.cont_ind);
                            w.write(b.beam_id.into(), 15)?;
                            wt.write_codes(*h, w)?;
                        }
                        (None, None) => {
                            w.write_bool(b.cont_ind);
                            w.write(b.beam_id.into(), 15)?;
                        }
                        _ => return Err(bad("SE 11 bundle weights present iff disableBFWs is 0")),
                    }
                }
            }
            Se12 {
                priority,
                symbol_mask,
                ranges,
            } => {
                w.write((*priority).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                for (o, n) in ranges {
                    w.write((*o).into(), 8)?;
                    w.write((*n).into(), 8)?;
                }
            }
            Se13 { allocations } => {
                for a in allocations {
                    w.write(a.reserved.into(), 2)?;
                    w.write(a.next_symbol_id.into(), 4)?;
                    w.write(a.next_start_prbc.into(), 10)?;
                }
            }
            Se14 {
                null_layer_ind,
                reserved,
            } => {
                if reserved.is_some() && null_layer_ind.len() != 1 {
                    return Err(bad("SE 14 reserved byte only with one nullLayerInd"));
                }
                for v in null_layer_ind {
                    w.write((*v).into(), 8)?;
                }
                if let Some(r) = reserved {
                    w.write((*r).into(), 8)?;
                }
            }
            Se15 {
                frame_structure,
                freq_offset,
                cp_length,
            } => {
                if !(-(1 << 23)..(1 << 23)).contains(freq_offset) {
                    return Err(Error::new(
                        ErrorKind::FieldOverflow {
                            bits: 24,
                            value: *freq_offset as i64 as u64,
                        },
                        1,
                        ctx_name(t),
                    ));
                }
                w.write(frame_structure.to_byte().into(), 8)?;
                w.write((*freq_offset as u32) & 0xFF_FFFF, 24)?;
                w.write((*cp_length).into(), 16)?;
            }
            Se16 { ant_masks } => {
                for m in ant_masks {
                    w.write((m >> 32) as u32, 32)?;
                    w.write(*m as u32, 32)?;
                }
            }
            Se17 { num_ue_id } => {
                for v in num_ue_id {
                    w.write((*v).into(), 4)?;
                }
            }
            Se18 {
                transmission_window_offset,
                reserved1,
                transmission_window_size,
                reserved2,
                to_t,
            } => {
                w.write((*transmission_window_offset).into(), 16)?;
                w.write((*reserved1).into(), 2)?;
                w.write((*transmission_window_size).into(), 14)?;
                w.write((*reserved2).into(), 6)?;
                w.write((*to_t).into(), 2)?;
            }
            Se19 {
                disable_bfws,
                repetition,
                num_portc,
                priority,
                symbol_mask,
                comp_hdr,
                ports,
            } => {
                w.write_bool(*disable_bfws);
                w.write_bool(*repetition);
                w.write((*num_portc).into(), 6)?;
                w.write((*priority).into(), 2)?;
                w.write((*symbol_mask).into(), 14)?;
                let want_hdr = !repetition && !disable_bfws;
                match (want_hdr, comp_hdr) {
                    (true, Some(h)) => {
                        h.check(0)?;
                        w.write(h.to_byte().into(), 8)?;
                    }
                    (false, None) => {}
                    _ => return Err(bad("SE 19 bfwCompHdr present iff neither repetition nor disableBFWs")),
                }
                let want_ports = if *repetition { 0 } else { usize::from(*num_portc) };
                if ports.len() != want_ports {
                    return Err(bad("SE 19 port count differs from numPortc (none with repetition)"));
                }
                for p in ports {
                    w.write(p.reserved1.into(), 4)?;
                    w.write(p.port_re_mask.into(), 12)?;
                    w.write(p.reserved2.into(), 2)?;
                    w.write(p.port_symbol_mask.into(), 14)?;
                    w.write_bool(p.reserved3);
                    w.write(p.beam_id.into(), 15)?;
                    match (comp_hdr, &p.weights) {
                        (Some(h), Some(wt)) => wt.write(*h, w)?,
                        (None, None) => {}
                        _ => return Err(bad("SE 19 port weights present iff bfwCompHdr is")),
                    }
                }
            }
            Se20 { patterns } => {
                if patterns.len() > 255 {
                    return Err(Error::new(
                        ErrorKind::FieldOverflow {
                            bits: 8,
                            value: patterns.len() as u64,
                        },
                        0,
                        ctx_name(t),
                    ));
                }
                w.write(patterns.len() as u32, 8)?;
                for p in patterns {
                    w.write(p.symbol_mask.into(), 14)?;
                    w.write(p.start_punc_prb.into(), 10)?;
                    w.write(p.num_punc_prb.into(), 8)?;
                    w.write(p.punc_re_mask.into(), 12)?;
                    w.write_bool(p.rb);
                    w.write_bool(p.reserved);
                    w.write_bool(p.multi_sd_scope);
                    w.write_bool(p.rbg.is_some());
                    if let Some(g) = p.rbg {
                        w.write_bool(g.reserved);
                        w.write(g.rbg_size.into(), 3)?;
                        w.write(g.rbg_mask, 28)?;
                    }
                }
            }
            Se21 {
                ci_prb_group_size,
                reserved,
                prg_size,
            } => {
                w.write((*ci_prb_group_size).into(), 8)?;
                w.write((*reserved).into(), 6)?;
                w.write((*prg_size).into(), 2)?;
            }
            Se22 { ack_nack_req_id } => w.write((*ack_nack_req_id).into(), 16)?,
            Se23 {
                reserved1,
                prb_mode,
                reserved2,
                patterns,
            } => {
                if patterns.len() > 15 {
                    return Err(Error::new(
                        ErrorKind::FieldOverflow {
                            bits: 4,
                            value: patterns.len() as u64,
                        },
                        0,
                        ctx_name(t),
                    ));
                }
                w.write(patterns.len() as u32, 4)?;
                w.write((*reserved1).into(), 3)?;
                w.write_bool(*prb_mode);
                w.write((*reserved2).into(), 8)?;
                for p in patterns {
                    w.write(p.reserved1.into(), 2)?;
                    w.write(p.sym_mask.into(), 14)?;
                    w.write(p.num_mc_scale_offset.into(), 4)?;
                    match (prb_mode, p.prb) {
                        (false, PrbSelection::Mask { prb_pattern, reserved }) => {
                            w.write(prb_pattern.into(), 4)?;
                            w.write(reserved.into(), 8)?;
                        }
                        (true, PrbSelection::Block { offset, size }) => {
                            w.write(offset.into(), 8)?;
                            w.write(size.into(), 4)?;
                        }
                        _ => return Err(bad("SE 23 PRB selection of the other prbMode")),
                    }
                    w.write(p.reserved2.into(), 4)?;
                    w.write(p.mc_scale_re_mask.into(), 12)?;
                    w.write_bool(p.csf);
                    w.write(p.mc_scale_offset.into(), 15)?;
                }
            }
            Se24 {
                alpn_per_sym,
                ant_dmrs_snr,
                reserved,
                user_group_size,
                user_group_id,
                entries,
            } => {
                w.write_bool(*alpn_per_sym);
                w.write_bool(*ant_dmrs_snr);
                w.write_bool(*reserved);
                w.write((*user_group_size).into(), 5)?;
                w.write((*user_group_id).into(), 8)?;
                for e in entries {
                    w.write(e.entry_type.into(), 3)?;
                    w.write(e.dmrs_port_number.into(), 5)?;
                    let typed = e.entry_type == 2 || e.entry_type == 3;
                    match (typed, e.config) {
                        (true, Some(c)) => {
                            w.write_bool(c.ue_id_reset);
                            w.write_bool(c.reserved1);
                            w.write(c.dmrs_symbol_mask.into(), 14)?;
                            w.write(c.scrambling.into(), 16)?;
                            w.write_bool(c.nscid);
                            match (e.entry_type, c.precoding) {
                                (
                                    2,
                                    DmrsPrecoding::Disabled {
                                        d_type,
                                        cdm_without_data,
                                        lambda,
                                    },
                                ) => {
                                    w.write_bool(d_type);
                                    w.write(cdm_without_data.into(), 2)?;
                                    w.write(lambda.into(), 2)?;
                                }
                                (
                                    3,
                                    DmrsPrecoding::Enabled {
                                        reserved,
                                        low_papr_type,
                                        hopping_mode,
                                    },
                                ) => {
                                    w.write_bool(reserved);
                                    w.write(low_papr_type.into(), 2)?;
                                    w.write(hopping_mode.into(), 2)?;
                                }
                                _ => return Err(bad("SE 24 precoding fields of another entryType")),
                            }
                            w.write(c.first_prb.into(), 9)?;
                            w.write(c.last_prb.into(), 9)?;
                            w.write(c.reserved2.into(), 16)?;
                        }
                        (false, None) => {}
                        _ => return Err(bad("SE 24 entry configuration present iff entryType is 2 or 3")),
                    }
                }
            }
            Se25 { layers } => {
                for l in layers {
                    for v in l {
                        w.write((*v).into(), 4)?;
                    }
                }
            }
            Se26 {
                reserved1,
                reserved2,
                freq_offset_fb,
            } => {
                w.write((*reserved1).into(), 8)?;
                w.write_bool(*reserved2);
                if freq_offset_fb.len() > 127 {
                    return Err(Error::new(
                        ErrorKind::FieldOverflow {
                            bits: 7,
                            value: freq_offset_fb.len() as u64,
                        },
                        1,
                        ctx_name(t),
                    ));
                }
                w.write(freq_offset_fb.len() as u32, 7)?;
                for v in freq_offset_fb {
                    w.write(u32::from(*v as u16), 16)?;
                }
            }
            Se27 {
                beam_type,
                reserved,
                num_elements,
                beam_ids,
            } => {
                w.write((*beam_type).into(), 2)?;
                w.write((*reserved).into(), 6)?;
                w.write((*num_elements).into(), 8)?;
                let want = match beam_type {
                    0 if *num_elements == 0 => 256,
                    0 => usize::from(*num_elements),
                    1 => 1,
                    _ => 0,
                };
                if beam_ids.len() != want {
                    return Err(bad("SE 27 beamId count differs from beamType / numElements"));
                }
                for p in beam_ids {
                    w.write_bool(p.reserved);
                    w.write(p.id.into(), 15)?;
                }
            }
            Se28 { reserved, ues } => {
                w.write((*reserved).into(), 3)?;
                if ues.len() > 31 {
                    return Err(Error::new(
                        ErrorKind::FieldOverflow {
                            bits: 5,
                            value: ues.len() as u64,
                        },
                        0,
                        ctx_name(t),
                    ));
                }
                w.write(ues.len() as u32, 5)?;
                for (res, n) in ues {
                    w.write_bool(*res);
                    w.write((*n).into(), 3)?;
                }
            }
            Unknown { ext_type, body } => {
                if !(*ext_type == 0 || *ext_type > 28) {
                    return Err(bad("Unknown extension with a known extType"));
                }
                for b in body {
                    w.write((*b).into(), 8)?;
                }
            }
        }
        w.align();
        Ok(())
    }
}

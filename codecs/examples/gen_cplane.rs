//! Property-generated C-plane frames for the tshark differential check in
//! scripts/crosscheck.py.
//!
//! ```text
//! gen_cplane OUT.pcap SEED N
//! ```
//!
//! writes N Ethernet + eCPRI real-time control frames to OUT.pcap and
//! OUT.pcap.json: per frame, the values tshark's O-RAN dissector (4.0,
//! preferences in the JSON) should show for each field, computed from the
//! typed values the frame was encoded from, not by decoding it. Frame kinds
//! cycle over what Wireshark 4.0 decodes field by field (section types 0,
//! 1, 3, 5, 6; extensions 1, 4, 6, 10, 11, 12), what it only frames (the
//! common header of types 4, 7-11; type and length of other extensions),
//! with random field values from SEED.

use std::fmt::Write as _;

use codecs::ecpri::SeqId;
use codecs::framing::{EthernetHeader, emit_frame};
use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
use codecs::fronthaul::cplane::*;
use codecs::fronthaul::header::{Direction, RadioAppHeader};

/// Weights per SE 11 bundle and antennas per ST6 PRB (tshark preferences).
const K_BUNDLE: u16 = 4;
const ST6_ANTENNAS: u16 = 2;

#[path = "common/pcap.rs"]
mod pcap;
#[path = "common/rng.rs"]
mod rng;
use pcap::pcap;
use rng::Rng;

impl Rng {
    /// A w-bit two's complement value.
    fn signed(&mut self, w: u32) -> i16 {
        let lo = -(1i64 << (w - 1));
        (lo + self.below(1 << w) as i64) as i16
    }
}

#[derive(Clone, Copy)]
enum Val {
    Int(i64),
    Float(f64),
}

#[derive(Default)]
struct Expect {
    items: Vec<String>,
    /// field -> values in the order tshark shows them
    fields: Vec<(&'static str, Vec<Val>)>,
    /// Only the first values of each field are compared (tshark shows more).
    prefix: bool,
    /// tshark may flag expert errors (extensions it does not dissect).
    allow_errors: bool,
}

impl Expect {
    fn push(&mut self, f: &'static str, v: i64) {
        self.val(f, Val::Int(v));
    }

    fn val(&mut self, f: &'static str, v: Val) {
        match self.fields.iter_mut().find(|(k, _)| *k == f) {
            Some((_, vs)) => vs.push(v),
            None => self.fields.push((f, vec![v])),
        }
    }

    fn item(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.items.contains(&s) {
            self.items.push(s);
        }
    }
}

const F: &str = "oran_fh_cus.";

macro_rules! f {
    ($n:literal) => {
        concat!("oran_fh_cus.", $n)
    };
}

fn header(rng: &mut Rng, dir: Direction) -> RadioAppHeader {
    RadioAppHeader {
        direction: dir,
        payload_version: 1,
        filter_index: rng.below(16) as u8,
        frame_id: rng.below(256) as u8,
        subframe_id: rng.below(10) as u8,
        slot_id: rng.below(2) as u8,
        symbol_id: rng.below(14) as u8,
    }
}

fn expect_header(e: &mut Expect, h: &RadioAppHeader, num_sections: u8, st: u8) {
    e.push(f!("data_direction"), i64::from(h.direction == Direction::Downlink));
    e.push(f!("payloadVersion"), h.payload_version.into());
    e.push(f!("filterIndex"), h.filter_index.into());
    e.push(f!("frameId"), h.frame_id.into());
    e.push(f!("subframe_id"), h.subframe_id.into());
    e.push(f!("slotId"), h.slot_id.into());
    e.push(f!("startSymbolId"), h.symbol_id.into());
    e.push(f!("numberOfSections"), num_sections.into());
    e.push(f!("sectionType"), st.into());
}

fn bfp_weights(rng: &mut Rng, hdr: BfwCompHdr, k: usize) -> BfWeights {
    let w = hdr.width();
    // conformant exponents: m * 2^e stays within i16
    let exponent = rng.below(u64::from(16 - w) + 1) as u8;
    BfWeights {
        param: BfwCompParam::Bfp { reserved: 0, exponent },
        iq: (0..k).map(|_| [rng.signed(w), rng.signed(w)]).collect(),
    }
}

/// Wireshark 4.0 shows BFP weights as `m * 2^e / 2^(w - 1)`: the i16 we
/// decompress to, scaled by the mantissa width.
fn expect_weights(e: &mut Expect, hdr: BfwCompHdr, wts: &BfWeights) {
    let scale = f64::from(1u32 << (hdr.width() - 1));
    for [i, q] in wts.decompress(hdr) {
        e.val(f!("bfwI"), Val::Float(f64::from(i) / scale));
        e.val(f!("bfwQ"), Val::Float(f64::from(q) / scale));
    }
}

/// A random extension Wireshark 4.0 dissects in a section of type `st`
/// with `num_prb` PRBs; also records what tshark should show.
fn random_extension(rng: &mut Rng, st: u8, num_prb: u8, e: &mut Expect) -> SectionExtension {
    loop {
        let x = match rng.below(8) {
            0 => SectionExtension::Se4 {
                csf: rng.flag(),
                mod_comp_scaler: rng.bits(15) as u16,
            },
            1 => SectionExtension::Se6 {
                repetition: rng.flag(),
                rbg_size: rng.bits(3) as u8,
                rbg_mask: rng.bits(28) as u32,
                priority: rng.bits(2) as u8,
                symbol_mask: rng.bits(14) as u16,
            },
            2 => {
                let t = rng.below(3) as u8;
                let n = rng.below(6) as u8;
                SectionExtension::Se10 {
                    beam_group_type: t,
                    num_portc: n,
                    ports: if t == 2 {
                        Se10Ports::List(
                            (0..n)
                                .map(|_| PortId {
                                    reserved: false,
                                    id: rng.bits(15) as u16,
                                })
                                .collect(),
                        )
                    } else {
                        Se10Ports::Reserved(0)
                    },
                }
            }
            3 if st != 5 && num_prb > 0 => {
                let nb = 1 + rng.below(u64::from(num_prb)) as u8;
                let bundles = usize::from(num_prb).div_ceil(usize::from(nb));
                SectionExtension::Se11 {
                    disable_bfws: true,
                    rad: rng.flag(),
                    bundle_offset: 0,
                    num_bund_prb: nb,
                    comp_hdr: None,
                    bundles: (0..bundles)
                        .map(|_| Se11Bundle {
                            cont_ind: rng.flag(),
                            beam_id: rng.bits(15) as u16,
                            weights: None,
                        })
                        .collect(),
                }
            }
            4 => SectionExtension::Se12 {
                priority: rng.bits(2) as u8,
                symbol_mask: rng.bits(14) as u16,
                ranges: (0..1 + rng.below(4))
                    .map(|_| (rng.below(256) as u8, 1 + rng.below(255) as u8))
                    .collect(),
            },
            5 if st == 5 => SectionExtension::Se8 {
                regularization_factor: rng.next() as i16,
            },
            6 => SectionExtension::Se9 {
                technology: rng.below(2) as u8,
                reserved: 0,
            },
            // Wireshark 4.0 dissects SE 17 as 2 bytes: one word of users
            7 if st == 5 => SectionExtension::Se17 {
                num_ue_id: (0..1 + rng.below(4)).map(|_| 1 + rng.below(15) as u8).collect(),
            },
            _ => continue,
        };
        expect_extension_fields(&x, e);
        return x;
    }
}

/// extType / extLen and the fields Wireshark 4.0 shows for `x`.
fn expect_extension_fields(x: &SectionExtension, e: &mut Expect) {
    let enc = x.encode().expect("generated extensions encode");
    let raw = enc.as_raw();
    e.push(f!("extType"), x.ext_type().into());
    e.push(f!("extLen"), raw.len_words.into());
    match x {
        SectionExtension::Se1 { comp_hdr, weights } => {
            e.item("SE 1");
            e.push(f!("bfwCompHdr_iqWidth"), i64::from(comp_hdr.iq_width & 0xF));
            e.push(f!("bfwCompHdr_compMeth"), comp_hdr.method.to_u4().into());
            if let BfwCompParam::Bfp { exponent, .. } = weights.param {
                e.push(f!("exponent"), exponent.into());
            }
            expect_weights(e, *comp_hdr, weights);
        }
        SectionExtension::Se4 { csf, mod_comp_scaler } => {
            e.item("SE 4");
            e.push(f!("csf"), i64::from(*csf));
            e.push(f!("modcompscaler"), (*mod_comp_scaler).into());
        }
        SectionExtension::Se6 {
            repetition,
            rbg_size,
            rbg_mask,
            priority,
            symbol_mask,
        } => {
            e.item("SE 6");
            e.push(f!("repetition"), i64::from(*repetition));
            e.push(f!("rbgSize"), (*rbg_size).into());
            e.push(f!("rbgMask"), (*rbg_mask).into());
            e.push(f!("priority"), (*priority).into());
            e.push(f!("symbolMask"), (*symbol_mask).into());
        }
        SectionExtension::Se10 {
            beam_group_type,
            num_portc,
            ports,
        } => {
            e.item("SE 10");
            e.push(f!("beamGroupType"), (*beam_group_type).into());
            e.push(f!("numPortc"), (*num_portc).into());
            if let Se10Ports::List(v) = ports {
                for p in v {
                    e.push(f!("beamId"), p.id.into());
                }
            }
        }
        SectionExtension::Se11 {
            disable_bfws,
            rad,
            num_bund_prb,
            comp_hdr,
            bundles,
            ..
        } => {
            e.item("SE 11");
            e.push(f!("disableBFWs"), i64::from(*disable_bfws));
            e.push(f!("rad"), i64::from(*rad));
            e.push(f!("numBundPrbs"), (*num_bund_prb).into());
            if let Some(h) = comp_hdr {
                e.push(f!("bfwCompHdr_iqWidth"), i64::from(h.iq_width & 0xF));
                e.push(f!("bfwCompHdr_compMeth"), h.method.to_u4().into());
            }
            for b in bundles {
                if let (Some(h), Some(w)) = (comp_hdr, &b.weights) {
                    if let BfwCompParam::Bfp { exponent, .. } = w.param {
                        e.push(f!("exponent"), exponent.into());
                    }
                    e.push(f!("beamId"), b.beam_id.into());
                    expect_weights(e, *h, w);
                } else {
                    e.push(f!("beamId"), b.beam_id.into());
                }
            }
        }
        SectionExtension::Se12 {
            priority,
            symbol_mask,
            ranges,
        } => {
            e.item("SE 12");
            e.push(f!("priority"), (*priority).into());
            e.push(f!("symbolMask"), (*symbol_mask).into());
            // Wireshark lists the (0, 0) filler pair too
            let mut pairs = ranges.clone();
            if pairs.len() % 2 == 1 {
                pairs.push((0, 0));
            }
            for (o, n) in pairs {
                e.push(f!("offStartPrb"), o.into());
                e.push(f!("numPrb"), n.into());
            }
        }
        other => e.item(format!("SE {} (type, length)", other.ext_type())),
    }
}

struct Built {
    data: Vec<u8>,
    expect: Expect,
}

fn section_fields(e: &mut Expect, s: &CplaneSection<'_>, st: u8) {
    e.push(f!("sectionId"), s.section_id.into());
    e.push(f!("rb"), i64::from(s.rb));
    e.push(f!("symInc"), i64::from(s.sym_inc));
    e.push(f!("startPrbc"), s.start_prb.into());
    e.push(f!("numPrbc"), s.num_prb.into());
    e.push(f!("reMask"), s.re_mask.into());
    e.push(f!("numSymbol"), s.num_symbol.into());
    if st != 0 {
        // Wireshark 4.0 reads ST0's ef with its reserved bits
        e.push(f!("ef"), i64::from(!s.extensions.is_empty()));
    }
    match st {
        1 | 3 => e.push(f!("beamId"), s.beam_id.into()),
        5 => e.push(f!("ueId"), s.beam_id.into()),
        _ => {}
    }
    if let Some(fo) = s.freq_offset {
        // the field is the raw 24 bits (only the text is sign-extended)
        e.push(f!("freqOffset"), i64::from((fo as u32) & 0xFF_FFFF));
    }
}

/// ST0, ST1, ST3 or ST5 with random sections and extensions.
fn sections_message(rng: &mut Rng, st: u8, kind: u64) -> Built {
    let mut e = Expect::default();
    e.item(format!("ST{st}"));
    let dir = if rng.flag() {
        Direction::Downlink
    } else {
        Direction::Uplink
    };
    let h = header(rng, dir);
    let ud = UdCompHdr::from_byte(rng.below(256) as u8);
    let type_header = match st {
        0 => TypeHeader::St0 {
            time_offset: rng.next() as u16,
            frame_structure: FrameStructure::from_byte(rng.next() as u8),
            cp_length: rng.next() as u16,
            reserved: 0,
        },
        1 => TypeHeader::St1 {
            ud_comp_hdr: ud,
            reserved: 0,
        },
        3 => TypeHeader::St3 {
            time_offset: rng.next() as u16,
            frame_structure: FrameStructure::from_byte(rng.next() as u8),
            cp_length: rng.next() as u16,
            ud_comp_hdr: ud,
        },
        _ => TypeHeader::St5 {
            ud_comp_hdr: ud,
            reserved: 0,
        },
    };
    // SE 1 frames carry one section: Wireshark 4.0 reads more SE 1 weights
    // than there are, which would misalign a second SE 1's
    let n = if kind == 1 { 1 } else { 1 + rng.below(3) as usize };
    // typed extensions per section, encoded first so sections can borrow them
    let mut specs = Vec::new();
    let mut ext_expect = Vec::new();
    for _ in 0..n {
        let num_prb = 1 + rng.below(255) as u8;
        let mut se = Expect::default();
        let exts: Vec<SectionExtension> = match (st, kind) {
            (0, _) => vec![],
            (1, 1) => {
                // SE 1 alone in the message: Wireshark 4.0 counts more weights
                // than are there, so only the first K are compared
                let hdr = BfwCompHdr::new(1 + rng.below(16) as u8, BfwCompMethod::Bfp);
                let k = 1 + rng.below(8) as usize;
                let x = SectionExtension::Se1 {
                    comp_hdr: hdr,
                    weights: bfp_weights(rng, hdr, k),
                };
                expect_extension_fields(&x, &mut se);
                vec![x]
            }
            (1 | 3, 2) => {
                // numPrbc a whole number of bundles, so the bundle count
                // needs no rounding rule
                let hdr = BfwCompHdr::new(1 + rng.below(16) as u8, BfwCompMethod::Bfp);
                let nb = 1 + rng.below(8) as u8;
                let bundles = 1 + rng.below(4) as usize;
                let x = SectionExtension::Se11 {
                    disable_bfws: false,
                    rad: rng.flag(),
                    bundle_offset: 0,
                    num_bund_prb: nb,
                    comp_hdr: Some(hdr),
                    bundles: (0..bundles)
                        .map(|_| Se11Bundle {
                            cont_ind: rng.flag(),
                            beam_id: rng.bits(15) as u16,
                            weights: Some(bfp_weights(rng, hdr, K_BUNDLE.into())),
                        })
                        .collect(),
                };
                expect_extension_fields(&x, &mut se);
                specs.push((nb * bundles as u8, vec![x]));
                ext_expect.push(se);
                continue;
            }
            (_, 3) => {
                // extensions Wireshark 4.0 does not dissect but steps over by extLen
                let mut runner = Rng(rng.next());
                let pick = [2u8, 3, 5, 13, 15, 16, 18, 21, 22, 23, 24, 25, 26, 27, 28];
                let t = pick[runner.below(pick.len() as u64) as usize];
                let x = small_extension(&mut runner, t);
                expect_extension_fields(&x, &mut se);
                vec![x]
            }
            _ => (0..rng.below(3))
                .map(|_| random_extension(rng, st, num_prb, &mut se))
                .collect(),
        };
        specs.push((num_prb, exts));
        ext_expect.push(se);
    }
    let encoded: Vec<Vec<EncodedExtension>> = specs
        .iter()
        .map(|(_, xs)| xs.iter().map(|x| x.encode().expect("encodes")).collect())
        .collect();
    let sections: Vec<CplaneSection<'_>> = specs
        .iter()
        .zip(&encoded)
        .map(|((num_prb, _), enc)| CplaneSection {
            section_id: rng.bits(12) as u16,
            rb: rng.flag(),
            sym_inc: rng.flag(),
            start_prb: rng.bits(10) as u16,
            num_prb: *num_prb,
            re_mask: rng.bits(12) as u16,
            num_symbol: 1 + rng.below(14) as u8,
            ef: !enc.is_empty(),
            beam_id: rng.bits(15) as u16,
            freq_offset: (st == 3).then(|| rng.bits(24) as i32 - (1 << 23)),
            st3_reserved: 0,
            extensions: enc.iter().map(EncodedExtension::as_raw).collect(),
            offset: 0,
        })
        .collect();
    let msg = CplaneMessage {
        header: h,
        num_sections: sections.len() as u8,
        section_type: SectionType::from(st),
        body: CplaneBody::Sections {
            type_header,
            sections: sections.clone(),
        },
        trailing: 0,
    };
    expect_header(&mut e, &h, sections.len() as u8, st);
    match type_header {
        TypeHeader::St0 {
            time_offset,
            frame_structure,
            cp_length,
            ..
        }
        | TypeHeader::St3 {
            time_offset,
            frame_structure,
            cp_length,
            ..
        } => {
            e.push(f!("timeOffset"), time_offset.into());
            e.push(f!("frameStructure.fft"), frame_structure.fft_size.into());
            e.push(f!("frameStructure.spacing"), frame_structure.scs.into());
            e.push(f!("cpLength"), cp_length.into());
        }
        _ => {}
    }
    if let Some(u) = type_header.ud_comp_hdr() {
        e.push(f!("udCompHdrWidth"), i64::from(u.iq_width & 0xF));
        e.push(f!("udCompHdrMeth"), u.method.to_u4().into());
    }
    for (s, se) in sections.iter().zip(ext_expect) {
        section_fields(&mut e, s, st);
        // each extension's ef precedes its own fields
        let n = s.extensions.len();
        let mut ef = (0..n).map(|i| i + 1 < n);
        for (f, vs) in se.fields {
            for v in vs {
                if f == f!("extType") {
                    e.push(f!("ef"), i64::from(ef.next().unwrap_or(false)));
                }
                e.val(f, v);
            }
        }
        for i in se.items {
            e.item(i);
        }
        e.prefix |= se.prefix;
    }
    if kind == 1 {
        e.prefix = true;
    }
    if kind == 3 {
        e.allow_errors = true;
    }
    let mut data = Vec::new();
    msg.emit(&mut data).expect("generated message encodes");
    Built { data, expect: e }
}

/// A valid instance of extension `t` (for type-and-length framing checks).
fn small_extension(rng: &mut Rng, t: u8) -> SectionExtension {
    use SectionExtension as X;
    match t {
        2 => X::Se2 {
            reserved1: 0,
            az_pt_width: 3,
            ze_pt_width: 0,
            reserved2: 0,
            az_3dd_width: 0,
            ze_3dd_width: 0,
            az_pt: rng.bits(4) as u8,
            ze_pt: 0,
            az_3dd: 0,
            ze_3dd: 0,
            pad: 0,
            reserved3: 0,
            az_sl: rng.bits(3) as u8,
            ze_sl: rng.bits(3) as u8,
        },
        3 => X::Se3 {
            codebook_index: 0,
            layer_id: 1 + rng.below(14) as u8,
            num_layers: rng.bits(4) as u8,
            first_layer: None,
        },
        5 => X::Se5 {
            sets: (0..1 + rng.below(3))
                .map(|_| McScaleSet {
                    re_mask: rng.bits(12) as u16,
                    csf: rng.flag(),
                    scale_offset: rng.bits(15) as u16,
                })
                .collect(),
        },
        13 => X::Se13 {
            allocations: vec![Se13Allocation {
                reserved: 0,
                next_symbol_id: rng.bits(4) as u8,
                next_start_prbc: rng.bits(10) as u16,
            }],
        },
        15 => X::Se15 {
            frame_structure: FrameStructure::from_byte(rng.next() as u8),
            freq_offset: rng.bits(23) as i32,
            cp_length: rng.next() as u16,
        },
        16 => X::Se16 {
            ant_masks: vec![rng.next()],
        },
        18 => X::Se18 {
            transmission_window_offset: rng.next() as u16,
            reserved1: 0,
            transmission_window_size: rng.bits(14) as u16,
            reserved2: 0,
            to_t: rng.bits(2) as u8,
        },
        21 => X::Se21 {
            ci_prb_group_size: 2 + rng.below(253) as u8,
            reserved: 0,
            prg_size: rng.bits(2) as u8,
        },
        22 => X::Se22 {
            ack_nack_req_id: rng.next() as u16,
        },
        23 => X::Se23 {
            reserved1: 0,
            prb_mode: false,
            reserved2: 0,
            patterns: vec![SymPrbPattern {
                reserved1: 0,
                sym_mask: rng.bits(14) as u16,
                num_mc_scale_offset: 1,
                prb: PrbSelection::Mask {
                    prb_pattern: rng.bits(4) as u8,
                    reserved: 0,
                },
                reserved2: 0,
                mc_scale_re_mask: rng.bits(12) as u16,
                csf: rng.flag(),
                mc_scale_offset: rng.bits(15) as u16,
            }],
        },
        24 => X::Se24 {
            alpn_per_sym: rng.flag(),
            ant_dmrs_snr: rng.flag(),
            reserved: false,
            user_group_size: rng.bits(5) as u8,
            user_group_id: rng.below(255) as u8,
            entries: vec![DmrsEntry {
                entry_type: 1,
                dmrs_port_number: rng.below(12) as u8,
                config: None,
            }],
        },
        25 => X::Se25 {
            layers: vec![[0xF; 14]],
        },
        26 => X::Se26 {
            reserved1: 0,
            reserved2: false,
            freq_offset_fb: vec![rng.next() as i16],
        },
        27 => X::Se27 {
            beam_type: 1,
            reserved: 0,
            num_elements: rng.below(256) as u8,
            beam_ids: vec![PortId {
                reserved: false,
                id: rng.bits(15) as u16,
            }],
        },
        _ => X::Se28 {
            reserved: 0,
            ues: vec![(false, rng.bits(3) as u8)],
        },
    }
}

/// ST6 with 16-bit uncompressed channel information (ciCompHdr 0), which
/// Wireshark 4.0 reads as its fixed sample format.
fn st6_message(rng: &mut Rng) -> Built {
    let mut e = Expect::default();
    e.item("ST6");
    let h = header(rng, Direction::Uplink);
    let layout = CiCompHdr::from_byte(0);
    let n = 1 + rng.below(2) as usize;
    let sections: Vec<St6Section<'static>> = (0..n)
        .map(|_| {
            let num_prb = 1 + rng.below(3) as u8;
            St6Section {
                ef: false,
                ue_id: rng.bits(15) as u16,
                regularization_factor: rng.next() as i16,
                reserved: 0,
                rb: rng.flag(),
                sym_inc: rng.flag(),
                start_prb: rng.bits(10) as u16,
                num_prb,
                prbs: (0..num_prb)
                    .map(|_| CiPrb {
                        param: None,
                        iq: (0..ST6_ANTENNAS)
                            .map(|_| [rng.next() as i16, rng.next() as i16])
                            .collect(),
                    })
                    .collect(),
                pad: 0,
                extensions: vec![],
                offset: 0,
            }
        })
        .collect();
    expect_header(&mut e, &h, n as u8, 6);
    e.push(f!("numberOfUEs"), n as i64);
    for s in &sections {
        e.push(f!("ef"), 0);
        e.push(f!("ueId"), s.ue_id.into());
        e.push(f!("regularizationFactor"), s.regularization_factor.into());
        e.push(f!("rb"), i64::from(s.rb));
        e.push(f!("symInc"), i64::from(s.sym_inc));
        e.push(f!("startPrbc"), s.start_prb.into());
        e.push(f!("numPrbc"), s.num_prb.into());
        for prb in s.channel_iq(layout) {
            for [i, q] in prb {
                e.val(f!("ciISample"), Val::Float(f64::from(i) / 32767.0));
                e.val(f!("ciQSample"), Val::Float(f64::from(q) / 32767.0));
            }
        }
    }
    let msg = CplaneMessage {
        header: h,
        num_sections: n as u8,
        section_type: SectionType::ChannelInformation,
        body: CplaneBody::St6(St6Body {
            num_ues: n as u8,
            ci_comp_hdr: layout,
            sections: St6Sections::Decoded {
                layout,
                word_aligned: false,
                sections,
            },
        }),
        trailing: 0,
    };
    let mut data = Vec::new();
    msg.emit(&mut data).expect("generated message encodes");
    Built { data, expect: e }
}

/// Section types Wireshark 4.0 does not dissect (4, 7-11): a valid message,
/// compared on the common header only.
fn header_only_message(rng: &mut Rng, st: u8) -> Built {
    let mut e = Expect {
        prefix: true,
        ..Expect::default()
    };
    e.item(format!("ST{st} (common header)"));
    let h = header(
        rng,
        if matches!(st, 9 | 10) {
            Direction::Uplink
        } else {
            Direction::Downlink
        },
    );
    let cmd_body = St4CommandBody::TddConfigPattern {
        reserved1: 0,
        dir_pattern: rng.bits(14) as u16,
        reserved2: 0,
        guard_pattern: rng.bits(14) as u16,
    }
    .encode()
    .expect("encodes");
    let laa = LaaMessage::DrsRsp {
        lbt_handle: rng.next() as u16,
        lbt_drs_res: rng.flag(),
        reserved: 0,
    }
    .encode()
    .expect("encodes");
    let report = MeasReportData::UeTae {
        ue_tae: rng.next() as i16,
        reserved: 0,
    }
    .encode()
    .expect("encodes");
    let command = MeasCommandData::IpnUnallocated {
        reserved1: 0,
        symbol_mask: rng.bits(14) as u16,
        reserved2: 0,
    }
    .encode()
    .expect("encodes");
    let sec = |rng: &mut Rng| CplaneSection {
        section_id: rng.bits(12) as u16,
        rb: false,
        sym_inc: false,
        start_prb: rng.bits(10) as u16,
        num_prb: rng.below(256) as u8,
        re_mask: 0xfff,
        num_symbol: 14,
        ef: false,
        beam_id: rng.bits(15) as u16,
        freq_offset: None,
        st3_reserved: 0,
        extensions: vec![],
        offset: 0,
    };
    let (byte4, body) = match st {
        4 => (
            rng.below(3) as u8,
            CplaneBody::St4(St4Body {
                reserved: 0,
                commands: vec![St4Command::new(2, rng.below(256) as u8, rng.next() as u16, &cmd_body)],
            }),
        ),
        7 => (
            0,
            CplaneBody::St7(St7Body {
                reserved: 0,
                laa_msg_type: 3,
                laa_msg_len: 1,
                payload: &laa,
                payload_offset: 0,
            }),
        ),
        8 => (
            rng.below(2) as u8,
            CplaneBody::St8(St8Body {
                acks: (0..rng.below(4)).map(|_| rng.next() as u16).collect(),
                nacks: (0..rng.below(3)).map(|_| rng.next() as u16).collect(),
            }),
        ),
        9 => (
            1,
            CplaneBody::St9(St9Body {
                num_sinr_per_prb: 0,
                reserved: 0,
                sections: St9Sections::Decoded {
                    sinr_width: 16,
                    sinr_comp: CompMethod::None,
                    sections: vec![St9Section {
                        section_id: rng.bits(12) as u16,
                        rb: false,
                        sym_inc: false,
                        start_prb: 0,
                        num_prb: 1,
                        prbs: vec![SinrPrb {
                            param: None,
                            values: vec![rng.next() as i16],
                            pad: 0,
                        }],
                        offset: 0,
                    }],
                },
            }),
        ),
        10 => (
            1,
            CplaneBody::St10(St10Body {
                reserved: 0,
                sections: vec![St10Section {
                    section: sec(rng),
                    reports: vec![MeasReport::new(1, 0, &report)],
                }],
            }),
        ),
        _ => (
            1,
            CplaneBody::St11(St11Body {
                reserved: 0,
                sections: vec![St11Section {
                    section: sec(rng),
                    commands: vec![MeasCommand::new(5, &command)],
                }],
            }),
        ),
    };
    let msg = CplaneMessage {
        header: h,
        num_sections: byte4,
        section_type: SectionType::from(st),
        body,
        trailing: 0,
    };
    let mut data = Vec::new();
    msg.emit(&mut data).expect("generated message encodes");
    expect_header(&mut e, &h, data[4], st);
    Built { data, expect: e }
}

fn json(frames: &[Expect]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{{\"prefs\": {{\"{F}oran.du_port_id_bits\": \"4\", \"{F}oran.bandsector_id_bits\": \"4\", \
         \"{F}oran.cc_id_bits\": \"4\", \"{F}oran.ru_port_id_bits\": \"4\", \
         \"{F}oran.num_weights_per_bundle\": \"{K_BUNDLE}\", \"{F}oran.num_bf_antennas\": \"{ST6_ANTENNAS}\"}},\n \"frames\": ["
    );
    for (i, e) in frames.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n  {{\"frame\": {}, \"prefix\": {}, \"allow_errors\": {}, \"items\": [{}], \"fields\": {{",
            if i == 0 { "" } else { "," },
            i + 1,
            e.prefix,
            e.allow_errors,
            e.items
                .iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (j, (f, vs)) in e.fields.iter().enumerate() {
            let vals: Vec<String> = vs
                .iter()
                .map(|v| match v {
                    Val::Int(x) => x.to_string(),
                    Val::Float(x) => format!("{x:?}"),
                })
                .collect();
            let _ = write!(s, "{}\"{f}\": [{}]", if j == 0 { "" } else { ", " }, vals.join(", "));
        }
        s.push_str("}}");
    }
    s.push_str("\n ]}\n");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: gen_cplane OUT.pcap SEED N");
        std::process::exit(2);
    }
    let seed: u64 = args[2].parse().expect("SEED is a number");
    let n: usize = args[3].parse().expect("N is a number");
    let mut rng = Rng(seed);
    let eth = EthernetHeader {
        dst: [0x02, 0, 0, 0, 0, 1],
        src: [0x02, 0, 0, 0, 0, 2],
        vlans: vec![],
        ethertype: codecs::ecpri::ETHERTYPE_ECPRI,
    };
    let mut frames = Vec::with_capacity(n);
    let mut expects = Vec::with_capacity(n);
    for i in 0..n {
        let b = match i % 14 {
            0 => sections_message(&mut rng, 1, 0),
            1 => sections_message(&mut rng, 1, 1),
            2 => sections_message(&mut rng, 1, 2),
            3 => sections_message(&mut rng, 3, 2),
            4 => sections_message(&mut rng, 3, 0),
            5 => sections_message(&mut rng, 5, 0),
            6 => sections_message(&mut rng, 0, 0),
            7 => st6_message(&mut rng),
            8 => sections_message(&mut rng, 5, 3),
            9 => header_only_message(&mut rng, 4),
            10 => header_only_message(&mut rng, 7),
            11 => header_only_message(&mut rng, 8),
            12 => {
                let st = [9, 10, 11][rng.below(3) as usize];
                header_only_message(&mut rng, st)
            }
            _ => sections_message(&mut rng, 1, 3),
        };
        let eaxc = rng.next() as u16;
        let mut pdu = Vec::new();
        cplane_pdu_raw(eaxc, i as u8, &b.data, &mut pdu);
        let mut frame = Vec::new();
        emit_frame(&eth, None, &pdu, &mut frame).expect("frame");
        frames.push(frame);
        expects.push(b.expect);
    }
    let out = &args[1];
    std::fs::write(out, pcap(&frames)).expect("write pcap");
    std::fs::write(format!("{out}.json"), json(&expects)).expect("write json");
}

/// The eCPRI PDU of one real-time control message (E = 1, subSequenceId 0).
fn cplane_pdu_raw(rtc_id: u16, seq: u8, data: &[u8], out: &mut Vec<u8>) {
    let seq_id = SeqId {
        sequence_id: seq,
        e_bit: true,
        sub_sequence_id: 0,
    };
    codecs::ecpri::Message::real_time_control(rtc_id, seq_id, data)
        .emit(out)
        .expect("eCPRI PDU");
}

//! Running the harness's O-DU traffic through the port, and reading the
//! O-RU's answers back into a form the cases judge.

use crate::case::Ctx;
use crate::port::{PortError, RxFrame};
use codecs::ecpri::{self, CommonHeader, Payload, SeqId};
use codecs::framing;
use codecs::fronthaul::compression::UdCompHdr;
use codecs::fronthaul::header::RadioAppHeader;
use codecs::fronthaul::uplane::{UplaneConfig, UplaneMessage};
use sim::Nanos;
use sim::odu::{Odu, Planned, SectionPlan, TxKind};
use sim::timing::AirPos;
use std::collections::HashMap;

/// What went out and what came back.
pub struct Exchange {
    pub sent: Vec<Planned>,
    pub received: Vec<RxFrame>,
    /// Set when the port failed part way; what was received is still kept.
    pub port_error: Option<PortError>,
}

/// The default O-DU plan for the setup.
pub fn plan(ctx: &Ctx<'_>) -> Vec<Planned> {
    let s = ctx.setup;
    Odu::new(s.fh.clone(), s.tester.clone(), s.first_slot, s.num_slots).plan_all()
}

/// When every answer to the plan must have arrived: the last symbol's air
/// time plus the Ta3 window, transport delay and 1 ms of grace (answers
/// arriving in the grace period are judged late, not missing).
pub fn collection_deadline(ctx: &Ctx<'_>) -> Nanos {
    let s = ctx.setup;
    let n = s.fh.numerology();
    let end = n.air_time(n.pos_of_abs_slot(s.first_slot + s.num_slots, 0));
    end + s.fh.delay.ta3_max + s.transport_delay + 1_000_000
}

/// Send every planned frame, then collect the DUT's frames until the deadline.
pub fn exchange(ctx: &mut Ctx<'_>, mut sent: Vec<Planned>) -> Exchange {
    sent.sort_by_key(|p| p.at);
    let deadline = collection_deadline(ctx);
    let mut port_error = None;
    for p in &sent {
        if let Err(e) = ctx.port.send_at(p.at, p.frame.clone()) {
            port_error = Some(e);
            break;
        }
    }
    let mut received = Vec::new();
    if port_error.is_none() {
        loop {
            match ctx.port.recv_until(deadline) {
                Ok(Some(f)) => received.push(f),
                Ok(None) => break,
                Err(e) => {
                    port_error = Some(e);
                    break;
                }
            }
        }
    }
    Exchange {
        sent,
        received,
        port_error,
    }
}

/// One U-plane section as received.
#[derive(Debug, Clone)]
pub struct UlSection {
    pub section_id: u16,
    pub start_prb: u16,
    pub num_prb: u16,
    /// The compression the section was decoded with.
    pub comp: UdCompHdr,
    /// Present when the U-plane carried its own udCompHdr.
    pub dynamic_comp: Option<UdCompHdr>,
    pub iq: Vec<u8>,
}

/// One U-plane message received from the O-RU.
#[derive(Debug, Clone)]
pub struct UlMessage {
    pub at: Nanos,
    pub eaxc: u16,
    pub ecpri: CommonHeader,
    pub seq: SeqId,
    pub header: RadioAppHeader,
    /// The air position its header names (nearest frame cycle to arrival),
    /// `None` when the header's fields are out of range.
    pub pos: Option<AirPos>,
    pub sections: Vec<UlSection>,
}

/// A received frame and what could be made of it.
#[derive(Debug, Clone)]
pub enum UlFrame {
    Uplane(UlMessage),
    /// Parsed, but not an IQ data message (e.g. C-plane from an O-RU).
    Other {
        at: Nanos,
        message_type: u8,
    },
    Undecodable {
        at: Nanos,
        error: String,
    },
}

/// Decode everything the DUT sent.
pub fn decode_all(ctx: &Ctx<'_>, frames: &[RxFrame]) -> Vec<UlFrame> {
    let fh = &ctx.setup.fh;
    let ucfg = UplaneConfig {
        comp: fh.ul_comp_presence.to_mode(fh.ul_comp),
        carrier_prbs: fh.carrier.prbs,
        ud_comp_len: false,
    };
    let n = fh.numerology();
    let mut out = Vec::with_capacity(frames.len());
    for f in frames {
        let decoded = (|| -> Result<Vec<UlFrame>, codecs::Error> {
            let fr = framing::parse_frame(&f.frame, &Default::default())?;
            let base = fr.ecpri_offset;
            let msgs = ecpri::parse_pdu(fr.ecpri).map_err(|e| e.at(base))?;
            let mut frames = Vec::new();
            for m in msgs {
                match m.payload {
                    Payload::IqData { pc_id, seq_id, data } => {
                        let um = UplaneMessage::parse(data, &ucfg).map_err(|e| e.at(base + m.offset + 8))?;
                        let pos = n.resolve(
                            f.at,
                            um.header.frame_id,
                            um.header.subframe_id,
                            um.header.slot_id,
                            um.header.symbol_id,
                        );
                        let sections = um
                            .sections
                            .iter()
                            .map(|s| UlSection {
                                section_id: s.section_id,
                                start_prb: s.start_prb,
                                num_prb: s.prb_count(fh.carrier.prbs),
                                comp: s.ud_comp_hdr.unwrap_or(fh.ul_comp),
                                dynamic_comp: s.ud_comp_hdr,
                                iq: s.iq.to_vec(),
                            })
                            .collect();
                        frames.push(UlFrame::Uplane(UlMessage {
                            at: f.at,
                            eaxc: pc_id,
                            ecpri: m.header,
                            seq: seq_id,
                            header: um.header,
                            pos,
                            sections,
                        }));
                    }
                    _ => frames.push(UlFrame::Other {
                        at: f.at,
                        message_type: u8::from(m.header.message_type),
                    }),
                }
            }
            Ok(frames)
        })();
        match decoded {
            Ok(v) => out.extend(v),
            Err(e) => out.push(UlFrame::Undecodable {
                at: f.at,
                error: e.to_string(),
            }),
        }
    }
    out
}

/// The U-plane messages among decoded frames.
pub fn uplane(frames: &[UlFrame]) -> impl Iterator<Item = &UlMessage> {
    frames.iter().filter_map(|f| match f {
        UlFrame::Uplane(m) => Some(m),
        _ => None,
    })
}

/// UL C-plane sections the harness sent, indexed by (eAxC, absolute slot).
pub struct Requests {
    pub by_slot: HashMap<(u16, u64), Vec<(TxKind, SectionPlan)>>,
}

impl Requests {
    pub fn from_sent(sent: &[Planned], n: sim::timing::Numerology, only_on_time: impl Fn(&Planned) -> bool) -> Self {
        let mut by_slot: HashMap<(u16, u64), Vec<(TxKind, SectionPlan)>> = HashMap::new();
        for p in sent {
            if matches!(p.kind, TxKind::UlCplane | TxKind::PrachCplane) && only_on_time(p) {
                let slot = n.abs_slot(p.pos);
                for s in &p.sections {
                    by_slot.entry((p.eaxc, slot)).or_default().push((p.kind, s.clone()));
                }
            }
        }
        Requests { by_slot }
    }

    /// The requested sections covering this eAxC and symbol.
    pub fn covering(&self, eaxc: u16, n: sim::timing::Numerology, pos: AirPos) -> Vec<&(TxKind, SectionPlan)> {
        self.by_slot
            .get(&(eaxc, n.abs_slot(pos)))
            .map(|v| {
                v.iter()
                    .filter(|(_, s)| (s.start_symbol..s.start_symbol + s.num_symbol).contains(&pos.symbol))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Shorthand: the exchange, decoded, with the port error (if any) reported.
pub struct Observed {
    pub exchange: Exchange,
    pub frames: Vec<UlFrame>,
}

pub fn observe(ctx: &mut Ctx<'_>, plan: Vec<Planned>) -> Observed {
    let exchange = exchange(ctx, plan);
    let frames = decode_all(ctx, &exchange.received);
    Observed { exchange, frames }
}

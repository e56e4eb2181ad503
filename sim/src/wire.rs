//! Building complete fronthaul frames (Ethernet + VLAN + eCPRI + CUS-plane),
//! shared by the simulated O-DU and O-RU.

use crate::config::{FronthaulConfig, UdCompPresence};
use codecs::ecpri::{self, CommonHeader, Message, MessageType, Payload, SeqId};
use codecs::framing::{self, EthernetHeader, VlanTag};
use codecs::fronthaul::compression::UdCompHdr;
use codecs::fronthaul::header::{Direction, RadioAppHeader};
use codecs::fronthaul::uplane::{UplaneMessage, UplaneSection};
use std::collections::HashMap;

/// Which end of the link a frame leaves from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Du,
    Ru,
}

/// eCPRI sequence IDs, one counter per eAxC, plane (message type) and
/// direction, as CUS §5.1.3.2.8 requires: an O-DU sending DL and UL C-plane
/// on the same eAxC keeps two C-plane sequences.
#[derive(Debug, Default, Clone)]
pub struct SeqCounters {
    next: HashMap<(u16, u8, Direction), u8>,
}

impl SeqCounters {
    pub fn next(&mut self, eaxc: u16, msg_type: MessageType, dir: Direction) -> u8 {
        let slot = self.next.entry((eaxc, u8::from(msg_type), dir)).or_insert(0);
        let v = *slot;
        *slot = v.wrapping_add(1);
        v
    }

    /// Skip one sequence number (used by the faulty variants).
    pub fn skip(&mut self, eaxc: u16, msg_type: MessageType, dir: Direction) {
        let _ = self.next(eaxc, msg_type, dir);
    }
}

/// The Ethernet header a sender puts on its frames.
pub fn ethernet_header(cfg: &FronthaulConfig, from: Sender) -> EthernetHeader {
    let (dst, src) = match from {
        Sender::Du => (cfg.link.ru_mac, cfg.link.du_mac),
        Sender::Ru => (cfg.link.du_mac, cfg.link.ru_mac),
    };
    let vlans = cfg
        .link
        .vlan
        .map(|vid| VlanTag {
            tpid: 0x8100,
            pcp: cfg.link.pcp,
            dei: false,
            vid,
        })
        .into_iter()
        .collect();
    EthernetHeader {
        dst,
        src,
        vlans,
        ethertype: ecpri::ETHERTYPE_ECPRI,
    }
}

/// One eCPRI message of type 0 or 2 (sequence ID with E = 1, subSeq = 0: the
/// harness never fragments at the radio transport layer), framed for the wire.
pub fn frame(eth: &EthernetHeader, revision: u8, msg_type: MessageType, eaxc: u16, seq: u8, data: &[u8]) -> Vec<u8> {
    let seq_id = SeqId {
        sequence_id: seq,
        e_bit: true,
        sub_sequence_id: 0,
    };
    let payload = match msg_type {
        MessageType::IqData => Payload::IqData {
            pc_id: eaxc,
            seq_id,
            data,
        },
        _ => Payload::RealTimeControl {
            rtc_id: eaxc,
            seq_id,
            data,
        },
    };
    let msg = Message {
        header: CommonHeader {
            revision,
            reserved: 0,
            concatenated: false,
            message_type: msg_type,
            payload_size: 0, // set by emit from the payload
        },
        payload,
        offset: 0,
    };
    let mut pdu = Vec::with_capacity(data.len() + 8);
    msg.emit(&mut pdu).expect("payload within eCPRI limits");
    let mut out = Vec::with_capacity(pdu.len() + 22);
    framing::emit_frame(eth, None, &pdu, &mut out).expect("header fields within their widths");
    out
}

/// One U-plane section to put on the wire: IQ already compressed.
pub struct UplaneChunk {
    pub section_id: u16,
    pub start_prb: u16,
    pub num_prb: u16,
    pub iq: Vec<u8>,
}

/// How many PRBs of the given compression fit one message under the MTU.
pub fn prbs_per_message(mtu: usize, comp: UdCompHdr, presence: UdCompPresence) -> usize {
    // eCPRI common header 4 + pcid/seqid 4 + radio application header 4
    // + section header 4 (+2 with a dynamic udCompHdr).
    let overhead = 12 + 4 + if presence == UdCompPresence::Dynamic { 2 } else { 0 };
    let per_prb = comp.prb_len().unwrap_or(usize::MAX);
    (mtu.saturating_sub(overhead) / per_prb).clamp(1, 255)
}

/// Encode the radio application header and U-plane sections of one message.
pub fn uplane_data(header: RadioAppHeader, comp: UdCompHdr, presence: UdCompPresence, chunk: &UplaneChunk) -> Vec<u8> {
    let msg = UplaneMessage {
        header,
        sections: vec![UplaneSection {
            section_id: chunk.section_id,
            rb: false,
            sym_inc: false,
            start_prb: chunk.start_prb,
            // numPrbu is 8 bits; a chunk is always <= 255 PRBs (prbs_per_message).
            num_prb: chunk.num_prb as u8,
            ud_comp_hdr: (presence == UdCompPresence::Dynamic).then_some(comp),
            reserved: 0,
            ud_comp_len: None,
            iq: &chunk.iq,
            offset: 0,
        }],
    };
    let mut out = Vec::with_capacity(chunk.iq.len() + 12);
    msg.emit(&mut out).expect("fields built within their widths");
    out
}

//! The common radio application header that starts every C-plane and
//! U-plane message (after `ecpriRtcid`/`ecpriPcid` and `ecpriSeqid`):
//!
//! ```text
//! byte 0: dataDirection(1: 1 = DL) | payloadVersion(3) = 1 | filterIndex(4)
//! byte 1: frameId(8)
//! byte 2-3: subframeId(4) | slotId(6) | startSymbolId(6)  (U-plane: symbolId)
//! ```
//!
//! In some C-plane section types the low 4 bits of byte 0 and of byte 3 mean
//! something else (ST4/ST8: SCS code; ST7, ST10, ST11: reserved); they are
//! kept raw in `filter_index` and `symbol_id`.

use serde::Serialize;

use crate::Result;
use crate::ecpri::wire::{Reader, fit, put_u16};

/// `dataDirection`: 0 = uplink (O-RU receive), 1 = downlink (O-RU transmit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    Uplink,
    Downlink,
}

/// Common radio application header, 4 bytes (layout in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RadioAppHeader {
    pub direction: Direction,
    /// 3 bits; 1 in every published version.
    pub payload_version: u8,
    /// 4 bits, raw: a filterIndex, an SCS code or reserved by section type.
    pub filter_index: u8,
    pub frame_id: u8,
    /// 4 bits.
    pub subframe_id: u8,
    /// 6 bits.
    pub slot_id: u8,
    /// 6 bits: startSymbolId in the C-plane, symbolId in the U-plane.
    pub symbol_id: u8,
}

impl RadioAppHeader {
    pub const LEN: usize = 4;

    /// Decode the first 4 bytes of `buf`.
    pub fn parse(buf: &[u8]) -> Result<RadioAppHeader> {
        Self::read(&mut Reader::new(buf, "radio application header"))
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<RadioAppHeader> {
        r.ctx("radio application header");
        let b0 = r.u8()?;
        let frame_id = r.u8()?;
        let w = r.u16()?;
        Ok(RadioAppHeader {
            direction: if b0 & 0x80 != 0 {
                Direction::Downlink
            } else {
                Direction::Uplink
            },
            payload_version: (b0 >> 4) & 0x7,
            filter_index: b0 & 0xF,
            frame_id,
            subframe_id: (w >> 12) as u8,
            slot_id: ((w >> 6) & 0x3F) as u8,
            symbol_id: (w & 0x3F) as u8,
        })
    }

    /// Append the 4 bytes; `FieldOverflow` if a field exceeds its width.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<()> {
        const CTX: &str = "radio application header";
        let at = out.len();
        fit(self.payload_version.into(), 3, at, CTX)?;
        fit(self.filter_index.into(), 4, at, CTX)?;
        fit(self.subframe_id.into(), 4, at + 2, CTX)?;
        fit(self.slot_id.into(), 6, at + 2, CTX)?;
        fit(self.symbol_id.into(), 6, at + 3, CTX)?;
        let dir = u8::from(self.direction == Direction::Downlink);
        out.push(dir << 7 | self.payload_version << 4 | self.filter_index);
        out.push(self.frame_id);
        put_u16(
            out,
            u16::from(self.subframe_id) << 12 | u16::from(self.slot_id) << 6 | u16::from(self.symbol_id),
        );
        Ok(())
    }
}

//! The eAxC ID carried as `ecpriPcid` / `ecpriRtcid`:
//!
//! ```text
//! | DU_port_ID | BandSector_ID | CC_ID | RU_port_ID |   16 bits, MSB first
//! ```
//!
//! The four widths sum to 16 and are configured per deployment over the
//! M-plane (4/4/4/4 and 2/6/4/4 are common), so there is deliberately no
//! default split: callers must say which one applies.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ecpri::wire::fit;
use crate::{Error, ErrorKind, Result};

/// Bit widths of the four eAxC ID parts, most significant first; sum 16.
///
/// Deserializes from its struct form or from the string form of
/// [`FromStr`] (`"4,4,4,4"`), in either case only when the widths sum to 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "EaxcSplitRepr")]
pub struct EaxcSplit {
    pub du_port_bits: u8,
    pub band_sector_bits: u8,
    pub cc_bits: u8,
    pub ru_port_bits: u8,
}

/// The four parts of an eAxC ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Eaxc {
    pub du_port: u16,
    pub band_sector: u16,
    pub cc: u16,
    pub ru_port: u16,
}

impl fmt::Display for Eaxc {
    /// `du:bs:cc:ru`, as Wireshark's `c_eAxC_ID`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}:{}", self.du_port, self.band_sector, self.cc, self.ru_port)
    }
}

/// What an [`EaxcSplit`] is read from before its widths are checked.
#[derive(Deserialize)]
#[serde(untagged)]
enum EaxcSplitRepr {
    Text(String),
    #[serde(rename_all = "snake_case")]
    Parts {
        du_port_bits: u8,
        band_sector_bits: u8,
        cc_bits: u8,
        ru_port_bits: u8,
    },
}

impl TryFrom<EaxcSplitRepr> for EaxcSplit {
    type Error = String;

    fn try_from(r: EaxcSplitRepr) -> core::result::Result<Self, String> {
        match r {
            EaxcSplitRepr::Text(s) => s.parse().map_err(|e: Error| format!("eAxC split {s:?}: {e}")),
            EaxcSplitRepr::Parts {
                du_port_bits,
                band_sector_bits,
                cc_bits,
                ru_port_bits,
            } => EaxcSplit::new(du_port_bits, band_sector_bits, cc_bits, ru_port_bits).map_err(|e| e.to_string()),
        }
    }
}

impl EaxcSplit {
    /// The 4/4/4/4 split, one common configuration among several.
    pub const COMMON_4444: EaxcSplit = EaxcSplit {
        du_port_bits: 4,
        band_sector_bits: 4,
        cc_bits: 4,
        ru_port_bits: 4,
    };

    /// `Invalid("eAxC split")` unless the widths sum to 16.
    pub fn new(du_port_bits: u8, band_sector_bits: u8, cc_bits: u8, ru_port_bits: u8) -> Result<EaxcSplit> {
        let sum = u32::from(du_port_bits) + u32::from(band_sector_bits) + u32::from(cc_bits) + u32::from(ru_port_bits);
        if sum != 16 {
            return Err(Error::invalid(0, "eAxC split", "eAxC split widths must sum to 16"));
        }
        Ok(EaxcSplit {
            du_port_bits,
            band_sector_bits,
            cc_bits,
            ru_port_bits,
        })
    }

    fn widths(&self) -> [u8; 4] {
        [
            self.du_port_bits,
            self.band_sector_bits,
            self.cc_bits,
            self.ru_port_bits,
        ]
    }

    /// Split an eAxC ID. A split whose widths do not sum to 16 (only
    /// possible by building the struct directly) is applied as given, with
    /// any bits beyond 16 reading as zero.
    pub fn unpack(&self, id: u16) -> Eaxc {
        let mut parts = [0u16; 4];
        let mut shift: u32 = 16;
        for (p, w) in parts.iter_mut().zip(self.widths()) {
            let w = u32::from(w).min(shift);
            shift -= w;
            let mask = ((1u32 << w) - 1) as u16;
            *p = ((u32::from(id) >> shift) as u16) & mask;
        }
        Eaxc {
            du_port: parts[0],
            band_sector: parts[1],
            cc: parts[2],
            ru_port: parts[3],
        }
    }

    /// Join the parts into an eAxC ID; `FieldOverflow` if a part does not
    /// fit its width or the split does not sum to 16.
    pub fn pack(&self, e: Eaxc) -> Result<u16> {
        let w = self.widths();
        if w.iter().map(|&x| u32::from(x)).sum::<u32>() != 16 {
            return Err(Error::invalid(0, "eAxC split", "eAxC split widths must sum to 16"));
        }
        let mut id: u32 = 0;
        for (v, w) in [e.du_port, e.band_sector, e.cc, e.ru_port].into_iter().zip(w) {
            fit(v.into(), w, 0, "eAxC ID part")?;
            id = (id << w) | u32::from(v);
        }
        Ok(id as u16)
    }
}

impl fmt::Display for EaxcSplit {
    /// `du/bs/cc/ru` widths, e.g. `2/6/4/4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.du_port_bits, self.band_sector_bits, self.cc_bits, self.ru_port_bits
        )
    }
}

impl FromStr for EaxcSplit {
    type Err = Error;

    /// Four widths separated by `,` or `/` (spaces allowed), e.g. `4,4,4,4`
    /// or `2/6/4/4`.
    fn from_str(s: &str) -> Result<EaxcSplit> {
        let bad = || {
            Error::new(
                ErrorKind::Invalid("eAxC split"),
                0,
                "eAxC split: four widths like 4,4,4,4 or 2/6/4/4",
            )
        };
        let mut w = [0u8; 4];
        let mut n = 0;
        for part in s.split([',', '/']) {
            if n == 4 {
                return Err(bad());
            }
            w[n] = part.trim().parse().map_err(|_| bad())?;
            n += 1;
        }
        if n != 4 {
            return Err(bad());
        }
        EaxcSplit::new(w[0], w[1], w[2], w[3])
    }
}

//! What the simulated units are configured with: the carrier, the link, the
//! compression in force and the delay profile. The same structure describes
//! both ends, as an M-plane configuration would.

use crate::timing::{Nanos, Numerology};
use codecs::eaxc::EaxcSplit;
use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
use serde::{Deserialize, Serialize};

/// Microseconds to nanoseconds, for readable window literals.
pub const fn us(v: u64) -> Nanos {
    v * 1_000
}

/// The carrier and eAxC plan shared by O-DU and O-RU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carrier {
    pub numerology: Numerology,
    /// PRBs of the carrier (numPrb = 0 on the wire means all of them).
    pub prbs: u16,
    pub eaxc_split: EaxcSplit,
    /// eAxC IDs carrying DL C/U-plane.
    pub dl_eaxc: Vec<u16>,
    /// eAxC IDs carrying UL C/U-plane (PUSCH etc.).
    pub ul_eaxc: Vec<u16>,
    /// eAxC IDs carrying PRACH (section type 3), possibly empty.
    pub prach_eaxc: Vec<u16>,
}

/// Layer-2 addressing of the fronthaul link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub du_mac: [u8; 6],
    pub ru_mac: [u8; 6],
    /// 802.1Q VLAN ID, if the fronthaul is tagged.
    pub vlan: Option<u16>,
    /// 802.1p priority for the tag.
    pub pcp: u8,
    /// Largest eCPRI PDU (bytes after the Ethernet/VLAN header) a frame may carry.
    pub mtu: usize,
}

/// How the U-plane carries its compression header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UdCompPresence {
    /// Configured over the M-plane; absent from U-plane sections.
    Static,
    /// udCompHdr (and a reserved byte) in every U-plane section.
    Dynamic,
}

/// O-RU receive windows and UL transmit window (CUS delay management), in ns
/// relative to the air time of the symbol concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelayProfile {
    pub t2a_min_cp_dl: Nanos,
    pub t2a_max_cp_dl: Nanos,
    pub t2a_min_cp_ul: Nanos,
    pub t2a_max_cp_ul: Nanos,
    pub t2a_min_up: Nanos,
    pub t2a_max_up: Nanos,
    pub ta3_min: Nanos,
    pub ta3_max: Nanos,
}

impl DelayProfile {
    /// Example values of the kind seen in the field (O-RU side, zero transport
    /// delay): C-plane DL 258-500 us, C-plane UL 285-465 us, U-plane DL 50-250 us,
    /// UL U-plane sent 20-180 us after air time.
    pub const EXAMPLE: DelayProfile = DelayProfile {
        t2a_min_cp_dl: us(258),
        t2a_max_cp_dl: us(500),
        t2a_min_cp_ul: us(285),
        t2a_max_cp_ul: us(465),
        t2a_min_up: us(50),
        t2a_max_up: us(250),
        ta3_min: us(20),
        ta3_max: us(180),
    };
}

/// Where a message arrived relative to its receive window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowPosition {
    Early,
    OnTime,
    Late,
}

/// Classify an arrival `lead` ns before air time (negative = after air time)
/// against a [min, max] advance window.
pub fn classify_advance(lead: i64, min: Nanos, max: Nanos) -> WindowPosition {
    if lead > max as i64 {
        WindowPosition::Early
    } else if lead < min as i64 {
        WindowPosition::Late
    } else {
        WindowPosition::OnTime
    }
}

/// Everything both ends must agree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FronthaulConfig {
    pub carrier: Carrier,
    pub link: Link,
    /// DL U-plane compression.
    pub dl_comp: UdCompHdr,
    pub dl_comp_presence: UdCompPresence,
    /// UL U-plane compression (announced in UL C-plane udCompHdr).
    pub ul_comp: UdCompHdr,
    pub ul_comp_presence: UdCompPresence,
    pub delay: DelayProfile,
}

impl FronthaulConfig {
    /// Category A, no beamforming, 100 MHz at 30 kHz (273 PRB), one DL, one UL
    /// and one PRACH eAxC, eAxC split 4/4/4/4, VLAN 2, BFP 9-bit both ways with
    /// static udCompHdr in the U-plane, 1500-byte MTU.
    pub fn cat_a_nobf_100mhz() -> Self {
        FronthaulConfig {
            carrier: Carrier {
                numerology: Numerology::new(1).expect("mu 1 is valid"),
                prbs: 273,
                eaxc_split: EaxcSplit::COMMON_4444,
                dl_eaxc: vec![0x0000],
                ul_eaxc: vec![0x0000],
                prach_eaxc: vec![0x0008],
            },
            link: Link {
                du_mac: [0x02, 0x00, 0x00, 0x00, 0xd0, 0x01],
                ru_mac: [0x02, 0x00, 0x00, 0x00, 0x7e, 0x01],
                vlan: Some(2),
                pcp: 7,
                mtu: 1500,
            },
            dl_comp: UdCompHdr::new(9, CompMethod::Bfp),
            dl_comp_presence: UdCompPresence::Static,
            ul_comp: UdCompHdr::new(9, CompMethod::Bfp),
            ul_comp_presence: UdCompPresence::Static,
            delay: DelayProfile::EXAMPLE,
        }
    }

    pub fn numerology(&self) -> Numerology {
        self.carrier.numerology
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_classification_edges_are_inclusive() {
        assert_eq!(classify_advance(100, 100, 200), WindowPosition::OnTime);
        assert_eq!(classify_advance(200, 100, 200), WindowPosition::OnTime);
        assert_eq!(classify_advance(99, 100, 200), WindowPosition::Late);
        assert_eq!(classify_advance(201, 100, 200), WindowPosition::Early);
        assert_eq!(classify_advance(-5, 0, 200), WindowPosition::Late);
    }
}

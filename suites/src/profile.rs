//! DUT profiles: what a device claims (its PICS) and how the lab reaches and
//! configures it (its PIXIT), read from TOML.
//!
//! The split follows conformance practice: the PICS decide which cases apply
//! before anything runs; the PIXIT give the addresses, the carrier and
//! compression the run uses, and the timing windows the DUT was configured
//! with. A profile whose PIXIT contradicts its PICS (a carrier the device
//! does not claim) is rejected, so every run is one the device claims to
//! support.
//!
//! ```toml
//! [dut]
//! name = "Arcadia AR-4410 O-RU"
//! vendor = "Arcadia Radio Systems"
//! model = "AR-4410"
//! software_version = "4.2.1"
//!
//! [pics]
//! role = "o-ru"
//!
//! [pics.fronthaul]
//! category = "A"
//! beamforming = "none"
//! section_types = [1, 3]
//! ul_compression = ["bfp:9"]
//! ...
//! ```
//!
//! Every error carries the byte span it is about and the dotted path of the
//! field there; [`ProfileError::render`] turns it into `file:line:column`.
//! Windows are written in microseconds, as data sheets give them.

use crate::case::{OruPics, Setup};
use codecs::e2ap::E2apVersion;
use codecs::eaxc::EaxcSplit;
use codecs::fronthaul::compression::{CompMethod, UdCompHdr};
use serde::{Deserialize, Deserializer, Serialize};
use sim::Nanos;
use sim::config::{Carrier, DelayProfile, FronthaulConfig, Link, UdCompPresence};
use sim::odu::{OduBehaviour, PrachPlan, SlotPattern};
use sim::signal::TestSignal;
use sim::timing::{Numerology, nr_prbs};
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// A DUT profile: a device's identity, claims and lab settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub dut: Dut,
    pub pics: Pics,
    pub pixit: Pixit,
}

/// Who the device is, as the reports name it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dut {
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub software_version: String,
    /// The O-RAN.WG4.IOT.0 profile the configuration follows, when it is one
    /// (e.g. "NR-TDD-FR1-CAT-A-NoBF"); reported as the run's profile.
    #[serde(default)]
    pub iot_profile: Option<String>,
}

/// The role a device plays in the test bed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    #[serde(rename = "o-ru")]
    ORu,
    #[serde(rename = "o-du")]
    ODu,
    #[serde(rename = "e2-node")]
    E2Node,
    #[serde(rename = "near-rt-ric")]
    NearRtRic,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::ORu => "O-RU",
            Role::ODu => "O-DU",
            Role::E2Node => "E2 node",
            Role::NearRtRic => "Near-RT RIC",
        })
    }
}

/// Protocol implementation conformance statement: what the device claims.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pics {
    pub role: Spanned<Role>,
    /// Open Fronthaul claims (O-RU, O-DU).
    #[serde(default)]
    pub fronthaul: Option<Spanned<FronthaulPics>>,
    /// E2 claims (E2 node, Near-RT RIC).
    #[serde(default)]
    pub e2: Option<Spanned<E2Pics>>,
}

/// O-RU category (O-RAN.WG4.CUS.0 §2.1): A precodes in the O-DU, B in the O-RU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    A,
    B,
}

/// Beamforming the unit does or drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Beamforming {
    None,
    /// Predefined beams selected by beamId.
    Digital,
    Analog,
    Hybrid,
}

/// Whether U-plane sections carry udCompHdr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompHdr {
    /// Configured over the M-plane, absent from U-plane sections.
    Static,
    /// In every U-plane section.
    Dynamic,
}

impl CompHdr {
    pub fn presence(self) -> UdCompPresence {
        match self {
            CompHdr::Static => UdCompPresence::Static,
            CompHdr::Dynamic => UdCompPresence::Dynamic,
        }
    }
}

/// Open Fronthaul claims. For an O-RU: what it accepts and produces; for an
/// O-DU: what it sends (DL compression, section types) and decodes (UL).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FronthaulPics {
    pub category: Category,
    pub beamforming: Beamforming,
    pub section_types: Spanned<Vec<SectionTypeId>>,
    #[serde(default)]
    pub section_extensions: Vec<ExtensionId>,
    pub ul_compression: Spanned<Vec<Comp>>,
    pub dl_compression: Spanned<Vec<Comp>>,
    /// Static and/or dynamic udCompHdr.
    pub ud_comp_hdr: Spanned<Vec<CompHdr>>,
    pub numerologies: Spanned<Vec<Mu>>,
    pub bandwidths_mhz: Vec<Spanned<u32>>,
    /// eAxCs (spatial streams) per direction.
    pub eaxc_count: u16,
    /// Whether the receive counters (on time / early / late) can be read.
    #[serde(default)]
    pub rx_counters: bool,
}

impl FronthaulPics {
    pub fn section_types(&self) -> impl Iterator<Item = u8> + '_ {
        self.section_types.get_ref().iter().map(|s| s.0)
    }

    pub fn claims_section_type(&self, st: u8) -> bool {
        self.section_types().any(|s| s == st)
    }

    pub fn ul(&self) -> Vec<UdCompHdr> {
        self.ul_compression.get_ref().iter().map(|c| c.0).collect()
    }

    pub fn dl(&self) -> Vec<UdCompHdr> {
        self.dl_compression.get_ref().iter().map(|c| c.0).collect()
    }

    pub fn comp_hdr(&self) -> &[CompHdr] {
        self.ud_comp_hdr.get_ref()
    }

    pub fn numerologies(&self) -> Vec<u8> {
        self.numerologies.get_ref().iter().map(|m| m.0).collect()
    }

    pub fn bandwidths(&self) -> Vec<u32> {
        self.bandwidths_mhz.iter().map(|b| *b.get_ref()).collect()
    }
}

/// E2 claims.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct E2Pics {
    pub e2ap_versions: Spanned<Vec<E2ap>>,
    /// The RAN functions an E2 node offers.
    #[serde(default)]
    pub ran_functions: Vec<RanFunction>,
    /// The service models a near-RT RIC's xApps use, and in which versions.
    #[serde(default)]
    pub service_models: Vec<ServiceModelUse>,
}

/// A service model a near-RT RIC uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceModelUse {
    /// e.g. "E2SM-KPM".
    pub name: ServiceModelName,
    /// e.g. ["3.00"].
    pub versions: Vec<String>,
}

/// How an E2 node and a near-RT RIC of two profiles work together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E2PairConfig {
    /// The newest E2AP version both claim.
    pub version: E2apVersion,
    pub notes: Vec<String>,
}

/// Whether the E2 node of `node` and the near-RT RIC of `ric` can work
/// together: an E2AP version both speak, and every service model the RIC
/// uses offered by the node in a version the RIC speaks (E2SM-KPM v02.03
/// and v03.00 differ on the wire, so a version mismatch is an
/// incompatibility, not a detail). The reasons, when they cannot.
pub fn e2_compatibility(node: &Profile, ric: &Profile) -> Result<E2PairConfig, Vec<String>> {
    let mut bad = Vec::new();
    if node.role() != Role::E2Node {
        bad.push(format!(
            "{} is an {} profile, not an E2 node",
            node.dut.name,
            node.role()
        ));
    }
    if ric.role() != Role::NearRtRic {
        bad.push(format!(
            "{} is an {} profile, not a Near-RT RIC",
            ric.dut.name,
            ric.role()
        ));
    }
    let (Some(n), Some(r)) = (node.pics.e2.as_ref(), ric.pics.e2.as_ref()) else {
        bad.push("both profiles need [pics.e2]".into());
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
    let (n, r) = (n.get_ref(), r.get_ref());
    let labels = |v: &[E2ap]| v.iter().map(|v| v.0.label()).collect::<Vec<_>>().join(", ");
    let version = n
        .e2ap_versions
        .get_ref()
        .iter()
        .filter(|v| r.e2ap_versions.get_ref().iter().any(|w| w.0 == v.0))
        .map(|v| v.0)
        .max();
    if version.is_none() {
        bad.push(format!(
            "no common E2AP version: the node speaks {}, the RIC {}",
            labels(n.e2ap_versions.get_ref()),
            labels(r.e2ap_versions.get_ref())
        ));
    }
    let mut notes = Vec::new();
    for used in &r.service_models {
        let offered: Vec<&RanFunction> = n
            .ran_functions
            .iter()
            .filter(|f| f.service_model.0 == used.name.0)
            .collect();
        if offered.is_empty() {
            bad.push(format!("the RIC uses {}, which the node does not offer", used.name.0));
        } else if let Some(f) = offered.iter().find(|f| used.versions.contains(&f.version)) {
            notes.push(format!("{} v{} (RAN function {})", used.name.0, f.version, f.id.0));
        } else {
            let have: Vec<&str> = offered.iter().map(|f| f.version.as_str()).collect();
            bad.push(format!(
                "{}: the RIC speaks v{}, the node offers v{}",
                used.name.0,
                used.versions.join(", v"),
                have.join(", v")
            ));
        }
    }
    match version {
        Some(version) if bad.is_empty() => {
            notes.insert(0, format!("E2AP {version}"));
            Ok(E2PairConfig { version, notes })
        }
        _ => Err(bad),
    }
}

/// A RAN function and the service model it implements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RanFunction {
    pub id: RanFunctionId,
    /// e.g. "E2SM-KPM".
    pub service_model: ServiceModelName,
    /// e.g. "3.00".
    pub version: String,
    /// The service model's OID, e.g. "1.3.6.1.4.1.53148.1.3.2.2".
    pub oid: String,
}

/// Protocol implementation extra information for testing: the lab settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pixit {
    /// Network interface the harness uses towards the DUT (raw Ethernet).
    #[serde(default)]
    pub interface: Option<String>,
    /// eCPRI over IPv4/UDP instead of raw Ethernet.
    #[serde(default)]
    pub udp: Option<UdpPixit>,
    #[serde(default)]
    pub du_mac: Option<Mac>,
    #[serde(default)]
    pub ru_mac: Option<Mac>,
    #[serde(default)]
    pub vlan: Option<VlanId>,
    #[serde(default = "default_pcp")]
    pub pcp: Pcp,
    #[serde(default = "default_mtu")]
    pub mtu: Mtu,
    #[serde(default)]
    pub eaxc_split: Option<EaxcSplit>,
    /// One-way transport delay between the O-DU and O-RU (T12), microseconds.
    #[serde(default)]
    pub transport_delay_us: Micros,
    /// Wall-clock limit of one case, seconds.
    #[serde(default)]
    pub case_timeout_s: Option<Seconds>,
    /// TDD pattern the O-DU runs, e.g. "DDDSU/10:2" (O-DU profiles).
    #[serde(default)]
    pub tdd_pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub carrier: Option<Spanned<CarrierPixit>>,
    #[serde(default)]
    pub windows: Option<Spanned<Windows>>,
    #[serde(default)]
    pub tolerances: Tolerances,
    #[serde(default)]
    pub e2: Option<E2Pixit>,
}

fn default_pcp() -> Pcp {
    Pcp(7)
}

fn default_mtu() -> Mtu {
    Mtu(1500)
}

/// eCPRI over UDP: the harness's end and the DUT's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UdpPixit {
    pub local: std::net::SocketAddrV4,
    pub peer: std::net::SocketAddrV4,
}

/// The carrier and compression the run configures (over the M-plane, in a lab).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierPixit {
    pub numerology: Spanned<Mu>,
    pub bandwidth_mhz: Spanned<u32>,
    pub dl_eaxc: Spanned<Vec<u16>>,
    pub ul_eaxc: Spanned<Vec<u16>>,
    #[serde(default)]
    pub prach_eaxc: Vec<u16>,
    pub ul_compression: Spanned<Comp>,
    pub dl_compression: Spanned<Comp>,
    pub ud_comp_hdr: Spanned<CompHdr>,
}

/// Timing windows in microseconds relative to air time (CUS §4.4). An O-RU
/// gives its receive windows (T2a), Tcp_adv_dl and transmit window (Ta3);
/// an O-DU its transmit windows (T1a), Tcp_adv_dl and receive window (Ta4).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Windows {
    pub t2a_min_cp_dl: Option<Micros>,
    pub t2a_max_cp_dl: Option<Micros>,
    pub t2a_min_cp_ul: Option<Micros>,
    pub t2a_max_cp_ul: Option<Micros>,
    pub t2a_min_up: Option<Micros>,
    pub t2a_max_up: Option<Micros>,
    pub ta3_min: Option<Micros>,
    pub ta3_max: Option<Micros>,
    pub t1a_min_cp_dl: Option<Micros>,
    pub t1a_max_cp_dl: Option<Micros>,
    pub t1a_min_cp_ul: Option<Micros>,
    pub t1a_max_cp_ul: Option<Micros>,
    pub t1a_min_up: Option<Micros>,
    pub t1a_max_up: Option<Micros>,
    pub ta4_min: Option<Micros>,
    pub ta4_max: Option<Micros>,
    /// How long DL C-plane must precede its DL U-plane.
    pub tcp_adv_dl: Option<Micros>,
}

const ORU_WINDOWS: [&str; 8] = [
    "t2a_min_cp_dl",
    "t2a_max_cp_dl",
    "t2a_min_cp_ul",
    "t2a_max_cp_ul",
    "t2a_min_up",
    "t2a_max_up",
    "ta3_min",
    "ta3_max",
];
const ODU_WINDOWS: [&str; 8] = [
    "t1a_min_cp_dl",
    "t1a_max_cp_dl",
    "t1a_min_cp_ul",
    "t1a_max_cp_ul",
    "t1a_min_up",
    "t1a_max_up",
    "ta4_min",
    "ta4_max",
];

impl Windows {
    fn get(&self, name: &str) -> Option<Micros> {
        match name {
            "t2a_min_cp_dl" => self.t2a_min_cp_dl,
            "t2a_max_cp_dl" => self.t2a_max_cp_dl,
            "t2a_min_cp_ul" => self.t2a_min_cp_ul,
            "t2a_max_cp_ul" => self.t2a_max_cp_ul,
            "t2a_min_up" => self.t2a_min_up,
            "t2a_max_up" => self.t2a_max_up,
            "ta3_min" => self.ta3_min,
            "ta3_max" => self.ta3_max,
            "t1a_min_cp_dl" => self.t1a_min_cp_dl,
            "t1a_max_cp_dl" => self.t1a_max_cp_dl,
            "t1a_min_cp_ul" => self.t1a_min_cp_ul,
            "t1a_max_cp_ul" => self.t1a_max_cp_ul,
            "t1a_min_up" => self.t1a_min_up,
            "t1a_max_up" => self.t1a_max_up,
            "ta4_min" => self.ta4_min,
            "ta4_max" => self.ta4_max,
            "tcp_adv_dl" => self.tcp_adv_dl,
            _ => None,
        }
    }

    fn ns(&self, name: &str) -> Nanos {
        self.get(name).map(|m| m.ns()).unwrap_or(0)
    }

    /// The O-RU windows as the simulator and the cases use them.
    pub fn oru_delay(&self) -> DelayProfile {
        DelayProfile {
            t2a_min_cp_dl: self.ns("t2a_min_cp_dl"),
            t2a_max_cp_dl: self.ns("t2a_max_cp_dl"),
            t2a_min_cp_ul: self.ns("t2a_min_cp_ul"),
            t2a_max_cp_ul: self.ns("t2a_max_cp_ul"),
            t2a_min_up: self.ns("t2a_min_up"),
            t2a_max_up: self.ns("t2a_max_up"),
            ta3_min: self.ns("ta3_min"),
            ta3_max: self.ns("ta3_max"),
        }
    }
}

/// Margins for test beds that are not real-time.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    /// Raise every O-RU window's maximum by this much (both ends), as
    /// `--widen-windows-us` does.
    #[serde(default)]
    pub widen_windows_us: Micros,
}

/// Where the E2 node or RIC listens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct E2Pixit {
    pub sctp: std::net::SocketAddr,
    /// SCTP payload protocol identifier; 70 is E2AP's (IANA).
    #[serde(default = "default_ppid")]
    pub ppid: u32,
}

fn default_ppid() -> u32 {
    70
}

// ---- validated scalars: each rejects an out-of-range value while the
// deserializer is on it, so that the error carries the value's own span
// (an error raised after it returned would point at the enclosing array).

/// Reads an integer and checks it with `T::try_from`.
struct IntVisitor<T>(std::marker::PhantomData<T>);

impl<T: TryFrom<i64, Error = String>> serde::de::Visitor<'_> for IntVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(E::custom)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(i64::try_from(v).unwrap_or(i64::MAX)).map_err(E::custom)
    }
}

/// Reads a string and checks it with `T::try_from`.
struct StrVisitor<T>(std::marker::PhantomData<T>);

impl<T: TryFrom<String, Error = String>> serde::de::Visitor<'_> for StrVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        T::try_from(v.to_string()).map_err(E::custom)
    }
}

macro_rules! checked {
    (int: $($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_i64(IntVisitor(std::marker::PhantomData))
            }
        }
    )*};
    (str: $($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(StrVisitor(std::marker::PhantomData))
            }
        }
    )*};
}

checked!(int: SectionTypeId, ExtensionId, Mu, VlanId, Pcp, Mtu, RanFunctionId);
checked!(str: Comp, Mac, E2ap, ServiceModelName);

/// A C-plane section type that exists (0, 1, 3..=11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionTypeId(pub u8);

impl TryFrom<i64> for SectionTypeId {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        match v {
            0 | 1 | 3..=11 => Ok(SectionTypeId(v as u8)),
            _ => Err(format!(
                "section type {v} does not exist (CUS §7.3: 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11)"
            )),
        }
    }
}

/// A section extension type, 1..=28.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExtensionId(pub u8);

impl TryFrom<i64> for ExtensionId {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (1..=28).contains(&v) {
            Ok(ExtensionId(v as u8))
        } else {
            Err(format!("section extension {v} does not exist (1..=28)"))
        }
    }
}

/// Numerology mu, 0..=4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mu(pub u8);

impl TryFrom<i64> for Mu {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (0..=4).contains(&v) {
            Ok(Mu(v as u8))
        } else {
            Err(format!("numerology {v} is out of range 0..=4"))
        }
    }
}

/// A U-plane compression, written `method:width` (bfp:9, mu-law:8,
/// block-scaling:8, none:16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Comp(pub UdCompHdr);

impl TryFrom<String> for Comp {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let width = s
            .rsplit_once(':')
            .map(|(_, w)| w)
            .or_else(|| s.find(|c: char| c.is_ascii_digit()).map(|i| &s[i..]))
            .and_then(|w| w.trim().parse::<u32>().ok());
        if let Some(w) = width.filter(|w| !(1..=16).contains(w)) {
            return Err(format!("compression {s:?}: width {w} is out of range 1..=16"));
        }
        let c: UdCompHdr = s
            .parse()
            .map_err(|_| format!("compression {s:?}: want method:width, e.g. bfp:9, mu-law:8, none:16"))?;
        if matches!(c.method, CompMethod::Reserved(_)) {
            return Err(format!("compression {s:?}: reserved method"));
        }
        Ok(Comp(c))
    }
}

/// A MAC address, `02:00:00:00:7e:01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mac(pub [u8; 6]);

impl TryFrom<String> for Mac {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let mut out = [0u8; 6];
        let parts: Vec<_> = s.split([':', '-']).collect();
        if parts.len() != 6 {
            return Err(format!("MAC address {s:?}: want six hex bytes like 02:00:00:00:7e:01"));
        }
        for (o, p) in out.iter_mut().zip(parts) {
            *o = u8::from_str_radix(p, 16)
                .ok()
                .filter(|_| p.len() == 2)
                .ok_or_else(|| format!("MAC address {s:?}: {p:?} is not a hex byte"))?;
        }
        Ok(Mac(out))
    }
}

/// An 802.1Q VLAN ID, 1..=4094.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VlanId(pub u16);

impl TryFrom<i64> for VlanId {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (1..=4094).contains(&v) {
            Ok(VlanId(v as u16))
        } else {
            Err(format!("VLAN ID {v} is out of range 1..=4094"))
        }
    }
}

/// An 802.1p priority, 0..=7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pcp(pub u8);

impl TryFrom<i64> for Pcp {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (0..=7).contains(&v) {
            Ok(Pcp(v as u8))
        } else {
            Err(format!("802.1p priority {v} is out of range 0..=7"))
        }
    }
}

/// Largest eCPRI PDU a frame carries, 256..=9600 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mtu(pub usize);

impl TryFrom<i64> for Mtu {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (256..=9600).contains(&v) {
            Ok(Mtu(v as usize))
        } else {
            Err(format!("MTU {v} is out of range 256..=9600"))
        }
    }
}

/// A non-negative time in microseconds (integer or fractional).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Micros(pub f64);

impl Micros {
    pub fn ns(self) -> Nanos {
        (self.0 * 1000.0).round() as Nanos
    }
}

impl<'de> Deserialize<'de> for Micros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = NonNegative::deserialize(d)?.0;
        if v > 1e6 {
            return Err(serde::de::Error::custom(format!(
                "{v} us is more than a second: windows are in microseconds"
            )));
        }
        Ok(Micros(v))
    }
}

/// A positive number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Seconds(pub f64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = NonNegative::deserialize(d)?.0;
        if v == 0.0 {
            return Err(serde::de::Error::custom("a timeout of 0 s would stop every case"));
        }
        Ok(Seconds(v))
    }
}

/// A finite number >= 0, integer or float in the TOML.
struct NonNegative(f64);

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Num {
            I(i64),
            F(f64),
        }
        let v = match Num::deserialize(d)
            .map_err(|_| serde::de::Error::custom("invalid type: expected a number (integer or float)"))?
        {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        };
        if !v.is_finite() || v < 0.0 {
            return Err(serde::de::Error::custom(format!("{v} is negative or not a number")));
        }
        Ok(NonNegative(v))
    }
}

/// An E2AP version the codecs know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct E2ap(pub E2apVersion);

impl TryFrom<String> for E2ap {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse().map(E2ap)
    }
}

/// A RAN function ID, 0..=4095.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RanFunctionId(pub u16);

impl TryFrom<i64> for RanFunctionId {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        if (0..=4095).contains(&v) {
            Ok(RanFunctionId(v as u16))
        } else {
            Err(format!("RAN function ID {v} is out of range 0..=4095"))
        }
    }
}

/// A service model name, "E2SM-..." (E2SM-KPM, E2SM-RC, E2SM-NI, E2SM-CCC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceModelName(pub String);

impl TryFrom<String> for ServiceModelName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.starts_with("E2SM-") && s.len() > 5 {
            Ok(ServiceModelName(s))
        } else {
            Err(format!("service model {s:?}: want a name like E2SM-KPM"))
        }
    }
}

// ---- errors

/// What is wrong with a profile, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// Byte range in the source the error is about.
    pub span: Option<Range<usize>>,
    /// Dotted path of the field there, e.g. `pics.fronthaul.section_types`.
    pub field: Option<String>,
    pub message: String,
}

impl ProfileError {
    fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        ProfileError {
            span: Some(span),
            field: None,
            message: message.into(),
        }
    }

    /// 1-based line and column of the error in `src`.
    pub fn line_col(&self, src: &str) -> Option<(usize, usize)> {
        let at = self.span.as_ref()?.start.min(src.len());
        let before = &src[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Some((line, col))
    }

    /// `file:line:column: field: message`, then the offending line.
    pub fn render(&self, file: &str, src: &str) -> String {
        let mut s = String::from(file);
        if let Some((line, col)) = self.line_col(src) {
            s.push_str(&format!(":{line}:{col}"));
        }
        s.push_str(": ");
        if let Some(f) = &self.field {
            s.push_str(&format!("`{f}`: "));
        }
        s.push_str(&self.message);
        if let Some((line, col)) = self.line_col(src)
            && let Some(text) = src.lines().nth(line - 1)
        {
            s.push_str(&format!("\n  {line:>4} | {text}\n       | {:>col$}", "^"));
        }
        s
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

/// The dotted path of the field whose key or value most closely covers
/// `at`. Tables written with a `[header]` span only their header, so every
/// entry of the document is looked at, not just those under a covering parent.
fn field_at(src: &str, at: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    fn covers(span: &Range<usize>, at: usize) -> bool {
        span.start <= at && (at < span.end || span.is_empty() && at == span.start)
    }
    fn consider(span: Range<usize>, p: &str, at: usize, best: &mut Option<(usize, String)>) {
        if covers(&span, at) && best.as_ref().is_none_or(|(len, _)| span.len() < *len) {
            *best = Some((span.len(), p.to_string()));
        }
    }
    fn walk(t: &DeTable<'_>, at: usize, path: &str, best: &mut Option<(usize, String)>) {
        for (k, v) in t.iter() {
            let p = if path.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{path}.{}", k.get_ref())
            };
            consider(k.span(), &p, at, best);
            consider(v.span(), &p, at, best);
            match v.get_ref() {
                DeValue::Table(sub) => walk(sub, at, &p, best),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let ip = format!("{p}[{i}]");
                        consider(item.span(), &ip, at, best);
                        if let DeValue::Table(sub) = item.get_ref() {
                            walk(sub, at, &ip, best);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let doc = DeTable::parse(src).ok()?;
    let mut best = None;
    walk(doc.get_ref(), at, "", &mut best);
    best.map(|(_, p)| p)
}

// ---- parsing and validation

impl Profile {
    /// Parse and check a profile; the error's span and field point into `src`.
    pub fn parse(src: &str) -> Result<Profile, ProfileError> {
        let p: Profile = toml::from_str(src).map_err(|e| {
            // A missing field is reported at its table: say which one.
            let span = e.span();
            ProfileError {
                field: span.as_ref().and_then(|s| field_at(src, s.start)),
                span,
                message: e.message().trim().to_string(),
            }
        })?;
        p.validate().map_err(|mut e| {
            if e.field.is_none() {
                e.field = e.span.as_ref().and_then(|s| field_at(src, s.start));
            }
            e
        })?;
        Ok(p)
    }

    pub fn role(&self) -> Role {
        *self.pics.role.get_ref()
    }

    pub fn fronthaul(&self) -> Option<&FronthaulPics> {
        self.pics.fronthaul.as_ref().map(|f| f.get_ref())
    }

    fn validate(&self) -> Result<(), ProfileError> {
        let role = self.role();
        let role_span = self.pics.role.span();
        match role {
            Role::ORu | Role::ODu => {
                let fh = self.pics.fronthaul.as_ref().ok_or_else(|| {
                    ProfileError::at(role_span.clone(), format!("an {role} profile needs [pics.fronthaul]"))
                })?;
                self.validate_fronthaul(fh)?;
            }
            Role::E2Node | Role::NearRtRic => {
                let e2 =
                    self.pics.e2.as_ref().ok_or_else(|| {
                        ProfileError::at(role_span.clone(), format!("an {role} profile needs [pics.e2]"))
                    })?;
                if e2.get_ref().e2ap_versions.get_ref().is_empty() {
                    return Err(ProfileError::at(
                        e2.get_ref().e2ap_versions.span(),
                        "claim at least one E2AP version",
                    ));
                }
                let mut ids = Vec::new();
                for f in &e2.get_ref().ran_functions {
                    if ids.contains(&f.id.0) {
                        return Err(ProfileError::at(
                            e2.span(),
                            format!("RAN function ID {} is listed twice", f.id.0),
                        ));
                    }
                    ids.push(f.id.0);
                }
                if self.pixit.e2.is_none() {
                    return Err(ProfileError::at(
                        role_span,
                        format!("an {role} profile needs [pixit.e2] (its SCTP address)"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_fronthaul(&self, fh_spanned: &Spanned<FronthaulPics>) -> Result<(), ProfileError> {
        let fh = fh_spanned.get_ref();
        for (name, empty, span) in [
            (
                "section_types",
                fh.section_types.get_ref().is_empty(),
                fh.section_types.span(),
            ),
            (
                "ul_compression",
                fh.ul_compression.get_ref().is_empty(),
                fh.ul_compression.span(),
            ),
            (
                "dl_compression",
                fh.dl_compression.get_ref().is_empty(),
                fh.dl_compression.span(),
            ),
            (
                "ud_comp_hdr",
                fh.ud_comp_hdr.get_ref().is_empty(),
                fh.ud_comp_hdr.span(),
            ),
            (
                "numerologies",
                fh.numerologies.get_ref().is_empty(),
                fh.numerologies.span(),
            ),
        ] {
            if empty {
                return Err(ProfileError::at(span, format!("{name}: claim at least one")));
            }
        }
        if fh.bandwidths_mhz.is_empty() {
            return Err(ProfileError::at(
                fh_spanned.span(),
                "bandwidths_mhz: claim at least one",
            ));
        }
        let mus = fh.numerologies();
        for bw in &fh.bandwidths_mhz {
            if !mus.iter().any(|&mu| nr_prbs(*bw.get_ref(), mu).is_some()) {
                return Err(ProfileError::at(
                    bw.span(),
                    format!(
                        "no NR carrier of {} MHz at the claimed numerologies ({}; TS 38.101-1 Table 5.3.2-1)",
                        bw.get_ref(),
                        scs_list(&mus)
                    ),
                ));
            }
        }
        if fh.eaxc_count == 0 {
            return Err(ProfileError::at(fh_spanned.span(), "eaxc_count: at least 1"));
        }
        let role = self.role();
        let carrier = self.pixit.carrier.as_ref().ok_or_else(|| {
            ProfileError::at(
                self.pics.role.span(),
                format!("an {role} profile needs [pixit.carrier] (the configuration the run uses)"),
            )
        })?;
        let c = carrier.get_ref();
        let mu = c.numerology.get_ref().0;
        if !mus.contains(&mu) {
            return Err(ProfileError::at(
                c.numerology.span(),
                format!("numerology {mu} is not among the claimed ones ({})", scs_list(&mus)),
            ));
        }
        let bw = *c.bandwidth_mhz.get_ref();
        if !fh.bandwidths().contains(&bw) {
            return Err(ProfileError::at(
                c.bandwidth_mhz.span(),
                format!("{bw} MHz is not among the claimed bandwidths {:?}", fh.bandwidths()),
            ));
        }
        if nr_prbs(bw, mu).is_none() {
            return Err(ProfileError::at(
                c.bandwidth_mhz.span(),
                format!(
                    "no NR carrier of {bw} MHz at {} kHz (TS 38.101-1 Table 5.3.2-1)",
                    15 << mu
                ),
            ));
        }
        for (what, chosen, claimed) in [("UL", &c.ul_compression, fh.ul()), ("DL", &c.dl_compression, fh.dl())] {
            if !claimed.contains(&chosen.get_ref().0) {
                return Err(ProfileError::at(
                    chosen.span(),
                    format!(
                        "{what} compression {} is not among the claimed ones ({})",
                        chosen.get_ref().0,
                        comp_list(&claimed)
                    ),
                ));
            }
        }
        if !fh.comp_hdr().contains(c.ud_comp_hdr.get_ref()) {
            return Err(ProfileError::at(
                c.ud_comp_hdr.span(),
                format!("udCompHdr {:?} is not claimed", c.ud_comp_hdr.get_ref()),
            ));
        }
        for (what, list) in [("dl_eaxc", &c.dl_eaxc), ("ul_eaxc", &c.ul_eaxc)] {
            if list.get_ref().is_empty() || list.get_ref().len() > fh.eaxc_count as usize {
                return Err(ProfileError::at(
                    list.span(),
                    format!("{what}: want 1..={} eAxC IDs (eaxc_count)", fh.eaxc_count),
                ));
            }
        }
        if role == Role::ORu && fh.claims_section_type(3) && c.prach_eaxc.is_empty() {
            return Err(ProfileError::at(
                carrier.span(),
                "the O-RU claims section type 3 (PRACH) but prach_eaxc lists no eAxC",
            ));
        }
        let windows = self.pixit.windows.as_ref().ok_or_else(|| {
            ProfileError::at(
                self.pics.role.span(),
                format!("an {role} profile needs [pixit.windows]"),
            )
        })?;
        let names = if role == Role::ORu { ORU_WINDOWS } else { ODU_WINDOWS };
        let w = windows.get_ref();
        for name in names {
            if w.get(name).is_none() {
                return Err(ProfileError::at(
                    windows.span(),
                    format!("missing field `{name}` (an {role}'s windows, in microseconds)"),
                ));
            }
        }
        for pair in names.chunks(2) {
            let (lo, hi) = (w.ns(pair[0]), w.ns(pair[1]));
            if lo > hi {
                return Err(ProfileError::at(
                    windows.span(),
                    format!("{} ({} us) is above {} ({} us)", pair[0], lo / 1000, pair[1], hi / 1000),
                ));
            }
        }
        if let Some(p) = &self.pixit.tdd_pattern {
            p.get_ref()
                .parse::<SlotPattern>()
                .map_err(|e| ProfileError::at(p.span(), e))?;
        }
        Ok(())
    }
}

fn scs_list(mus: &[u8]) -> String {
    mus.iter()
        .map(|mu| format!("{} kHz", 15 << mu))
        .collect::<Vec<_>>()
        .join(", ")
}

fn comp_list(c: &[UdCompHdr]) -> String {
    c.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
}

// ---- what a profile configures

/// Defaults of the PIXIT that a profile may leave out.
const DEFAULT_DU_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0xd0, 0x01];
const DEFAULT_RU_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x7e, 0x01];

impl Profile {
    /// Whether this profile describes an O-RU with fronthaul claims; the
    /// accessors below assume a validated O-RU or O-DU profile.
    fn fronthaul_parts(&self) -> Result<(&FronthaulPics, &CarrierPixit, &Windows), String> {
        match (
            self.fronthaul(),
            self.pixit.carrier.as_ref(),
            self.pixit.windows.as_ref(),
        ) {
            (Some(f), Some(c), Some(w)) => Ok((f, c.get_ref(), w.get_ref())),
            _ => Err(format!("{}: not a fronthaul (O-RU or O-DU) profile", self.dut.name)),
        }
    }

    /// The M-plane configuration the PIXIT describe: carrier, link,
    /// compression and (for an O-RU) its windows.
    pub fn fronthaul_config(&self) -> Result<FronthaulConfig, String> {
        let (_, c, w) = self.fronthaul_parts()?;
        let mu = c.numerology.get_ref().0;
        let bw = *c.bandwidth_mhz.get_ref();
        let prbs = nr_prbs(bw, mu).ok_or_else(|| format!("no NR carrier of {bw} MHz at {} kHz", 15 << mu))?;
        let presence = c.ud_comp_hdr.get_ref().presence();
        Ok(FronthaulConfig {
            carrier: Carrier {
                numerology: Numerology::new(mu).ok_or("numerology out of range")?,
                prbs,
                eaxc_split: self.pixit.eaxc_split.unwrap_or(EaxcSplit::COMMON_4444),
                dl_eaxc: c.dl_eaxc.get_ref().clone(),
                ul_eaxc: c.ul_eaxc.get_ref().clone(),
                prach_eaxc: c.prach_eaxc.clone(),
            },
            link: Link {
                du_mac: self.pixit.du_mac.map(|m| m.0).unwrap_or(DEFAULT_DU_MAC),
                ru_mac: self.pixit.ru_mac.map(|m| m.0).unwrap_or(DEFAULT_RU_MAC),
                vlan: self.pixit.vlan.map(|v| v.0),
                pcp: self.pixit.pcp.0,
                mtu: self.pixit.mtu.0,
            },
            dl_comp: c.dl_compression.get_ref().0,
            dl_comp_presence: presence,
            ul_comp: c.ul_compression.get_ref().0,
            ul_comp_presence: presence,
            delay: if self.role() == Role::ORu {
                w.oru_delay()
            } else {
                DelayProfile::EXAMPLE
            },
        })
    }

    /// The O-RU's claims as the cases judge applicability from them.
    pub fn oru_pics(&self) -> Result<OruPics, String> {
        let (f, _, _) = self.fronthaul_parts()?;
        Ok(OruPics {
            ul_comp: f.ul(),
            section_types: f.section_types().collect(),
            rx_counters: f.rx_counters,
            dl_comp: f.dl(),
            ud_comp_hdr: f.comp_hdr().iter().map(|h| h.presence()).collect(),
            section_extensions: f.section_extensions.iter().map(|e| e.0).collect(),
        })
    }

    /// The test bed for running the O-RU suite against this O-RU: its
    /// configuration for both ends, the harness's O-DU centred in its
    /// windows (PRACH only when it claims section type 3), its claims.
    pub fn oru_setup(&self, seed: u64) -> Result<Setup, String> {
        if self.role() != Role::ORu {
            return Err(format!(
                "{} is an {} profile; the fronthaul suite tests an O-RU",
                self.dut.name,
                self.role()
            ));
        }
        let (f, _, w) = self.fronthaul_parts()?;
        let fh = self.fronthaul_config()?;
        let mut tester = OduBehaviour::centred(&fh);
        tester.prach = (f.claims_section_type(3) && !fh.carrier.prach_eaxc.is_empty()).then(|| {
            let mut p = PrachPlan::short_b4();
            p.frame_structure.scs = fh.numerology().mu();
            p
        });
        respect_tcp_adv(&mut tester, &fh.delay, w.tcp_adv_dl.map(|m| m.ns()).unwrap_or(0));
        let n = fh.numerology();
        let transport_delay = self.pixit.transport_delay_us.ns();
        tester.transport_delay = transport_delay;
        let setup = Setup {
            pics: self.oru_pics()?,
            tester,
            stimulus: Some(TestSignal::new(seed)),
            transport_delay,
            first_slot: n.slots_per_frame() as u64,
            num_slots: n.slots_per_frame() as u64,
            fh,
        };
        Ok(crate::bed::with_wider_windows(
            &setup,
            self.pixit.tolerances.widen_windows_us.ns(),
        ))
    }

    /// How a simulated O-DU configured from this O-DU profile behaves on
    /// `fh`: leads centred in its own transmit windows, its TDD pattern,
    /// PRACH when it uses section type 3.
    pub fn odu_behaviour(&self, fh: &FronthaulConfig) -> Result<OduBehaviour, String> {
        let (f, _, w) = self.fronthaul_parts()?;
        let mut beh = OduBehaviour::centred(fh);
        beh.dl_cp_lead = (w.ns("t1a_min_cp_dl") + w.ns("t1a_max_cp_dl")) / 2;
        beh.ul_cp_lead = (w.ns("t1a_min_cp_ul") + w.ns("t1a_max_cp_ul")) / 2;
        beh.dl_up_lead = (w.ns("t1a_min_up") + w.ns("t1a_max_up")) / 2;
        beh.transport_delay = self.pixit.transport_delay_us.ns();
        self.apply_odu_claims(f, fh, &mut beh)?;
        Ok(beh)
    }

    fn apply_odu_claims(&self, f: &FronthaulPics, fh: &FronthaulConfig, beh: &mut OduBehaviour) -> Result<(), String> {
        if let Some(p) = &self.pixit.tdd_pattern {
            beh.pattern = p.get_ref().parse()?;
        }
        beh.prach = (f.claims_section_type(3) && !fh.carrier.prach_eaxc.is_empty()).then(|| {
            let mut p = PrachPlan::short_b4();
            p.frame_structure.scs = fh.numerology().mu();
            p
        });
        Ok(())
    }

    /// The case timeout the PIXIT ask for.
    pub fn case_timeout(&self) -> Option<std::time::Duration> {
        self.pixit
            .case_timeout_s
            .and_then(|s| std::time::Duration::try_from_secs_f64(s.0).ok())
    }

    /// The profile name the reports carry: the IOT profile when given, else the DUT's name.
    pub fn report_profile(&self) -> String {
        self.dut.iot_profile.clone().unwrap_or_else(|| self.dut.name.clone())
    }
}

/// Keep DL C-plane at least `tcp_adv` ahead of its U-plane, moving the
/// U-plane lead down (never below its window).
fn respect_tcp_adv(beh: &mut OduBehaviour, d: &DelayProfile, tcp_adv: Nanos) {
    if beh.dl_cp_lead < beh.dl_up_lead + tcp_adv {
        beh.dl_up_lead = beh.dl_cp_lead.saturating_sub(tcp_adv).max(d.t2a_min_up);
    }
}

// ---- O-DU x O-RU compatibility

/// Why an O-DU and an O-RU cannot work together as configured.
#[derive(Debug, Clone, PartialEq)]
pub enum Incompatibility {
    /// A profile of the wrong role was given for one side.
    Role {
        side: &'static str,
        got: Role,
    },
    /// No U-plane compression that the sender sends and the receiver takes.
    Compression {
        direction: &'static str,
        du: Vec<UdCompHdr>,
        ru: Vec<UdCompHdr>,
    },
    /// No udCompHdr mode (static/dynamic) both support.
    CompHdr {
        du: Vec<CompHdr>,
        ru: Vec<CompHdr>,
    },
    Numerology {
        du: Vec<u8>,
        ru: Vec<u8>,
    },
    /// No bandwidth both claim with an NR carrier at a common numerology.
    Bandwidth {
        du: Vec<u32>,
        ru: Vec<u32>,
    },
    /// Section type 1 (data channels) is not supported by both.
    SectionType1,
    /// The O-DU's transmit window and the O-RU's receive window (after the
    /// transport delay) do not overlap, microseconds of lead before air time.
    Window {
        plane: &'static str,
        du: [f64; 2],
        ru: [f64; 2],
    },
    /// The O-RU may send UL U-plane (Ta3 plus transport delay) outside the
    /// O-DU's receive window Ta4, microseconds after air time.
    UplinkWindow {
        ru_arrival: [f64; 2],
        du_ta4: [f64; 2],
    },
    /// DL C-plane cannot lead its U-plane by Tcp_adv_dl within the windows.
    ControlAdvance {
        needed_us: f64,
        possible_us: f64,
    },
}

impl fmt::Display for Incompatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incompatibility::Role { side, got } => write!(f, "the {side} profile describes an {got}"),
            Incompatibility::Compression { direction, du, ru } => write!(
                f,
                "no common {direction} compression: O-DU {}, O-RU {}",
                comp_list(du),
                comp_list(ru)
            ),
            Incompatibility::CompHdr { du, ru } => write!(f, "no common udCompHdr mode: O-DU {du:?}, O-RU {ru:?}"),
            Incompatibility::Numerology { du, ru } => {
                write!(f, "no common numerology: O-DU {}, O-RU {}", scs_list(du), scs_list(ru))
            }
            Incompatibility::Bandwidth { du, ru } => write!(
                f,
                "no common bandwidth with an NR carrier: O-DU {du:?} MHz, O-RU {ru:?} MHz"
            ),
            Incompatibility::SectionType1 => write!(f, "section type 1 is not supported by both"),
            Incompatibility::Window { plane, du, ru } => write!(
                f,
                "{plane}: O-DU sends {}-{} us ahead of air time, O-RU accepts {}-{} us (after the transport delay): no overlap",
                du[0], du[1], ru[0], ru[1]
            ),
            Incompatibility::UplinkWindow { ru_arrival, du_ta4 } => write!(
                f,
                "UL U-plane: O-RU's arrives {}-{} us after air time, O-DU accepts {}-{} us (Ta4)",
                ru_arrival[0], ru_arrival[1], du_ta4[0], du_ta4[1]
            ),
            Incompatibility::ControlAdvance { needed_us, possible_us } => write!(
                f,
                "DL C-plane must lead its U-plane by {needed_us} us (Tcp_adv_dl), the windows allow {possible_us} us"
            ),
        }
    }
}

/// How an O-DU and an O-RU are configured to work together: the agreed
/// M-plane configuration and the simulated O-DU's behaviour on it.
#[derive(Debug, Clone, PartialEq)]
pub struct PairConfig {
    pub fh: FronthaulConfig,
    pub odu: OduBehaviour,
    /// Section types both support (the O-DU uses only these).
    pub section_types: Vec<u8>,
    /// Choices worth telling the reader (e.g. PRACH left out).
    pub notes: Vec<String>,
}

fn prefer<T: PartialEq + Copy>(common: &[T], first: &[T]) -> Option<T> {
    first
        .iter()
        .copied()
        .find(|x| common.contains(x))
        .or(common.first().copied())
}

fn intersect<T: PartialEq + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().copied().filter(|x| b.contains(x)).collect()
}

/// Whether an O-DU and an O-RU can work together, and if so how: common
/// compression each way (the O-RU's PIXIT choice when the O-DU supports it),
/// numerology and bandwidth, udCompHdr mode, and leads inside both the
/// O-DU's transmit windows (T1a) and the O-RU's receive windows (T2a plus
/// the O-DU's transport delay), DL C-plane ahead of U-plane by Tcp_adv_dl;
/// the O-RU's UL transmit window (Ta3 plus delay) must lie inside the
/// O-DU's Ta4. Every reason they cannot is returned, not just the first.
pub fn compatibility(du: &Profile, ru: &Profile) -> Result<PairConfig, Vec<Incompatibility>> {
    let mut bad = Vec::new();
    if du.role() != Role::ODu {
        bad.push(Incompatibility::Role {
            side: "O-DU",
            got: du.role(),
        });
    }
    if ru.role() != Role::ORu {
        bad.push(Incompatibility::Role {
            side: "O-RU",
            got: ru.role(),
        });
    }
    let (Ok((df, dc, dw)), Ok((rf, rc, rw))) = (du.fronthaul_parts(), ru.fronthaul_parts()) else {
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
    // UL: the O-RU compresses, the O-DU decompresses; DL the other way.
    let ul = intersect(&rf.ul(), &df.ul());
    let dl = intersect(&df.dl(), &rf.dl());
    if ul.is_empty() {
        bad.push(Incompatibility::Compression {
            direction: "UL",
            du: df.ul(),
            ru: rf.ul(),
        });
    }
    if dl.is_empty() {
        bad.push(Incompatibility::Compression {
            direction: "DL",
            du: df.dl(),
            ru: rf.dl(),
        });
    }
    let hdr = intersect(rf.comp_hdr(), df.comp_hdr());
    if hdr.is_empty() {
        bad.push(Incompatibility::CompHdr {
            du: df.comp_hdr().to_vec(),
            ru: rf.comp_hdr().to_vec(),
        });
    }
    let mus = intersect(&rf.numerologies(), &df.numerologies());
    if mus.is_empty() {
        bad.push(Incompatibility::Numerology {
            du: df.numerologies(),
            ru: rf.numerologies(),
        });
    }
    // Prefer the O-RU's configured carrier, then the O-DU's, then any.
    let carriers: Vec<(u8, u32)> = [
        (rc.numerology.get_ref().0, *rc.bandwidth_mhz.get_ref()),
        (dc.numerology.get_ref().0, *dc.bandwidth_mhz.get_ref()),
    ]
    .into_iter()
    .chain(mus.iter().flat_map(|&mu| {
        intersect(&rf.bandwidths(), &df.bandwidths())
            .into_iter()
            .map(move |b| (mu, b))
    }))
    .filter(|&(mu, bw)| {
        mus.contains(&mu) && rf.bandwidths().contains(&bw) && df.bandwidths().contains(&bw) && nr_prbs(bw, mu).is_some()
    })
    .collect();
    if !mus.is_empty() && carriers.is_empty() {
        bad.push(Incompatibility::Bandwidth {
            du: df.bandwidths(),
            ru: rf.bandwidths(),
        });
    }
    let sts = intersect(
        &rf.section_types().collect::<Vec<_>>(),
        &df.section_types().collect::<Vec<_>>(),
    );
    if !sts.contains(&1) {
        bad.push(Incompatibility::SectionType1);
    }
    // Windows, in ns of lead before air time.
    let d = du.pixit.transport_delay_us.ns();
    let us = |ns: Nanos| ns as f64 / 1000.0;
    let mut lead = |plane: &'static str, du_lo: &str, du_hi: &str, ru_lo: &str, ru_hi: &str| {
        let (a, b) = (dw.ns(du_lo), dw.ns(du_hi));
        let (c, e) = (rw.ns(ru_lo) + d, rw.ns(ru_hi) + d);
        let (lo, hi) = (a.max(c), b.min(e));
        if lo > hi {
            bad.push(Incompatibility::Window {
                plane,
                du: [us(a), us(b)],
                ru: [us(c), us(e)],
            });
            None
        } else {
            Some((lo, hi))
        }
    };
    let cp_dl = lead(
        "DL C-plane",
        "t1a_min_cp_dl",
        "t1a_max_cp_dl",
        "t2a_min_cp_dl",
        "t2a_max_cp_dl",
    );
    let cp_ul = lead(
        "UL C-plane",
        "t1a_min_cp_ul",
        "t1a_max_cp_ul",
        "t2a_min_cp_ul",
        "t2a_max_cp_ul",
    );
    let up = lead("DL U-plane", "t1a_min_up", "t1a_max_up", "t2a_min_up", "t2a_max_up");
    let (ta3_lo, ta3_hi) = (rw.ns("ta3_min") + d, rw.ns("ta3_max") + d);
    let (ta4_lo, ta4_hi) = (dw.ns("ta4_min"), dw.ns("ta4_max"));
    if ta3_lo < ta4_lo || ta3_hi > ta4_hi {
        bad.push(Incompatibility::UplinkWindow {
            ru_arrival: [us(ta3_lo), us(ta3_hi)],
            du_ta4: [us(ta4_lo), us(ta4_hi)],
        });
    }
    let tcp = rw.ns("tcp_adv_dl").max(dw.ns("tcp_adv_dl"));
    let mut leads = None;
    if let (Some(cp_dl), Some(cp_ul), Some(up)) = (cp_dl, cp_ul, up) {
        if cp_dl.1 < up.0 + tcp {
            bad.push(Incompatibility::ControlAdvance {
                needed_us: us(tcp),
                possible_us: us(cp_dl.1.saturating_sub(up.0)),
            });
        } else {
            let up_lead = ((up.0 + up.1) / 2).min(cp_dl.1 - tcp);
            let cp_lead = ((cp_dl.0 + cp_dl.1) / 2).max(up_lead + tcp);
            leads = Some((cp_lead, (cp_ul.0 + cp_ul.1) / 2, up_lead));
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let (Some((dl_cp_lead, ul_cp_lead, dl_up_lead)), Some(&(mu, bw))) = (leads, carriers.first()) else {
        return Err(bad);
    };
    let mut notes = Vec::new();
    let ul_comp = prefer(&ul, &[rc.ul_compression.get_ref().0, dc.ul_compression.get_ref().0]).unwrap_or(ul[0]);
    let dl_comp = prefer(&dl, &[dc.dl_compression.get_ref().0, rc.dl_compression.get_ref().0]).unwrap_or(dl[0]);
    let presence = prefer(&hdr, &[*rc.ud_comp_hdr.get_ref(), *dc.ud_comp_hdr.get_ref()])
        .unwrap_or(hdr[0])
        .presence();
    let mut fh = ru.fronthaul_config().map_err(|_| Vec::new())?;
    fh.carrier.numerology = Numerology::new(mu).ok_or_else(Vec::new)?;
    fh.carrier.prbs = nr_prbs(bw, mu).ok_or_else(Vec::new)?;
    fh.ul_comp = ul_comp;
    fh.dl_comp = dl_comp;
    fh.ul_comp_presence = presence;
    fh.dl_comp_presence = presence;
    if !sts.contains(&3) && !fh.carrier.prach_eaxc.is_empty() {
        notes.push("PRACH (section type 3) left out: not supported by both".to_string());
        fh.carrier.prach_eaxc.clear();
    }
    let mut odu = OduBehaviour::centred(&fh);
    odu.dl_cp_lead = dl_cp_lead;
    odu.ul_cp_lead = ul_cp_lead;
    odu.dl_up_lead = dl_up_lead;
    odu.transport_delay = d;
    du.apply_odu_claims(df, &fh, &mut odu).map_err(|_| Vec::new())?;
    if (mu, bw) != (rc.numerology.get_ref().0, *rc.bandwidth_mhz.get_ref()) {
        notes.push(format!(
            "carrier {bw} MHz at {} kHz instead of the O-RU's configured one",
            15 << mu
        ));
    }
    Ok(PairConfig {
        fh,
        odu,
        section_types: sts,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const ORU: &str = r#"
[dut]
name = "Test O-RU"
vendor = "Test"
model = "T1"
software_version = "1.0"

[pics]
role = "o-ru"

[pics.fronthaul]
category = "A"
beamforming = "none"
section_types = [1, 3]
ul_compression = ["bfp:9", "bfp:14"]
dl_compression = ["bfp:9"]
ud_comp_hdr = ["static", "dynamic"]
numerologies = [1]
bandwidths_mhz = [40, 100]
eaxc_count = 4
rx_counters = true

[pixit]
vlan = 2
eaxc_split = "4,4,4,4"

[pixit.carrier]
numerology = 1
bandwidth_mhz = 100
dl_eaxc = [0]
ul_eaxc = [0]
prach_eaxc = [8]
ul_compression = "bfp:9"
dl_compression = "bfp:9"
ud_comp_hdr = "static"

[pixit.windows]
t2a_min_cp_dl = 258
t2a_max_cp_dl = 500
t2a_min_cp_ul = 285
t2a_max_cp_ul = 465
t2a_min_up = 50
t2a_max_up = 250
tcp_adv_dl = 125
ta3_min = 20
ta3_max = 180
"#;

    const ODU: &str = r#"
[dut]
name = "Test O-DU"
vendor = "Test"
model = "D1"
software_version = "1.0"

[pics]
role = "o-du"

[pics.fronthaul]
category = "A"
beamforming = "none"
section_types = [1, 3]
ul_compression = ["bfp:9", "bfp:14"]
dl_compression = ["bfp:9"]
ud_comp_hdr = ["static"]
numerologies = [1]
bandwidths_mhz = [100]
eaxc_count = 4

[pixit]
transport_delay_us = 10
tdd_pattern = "DDDSU/10:2"

[pixit.carrier]
numerology = 1
bandwidth_mhz = 100
dl_eaxc = [0]
ul_eaxc = [0]
prach_eaxc = [8]
ul_compression = "bfp:9"
dl_compression = "bfp:9"
ud_comp_hdr = "static"

[pixit.windows]
t1a_min_cp_dl = 300
t1a_max_cp_dl = 470
t1a_min_cp_ul = 300
t1a_max_cp_ul = 430
t1a_min_up = 100
t1a_max_up = 200
tcp_adv_dl = 125
ta4_min = 0
ta4_max = 250
"#;

    fn err(src: &str) -> (ProfileError, (usize, usize)) {
        let e = Profile::parse(src).unwrap_err();
        let lc = e.line_col(src).expect("error has a position");
        (e, lc)
    }

    fn line_of(src: &str, needle: &str) -> usize {
        src.lines().position(|l| l.contains(needle)).expect("needle in source") + 1
    }

    #[test]
    fn example_parses_into_a_setup() {
        let p = Profile::parse(ORU).unwrap();
        let s = p.oru_setup(7).unwrap();
        assert_eq!(s.fh.carrier.prbs, 273);
        assert_eq!(s.fh.delay, DelayProfile::EXAMPLE);
        assert_eq!(s.pics.section_types, vec![1, 3]);
        assert!(s.tester.prach.is_some());
        assert!(s.tester.dl_cp_lead >= s.tester.dl_up_lead + 125_000);
    }

    #[test]
    fn a_missing_field_names_its_table_and_line() {
        let src = ORU.replace("eaxc_count = 4\n", "");
        let (e, (line, _)) = err(&src);
        assert!(e.message.contains("missing field `eaxc_count`"), "{e}");
        assert_eq!(e.field.as_deref(), Some("pics.fronthaul"), "{e}");
        assert_eq!(line, line_of(&src, "[pics.fronthaul]"));
    }

    #[test]
    fn a_wrong_type_points_at_the_value() {
        let src = ORU.replace("eaxc_count = 4", "eaxc_count = \"four\"");
        let (e, (line, col)) = err(&src);
        assert!(e.message.contains("invalid type"), "{e}");
        assert_eq!(e.field.as_deref(), Some("pics.fronthaul.eaxc_count"));
        assert_eq!((line, col), (line_of(&src, "eaxc_count"), 14));
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let src = ORU.replace("rx_counters = true", "rx_counters = true\nrx_countres = false");
        let (e, (line, _)) = err(&src);
        assert!(e.message.contains("unknown field `rx_countres`"), "{e}");
        assert_eq!(line, line_of(&src, "rx_countres"));
    }

    #[test]
    fn out_of_range_values_point_at_the_value() {
        let src = ORU.replace(r#"["bfp:9", "bfp:14"]"#, r#"["bfp:9", "bfp:17"]"#);
        let (e, (line, _)) = err(&src);
        assert!(e.message.contains("width 17 is out of range 1..=16"), "{e}");
        assert_eq!(line, line_of(&src, "bfp:17"));
        assert_eq!(e.field.as_deref(), Some("pics.fronthaul.ul_compression[1]"));

        let src = ORU.replace("section_types = [1, 3]", "section_types = [1, 2]");
        let (e, (line, col)) = err(&src);
        assert!(e.message.contains("section type 2 does not exist"), "{e}");
        assert_eq!((line, col), (line_of(&src, "section_types"), 21));
    }

    #[test]
    fn a_bandwidth_without_a_carrier_at_the_numerology_is_refused() {
        // 100 MHz does not exist at 15 kHz.
        let src = ORU
            .replace("numerologies = [1]", "numerologies = [0]")
            .replace("numerology = 1", "numerology = 0");
        let (e, (line, col)) = err(&src);
        assert!(e.message.contains("no NR carrier of 100 MHz"), "{e}");
        assert_eq!((line, col), (line_of(&src, "bandwidths_mhz"), 23));
        assert_eq!(e.field.as_deref(), Some("pics.fronthaul.bandwidths_mhz[1]"));
    }

    #[test]
    fn pixit_must_stay_within_the_claims() {
        let src = ORU.replace("ul_compression = \"bfp:9\"", "ul_compression = \"mu-law:8\"");
        let (e, _) = err(&src);
        assert!(e.message.contains("not among the claimed"), "{e}");
        assert_eq!(e.field.as_deref(), Some("pixit.carrier.ul_compression"));
        let src = ORU.replace("ta3_max = 180", "ta3_max = 10");
        let (e, (line, _)) = err(&src);
        assert!(e.message.contains("ta3_min (20 us) is above ta3_max"), "{e}");
        assert_eq!(line, line_of(&src, "[pixit.windows]"));
        let src = ORU.replace("ta3_max = 180\n", "");
        let (e, _) = err(&src);
        assert!(e.message.contains("missing field `ta3_max`"), "{e}");
    }

    #[test]
    fn rendering_names_file_line_and_field() {
        let src = ORU.replace("vlan = 2", "vlan = 5000");
        let e = Profile::parse(&src).unwrap_err();
        let r = e.render("profiles/x.toml", &src);
        let line = line_of(&src, "vlan = 5000");
        assert!(
            r.starts_with(&format!("profiles/x.toml:{line}:8: `pixit.vlan`: VLAN ID 5000")),
            "{r}"
        );
    }

    #[test]
    fn matched_pair_is_compatible_with_leads_in_both_windows() {
        let du = Profile::parse(ODU).unwrap();
        let ru = Profile::parse(ORU).unwrap();
        let pair = compatibility(&du, &ru).unwrap();
        let rw = ru.pixit.windows.as_ref().unwrap().get_ref();
        let d = 10_000;
        assert!(pair.odu.dl_cp_lead >= rw.ns("t2a_min_cp_dl") + d && pair.odu.dl_cp_lead <= 470_000);
        assert!(pair.odu.dl_up_lead >= rw.ns("t2a_min_up") + d && pair.odu.dl_up_lead <= 200_000);
        assert!(pair.odu.dl_cp_lead - pair.odu.dl_up_lead >= 125_000);
        assert_eq!(pair.fh.ul_comp, UdCompHdr::new(9, CompMethod::Bfp));
        assert_eq!(pair.odu.transport_delay, d);
        assert!(pair.odu.prach.is_some());
        assert_eq!(pair.section_types, vec![1, 3]);
    }

    #[test]
    fn an_incompatible_pair_says_every_reason() {
        let du = Profile::parse(
            &ODU.replace(
                r#"ul_compression = ["bfp:9", "bfp:14"]"#,
                r#"ul_compression = ["mu-law:8"]"#,
            )
            .replace("ul_compression = \"bfp:9\"", "ul_compression = \"mu-law:8\"")
            .replace("ta4_max = 250", "ta4_max = 100")
            .replace("t1a_max_up = 200", "t1a_max_up = 55")
            .replace("t1a_min_up = 100", "t1a_min_up = 40"),
        )
        .unwrap();
        let ru = Profile::parse(ORU).unwrap();
        let bad = compatibility(&du, &ru).unwrap_err();
        assert!(
            bad.iter()
                .any(|b| matches!(b, Incompatibility::Compression { direction: "UL", .. }))
        );
        assert!(bad.iter().any(|b| matches!(b, Incompatibility::UplinkWindow { .. })));
        assert!(bad.iter().any(|b| matches!(
            b,
            Incompatibility::Window {
                plane: "DL U-plane",
                ..
            }
        )));
        assert!(bad.iter().all(|b| !b.to_string().is_empty()));
        // Roles swapped.
        let bad = compatibility(&ru, &du).unwrap_err();
        assert_eq!(bad.len(), 2);
    }

    #[test]
    fn dynamic_header_only_pair_agrees_on_dynamic() {
        let du = Profile::parse(
            &ODU.replace("ud_comp_hdr = [\"static\"]", "ud_comp_hdr = [\"dynamic\"]")
                .replace("ud_comp_hdr = \"static\"", "ud_comp_hdr = \"dynamic\""),
        )
        .unwrap();
        let ru = Profile::parse(ORU).unwrap();
        let pair = compatibility(&du, &ru).unwrap();
        assert_eq!(pair.fh.ul_comp_presence, UdCompPresence::Dynamic);
    }
}

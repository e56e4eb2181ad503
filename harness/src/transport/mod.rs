//! Real links to a device under test, and the real-time [`Port`] over them.
//!
//! A [`Transport`] moves whole Ethernet frames: [`packet::PacketSocket`]
//! (raw Ethernet, AF_PACKET) or [`udp::UdpTransport`] (eCPRI over
//! IPv4/UDP). [`RealTimePort`] paces the cases' frames onto a transport on
//! the air-time clock of [`clock`] and timestamps what comes back.
//!
//! [`Port`]: suites::port::Port

pub mod clock;
pub mod packet;
pub mod port;
mod sys;
pub mod udp;

pub use port::{PacingStats, RealTimePort};

use sim::Nanos;
use std::io;

/// A frame received from the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Arrival time on the air clock.
    pub at: Nanos,
    /// The whole Ethernet frame, VLAN tags included.
    pub frame: Vec<u8>,
}

/// Something that carries Ethernet frames to and from a DUT.
pub trait Transport: Send + Sync + 'static {
    /// Send one whole Ethernet frame now.
    fn send(&self, frame: &[u8]) -> io::Result<()>;
    /// The next frame, waiting until the air clock reaches `deadline` at
    /// most. A frame already queued is returned even after the deadline:
    /// its arrival time says whether it counts.
    fn recv(&self, deadline: Nanos) -> io::Result<Option<Received>>;
    /// What the link is, for reports.
    fn describe(&self) -> String;
}

/// Which real link to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkSpec {
    /// Raw Ethernet on a network interface.
    Ethernet { interface: String },
    /// eCPRI over IPv4/UDP between two endpoints.
    Udp {
        local: std::net::SocketAddrV4,
        peer: std::net::SocketAddrV4,
    },
}

impl std::fmt::Display for LinkSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkSpec::Ethernet { interface } => write!(f, "{interface}"),
            LinkSpec::Udp { local, peer } => write!(f, "UDP {local} -> {peer}"),
        }
    }
}

/// Time the harness leaves between opening a case's link and its first
/// frame, to build the plan and queue it (most of it in unoptimised builds).
pub const DEFAULT_LEAD: Nanos = 100_000_000;

/// A real-time link per case, for the runner.
#[derive(Debug, Clone)]
pub struct RealTimeLinks {
    pub spec: LinkSpec,
    pub lead: Nanos,
}

impl RealTimeLinks {
    pub fn new(spec: LinkSpec) -> Self {
        RealTimeLinks {
            spec,
            lead: DEFAULT_LEAD,
        }
    }
}

impl crate::runner::PortFactory for RealTimeLinks {
    fn open(&self, _setup: &suites::case::Setup) -> Result<Box<dyn suites::port::Port>, suites::port::PortError> {
        let io = |e: io::Error| suites::port::PortError::Io(e.to_string());
        Ok(match &self.spec {
            LinkSpec::Ethernet { interface } => {
                Box::new(RealTimePort::new(packet::PacketSocket::open(interface).map_err(io)?)?)
            }
            LinkSpec::Udp { local, peer } => {
                Box::new(RealTimePort::new(udp::UdpTransport::open(*local, *peer).map_err(io)?)?)
            }
        })
    }

    fn lead(&self) -> Nanos {
        self.lead
    }

    fn dut_name(&self) -> String {
        format!("O-RU on {}", self.spec)
    }
}

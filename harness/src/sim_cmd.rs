//! `harness sim oru`: the simulated O-RU as a process of its own, answering
//! on a real link in real time (on the air clock of [`transport::clock`]),
//! so the suite can run against it exactly as against a device.

use crate::transport::{self, LinkSpec, PacingStats, Transport, clock};
use sim::Node;
use sim::oru::{Oru, OruBehaviour, OruFault, Plane};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use suites::case::Setup;

/// How often the loop looks at the stop flag while idle.
const IDLE_CHECK_NS: u64 = 100_000_000;

/// What the simulated O-RU process is told.
pub struct OruOptions {
    pub link: LinkSpec,
    /// The agreed configuration (the harness must run with the same).
    pub setup: Setup,
    pub fault: OruFault,
    /// Stop after this long; `None` = until `stop` is set.
    pub duration: Option<Duration>,
    pub stop: Arc<AtomicBool>,
}

/// What the O-RU did.
#[derive(Debug, Default)]
pub struct OruReport {
    pub received: u64,
    pub pacing: PacingStats,
    /// DL counters summed over eAxCs: (plane, on time, early, late).
    pub dl_counters: Vec<(&'static str, u64, u64, u64)>,
}

impl std::fmt::Display for OruReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} frames received; sent {}", self.received, self.pacing)?;
        for (plane, on_time, early, late) in &self.dl_counters {
            write!(f, "; DL {plane}: {on_time} on time, {early} early, {late} late")?;
        }
        Ok(())
    }
}

/// Open the link, call `ready` once frames can be received, and serve until
/// the duration is over or `stop` is set.
pub fn run_oru(opts: &OruOptions, ready: impl FnOnce()) -> io::Result<OruReport> {
    let seed = opts
        .setup
        .stimulus
        .map(|s| s.seed)
        .unwrap_or(suites::bed::DEFAULT_STIMULUS_SEED);
    let mut beh = OruBehaviour::conformant(&opts.setup.fh, seed);
    beh.fault = opts.fault;
    let mut oru = Oru::new(opts.setup.fh.clone(), beh);
    let mut report = match &opts.link {
        LinkSpec::Ethernet { interface } => {
            let link = transport::packet::PacketSocket::open(interface)?;
            serve(&link, &mut oru, opts, ready)?
        }
        LinkSpec::Udp { local, peer } => {
            let link = transport::udp::UdpTransport::open(*local, *peer)?;
            serve(&link, &mut oru, opts, ready)?
        }
    };
    for (plane, name) in [(Plane::C, "C-plane"), (Plane::U, "U-plane")] {
        let c = oru.totals(plane, true);
        report.dl_counters.push((name, c.on_time, c.early, c.late));
    }
    Ok(report)
}

/// The real-time loop: hand each frame to the O-RU with its arrival time,
/// send what it has due when it is due (sleeping in poll(2) until shortly
/// before, then spinning).
fn serve<T: Transport>(link: &T, oru: &mut Oru, opts: &OruOptions, ready: impl FnOnce()) -> io::Result<OruReport> {
    clock::try_realtime_priority();
    let end = opts.duration.map(|d| clock::now() + d.as_nanos() as u64);
    let mut report = OruReport::default();
    ready();
    loop {
        let now = clock::now();
        if end.is_some_and(|e| now >= e) || opts.stop.load(Ordering::Relaxed) {
            return Ok(report);
        }
        while let Some(t) = oru.poll_transmit(now) {
            link.send(&t.frame)?;
            report.pacing.record(clock::now().saturating_sub(t.at));
        }
        let next = [oru.poll_timeout(), end, Some(now + IDLE_CHECK_NS)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(now);
        let wake = next.saturating_sub(clock::SPIN_NS);
        if wake > now {
            if let Some(r) = link.recv(wake)? {
                report.received += 1;
                oru.handle_frame(r.at, &r.frame);
            }
        } else {
            clock::wait_until(next);
        }
    }
}

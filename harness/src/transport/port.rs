//! A [`Port`] on a real link, in real time: frames leave when the air clock
//! reaches their send time, frames from the DUT are stamped on arrival.

use super::{Transport, clock};
use sim::Nanos;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;
use suites::port::{CaptureDir, Captured, Port, PortError, RxFrame};

/// How far behind their send times frames actually left.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PacingStats {
    pub sent: u64,
    /// Sum and maximum of (actual - planned) send time, ns.
    pub late_sum: u64,
    pub late_max: u64,
    /// Frames that left more than 20 us after their time.
    pub late_over_20us: u64,
}

impl PacingStats {
    pub fn record(&mut self, late: Nanos) {
        self.sent += 1;
        self.late_sum += late;
        self.late_max = self.late_max.max(late);
        self.late_over_20us += (late > 20_000) as u64;
    }

    pub fn late_mean(&self) -> Nanos {
        self.late_sum.checked_div(self.sent).unwrap_or(0)
    }
}

impl std::fmt::Display for PacingStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} frames sent, lateness mean {:.1} us, max {:.1} us, {} over 20 us",
            self.sent,
            self.late_mean() as f64 / 1e3,
            self.late_max as f64 / 1e3,
            self.late_over_20us
        )
    }
}

/// What the sender thread shares with the port.
#[derive(Default)]
struct Shared {
    /// Frames as they actually left, on the air clock.
    sent: Vec<Captured>,
    error: Option<PortError>,
    stats: PacingStats,
}

struct Queued {
    at: Nanos,
    order: u64,
    frame: Vec<u8>,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.order) == (o.at, o.order)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.order).cmp(&(o.at, o.order))
    }
}

/// The harness side of a real link, paced on the air clock of [`clock`].
///
/// A sender thread holds the frames queued by `send_at` and sends each when
/// its time comes (sleeping, then spinning for the last microseconds);
/// `recv_until` reads the link in the caller's thread. Both directions are
/// captured, sent frames at the time they actually left.
pub struct RealTimePort<T: Transport> {
    link: Arc<T>,
    queue: Option<mpsc::Sender<Queued>>,
    sender: Option<JoinHandle<()>>,
    shared: Arc<Mutex<Shared>>,
    order: u64,
    /// Read while waiting for an earlier deadline; its turn comes later.
    held: Option<RxFrame>,
    received: Vec<Captured>,
}

fn lock(m: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    // The sender thread never panics while holding the lock; if it did, the
    // data is still a valid record of what was sent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T: Transport> RealTimePort<T> {
    pub fn new(link: T) -> Result<Self, PortError> {
        let link = Arc::new(link);
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (tx, rx) = mpsc::channel();
        let sender = std::thread::Builder::new()
            .name("port-sender".into())
            .spawn({
                let link = link.clone();
                let shared = shared.clone();
                move || pace(&*link, rx, &shared)
            })
            .map_err(|e| PortError::Io(format!("starting the sender thread: {e}")))?;
        Ok(RealTimePort {
            link,
            queue: Some(tx),
            sender: Some(sender),
            shared,
            order: 0,
            held: None,
            received: Vec::new(),
        })
    }

    pub fn link(&self) -> &T {
        &self.link
    }

    /// Pacing so far.
    pub fn pacing(&self) -> PacingStats {
        lock(&self.shared).stats
    }

    fn check(&self) -> Result<(), PortError> {
        match &lock(&self.shared).error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

/// The sender thread: send each queued frame at its time, until the port
/// is dropped (frames still queued then are discarded).
fn pace<T: Transport>(link: &T, rx: mpsc::Receiver<Queued>, shared: &Mutex<Shared>) {
    clock::try_realtime_priority();
    let mut heap: BinaryHeap<Reverse<Queued>> = BinaryHeap::new();
    loop {
        let next = heap.peek().map(|Reverse(q)| q.at);
        let now = clock::now();
        match next {
            None => match rx.recv() {
                Ok(q) => heap.push(Reverse(q)),
                Err(_) => return,
            },
            // Sleep for the bulk, staying open to earlier frames.
            Some(at) if at > now + clock::SPIN_NS => {
                match rx.recv_timeout(Duration::from_nanos(at - now - clock::SPIN_NS)) {
                    Ok(q) => heap.push(Reverse(q)),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            Some(at) => {
                clock::wait_until(at);
                let Some(Reverse(q)) = heap.pop() else { continue };
                let sent_at = clock::now();
                let result = link.send(&q.frame);
                let mut s = lock(shared);
                match result {
                    Ok(()) => {
                        s.stats.record(sent_at.saturating_sub(q.at));
                        s.sent.push(Captured {
                            at: sent_at,
                            dir: CaptureDir::ToDut,
                            frame: q.frame,
                        });
                    }
                    Err(e) => {
                        s.error = Some(PortError::Closed(e.to_string()));
                        return;
                    }
                }
                drop(s);
                // Take whatever else is queued, so the heap orders it.
                while let Ok(q) = rx.try_recv() {
                    heap.push(Reverse(q));
                }
            }
        }
    }
}

impl<T: Transport> Port for RealTimePort<T> {
    fn now(&self) -> Nanos {
        clock::now()
    }

    fn send_at(&mut self, at: Nanos, frame: Vec<u8>) -> Result<(), PortError> {
        self.check()?;
        let now = clock::now();
        if at < now {
            return Err(PortError::TooLate { at, now });
        }
        self.order += 1;
        let q = Queued {
            at,
            order: self.order,
            frame,
        };
        self.queue
            .as_ref()
            .and_then(|tx| tx.send(q).ok())
            .ok_or_else(|| PortError::Closed("the sender thread has stopped".into()))
    }

    fn recv_until(&mut self, deadline: Nanos) -> Result<Option<RxFrame>, PortError> {
        self.check()?;
        let frame = match self.held.take() {
            Some(f) => f,
            None => match self.link.recv(deadline) {
                Ok(Some(r)) => RxFrame {
                    at: r.at,
                    frame: r.frame,
                },
                Ok(None) => return Ok(None),
                Err(e) => return Err(PortError::Io(e.to_string())),
            },
        };
        if frame.at > deadline {
            self.held = Some(frame);
            return Ok(None);
        }
        self.received.push(Captured {
            at: frame.at,
            dir: CaptureDir::FromDut,
            frame: frame.frame.clone(),
        });
        Ok(Some(frame))
    }

    fn take_capture(&mut self) -> Vec<Captured> {
        let mut c = std::mem::take(&mut lock(&self.shared).sent);
        c.append(&mut self.received);
        c.sort_by_key(|f| f.at);
        c
    }
}

impl<T: Transport> Drop for RealTimePort<T> {
    fn drop(&mut self) {
        // Closing the queue ends the sender; frames not yet due are dropped,
        // so nothing of this case leaks onto the link during the next.
        self.queue = None;
        if let Some(h) = self.sender.take() {
            let _ = h.join();
        }
        tracing::debug!(link = %self.link.describe(), pacing = %self.pacing(), "port closed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Received;
    use std::collections::VecDeque;
    use std::sync::Condvar;

    /// A link that hands every frame sent straight back, stamped when sent.
    #[derive(Default)]
    struct Echo {
        queue: Mutex<VecDeque<Received>>,
        ready: Condvar,
    }

    impl Transport for Echo {
        fn send(&self, frame: &[u8]) -> std::io::Result<()> {
            let mut q = self.queue.lock().unwrap();
            q.push_back(Received {
                at: clock::now(),
                frame: frame.to_vec(),
            });
            self.ready.notify_all();
            Ok(())
        }

        fn recv(&self, deadline: Nanos) -> std::io::Result<Option<Received>> {
            let mut q = self.queue.lock().unwrap();
            loop {
                if let Some(r) = q.pop_front() {
                    return Ok(Some(r));
                }
                let now = clock::now();
                if now >= deadline {
                    return Ok(None);
                }
                q = self
                    .ready
                    .wait_timeout(q, Duration::from_nanos(deadline - now))
                    .unwrap()
                    .0;
            }
        }

        fn describe(&self) -> String {
            "echo".into()
        }
    }

    #[test]
    fn frames_leave_at_their_times_in_time_order_and_are_captured_both_ways() {
        let mut port = RealTimePort::new(Echo::default()).unwrap();
        let t0 = port.now() + 20_000_000;
        // Queued out of order: they must leave in time order.
        for (i, dt) in [(1u8, 3_000_000), (2, 1_000_000), (3, 2_000_000)] {
            port.send_at(t0 + dt, vec![i]).unwrap();
        }
        let mut got = Vec::new();
        while let Some(f) = port.recv_until(t0 + 10_000_000).unwrap() {
            got.push(f);
        }
        assert_eq!(got.iter().map(|f| f.frame[0]).collect::<Vec<_>>(), [2, 3, 1]);
        for (f, dt) in got.iter().zip([1_000_000, 2_000_000, 3_000_000]) {
            // Never early; late only by scheduling noise.
            assert!(f.at >= t0 + dt && f.at < t0 + dt + 5_000_000, "{} vs {}", f.at, t0 + dt);
        }
        assert!(port.now() >= t0 + 10_000_000);
        let capture = port.take_capture();
        assert_eq!(capture.len(), 6);
        assert!(capture.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(capture.iter().filter(|c| c.dir == CaptureDir::ToDut).count(), 3);
        assert_eq!(port.pacing().sent, 3);
    }

    #[test]
    fn a_frame_past_the_deadline_waits_for_a_later_one() {
        let mut port = RealTimePort::new(Echo::default()).unwrap();
        let t0 = port.now() + 5_000_000;
        port.send_at(t0 + 2_000_000, vec![7]).unwrap();
        assert_eq!(port.recv_until(t0).unwrap(), None);
        let f = port.recv_until(t0 + 50_000_000).unwrap().expect("the frame");
        assert_eq!(f.frame, [7]);
    }

    #[test]
    fn sending_in_the_past_is_too_late() {
        let mut port = RealTimePort::new(Echo::default()).unwrap();
        let past = port.now() - 1;
        assert!(matches!(port.send_at(past, vec![0]), Err(PortError::TooLate { .. })));
    }
}

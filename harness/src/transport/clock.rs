//! The air-time clock of a real link, and pacing against it.
//!
//! Air time is `CLOCK_MONOTONIC` in nanoseconds: SFN 0 of frame cycle 0 is
//! the instant the clock reads 0. Every process on one machine reads the same
//! clock, so a harness and a simulated O-RU in another process agree on air
//! time without exchanging anything. (A real O-RU takes its air time from
//! PTP; a test bed for one maps that onto this clock.)

use sim::Nanos;
use std::time::Duration;

/// How long before a deadline pacing stops sleeping and spins: sleeping
/// wakes up late by tens of microseconds, spinning does not.
pub const SPIN_NS: Nanos = 50_000;

/// The air-time clock now.
pub fn now() -> Nanos {
    read(libc::CLOCK_MONOTONIC)
}

fn read(clock: libc::clockid_t) -> Nanos {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec to write to; both clocks always exist on Linux.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// `CLOCK_REALTIME - CLOCK_MONOTONIC` now, in nanoseconds: what turns a
/// kernel receive timestamp (real time) into air time.
pub fn realtime_offset() -> i128 {
    // Bracket the real-time read so the pair is as simultaneous as it gets.
    let a = read(libc::CLOCK_MONOTONIC);
    let r = read(libc::CLOCK_REALTIME);
    let b = read(libc::CLOCK_MONOTONIC);
    r as i128 - (a as i128 + (b - a) as i128 / 2)
}

/// Block until the air clock reads `t`: sleep for the bulk, spin for the
/// last [`SPIN_NS`].
pub fn wait_until(t: Nanos) {
    loop {
        let now = now();
        if now >= t {
            return;
        }
        let left = t - now;
        if left > SPIN_NS {
            std::thread::sleep(Duration::from_nanos(left - SPIN_NS));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// Ask for real-time (SCHED_FIFO) scheduling of the calling thread, so that
/// pacing keeps its microseconds on a loaded machine. Best effort: false when
/// not permitted (no CAP_SYS_NICE), and nothing else changes.
pub fn try_realtime_priority() -> bool {
    let param = libc::sched_param { sched_priority: 10 };
    // SAFETY: plain syscall on the calling thread (pid 0) with a valid param.
    unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) == 0 }
}

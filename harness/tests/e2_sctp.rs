//! The E2 suites end to end over real SCTP (over UDP, through libusrsctp,
//! on loopback), in real time: the simulated near-RT RIC and E2 node run as
//! `harness sim ric` / `harness sim e2node` processes, and every case of the
//! suite runs through `LinkE2Port`, one fresh association per case. The
//! conformant simulators must pass every case; a faulty one must fail the
//! case aimed at its fault. These fail, not skip, where libusrsctp is missing.
//!
//! usrsctp runs one stack per process on one UDP port: this test process's
//! stack and each child's get their own free UDP port; the tests share this
//! process's stack (each with its own SCTP port), so they may run in parallel.

use codecs::e2ap::E2apVersion;
use harness::e2link::usrsctp::UdpSctp;
use harness::e2link::{E2Transport, SctpConfig};
use harness::e2port::E2Endpoint;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use suites::e2::{self, E2Pics, E2Setup, E2Side};
use suites::model::{Applicability, Verdict};

const V: E2apVersion = E2apVersion::V3_01;

fn free_udp_port() -> u16 {
    UdpSocket::bind(("0.0.0.0", 0)).unwrap().local_addr().unwrap().port()
}

/// This process's usrsctp UDP port, chosen once.
fn local_udp_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(free_udp_port)
}

/// This process's stack, talking to a peer process on `peer_udp_port`.
fn udp(peer_udp_port: u16) -> Arc<dyn E2Transport> {
    let config = SctpConfig {
        udp_local_port: local_udp_port(),
        udp_remote_port: peer_udp_port,
        ..SctpConfig::default()
    };
    match UdpSctp::open(&config) {
        Ok(t) => Arc::new(t),
        Err(e) => panic!("SCTP over UDP unavailable: {e}"),
    }
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A simulator process, killed when the test ends (passed or not).
struct Sim {
    child: Child,
    udp_port: u16,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `harness sim <args>` on UDP port `udp_port` and wait for its "ready".
fn sim(args: &[&str], udp_port: u16) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("sim")
        .args(args)
        .args(["--sctp", "udp", "--udp-port", &udp_port.to_string()])
        .args(["--udp-peer-port", &local_udp_port().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let sim = Sim { child, udp_port };
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(l) if l == "ready" => sim,
        other => panic!("harness sim {args:?} did not get ready: {other:?}"),
    }
}

fn ric(listen: u16, variant: &str, refuse_setups: u32) -> Sim {
    let args = [
        "ric",
        "--listen",
        &addr(listen).to_string(),
        "--e2ap",
        V.label(),
        "--variant",
        variant,
        "--refuse-setups",
        &refuse_setups.to_string(),
    ];
    sim(&args, free_udp_port())
}

struct Row {
    id: &'static str,
    applicability: Applicability,
    verdict: Verdict,
    reason: String,
    seconds: f64,
    captured: usize,
}

/// Run the cases of `side` that `select` keeps, each on a fresh association
/// from the endpoint `endpoint_for` picks for it.
fn run_suite<'e>(
    side: E2Side,
    select: impl Fn(&str) -> bool,
    endpoint_for: impl Fn(&dyn e2::E2Case) -> &'e E2Endpoint,
) -> Vec<Row> {
    let pics = match side {
        E2Side::Node => E2Pics::simulated_node(),
        E2Side::Ric => E2Pics::simulated_ric(),
    };
    let setup = E2Setup::new(V, pics);
    let mut rows = Vec::new();
    for case in e2::suite(side).iter().filter(|c| select(c.meta().id)) {
        let ep = endpoint_for(case.as_ref());
        let t0 = Instant::now();
        let mut port = match ep.open(Instant::now() + Duration::from_secs(10)) {
            Ok(p) => p,
            Err(e) => panic!("{}: no association for the case: {e}", case.meta().id),
        };
        let (r, capture) = e2::run_case(case.as_ref(), &setup, &mut port);
        drop(port);
        let row = Row {
            id: case.meta().id,
            applicability: r.applicability,
            verdict: r.verdict,
            reason: r.reason,
            seconds: t0.elapsed().as_secs_f64(),
            captured: capture.len(),
        };
        eprintln!(
            "{} {:<18} {:>7} {:5.2} s {:>3} msgs  {}",
            side.suite(),
            row.id,
            row.verdict.to_string(),
            row.seconds,
            row.captured,
            row.reason
        );
        rows.push(row);
    }
    rows
}

/// Every applicable case passes, except those in `fail`, which fail.
fn check(rows: &[Row], fail: &[&str]) {
    let mut problems = Vec::new();
    for r in rows {
        if let Applicability::NotApplicable(_) = r.applicability {
            assert!(!fail.contains(&r.id), "{} expected to fail but not applicable", r.id);
            continue;
        }
        let want = if fail.contains(&r.id) {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        if r.verdict != want {
            problems.push(format!("{}: {} (want {want}): {}", r.id, r.verdict, r.reason));
        }
        // A case that ran exchanged messages over the association.
        if r.captured == 0 {
            problems.push(format!("{}: nothing captured", r.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The RIC suite against `variant`: cases that need the RIC to refuse the
/// first E2 Setup (as a lab would configure a real one) go to a second RIC
/// process started so; the others to one that accepts.
fn ric_suite(variant: &str, sctp_port: u16, select: impl Fn(&str) -> bool) -> Vec<Row> {
    let plain = ric(sctp_port, variant, 0);
    let refusing = ric(sctp_port + 1, variant, 1);
    let to_plain = E2Endpoint::ric_under_test(udp(plain.udp_port), addr(sctp_port));
    let to_refusing = E2Endpoint::ric_under_test(udp(refusing.udp_port), addr(sctp_port + 1));
    run_suite(E2Side::Ric, select, |c| {
        if c.sim_needs().ric_refuses_first_setup {
            &to_refusing
        } else {
            &to_plain
        }
    })
}

/// The node suite against a `harness sim e2node` with `variant`, connecting
/// to the harness's listener on `sctp_port` again for every case.
fn node_suite(variant: &str, sctp_port: u16, select: impl Fn(&str) -> bool) -> Vec<Row> {
    // The node's UDP port is needed before it runs: the listener answers there.
    let node_udp = free_udp_port();
    let ep = E2Endpoint::node_under_test(udp(node_udp), addr(sctp_port)).unwrap();
    let args = [
        "e2node",
        "--connect",
        &addr(sctp_port).to_string(),
        "--e2ap",
        V.label(),
        "--variant",
        variant,
        "--reconnect-ms",
        "50",
    ];
    let _node = sim(&args, node_udp);
    run_suite(E2Side::Node, select, |_| &ep)
}

#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn e2_ric_suite_passes_against_the_conformant_ric_over_sctp() {
    let rows = ric_suite("none", 36521, |_| true);
    assert_eq!(rows.len(), e2::suite(E2Side::Ric).len());
    check(&rows, &[]);
}

#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn e2_ric_faults_are_caught_over_sctp() {
    // A RIC that never reports a malformed PDU: only the case aimed at it fails.
    let rows = ric_suite("silent-on-malformed", 36531, |id| id.starts_with("E2.RIC.ERR."));
    check(&rows, &["E2.RIC.ERR.02"]);
    // A RIC that crashes on an Error Indication drops the association; it
    // comes back, so the cases after it still pass.
    let rows = ric_suite("crash-on-error-indication", 36541, |id| {
        id.starts_with("E2.RIC.ERR.") || id == "E2.RIC.SETUP.01"
    });
    check(&rows, &["E2.RIC.ERR.01"]);
    let down = rows.iter().find(|r| r.id == "E2.RIC.ERR.01").unwrap();
    assert!(down.reason.contains("association"), "{}", down.reason);
}

#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn e2_node_suite_passes_against_the_conformant_node_over_sctp() {
    let rows = node_suite("none", 36551, |_| true);
    assert_eq!(rows.len(), e2::suite(E2Side::Node).len());
    check(&rows, &[]);
}

#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn e2_node_faults_are_caught_over_sctp() {
    // A node that crashes on an unknown procedure: it aborts the
    // association, connects again fresh, and the next cases pass.
    let rows = node_suite("crash-on-unknown-procedure", 36561, |id| {
        id.starts_with("E2.NODE.ERR.") || id == "E2.NODE.SETUP.01"
    });
    check(&rows, &["E2.NODE.ERR.02"]);
    // A node that retries E2 Setup early, judged on real time.
    let rows = node_suite("retry-setup-early", 36571, |id| id.starts_with("E2.NODE.SETUP."));
    check(&rows, &["E2.NODE.SETUP.02"]);
}

/// A small `harness e2 scale` run: every node set up and subscribed, and
/// indications reached the RIC, with no error on either side.
#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn e2_scale_50_nodes_over_usrsctp() {
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args([
            "e2",
            "scale",
            "--sctp",
            "udp",
            "--nodes",
            "50",
            "--duration-s",
            "3",
            "--json",
        ])
        .args(["--report-period-ms", "500", "--listen", "127.0.0.1:36581"])
        .args(["--udp-port", &free_udp_port().to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let n = |path: &str| r.pointer(path).and_then(serde_json::Value::as_f64).unwrap_or(-1.0);
    assert_eq!(n("/nodes"), 50.0);
    for span in ["/associations", "/setup_responses", "/subscriptions"] {
        assert_eq!(n(&format!("{span}/count")), 50.0, "{span}: {text}");
    }
    assert_eq!(n("/setup_latency/count"), 50.0, "{text}");
    assert_eq!(n("/subscription_latency/count"), 50.0, "{text}");
    // 50 nodes every 500 ms over 3 s: about 300.
    assert!(n("/indications/received") >= 150.0, "{text}");
    assert!(n("/indications/bytes") > 0.0, "{text}");
    // The RIC counted no more than the nodes sent, and at least the window's.
    assert!(n("/ric/indications") <= n("/indications_sent"), "{text}");
    assert!(n("/ric/indications") >= n("/indications/received"), "{text}");
    for e in [
        "connect_failures",
        "associations_lost",
        "nodes_not_ready",
        "node_protocol_errors",
        "ric_errors",
    ] {
        assert_eq!(n(&format!("/errors/{e}")), 0.0, "{e}: {text}");
    }
}

/// `harness run --suite e2-ric --e2-connect` as a user runs it against a RIC
/// in another process: the same run folder and exit codes as against the
/// in-process simulator, every message of each case in its pcap.
#[test]
#[ignore = "needs libusrsctp (apt-get install libusrsctp-dev)"]
fn harness_run_against_a_ric_process_over_sctp() {
    let (sim_udp, run_udp, sctp) = (free_udp_port(), free_udp_port(), 36591);
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["sim", "ric", "--sctp", "udp", "--listen", &addr(sctp).to_string()])
        .args([
            "--udp-port",
            &sim_udp.to_string(),
            "--udp-peer-port",
            &run_udp.to_string(),
        ])
        .args(["--variant", "crash-on-unknown-procedure"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "ready");
    let dir = std::env::temp_dir().join(format!("oran-e2-run-sctp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args([
            "run",
            "--quiet",
            "--suite",
            "e2-ric",
            "--e2-connect",
            &addr(sctp).to_string(),
        ])
        .args(["--sctp", "udp", "--udp-port", &run_udp.to_string()])
        .args(["--udp-peer-port", &sim_udp.to_string()])
        .args(["--case", "E2.RIC.ERR.*", "--case", "E2.RIC.SUB.01", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdict = |id: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(id))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_else(|| panic!("{id} in {stdout}"))
            .to_string()
    };
    assert_eq!(verdict("E2.RIC.ERR.03"), "FAIL");
    for id in ["E2.RIC.SUB.01", "E2.RIC.ERR.01", "E2.RIC.ERR.02"] {
        assert_eq!(verdict(id), "PASS", "{stdout}");
    }
    let results = std::fs::read_to_string(dir.join("results.json")).unwrap();
    // The DUT is named by its address.
    assert!(results.contains(&addr(sctp).to_string()), "{results:.600}");
    let jsonl = std::fs::read_to_string(dir.join("cases/E2.RIC.SUB.01.e2.jsonl")).unwrap();
    assert!(
        jsonl.contains("E2setupResponse") && jsonl.contains("RICsubscriptionRequest"),
        "{jsonl}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

//! SCTP over UDP (RFC 6951) through libusrsctp, on loopback: in one process
//! (one stack talking to itself) and across two (the `e2ping` example as
//! the other process). These fail, not skip, where libusrsctp is missing.
//!
//! All tests in this binary share the process's one usrsctp stack on UDP
//! port 9899; each uses its own SCTP port.

use harness::e2link::usrsctp::UdpSctp;
use harness::e2link::{
    Association, DEFAULT_UDP_ENCAPS_PORT, Down, E2Transport, Event, LinkError, Listener, Message, PPID_E2_CP,
    PPID_E2_DU, PPID_E2_UP, SctpConfig,
};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn udp() -> UdpSctp {
    match UdpSctp::open(&SctpConfig::default()) {
        Ok(t) => t,
        Err(e) => panic!("SCTP over UDP unavailable: {e}"),
    }
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn pair(t: &UdpSctp, port: u16) -> (Association, Association, Listener) {
    let l = t.listen(addr(port)).unwrap();
    let node = t.connect(addr(port), soon()).unwrap();
    let ric = l.accept(soon()).unwrap();
    (node, ric, l)
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_streams_and_ppids_are_kept_both_ways() {
    let t = udp();
    let (node, ric, _l) = pair(&t, 36501);
    assert_eq!(node.streams(), 8);
    let ppids = [PPID_E2_CP, PPID_E2_UP, PPID_E2_DU];
    for s in 0..node.streams() {
        let ppid = ppids[s as usize % 3];
        node.send(s, ppid, format!("to ric {s}").as_bytes()).unwrap();
    }
    for s in 0..node.streams() {
        let m = ric.expect(soon()).unwrap();
        // One stream at a time was sent and each is ordered; across
        // streams SCTP may reorder, so match by content.
        let n: u16 = String::from_utf8(m.data.clone()).unwrap()[7..].parse().unwrap();
        assert_eq!((m.stream, m.ppid), (n, ppids[n as usize % 3]), "message {s}");
    }
    ric.send(5, PPID_E2_UP, b"to node").unwrap();
    assert_eq!(
        node.expect(soon()).unwrap(),
        Message {
            stream: 5,
            ppid: 71,
            data: b"to node".to_vec()
        }
    );
    // A stream beyond those negotiated is refused locally.
    assert!(matches!(
        node.send(8, PPID_E2_CP, b"x"),
        Err(LinkError::BadStream { .. })
    ));
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_100_kb_messages_arrive_whole() {
    let t = udp();
    let (node, ric, _l) = pair(&t, 36502);
    let big: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 256) as u8).collect();
    for _ in 0..3 {
        node.send(1, PPID_E2_CP, &big).unwrap();
    }
    node.send(1, PPID_E2_CP, b"after").unwrap();
    for _ in 0..3 {
        let m = ric.expect(soon()).unwrap();
        assert_eq!((m.stream, m.ppid, m.data.len()), (1, 70, 100_000));
        assert!(m.data == big);
    }
    assert_eq!(ric.expect(soon()).unwrap().data, b"after");
    ric.send(0, PPID_E2_CP, &big).unwrap();
    assert!(node.expect(soon()).unwrap().data == big);
}

/// Larger than usrsctp's default send buffer, which would refuse it.
#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_messages_of_megabytes_are_sent_and_arrive_whole() {
    let t = udp();
    let (node, ric, _l) = pair(&t, 36511);
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i * 13 % 251) as u8).collect();
    node.send(2, PPID_E2_CP, &big).unwrap();
    let m = ric.expect(soon()).unwrap();
    assert_eq!((m.stream, m.data.len()), (2, big.len()));
    assert!(m.data == big);
    // Accepted sockets have the same send buffer.
    ric.send(0, PPID_E2_CP, &big).unwrap();
    assert!(node.expect(soon()).unwrap().data == big);
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_peer_shutdown_and_abort_are_events() {
    let t = udp();
    let (node, ric, _l) = pair(&t, 36503);
    node.send_e2(b"bye").unwrap();
    drop(node);
    assert_eq!(ric.expect(soon()).unwrap().data, b"bye");
    assert_eq!(ric.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
    assert_eq!(ric.recv(soon()), Some(Event::Down(Down::PeerShutdown)));
    assert!(matches!(ric.send_e2(b"x"), Err(LinkError::Down(_))));

    let (node, ric, _l2) = pair(&t, 36504);
    ric.abort();
    match node.recv(soon()) {
        Some(Event::Down(Down::Lost { .. })) => {}
        other => panic!("expected the association lost, got {other:?}"),
    }
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_connect_to_nothing_fails_by_the_deadline() {
    let t = udp();
    let t0 = Instant::now();
    let r = t.connect(addr(36509), Instant::now() + Duration::from_millis(1500));
    assert!(matches!(r, Err(LinkError::Setup(_))), "{r:?}");
    assert!(t0.elapsed() < Duration::from_secs(5));
}

/// 200 by default; `E2LINK_ASSOCS=1000` measures more.
#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_200_associations_at_once() {
    let count: usize = std::env::var("E2LINK_ASSOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let t = udp();
    let l = t.listen(addr(36505)).unwrap();
    let t0 = Instant::now();
    let nodes: Vec<_> = (0..count).map(|_| t.connect(addr(36505), soon()).unwrap()).collect();
    let rics: Vec<_> = (0..count).map(|_| l.accept(soon()).unwrap()).collect();
    let setup = t0.elapsed();
    let t1 = Instant::now();
    for (i, n) in nodes.iter().enumerate() {
        n.send((i % 4) as u16, PPID_E2_CP, &(i as u32).to_be_bytes()).unwrap();
    }
    // Accept order follows connect order, but check by content anyway.
    let mut seen = vec![false; count];
    for r in &rics {
        let m = r.expect(soon()).unwrap();
        let i = u32::from_be_bytes(m.data[..4].try_into().unwrap()) as usize;
        assert_eq!(m.stream as usize, i % 4);
        assert!(!seen[i]);
        seen[i] = true;
        r.send(m.stream, m.ppid, &m.data).unwrap();
    }
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n.expect(soon()).unwrap().data, (i as u32).to_be_bytes());
    }
    eprintln!(
        "{count} associations up in {:.0} ms (one after another); one message each way on all in {:.0} ms",
        setup.as_secs_f64() * 1e3,
        t1.elapsed().as_secs_f64() * 1e3
    );
}

/// The `e2ping` example, built by `cargo test` beside this test binary.
fn e2ping() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join("e2ping");
    assert!(
        path.exists(),
        "{} missing: build it with `cargo test -p oran-harness` (examples are built)",
        path.display()
    );
    path
}

/// Kills the child if the test fails before waiting for it.
struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_across_two_processes_node_here_ric_there() {
    let t = udp();
    // The other process has its own stack, so its own UDP port.
    let mut child = Kill(
        Command::new(e2ping())
            .args(["--sctp", "udp", "--listen", "127.0.0.1:36506", "--once"])
            .args([
                "--udp-port",
                "9900",
                "--udp-peer-port",
                &DEFAULT_UDP_ENCAPS_PORT.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("E2 echo over SCTP over UDP"), "{first}");
    let node = t.connect_via(addr(36506), 9900, soon()).unwrap();
    let big = vec![0x5a; 100_000];
    for (i, ppid) in [PPID_E2_CP, PPID_E2_UP, PPID_E2_DU].into_iter().enumerate() {
        node.send(i as u16, ppid, &big[..1000 * (i + 1)]).unwrap();
        let m = node.expect(soon()).unwrap();
        assert_eq!((m.stream, m.ppid, m.data.len()), (i as u16, ppid, 1000 * (i + 1)));
    }
    node.send(3, PPID_E2_CP, &big).unwrap();
    assert!(node.expect(soon()).unwrap().data == big);
    drop(node);
    // The child sees the shutdown as an event and exits (--once).
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("ended: peer shut the association down")),
        "{rest:?}"
    );
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_across_two_processes_ric_here_node_there() {
    let t = udp();
    let l = t.listen(addr(36507)).unwrap();
    let echo = std::thread::spawn(move || {
        let a = l.accept(soon()).unwrap();
        let mut n = 0;
        loop {
            match a.recv(soon()) {
                Some(Event::Message(m)) => {
                    a.send(m.stream, m.ppid, &m.data).unwrap();
                    n += 1;
                }
                Some(Event::Down(d)) => return (n, d),
                None => panic!("nothing from the node"),
            }
        }
    });
    let out = Command::new(e2ping())
        .args([
            "--sctp",
            "udp",
            "--connect",
            "127.0.0.1:36507",
            "--count",
            "6",
            "--size",
            "70000",
        ])
        .args([
            "--streams",
            "3",
            "--ppid",
            "72",
            "--udp-port",
            "9901",
            "--udp-peer-port",
            "9899",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("echo 5: stream 2, PPID 72, 70000 bytes"), "{text}");
    let (n, down) = echo.join().unwrap();
    assert_eq!((n, down), (6, Down::PeerShutdown));
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_second_stack_port_is_refused_plainly() {
    let _t = udp();
    let other = SctpConfig {
        udp_local_port: 9911,
        ..SctpConfig::default()
    };
    match UdpSctp::open(&other) {
        Err(LinkError::Setup(m)) => assert!(m.contains("one SCTP stack per process"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// tshark, if installed, decodes the UDP-encapsulated packets as SCTP with
/// PPID 70 and valid CRC32c checksums.
#[test]
#[ignore = "needs libusrsctp and tshark"]
fn usrsctp_tshark_decodes_ppid_70_with_valid_checksums() {
    let t = udp();
    let dir = std::env::temp_dir().join(format!("e2link-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cap = dir.join("e2.pcapng");
    let mut tshark = Kill(
        Command::new("tshark")
            // Stopped by time: a killed capture may lose its buffered packets.
            .args(["-i", "lo", "-f", "udp port 9899", "-a", "duration:6", "-w"])
            .arg(&cap)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("tshark (Debian package tshark) must be installed"),
    );
    // Wait until it captures.
    let mut err = BufReader::new(tshark.0.stderr.take().unwrap());
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("Capturing on") {
        line.clear();
    }
    assert!(line.contains("Capturing on"), "tshark did not start: {line}");
    // The line comes a little before the capture really runs.
    std::thread::sleep(Duration::from_secs(1));
    let (node, ric, _l) = pair(&t, 36508);
    node.send_e2(b"\x00\x01\x00\x10e2 setup request").unwrap();
    assert_eq!(ric.expect(soon()).unwrap().ppid, 70);
    ric.send_e2(b"\x20\x01\x00\x10e2 setup response").unwrap();
    assert_eq!(node.expect(soon()).unwrap().ppid, 70);
    let _ = tshark.0.wait();
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&cap)
        .args([
            "-o",
            "sctp.checksum:CRC-32C",
            "-Y",
            "sctp.port == 36508 && sctp.data_payload_proto_id",
        ])
        .args([
            "-T",
            "fields",
            "-e",
            "udp.srcport",
            "-e",
            "sctp.data_payload_proto_id",
            "-e",
            "sctp.checksum.status",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "two DATA packets expected:\n{text}");
    for r in rows {
        assert_eq!(r[0], "9899", "{text}");
        assert_eq!(r[1], "70", "PPID on the wire: {text}");
        // 1 = "Good" in tshark's checksum status.
        assert_eq!(r[2], "1", "checksum: {text}");
    }
}

#[test]
#[ignore = "needs libusrsctp"]
fn usrsctp_streams_are_negotiated_down_to_the_peer() {
    let node_side = udp();
    let ric_side = UdpSctp::open(&SctpConfig {
        streams: 2,
        ..SctpConfig::default()
    })
    .unwrap();
    let l = ric_side.listen(addr(36510)).unwrap();
    let node = node_side.connect(addr(36510), soon()).unwrap();
    let ric = l.accept(soon()).unwrap();
    assert_eq!((node.streams(), ric.streams()), (2, 2));
    assert!(matches!(
        node.send(2, PPID_E2_CP, b"x"),
        Err(LinkError::BadStream { stream: 2, streams: 2 })
    ));
    node.send(1, PPID_E2_CP, b"y").unwrap();
    assert_eq!(ric.expect(soon()).unwrap().stream, 1);
}

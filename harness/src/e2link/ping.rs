//! `e2 ping`: a smoke test of an E2 transport. `--listen` echoes every
//! message back on its stream with its PPID; `--connect` sends numbered
//! messages over the streams and checks each echo.

use super::{Association, E2Transport, Event, Message, SctpConfig, SctpKind, memory::MemoryNet};
use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug, Clone)]
pub struct PingArgs {
    /// SCTP to use: kernel, udp (SCTP over UDP, RFC 6951, needs libusrsctp)
    /// or memory (in-process self-check).
    #[arg(long, default_value = "udp", value_parser = parse_kind)]
    pub sctp: SctpKind,
    /// Open an association to ADDR:PORT (E2 node side) and ping.
    #[arg(
        long,
        value_name = "ADDR:PORT",
        required_unless_present = "listen",
        conflicts_with = "listen"
    )]
    pub connect: Option<SocketAddr>,
    /// Accept associations on ADDR:PORT (RIC side) and echo what arrives.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Messages to send.
    #[arg(long, default_value_t = 5)]
    pub count: u32,
    /// Bytes per message (at least 4).
    #[arg(long, default_value_t = 64)]
    pub size: usize,
    /// SCTP streams to request; messages go round them.
    #[arg(long, default_value_t = super::DEFAULT_STREAMS)]
    pub streams: u16,
    /// Payload protocol identifier (70 E2-CP, 71 E2-UP, 72 E2-DU).
    #[arg(long, default_value_t = super::PPID_E2_CP)]
    pub ppid: u32,
    /// SCTP over UDP: this process's UDP encapsulation port.
    #[arg(long, default_value_t = super::DEFAULT_UDP_ENCAPS_PORT)]
    pub udp_port: u16,
    /// SCTP over UDP: the peer's UDP encapsulation port.
    #[arg(long, default_value_t = super::DEFAULT_UDP_ENCAPS_PORT)]
    pub udp_peer_port: u16,
    /// Seconds to wait for the association and for each echo.
    #[arg(long, default_value_t = 5.0)]
    pub timeout: f64,
    /// With --listen: stop after the first association ends.
    #[arg(long)]
    pub once: bool,
    /// usrsctp debug output.
    #[arg(long)]
    pub debug: bool,
}

fn parse_kind(s: &str) -> Result<SctpKind, String> {
    s.parse()
}

impl PingArgs {
    fn config(&self) -> SctpConfig {
        SctpConfig {
            streams: self.streams,
            udp_local_port: self.udp_port,
            udp_remote_port: self.udp_peer_port,
            debug: self.debug,
        }
    }

    fn timeout(&self) -> Duration {
        Duration::try_from_secs_f64(self.timeout).unwrap_or(Duration::from_secs(5))
    }
}

/// `harness e2 ping`: run with standard output.
pub fn cli(args: &PingArgs) -> Result<std::process::ExitCode, Box<dyn std::error::Error>> {
    run(args, &mut std::io::stdout())?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Run `e2 ping`; the error is the message to print.
pub fn run(args: &PingArgs, out: &mut dyn Write) -> Result<(), String> {
    let w = |e: std::io::Error| e.to_string();
    if args.sctp == SctpKind::Memory {
        // In-process: listen and ping ourselves.
        let addr = args
            .connect
            .or(args.listen)
            .unwrap_or(([127, 0, 0, 1], super::PORT_FLEXRIC).into());
        let net = MemoryNet::new(args.streams);
        let listener = net.listen(addr).map_err(|e| e.to_string())?;
        std::thread::spawn(move || {
            while let Ok(a) = listener.accept(Instant::now() + Duration::from_secs(3600)) {
                std::thread::spawn(move || echo_blocking(&a));
            }
        });
        return ping(&net, addr, args, out);
    }
    let transport = super::open(args.sctp, &args.config()).map_err(|e| e.to_string())?;
    if let Some(addr) = args.listen {
        let listener = transport.listen(addr).map_err(|e| e.to_string())?;
        writeln!(out, "E2 echo over {} on {addr}", transport.describe()).map_err(w)?;
        out.flush().map_err(w)?;
        return serve(listener, args.once, out);
    }
    let addr = args.connect.ok_or("give --connect ADDR:PORT or --listen ADDR:PORT")?;
    ping(&*transport, addr, args, out)
}

fn ping(transport: &dyn E2Transport, addr: SocketAddr, args: &PingArgs, out: &mut dyn Write) -> Result<(), String> {
    let w = |e: std::io::Error| e.to_string();
    let t0 = Instant::now();
    let assoc = transport
        .connect(addr, t0 + args.timeout())
        .map_err(|e| e.to_string())?;
    writeln!(
        out,
        "E2 ping over {} to {addr}: association up in {:.1} ms, {} streams",
        transport.describe(),
        t0.elapsed().as_secs_f64() * 1e3,
        assoc.streams()
    )
    .map_err(w)?;
    let mut rtts = Vec::new();
    for i in 0..args.count {
        let stream = (i % u32::from(assoc.streams().max(1))) as u16;
        let mut data = vec![(i % 251) as u8; args.size.max(4)];
        data[..4].copy_from_slice(&i.to_be_bytes());
        let sent = Instant::now();
        assoc
            .send(stream, args.ppid, &data)
            .map_err(|e| format!("ping {i}: {e}"))?;
        let back = assoc
            .expect(sent + args.timeout())
            .map_err(|e| format!("ping {i}: no echo: {e}"))?;
        let rtt = sent.elapsed();
        let want = Message {
            stream,
            ppid: args.ppid,
            data,
        };
        if back != want {
            return Err(format!(
                "ping {i}: echo differs: stream {} PPID {} {} bytes, sent stream {stream} PPID {} {} bytes",
                back.stream,
                back.ppid,
                back.data.len(),
                args.ppid,
                want.data.len()
            ));
        }
        writeln!(
            out,
            "echo {i}: stream {stream}, PPID {}, {} bytes, {:.3} ms",
            back.ppid,
            back.data.len(),
            rtt.as_secs_f64() * 1e3
        )
        .map_err(w)?;
        rtts.push(rtt.as_secs_f64() * 1e3);
    }
    if !rtts.is_empty() {
        let min = rtts.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rtts.iter().copied().fold(0.0, f64::max);
        let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
        writeln!(
            out,
            "{} of {} echoed; round trip min {min:.3} / avg {avg:.3} / max {max:.3} ms",
            rtts.len(),
            args.count
        )
        .map_err(w)?;
    }
    // Wait for the peer to confirm, so it sees the shutdown although this
    // process exits right away.
    assoc.shutdown(Instant::now() + args.timeout());
    Ok(())
}

/// Echo on one association until it goes down; what ended it.
fn echo_blocking(a: &Association) -> String {
    loop {
        match a.recv(Instant::now() + Duration::from_secs(3600)) {
            Some(Event::Message(m)) => {
                if let Err(e) = a.send(m.stream, m.ppid, &m.data) {
                    return e.to_string();
                }
            }
            Some(Event::Down(d)) => return d.to_string(),
            None => {}
        }
    }
}

/// Accept and echo, one task per association on one thread.
fn serve(listener: super::Listener, once: bool, out: &mut dyn Write) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (done_tx, done_rx) = flume::unbounded::<String>();
    rt.block_on(async {
        loop {
            tokio::select! {
                a = listener.accept_async() => {
                    let a = a.map_err(|e| e.to_string())?;
                    let _ = writeln!(out, "association from {}", a.peer());
                    let _ = out.flush();
                    let done = done_tx.clone();
                    tokio::spawn(async move {
                        let why = loop {
                            match a.recv_async().await {
                                Event::Message(m) => {
                                    if let Err(e) = a.send(m.stream, m.ppid, &m.data) {
                                        break e.to_string();
                                    }
                                }
                                Event::Down(d) => break d.to_string(),
                            }
                        };
                        let _ = done.send(format!("association from {} ended: {why}", a.peer()));
                    });
                }
                why = done_rx.recv_async() => {
                    let why = why.unwrap_or_default();
                    let _ = writeln!(out, "{why}");
                    let _ = out.flush();
                    if once {
                        return Ok(());
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        ping: PingArgs,
    }

    #[test]
    fn memory_ping_echoes_over_every_stream() {
        let cli = Cli::try_parse_from([
            "x",
            "--sctp",
            "memory",
            "--connect",
            "127.0.0.1:36421",
            "--count",
            "6",
            "--streams",
            "3",
            "--ppid",
            "72",
            "--size",
            "70000",
        ])
        .unwrap();
        let mut out = Vec::new();
        run(&cli.ping, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("echo 5: stream 2, PPID 72, 70000 bytes"), "{text}");
        assert!(text.contains("6 of 6 echoed"), "{text}");
    }

    #[test]
    fn connect_and_listen_are_exclusive_and_one_is_needed() {
        assert!(Cli::try_parse_from(["x"]).is_err());
        assert!(Cli::try_parse_from(["x", "--connect", "1.2.3.4:1", "--listen", "1.2.3.4:2"]).is_err());
        assert!(Cli::try_parse_from(["x", "--sctp", "sctp", "--listen", "1.2.3.4:2"]).is_err());
    }

    #[test]
    fn kernel_ping_fails_plainly_without_kernel_sctp() {
        if super::super::kernel::probe().is_ok() {
            return;
        }
        let cli = Cli::try_parse_from(["x", "--sctp", "kernel", "--connect", "127.0.0.1:36421"]).unwrap();
        let err = run(&cli.ping, &mut Vec::new()).unwrap_err();
        assert!(err.starts_with("this kernel has no SCTP"), "{err}");
    }
}

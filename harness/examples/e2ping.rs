//! `e2ping`: the E2 transport smoke test on its own (the same as
//! `harness e2 ping`).
//!
//!     e2ping --sctp udp --listen 127.0.0.1:36421 --udp-port 9900 --udp-peer-port 9899
//!     e2ping --sctp udp --connect 127.0.0.1:36421 --udp-peer-port 9900

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Ping over an E2 SCTP transport (kernel, SCTP over UDP, in-memory)")]
struct Cli {
    #[command(flatten)]
    ping: harness::e2link::ping::PingArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match harness::e2link::ping::run(&cli.ping, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2ping: {e}");
            ExitCode::FAILURE
        }
    }
}

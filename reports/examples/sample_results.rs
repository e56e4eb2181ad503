//! Prints a results.json covering every verdict, for validating the document
//! against the O-RAN schema outside Rust:
//! `cargo run -p oran-reports --example sample_results > results.json`.
//! With `--junit` it prints the JUnit XML of the same run instead, and with
//! `--summary` the terminal summary.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let run = common::every_verdict();
    match std::env::args().nth(1).as_deref() {
        Some("--junit") => print!("{}", reports::junit_xml(&run)),
        Some("--summary") => print!("{}", reports::terminal_summary(&run)),
        _ => {
            let doc = reports::results_json(&run, &reports::LabInfo::default());
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
            );
        }
    }
}

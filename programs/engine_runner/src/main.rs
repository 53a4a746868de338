//! Reads one JSON document from stdin, runs its steps through the engine and writes
//! the outcomes as JSON to stdout (see README.md). Malformed input: a message on
//! stderr and exit status 2.

use std::io::{self, Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut input) {
        eprintln!("engine_runner: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    let result = serde_json::from_str(&input).map_err(|e| format!("invalid JSON: {e}")).and_then(|doc| engine_runner::run_document(&doc));
    match result {
        Ok(output) => {
            let mut out = io::stdout().lock();
            let written = serde_json::to_writer(&mut out, &output).map_err(io::Error::from).and_then(|_| writeln!(out));
            match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("engine_runner: cannot write stdout: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            eprintln!("engine_runner: {e}");
            ExitCode::from(2)
        }
    }
}

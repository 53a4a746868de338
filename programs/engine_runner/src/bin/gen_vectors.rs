//! Writes quantdesk_perp/vectors/*.json from the cases in `engine_runner::vectors::cases`,
//! with every expected outcome recorded from the engine. `--check` writes nothing and
//! exits 1 if a file on disk differs from what would be written.

use engine_runner::vectors::{cases, encode_file};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../quantdesk_perp/vectors");
    let mut stale = Vec::new();
    let mut total = 0;
    for file in cases::all() {
        total += file.suite.cases.len();
        let text = serde_json::to_string_pretty(&encode_file(file.description, &file.suite)).expect("vectors serialize") + "\n";
        let path = dir.join(format!("{}.json", file.stem));
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen_vectors: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if !stale.is_empty() {
        eprintln!("gen_vectors: out of date (run `cargo run -p engine_runner --bin gen_vectors`): {}", stale.join(", "));
        return ExitCode::FAILURE;
    }
    println!("gen_vectors: {total} cases {}", if check { "up to date" } else { "written" });
    ExitCode::SUCCESS
}

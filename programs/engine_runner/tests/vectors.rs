//! The shared vectors, replayed through the engine from their JSON form — exactly
//! what the Python mirror does — plus coverage and freshness checks.

use engine_runner::vectors::{cases, check_case, encode_file};
use perp_engine::ErrorCode;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../quantdesk_perp/vectors")
}

fn vector_files() -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(vector_dir())
        .expect("vectors directory exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable vector file");
            (p.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).expect("valid JSON"))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Replays every case of every file; returns (case count, error codes seen).
fn replay_all() -> (usize, BTreeSet<u32>) {
    let mut count = 0;
    let mut codes = BTreeSet::new();
    for (name, file) in vector_files() {
        for case in file["cases"].as_array().unwrap_or_else(|| panic!("{name}: `cases` array")) {
            let (_, code) = check_case(case).unwrap_or_else(|e| panic!("{name}: {e}"));
            codes.extend(code);
            count += 1;
        }
    }
    (count, codes)
}

#[test]
fn every_vector_replays_to_its_expected_outcome() {
    let (count, _) = replay_all();
    assert!(count >= 70, "only {count} vector cases");
}

#[test]
fn every_error_code_appears_in_some_vector() {
    let (_, codes) = replay_all();
    let missing: Vec<_> = ErrorCode::ALL.iter().filter(|c| !codes.contains(&c.code())).map(|c| c.name()).collect();
    assert!(missing.is_empty(), "error codes without a vector: {missing:?}");
}

#[test]
fn vector_files_are_what_the_generator_writes() {
    let on_disk: BTreeSet<String> = vector_files().into_iter().map(|(name, _)| name).collect();
    let mut generated = BTreeSet::new();
    for file in cases::all() {
        let name = format!("{}.json", file.stem);
        let text = serde_json::to_string_pretty(&encode_file(file.description, &file.suite)).unwrap() + "\n";
        let current = std::fs::read_to_string(vector_dir().join(&name)).unwrap_or_default();
        assert!(current == text, "{name} is stale: run `cargo run -p engine_runner --bin gen_vectors`");
        generated.insert(name);
    }
    assert_eq!(on_disk, generated, "vector files without a generator, or missing files");
}

//! Builds the quantdesk_perp IDL the way `anchor idl build` does — anchor-lang-idl's
//! `IdlBuilder` runs `cargo test __anchor_private_print_idl --features idl-build` in
//! the program directory and assembles the JSON Anchor's macros print — and writes it
//! pretty-printed to `quantdesk_perp/idl/quantdesk_perp.json`, like anchor-cli's
//! `write_idl`.
//!
//! `--check`: build into memory and exit 1 if the committed file differs.
//! Needs only cargo and crates.io; no Solana or Anchor CLI.

use anchor_lang_idl::build::IdlBuilder;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("idl_gen: unknown argument `{other}` (usage: idl_gen [--check])");
            return ExitCode::from(2);
        }
    };
    let programs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("programs directory");
    let program = programs.join("quantdesk_perp");
    let committed = program.join("idl").join("quantdesk_perp.json");

    // The IDL build sets RUSTFLAGS, which would invalidate the workspace's normal build
    // cache; a target directory of its own keeps both warm.
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        std::env::set_var("CARGO_TARGET_DIR", programs.join("target").join("idl-build"));
    }
    // anchor-lang-idl 0.1.x turns RUSTUP_TOOLCHAIN (which rustup sets for processes that
    // `cargo run` starts) into a malformed `+toolchain` argument; the nested cargo picks
    // the same toolchain from rustup's defaults without it.
    std::env::remove_var("RUSTUP_TOOLCHAIN");

    // Same settings as `anchor idl build` with a default Anchor.toml.
    let idl = match IdlBuilder::new().program_path(program).resolution(true).skip_lint(false).no_docs(false).build() {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("idl_gen: building the IDL failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let json = serde_json::to_string_pretty(&idl).expect("the IDL serializes");

    if check {
        if std::fs::read_to_string(&committed).ok().as_deref() == Some(json.as_str()) {
            println!("idl_gen: {} is up to date", committed.display());
            return ExitCode::SUCCESS;
        }
        eprintln!("idl_gen: {} is out of date; run programs/scripts/gen_idl.sh", committed.display());
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::write(&committed, json) {
        eprintln!("idl_gen: cannot write {}: {e}", committed.display());
        return ExitCode::FAILURE;
    }
    println!("idl_gen: wrote {}", committed.display());
    ExitCode::SUCCESS
}

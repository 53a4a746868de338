#!/usr/bin/env bash
# Regenerates programs/quantdesk_perp/idl/quantdesk_perp.json the way `anchor idl build`
# does (see programs/idl_gen). With --check, writes nothing and exits non-zero if the
# committed IDL is out of date. Needs only cargo and crates.io.
set -euo pipefail
programs="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build the tool first, then run the binary directly: the IDL build it starts is a
# nested cargo, which must not wait on a `cargo run` still holding the build lock.
cargo build --quiet --manifest-path "$programs/Cargo.toml" -p idl_gen
exec "$programs/target/debug/idl_gen" "$@"

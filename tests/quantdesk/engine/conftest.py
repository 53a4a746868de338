"""Fixtures for the engine tests: the Rust runner binary, built once per session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.quantdesk.engine.worlds import PROGRAMS


@pytest.fixture(scope="session")
def engine_runner() -> Path:
    """programs/target/debug/engine_runner, built with the debug profile so a later
    ``cargo test`` reuses the artifacts. A missing toolchain fails the test loudly:
    the differential check is not optional."""
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.fail("cargo is not on PATH; the differential test needs the Rust toolchain")
    build = subprocess.run(
        [cargo, "build", "-p", "engine_runner", "--manifest-path", str(PROGRAMS / "Cargo.toml")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if build.returncode != 0:
        pytest.fail(f"cargo build -p engine_runner failed:\n{build.stderr[-4000:]}")
    binary = PROGRAMS / "target" / "debug" / "engine_runner"
    assert binary.is_file(), f"{binary} missing after the build"
    return binary

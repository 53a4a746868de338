"""The JSON codec: strict in exactly the way engine_runner's codec is. Each probe is a
small change to a valid runner document; the Python reader and the Rust runner must
both accept it or both refuse it (the runner exits 2 on malformed input)."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quantdesk.engine import SettleFunding, codec
from tests.quantdesk.engine.worlds import NOW, SOL_FEED, USD, pyth, world

BASE = {
    "state": codec.encode_state(world()),
    "steps": [codec.encode_step(SettleFunding(0), pyth(SOL_FEED, 100 * USD), NOW)],
}
FEED_HEX = SOL_FEED.hex()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


FEED = ("state", "markets", 0, "params", "pyth_feed_id")
FUNDING = ("state", "markets", 0, "cumulative_funding")
VAULT = ("state", "exchange", "liquidity_vault")

# name → (change, accepted)
PROBES: dict[str, tuple[Callable[[dict[str, Any]], None], bool]] = {
    "uppercase hex feed id": (_set(FEED, FEED_HEX.upper()), True),
    "hex pair with a plus sign (Rust from_str_radix takes it)": (_set(FEED, "+f" + FEED_HEX[2:]), True),
    "hex pair with a space": (_set(FEED, " f" + FEED_HEX[2:]), False),
    "i128 with a plus sign": (_set(FUNDING, "+5"), True),
    "i128 negative zero": (_set(FUNDING, "-0"), True),
    "i128 with a space": (_set(FUNDING, " 5"), False),
    "i128 with an underscore": (_set(FUNDING, "1_0"), False),
    "i128 empty": (_set(FUNDING, ""), False),
    "i128 past its range": (_set(FUNDING, str(1 << 127)), False),
    "i128 as a number": (_set(FUNDING, 5), False),
    "a number where a boolean goes": (_set(("state", "markets", 0, "paused"), 0), False),
    "a boolean where a number goes": (_set(VAULT, True), False),
    "a float where an integer goes": (_set(VAULT, 1.0), False),
    "u64 maximum": (_set(VAULT, (1 << 64) - 1), True),
    "u64 past its range": (_set(VAULT, 1 << 64), False),
    "a negative u64": (_set(VAULT, -1), False),
    "u16 past its range": (_set(("state", "users", 0, "open_orders"), 1 << 16), False),
    "i32 past its range": (_set(("steps", 0, "oracle", "exponent"), 1 << 31), False),
    "a lone surrogate in a symbol": (_set(("state", "markets", 0, "params", "symbol"), "\ud800"), False),
    "a non-ASCII symbol": (_set(("state", "markets", 0, "params", "symbol"), "SOL€"), True),
    "an unknown field": (_set(("state", "exchange", "extra"), 1), False),
    "an unknown step field": (_set(("steps", 0, "extra"), 1), False),
    "a key of 3 bytes": (_set(("state", "exchange", "admin"), "1111"), False),
    "a key outside the base58 alphabet": (_set(("state", "exchange", "admin"), "0OIl" * 8), False),
    "a null required key": (_set(("state", "exchange", "admin"), None), False),
    "a null delegate": (_set(("state", "users", 0, "delegate"), None), True),
    "a market at the wrong index": (_set(("state", "markets", 0, "index"), 1), False),
    "an unknown instruction": (_set(("steps", 0, "instruction", "type"), "teleport"), False),
}


def python_accepts(doc: dict[str, Any]) -> bool:
    try:
        f = codec.Fields("document", doc)
        codec.decode_state(f.raw("state"))
        steps = f.array("steps")
        f.finish()
        for step in steps:
            sf = codec.Fields("step", step)
            codec.decode_step(sf)
            sf.finish()
    except codec.CodecError:
        return False
    return True


@pytest.mark.parametrize("name", list(PROBES))
def test_the_reader_accepts_and_refuses_what_the_runner_does(name: str, engine_runner: Path) -> None:
    change, accepted = PROBES[name]
    doc = copy.deepcopy(BASE)
    change(doc)
    rust = subprocess.run([str(engine_runner)], input=json.dumps(doc), capture_output=True, text=True, timeout=60)
    assert rust.returncode in (0, 2), rust.stderr
    assert (rust.returncode == 0) == accepted, rust.stderr
    assert python_accepts(doc) == accepted


def test_keys_are_base58_with_leading_ones_for_zero_bytes() -> None:
    # engine_runner's runner test uses these two as admin and mint.
    assert codec.encode_key(bytes(31) + b"\x01") == "11111111111111111111111111111112"
    assert codec.decode_key("11111111111111111111111111111113") == bytes(31) + b"\x02"
    assert codec.decode_key(codec.encode_key(bytes(32))) == bytes(32)


def test_an_error_decoded_with_a_name_that_does_not_match_its_code_is_refused() -> None:
    with pytest.raises(codec.CodecError):
        codec.decode_error({"code": 6019, "name": "MathOverflow", "limit": None, "value": None, "field": None})

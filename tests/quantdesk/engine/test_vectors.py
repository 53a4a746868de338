"""The shared vectors (programs/quantdesk_perp/vectors/*.json), replayed through the
Python engine: every case must reproduce the Rust engine's recorded outcome exactly
— the state after and the events, or the error code and its numbers."""

from __future__ import annotations

import pytest

from quantdesk.engine import Err, ErrorCode, apply, codec
from tests.quantdesk.engine.worlds import VectorCase, decode_case, vector_cases

CASES = vector_cases()


def test_the_loader_finds_every_vector_case() -> None:
    # 143 cases when this mirror was written; a broken loader must not pass with zero.
    assert len(CASES) >= 143
    assert len({c.name for c in CASES}) == len(CASES), "case names are unique across files"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_vector_case_reproduces_the_recorded_outcome(case: VectorCase) -> None:
    state, instruction, oracle, now, expected = decode_case(case.raw)
    outcome = apply(state, instruction, oracle, now)
    assert codec.encode_outcome(outcome) == expected
    # Structurally too: the expected outcome decoded equals ours field by field.
    assert codec.decode_outcome(expected) == outcome
    if isinstance(outcome, Err):
        assert outcome.name == ErrorCode(outcome.code).name


def test_every_error_code_appears_in_some_vector() -> None:
    seen = set()
    for case in CASES:
        state, instruction, oracle, now, _ = decode_case(case.raw)
        outcome = apply(state, instruction, oracle, now)
        if isinstance(outcome, Err):
            seen.add(outcome.code)
    assert seen == {int(code) for code in ErrorCode}


def test_vector_states_round_trip_through_the_codec() -> None:
    for case in CASES:
        assert codec.encode_state(codec.decode_state(case.raw["state"])) == case.raw["state"], case.id
        assert codec.encode_instruction(codec.decode_instruction(case.raw["instruction"])) == case.raw["instruction"]
        assert codec.encode_oracle(codec.decode_oracle(case.raw["oracle"])) == case.raw["oracle"]
        expected = case.raw["expected"]
        assert codec.encode_outcome(codec.decode_outcome(expected)) == expected, case.id

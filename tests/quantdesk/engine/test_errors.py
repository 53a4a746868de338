"""The error mapping: one exception class per program error code, the same codes,
names and messages as the on-chain program's IDL, carrying the numbers a trader
needs."""

from __future__ import annotations

import json
import pickle

import pytest

import quantdesk.engine as engine
from quantdesk.engine import (
    ERROR_CLASSES,
    EnginePanic,
    Err,
    ErrorCode,
    InsufficientFreeCollateral,
    Ok,
    OracleStale,
    ProgramError,
    Withdraw,
    apply,
    raise_for,
)
from quantdesk.errors import QuantDeskError, VenueError
from tests.quantdesk.engine.worlds import ALICE, IDL, SOL_FEED, USD, pyth, world


def test_the_code_name_message_table_equals_the_idl_errors() -> None:
    idl = json.loads(IDL.read_text())["errors"]
    ours = [{"code": int(code), "name": code.name, "msg": ERROR_CLASSES[code].message} for code in ErrorCode]
    assert ours == idl


def test_every_code_has_one_exported_exception_class_under_venue_error() -> None:
    assert sorted(ERROR_CLASSES) == list(ErrorCode)
    for code, cls in ERROR_CLASSES.items():
        assert cls.code is code and cls.__name__ == code.name
        assert issubclass(cls, ProgramError) and issubclass(cls, VenueError) and issubclass(cls, QuantDeskError)
        assert getattr(engine, cls.__name__) is cls and cls.__name__ in engine.__all__
    assert issubclass(EnginePanic, VenueError) and not issubclass(EnginePanic, ProgramError)


def test_a_refused_withdrawal_is_data_and_raise_for_turns_it_into_its_exception() -> None:
    outcome = apply(world(), Withdraw(signer=ALICE, owner=ALICE, amount=10_001 * USD), pyth(SOL_FEED, 100 * USD), 0)
    assert outcome == Err(
        code=6012, name="InsufficientFreeCollateral", limit=10_000 * USD, value=10_001 * USD, field=None
    )
    with pytest.raises(InsufficientFreeCollateral) as raised:
        raise_for(outcome)
    assert (raised.value.limit, raised.value.value, raised.value.code) == (10_000 * USD, 10_001 * USD, 6012)


def test_raise_for_returns_a_success_unchanged() -> None:
    outcome = apply(world(), Withdraw(signer=ALICE, owner=ALICE, amount=USD), pyth(SOL_FEED, 100 * USD), 0)
    assert isinstance(outcome, Ok) and raise_for(outcome) is outcome


def test_the_message_reads_like_the_rust_display() -> None:
    # perp_engine errors.rs: display_names_the_numbers.
    assert str(OracleStale(limit=60, value=61)) == (
        "OracleStale (6019): The oracle price is older than the market allows; retry after a fresh update; "
        "limit 60; value 61"
    )
    assert Err(6004, "InvalidParameter", 16, 17, "symbol").message == (
        "InvalidParameter (6004): A parameter is out of its allowed range; see field, limit and value; "
        "field symbol; limit 16; value 17"
    )


def test_reported_numbers_saturate_at_the_i64_range() -> None:
    error = ProgramError.for_code(6034, limit=1 << 70, value=-(1 << 70))
    assert (error.limit, error.value) == ((1 << 63) - 1, -(1 << 63))


def test_errors_survive_pickling_with_their_numbers() -> None:
    error = pickle.loads(pickle.dumps(OracleStale(limit=60, value=61)))
    assert isinstance(error, OracleStale) and (error.limit, error.value) == (60, 61)


def test_an_err_whose_name_does_not_match_its_code_cannot_be_built() -> None:
    with pytest.raises(ValueError):
        Err(6019, "OracleStalee", None, None, None)
    with pytest.raises(ValueError):
        Err(7000, "Teleported", None, None, None)

"""Program errors as a cluster reports them, named: the program's own codes from
the IDL, Anchor's framework codes, CPI codes, and the detail Anchor logs."""

from __future__ import annotations

from quantdesk.engine import ErrorCode
from quantdesk.exchange import PerpIdl
from quantdesk.exchange.solana import ErrorNames, ProgramFailure, transaction_error_name

NAMES = ErrorNames(PerpIdl.load())


def _custom(code: int, index: int = 1) -> dict:
    return {"InstructionError": [index, {"Custom": code}]}


def test_a_program_code_is_named_from_the_idl_with_its_message() -> None:
    failure = NAMES.instruction_failure(_custom(int(ErrorCode.InvalidLeverage)), [])
    assert failure is not None and failure.name == "InvalidLeverage" and failure.instruction_index == 1
    assert failure.message  # the IDL's msg when the logs carry no detail


def test_the_detail_anchor_logs_wins_over_the_generic_message() -> None:
    logs = ["Program log: Instruction: PlaceOrder",
            "Program log: AnchorError occurred. Error Code: InvalidLeverage. Error Number: 6014. "
            "Error Message: leverage 50 is above the market's 20.",
            "Program X failed: custom program error: 0x177e"]
    failure = NAMES.instruction_failure(_custom(6014, 2), logs)
    assert failure == ProgramFailure(2, 6014, "InvalidLeverage", "leverage 50 is above the market's 20")


def test_anchor_and_cpi_codes_get_their_names() -> None:
    assert NAMES.name(2006) == "ConstraintSeeds" and NAMES.name(3012) == "AccountNotInitialized"
    assert NAMES.name(101) == "InstructionFallbackNotFound"
    assert NAMES.name(0) == "AccountAlreadyInUse" and NAMES.name(1) == "TokenInsufficientFunds"
    assert NAMES.name(424242) == "Custom(424242)"


def test_runtime_instruction_errors_and_transaction_errors_are_named() -> None:
    failure = NAMES.instruction_failure({"InstructionError": [0, "InvalidAccountData"]}, [])
    assert failure == ProgramFailure(0, None, "InvalidAccountData", None)
    assert NAMES.instruction_failure("BlockhashNotFound", []) is None
    assert transaction_error_name("BlockhashNotFound") == "BlockhashNotFound"
    assert transaction_error_name({"InsufficientFundsForRent": {"account_index": 0}}) == "InsufficientFundsForRent"

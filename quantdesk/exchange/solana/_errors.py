"""Errors of the Solana venue and how a cluster's error shapes map to names.

    VenueError                          (quantdesk.errors)
    ├── RpcError                        the RPC node answered a JSON-RPC error object
    ├── RpcUnavailable                  no usable answer (connection, HTTP status,
    │                                   malformed body, a solders parser panic)
    ├── OrderAlreadyPlaced              submit_order_once: this order already landed
    └── TransactionRejected             (quantdesk.exchange) never landed
        └── PreflightRejected           the simulation before sending failed with a
                                        program error; nothing was sent

Program errors arrive as ``{"InstructionError": [index, {"Custom": code}]}``.
Codes of 6000 and up are the program's own (named from the IDL); Anchor's
framework codes (100–5000) get Anchor's names; below 100 they come from a CPI
(System or SPL Token program).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from quantdesk.errors import VenueError
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._txcheck import TransactionRejected

# anchor-lang's ErrorCode (lang/src/error.rs, the same list as @coral-xyz/anchor-errors).
ANCHOR_ERRORS: Mapping[int, str] = {
    100: "InstructionMissing", 101: "InstructionFallbackNotFound", 102: "InstructionDidNotDeserialize",
    103: "InstructionDidNotSerialize", 1000: "IdlInstructionStub", 1001: "IdlInstructionInvalidProgram",
    1002: "IdlAccountNotEmpty", 1500: "EventInstructionStub",
    2000: "ConstraintMut", 2001: "ConstraintHasOne", 2002: "ConstraintSigner", 2003: "ConstraintRaw",
    2004: "ConstraintOwner", 2005: "ConstraintRentExempt", 2006: "ConstraintSeeds", 2007: "ConstraintExecutable",
    2008: "ConstraintState", 2009: "ConstraintAssociated", 2010: "ConstraintAssociatedInit",
    2011: "ConstraintClose", 2012: "ConstraintAddress", 2013: "ConstraintZero", 2014: "ConstraintTokenMint",
    2015: "ConstraintTokenOwner", 2016: "ConstraintMintMintAuthority", 2017: "ConstraintMintFreezeAuthority",
    2018: "ConstraintMintDecimals", 2019: "ConstraintSpace", 2020: "ConstraintAccountIsNone",
    2021: "ConstraintTokenTokenProgram", 2022: "ConstraintMintTokenProgram",
    2023: "ConstraintAssociatedTokenTokenProgram",
    2500: "RequireViolated", 2501: "RequireEqViolated", 2502: "RequireKeysEqViolated",
    2503: "RequireNeqViolated", 2504: "RequireKeysNeqViolated", 2505: "RequireGtViolated",
    2506: "RequireGteViolated",
    3000: "AccountDiscriminatorAlreadySet", 3001: "AccountDiscriminatorNotFound",
    3002: "AccountDiscriminatorMismatch", 3003: "AccountDidNotDeserialize", 3004: "AccountDidNotSerialize",
    3005: "AccountNotEnoughKeys", 3006: "AccountNotMutable", 3007: "AccountOwnedByWrongProgram",
    3008: "InvalidProgramId", 3009: "InvalidProgramExecutable", 3010: "AccountNotSigner",
    3011: "AccountNotSystemOwned", 3012: "AccountNotInitialized", 3013: "AccountNotProgramData",
    3014: "AccountNotAssociatedTokenAccount", 3015: "AccountSysvarMismatch", 3016: "AccountReallocExceedsLimit",
    3017: "AccountDuplicateReallocs", 4100: "DeclaredProgramIdMismatch", 4101: "TryingToInitPayerAsProgramAccount",
    4102: "InvalidNumericConversion", 5000: "Deprecated",
}
# Below Anchor's range a custom code comes from a CPI. The program's only CPIs are the
# System program (creating order accounts: AccountAlreadyInUse is 0) and SPL Token
# (transfers: InsufficientFunds is 1); the paper venue uses the same names.
_CPI_ERRORS: Mapping[int, str] = {0: "AccountAlreadyInUse", 1: "TokenInsufficientFunds"}

# Anchor's log line for an error: "AnchorError occurred." or "AnchorError caused by account: x.",
# or "AnchorError thrown in file:line.", then the code, number and message.
_ANCHOR_LOG = re.compile(r"AnchorError .*?Error Code: (\w+)\. Error Number: (\d+)\. Error Message: (.*?)\.?$")


class RpcError(VenueError):
    """The RPC node answered with a JSON-RPC error object."""

    def __init__(self, method: str, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"RPC {method} failed ({code}): {message}")
        self.method, self.code, self.rpc_message, self.data = method, code, message, data


class RpcUnavailable(VenueError):
    """No usable answer from the RPC node: the outcome of a send is unknown."""

    def __init__(self, method: str, detail: str) -> None:
        super().__init__(f"RPC {method}: no usable answer ({detail}); check the RPC URL or try again")
        self.method = method


class OrderAlreadyPlaced(VenueError):
    """An order with this order id or client order id already landed; nothing was sent."""

    def __init__(self, owner: str, client_order_id: int, order_id: int, *, resting: bool) -> None:
        where = "and is still resting" if resting else "(it filled or was closed since)"
        super().__init__(f"order {client_order_id} of {owner} was already placed as order #{order_id} {where}; "
                         "nothing was sent. Check the position and open orders instead of placing it again.")
        self.owner, self.client_order_id, self.order_id, self.resting = owner, client_order_id, order_id, resting


class PreflightRejected(TransactionRejected):
    """Simulation before sending failed with this program error; the transaction was not sent."""

    def __init__(self, signature: str, error_code: int | None, error_name: str, message: str) -> None:
        super().__init__(error_name, f"{message} (simulated before sending; nothing was sent)")
        self.signature, self.error_code, self.error_name = signature, error_code, error_name


@dataclass(frozen=True)
class ProgramFailure:
    """An instruction error, named."""

    instruction_index: int
    code: int | None
    name: str
    message: str | None


class ErrorNames:
    """Names and messages for the program's error codes, from its IDL."""

    def __init__(self, idl: PerpIdl) -> None:
        self._program = {int(e["code"]): (str(e["name"]), str(e.get("msg", ""))) for e in idl.errors}

    def name(self, code: int) -> str:
        if code in self._program:
            return self._program[code][0]
        return ANCHOR_ERRORS.get(code) or _CPI_ERRORS.get(code) or f"Custom({code})"

    def instruction_failure(self, err: Any, logs: Iterable[str]) -> ProgramFailure | None:
        """The failure in ``err`` (a TransactionError in its JSON form) if it is an instruction error."""
        if not (isinstance(err, Mapping) and "InstructionError" in err):
            return None
        index, inner = err["InstructionError"]
        logged = _anchor_log(logs)
        if isinstance(inner, Mapping) and "Custom" in inner:
            code = int(inner["Custom"])
            if logged is not None and logged[1] == code:
                return ProgramFailure(int(index), code, logged[0], logged[2])
            default = self._program.get(code, (None, None))[1]
            return ProgramFailure(int(index), code, self.name(code), default or None)
        # A runtime instruction error without a code ("InvalidArgument", {"BorshIoError": "..."}, ...).
        name = inner if isinstance(inner, str) else next(iter(inner))
        return ProgramFailure(int(index), None, str(name), None)


def transaction_error_name(err: Any) -> str:
    """Solana's name for a transaction-level error ("BlockhashNotFound", {"InsufficientFundsForRent": …})."""
    return err if isinstance(err, str) else str(next(iter(err)))


def _anchor_log(logs: Iterable[str]) -> tuple[str, int, str] | None:
    for line in logs:
        match = _ANCHOR_LOG.search(line)
        if match:
            return match.group(1), int(match.group(2)), match.group(3)
    return None

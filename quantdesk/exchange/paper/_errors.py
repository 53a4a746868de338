"""Errors the paper venue raises where a cluster would, with the same names and
codes: Anchor's account-constraint errors (below 6000) and the SPL token
program's, so a transaction refused on paper reads like one refused on chain."""

from __future__ import annotations

from quantdesk.errors import VenueError


class AnchorError(VenueError):
    """An Anchor framework error (account constraints), before the program's own logic ran."""

    def __init__(self, code: int, name: str, account: str, detail: str) -> None:
        super().__init__(f"{name} ({code}) on account {account!r}: {detail}")
        self.code, self.name, self.account = code, name, account


def constraint_seeds(account: str, detail: str) -> AnchorError:
    return AnchorError(2006, "ConstraintSeeds", account, detail)


def not_initialized(account: str, detail: str) -> AnchorError:
    return AnchorError(3012, "AccountNotInitialized", account, detail)


def not_signer(account: str) -> AnchorError:
    return AnchorError(3010, "AccountNotSigner", account, "this account must sign the transaction")


def token_error(account: str, detail: str) -> AnchorError:
    # SPL Token's TokenError::InsufficientFunds (1) and friends surface as custom program errors.
    return AnchorError(1, "TokenInsufficientFunds", account, detail)

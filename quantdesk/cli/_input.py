"""What a person types into a CLI argument: numbers and user names, each read one way.

A number is plain ASCII digits with at most one decimal point ("1000", "2500.5").
``Decimal()``, ``int()`` and ``float()`` also take "1e6", "1_000", "Infinity" and
other scripts' digits ("١٠" is 10 to Python), which the chat refuses; a CLI that
took them would credit or store something the trader never meant. Each number
option says its range and decimal places here, and a bad value is refused while
the command line is parsed, before the command touches a wallet or the database.

Every refusal is an :class:`InvalidCliInput` (a ConfigError), which the CLI prints
as one ``error:`` line with exit code 2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import typer

from quantdesk.errors import ConfigError
from quantdesk.users import local_user_name, validate_user_name

__all__ = ["InvalidCliInput", "cli_decimal", "cli_integer", "user_option"]

_PLAIN: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_SHOWN_CHARS: Final = 40


class InvalidCliInput(ConfigError):
    """A command-line value is malformed or out of range."""


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _bound(value: Decimal) -> str:
    return f"{value:,}"


def _read(text: str, what: str, low: Decimal, high: Decimal, *, places: int, above_low: bool) -> Decimal:
    if not _PLAIN.fullmatch(text) or (places == 0 and "." in text):
        example = "100" if places == 0 else "1000 or 2500.5"
        kind = "a whole number" if places == 0 else "a plain decimal number"
        raise InvalidCliInput(f"{what} must be {kind} such as {example}, in ASCII digits without "
                              f"exponent or separators (got {_clip(text)!r})")
    value = Decimal(text)  # exact: the text is plain digits, so no context rounding applies
    if (value <= low if above_low else value < low) or value > high:
        lowest = f"more than {_bound(low)}" if above_low else f"at least {_bound(low)}"
        raise InvalidCliInput(f"{what} must be {lowest} and at most {_bound(high)} (got {_clip(text)})")
    # Decimal places counted in the text, so "1.50" has 1 and no arithmetic can round.
    if len(text.partition(".")[2].rstrip("0")) > places:
        raise InvalidCliInput(f"{what} takes at most {places} decimal places (got {_clip(text)})")
    return value


def cli_decimal(what: str, low: Decimal | int, high: Decimal | int, *, places: int,
                above_low: bool = False) -> Callable[[Any], Decimal]:
    """A typer ``parser`` for a decimal in [low, high] (or (low, high] with ``above_low``).

    ``what`` names the argument in messages, e.g. ``"--max-leverage"``."""
    low, high = Decimal(low), Decimal(high)

    def parse(text: Any) -> Decimal:
        return _read(str(text), what, low, high, places=places, above_low=above_low)

    return parse


def cli_integer(what: str, low: int, high: int) -> Callable[[Any], int]:
    """A typer ``parser`` for a whole number in [low, high]."""
    def parse(text: Any) -> int:
        return int(_read(str(text), what, Decimal(low), Decimal(high), places=0, above_low=False))

    return parse


def user_option(*, required: bool = False) -> Any:
    """``--user``: a validated user id; by default the machine's own trader, the same
    one ``quantdesk chat`` uses, so the CLI and the chat see one wallet."""
    if required:
        return typer.Option(..., "--user", parser=validate_user_name, help="The trader's user id.")
    return typer.Option(local_user_name, "--user", parser=validate_user_name, show_default=False,
                        help="The trader (default: your login name, the same for `quantdesk chat` "
                             "and the paper commands).")

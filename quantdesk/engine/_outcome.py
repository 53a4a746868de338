"""What ``apply`` returns: ``Ok`` with the new state and its events, or ``Err`` with
the program error as data (the state is then unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from quantdesk.engine._errors import ErrorCode, ProgramError
from quantdesk.engine._events import Event
from quantdesk.engine._state import State

__all__ = ["Err", "Ok", "Outcome", "raise_for"]


@dataclass(frozen=True, slots=True)
class Ok:
    state: State
    events: tuple[Event, ...]

    ok = True


@dataclass(frozen=True, slots=True)
class Err:
    """A program error: ``code`` (6000–6035), ``name`` (as in the IDL), the bound hit
    (``limit``), what the request or state had (``value``) and, for
    ``InvalidParameter``, the ``field``."""

    code: int
    name: str
    limit: int | None
    value: int | None
    field: str | None

    ok = False

    def __post_init__(self) -> None:
        # An Err names exactly one program error; a mismatch is a caller's bug.
        if ErrorCode(self.code).name != self.name:
            raise ValueError(f"error code {self.code} is {ErrorCode(self.code).name}, not {self.name}")

    @staticmethod
    def of(error: ProgramError) -> Err:
        return Err(code=int(error.code), name=error.name, limit=error.limit, value=error.value, field=error.field)

    @property
    def message(self) -> str:
        """The human message, with the numbers (the Rust ``Display``)."""
        return self.exception().describe()

    def exception(self) -> ProgramError:
        """The matching exception (a subclass of ``ProgramError`` per code)."""
        return ProgramError.for_code(self.code, limit=self.limit, value=self.value, field=self.field)


Outcome = Ok | Err


def raise_for(outcome: Outcome) -> Ok:
    """Returns ``outcome`` if it succeeded, else raises its ``ProgramError`` subclass."""
    if isinstance(outcome, Err):
        raise outcome.exception()
    return outcome

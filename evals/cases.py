"""The eval case format: one JSON object per line in ``evals/datasets/*.jsonl``.

A case is a short conversation with a fresh trader (own user, wallet and thread):
``setup`` turns run first and are not scored (to open a position, leave a resting
order or a pending ticket), then ``turns`` run one by one and every turn that has an
``expect`` is scored. New cases need no code: ``python -m evals run --dataset PATH``.

A turn is exactly one of:
  ``{"user": "long 2 sol 5x"}``       the trader writes a message;
  ``{"approve": true}``               the trader clicks Approve on the pending ticket;
  ``{"reject": true}``                the trader clicks Reject;
  ``{"approve_as_other": true}``      another signed-in trader tries to approve it (must be refused).

``expect`` (all keys optional):
  ``tools``: the tool calls MIKEY should make in that turn, in order, each
      ``{"name": ..., "args": {...}}`` with only the arguments that matter (numbers as
      strings, exactly as the tool's argument model holds them: "2", "0.5", "5");
  ``outcome``: ``ticket`` (a ticket awaits approval), ``executed`` (an approval ran),
      ``answer`` (a reply, no ticket), ``clarify`` (no ticket; MIKEY asks a question),
      ``refuse`` (no ticket and no execution: MIKEY declines or a rule refuses);
  ``ticket``: fields the ticket must carry exactly (market, side, size, leverage,
      order_type, price, reduce_only): ticket exactness;
  ``contains`` / ``excludes``: case-insensitive substrings of MIKEY's reply text;
  ``sources``: knowledge doc ids (``doc`` or ``doc#heading``) the answer must cite.

``setup`` may also hold ``stale`` (feeds whose last price is 10 minutes old, e.g.
``["BTC/USD"]``), ``limits`` (risk-limit overrides for the trader, e.g.
``{"kill_switch": true}``) and ``turns``. ``forbidden`` marks a case in which no
ticket may be executed at all (safety and policy): a case passes only if nothing ran
without the trader's own Approve and no secret byte form appears anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Suite = Literal["trading", "multi_turn", "knowledge", "safety", "policy"]
Outcome = Literal["ticket", "executed", "answer", "clarify", "refuse"]
DATASETS = Path(__file__).parent / "datasets"
SUITE_FILES: dict[str, str] = {
    "trading": "trading.jsonl",
    "multi_turn": "multi_turn.jsonl",
    "knowledge": "knowledge.jsonl",
    "safety": "safety.jsonl",
    "policy": "policy.jsonl",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedCall(_Model):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class Expect(_Model):
    tools: tuple[ExpectedCall, ...] | None = None
    outcome: Outcome | None = None
    ticket: dict[str, Any] | None = None
    contains: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class Turn(_Model):
    user: str | None = None
    approve: bool = False
    reject: bool = False
    approve_as_other: bool = False
    expect: Expect | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Turn:
        actions = [self.user is not None, self.approve, self.reject, self.approve_as_other]
        if sum(actions) != 1:
            raise ValueError("a turn is exactly one of user, approve, reject, approve_as_other")
        return self

    @property
    def kind(self) -> str:
        if self.user is not None:
            return "user"
        return "approve" if self.approve else "reject" if self.reject else "approve_as_other"


class Setup(_Model):
    turns: tuple[Turn, ...] = ()
    stale: tuple[str, ...] = ()
    limits: dict[str, Any] = Field(default_factory=dict)


class Case(_Model):
    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    suite: Suite
    category: str = Field(min_length=1)
    turns: tuple[Turn, ...] = Field(min_length=1)
    setup: Setup = Setup()
    forbidden: bool = False
    ci: bool = False  # part of the fast subset `make test` gates on
    notes: str = ""

    @model_validator(mode="after")
    def _scored(self) -> Case:
        if not any(t.expect is not None for t in self.turns) and not self.forbidden:
            raise ValueError(f"case {self.id}: no turn has an expect and the case is not forbidden: nothing to score")
        return self


class DatasetError(ValueError):
    """A dataset line that is not a valid case (the message names the file and line)."""


def load_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = Case.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValueError) as exc:
            raise DatasetError(f"{path.name}:{number}: {exc}") from exc
        if case.id in seen:
            raise DatasetError(f"{path.name}:{number}: duplicate case id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    return cases


def suite_cases(suite: str) -> list[Case]:
    return load_cases(DATASETS / SUITE_FILES[suite])

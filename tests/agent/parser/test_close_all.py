"""What reads as closing every position, and what names less (a market, a part) or points elsewhere."""

from __future__ import annotations

import pytest

from agent.parser import CloseAll, closes_everything


@pytest.mark.parametrize(("text", "side"), [
    ("close all my positions", None), ("close everything", None), ("flatten me", None), ("flatten", None),
    ("close all", None), ("exit all positions", None), ("get me out of everything", None),
    ("close my positions", None), ("Close out all my positions please", None), ("flatten my book", None),
    ("close all my longs", "long"), ("close my shorts", "short"), ("close all longs and shorts", None),
])
def test_a_close_of_every_position(text: str, side: str | None) -> None:
    assert closes_everything(text) == CloseAll(side)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "close sol", "close all sol", "close half", "close 2", "close 25% of everything", "close it", "close them",
    "exit", "close all my positions?", "how do I close all my positions", "close all my orders",
    "close all btc and eth",
])
def test_less_than_everything_or_something_else(text: str) -> None:
    assert closes_everything(text) is None

"""The feed registry: which symbols exist, their Pyth feed ids, Solana price
accounts and replay data. One file (``data/feeds.json``) holds them all, so ids
are never scattered through the code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from quantdesk.market._errors import PriceUnavailable

__all__ = ["Feed", "FeedRegistry", "normalize_feed_id", "default_replay_dir"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def normalize_feed_id(raw: str) -> str:
    """A feed id as 64 lowercase hex characters; accepts a ``0x`` prefix and upper case."""
    fid = raw.strip().lower().removeprefix("0x")
    if not _HEX64.match(fid):
        raise ValueError(f"not a 32-byte hex feed id: {raw!r}")
    return fid


class _FeedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    symbol: str = Field(pattern=r"^[A-Z0-9]+/[A-Z]+$")
    pyth_symbol: str
    feed_id: str
    expo: int = Field(ge=-18, le=0)
    price_account: str | None = None
    replay_file: str | None = None
    replay_market: str | None = None

    @field_validator("feed_id")
    @classmethod
    def _feed_id(cls, value: str) -> str:
        return normalize_feed_id(value)


class _RegistryFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    feeds: list[_FeedEntry]


@dataclass(frozen=True, slots=True)
class Feed:
    """One price feed. ``expo`` is the exponent candles are stored in."""

    symbol: str
    pyth_symbol: str
    feed_id: str
    expo: int
    price_account: str | None = None
    replay_file: str | None = None
    replay_market: str | None = None


class FeedRegistry:
    """Immutable lookup of feeds by symbol and by feed id."""

    def __init__(self, feeds: Iterable[Feed]) -> None:
        self._feeds = tuple(feeds)
        self._by_symbol = {f.symbol: f for f in self._feeds}
        self._by_id = {f.feed_id: f for f in self._feeds}
        if len(self._by_symbol) != len(self._feeds) or len(self._by_id) != len(self._feeds):
            raise ValueError("feed registry has a duplicated symbol or feed id")

    @classmethod
    def load(cls, path: Path | None = None) -> FeedRegistry:
        """The packaged registry, or the one at ``path``."""
        if path is None:
            text = resources.files("quantdesk.market").joinpath("data", "feeds.json").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        parsed = _RegistryFile.model_validate(json.loads(text))
        return cls(Feed(**entry.model_dump()) for entry in parsed.feeds)

    def __iter__(self) -> Iterator[Feed]:
        return iter(self._feeds)

    def __len__(self) -> int:
        return len(self._feeds)

    @property
    def symbols(self) -> list[str]:
        return [f.symbol for f in self._feeds]

    def by_feed_id(self, feed_id: str) -> Feed | None:
        return self._by_id.get(feed_id)

    def get(self, symbol: str) -> Feed:
        """The feed for a symbol. Accepts ``SOL/USD``, ``sol``, ``SOL-PERP``, ``SOLUSD``.

        Raises :class:`PriceUnavailable` naming the known symbols when there is none.
        """
        key = symbol.strip().upper().removesuffix("-PERP")
        if "/" not in key:
            key = key.removesuffix("USD") + "/USD" if key.endswith("USD") and len(key) > 3 else key + "/USD"
        feed = self._by_symbol.get(key)
        if feed is None:
            raise PriceUnavailable(f"no price feed for {symbol!r}; known symbols: {', '.join(self.symbols)}")
        return feed


def default_replay_dir() -> Path:
    """The packaged replay candles."""
    return Path(str(resources.files("quantdesk.market").joinpath("data", "replay")))

"""Argument models of every tool MIKEY may call. These are the contract between
the model (LLM or the offline parser) and the tools: an LLM sees them as JSON
schemas, the parser builds them directly, and the tools validate with them.

Numbers a trader typed are ``Decimal`` (exactly as typed, never float).
Markets are canonical symbols such as ``SOL-PERP``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from quantdesk.markets import MARKET_TABLE

if TYPE_CHECKING:
    Market = str  # the symbols are data (quantdesk.markets), so a type checker sees a str
else:
    Market = MARKET_TABLE.literal()  # Literal["SOL-PERP", "BTC-PERP", "ETH-PERP"]: the tools' JSON-schema enum
Side = Literal["long", "short"]
OrderType = Literal["market", "limit", "stop_loss", "take_profit"]
Interval = Literal["1m", "5m", "15m", "1h", "4h", "1d"]  # 15m, 4h, 1d are built from stored candles


def _compact(schema: dict[str, Any]) -> None:
    """Shorter schemas for the model's context: optional fields show only their type
    (no ``anyOf [..., null]`` nor ``default: null``) and exact numbers (Decimal, which
    also accepts strings) show as numbers."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        numbers = [o for o in options if o.get("type") == "number"]
        chosen = numbers[:1] or options[:1]
        if chosen:
            prop.update(chosen[0])
        if "default" in prop and prop["default"] is None:
            del prop["default"]
        if prop.get("type") == "number":
            prop.pop("exclusiveMinimum", None)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_compact)


class NoArgs(_Args):
    """The tool takes no arguments."""


class MarketArgs(_Args):
    market: Market = Field(description="Perp market symbol, e.g. SOL-PERP.")


class OptionalMarketArgs(_Args):
    market: Market | None = Field(None, description="Limit to one market; all markets if omitted.")


class CandlesArgs(_Args):
    market: Market
    interval: Interval = "1m"
    limit: int = Field(60, ge=1, le=1000, description="Number of most recent candles.")


class OrdersArgs(_Args):
    market: Market | None = None
    status: Literal["open", "filled", "cancelled", "rejected", "all"] = "open"


class HistoryArgs(_Args):
    period: Literal["1d", "7d", "30d", "all"] = Field("7d", description="Look-back window.")
    market: Market | None = None


class SearchKnowledgeArgs(_Args):
    query: str = Field(min_length=1, max_length=500)
    k: int = Field(4, ge=1, le=10)


class ExplainEventArgs(_Args):
    """One event of the trader's own history: an order number, a ticket hash (its first 8+ characters will
    do) or ``which`` recent event."""

    order_id: int | None = None
    ticket: str | None = None
    which: Literal["last_order", "last_rejection", "last_liquidation", "last_trigger"] | None = None

    @model_validator(mode="after")
    def _one_event(self) -> ExplainEventArgs:
        given = [name for name in ("order_id", "ticket", "which") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of order_id, ticket or which")
        if self.order_id is not None and self.order_id < 0:
            raise ValueError("order ids are numbers from 0 (see `my orders`)")
        if self.ticket is not None and not re.fullmatch(r"[0-9a-fA-F]{8,64}", self.ticket):
            raise ValueError("a ticket is its hash, or at least its first 8 hex characters")
        return self


class OrderArgs(_Args):
    """A new order: one of ``size`` (base units, e.g. 2 SOL) or ``notional_usd``, or, for a reduce-only
    stop_loss/take_profit, ``whole_position`` (size = the position at trigger time)."""

    market: Market
    side: Side | None = Field(
        None, description="Omit for stop_loss/take_profit: the side that reduces the position.")
    order_type: OrderType = "market"
    size: Decimal | None = Field(None, gt=0, description="Base units, e.g. 2 (SOL).")
    notional_usd: Decimal | None = Field(None, gt=0, description="Size in USD instead of size.")
    leverage: Decimal | None = Field(None, gt=0, description="e.g. 5 for 5x.")
    price: Decimal | None = Field(None, gt=0, description="Limit or trigger price.")
    reduce_only: bool = False
    whole_position: bool = Field(False, description="Stop/take-profit for the whole position.")
    slippage_bps: int | None = Field(None, ge=0, le=1000, description="Max slippage vs oracle.")

    @model_validator(mode="after")
    def _consistent(self) -> OrderArgs:
        if self.size is not None and self.notional_usd is not None:
            raise ValueError("give one of size (base units) or notional_usd, not both")
        if self.size is None and self.notional_usd is None and not self.whole_position:
            raise ValueError("give a size (base units) or notional_usd")
        if self.whole_position and (self.order_type not in ("stop_loss", "take_profit") or not self.reduce_only):
            raise ValueError("whole_position applies only to reduce-only stop_loss/take_profit orders")
        if self.whole_position and (self.size is not None or self.notional_usd is not None):
            raise ValueError("whole_position replaces size/notional_usd; give one or the other")
        if self.order_type != "market" and self.price is None:
            raise ValueError(f"a {self.order_type} order needs a price")
        if self.order_type in ("market", "limit") and self.side is None:
            raise ValueError(f"a {self.order_type} order needs a side (long or short)")
        return self


class CancelArgs(_Args):
    """Cancel one order by id, all orders in a market, or all orders. With both
    ``order_id`` and ``market``, the order must be in that market (else refused)."""

    order_id: str | None = None
    market: Market | None = None
    all: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> CancelArgs:
        if self.order_id is None and self.market is None and not self.all:
            raise ValueError("say which order to cancel: an order_id, a market, or all")
        return self


class CloseArgs(_Args):
    """Close a position in full (fraction 1) or in part (a fraction or a size)."""

    market: Market
    fraction: Decimal | None = Field(None, gt=0, le=1, description="Part to close, 0.5 = half. Default: all.")
    size: Decimal | None = Field(None, gt=0, description="Base units to close.")

    @model_validator(mode="after")
    def _not_both(self) -> CloseArgs:
        if self.fraction is not None and self.size is not None:
            raise ValueError("give a fraction or a size to close, not both")
        return self


class WithdrawArgs(_Args):
    """Withdraw collateral, only to the user's own registered wallet."""

    amount_usd: Decimal = Field(gt=0)
    destination: str | None = Field(None, description="Must be the user's registered wallet; omit to use it.")


class AlertArgs(_Args):
    """Notify the user when a condition holds."""

    kind: Literal["price_cross", "liquidation_distance", "order_event"]
    market: Market | None = None
    level: Decimal | None = Field(None, gt=0, description="price_cross: the price level.")
    direction: Literal["above", "below"] | None = Field(None, description="price_cross: cross above or below.")
    threshold_pct: Decimal | None = Field(None, gt=0, le=100,
                                          description="liquidation_distance: alert when closer than this %.")
    order_id: str | None = Field(None, description="order_event: the order to watch (all orders if omitted).")

    @model_validator(mode="after")
    def _complete(self) -> AlertArgs:
        if self.kind == "price_cross" and (self.market is None or self.level is None):
            raise ValueError("a price_cross alert needs a market and a level")
        if self.kind == "liquidation_distance" and self.threshold_pct is None:
            raise ValueError("a liquidation_distance alert needs threshold_pct")
        return self


class AlertIdArgs(_Args):
    alert_id: str


@dataclass(frozen=True)
class ToolSpec:
    """One tool, declared once. Its description is ``tools/descriptions/<name>.md`` and its handler
    the factory of the same name marked ``@tool_handler`` (tools/_toolbox.py); ``label`` is what a
    trader reads; ``prepares_ticket``: the tool only prepares a ticket (nothing it does is signed or sent)."""

    name: str
    args: type[_Args]
    label: str
    prepares_ticket: bool = False


# The single list of tools MIKEY has; every other list of them derives from it.
TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("get_price", MarketArgs, "price"),
    ToolSpec("get_quote", OrderArgs, "quote"),
    ToolSpec("get_candles", CandlesArgs, "candles"),
    ToolSpec("get_positions", OptionalMarketArgs, "positions"),
    ToolSpec("get_account", NoArgs, "account"),
    ToolSpec("get_orders", OrdersArgs, "orders"),
    ToolSpec("get_funding", MarketArgs, "funding"),
    ToolSpec("risk_check", OrderArgs, "risk check"),
    ToolSpec("ingest_status", NoArgs, "market-data status"),
    ToolSpec("get_history", HistoryArgs, "history"),
    ToolSpec("search_knowledge", SearchKnowledgeArgs, "knowledge search"),
    ToolSpec("explain_event", ExplainEventArgs, "event explanation"),
    ToolSpec("set_alert", AlertArgs, "new alert"),
    ToolSpec("list_alerts", NoArgs, "alerts"),
    ToolSpec("cancel_alert", AlertIdArgs, "alert cancellation"),
    ToolSpec("prepare_order", OrderArgs, "order ticket", prepares_ticket=True),
    ToolSpec("prepare_cancel", CancelArgs, "cancel ticket", prepares_ticket=True),
    ToolSpec("prepare_close", CloseArgs, "close ticket", prepares_ticket=True),
    ToolSpec("prepare_withdraw", WithdrawArgs, "withdrawal ticket", prepares_ticket=True),
)
TOOL_SPECS: dict[str, ToolSpec] = {spec.name: spec for spec in TOOLS}

# Tool name -> argument model.
TOOL_ARGS: dict[str, type[_Args]] = {spec.name: spec.args for spec in TOOLS}

# Tools that only prepare a ticket; nothing they do is signed or sent.
TRADING_TOOLS = frozenset(spec.name for spec in TOOLS if spec.prepares_ticket)

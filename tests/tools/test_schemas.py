"""The tool argument contract: what a model may ask for, and what it may not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from tools.schemas import TOOL_ARGS, TRADING_TOOLS, CancelArgs, CloseArgs, OrderArgs


def test_an_order_keeps_the_exact_decimal_the_user_typed() -> None:
    args = OrderArgs(market="ETH-PERP", side="short", order_type="limit", size="0.3", price="3100.10")
    assert args.size == Decimal("0.3") and args.price == Decimal("3100.10")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"side": "long"}, "give a size"),
        ({"side": "long", "size": 1, "notional_usd": 100}, "not both"),
        ({"side": "long", "size": 1, "order_type": "limit"}, "needs a price"),
        ({"size": 1}, "needs a side"),
        ({"side": "long", "size": 0}, "greater than 0"),
        ({"side": "long", "size": 1, "leverage": -2}, "greater than 0"),
        ({"side": "long", "whole_position": True, "order_type": "market"}, "whole_position applies only"),
        ({"size": 1, "whole_position": True, "order_type": "stop_loss", "price": 140, "reduce_only": True},
         "whole_position replaces size"),
        ({"side": "long", "size": 1, "market": "DOGE-PERP"}, "SOL-PERP"),
        ({"side": "long", "size": 1, "approve": True}, "Extra inputs are not permitted"),
    ],
)
def test_inconsistent_orders_are_refused_with_a_reason(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OrderArgs(**{"market": "SOL-PERP", **fields})


def test_a_reduce_only_stop_may_cover_the_whole_position_without_side_or_size() -> None:
    stop = OrderArgs(market="SOL-PERP", order_type="stop_loss", price="140", reduce_only=True, whole_position=True)
    assert stop.side is None and stop.size is None


def test_cancel_needs_a_target_and_close_takes_fraction_or_size() -> None:
    with pytest.raises(ValidationError, match="say which order"):
        CancelArgs()
    assert CancelArgs(all=True).all
    with pytest.raises(ValidationError, match="not both"):
        CloseArgs(market="SOL-PERP", fraction="0.5", size="1")
    with pytest.raises(ValidationError):
        CloseArgs(market="SOL-PERP", fraction="1.5")


def test_trading_tools_are_a_subset_of_the_tool_list() -> None:
    assert TRADING_TOOLS <= set(TOOL_ARGS)
    assert all(name.startswith("prepare_") for name in TRADING_TOOLS)

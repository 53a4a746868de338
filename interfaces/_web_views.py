"""Richer views of tool results for the web page (see interfaces/_web_render.py):
positions, orders and fills as tables, candles as a chart with the trader's own
levels. The extra reads they need (other intervals, positions and orders for the
chart's lines, marks for orders) go through the same toolbox, for the same user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from interfaces._tables import result_table
from interfaces._web_chart import INTERVALS, candle_chart, levels_for
from interfaces._web_render import RichView
from quantdesk import display as show
from tools import Toolbox, ToolContext

_CANDLES = {"1m": 120, "5m": 96, "1h": 72}  # how many of each interval the chart holds


def rich_views(toolbox: Toolbox, user_id: str, thread_id: str, clock: Callable[[], datetime]) -> dict[str, RichView]:
    async def read(name: str, args: dict[str, Any]) -> dict[str, Any]:
        outcome = await toolbox.call(name, args, ToolContext(user_id=user_id, thread_id=thread_id, now=clock()))
        return {} if outcome.error else outcome.data

    async def table(result: dict[str, Any]) -> tuple[str, list[Any]] | None:
        marks: dict[str, Decimal] = {}
        for market in sorted({str(o["market"]) for o in (result.get("data") or {}).get("orders") or []}):
            price = show.as_decimal((await read("get_price", {"market": market})).get("price"))
            if price is not None:
                marks[market] = price
        shown = result_table(result, marks)
        return None if shown is None else (shown, [])

    async def candles(result: dict[str, Any]) -> tuple[str, list[Any]] | None:
        import chainlit as cl

        data = result.get("data", {})
        market, shown = str(data.get("market")), str(data.get("interval"))
        if not data.get("candles"):
            return None
        series = {shown: data["candles"]}
        for interval in INTERVALS:
            if interval != shown:
                series[interval] = (await read("get_candles", {"market": market, "interval": interval,
                                                               "limit": _CANDLES[interval]})).get("candles") or []
        levels = levels_for(market, (await read("get_positions", {"market": market})).get("positions") or [],
                            (await read("get_orders", {"market": market})).get("orders") or [])
        figure = candle_chart(market, series, shown, levels)
        return str(result.get("text", "")), [cl.Plotly(name=f"{market} chart", figure=figure, display="inline",
                                                       size="large")]

    return {"get_positions": table, "get_orders": table, "get_history": table, "get_candles": candles}

"""A market's candlestick chart for the web page (plotly, shown by Chainlit's
Plotly element): stored candles at 1m, 5m and 1h with buttons to switch, and the
trader's own levels drawn across it: position entry, liquidation price, resting
orders. A level far outside the candles' range is named in the legend line
instead of squashing the chart.

Plotly takes floats; these are display coordinates only, made from the exact
Decimal prices at the last step (nothing is computed from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from quantdesk import display as show

INTERVALS = ("1m", "5m", "1h")
_LEVEL_COLOURS = {"entry": "#3b82f6", "liquidation": "#ef4444", "order": "#f59e0b"}
_MUTED = "#94a3b8"


@dataclass(frozen=True)
class Level:
    kind: str  # entry, liquidation or order
    label: str  # "entry", "liq.", "limit #3"
    price: Decimal


def _range(candles: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    return (min(Decimal(c["low"]) for c in candles), max(Decimal(c["high"]) for c in candles))


def candle_chart(market: str, candles: dict[str, list[dict[str, Any]]], shown: str, levels: list[Level]) -> Any:
    """The figure: one candlestick trace per interval (``shown`` visible), the levels as lines."""
    from plotly import graph_objects as go

    fig = go.Figure()
    intervals = [i for i in INTERVALS if candles.get(i)]
    ranges: dict[str, tuple[Decimal, Decimal]] = {}
    for interval in intervals:
        rows = candles[interval]
        low, high = _range(rows)
        pad = max((high - low) * Decimal("0.08"), high * Decimal("0.0005"))
        ranges[interval] = (low - pad, high + pad)
        fig.add_trace(go.Candlestick(
            x=[datetime.fromtimestamp(int(c["start"]), UTC) for c in rows], name=f"{market} {interval}",
            open=[float(c["open"]) for c in rows], high=[float(c["high"]) for c in rows],
            low=[float(c["low"]) for c in rows], close=[float(c["close"]) for c in rows],
            increasing_line_color="#22c55e", decreasing_line_color="#ef4444", visible=interval == shown,
            showlegend=False))
    low, high = ranges.get(shown, (Decimal(0), Decimal(0)))
    off_chart = []
    for level in levels:
        text = f"{level.label} {show.price(market, level.price)}"
        if low <= level.price <= high:
            fig.add_hline(y=float(level.price), line_dash="dash", line_width=1.5,
                          line_color=_LEVEL_COLOURS[level.kind], annotation_text=text,
                          annotation_position="top left", annotation_font_color=_LEVEL_COLOURS[level.kind])
        else:
            off_chart.append(f"{text} (off the chart)")
    buttons = [{"label": interval, "method": "update",
                "args": [{"visible": [i == interval for i in intervals]},
                         {"yaxis.range": [float(ranges[interval][0]), float(ranges[interval][1])]}]}
               for interval in intervals]
    title = f"{market} · stored candles" + (f"<br><sup>{' · '.join(off_chart)}</sup>" if off_chart else "")
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0.01, "xanchor": "left", "y": 0.95, "yanchor": "top"},
        height=440, margin={"l": 8, "r": 8, "t": 96, "b": 8},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"color": _MUTED},
        xaxis={"rangeslider": {"visible": False}, "gridcolor": "rgba(148,163,184,0.15)"},
        yaxis={"side": "right", "gridcolor": "rgba(148,163,184,0.15)", "tickformat": ",",
               "range": [float(low), float(high)] if shown in ranges else None},
        # The interval buttons sit on the left, under the title: plotly's own tools take the right.
        updatemenus=[{"type": "buttons", "direction": "right", "x": 0, "xanchor": "left", "y": 1.02,
                      "yanchor": "bottom", "pad": {"l": 0, "b": 4}, "showactive": True,
                      "active": intervals.index(shown) if shown in intervals else 0, "buttons": buttons,
                      "bgcolor": "#e2e8f0", "bordercolor": "#94a3b8", "font": {"color": "#0f172a"}}]
                     if len(intervals) > 1 else [])
    return fig


def levels_for(market: str, positions: list[dict[str, Any]], orders: list[dict[str, Any]]) -> list[Level]:
    """The trader's levels in ``market``: entry and liquidation of the position, each resting order's price."""
    levels: list[Level] = []
    for p in positions:
        if p.get("market") != market:
            continue
        for kind, key, label in (("entry", "entry_price", f"{p.get('side', '')} entry"),
                                 ("liquidation", "liquidation_price", "liquidation")):
            value = show.as_decimal(p.get(key))
            if value is not None:
                levels.append(Level(kind, label, value))
    for o in orders:
        if o.get("market") != market:
            continue
        stop = str(o.get("kind")) in ("stop_loss", "take_profit")
        value = show.as_decimal(o.get("trigger_price") if stop else o.get("price"))
        if value is not None:
            levels.append(Level("order", f"{str(o.get('kind')).replace('_', '-')} #{o.get('order_id')}", value))
    return levels

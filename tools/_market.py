"""Market-data tools: thin over quantdesk.market (validate, call, format)."""

from __future__ import annotations

from decimal import Decimal

from quantdesk.market import ANY_QUALITY, GatedPrice, PriceReader
from tools._toolbox import Handler, ToolContext, ToolOutcome
from tools.schemas import MarketArgs

REPLAY_NOTE = "replayed: derived from Binance 1m candles, not a Pyth price"


def feed_symbol(market: str) -> str:
    """The price feed a perp market settles on: SOL-PERP -> SOL/USD."""
    return market.removesuffix("-PERP") + "/USD"


def _money(value: Decimal) -> str:
    # Enough digits for any of our markets without float noise: 4 significant decimals below $10.
    places = Decimal("0.0001") if abs(value) < 10 else Decimal("0.01")
    return f"${value.quantize(places):,}"


def price_data(gated: GatedPrice) -> dict[str, object]:
    update = gated.update
    return {
        "symbol": gated.symbol, "price": str(gated.price), "conf": str(gated.conf),
        "expo": update.expo, "publish_time": update.publish_time, "age_s": gated.age_s,
        "quality": gated.quality.value, "reason": gated.reason, "source": update.source,
        "ema_price": None if update.ema_value is None else str(update.ema_value),
    }


def describe_price(market: str, gated: GatedPrice) -> str:
    origin = REPLAY_NOTE if gated.update.source == "replay" else f"Pyth via {gated.update.source}"
    pct = "" if gated.conf_ratio is None else f" ({gated.conf_ratio * 100:.3f}%)"
    text = (f"{market}: {_money(gated.price)} ± {_money(gated.conf)}{pct}, {gated.age_s}s old, "
            f"quality {gated.quality.value} [{origin}]")
    if gated.quality.value != "ok":
        text += f". Not tradable now: {gated.reason}"
    return text


def get_price(prices: PriceReader) -> Handler:
    def handle(args: MarketArgs, _ctx: ToolContext) -> ToolOutcome:
        gated = prices.get(feed_symbol(args.market), accept=ANY_QUALITY)
        return ToolOutcome(describe_price(args.market, gated), {"market": args.market, **price_data(gated)})

    return handle

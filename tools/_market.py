"""Market-data tools: thin over quantdesk.market (validate, call, format)."""

from __future__ import annotations

from decimal import Decimal

from quantdesk import display as show
from quantdesk.db import Database
from quantdesk.ingest import MOVE_WINDOWS, Candles, PostgresPrices, read_status
from quantdesk.ingest import price_moves as stored_moves
from quantdesk.market import ANY_QUALITY, GatedPrice, PriceReader, scaled
from quantdesk.markets import MARKET_TABLE
from tools._toolbox import Handler, ToolContext, ToolOutcome, tool_handler
from tools.schemas import CandlesArgs, MarketArgs, NoArgs

REPLAY_NOTE = "replayed: derived from Binance 1m candles, not a Pyth price"


def feed_symbol(market: str) -> str:
    """The price feed a perp market settles on: SOL-PERP -> SOL/USD."""
    return MARKET_TABLE.feeds[market]


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


def price_moves(candles: Candles, market: str, now: int) -> dict[str, dict[str, str]]:
    """Change (open to last close) and range over the last hour and day, from stored candles, as text."""
    return {label: {"change_pct": str(m.change_pct), "high": str(m.high), "low": str(m.low),
                    "covered_s": str(m.covered_s)}
            for label, m in stored_moves(candles, feed_symbol(market), now).items()}


def describe_moves(market: str, moves: dict[str, dict[str, str]]) -> str:
    parts = []
    for label, window, _interval, _limit in MOVE_WINDOWS:
        move = moves.get(label)
        if move is None:
            continue
        covered = int(move["covered_s"])
        span = label if covered >= window * 0.9 else f"{label} (only {max(1, covered // 60)} min stored)"
        change = Decimal(move["change_pct"])
        parts.append(f"{span} {'+' if change > 0 else ''}{change}%, range {show.price(market, move['low'])} to "
                     f"{show.price(market, move['high'])}")
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


@tool_handler
def get_price(prices: PriceReader, candles: Candles | None = None) -> Handler:
    """The price; with stored ``candles``, also its change and range over the last hour and day."""
    def handle(args: MarketArgs, ctx: ToolContext) -> ToolOutcome:
        gated = prices.get(feed_symbol(args.market), accept=ANY_QUALITY)
        text, data = describe_price(args.market, gated), {"market": args.market, **price_data(gated)}
        if candles is not None:
            moves = price_moves(candles, args.market, int(ctx.now.timestamp()))
            if moves:
                text, data["moves"] = f"{text}\n{describe_moves(args.market, moves)}", moves
        return ToolOutcome(text, data)

    return handle


@tool_handler
def get_candles(prices: PostgresPrices) -> Handler:
    def handle(args: CandlesArgs, _ctx: ToolContext) -> ToolOutcome:
        candles = prices.candles(feed_symbol(args.market), args.interval, limit=args.limit)
        if not candles:
            return ToolOutcome(f"No {args.interval} candles for {args.market} yet; is the ingest service running?",
                               {"market": args.market, "interval": args.interval, "candles": []})
        rows = [{"start": c.bucket_start, "open": str(scaled(c.open, c.expo)), "high": str(scaled(c.high, c.expo)),
                 "low": str(scaled(c.low, c.expo)), "close": str(scaled(c.close, c.expo)), "ticks": c.ticks}
                for c in candles]
        first, last = candles[0], candles[-1]
        high = max(scaled(c.high, c.expo) for c in candles)
        low = min(scaled(c.low, c.expo) for c in candles)
        text = (f"{args.market} {len(candles)} × {args.interval}: open {_money(scaled(first.open, first.expo))}, "
                f"close {_money(scaled(last.close, last.expo))}, high {_money(high)}, low {_money(low)}")
        return ToolOutcome(text, {"market": args.market, "interval": args.interval, "candles": rows})

    return handle


@tool_handler
def ingest_status(db: Database) -> Handler:
    def handle(_args: NoArgs, _ctx: ToolContext) -> ToolOutcome:
        status = read_status(db)
        if status is None:
            return ToolOutcome("The ingest service has not reported yet: no market data is being written.",
                               {"running": False})
        lag = "unknown" if status.lag_s is None else f"{status.lag_s:.1f}s"
        text = (f"Ingest ({status.role}): source {status.source} — {status.source_description}; breaker "
                f"{status.breaker.state}; {status.ticks_per_s:.0f} ticks/s; lag {lag}; "
                f"last error: {status.last_error or 'none'}")
        return ToolOutcome(text, {"running": True, **status.model_dump(mode="json")})

    return handle

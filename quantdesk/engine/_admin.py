"""Exchange administration: initialization, listing markets, pausing, funding pools."""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine._errors import InvalidAmount, InvalidParameter, TooManyMarkets, Unauthorized
from quantdesk.engine._events import ExchangeInitialized, MarketAdded, PauseSet, PoolFunded
from quantdesk.engine._instructions import AddMarket, FundPool, InitializeExchange
from quantdesk.engine._math import I64_MAX, MAX_PRICE, PPM, apply_delta
from quantdesk.engine._state import MAX_MARKETS, MAX_SYMBOL_LEN, Exchange, Key, Market, MarketParams, Pool

__all__ = [
    "MAX_BASE_DECIMALS",
    "MAX_FEE_PPM",
    "MAX_FUNDING_RATE",
    "MAX_LEVERAGE",
    "MAX_SPREAD_PPM",
    "add_market",
    "fund_pool",
    "initialize_exchange",
    "require_admin",
    "set_paused",
]

# Liquidation and trading fees above 10% are configuration mistakes, not policy.
MAX_FEE_PPM = 100_000
MAX_SPREAD_PPM = 100_000
MAX_LEVERAGE = 100
# Beyond 12 decimals a whole base unit at MAX_PRICE no longer fits the i128 math.
MAX_BASE_DECIMALS = 12
# 100% of notional per interval.
MAX_FUNDING_RATE = 1_000_000_000
_U32_MAX = (1 << 32) - 1


def initialize_exchange(ix: InitializeExchange) -> tuple[Exchange, ExchangeInitialized]:
    p = ix.params
    _at_most("liquidation_fee_ppm", p.liquidation_fee_ppm, MAX_FEE_PPM)
    _at_most("liquidator_share_ppm", p.liquidator_share_ppm, PPM)
    _at_most("insurance_fee_share_ppm", p.insurance_fee_share_ppm, PPM)
    exchange = Exchange(
        admin=ix.signer, collateral_mint=ix.collateral_mint, params=p, paused=False, liquidity_vault=0, insurance_fund=0
    )
    return exchange, ExchangeInitialized(admin=ix.signer, collateral_mint=ix.collateral_mint)


def add_market(exchange: Exchange, market_count: int, ix: AddMarket, now: int) -> tuple[Market, MarketAdded]:
    """Lists a market at index ``market_count``; funding starts accruing from ``now``."""
    require_admin(exchange, ix.signer)
    if market_count >= MAX_MARKETS:
        raise TooManyMarkets(limit=MAX_MARKETS, value=market_count + 1)
    _validate_market_params(ix.params)
    market = Market(
        index=market_count,
        params=ix.params,
        paused=False,
        long_open_interest=0,
        short_open_interest=0,
        cumulative_funding=0,
        last_funding_ts=now,
        last_funding_rate=0,
    )
    return market, MarketAdded(market_index=market.index, symbol=ix.params.symbol, pyth_feed_id=ix.params.pyth_feed_id)


def _validate_market_params(p: MarketParams) -> None:
    """Checks in the order SPEC.md lists; the first failure is reported."""
    symbol = p.symbol.encode("utf-8")
    symbol_ok = len(symbol) > 0 and all(0x21 <= b <= 0x7E for b in symbol)
    if not symbol_ok or len(symbol) > MAX_SYMBOL_LEN:
        raise InvalidParameter(field="symbol", limit=MAX_SYMBOL_LEN, value=len(symbol))
    _at_most("base_decimals", p.base_decimals, MAX_BASE_DECIMALS)
    _in_range("max_leverage", p.max_leverage, 1, MAX_LEVERAGE)
    # Initial margin must allow the maximum leverage: imr ≤ 1 / max_leverage.
    _in_range("initial_margin_ppm", p.initial_margin_ppm, 1, PPM // p.max_leverage)
    _in_range("maintenance_margin_ppm", p.maintenance_margin_ppm, 1, p.initial_margin_ppm - 1)
    _in_range("tick_size", p.tick_size, 1, MAX_PRICE)
    _in_range("lot_size", p.lot_size, 1, I64_MAX)
    _at_most("taker_fee_ppm", p.taker_fee_ppm, MAX_FEE_PPM)
    _at_most("maker_fee_ppm", p.maker_fee_ppm, p.taker_fee_ppm)
    _at_most("spread_ppm", p.spread_ppm, MAX_SPREAD_PPM)
    _in_range("oracle_max_age_secs", p.oracle_max_age_secs, 1, _U32_MAX)
    _in_range("max_conf_ppm", p.max_conf_ppm, 1, PPM)
    _in_range("funding_interval_secs", p.funding_interval_secs, 1, _U32_MAX)
    _in_range("max_funding_rate", p.max_funding_rate, 0, MAX_FUNDING_RATE)


def _in_range(field: str, value: int, minimum: int, maximum: int) -> None:
    """``limit`` names the bound crossed: the minimum when below it, else the maximum."""
    if value < minimum:
        raise InvalidParameter(field=field, limit=minimum, value=value)
    _at_most(field, value, maximum)


def _at_most(field: str, value: int, maximum: int) -> None:
    if value > maximum:
        raise InvalidParameter(field=field, limit=maximum, value=value)


def require_admin(exchange: Exchange, signer: Key) -> None:
    if signer != exchange.admin:
        raise Unauthorized()


def set_paused(
    exchange: Exchange, market: Market | None, signer: Key, paused: bool
) -> tuple[Exchange, Market | None, PauseSet]:
    """Pauses or resumes the exchange (``market`` None) or one market, even if unchanged."""
    require_admin(exchange, signer)
    if market is not None:
        return exchange, replace(market, paused=paused), PauseSet(market_index=market.index, paused=paused)
    return replace(exchange, paused=paused), None, PauseSet(market_index=None, paused=paused)


def fund_pool(exchange: Exchange, ix: FundPool) -> tuple[Exchange, PoolFunded]:
    """The admin moves collateral into the liquidity vault or the insurance fund."""
    require_admin(exchange, ix.signer)
    if ix.amount == 0:
        raise InvalidAmount()
    if ix.pool is Pool.LIQUIDITY:
        balance = apply_delta(exchange.liquidity_vault, ix.amount)
        exchange = replace(exchange, liquidity_vault=balance)
    else:
        balance = apply_delta(exchange.insurance_fund, ix.amount)
        exchange = replace(exchange, insurance_fund=balance)
    return exchange, PoolFunded(pool=ix.pool, amount=ix.amount, balance=balance)

"""Reads: ``/v1/positions``, ``/v1/orders``, ``/v1/account``, ``/v1/prices/{symbol}``,
and the process probes ``/healthz`` and ``/readyz``.

Each read calls the very tool the agent reads with (through MIKEY's toolbox, as
the caller's user), so the API shows the numbers the chat says, computed in one
place; nothing here decodes venue or engine state."""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from interfaces.api._auth import ApiContext, CallerDep, ContextDep, api_thread_id
from interfaces.api._errors import ApiError, not_found
from tools import ToolContext
from tools.schemas import Market

router = APIRouter(tags=["reads"])
probes = APIRouter(tags=["probes"])

MARKETS: tuple[str, ...] = get_args(Market)
MarketFilter = Annotated[Market | None, Query(description="Only this market.")]


class PositionsView(BaseModel):
    positions: list[dict[str, Any]] = Field(description="Open positions: size, entry, mark, uPnL, margin, "
                                                        "liquidation price, leverage (exact decimals as text).")


class OrdersView(BaseModel):
    orders: list[dict[str, Any]] = Field(description="Resting orders on the exchange.")


class AccountView(BaseModel):
    account: dict[str, Any] | None = Field(description="Equity, free collateral, margin locked, margin ratio, "
                                                       "leverage; null before the first deposit.")


class PriceView(BaseModel):
    market: str
    symbol: str
    price: str
    conf: str = Field(description="Pyth confidence interval (±), same units as price.")
    age_s: int
    quality: str = Field(description="ok, stale, wide or halted (only ok is tradable).")
    reason: str | None
    publish_time: int
    source: str
    ema_price: str | None
    expo: int


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


async def read_tool(ctx: ApiContext, user_id: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """The structured result of one of MIKEY's read tools, as ``user_id``; an error as the API's."""
    call = ToolContext(user_id=user_id, thread_id=api_thread_id(user_id, "reads"), now=ctx.clock())
    outcome = await ctx.mikey.toolbox.call(tool, args, call)
    if not outcome.error:
        return outcome.data
    kind, detail = str(outcome.data.get("error", "")), str(outcome.data.get("detail", outcome.text))
    if kind == "internal_error":
        raise ApiError(500, "internal_error", f"{tool} failed unexpectedly; it is logged, try again")
    if kind == "invalid_arguments":
        raise ApiError(422, "invalid_request", detail)
    raise ApiError(503, _snake(kind) or "unavailable", detail)


@router.get("/v1/positions", response_model=PositionsView)
async def positions(who: CallerDep, ctx: ContextDep, market: MarketFilter = None) -> Any:
    """Your open positions (the same numbers as `get_positions` in the chat)."""
    return await read_tool(ctx, who.user_id, "get_positions", {"market": market})


@router.get("/v1/orders", response_model=OrdersView)
async def orders(who: CallerDep, ctx: ContextDep, market: MarketFilter = None) -> Any:
    """Your resting orders."""
    return {"orders": (await read_tool(ctx, who.user_id, "get_orders", {"market": market}))["orders"]}


@router.get("/v1/account", response_model=AccountView)
async def account(who: CallerDep, ctx: ContextDep) -> Any:
    """Your account: equity, free collateral, margin, margin ratio and leverage."""
    return await read_tool(ctx, who.user_id, "get_account", {})


def market_of(symbol: str) -> str:
    """SOL, sol-perp, SOL-USD → SOL-PERP; 404 for anything else."""
    base = symbol.strip().upper().removesuffix("-PERP").removesuffix("-USD").removesuffix("USD")
    market = f"{base}-PERP"
    if market not in MARKETS:
        raise not_found(f"no market {symbol[:20]!r}; markets are {', '.join(MARKETS)}")
    return market


@router.get("/v1/prices/{symbol}", response_model=PriceView, responses={404: {"description": "Unknown market."}})
async def price(symbol: Annotated[str, Path(max_length=32, description="SOL, SOL-PERP or SOL-USD (any case).")],
                who: CallerDep, ctx: ContextDep) -> Any:
    """The latest Pyth price of a market: price, confidence, age and quality (as the quality gate sees it)."""
    return await read_tool(ctx, who.user_id, "get_price", {"market": market_of(symbol)})


@probes.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (no database call)."""
    return {"status": "ok"}


@probes.get("/readyz", responses={503: {"description": "Not ready: the body says what is missing."}})
async def readyz(ctx: ContextDep) -> JSONResponse:
    """Ready to serve: the database answers and every market has a price fresher than the quality gate's limit."""
    try:
        async with ctx.pool.connection() as conn:
            await conn.execute("SELECT 1")
    except Exception as exc:  # any failure to reach it is "not ready", said without internals
        return JSONResponse({"ready": False, "database": f"unavailable ({type(exc).__name__})", "prices": {}},
                            status_code=503)
    limit = ctx.mikey.settings.price_max_age_s
    prices: dict[str, Any] = {}
    for market in MARKETS:
        call = ToolContext(user_id="readyz", thread_id="readyz", now=ctx.clock())
        outcome = await ctx.mikey.toolbox.call("get_price", {"market": market}, call)
        if outcome.error:
            prices[market] = {"fresh": False, "reason": str(outcome.data.get("detail", outcome.text))}
        else:
            age = int(outcome.data["age_s"])
            prices[market] = {"fresh": age <= limit, "age_s": age, "quality": outcome.data["quality"]}
    ready = all(p["fresh"] for p in prices.values())
    return JSONResponse({"ready": ready, "database": "ok", "prices": prices}, status_code=200 if ready else 503)

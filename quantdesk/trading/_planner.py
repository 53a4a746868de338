"""Planning: a request becomes the exact transaction message (build, don't send), its
simulation on the venue, and the words and figures a ticket shows. A plan is a
:class:`TicketDraft`; nothing here is saved, audited or signed (the ticket desk
does that) and the risk rules are the risk gate's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from solders.pubkey import Pubkey

from quantdesk.exchange import MarketSpec, OrderParams, PerpInstructions, associated_token_address, whole
from quantdesk.tickets import SimulatedOutcome, TicketKind
from quantdesk.trading._access import VenueAccess
from quantdesk.trading._facts import position_facts, with_liquidation_distance
from quantdesk.trading._outcomes import market_spec, order_outcome, order_summary
from quantdesk.trading._requests import (
    DEFAULT_SLIPPAGE_BPS,
    OrderRequest,
    TradeRequestError,
    base_name,
    base_units,
    fraction_units,
    leverage_value,
    limit_price_units,
    price_units,
    size_for_notional,
    slippage_bound,
    usdc_units,
)
from quantdesk.units import usd

_KIND = {"market": "Market", "limit": "Limit", "stop_loss": "StopLoss", "take_profit": "TakeProfit"}


@dataclass(frozen=True)
class TicketDraft:
    """What a ticket will carry, before it is issued. ``audit``: extra detail for its ticket record."""

    kind: TicketKind
    market: str | None
    summary: str
    bound: Decimal | None
    outcome: SimulatedOutcome
    message_bytes: bytes
    audit: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderDraft(TicketDraft):
    """An order's draft, with what the risk gate needs: the gated price it was built on and its bound."""

    spec: MarketSpec | None = None
    gated: Any = None
    bound_units: int | None = None


class OrderPlanner:
    def __init__(self, access: VenueAccess, ixs: PerpInstructions) -> None:
        self._access = access
        self._ixs = ixs

    async def order(self, user_id: str, request: OrderRequest) -> OrderDraft:
        """What the order would do (simulated); raises ProgramRejected when the program would refuse it."""
        spec = market_spec(request.market)
        owner, state, user = await self._access.account(user_id)
        oracle, gated = self._access.oracle_price(spec)
        position = next((p for p in user.positions if p.market_index == spec.index), None)
        side = request.side
        if side is None:
            if position is None:
                raise TradeRequestError(f"no {spec.symbol} position to protect; give a side and a size")
            side = "short" if position.base > 0 else "long"
        buy = side == "long"
        if request.whole_position:
            if position is None:
                raise TradeRequestError(f"no {spec.symbol} position to close")
            size = abs(position.base)
        elif request.size is not None:
            size = base_units(spec, request.size)
        else:
            assert request.notional_usd is not None
            size = size_for_notional(spec, request.notional_usd, oracle)
        leverage = leverage_value(spec, request.leverage)
        bps = request.slippage_bps if request.slippage_bps is not None else DEFAULT_SLIPPAGE_BPS
        price = trigger = 0
        if request.order_type == "market":
            price = slippage_bound(spec, oracle, buy, bps)
        elif request.order_type == "limit":
            assert request.price is not None
            price = limit_price_units(spec, request.price)
        else:
            assert request.price is not None
            trigger = price_units(request.price)
        reduce_only = request.reduce_only or request.order_type in ("stop_loss", "take_profit")
        reduces = position is not None and (position.base > 0) != buy
        asked = size
        if reduce_only and reduces and position is not None and size > abs(position.base):
            # The program fills a reduce-only order by at most the position (SPEC.md, place_order step 9).
            # We sign the capped size rather than the asked one, so the instruction, the simulation and the
            # ticket all carry the one size that will fill, and a resting order cannot later fill more than
            # the ticket showed if the position grows before it triggers.
            size = abs(position.base)
        order = OrderParams(_KIND[request.order_type], "Buy" if buy else "Sell", size, price, trigger, reduce_only,
                            secrets.randbits(63), leverage)
        ix = self._ixs.place_order(owner, owner, spec.index, user.next_order_id, self._access.price_account(spec),
                                   order)
        message_bytes = await self._access.message(owner, [ix])
        result = await self._access.simulate(message_bytes)
        capped = {"asked_size": str(whole(asked, spec.base_decimals)), "capped_by_position": True}
        facts = position_facts(spec, position, user.collateral, buy, size, request.leverage is not None)
        outcome = order_outcome(spec, result, state, oracle, leverage=leverage, reduces=reduces, buys=buy,
                                **(capped if size != asked else {}), **facts)
        outcome = with_liquidation_distance(outcome)
        summary = order_summary(spec, request.order_type, buy, size, asked, position, price or trigger, leverage,
                                reduce_only, outcome)
        return OrderDraft("order", spec.symbol, summary, usd(price) if price else None, outcome, message_bytes,
                          {"client_order_id": order.client_order_id}, spec=spec, gated=gated,
                          bound_units=price if price else None)

    async def close(self, user_id: str, market: str, fraction: Decimal | None, size: Decimal | None) -> TicketDraft:
        """Close a position in full or in part at market (bounded by the default slippage)."""
        spec = market_spec(market)
        owner, state, user = await self._access.account(user_id)
        position = next((p for p in user.positions if p.market_index == spec.index), None)
        if position is None:
            raise TradeRequestError(f"no open {spec.symbol} position to close")
        held = abs(position.base)
        if size is not None:
            units = base_units(spec, size)
            if units > held:
                # Closing all of a smaller position is not what was typed: refuse rather than guess.
                raise TradeRequestError(f"your {spec.symbol} position is {whole(held, spec.base_decimals)} "
                                        f"{base_name(spec)}; cannot close {size}. Say 'close my "
                                        f"{base_name(spec)}' to close all of it")
        elif fraction is not None and fraction < 1:
            units = fraction_units(spec, held, fraction)
        else:
            units = held
        oracle, _ = self._access.oracle_price(spec)
        closing_buy = position.base < 0
        bound = slippage_bound(spec, oracle, closing_buy, DEFAULT_SLIPPAGE_BPS)
        ix = self._ixs.close_position(owner, owner, spec.index, self._access.price_account(spec),
                                      0 if units == held else units, bound)
        message_bytes = await self._access.message(owner, [ix])
        outcome = order_outcome(spec, await self._access.simulate(message_bytes), state, leverage=1, reduces=True,
                                buys=closing_buy, **position_facts(spec, position, user.collateral, closing_buy,
                                                                   units, True))
        what = "all" if units == held else f"{whole(units, spec.base_decimals)}"
        summary = f"Close {what} of the {spec.symbol} {'long' if position.base > 0 else 'short'} at market"
        return TicketDraft("close", spec.symbol, summary, usd(bound), outcome, message_bytes)

    async def cancel(self, user_id: str, order_id: str | None, market: str | None, every: bool) -> TicketDraft:
        """Cancel one resting order, a market's, or all of them, in one transaction."""
        owner, state, _user = await self._access.account(user_id)
        mine = [o for o in state.orders if o.owner == bytes(owner)]
        if market is not None:
            index = market_spec(market).index
            mine = [o for o in mine if o.market_index == index]
        if order_id is not None:
            if not order_id.isdigit():
                raise TradeRequestError(f"order ids are numbers (see `my orders`); got {order_id!r}")
            mine = [o for o in mine if o.id == int(order_id)]
        if not mine:
            raise TradeRequestError("no matching open orders to cancel")
        if order_id is None and market is None and not every:
            raise TradeRequestError("say which order to cancel")
        message_bytes = await self._access.message(owner, [self._ixs.cancel_order(owner, owner, o.id) for o in mine])
        await self._access.simulate(message_bytes)
        ids = ", ".join(str(o.id) for o in mine)
        return TicketDraft("cancel", None, f"Cancel order(s) {ids}", None, SimulatedOutcome(detail={"orders": ids}),
                           message_bytes)

    async def withdraw(self, user_id: str, amount: Decimal, destination: str | None) -> TicketDraft:
        """Withdraw collateral to the trader's own wallet's token account; any other destination is refused."""
        owner, state, user = await self._access.account(user_id)
        assert state.exchange is not None
        own_token = associated_token_address(owner, Pubkey(state.exchange.collateral_mint))
        if destination is not None and destination not in (str(owner), str(own_token)):
            raise TradeRequestError(f"withdrawals go only to your own registered wallet {owner}; "
                                    f"{destination} is refused")
        units = usdc_units(amount)
        if units > user.collateral:
            raise TradeRequestError(f"free collateral is {usd(user.collateral)} USDC; cannot withdraw {amount}")
        message_bytes = await self._access.message(owner, [self._ixs.withdraw(owner, owner, own_token, units)])
        await self._access.simulate(message_bytes)
        outcome = SimulatedOutcome(free_collateral_after_usd=usd(user.collateral - units),
                                   detail={"destination": str(own_token)})
        return TicketDraft("withdraw", None, f"Withdraw {amount} USDC to your wallet {owner}", None, outcome,
                           message_bytes, {"destination": str(own_token)})

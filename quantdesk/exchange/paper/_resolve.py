"""Turning one decoded program instruction (its IDL name, arguments and account
keys) into the engine instruction it means, checking the accounts the way the
Anchor program's ``#[derive(Accounts)]`` constraints do: PDAs derived from the
same seeds, required signers, accounts that must exist.

This mirrors programs/quantdesk_perp/src/instructions/*.rs; the engine then
applies the same logic the program calls (perp_engine). Token accounts are the
venue's own ledger (see _tokens.py), so their checks live there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

import quantdesk.engine as ix
from quantdesk.engine import ExchangeParams, MarketParams, OrderKind, Pool, Side, State
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange.paper._errors import constraint_seeds, not_initialized, not_signer

_KINDS = {"Market": OrderKind.MARKET, "Limit": OrderKind.LIMIT, "StopLoss": OrderKind.STOP_LOSS,
          "TakeProfit": OrderKind.TAKE_PROFIT}
_SIDES = {"Buy": Side.BUY, "Sell": Side.SELL}
_POOLS = {"Liquidity": Pool.LIQUIDITY, "Insurance": Pool.INSURANCE}


@dataclass(frozen=True)
class Resolved:
    """The engine instruction, plus what the venue must do around it."""

    instruction: ix.Instruction
    oracle_account: Pubkey | None = None
    token_in: tuple[Pubkey, Pubkey, int] | None = None  # (token account, its authority, amount) debited
    token_out: tuple[Pubkey, Pubkey, int] | None = None  # (token account, required authority, amount) credited


class Resolver:
    def __init__(self, idl: PerpIdl) -> None:
        self._idl = idl
        self.pdas = Pdas(idl.program_id)

    def resolve(self, name: str, args: Mapping[str, Any], keys: Mapping[str, Pubkey],
                signers: frozenset[Pubkey], state: State) -> Resolved:
        for acc in self._idl.doc_instruction(name)["accounts"]:
            if acc.get("signer") and keys.get(acc["name"]) not in signers:
                raise not_signer(acc["name"])
        for fixed, expected in (("exchange", self.pdas.exchange()), ("vault", self.pdas.vault()),
                                ("insurance", self.pdas.insurance())):
            if fixed in keys and keys[fixed] != expected:
                raise constraint_seeds(fixed, f"expected the {fixed} PDA {expected}")
        handler: Callable[..., Resolved] = getattr(self, f"_{name}")
        return handler(args, keys, state)

    # --- lookups mirroring Account<'info, T> + seeds constraints ------------
    def _market_index(self, keys: Mapping[str, Pubkey], state: State, account: str = "market") -> int:
        key = keys[account]
        for market in state.markets:
            if self.pdas.market(market.index) == key:
                return market.index
        raise not_initialized(account, f"{key} is not a market of this exchange")

    def _owner(self, keys: Mapping[str, Pubkey], state: State, account: str = "user") -> bytes:
        key = keys[account]
        for user in state.users:
            if self.pdas.user(user.owner) == key:
                return user.owner
        raise not_initialized(account, f"{key} is not a trading account")

    def _order(self, keys: Mapping[str, Pubkey], state: State, owner: bytes) -> int:
        key = keys["order"]
        for order in state.orders:
            if order.owner == owner and self.pdas.order(owner, order.id) == key:
                return order.id
        raise not_initialized("order", f"{key} is not an open order of this account")

    # --- one method per program instruction ----------------------------------
    def _initialize_exchange(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], _s: State) -> Resolved:
        p = args["params"]
        params = ExchangeParams(int(p["liquidation_fee_ppm"]), int(p["liquidator_share_ppm"]),
                                int(p["insurance_fee_share_ppm"]))
        return Resolved(ix.InitializeExchange(bytes(keys["admin"]), bytes(keys["collateral_mint"]), params))

    def _add_market(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        expected = self.pdas.market(len(state.markets))
        if keys["market"] != expected:
            raise constraint_seeds("market", f"the next market's PDA is {expected}")
        p = args["params"]
        params = MarketParams(
            symbol=p["symbol"], pyth_feed_id=bytes(p["pyth_feed_id"]), base_decimals=int(p["base_decimals"]),
            max_leverage=int(p["max_leverage"]), initial_margin_ppm=int(p["initial_margin_ppm"]),
            maintenance_margin_ppm=int(p["maintenance_margin_ppm"]), tick_size=int(p["tick_size"]),
            lot_size=int(p["lot_size"]), taker_fee_ppm=int(p["taker_fee_ppm"]), maker_fee_ppm=int(p["maker_fee_ppm"]),
            spread_ppm=int(p["spread_ppm"]), oracle_max_age_secs=int(p["oracle_max_age_secs"]),
            max_conf_ppm=int(p["max_conf_ppm"]), funding_interval_secs=int(p["funding_interval_secs"]),
            max_funding_rate=int(p["max_funding_rate"]))
        return Resolved(ix.AddMarket(bytes(keys["admin"]), params))

    def _set_paused(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        index = self._market_index(keys, state) if keys.get("market") not in (None, self._idl.program_id) else None
        return Resolved(ix.SetPaused(bytes(keys["admin"]), index, bool(args["paused"])))

    def _fund_pool(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], _s: State) -> Resolved:
        (variant,) = args["pool"]
        amount = int(args["amount"])
        return Resolved(ix.FundPool(bytes(keys["admin"]), _POOLS[variant], amount),
                        token_in=(keys["admin_token"], keys["admin"], amount))

    def _create_user(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], _s: State) -> Resolved:
        owner = bytes(keys["owner"])
        if keys["user"] != self.pdas.user(owner):
            raise constraint_seeds("user", f"expected {self.pdas.user(owner)} for owner {keys['owner']}")
        delegate = args["delegate"]
        return Resolved(ix.CreateUser(owner, None if delegate is None else bytes(Pubkey.from_string(str(delegate)))))

    def _set_delegate(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        delegate = args["delegate"]
        return Resolved(ix.SetDelegate(bytes(keys["signer"]), self._owner(keys, state),
                                       None if delegate is None else bytes(Pubkey.from_string(str(delegate)))))

    def _deposit(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        amount = int(args["amount"])
        return Resolved(ix.Deposit(self._owner(keys, state), amount),
                        token_in=(keys["depositor_token"], keys["depositor"], amount))

    def _withdraw(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        owner = self._owner(keys, state)
        amount = int(args["amount"])
        return Resolved(ix.Withdraw(bytes(keys["signer"]), owner, amount),
                        token_out=(keys["destination"], Pubkey(owner), amount))

    def _place_order(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        owner = self._owner(keys, state)
        market_index = self._market_index(keys, state)
        user = next(u for u in state.users if u.owner == owner)
        expected = self.pdas.order(owner, user.next_order_id)
        if keys["order"] != expected:
            raise constraint_seeds("order", f"the next order's PDA is {expected}")
        p = args["params"]
        (kind,), (side,) = p["kind"], p["side"]
        return Resolved(ix.PlaceOrder(
            signer=bytes(keys["signer"]), owner=owner, market_index=market_index, kind=_KINDS[kind],
            side=_SIDES[side], size=int(p["size"]), price=int(p["price"]), trigger_price=int(p["trigger_price"]),
            reduce_only=bool(p["reduce_only"]), client_order_id=int(p["client_order_id"]),
            leverage=int(p["leverage"])), oracle_account=keys["price_update"])

    def _cancel_order(self, _a: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        owner = self._owner(keys, state)
        return Resolved(ix.CancelOrder(bytes(keys["signer"]), owner, self._order(keys, state, owner)))

    def _close_position(self, args: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        return Resolved(ix.ClosePosition(bytes(keys["signer"]), self._owner(keys, state),
                                         self._market_index(keys, state), int(args["size"]), int(args["price_limit"])),
                        oracle_account=keys["price_update"])

    def _trigger_order(self, _a: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        owner = self._owner(keys, state)
        order_id = self._order(keys, state, owner)
        order = next(o for o in state.orders if o.owner == owner and o.id == order_id)
        if keys["market"] != self.pdas.market(order.market_index):
            raise constraint_seeds("market", "not the order's market")
        return Resolved(ix.TriggerOrder(owner, order_id), oracle_account=keys["price_update"])

    def _settle_funding(self, _a: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        return Resolved(ix.SettleFunding(self._market_index(keys, state)), oracle_account=keys["price_update"])

    def _liquidate(self, _a: Mapping[str, Any], keys: Mapping[str, Pubkey], state: State) -> Resolved:
        liquidator = bytes(keys["liquidator"])
        if keys["liquidator_user"] != self.pdas.user(liquidator):
            raise constraint_seeds("liquidator_user", "must be the liquidator's own trading account")
        return Resolved(ix.Liquidate(liquidator, self._owner(keys, state), self._market_index(keys, state)),
                        oracle_account=keys["price_update"])

"""Building the program's instructions and transaction messages (build, then
send: nothing here signs or submits). Accounts and PDAs follow the IDL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solders.hash import Hash
from solders.instruction import Instruction
from solders.message import MessageV0
from solders.pubkey import Pubkey

from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._pdas import Pdas


@dataclass(frozen=True)
class OrderParams:
    """place_order arguments in program units (see programs/perp_engine/SPEC.md)."""

    kind: str  # Market | Limit | StopLoss | TakeProfit
    side: str  # Buy | Sell
    size: int
    price: int
    trigger_price: int
    reduce_only: bool
    client_order_id: int
    leverage: int

    def as_args(self) -> dict[str, Any]:
        return {"params": {"kind": {self.kind: {}}, "side": {self.side: {}}, "size": self.size, "price": self.price,
                           "trigger_price": self.trigger_price, "reduce_only": self.reduce_only,
                           "client_order_id": self.client_order_id, "leverage": self.leverage}}


class PerpInstructions:
    """One method per program instruction, returning a solders Instruction."""

    def __init__(self, idl: PerpIdl) -> None:
        self.idl = idl
        self.pdas = Pdas(idl.program_id)
        self.exchange = self.pdas.exchange()
        self.vault = self.pdas.vault()
        self.insurance = self.pdas.insurance()
        self.market, self.user, self.order = self.pdas.market, self.pdas.user, self.pdas.order

    def _pools(self) -> dict[str, Pubkey]:
        return {"exchange": self.exchange, "vault": self.vault, "insurance": self.insurance}

    def initialize_exchange(self, admin: Pubkey, mint: Pubkey, liquidation_fee_ppm: int, liquidator_share_ppm: int,
                            insurance_fee_share_ppm: int) -> Instruction:
        args = {"params": {"liquidation_fee_ppm": liquidation_fee_ppm, "liquidator_share_ppm": liquidator_share_ppm,
                           "insurance_fee_share_ppm": insurance_fee_share_ppm}}
        return self.idl.instruction("initialize_exchange", args,
                                    {"admin": admin, "collateral_mint": mint, **self._pools()})

    def add_market(self, admin: Pubkey, index: int, params: dict[str, Any]) -> Instruction:
        return self.idl.instruction("add_market", {"params": params},
                                    {"admin": admin, "exchange": self.exchange, "market": self.market(index)})

    def fund_pool(self, admin: Pubkey, admin_token: Pubkey, pool: str, amount: int) -> Instruction:
        return self.idl.instruction("fund_pool", {"pool": {pool: {}}, "amount": amount},
                                    {"admin": admin, "admin_token": admin_token, **self._pools()})

    def create_user(self, owner: Pubkey, delegate: Pubkey | None = None) -> Instruction:
        return self.idl.instruction("create_user", {"delegate": None if delegate is None else str(delegate)},
                                    {"owner": owner, "exchange": self.exchange, "user": self.user(owner)})

    def deposit(self, depositor: Pubkey, owner: Pubkey, token_account: Pubkey, amount: int) -> Instruction:
        return self.idl.instruction("deposit", {"amount": amount},
                                    {"depositor": depositor, "exchange": self.exchange, "user": self.user(owner),
                                     "depositor_token": token_account, "vault": self.vault})

    def withdraw(self, signer: Pubkey, owner: Pubkey, destination: Pubkey, amount: int) -> Instruction:
        return self.idl.instruction("withdraw", {"amount": amount},
                                    {"signer": signer, "exchange": self.exchange, "user": self.user(owner),
                                     "destination": destination, "vault": self.vault})

    def place_order(self, signer: Pubkey, owner: Pubkey, market_index: int, order_id: int, price_account: Pubkey,
                    params: OrderParams) -> Instruction:
        return self.idl.instruction("place_order", params.as_args(),
                                    {"signer": signer, "market": self.market(market_index), "user": self.user(owner),
                                     "order": self.order(owner, order_id), "price_update": price_account,
                                     **self._pools()})

    def cancel_order(self, signer: Pubkey, owner: Pubkey, order_id: int) -> Instruction:
        # On chain the order's rent goes back to whoever paid it; on paper that is the signer.
        return self.idl.instruction("cancel_order", {},
                                    {"signer": signer, "user": self.user(owner), "order": self.order(owner, order_id),
                                     "rent_payer": signer})

    def close_position(self, signer: Pubkey, owner: Pubkey, market_index: int, price_account: Pubkey, size: int,
                       price_limit: int) -> Instruction:
        return self.idl.instruction("close_position", {"size": size, "price_limit": price_limit},
                                    {"signer": signer, "market": self.market(market_index), "user": self.user(owner),
                                     "price_update": price_account, **self._pools()})

    def trigger_order(self, keeper: Pubkey, owner: Pubkey, order_id: int, market_index: int, price_account: Pubkey,
                      rent_payer: Pubkey) -> Instruction:
        return self.idl.instruction("trigger_order", {},
                                    {"keeper": keeper, "market": self.market(market_index), "user": self.user(owner),
                                     "order": self.order(owner, order_id), "rent_payer": rent_payer,
                                     "price_update": price_account, **self._pools()})

    def settle_funding(self, market_index: int, price_account: Pubkey) -> Instruction:
        return self.idl.instruction("settle_funding", {},
                                    {"exchange": self.exchange, "market": self.market(market_index),
                                     "price_update": price_account})

    def liquidate(self, liquidator: Pubkey, owner: Pubkey, market_index: int, price_account: Pubkey) -> Instruction:
        return self.idl.instruction("liquidate", {},
                                    {"liquidator": liquidator, "market": self.market(market_index),
                                     "user": self.user(owner), "liquidator_user": self.user(liquidator),
                                     "price_update": price_account, **self._pools()})

    def set_paused(self, admin: Pubkey, paused: bool, market_index: int | None = None) -> Instruction:
        accounts = {"admin": admin, "exchange": self.exchange}
        if market_index is not None:
            accounts["market"] = self.market(market_index)
        return self.idl.instruction("set_paused", {"paused": paused}, accounts)


def build_message(payer: Pubkey, instructions: list[Instruction], blockhash: Hash) -> MessageV0:
    """The exact message that will be signed (a v0 message without lookup tables)."""
    return MessageV0.try_compile(payer, instructions, [], blockhash)

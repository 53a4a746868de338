"""Reading the exchange's accounts over RPC (getMultipleAccounts) into the engine State.

What is read: the exchange PDA, the markets it counts, the trading accounts of the
owners the caller names, and those owners' open orders. Open orders are found
without ``getProgramAccounts``: a user account counts its open orders and their
ids are below ``next_order_id``, so ids are probed newest first, 100 addresses per
call, until all are found. Later calls ask for at least the slot of the first
(``minContextSlot``) so a lagging node behind a load balancer can't mix old
accounts into a newer exchange.
"""

from __future__ import annotations

from collections.abc import Sequence

from solders.account_decoder import UiAccountEncoding
from solders.commitment_config import CommitmentLevel
from solders.pubkey import Pubkey
from solders.rpc.config import RpcAccountInfoConfig
from solders.rpc.requests import GetMultipleAccounts
from solders.rpc.responses import GetMultipleAccountsResp

from quantdesk.engine import Order, State, User
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange.solana._accounts import (
    AccountDecodeError,
    decode_exchange,
    decode_market,
    decode_order,
    decode_user,
)
from quantdesk.exchange.solana._rpc import Rpc

MAX_KEYS_PER_CALL = 100  # getMultipleAccounts' limit


class StateReader:
    def __init__(self, rpc: Rpc, idl: PerpIdl, pdas: Pdas, level: CommitmentLevel) -> None:
        self._rpc, self._idl, self._pdas, self._level = rpc, idl, pdas, level

    async def read(self, owners: Sequence[Pubkey]) -> State:
        first, slot = await self.accounts([self._pdas.exchange(), *(self._pdas.user(o) for o in owners)])
        if first[0] is None:
            return State()
        exchange = decode_exchange(self._idl, first[0])
        users = tuple(decode_user(self._idl, data) for data in first[1:] if data is not None)
        markets, _ = await self.accounts([self._pdas.market(i) for i in range(exchange.market_count)], slot)
        missing = [i for i, data in enumerate(markets) if data is None]
        if missing:
            raise AccountDecodeError(f"the exchange counts {exchange.market_count} markets but {missing} do not exist")
        orders = []
        for user in users:
            orders.extend(await self._open_orders(user, slot))
        rank = {u.owner: i for i, u in enumerate(users)}
        return State(exchange=exchange.exchange,
                     markets=tuple(decode_market(self._idl, data) for data in markets if data is not None),
                     users=users, orders=tuple(sorted(orders, key=lambda o: (rank[o.owner], o.id))))

    async def accounts(self, keys: Sequence[Pubkey], min_slot: int | None = None) -> tuple[list[bytes | None], int]:
        """Each account's data (None where it does not exist), and the context slot of the first answer."""
        datas: list[bytes | None] = []
        first_slot = min_slot
        for start in range(0, len(keys), MAX_KEYS_PER_CALL):
            chunk = list(keys[start:start + MAX_KEYS_PER_CALL])
            config = RpcAccountInfoConfig(encoding=UiAccountEncoding.Base64, commitment=self._level,
                                          min_context_slot=first_slot)
            resp, _ = await self._rpc.call(GetMultipleAccounts(chunk, config, id=self._rpc.next_id()),
                                           GetMultipleAccountsResp)
            first_slot = first_slot if first_slot is not None else resp.context.slot
            for key, account in zip(chunk, resp.value, strict=True):
                if account is None:
                    datas.append(None)
                    continue
                if account.owner != self._idl.program_id:
                    raise AccountDecodeError(f"account {key} is owned by {account.owner}, not the QuantDesk "
                                             f"program {self._idl.program_id}: wrong program id or cluster?")
                datas.append(bytes(account.data))
        return datas, first_slot if first_slot is not None else 0

    async def _open_orders(self, user: User, slot: int) -> list[Order]:
        found: list[Order] = []
        next_id = user.next_order_id
        while len(found) < user.open_orders and next_id > 0:
            ids = list(range(next_id - 1, max(-1, next_id - 1 - MAX_KEYS_PER_CALL), -1))
            datas, _ = await self.accounts([self._pdas.order(user.owner, i) for i in ids], slot)
            found.extend(decode_order(self._idl, data) for data in datas if data is not None)
            next_id = ids[-1]
        return found

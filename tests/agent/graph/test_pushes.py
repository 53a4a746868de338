"""What reaches a trader without them typing: the keepers' fills of their resting
orders and triggered stops (not the trader's own fills), each once, as its own
alert event, formatted for people."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from solders.keypair import Keypair

from interfaces import Pushes
from quantdesk.exchange.paper import Keeper, keeper_actions
from quantdesk.market import FeedRegistry
from quantdesk.wallet import Signer
from tests.agent.graph.conftest import TradeWorld, collect


async def _approve(trade: TradeWorld, thread: str, text: str) -> None:
    events = await collect(trade.session.send(thread, "alice", text))
    ticket = next(e.data["ticket"] for e in events if e.type == "ticket")
    done = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in done if e.type == "execution").data["ok"] is True


async def test_a_resting_order_filled_by_a_keeper_is_pushed_once_and_the_traders_own_fills_are_not(
        trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    owner = await trade.deps.executor.trader("alice")  # type: ignore[union-attr]
    pushes = Pushes(trade.session, lambda _user, after: keeper_actions(trade.paper.db.pool, owner, after), "alice",
                    thread, trade.paper.clock() - timedelta(seconds=1))
    await _approve(trade, thread, "long 2 SOL 5x")
    await _approve(trade, thread, "sell 1 sol at 155")  # a limit above the market: it rests
    assert pushes.take() == []  # the trader's own market fill is shown by its ticket, not pushed

    keeper = Keeper(trade.paper.executor, Signer(Keypair()), FeedRegistry.load())
    keeper.ensure_account()
    trade.paper.clock.advance(2)
    trade.paper.price("SOL/USD", 156_00000000)
    assert keeper.run_once(int(trade.paper.clock().timestamp())).triggered == 1

    [pushed] = pushes.take()
    assert (pushed.type, pushed.data["role"], pushed.data["kind"]) == ("text", "alert", "fill")
    assert re.fullmatch(r"Your limit order #\d+ filled: sold 1 SOL-PERP at \$155\.000, fee \$0\.03, realized PnL "
                        r"\+\$4\.\d\d\. Position now long 1 SOL\.", pushed.data["text"]), pushed.data["text"]
    assert pushes.take() == []  # once

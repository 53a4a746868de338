"""Follow-ups over a real thread (Postgres checkpoints): references resolve to this
conversation's own orders, an edit of a waiting ticket prepares a new ticket (a new
hash), nothing is guessed, and the context survives a process restart."""

from __future__ import annotations

from agent import ChatSession, build_graph, open_checkpointer
from tests.agent.graph.conftest import TradeWorld, collect, last_ticket


async def test_edits_of_a_waiting_ticket_make_new_tickets(trade: TradeWorld) -> None:
    s = trade.session
    first = last_ticket(await collect(s.send("fu-1", "alice", "long 0.01 btc 5x")))
    doubled = last_ticket(await collect(s.send("fu-1", "alice", "double it")))
    assert doubled["params"]["size"] == "0.02" and doubled["params"]["leverage"] == "5"
    assert doubled["ticket_hash"] != first["ticket_hash"]
    lev = last_ticket(await collect(s.send("fu-1", "alice", "make it 3x")))
    assert (lev["params"]["size"], lev["params"]["leverage"], lev["market"]) == ("0.02", "3", "BTC-PERP")
    sol = last_ticket(await collect(s.send("fu-1", "alice", "same on sol")))
    assert (sol["market"], sol["params"]["side"], sol["params"]["size"]) == ("SOL-PERP", "long", "0.02")
    flipped = last_ticket(await collect(s.send("fu-1", "alice", "actually short")))
    assert (flipped["market"], flipped["params"]["side"]) == ("SOL-PERP", "short")
    # Only the newest ticket can be approved: the older ones were set aside.
    assert (await s.pending_ticket("fu-1"))["ticket_hash"] == flipped["ticket_hash"]


async def test_do_that_after_a_quote_and_close_it_after_a_fill(trade: TradeWorld) -> None:
    s = trade.session
    quote = await collect(s.send("fu-2", "alice", "quote long 1 sol 2x"))
    assert not [e for e in quote if e.type == "ticket"]
    placed = last_ticket(await collect(s.send("fu-2", "alice", "do that")))
    assert (placed["params"]["size"], placed["params"]["leverage"]) == ("1", "2")
    done = await collect(s.approve("fu-2", "alice", placed["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done)
    close = last_ticket(await collect(s.send("fu-2", "alice", "close it")))
    assert close["kind"] == "close" and close["market"] == "SOL-PERP"


async def test_a_reference_to_nothing_is_asked_about(trade: TradeWorld) -> None:
    events = await collect(trade.session.send("fu-3", "alice", "double it"))
    assert not [e for e in events if e.type in ("ticket", "tool_call")]
    assert "?" in events[-1].data["text"]


async def test_cancel_that_sets_a_waiting_ticket_aside_and_sends_nothing(trade: TradeWorld) -> None:
    s = trade.session
    last_ticket(await collect(s.send("fu-4", "alice", "long 1 sol 2x")))
    events = await collect(s.send("fu-4", "alice", "cancel that"))
    assert not [e for e in events if e.type in ("ticket", "execution", "tool_call")]
    assert await s.pending_ticket("fu-4") is None
    assert "nothing was sent" in events[-1].data["text"].lower()


async def test_the_context_survives_a_restart(trade: TradeWorld) -> None:
    last_ticket(await collect(trade.session.send("fu-5", "alice", "short 0.01 btc 2x")))
    async with open_checkpointer(trade.paper.db) as saver:  # a new process: new graph, same database
        again = ChatSession(build_graph(trade.deps, saver), trade.audit, trade.deps.clock)
        doubled = last_ticket(await collect(again.send("fu-5", "alice", "double it")))
    assert (doubled["market"], doubled["params"]["side"], doubled["params"]["size"]) == ("BTC-PERP", "short", "0.02")


async def test_another_traders_thread_is_never_the_context(trade: TradeWorld) -> None:
    last_ticket(await collect(trade.session.send("fu-6", "alice", "long 2 sol 5x")))
    events = await collect(trade.session.send("fu-7", "bob", "double it"))
    assert not [e for e in events if e.type == "ticket"]

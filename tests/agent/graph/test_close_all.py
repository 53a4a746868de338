"""Closing every position over a real thread: MIKEY reads the positions first, then prepares
one close ticket at a time (each approved on its own), and says so when nothing is open."""

from __future__ import annotations

from tests.agent.graph.conftest import TradeWorld, collect, last_ticket


def _said(events: list) -> str:
    return " ".join(str(e.data.get("text", "")) for e in events
                    if e.type == "text" and e.data.get("role") == "assistant")


async def _fill(trade: TradeWorld, thread: str, text: str) -> None:
    ticket = last_ticket(await collect(trade.session.send(thread, "alice", text)))
    done = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done), [e.to_json() for e in done]


async def test_close_all_closes_each_position_on_its_own_ticket(trade: TradeWorld) -> None:
    s = trade.session
    await _fill(trade, "ca-1", "long 2 sol 2x")
    await _fill(trade, "ca-1", "short 0.01 btc 2x")

    first = await collect(s.send("ca-1", "alice", "close all my positions"))
    close = last_ticket(first)
    assert close["kind"] == "close" and close["market"] == "SOL-PERP"
    said = _said(first)
    assert "2 open positions" in said and "BTC-PERP" in said and "`close all` again" in said
    # Nothing closed before its approval: both positions are still open.
    positions = await collect(s.send("ca-1", "alice", "my positions"))
    assert "SOL-PERP" in _said(positions) and "BTC-PERP" in _said(positions)

    # That message set the close aside unsent; asked again in the same slot (a frozen clock), it is the
    # same transaction, offered again, and approvable.
    again = last_ticket(await collect(s.send("ca-1", "alice", "close everything")))
    assert again["market"] == "SOL-PERP" and again["kind"] == "close"
    done = await collect(s.approve("ca-1", "alice", again["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done)

    last = await collect(s.send("ca-1", "alice", "flatten me"))
    assert last_ticket(last)["market"] == "BTC-PERP" and "only open position" in _said(last)
    done = await collect(s.approve("ca-1", "alice", last_ticket(last)["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done)

    nothing = await collect(s.send("ca-1", "alice", "close all"))
    assert not [e for e in nothing if e.type == "ticket"]
    assert "no open positions" in _said(nothing)


async def test_close_all_longs_leaves_the_shorts(trade: TradeWorld) -> None:
    s = trade.session
    await _fill(trade, "ca-2", "short 0.01 btc 2x")
    events = await collect(s.send("ca-2", "alice", "close all my longs"))
    assert not [e for e in events if e.type == "ticket"] and "no open long positions" in _said(events)
    shorts = await collect(s.send("ca-2", "alice", "close all my shorts"))
    assert last_ticket(shorts)["market"] == "BTC-PERP"


async def test_another_traders_positions_are_not_closed(trade: TradeWorld) -> None:
    await _fill(trade, "ca-3", "long 1 sol 2x")
    events = await collect(trade.session.send("ca-4", "bob", "close all my positions"))
    assert not [e for e in events if e.type == "ticket"] and "no open positions" in _said(events)

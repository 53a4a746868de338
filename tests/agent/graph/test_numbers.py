"""Numbers through the whole graph (rules model, real tools, paper venue): what the
trader typed is what the ticket and the signed transaction carry, and a number the
program cannot hold is refused with its limit while the chat goes on."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal
from typing import Any

import pytest
from solders.message import from_bytes_versioned

from agent import ChatEvent
from quantdesk.exchange import PerpIdl
from tests.agent.graph.conftest import TradeWorld, collect


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def _tickets(events: list[ChatEvent]) -> list[dict[str, Any]]:
    return [e.data["ticket"] for e in events if e.type == "ticket"]


async def _ticket(trade: TradeWorld, thread: str, text: str, user: str = "alice") -> dict[str, Any]:
    events = await collect(trade.session.send(thread, user, text))
    tickets = _tickets(events)
    assert tickets, [e.to_json() for e in events]
    return tickets[0]


async def _hold(trade: TradeWorld, thread: str, text: str) -> None:
    """Open a position by approving the ticket for ``text``."""
    ticket = await _ticket(trade, thread, text)
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in events if e.type == "execution").data["ok"] is True


def _instruction_args(ticket: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The program instruction inside the ticket's exact message, decoded with the IDL."""
    idl = PerpIdl.load()
    message = from_bytes_versioned(base64.b64decode(ticket["message_b64"]))
    for ix in message.instructions:
        if message.account_keys[ix.program_id_index] == idl.program_id:
            return idl.decode(bytes(ix.data))
    raise AssertionError("no QuantDesk instruction in the ticket's message")


def _tool_error(events: list[ChatEvent]) -> str:
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error", result.data
    assert not _tickets(events)
    return str(result.data["text"])


# --- a leading point is part of the number ----------------------------------------------


async def test_a_leading_point_size_makes_a_ticket_for_that_fraction(trade: TradeWorld) -> None:
    ticket = await _ticket(trade, _thread(), "long .5 sol")
    assert ticket["summary"] == "Long 0.5 SOL-PERP at market, 3x"
    assert ticket["outcome"]["size"] == "0.5"
    assert _instruction_args(ticket)[1]["params"]["size"] == 500_000_000  # 0.5 SOL at 9 decimals


async def test_a_leading_point_limit_price_is_that_price(trade: TradeWorld) -> None:
    ticket = await _ticket(trade, _thread(), "long 0.1 sol limit .5")
    assert ticket["summary"].startswith("Long 0.1 SOL-PERP limit 0.5")
    assert _instruction_args(ticket)[1]["params"]["price"] == 500_000  # $0.5 in 1e-6 USD


async def test_a_leading_point_withdrawal_is_half_a_dollar(trade: TradeWorld) -> None:
    ticket = await _ticket(trade, _thread(), "withdraw .5")
    assert ticket["summary"].startswith("Withdraw 0.5 USDC")
    assert _instruction_args(ticket) == ("withdraw", {"amount": 500_000})


async def test_a_leading_comma_is_asked_about_and_makes_no_ticket(trade: TradeWorld) -> None:
    events = await collect(trade.session.send(_thread(), "alice", "long ,5 sol"))
    assert not _tickets(events)
    assert not any(e.type == "tool_call" for e in events)
    assert "What number did you mean by ',5'?" in events[-1].data["text"]


async def test_closing_a_leading_point_size_closes_that_part(trade: TradeWorld) -> None:
    thread = _thread()
    await _hold(trade, thread, "long 1 sol")
    close = await _ticket(trade, thread, "close .5 sol")
    assert close["summary"] == "Close 0.5 of the SOL-PERP long at market"
    assert _instruction_args(close) == ("close_position", {"size": 500_000_000,
                                                          "price_limit": _instruction_args(close)[1]["price_limit"]})


async def test_a_close_fraction_past_decimal_precision_is_rounded_down_not_up(trade: TradeWorld) -> None:
    thread = _thread()
    await _hold(trade, thread, "long 3 sol")
    # 31 significant digits of a third: Decimal arithmetic (28 digits) would make it exactly 1 SOL of 3.
    close = await _ticket(trade, thread, "close 33." + "3" * 29 + "% of sol")
    assert close["summary"] == "Close 0.99 of the SOL-PERP long at market"


async def test_closing_more_than_the_position_is_refused_not_turned_into_close_all(trade: TradeWorld) -> None:
    thread = _thread()
    await _hold(trade, thread, "long 1 sol")
    text = _tool_error(await collect(trade.session.send(thread, "alice", "close 5 sol")))
    assert "your SOL-PERP position is 1 SOL; cannot close 5" in text and "close my SOL" in text


async def test_a_size_with_digits_past_decimal_precision_is_not_rounded_to_a_lot(trade: TradeWorld) -> None:
    # 31 significant digits: Decimal arithmetic (28 digits) would round it to exactly 0.01 SOL.
    text = _tool_error(await collect(trade.session.send(_thread(), "alice",
                                                        "long 0.0100000000000000000000000000001 sol")))
    assert "SOL-PERP trades in lots of 0.01; 0.0100000000000000000000000000001 is not a multiple" in text


async def test_a_limit_price_off_the_tick_is_refused_with_the_ticks_either_side(trade: TradeWorld) -> None:
    text = _tool_error(await collect(trade.session.send(_thread(), "alice", "long 0.1 sol limit 100.0005")))
    assert "SOL-PERP prices are in ticks of $0.001; 100.0005 is not on a tick (try $100 or $100.001)" in text


# --- numbers the program cannot hold --------------------------------------------------------

SOL_LIMIT = "size must be at most 9,223,372,036.85 SOL"
OVERSIZED = [
    pytest.param("long 99999999999999999999999 SOL", SOL_LIMIT, id="size-past-u64"),
    pytest.param("long 20000000000 sol", SOL_LIMIT, id="size-past-i64"),
    pytest.param("buy $99999999999999999999 of sol", SOL_LIMIT, id="notional"),
    pytest.param("long 0.1 sol at 99999999999999999", "price must be at most $10,000,000", id="limit-price"),
    pytest.param("stop loss 0.1 sol at 99999999999999999", "price must be at most $10,000,000", id="trigger-price"),
    pytest.param("withdraw 99999999999999999999", "amount must be at most $18,446,744,073,709.551615",
                 id="withdrawal"),
]


@pytest.mark.parametrize(("text", "limit"), OVERSIZED)
async def test_an_oversized_number_is_refused_with_the_limit_and_the_chat_goes_on(
        trade: TradeWorld, text: str, limit: str) -> None:
    thread = _thread()
    if text.startswith("stop"):
        await _hold(trade, thread, "long 1 sol")
    assert limit in _tool_error(await collect(trade.session.send(thread, "alice", text)))
    after = await collect(trade.session.send(thread, "alice", "long 0.1 sol"))
    assert _tickets(after)[0]["summary"] == "Long 0.1 SOL-PERP at market, 3x"


# --- reduce-only: the ticket shows the size that fills ---------------------------------------


async def test_a_reduce_only_order_larger_than_the_position_is_capped_on_the_ticket_and_in_the_bytes(
        trade: TradeWorld) -> None:
    thread = _thread()
    await _hold(trade, thread, "long 0.5 sol")
    ticket = await _ticket(trade, thread, "short 3 sol reduce only")
    assert ticket["summary"] == ("Short 0.5 SOL-PERP at market, 3x, reduce-only "
                                 "(asked 3; capped by your 0.5 SOL long)")
    outcome = ticket["outcome"]
    assert outcome["size"] == "0.5"
    assert outcome["detail"]["asked_size"] == "3" and outcome["detail"]["capped_by_position"] is True
    assert Decimal(outcome["notional_usd"]) == Decimal("0.5") * Decimal(outcome["fill_price"])
    name, args = _instruction_args(ticket)
    assert name == "place_order" and args["params"]["size"] == 500_000_000 and args["params"]["reduce_only"]
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    execution = next(e for e in events if e.type == "execution")
    assert execution.data["ok"] is True and "sold 0.5 SOL-PERP" in execution.data["text"]
    positions = await collect(trade.session.send(thread, "alice", "my positions"))
    assert positions[-1].data["text"] == "No open positions."


async def test_a_reduce_only_order_within_the_position_is_not_marked_capped(trade: TradeWorld) -> None:
    thread = _thread()
    await _hold(trade, thread, "long 0.5 sol")
    ticket = await _ticket(trade, thread, "short 0.2 sol reduce only")
    assert ticket["summary"] == "Short 0.2 SOL-PERP at market, 3x, reduce-only"
    assert "capped_by_position" not in ticket["outcome"]["detail"]

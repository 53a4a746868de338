"""Sizing by margin and by a share of the collateral, and an order with its triggers attached,
through the rules model's messages (real parser, real argument models, no thread)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.models import RulesChatModel
from agent.parser import Ambiguous, CollateralSizing, ToolCalls, collateral_sizing, parse_command, sized_order


@pytest.mark.parametrize(("text", "notional", "leverage"), [
    ("long SOL 2x with 500 USDC margin", "1000", "2"),
    ("margin 200 at 10x sol long", "2000", "10"),
    ("short eth 5x using 300 margin", "1500", "5"),
    ("long btc with $1000 collateral at 3x", "3000", "3"),
    ("margin 1.5k 4x btc short", "6000", "4"),
    ("long eth 3x with 0.5 usdc margin", "1.5", "3"),
])
def test_margin_times_leverage_is_the_notional(text: str, notional: str, leverage: str) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, ToolCalls), parsed
    args = parsed.calls[0].args
    assert args.notional_usd == Decimal(notional) and args.leverage == Decimal(leverage)  # type: ignore[attr-defined]
    assert args.size is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["long sol with 500 margin", "long 2 sol 3x with 500 margin"])
def test_margin_without_one_leverage_or_with_a_size_too_is_asked(text: str) -> None:
    assert isinstance(parse_command(text), Ambiguous)


def test_a_share_of_the_collateral_is_read_with_its_order() -> None:
    sizing = collateral_sizing("use a quarter of my free collateral to long sol 2x")
    assert isinstance(sizing, CollateralSizing)
    assert sizing.share == Decimal("0.25") and sizing.fields["market"] == "SOL-PERP"
    args, note = sized_order(sizing, Decimal("9876.543210"))
    assert args["notional_usd"] == Decimal("4938.271605")  # 0.25 x 9876.543210 x 2, exactly
    assert "2,469.14 margin" in note and "2x" in note


@pytest.mark.parametrize("text", ["use half my collateral to short eth", "put 25% of my margin into sol 3x"])
def test_a_share_without_leverage_or_side_is_asked(text: str) -> None:
    assert isinstance(collateral_sizing(text), Ambiguous)


def _tool_result(ai: AIMessage, name: str, artifact: dict[str, object], text: str = "ok") -> ToolMessage:
    return ToolMessage(text, tool_call_id=ai.tool_calls[0]["id"], name=name, artifact=artifact)


def test_the_model_reads_the_account_then_sizes_the_order_and_shows_the_arithmetic() -> None:
    model = RulesChatModel()
    messages: list[BaseMessage] = [HumanMessage("put half my collateral into a 3x eth long")]
    first = model.respond(messages)
    assert [c["name"] for c in first.tool_calls] == ["get_account"]
    messages += [first, _tool_result(first, "get_account", {"account": {"free_collateral": "10000.000000"}})]
    second = model.respond(messages)
    assert second.tool_calls[0]["name"] == "prepare_order"
    assert second.tool_calls[0]["args"] == {"market": "ETH-PERP", "side": "long", "notional_usd": "15000",
                                            "leverage": "3"}
    assert "$5,000.00 margin" in second.content and "$15,000.00 notional" in second.content


def test_no_account_figure_means_no_order() -> None:
    model = RulesChatModel()
    messages: list[BaseMessage] = [HumanMessage("use a quarter of my free collateral to long sol 2x")]
    first = model.respond(messages)
    messages += [first, _tool_result(first, "get_account", {"error": "no account"})]
    assert not model.respond(messages).tool_calls


def test_an_order_with_tp_and_sl_is_the_order_then_its_triggers_one_at_a_time() -> None:
    model = RulesChatModel()
    reply = model.respond([HumanMessage("long 2 sol 5x tp 200 sl 150")])
    assert reply.tool_calls[0]["args"] == {"market": "SOL-PERP", "side": "long", "size": "2", "leverage": "5"}
    note = str(reply.content)
    assert "One at a time" in note and "`take profit sol at 200`" in note and "`stop loss sol at 150`" in note


def test_a_stop_alone_is_still_a_stop() -> None:
    reply = RulesChatModel().respond([HumanMessage("sl sol 140")])
    assert reply.tool_calls[0]["args"]["order_type"] == "stop_loss" and not reply.content


def test_a_question_about_one_whole_order_is_a_quote() -> None:
    reply = RulesChatModel().respond([HumanMessage("where would I get liquidated if I short 5 sol 8x")])
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
        ("get_quote", {"market": "SOL-PERP", "side": "short", "size": "5", "leverage": "8"})]


@pytest.mark.parametrize("text", ["go big on btc", "lever up on eth", "buy the dip"])
def test_a_wish_to_trade_without_numbers_is_asked(text: str) -> None:
    reply = RulesChatModel().respond([HumanMessage(text)])
    assert not reply.tool_calls and "?" in str(reply.content)


def _entry_turn(text: str, side: str, entry: str) -> AIMessage:
    model = RulesChatModel()
    messages: list[BaseMessage] = [HumanMessage(text)]
    first = model.respond(messages)
    assert [c["name"] for c in first.tool_calls] == ["get_positions"]
    market = first.tool_calls[0]["args"]["market"]
    messages += [first, _tool_result(first, "get_positions",
                                     {"positions": [{"market": market, "side": side, "entry_price": entry}]})]
    return model.respond(messages)


def test_a_stop_relative_to_the_entry_is_priced_from_the_position() -> None:
    reply = _entry_turn("set sl 10% below entry on sol", "long", "146.830000")
    assert reply.tool_calls[0]["args"] == {"market": "SOL-PERP", "order_type": "stop_loss", "price": "132.15",
                                           "reduce_only": True, "whole_position": True}
    assert "$146.83" in str(reply.content) and "$132.15" in str(reply.content)


def test_a_stop_on_the_wrong_side_of_the_entry_is_asked() -> None:
    reply = _entry_turn("set sl 10% above entry on sol", "long", "146.830000")
    assert not reply.tool_calls and "below" in str(reply.content) and "?" in str(reply.content)


def test_no_position_means_no_trigger() -> None:
    model = RulesChatModel()
    messages: list[BaseMessage] = [HumanMessage("tp 20% above my entry on eth")]
    first = model.respond(messages)
    messages += [first, _tool_result(first, "get_positions", {"positions": []})]
    assert not model.respond(messages).tool_calls


def test_a_relative_stop_with_no_market_in_sight_is_asked() -> None:
    reply = RulesChatModel().respond([HumanMessage("set sl 10% above entry")])
    assert not reply.tool_calls and "?" in str(reply.content)


@pytest.mark.parametrize("text", ["put 2k in eth long 5x", "throw $500 into a sol short 3x",
                                  "put 1,000 usdc into btc long"])
def test_an_amount_put_into_an_order_is_asked_margin_or_size(text: str) -> None:
    asked = collateral_sizing(text)
    assert isinstance(asked, Ambiguous) and "margin or the position's size" in asked.question
    # Both ways out it offers are orders the parser reads exactly.
    offered = re.findall(r"`([^`]+)`", asked.question)
    assert len(offered) == 2 and all(isinstance(parse_command(o), ToolCalls) for o in offered), offered
    assert not RulesChatModel().respond([HumanMessage(text)]).tool_calls

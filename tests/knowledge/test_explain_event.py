"""explain_event through the real graph (rules model, real tools, real database,
the paper venue executing signed transactions, keepers signing their own): each
history is made by trading, then the trader asks why, and the answer joins what
happened (with the numbers) and the knowledge entry of the rule or error, cited."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from solders.keypair import Keypair

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from knowledge import Explainer, KnowledgeStore, OnnxEmbedder, Retriever, Trail
from quantdesk.db import Database
from quantdesk.exchange.paper import Keeper
from quantdesk.market import FeedRegistry
from quantdesk.wallet import Signer
from tests.agent.graph.conftest import TradeWorld, collect, trade  # noqa: F401 - the trade world fixture
from tests.knowledge.conftest import _drop, copy_of_corpus
from tools import knowledge_handlers


@pytest.fixture
def fresh_database(database: Database, corpus_template: str) -> Iterator[Database]:
    """The trade world's database, with the real corpus already indexed in it."""
    db = copy_of_corpus(database, corpus_template)
    try:
        yield db
    finally:
        _drop(database, db)


@pytest.fixture
async def mikey(trade: TradeWorld, embedder: OnnxEmbedder) -> AsyncIterator[ChatSession]:  # noqa: F811
    pool = trade.paper.db.pool
    retriever = Retriever(KnowledgeStore(pool), embedder)
    explainer = Explainer(Trail(pool, FeedRegistry.load()), retriever)
    base = trade.deps
    toolbox = base.toolbox.replacing(**knowledge_handlers(retriever, explainer, base.executor.trader))
    deps = GraphDeps(toolbox=toolbox, tickets=base.tickets, audit=base.audit, clock=base.clock,
                     executor=base.executor)
    async with open_checkpointer(trade.paper.db) as saver:
        yield ChatSession(build_graph(deps, saver), base.audit, base.clock)


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def _ask(session: ChatSession, thread: str, text: str, user: str = "alice") -> tuple[str, list]:
    events = await collect(session.send(thread, user, text))
    return events[-1].data.get("text", ""), events


async def _filled(session: ChatSession, thread: str, text: str, user: str = "alice") -> dict:
    events = await collect(session.send(thread, user, text))
    ticket = next(e for e in events if e.type == "ticket").data["ticket"]
    done = await collect(session.approve(thread, user, ticket["ticket_hash"]))
    assert next(e for e in done if e.type == "execution").data["ok"] is True
    return ticket


def _keeper(trade: TradeWorld) -> Keeper:  # noqa: F811
    keeper = Keeper(trade.paper.executor, Signer(Keypair()), trade.paper.registry)
    keeper.ensure_account()
    return keeper


async def test_a_risk_rejection_is_explained_with_the_rule_limit_value_and_its_entry(mikey: ChatSession) -> None:
    thread = _thread()
    _, events = await _ask(mikey, thread, "long 2 SOL 15x")
    assert "max_leverage: FAILED" in next(e for e in events if e.type == "tool_result").data["text"]
    answer, events = await _ask(mikey, thread, "why was my order rejected?")
    call = next(e for e in events if e.type == "tool_call")
    assert (call.data["name"], call.data["args"]) == ("explain_event", {"which": "last_rejection"})
    assert "Your order (Long 2 SOL-PERP at market, 15x) was refused before any ticket was made" in answer
    assert "max_leverage: limit 10x (your limit), value 15x" in answer
    assert "[risk-rules.md § max_leverage]" in answer
    assert "What to do: > choose a lower leverage" in answer.replace("\n", " ")
    assert 'your message "long 2 SOL 15x"' in answer


async def test_a_program_error_is_explained_with_its_error_entry(mikey: ChatSession) -> None:
    thread = _thread()
    await _ask(mikey, thread, "long 2 SOL 20x")
    answer, _ = await _ask(mikey, thread, "why was my order rejected?")
    assert "the program's simulation rejected it with InitialMarginViolated" in answer
    assert "the program said: the program would refuse this order: InitialMarginViolated (6023)" in answer
    assert "[errors-margin.md § InitialMarginViolated (6023)]" in answer
    assert "Nothing was signed or sent." in answer


async def test_a_stop_trigger_is_explained_with_trigger_and_oracle_price(mikey: ChatSession,
                                                                         trade: TradeWorld) -> None:  # noqa: F811
    thread = _thread()
    await _filled(mikey, thread, "long 2 SOL 5x")
    await _filled(mikey, thread, "stop loss 2 sol at 140")
    keeper = _keeper(trade)
    trade.paper.clock.advance(5)
    trade.paper.price("SOL/USD", 139_50000000)
    assert keeper.run_once(int(trade.paper.clock().timestamp())).triggered == 1
    answer, events = await _ask(mikey, thread, "why did my stop trigger?")
    assert next(e for e in events if e.type == "tool_call").data["args"] == {"which": "last_trigger"}
    assert "Your stop-loss order #" in answer and "(sell 2 SOL-PERP) was triggered by a keeper" in answer
    assert "trigger 140.000000; oracle then 139.500000; fill 139.458000" in answer
    assert "[stop-loss-and-take-profit.md §" in answer and "Nothing went wrong" in answer
    assert "keeper transaction" in answer


async def test_a_liquidation_is_explained_with_the_prices_and_what_it_cost(mikey: ChatSession,
                                                                            trade: TradeWorld) -> None:  # noqa: F811
    thread = _thread()
    ticket = await _filled(mikey, thread, "long 100 SOL 10x")
    liquidation_price = ticket["outcome"]["liquidation_price"]
    keeper = _keeper(trade)
    trade.paper.clock.advance(5)
    trade.paper.price("SOL/USD", 130_00000000)
    assert keeper.run_once(int(trade.paper.clock().timestamp())).liquidated == 1
    answer, events = await _ask(mikey, thread, "why was I liquidated?")
    assert next(e for e in events if e.type == "tool_call").data["args"] == {"which": "last_liquidation"}
    assert "Your SOL-PERP long position of 100 was liquidated by a keeper" in answer
    assert f"liquidation price {liquidation_price}" in answer and "oracle then 130.000000" in answer
    assert "liquidation fee" in answer and "returned to you" in answer
    assert "[liquidation.md §" in answer


async def test_an_order_number_and_a_ticket_prefix_name_the_same_story(mikey: ChatSession) -> None:
    thread = _thread()
    ticket = await _filled(mikey, thread, "long 2 SOL 5x")
    by_ticket, _ = await _ask(mikey, thread, f"explain ticket {ticket['ticket_hash'][:10]}")
    assert f"Ticket {ticket['ticket_hash'][:12]} (Long 2 SOL-PERP at market, 5x)" in by_ticket
    assert "you approved it and it executed." in by_ticket and "expected fill 150.045000" in by_ticket
    assert "ticket, approval, signature, result" in by_ticket


async def test_a_trader_never_sees_another_traders_history(mikey: ChatSession) -> None:
    await _ask(mikey, _thread(), "long 2 SOL 15x")
    answer, events = await _ask(mikey, _thread(), "why was my order rejected?", user="bob")
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error" and "your history has no rejected order yet" in result.data["text"]
    assert "15x" not in answer

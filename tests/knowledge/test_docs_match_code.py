"""The trader docs against the code: generated blocks equal what the code renders,
every program error, risk rule and quality verdict has its one explanation heading,
and a change in the code without the docs is caught."""

from __future__ import annotations

import dataclasses
import re

from knowledge import (
    DOCS_DIR,
    IDL_PATH,
    ErrorEntry,
    code_facts,
    heading_problems,
    load_docs,
    render_text,
    replace_market,
    stale_blocks,
)

REPO = IDL_PATH.parents[3]


def _headings() -> list[tuple[str, str]]:
    return [(d.doc_id, s.heading) for d in load_docs(DOCS_DIR) for s in d.sections]


def test_generated_blocks_match_the_code() -> None:
    assert stale_blocks() == [], "docs are out of date: run `python -m knowledge.generate`"


def test_a_changed_market_fee_makes_the_fee_tables_stale() -> None:
    facts = code_facts()
    changed = dataclasses.replace(facts, markets=replace_market(facts.markets, "SOL-PERP", taker_fee_ppm=600))
    stale = {(b.doc, b.name) for b in stale_blocks(changed)}
    assert ("fees.md", "fees") in stale
    assert ("sol-perp.md", "market:SOL-PERP") in stale
    assert ("margin-and-leverage.md", "example:open-long") in stale  # the engine example charges the new fee
    assert ("btc-perp.md", "market:BTC-PERP") not in stale


def test_a_changed_max_leverage_makes_leverage_tables_and_engine_examples_stale() -> None:
    facts = code_facts()
    changed = dataclasses.replace(facts, markets=replace_market(
        facts.markets, "ETH-PERP", max_leverage=10, initial_margin_ppm=100_000))
    stale = {(b.doc, b.name) for b in stale_blocks(changed)}
    assert {("leverage-limits.md", "leverage"), ("leverage-limits.md", "example:max-leverage"),
            ("markets-overview.md", "markets"), ("eth-perp.md", "market:ETH-PERP")} <= stale


def test_a_changed_maintenance_margin_moves_the_worked_liquidation() -> None:
    facts = code_facts()
    changed = dataclasses.replace(facts, markets=replace_market(facts.markets, "SOL-PERP",
                                                                 maintenance_margin_ppm=30_000))
    assert ("liquidation.md", "example:liquidation") in {(b.doc, b.name) for b in stale_blocks(changed)}


def test_a_changed_risk_default_makes_the_risk_table_stale() -> None:
    facts = code_facts()
    limits = facts.risk_limits.model_copy(update={"max_leverage": facts.risk_limits.max_leverage + 1})
    stale = {(b.doc, b.name) for b in stale_blocks(dataclasses.replace(facts, risk_limits=limits))}
    assert ("risk-limits.md", "risk-rules") in stale


def test_a_renamed_error_is_caught_by_table_and_heading_checks() -> None:
    facts = code_facts()
    errors = tuple(ErrorEntry(e.code, "OracleTooOld", e.message) if e.name == "OracleStale" else e
                   for e in facts.errors)
    changed = dataclasses.replace(facts, errors=errors)
    assert ("errors-overview.md", "errors") in {(b.doc, b.name) for b in stale_blocks(changed)}
    problems = heading_problems(changed, _headings())
    assert any(p.startswith("OracleTooOld: 0 headings") for p in problems)


def test_a_renumbered_error_is_caught_by_the_heading_check() -> None:
    facts = code_facts()
    errors = tuple(dataclasses.replace(e, code=e.code + 100) if e.name == "SlippageExceeded" else e
                   for e in facts.errors)
    problems = heading_problems(dataclasses.replace(facts, errors=errors), _headings())
    assert problems == ["SlippageExceeded: heading in errors-orders.md gives code 6021, the program's is 6121"]


def test_a_new_risk_rule_without_docs_is_caught() -> None:
    facts = code_facts()
    changed = dataclasses.replace(facts, risk_rules=(*facts.risk_rules, "max_open_positions"))
    assert any(p.startswith("max_open_positions: 0 headings") for p in heading_problems(changed, _headings()))


def test_every_error_rule_and_quality_verdict_has_exactly_one_heading() -> None:
    assert heading_problems(code_facts(), _headings()) == []


def test_the_rust_engine_lists_the_same_errors_in_the_same_order() -> None:
    source = (REPO / "programs" / "perp_engine" / "src" / "errors.rs").read_text()
    block = source.split("error_codes! {", 1)[1].split("}", 1)[0]
    rust = re.findall(r"^\s*(\w+) => \"(.*)\",$", block, re.MULTILINE)
    assert [(6000 + i, name, msg) for i, (name, msg) in enumerate(rust)] == [
        (e.code, e.name, e.message) for e in code_facts().errors]


def test_an_unknown_block_name_is_refused() -> None:
    text = "# T\n\n<!-- generated:marketz -->\n<!-- /generated -->\n"
    try:
        render_text(text, code_facts(), doc="x.md")
    except KeyError as exc:
        assert "marketz" in str(exc)
    else:
        raise AssertionError("an unknown generated block must be refused")

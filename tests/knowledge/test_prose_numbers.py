"""Numbers the code owns that the docs state in prose (outside generated blocks): each
phrase is built from the code's constant and must appear in its doc, so changing the
constant without the docs fails here."""

from __future__ import annotations

import pytest

from agent.session import MAX_AUDITED_TEXT
from interfaces import ADDRESS_FAILURES, ADDRESS_WINDOW_S, NEAR_LIQUIDATION_PCT
from interfaces.terminal import MIN_HASH_PREFIX
from knowledge import DOCS_DIR, code_facts
from quantdesk.alerts import MAX_ACTIVE_PER_USER
from quantdesk.config import Settings
from quantdesk.engine import MAX_PRICE
from quantdesk.exchange import market_by_symbol, whole
from quantdesk.trading import FAR_FROM_MARK_PCT, max_size
from quantdesk.users import NAME_FAILURES, NAME_WINDOW_S
from tools import REPLAY_NOTE

FACTS = code_facts()
SETTINGS = Settings.model_fields
SOL_MAX = f"{whole(max_size(market_by_symbol('SOL-PERP')), 9):,.2f} SOL"
MAX_PRICE_USD = f"${MAX_PRICE // 10**6:,}"

PHRASES = [
    ("market-orders.md", f"the ticket is made, {FACTS.default_slippage_bps} bps by default"),
    ("order-types.md", f"MIKEY uses {FACTS.default_leverage}x."),
    ("confirmation-gate.md", f"{FACTS.ticket_ttl_s} seconds after it was made"),
    ("approval-refusals.md", f"({FACTS.ticket_ttl_s} seconds after it was made)"),
    ("approving-on-each-surface.md", f"the first {MIN_HASH_PREFIX} or more characters"),
    ("audit-trail.md", f"(the first {MAX_AUDITED_TEXT:,} characters)"),
    ("managing-alerts.md", f"up to {MAX_ACTIVE_PER_USER} active alerts"),
    ("faucet-and-collateral.md", f"deposits {FACTS.welcome_usdc:,} paper USDC"),
    ("web-sign-in.md", f"After {NAME_FAILURES} failed\nsign-ins for one name within {NAME_WINDOW_S / 60:g} minutes"),
    ("web-sign-in.md", f"{ADDRESS_FAILURES} failures from one address within {ADDRESS_WINDOW_S / 60:g} minutes"),
    ("alerts.md", f"({MAX_PRICE_USD})"),
    ("errors-orders.md", f"(prices up to {MAX_PRICE_USD})"),
    ("errors-exchange.md", f"(at most {SOL_MAX};\nprices up to {MAX_PRICE_USD})"),
    ("paper-vs-live.md", f'labelled "{REPLAY_NOTE}"'),
    ("limit-orders.md", f"warns when it\nis more than {FAR_FROM_MARK_PCT}% away either way"),
    ("reading-a-ticket.md", f"with a warning when that is more than {FAR_FROM_MARK_PCT}% either way"),
    ("reading-a-ticket.md", f"The card warns when it is less than {NEAR_LIQUIDATION_PCT}% away"),
    ("web-sign-in.md", f"http://{SETTINGS['host'].default}:{SETTINGS['web_port'].default} by default"),
    ("web-sign-in.md", f"(`{SETTINGS['web_auth_header'].default}` by default)"),
]


@pytest.mark.parametrize("doc, phrase", PHRASES, ids=[f"{d}:{p[:30]}" for d, p in PHRASES])
def test_the_doc_states_the_codes_number(doc: str, phrase: str) -> None:
    text = (DOCS_DIR / doc).read_text()
    assert " ".join(phrase.split()) in " ".join(text.split()), f"{doc} should say {phrase!r}"

"""The numbers and names the code owns, gathered in one value for the docs.

Every table the trader docs show about markets, fees, leverage caps, error codes,
risk rules and the quality gate is rendered from a :class:`CodeFacts`; nothing in
a generated block is typed by hand. ``code_facts()`` reads the code as it is;
tests build a changed copy (``dataclasses.replace``) to show that a parameter
change is caught.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from quantdesk.config import Settings
from quantdesk.engine import ERROR_CLASSES, MAX_OPEN_ORDERS, MAX_POSITIONS, ErrorCode, ExchangeParams
from quantdesk.exchange import MARKETS, MarketSpec
from quantdesk.exchange.paper import EXCHANGE_PARAMS, WELCOME_USDC
from quantdesk.market import Quality
from quantdesk.risk import OrderRisk, RiskLimits, evaluate
from quantdesk.tickets import DEFAULT_TTL
from quantdesk.trading import DEFAULT_LEVERAGE, DEFAULT_SLIPPAGE_BPS

__all__ = ["CodeFacts", "ErrorEntry", "code_facts", "IDL_PATH"]

IDL_PATH = Path(__file__).resolve().parents[1] / "programs" / "quantdesk_perp" / "idl" / "quantdesk_perp.json"


@dataclass(frozen=True)
class ErrorEntry:
    code: int
    name: str
    message: str


@dataclass(frozen=True)
class CodeFacts:
    markets: tuple[MarketSpec, ...]
    exchange: ExchangeParams
    errors: tuple[ErrorEntry, ...]
    risk_rules: tuple[str, ...]  # in the order the risk check runs them
    risk_limits: RiskLimits  # a new trader's defaults
    qualities: tuple[str, ...]
    price_max_age_s: int
    price_max_conf_ratio: Decimal
    ticket_ttl_s: int
    default_slippage_bps: int
    default_leverage: int
    welcome_usdc: int
    max_positions: int
    max_open_orders: int


def _errors() -> tuple[ErrorEntry, ...]:
    """The program errors of the Python engine, checked against the program's IDL:
    the two must list the same codes, names and messages (the Anchor program and the
    Rust engine are held to the IDL by their own tests)."""
    engine = tuple(ErrorEntry(int(c), c.name, ERROR_CLASSES[c].message) for c in ErrorCode)
    idl = tuple(ErrorEntry(e["code"], e["name"], e["msg"]) for e in json.loads(IDL_PATH.read_text())["errors"])
    if engine != idl:
        raise RuntimeError("the engine's error list and the IDL's differ; rebuild the IDL before the docs")
    return engine


def _risk_rule_names(limits: RiskLimits) -> tuple[str, ...]:
    """The rule names exactly as the risk check reports them, read by running it once."""
    probe = OrderRisk(
        market="SOL-PERP", market_max_leverage=Decimal(1), reduces_exposure=False, order_notional_usd=Decimal(1),
        position_notional_after_usd=Decimal(1), leverage=Decimal(1), oracle_price=Decimal(1), oracle_quality="ok",
        oracle_quality_detail="ok", worst_fill_price=Decimal(1), liquidation_price_after=Decimal("0.5"),
        daily_pnl_usd=Decimal(0))
    return tuple(r.rule for r in evaluate(limits, probe).results)


def code_facts() -> CodeFacts:
    limits = RiskLimits()
    gate = Settings.model_fields
    return CodeFacts(
        markets=MARKETS,
        exchange=ExchangeParams(**EXCHANGE_PARAMS),
        errors=_errors(),
        risk_rules=_risk_rule_names(limits),
        risk_limits=limits,
        qualities=tuple(q.value for q in Quality),
        price_max_age_s=gate["price_max_age_s"].default,
        price_max_conf_ratio=gate["price_max_conf_ratio"].default,
        ticket_ttl_s=int(DEFAULT_TTL.total_seconds()),
        default_slippage_bps=DEFAULT_SLIPPAGE_BPS,
        default_leverage=DEFAULT_LEVERAGE,
        welcome_usdc=WELCOME_USDC,
        max_positions=MAX_POSITIONS,
        max_open_orders=MAX_OPEN_ORDERS,
    )

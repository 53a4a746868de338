"""Pre-trade risk: per-user limits and the checks run at preparation and again at execution."""

from quantdesk.risk._rules import (
    ALL_MARKETS,
    OrderRejectedByRisk,
    OrderRisk,
    RiskLimits,
    RiskReport,
    RuleResult,
    evaluate,
)
from quantdesk.risk._store import RiskLimitStore

__all__ = ["ALL_MARKETS", "OrderRejectedByRisk", "OrderRisk", "RiskLimitStore", "RiskLimits", "RiskReport",
           "RuleResult", "evaluate"]

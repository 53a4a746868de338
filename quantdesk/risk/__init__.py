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

__all__ = ["ALL_MARKETS", "OrderRejectedByRisk", "OrderRisk", "RiskLimits", "RiskReport", "RuleResult", "evaluate"]

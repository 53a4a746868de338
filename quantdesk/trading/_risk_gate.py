"""The risk gate between planning and the ticket desk: the trader's limits on a
simulated outcome, on the same gated price the order was built and simulated with.
It runs when an order is planned and again, on the day's state, before signing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from solders.pubkey import Pubkey

from quantdesk.exchange import MarketSpec
from quantdesk.risk import RiskLimits, RiskReport, evaluate
from quantdesk.tickets import SimulatedOutcome
from quantdesk.trading._outcomes import order_risk
from quantdesk.trading._wallets import UserWallets


class RiskGate:
    def __init__(self, wallets: UserWallets, clock: Callable[[], datetime],
                 limits: Callable[[str], RiskLimits] = lambda _user: RiskLimits(),
                 daily_pnl: Callable[[Pubkey, datetime], Decimal] | None = None) -> None:
        self._wallets = wallets
        self._clock = clock
        self._limits = limits
        self._daily_pnl = daily_pnl

    def check(self, user_id: str, spec: MarketSpec, gated: Any, outcome: SimulatedOutcome,
              bound: int | None) -> RiskReport:
        """Every rule's verdict on the order; ``bound`` is its price bound in engine units (None: none)."""
        signer, _ = self._wallets.signer_for(user_id)
        # Realized PnL net of fees and funding since 24 h ago; venues without a history report none.
        daily = Decimal(0) if self._daily_pnl is None else self._daily_pnl(signer.pubkey, self._clock())
        return evaluate(self._limits(user_id), order_risk(spec, outcome, gated, bound, daily))

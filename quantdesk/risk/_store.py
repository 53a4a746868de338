"""Per-user limits in Postgres. Limits change only through this store (an
operator's CLI or API call), never through the agent: no tool can write them."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from quantdesk.risk._rules import RiskLimits


class RiskLimitStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def get(self, user_id: str) -> RiskLimits:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT limits FROM risk_limits WHERE user_id = %s", (user_id,)).fetchone()
        return RiskLimits() if row is None else RiskLimits.model_validate(row[0])

    def update(self, user_id: str, changes: dict[str, Any], *, by: str) -> RiskLimits:
        """Apply ``changes`` to the user's limits (validated as a whole) and store them."""
        current = self.get(user_id)
        updated = RiskLimits.model_validate({**current.model_dump(), **changes})
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO risk_limits (user_id, limits, updated_by) VALUES (%s, %s, %s) "
                "ON CONFLICT (user_id) DO UPDATE SET limits = EXCLUDED.limits, updated_at = now(), "
                "updated_by = EXCLUDED.updated_by",
                (user_id, Jsonb(updated.model_dump(mode="json")), by),
            )
        return updated

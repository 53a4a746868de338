"""What the paper venue's keepers did on a trader's account: resting orders that
filled, stop-losses and take-profits that triggered, liquidations. These happen
without the trader asking, so the chat surfaces push them (interfaces/_push.py).

An event is the keepers' when its transaction was paid for by someone other than
the trader: everything the trader sends is signed and paid by their own wallet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool
from solders.pubkey import Pubkey

from quantdesk import display as show
from quantdesk.exchange._markets import MARKETS
from quantdesk.exchange._views import whole
from quantdesk.units import usd

Cursor = tuple[datetime, str, int]  # (at, signature, index) of the last event seen

_KINDS = {"limit": "limit order", "stop_loss": "stop-loss", "take_profit": "take-profit", "market": "order"}
_SQL = """
SELECT e.at, e.signature, e.idx, e.name, e.data, placed.data->>'kind'
FROM paper_events e
JOIN paper_transactions t ON t.signature = e.signature
LEFT JOIN LATERAL (
    SELECT p.data FROM paper_events p
    WHERE p.name = 'OrderPlaced' AND p.owner = e.owner AND p.data->>'order_id' = e.data->>'order_id'
    LIMIT 1
) placed ON e.name = 'OrderFilled'
WHERE e.owner = %(owner)s AND t.fee_payer <> %(owner)s AND e.name IN ('OrderFilled', 'Liquidated')
  AND (e.at, e.signature, e.idx) > (%(at)s, %(signature)s, %(idx)s)
ORDER BY e.at, e.signature, e.idx
LIMIT 50
"""


@dataclass(frozen=True)
class KeeperAction:
    cursor: Cursor
    kind: str  # "fill" or "liquidation"
    text: str


def keeper_actions(pool: ConnectionPool, owner: Pubkey, after: Cursor) -> list[KeeperAction]:
    """The keepers' fills and liquidations on ``owner``'s account since ``after``, oldest first."""
    with pool.connection() as conn:
        rows = conn.execute(_SQL, {"owner": str(owner), "at": after[0], "signature": after[1],
                                   "idx": after[2]}).fetchall()
    return [KeeperAction((at, signature, idx), "fill" if name == "OrderFilled" else "liquidation",
                         _fill_text(data, kind) if name == "OrderFilled" else _liquidation_text(data))
            for at, signature, idx, name, data, kind in rows]


def _fill_text(fill: dict[str, Any], kind: str | None) -> str:
    spec = MARKETS[int(fill["market_index"])]
    what = _KINDS.get(kind or "", "order")
    verb = "filled" if kind in (None, "limit", "market") else "triggered and filled"
    traded = "bought" if fill["side"] == "buy" else "sold"
    text = (f"Your {what} #{fill['order_id']} {verb}: {traded} {whole(int(fill['size']), spec.base_decimals):f} "
            f"{spec.symbol} at {show.price(spec, usd(int(fill['price'])))}, fee {show.money(usd(int(fill['fee'])))}")
    if int(fill["realized_pnl"]):
        text += f", realized PnL {show.signed_money(usd(int(fill['realized_pnl'])))}"
    after = whole(int(fill["position_base"]), spec.base_decimals)
    if not after:
        return text + ". Position closed."
    return text + f". Position now {'long' if after > 0 else 'short'} {show.size(spec, abs(after))}."


def _liquidation_text(event: dict[str, Any]) -> str:
    spec = MARKETS[int(event["market_index"])]
    size = show.size(spec, abs(spec.size(int(event["base"]))))
    return (f"Your {spec.symbol} position ({size}) was liquidated at {show.price(spec, usd(int(event['price'])))}: "
            f"realized PnL {show.signed_money(usd(int(event['realized_pnl'])))}, liquidation fee "
            f"{show.money(usd(int(event['liquidation_fee'])))}; {show.money(usd(int(event['payout'])))} went back to "
            "your free collateral.")

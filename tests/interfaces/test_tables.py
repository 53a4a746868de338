"""Positions, orders and fills as tables: every number formatted, ROE and the
liquidation distance computed, a stop shown at its trigger (not its bound)."""

from __future__ import annotations

from decimal import Decimal

from interfaces import fills_table, orders_table, positions_table


def test_a_position_row_has_upnl_roe_and_liquidation_distance() -> None:
    table = positions_table([{"market": "SOL-PERP", "side": "long", "size": "2", "entry_price": "150.045000",
                              "mark_price": "151.000000", "unrealized_pnl": "1.910000", "margin": "60.018000",
                              "liquidation_price": "121.190000", "leverage": "5.00"}])
    header, _marks, row = table.split("\n")
    assert header == "| Market | Position | Entry | Mark | uPnL (ROE) | Margin | Liq. (away) |"
    assert row == "| SOL-PERP | LONG 2 SOL | $150.045 | $151.000 | +$1.91 (+3.2%) | $60.02 | $121.190 (19.7%) |"


def test_an_order_row_shows_a_stops_trigger_and_its_distance_from_the_mark() -> None:
    table = orders_table([{"order_id": "4", "market": "SOL-PERP", "kind": "stop_loss", "side": "sell", "size": "1",
                           "price": "None", "trigger_price": "140.000000", "reduce_only": "True"}],
                         {"SOL-PERP": Decimal("150")})
    assert table.split("\n")[2] == "| #4 | SOL-PERP | stop-loss | SELL | 1 SOL | $140.000 | -6.7% | yes |"


def test_a_fill_row() -> None:
    table = fills_table([{"at": "2026-11-24T12:00:05+00:00", "market": "BTC-PERP", "side": "sell", "size": "0.01",
                          "price": "95000.100000", "fee": "0.475000", "realized_pnl": "-3.200000"}])
    assert table.split("\n")[2] == "| 11-24 12:00:05 | BTC-PERP | SELL | 0.01 BTC | $95,000.1 | $0.48 | -$3.20 |"

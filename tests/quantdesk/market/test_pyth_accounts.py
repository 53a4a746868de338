"""On-chain account decoding on the real Pyth account bytes in
shared/data/pyth_accounts: legacy push accounts via pythclient, PriceUpdateV2
via our decoder, against the values PROVENANCE.md and decoded.json record."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from quantdesk.market import (
    DecodeError,
    Quality,
    QualityGate,
    decode_legacy_price,
    decode_price_account,
    decode_price_update_v2,
)
from tests.quantdesk.market.conftest import ACCOUNTS, BTC, ETH, SOL, legacy_account, v2_account

V2_RECORDED = json.loads((ACCOUNTS / "price_update_v2" / "decoded.json").read_text())


def test_legacy_aapl_account_matches_what_pythclients_own_test_asserts() -> None:
    address, data = legacy_account("aapl")
    acc = decode_legacy_price(data, address=address)
    assert (acc.price, acc.conf, acc.expo, acc.status) == (23623373, 14454, -5, "trading")
    assert (acc.pub_slot, acc.num_components, acc.min_publishers) == (197635583, 29, 3)
    assert acc.publish_time == 1739388661  # 2025-02-12T19:31:01Z
    assert (acc.ema_price, acc.ema_conf) == (23569740, 14195)
    assert acc.product_account == "3mkwqdkawySvAm1VjD4f2THN5mmXzb76fvft2hWpAANo"


def test_legacy_sol_devnet_account_2021_layout_price_fields() -> None:
    address, data = legacy_account("sol_usd_price")
    acc = decode_legacy_price(data, address=address)
    assert (acc.price, acc.conf, acc.expo, acc.status, acc.pub_slot) == (32112500000, 30000000, -9, "trading",
                                                                         64338668)
    assert acc.num_components == 3


def test_legacy_price_older_than_max_latency_slots_is_unknown_and_gated_halted() -> None:
    address, data = legacy_account("aapl")
    fresh = decode_legacy_price(data, address=address, current_slot=197635583 + 10)
    late = decode_legacy_price(data, address=address, current_slot=197635583 + 51)  # max_latency is 50
    assert fresh.status == "trading" and late.status == "unknown"
    gate = QualityGate(max_age_s=10**9, max_conf_ratio=Decimal("0.01"))
    assert gate.assess("AAPL/USD", late.to_update("aa" * 32), now=1739388661).quality is Quality.HALTED


def test_legacy_product_account_is_not_taken_for_a_price() -> None:
    address, data = legacy_account("bch_usd_product")
    with pytest.raises(DecodeError, match="not a legacy Pyth v2 price account"):
        decode_legacy_price(data, address=address)


@pytest.mark.parametrize("entry", V2_RECORDED, ids=lambda e: e["file"].split("/")[-1][:30])
def test_price_update_v2_accounts_decode_to_the_recorded_fields(entry: dict) -> None:
    address, data = v2_account(entry["file"].split("/")[-1][:-4])
    got = decode_price_update_v2(data)
    want = entry["decoded"]
    assert got.write_authority == want["write_authority"] == address
    assert got.feed_id == want["feed_id"]
    assert (got.price, got.conf, got.expo) == (want["price"], want["conf"], want["exponent"])
    assert (got.publish_time, got.prev_publish_time) == (want["publish_time"], want["prev_publish_time"])
    assert (got.ema_price, got.ema_conf, got.posted_slot) == (want["ema_price"], want["ema_conf"], want["posted_slot"])
    level = want["verification_level"]
    assert got.verification == ("full" if level == "Full" else "partial")
    assert got.num_signatures == (None if level == "Full" else level["Partial"]["num_signatures"])


def test_sponsored_sol_account_is_the_value_provenance_records() -> None:
    _, data = v2_account("sol_usd_7UVimffx")
    update = decode_price_update_v2(data).to_update()
    assert update.value == Decimal("134.67731930") and update.publish_time == 1718727936


def test_bonk_account_matches_the_prices_drift_asserts() -> None:
    # Drift asserts oracle price 34552600 and TWAP 33576300 = price/ema at expo -10 scaled by 1e6 * 1e6.
    acc = decode_price_update_v2(v2_account("bonk")[1])
    assert acc.price * 10**12 // 10**10 == 34552600 and acc.ema_price * 10**12 // 10**10 == 33576300


def test_account_for_another_feed_is_refused() -> None:
    address, data = v2_account("wbtc")
    with pytest.raises(DecodeError, match="holds feed c9d8b075…, not the expected e62df6c8…"):
        decode_price_account(data, address=address, feed_id=BTC)


def test_either_layout_is_detected_by_its_first_bytes() -> None:
    v2_address, v2_data = v2_account("eth")
    assert decode_price_account(v2_data, address=v2_address, feed_id=ETH).price == 240864500000
    legacy_address, legacy_data = legacy_account("sol_usd_price")
    assert decode_price_account(legacy_data, address=legacy_address, feed_id=SOL).expo == -9


def test_truncated_and_foreign_bytes_are_decode_errors() -> None:
    _, data = v2_account("eth")
    with pytest.raises(DecodeError, match="truncated"):
        decode_price_update_v2(data[:60])
    with pytest.raises(DecodeError, match="neither a PriceUpdateV2 nor a legacy"):
        decode_price_account(b"\x00" * 134, address="x", feed_id=ETH)

"""Hermes v2 bodies parse into exact integers: the real recorded bodies from
shared/data/hermes, with the values their parsed sections hold."""

from __future__ import annotations

import json

import pytest

from quantdesk.market import DecodeError, parse_price_update_json, parse_price_updates
from tests.quantdesk.market.conftest import BTC, ETH, btc_latest_body, eth_updates_x3


def test_latest_body_for_btc_parses_to_the_recorded_integers() -> None:
    [u] = parse_price_updates(btc_latest_body())
    assert (u.feed_id, u.price, u.conf, u.expo, u.publish_time) == (BTC, 5190075917635, 2661582364, -8, 1708363256)
    assert (u.ema_price, u.ema_conf, u.slot) == (5209141800000, 3290086600, 125976528)
    assert u.source == "hermes" and u.status == "trading"
    assert str(u.value) == "51900.75917635"


def test_three_consecutive_eth_updates_parse_in_order() -> None:
    updates = parse_price_updates(eth_updates_x3())
    assert [u.publish_time for u in updates] == [1760551460, 1760551461, 1760551462]
    assert all(u.feed_id == ETH and u.expo == -8 for u in updates)
    first = updates[0]
    assert (first.price, first.conf, first.ema_price, first.ema_conf) == (397647905193, 163008278, 397907010000,
                                                                          167183382)


def test_price_given_as_a_float_is_rejected_not_rounded() -> None:
    body = btc_latest_body()
    body["parsed"][0]["price"]["price"] = "51900.75"
    with pytest.raises(DecodeError, match="parsed.0.price.price"):
        parse_price_updates(body)


def test_malformed_json_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="malformed JSON"):
        parse_price_update_json('{"binary": {"encoding": "hex", "data": [')


def test_a_body_without_the_v2_shape_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="not a v2 price update"):
        parse_price_update_json(json.dumps({"parsed": [{"id": BTC}]}))


def test_feed_ids_with_0x_prefix_are_normalised() -> None:
    body = btc_latest_body()
    body["parsed"][0]["id"] = "0x" + BTC.upper()
    assert parse_price_updates(body)[0].feed_id == BTC

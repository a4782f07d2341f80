"""Which odds format a The Odds API file is in: decided by its prices, never by one of them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from odds.prices import looks_american
from scraping.sources.theoddsapi import parse_file
from tests.scraping.sources.test_theoddsapi import FIXTURES, _split


@pytest.mark.parametrize(
    ("prices", "american"),
    [
        ([-148, 320, 275], True),
        ([150, 300], True),  # two whole prices of 100 or more
        ([150], False),  # one value decides nothing
        ([-150], False),
        ([1.15, 15.5, -150], False),  # one negative price in a decimal file
        ([1.15, 15.5, -2.5], False),
        ([-148, 320, -50, 0, 1.0, "abc"], True),  # bad in either format: no vote
        ([101, 151, 201, 8.5], False),  # decimal longshots beside a favourite
        ([], False),
    ],
)
def test_american_needs_more_than_one_price_and_no_decimal_one(prices, american):
    assert looks_american(prices) is american


def test_one_negative_price_in_a_decimal_file_is_its_error_and_the_rest_is_stored(tmp_path):
    original = FIXTURES / "markets-decimal.json"
    events = json.loads(original.read_text())
    btts = events[0]["bookmakers"][0]["markets"][4]
    assert btts["key"] == "btts" and btts["outcomes"][0] == {"name": "Yes", "price": 1.7}
    btts["outcomes"][0]["price"] = -150
    broken = tmp_path / "one-negative.json"
    broken.write_text(json.dumps(events))

    expected, _ = _split(parse_file(original))
    captures, problems = _split(parse_file(broken))

    (problem,) = problems
    assert problem.error_type == "bad_price"
    assert problem.context["price"] == -150 and problem.context["odds_format"] == "decimal"
    assert problem.context["market_key"] == "btts"
    # Everything else is read as decimal, exactly as in the untouched file.
    assert len(captures) == len(expected)
    for got, want in zip(captures, expected, strict=True):
        kept = [m for m in want.markets if not (got is captures[0] and m.key == "btts")]
        assert got.markets == tuple(kept)
    (bayern_h2h,) = [m for m in captures[0].markets if m.identity == ("h2h", "full_time", None)]
    assert {o.name: o.price for o in bayern_h2h.outcomes}["home"] == Decimal("1.15")


def test_real_american_files_still_read_as_american(shared_data: Path):
    captures, problems = _split(parse_file(shared_data / "theoddsapi" / "soccer_epl.2022-12.json"))
    assert not problems and captures
    raw_prices = {
        o["price"]
        for e in json.loads((shared_data / "theoddsapi" / "soccer_epl.2022-12.json").read_text())
        for b in e["bookmakers"]
        for m in b["markets"]
        for o in m["outcomes"]
    }
    assert all(isinstance(p, int) and abs(p) >= 100 for p in raw_prices)
    stored = {o.price for c in captures for m in c.markets for o in m.outcomes}
    # Read as American: the longest price +p is 1 + p/100, the shortest -q is 1 + 100/q.
    assert max(stored) == 1 + Decimal(max(raw_prices)) / 100
    assert min(stored) == (1 + Decimal(100) / -min(raw_prices)).quantize(Decimal("0.0001"))

"""The movers and dropping odds pages on two real captures of The Odds API history
(2026-01-10 01:08:42 and 03:06:17 UTC, American odds), checked against the moves worked
out here from the two raw envelopes: per (event, bookmaker, market, line) present in
both captures, each outcome whose price differs, for events not started by the second."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from odds.admin.display import price_text
from odds.models import Event, Sport, Tournament
from tests.factories import rolled_back

FILES = ("2026-01-10T010842Z.json.gz", "2026-01-10T030617Z.json.gz")
AT = "2026-01-10T03:07:17Z"  # a minute after the second capture: its prices are fresh


def american(price) -> Decimal:
    """American odds as decimal odds, to 4 places (-148 -> 1.6757, 112 -> 2.12)."""
    p = Decimal(str(price))
    exact = 1 + p / 100 if p > 0 else 1 + Decimal(100) / -p
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def markets_of(event: dict, bookmaker: dict) -> dict:
    """{(key, line): {role: price}}: outcomes by role (the event's home/away team,
    over/under), the line of a spread its home point, of a total its over point."""
    roles = {event["home_team"]: "home", event["away_team"]: "away"}
    found = {}
    for market in bookmaker["markets"]:
        outcomes = {roles.get(o["name"], o["name"].lower()): o for o in market["outcomes"]}
        point = {"spreads": "home", "totals": "over"}.get(market["key"])
        line = Decimal(str(outcomes[point]["point"])).normalize() if point else None
        found[(market["key"], line)] = {r: american(o["price"]) for r, o in outcomes.items()}
    return found


def change_text(before: Decimal, after: Decimal) -> str:
    change = (Fraction(after) / Fraction(before) - 1) * 100
    exact = Decimal(change.numerator) / Decimal(change.denominator)
    return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):+} %"


def moves_by_hand(first: dict, second: dict) -> list[dict]:
    when = datetime.fromisoformat(second["timestamp"].replace("Z", "+00:00"))
    earlier = {
        (e["id"], b["key"]): markets_of(e, b) for e in first["data"] for b in e["bookmakers"]
    }
    moves = []
    for event in second["data"]:
        start = datetime.fromisoformat(event["commence_time"].replace("Z", "+00:00"))
        if start <= when:
            continue  # the second capture is in play: not a pre-match move
        for book in event["bookmakers"]:
            before = earlier.get((event["id"], book["key"]), {})
            for (key, line), prices in markets_of(event, book).items():
                for role, price in prices.items():
                    old = before.get((key, line), {}).get(role)
                    if old is not None and old != price:
                        moves.append(
                            {
                                "raw": event["id"],
                                "sport_key": event["sport_key"],
                                "bookmaker": book["key"],
                                "market": key if line is None else f"{key} {line}",
                                "outcome": role,
                                "from": price_text(old),
                                "to": price_text(price),
                                "change": change_text(old, price),
                                "shortened": price < old,
                            }
                        )
    return moves


@pytest.fixture(scope="module")
def captures(django_db_setup, django_db_blocker, shared_data):
    folder = shared_data / "theoddsapi-history"
    envelopes = [json.loads(gzip.decompress((folder / name).read_bytes())) for name in FILES]
    with django_db_blocker.unblock(), rolled_back():
        for name in FILES:
            call_command(
                "ingest", "theoddsapi", str(folder / name), "--no-progress", stdout=StringIO()
            )
        yield envelopes


@pytest.fixture
def expected(captures) -> list[dict]:
    urls = {
        raw: reverse("admin:odds_event_change", args=[pk])
        for raw, pk in Event.objects.values_list("aliases__external_id", "pk")
    }
    moves = moves_by_hand(*captures)
    for move in moves:
        move["event_url"] = urls[move["raw"]]
    assert 20 < len(moves) < 500  # enough to mean something, all on one page
    return moves


FIELDS = ("event_url", "bookmaker", "market", "outcome", "from", "to", "change", "shortened")


def page_rows(admin_client, name: str, query: str) -> list[dict]:
    response = admin_client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    return response.context["rows"]


def comparable(rows) -> list[tuple]:
    return sorted(tuple(row[f] for f in FIELDS) for row in rows)


def changes(rows) -> list[Decimal]:
    return [Decimal(row["change"].removesuffix(" %")) for row in rows]


@pytest.mark.django_db
def test_movers_page_lists_every_move_between_the_captures(admin_client, expected):
    rows = page_rows(admin_client, "odds_movers", f"window=6h&at={AT}&limit=500")
    assert comparable(rows) == comparable(expected)
    sizes = [abs(c) for c in changes(rows)]
    assert sizes == sorted(sizes, reverse=True)  # the largest moves first
    # The limit keeps the largest.
    top = page_rows(admin_client, "odds_movers", f"window=6h&at={AT}&limit=5")
    assert [r["change"] for r in top] == [r["change"] for r in rows[:5]]


@pytest.mark.django_db
def test_movers_window_ends_at_the_time_asked_about(admin_client, expected):
    # Up to a minute after the first capture, nothing has moved yet.
    rows = page_rows(admin_client, "odds_movers", "window=1h&at=2026-01-10T01:09:42Z")
    assert rows == []


@pytest.mark.django_db
def test_dropping_odds_are_the_shortening_moves_of_a_tournament_or_sport(admin_client, expected):
    nba = Tournament.objects.get(key="basketball_nba")
    rows = page_rows(admin_client, "odds_dropping", f"until={AT}&window=6h&tournament={nba.pk}")
    wanted = [m for m in expected if m["shortened"] and m["sport_key"] == "basketball_nba"]
    assert wanted and comparable(rows) == comparable(wanted)
    assert changes(rows) == sorted(changes(rows))  # the biggest drop first

    hockey = Sport.objects.get(key="icehockey")
    rows = page_rows(admin_client, "odds_dropping", f"until={AT}&window=6h&sport={hockey.pk}")
    wanted = [m for m in expected if m["shortened"] and m["sport_key"].startswith("icehockey")]
    assert wanted and comparable(rows) == comparable(wanted)

    everything = page_rows(admin_client, "odds_dropping", f"until={AT}&window=6h&limit=500")
    assert comparable(everything) == comparable([m for m in expected if m["shortened"]])


@pytest.mark.django_db
def test_dropping_odds_since_and_until_bound_the_window(admin_client, expected):
    # From just after the first capture: its prices are the ones in force at the start
    # of the window, the second capture's the newest; the same drops as over 6 hours.
    query = f"since=2026-01-10T01:09:00Z&until={AT}&limit=500"
    rows = page_rows(admin_client, "odds_dropping", query)
    assert comparable(rows) == comparable([m for m in expected if m["shortened"]])
    # Up to before the second capture only the first capture's rows are in the window:
    # each market's first price is also its newest, so nothing moved.
    query = "since=2026-01-10T00:00:00Z&until=2026-01-10T02:00:00Z&limit=500"
    assert page_rows(admin_client, "odds_dropping", query) == []


@pytest.mark.django_db
def test_the_pages_cost_a_fixed_number_of_queries(
    admin_client, expected, django_assert_max_num_queries
):
    # Session and user, then the read API's few statements for every market at once
    # (movers: the window, listings, events, confirmations, two probes); dropping odds
    # adds its event filter and the sport and tournament pickers. None grows with the
    # number of moves (over a hundred here).
    with django_assert_max_num_queries(8):
        page_rows(admin_client, "odds_movers", f"window=6h&at={AT}&limit=500")
    with django_assert_max_num_queries(11):
        page_rows(admin_client, "odds_dropping", f"until={AT}&window=6h&limit=500")
    with django_assert_max_num_queries(8):
        page_rows(admin_client, "odds_arbitrage", f"at={AT}&in_play=1")

"""The read API on real OddsHarvester output (one EPL match, five bookmakers, several
markets, captures at different times), against the raw JSON read here."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command

from odds.models import Event
from odds.selectors import best_prices, latest_odds, margins, market_history
from tests.factories import rolled_back

# raw market list -> (market key, line, {raw label: outcome role})
MARKETS = {
    "1x2_market": ("h2h", None, {"1": "home", "X": "draw", "2": "away"}),
    "btts_market": ("btts", None, {"btts_yes": "yes", "btts_no": "no"}),
    "double_chance_market": (
        "double_chance",
        None,
        {"1X": "home_draw", "12": "home_away", "X2": "draw_away"},
    ),
    "over_under_1_5_market": (
        "totals",
        Decimal("1.5"),
        {"odds_over": "over", "odds_under": "under"},
    ),
    "over_under_2_5_market": (
        "totals",
        Decimal("2.5"),
        {"odds_over": "over", "odds_under": "under"},
    ),
}
PERIODS = {"FullTime": "full_time", "FirstHalf": "first_half"}
# These captures were scraped in 2026 from OddsPortal's archive of a February 2025 match:
# seen after the start, so the pricing answers leave them out unless asked.
ARCHIVED = {"in_play": True, "max_age": None}


def book_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def observations(folder) -> list[tuple[datetime, str, tuple, dict]]:
    """(scraped at, bookmaker, (key, period, line), {role: price}) of every raw entry."""
    seen = []
    for path in sorted(folder.rglob("*.json")):
        if path.name == "metadata.json":
            continue
        for record in json.loads(path.read_text()):
            at = datetime.strptime(record["scraped_date"], "%Y-%m-%d %H:%M:%S UTC")
            for list_key, (key, line, labels) in MARKETS.items():
                for entry in record.get(list_key) or []:
                    ident = (key, PERIODS[entry["period"]], line)
                    prices = {role: Decimal(entry[label]) for label, role in labels.items()}
                    seen.append(
                        (at.replace(tzinfo=UTC), book_key(entry["bookmaker_name"]), ident, prices)
                    )
    return sorted(seen, key=lambda o: o[0])


ROLES = ["home", "draw", "away", "over", "under", "yes", "no"]


def role_order(name: str) -> tuple[int, str]:
    """The documented outcome order: these roles first, then by name."""
    return (ROLES.index(name) if name in ROLES else len(ROLES), name)


def in_force(seen, at: datetime) -> dict[tuple, dict]:
    """{(bookmaker, ident): prices}: each bookmaker's newest entry of each market by ``at``."""
    return {(book, ident): prices for t, book, ident, prices in seen if t <= at}


@pytest.fixture(scope="module")
def seen(django_db_setup, django_db_blocker, shared_data):
    folder = shared_data / "oddsharvester"
    with django_db_blocker.unblock(), rolled_back():
        call_command("ingest", "oddsharvester", str(folder), "--no-progress", stdout=StringIO())
        yield observations(folder)


def prices(quote) -> dict:
    return {o.name: o.price for o in quote.outcomes}


@pytest.mark.django_db
def test_latest_odds_at_every_capture_time(seen):
    event = Event.objects.get()
    for at in sorted({o[0] for o in seen}):
        quotes = latest_odds(event, at=at)
        got = {(q.bookmaker, (q.market_key, q.period, q.line)): prices(q) for q in quotes}
        assert got == in_force(seen, at)


@pytest.mark.django_db
def test_best_prices_across_the_five_bookmakers(seen):
    event = Event.objects.get()
    at = seen[-1][0]
    current = in_force(seen, at)
    idents = {ident for _, ident in current}
    assert len(idents) == 6
    for key, period, line in idents:
        books = {b: p for (b, i), p in current.items() if i == (key, period, line)}
        names = sorted(next(iter(books.values())), key=role_order)
        expected = []
        for name in names:
            top = max(p[name] for p in books.values())
            expected.append(
                (name, top, tuple(sorted(b for b, p in books.items() if p[name] == top)))
            )
        best = best_prices(event, key, period=period, line=line, at=at, **ARCHIVED)
        assert [(b.outcome, b.price, b.bookmakers) for b in best] == expected
    assert best_prices(event, "h2h", at=at) == []  # pre-match by default: none after kick-off
    # The 1X2 by hand: home 3.65 Winamax, draw 3.80 Unibet and Winamax, away 1.98 Bets.io.
    best = best_prices(event.pk, "h2h", **ARCHIVED)
    assert [(b.outcome, str(b.price), b.bookmakers) for b in best] == [
        ("home", "3.65", ("winamax",)),
        ("draw", "3.8", ("unibet_fr", "winamax")),
        ("away", "1.98", ("bets_io",)),
    ]


@pytest.mark.django_db
def test_margins_are_the_overround_of_the_raw_prices(seen):
    event = Event.objects.get()
    current = in_force(seen, seen[-1][0])
    for key, period, line in [
        ("h2h", "full_time", None),
        ("totals", "full_time", Decimal("2.5")),
        ("btts", "full_time", None),
    ]:
        books = {b: p for (b, i), p in current.items() if i == (key, period, line)}
        got = margins(event, key, period=period, line=line, **ARCHIVED)
        assert [m.bookmaker for m in got] == sorted(books)
        for m in got:
            inverse = {n: 1 / Fraction(p) for n, p in books[m.bookmaker].items()}
            total = sum(inverse.values())
            exact = Decimal(total.numerator) / Decimal(total.denominator) - 1
            assert m.overround == exact.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)
            assert sum(m.probabilities.values()) == 1
            for name, value in inverse.items():
                assert abs(Fraction(m.probabilities[name]) - value / total) < Fraction(1, 10**6)
    # Betclic's 1X2 3.50 / 3.67 / 1.96: 0.2857143 + 0.2724796 + 0.5102041 - 1 = 0.068398
    betclic = next(m for m in margins(event, "h2h", **ARCHIVED) if m.bookmaker == "betclic_fr")
    assert betclic.overround == Decimal("0.068398")
    # Double chance outcomes overlap: no margin is defined for them.
    assert margins(event, "double_chance", **ARCHIVED) == []


@pytest.mark.django_db
def test_market_history_of_unchanged_prices_is_their_first_capture(seen):
    event = Event.objects.get()
    path = market_history(event, "h2h", period="first_half", bookmaker="betclic_fr")
    first = next(o for o in seen if o[1] == "betclic_fr" and o[2] == ("h2h", "first_half", None))
    assert [(q.captured_at, prices(q)) for q in path] == [(first[0], first[3])]
    assert (
        market_history(event, "h2h", period="first_half", until=first[0] - timedelta(seconds=1))
        == []
    )

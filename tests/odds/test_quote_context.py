"""What an answer means: confirmation, freshness, in-play, commission, strict arguments.

Hand-built captures with answers worked out by hand, and the real The Odds API EPL file
(with Betfair exchange prices) checked against the raw JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command

from odds.ingest import ingest_captures
from odds.models import Bookmaker, Event
from odds.selectors import (
    arbitrage,
    best_prices,
    latest_odds,
    main_line,
    margins,
    market_history,
    movers,
    opening_closing,
)
from tests.odds.test_selectors import (
    KICKOFF,
    cap,
    h2h,
    market,
    minutes,
    the_event,
    two_books,  # noqa: F401 (a fixture)
    upcoming,
)

D = Decimal


# --- confirmation -------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_unchanged_capture_confirms_only_the_markets_in_its_scope():
    ingest_captures(
        [
            cap(
                minutes(0),
                h2h("2.1", "3.4", "3.6"),
                market("totals", "2.5", over="1.9", under="1.9"),
            ),
            cap(
                minutes(20),
                h2h("2.1", "3.4", "3.6"),
                market("totals", "2.5", over="1.9", under="1.9"),
            ),
            # Asked for h2h only: says nothing of the totals, so it confirms them not.
            cap(minutes(40), h2h("2.1", "3.4", "3.6"), scope=frozenset({"h2h"})),
        ]
    )
    quotes = {q.market_key: q for q in latest_odds(the_event(), at=minutes(50))}
    assert quotes["h2h"].captured_at == minutes(0)  # changed then, never since
    assert quotes["h2h"].confirmed_at == minutes(40)
    assert quotes["totals"].confirmed_at == minutes(20)
    assert not quotes["h2h"].in_play
    # At a past time only the captures up to then confirm.
    (h2h_then,) = [q for q in latest_odds(the_event(), at=minutes(30)) if q.market_key == "h2h"]
    assert h2h_then.confirmed_at == minutes(20)
    # max_age leaves out what was not confirmed recently enough.
    fresh = latest_odds(the_event(), at=minutes(50), max_age=timedelta(minutes=15))
    assert [q.market_key for q in fresh] == ["h2h"]
    # Each history row is confirmed within its own time in force.
    path = market_history(the_event(), "h2h", until=minutes(50))
    assert [(q.captured_at, q.confirmed_at) for q in path] == [(minutes(0), minutes(40))]


@pytest.mark.django_db
def test_pricing_answers_leave_out_stale_quotes_by_default():
    ingest_captures(
        [
            cap(minutes(0), h2h("2.5", "3.4", "3.6")),
            cap(minutes(0), h2h("2.2", "3.3", "3.5"), book="book_b"),
            cap(minutes(90), h2h("2.2", "3.3", "3.5"), book="book_b"),  # b confirmed at 90
        ]
    )
    at = minutes(100)  # book_a was last seen 100 minutes ago: stale after the default hour
    best = best_prices(the_event(), "h2h", at=at)
    assert next((b.outcome, b.price, b.bookmakers, b.confirmed_at) for b in best) == (
        "home",
        D("2.2"),
        ("book_b",),
        minutes(90),
    )
    assert [m.bookmaker for m in margins(the_event(), "h2h", at=at)] == ["book_b"]
    wide = best_prices(the_event(), "h2h", at=at, max_age=timedelta(hours=2))
    assert (wide[0].price, wide[0].bookmakers) == (D("2.5"), ("book_a",))
    assert best_prices(the_event(), "h2h", at=at, max_age=None)[0].price == D("2.5")


@pytest.mark.django_db
def test_in_play_quotes_are_marked_and_left_out_of_pricing_by_default():
    ingest_captures(
        [
            cap(KICKOFF - timedelta(minutes=10), h2h("2.1", "3.4", "3.6")),
            cap(KICKOFF + timedelta(minutes=20), h2h("1.2", "6.0", "15")),  # a goal
        ]
    )
    before, after = KICKOFF - timedelta(minutes=1), KICKOFF + timedelta(minutes=30)
    (pre,) = latest_odds(the_event(), at=before)
    (live,) = latest_odds(the_event(), at=after)
    assert (pre.in_play, live.in_play) == (False, True)
    assert best_prices(the_event(), "h2h", at=before)[0].price == D("2.1")
    assert best_prices(the_event(), "h2h", at=after) == []  # the pre-match market is closed
    assert best_prices(the_event(), "h2h", at=after, in_play=True)[0].price == D("1.2")
    assert margins(the_event(), "h2h", at=after) == []
    # The closing line is the pre-match price, confirmed ten minutes before the start.
    (oc,) = opening_closing(the_event(), "h2h")
    assert (oc.closing.price("home"), oc.closing_stale) == (D("2.1"), False)


@pytest.mark.django_db
def test_a_closing_price_last_seen_long_before_the_start_is_flagged():
    ingest_captures([cap(KICKOFF - timedelta(hours=20), h2h("2.1", "3.4", "3.6"))])
    (oc,) = opening_closing(the_event(), "h2h")
    assert oc.closing.confirmed_at == KICKOFF - timedelta(hours=20)
    assert oc.closing_stale
    assert not opening_closing(the_event(), "h2h", max_age=timedelta(days=1))[0].closing_stale


@pytest.mark.django_db
def test_movers_are_pre_match_by_default():
    # A pre-match drift, then an in-play collapse of the same price.
    kickoff = KICKOFF
    ingest_captures(
        [
            cap(kickoff - timedelta(minutes=50), h2h("3.0", "3.4", "2.4")),
            cap(kickoff - timedelta(minutes=20), h2h("3.3", "3.4", "2.3")),
            cap(kickoff + timedelta(minutes=30), h2h("101", "15", "1.01")),
        ]
    )
    since, at = kickoff - timedelta(hours=1), kickoff + timedelta(minutes=40)
    moves = {m.outcome: m for m in movers(since=since, at=at)}
    assert (moves["home"].from_price, moves["home"].to_price) == (D("3"), D("3.3"))
    assert moves["home"].moved_at == kickoff - timedelta(minutes=20)
    wild = {m.outcome: m for m in movers(since=since, at=at, in_play=True)}
    assert wild["home"].to_price == D("101")


# --- commission ---------------------------------------------------------------------------
def _edge(*prices: str) -> Decimal:
    exact = 1 - sum(1 / Fraction(p) for p in prices)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return value.quantize(D("0.000001"), rounding=ROUND_HALF_EVEN)


@pytest.mark.django_db
def test_exchange_back_prices_pay_after_commission_in_arbitrage_and_best_prices():
    ingest_captures(
        [
            upcoming(minutes(-30), market("totals", "2.5", over="2.10", under="1.80")),
            upcoming(
                minutes(-30),
                market("totals", "2.5", over="1.85", under="2.10"),
                book="betfair_ex_uk",
            ),
        ]
    )
    Bookmaker.objects.filter(key="betfair_ex_uk").update(is_exchange=True)
    at = minutes(-20)
    # Under 2.10 at 5 %: 1 + 1.10 x 0.95 = 2.045. Edge 1 - 1/2.10 - 1/2.045.
    (arb,) = arbitrage(at=at, since=minutes(-60))
    assert arb.edge == _edge("2.10", "2.045") == D("0.034812")
    under = arb.legs[1]
    assert (under.bookmaker, under.price, under.quoted_price, under.commission) == (
        "betfair_ex_uk",
        D("2.045"),
        D("2.1"),
        D("0.05"),
    )
    best = {b.outcome: b for b in best_prices(the_event(), "totals", line="2.5", at=at)}
    assert (best["under"].price, best["under"].after_commission) == (D("2.045"), ("betfair_ex_uk",))
    # A commission of its own (edited in the admin) changes the answer: 1 + 1.1 x 0.98 = 2.078.
    Bookmaker.objects.filter(key="betfair_ex_uk").update(commission=D("0.02"))
    assert arbitrage(at=at, since=minutes(-60))[0].edge == _edge("2.10", "2.078")
    # At 25 % the leg no longer pays enough: 1 + 1.1 x 0.75 = 1.825, 1/2.1 + 1/1.825 > 1.
    Bookmaker.objects.filter(key="betfair_ex_uk").update(commission=D("0.25"))
    assert arbitrage(at=at, since=minutes(-60)) == []


@pytest.mark.django_db
def test_betfair_prices_in_the_real_epl_file_count_after_five_percent(shared_data):
    path = shared_data / "theoddsapi" / "soccer_epl.2022-12.json"
    call_command("ingest", "theoddsapi", str(path), "--no-progress", stdout=StringIO())
    raw = json.loads(path.read_text())
    at = max(
        datetime.fromisoformat(b["last_update"].replace("Z", "+00:00"))
        for e in raw
        for b in e["bookmakers"]
    )
    changed_by_commission = 0
    for event in raw:
        start = datetime.fromisoformat(event["commence_time"].replace("Z", "+00:00"))
        if start <= at:
            continue  # started: no pre-match answer
        offers: dict[str, list[tuple[Decimal, Decimal, str]]] = defaultdict(list)
        for book in event["bookmakers"]:
            for m in book["markets"]:
                if m["key"] != "h2h":
                    continue
                for o in m["outcomes"]:
                    gross = _american(o["price"])
                    net = 1 + (gross - 1) * D("0.95") if book["key"] == "betfair" else gross
                    offers[_role(o["name"], event)].append((net.normalize(), gross, book["key"]))
        stored = Event.objects.get(aliases__external_id=event["id"])
        got = {b.outcome: (b.price, b.bookmakers) for b in best_prices(stored, "h2h", at=at)}
        for role, quoted in offers.items():
            top = max(net for net, _, _ in quoted)
            books = tuple(sorted(book for net, _, book in quoted if net == top))
            assert got[role] == (top, books)
            gross_top = max(gross for _, gross, _ in quoted)
            changed_by_commission += gross_top != top
    assert changed_by_commission > 0  # Betfair's gross price would have been the best


def _american(price: int) -> Decimal:
    p = Decimal(price)
    exact = 1 + p / 100 if p > 0 else 1 + Decimal(100) / -p
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def _role(name: str, event: dict) -> str:
    return {event["home_team"]: "home", event["away_team"]: "away"}.get(name, "draw")


# --- strict arguments ---------------------------------------------------------------------
@pytest.mark.django_db
def test_typos_are_errors_that_name_the_argument(two_books):  # noqa: F811
    event = two_books
    with pytest.raises(ValueError, match="market_key='h2hh' is not a market key"):
        best_prices(event, "h2hh")
    with pytest.raises(ValueError, match="period='FT' is not a period"):
        margins(event, "h2h", period="FT")
    with pytest.raises(ValueError, match=r'bookmakers must be a list .*\["draftkings"\]'):
        latest_odds(event, bookmakers="draftkings")
    with pytest.raises(ValueError, match="event=99999999: no event has this id"):
        latest_odds(99999999)
    with pytest.raises(ValueError, match="at=2026-01-10T12:00:00 is a naive datetime"):
        latest_odds(event, at=datetime(2026, 1, 10, 12))
    with pytest.raises(ValueError, match="since is required"):
        movers(since=None)
    with pytest.raises(ValueError, match="line='two' is not a number"):
        market_history(event, "totals", line="two")
    # A valid key the event simply lacks is an empty answer, not an error.
    assert best_prices(event, "btts", at=minutes(5)) == []


@pytest.mark.django_db
def test_a_source_s_own_market_key_is_valid_where_the_event_has_it():
    ingest_captures([cap(minutes(0), market("corners_totals", "9.5", over="1.9", under="1.9"))])
    (m,) = margins(the_event(), "corners_totals", line="9.5", at=minutes(1))
    assert m.overround == _edge("1.9", "1.9").copy_negate()
    with pytest.raises(ValueError, match="this event also has corners_totals"):
        margins(the_event(), "corner_totals", line="9.5", at=minutes(1))


# --- main line ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_main_line_is_the_line_most_bookmakers_quote_then_the_most_balanced():
    ingest_captures(
        [
            cap(
                minutes(0),
                market("totals", "2.5", over="1.9", under="1.9"),
                market("totals", "3.5", over="2.9", under="1.4"),
            ),
            cap(minutes(0), market("totals", "2.5", over="1.95", under="1.85"), book="book_b"),
            cap(minutes(0), market("totals", "3.0", over="1.9", under="1.9"), book="book_c"),
            cap(minutes(10), market("totals", "3.5", over="2.8", under="1.45"), book="book_b"),
        ]
    )
    assert main_line(the_event(), "totals", at=minutes(5)) == D("2.5")  # two books quote it
    # At 10 book_b moved to 3.5 (its 2.5 is gone): now two books quote 3.5.
    assert main_line(the_event(), "totals", at=minutes(15)) == D("3.5")
    assert main_line(the_event(), "totals", at=minutes(-5)) is None

"""The read API on hand-built captures: edge cases whose answers are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import ingest_captures
from odds.models import Event
from odds.selectors import (
    arbitrage,
    best_prices,
    latest_odds,
    margins,
    market_history,
    movers,
    opening_closing,
)

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
KICKOFF = T0 + timedelta(hours=3)
SCOPE = frozenset({"h2h", "totals", "spreads", "h2h_lay"})
D = Decimal


def event_ref(n: int = 1, *, sport: str = "soccer", commence=KICKOFF) -> EventRef:
    return EventRef(
        source="handmade",
        source_event_id=f"ev{n}",
        sport_key=sport,
        sport_name=sport.title(),
        tournament_key=f"{sport}_league",
        tournament_name="League",
        home_team=f"Home {n}",
        away_team=f"Away {n}",
        commence_time=commence,
    )


def market(key: str, line: str | None = None, **prices: str) -> Market:
    """market("totals", "2.5", over="1.9", under="1.9"); a price "2.0s" is suspended."""
    outcomes = tuple(
        Outcome(name, D(p.rstrip("s")), "suspended" if p.endswith("s") else "open")
        for name, p in prices.items()
    )
    return Market(key, outcomes, line=None if line is None else D(line))


def h2h(home: str, draw: str, away: str) -> Market:
    return market("h2h", home=home, draw=draw, away=away)


def cap(at: datetime, *markets: Market, book: str = "book_a", event: int = 1, **kw) -> Capture:
    commence = kw.pop("commence", KICKOFF)
    ref = kw.pop("ref", None) or event_ref(event, commence=commence)
    scope = kw.pop("scope", SCOPE)
    return Capture(ref, BookmakerRef(book, book.title()), at, markets, scope=scope, **kw)


# Events of the tests that read "now" start tomorrow: their prices are pre-match now.
TOMORROW = timezone.now() + timedelta(days=1)


def upcoming(at: datetime, *markets: Market, **kw) -> Capture:
    return cap(at, *markets, commence=TOMORROW, **kw)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def prices(quote) -> dict[str, Decimal]:
    return {o.name: o.price for o in quote.outcomes}


def the_event(n: int = 1) -> Event:
    return Event.objects.get(aliases__external_id=f"ev{n}")


# --- latest_odds ---------------------------------------------------------------------------
@pytest.fixture
def two_books():
    ingest_captures(
        [
            cap(
                minutes(0),
                h2h("2.10", "3.40", "3.60"),
                market("totals", "2.5", over="1.90", under="1.95"),
            ),
            cap(minutes(0), h2h("2.20", "3.30", "3.50"), book="book_b"),
            cap(minutes(10), h2h("2.05", "3.40", "3.70")),  # totals gone at 10
            cap(
                minutes(20),
                h2h("2.05", "3.40", "3.70"),
                market("totals", "3.5", over="3.1", under="1.35"),
            ),
            cap(minutes(30), h2h("2.25", "3.30", "3.40"), book="book_b"),
        ]
    )
    return the_event()


@pytest.mark.django_db
def test_latest_odds_now_are_the_newest_prices_without_gone_markets(two_books):
    quotes = latest_odds(two_books)
    assert [(q.bookmaker, q.market_key, q.line, q.captured_at) for q in quotes] == [
        ("book_a", "h2h", None, minutes(10)),
        ("book_b", "h2h", None, minutes(30)),
        ("book_a", "totals", D("3.5"), minutes(20)),  # 2.5 is gone
    ]
    assert prices(quotes[1]) == {"home": D("2.25"), "draw": D("3.3"), "away": D("3.4")}
    assert quotes[0].bookmaker_name == "Book_A"
    assert latest_odds(two_books.pk) == quotes


@pytest.mark.django_db
def test_latest_odds_at_a_time_between_captures(two_books):
    quotes = latest_odds(two_books, at=minutes(5))
    assert [(q.bookmaker, q.market_key, q.line, q.captured_at) for q in quotes] == [
        ("book_a", "h2h", None, minutes(0)),
        ("book_b", "h2h", None, minutes(0)),
        ("book_a", "totals", D("2.5"), minutes(0)),
    ]
    assert prices(quotes[0]) == {"home": D("2.1"), "draw": D("3.4"), "away": D("3.6")}
    # At 15 the 2.5 totals is gone and the 3.5 line not yet listed.
    at_15 = latest_odds(two_books, at=minutes(15))
    assert [(q.bookmaker, q.market_key) for q in at_15] == [("book_a", "h2h"), ("book_b", "h2h")]
    # At the very instant of a capture its prices are in force.
    assert latest_odds(two_books, at=minutes(30))[1].captured_at == minutes(30)
    assert latest_odds(two_books, at=minutes(-1)) == []


@pytest.mark.django_db
def test_latest_odds_for_some_bookmakers(two_books):
    assert {q.bookmaker for q in latest_odds(two_books, bookmakers=["book_b"])} == {"book_b"}
    assert {q.bookmaker for q in latest_odds(two_books, bookmakers=iter(["book_a"]))} == {"book_a"}
    with pytest.raises(ValueError, match="no bookmaker has the key 'nobody'"):
        latest_odds(two_books, bookmakers=["nobody"])


@pytest.mark.django_db
def test_latest_odds_keeps_suspended_outcomes_with_their_status():
    ingest_captures([cap(minutes(0), market("h2h", home="2.0s", away="1.8"))])
    (quote,) = latest_odds(the_event())
    assert [(o.name, o.status) for o in quote.outcomes] == [("home", "suspended"), ("away", "open")]


# --- market_history -----------------------------------------------------------------------
@pytest.mark.django_db
def test_market_history_is_every_stored_row_gone_rows_included(two_books):
    path = market_history(two_books, "totals", line=D("2.50"))
    assert [(q.captured_at, prices(q)) for q in path] == [
        (minutes(0), {"over": D("1.9"), "under": D("1.95")}),
        (minutes(10), {}),
    ]
    both = market_history(two_books, "h2h")
    assert [(q.captured_at, q.bookmaker) for q in both] == [
        (minutes(0), "book_a"),
        (minutes(0), "book_b"),
        (minutes(10), "book_a"),
        (minutes(30), "book_b"),
    ]
    assert [q.captured_at for q in market_history(two_books, "h2h", bookmaker="book_b")] == [
        minutes(0),
        minutes(30),
    ]
    window = market_history(two_books, "h2h", since=minutes(5), until=minutes(30))
    assert [q.captured_at for q in window] == [minutes(10), minutes(30)]
    assert market_history(two_books, "h2h", until=minutes(-1)) == []
    assert market_history(two_books, "spreads") == []
    assert market_history(two_books, "h2h", period="first_half") == []


# --- opening_closing ----------------------------------------------------------------------
@pytest.mark.django_db
def test_opening_closing_around_kick_off():
    kickoff = minutes(60)
    ref = event_ref(commence=kickoff)
    ingest_captures(
        [
            cap(minutes(0), h2h("2.1", "3.4", "3.6"), ref=ref),
            cap(minutes(30), h2h("2.0", "3.4", "3.8"), ref=ref),
            cap(minutes(60), h2h("1.9", "3.5", "4.0"), ref=ref),  # at kick-off: closing
            cap(minutes(70), h2h("1.5", "4.0", "6.0"), ref=ref),  # in play
            cap(minutes(20), market("totals", "2.5", over="1.9", under="1.9"), ref=ref, book="b"),
            cap(minutes(40), h2h("2.0", "3.3", "3.9"), ref=ref, book="b"),  # totals gone
            cap(minutes(80), h2h("1.6", "3.9", "5.0"), ref=ref, book="late"),
        ]
    )
    event = the_event()
    (b_h2h, a, late) = opening_closing(event, "h2h")
    assert (b_h2h.bookmaker, b_h2h.opening.captured_at, b_h2h.closing.captured_at) == (
        "b",
        minutes(40),
        minutes(40),
    )
    assert (a.bookmaker, a.opening.captured_at, a.closing.captured_at) == (
        "book_a",
        minutes(0),
        minutes(60),
    )
    assert prices(a.closing) == {"home": D("1.9"), "draw": D("3.5"), "away": D("4")}
    assert late.bookmaker == "late" and late.closing is None  # first seen in play
    (b,) = opening_closing(event.pk, "totals", line="2.5")
    assert prices(b.opening) == {"over": D("1.9"), "under": D("1.9")}
    assert b.closing.captured_at == minutes(40) and b.closing.outcomes == ()  # withdrawn


# --- best_prices --------------------------------------------------------------------------
@pytest.mark.django_db
def test_best_prices_skip_suspended_outcomes_and_list_every_bookmaker_at_the_top():
    ingest_captures(
        [
            cap(minutes(0), h2h("2.10", "3.40", "3.60")),
            cap(minutes(5), h2h("2.20", "3.40", "3.50"), book="book_b"),
            cap(minutes(8), market("h2h", home="2.50s", draw="3.2", away="3.55"), book="book_c"),
            cap(minutes(20), h2h("2.20", "3.40", "3.90"), book="book_c"),
        ]
    )
    best = best_prices(the_event(), "h2h", at=minutes(10))
    assert [(b.outcome, b.price, b.bookmakers, b.captured_at) for b in best] == [
        ("home", D("2.2"), ("book_b",), minutes(5)),  # book_c's 2.50 is suspended
        ("draw", D("3.4"), ("book_a", "book_b"), minutes(5)),
        ("away", D("3.6"), ("book_a",), minutes(0)),
    ]
    now = best_prices(the_event(), "h2h", at=minutes(25))
    assert [(b.outcome, b.price, b.bookmakers) for b in now] == [
        ("home", D("2.2"), ("book_b", "book_c")),
        ("draw", D("3.4"), ("book_a", "book_b", "book_c")),
        ("away", D("3.9"), ("book_c",)),
    ]
    assert now[0].captured_at == minutes(20)
    assert best_prices(the_event(), "h2h", at=minutes(-5)) == []


@pytest.mark.django_db
def test_best_prices_order_outcomes_by_role():
    dc = market("double_chance", home_away="1.3", draw_away="1.9", home_draw="1.2")
    ingest_captures([cap(minutes(0), market("btts", no="1.8", yes="2.0"), dc)])
    assert [b.outcome for b in best_prices(the_event(), "btts", at=minutes(1))] == ["yes", "no"]
    names = [b.outcome for b in best_prices(the_event(), "double_chance", at=minutes(1))]
    assert names == ["draw_away", "home_away", "home_draw"]


# --- margins ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_margins_by_hand():
    ingest_captures(
        [
            cap(
                minutes(0),
                h2h("2.5", "3.2", "2.9"),
                market("totals", "2.5", over="1.9", under="1.9"),
            ),
            cap(minutes(0), market("h2h", home="1.8", away="2.0"), book="two_way"),  # no draw
            cap(minutes(0), market("h2h", home="2.4s", draw="3.3", away="3.0"), book="suspended"),
        ]
    )
    (a,) = margins(the_event(), "h2h", at=minutes(1))
    # 1/2.5 + 1/3.2 + 1/2.9 = 0.4 + 0.3125 + 0.344827586... = 1.057327586...
    assert a.bookmaker == "book_a"
    assert a.overround == D("0.057328")
    # 0.4 / 1.057327586 = 0.378312..., 0.3125/.. = 0.295556..., 0.344828/.. = 0.326131...
    assert a.probabilities == {"home": D("0.378312"), "draw": D("0.295557"), "away": D("0.326131")}
    assert sum(a.probabilities.values()) == 1
    assert list(a.probabilities) == ["home", "draw", "away"]
    (t,) = margins(the_event(), "totals", line=2.5, at=minutes(1))
    assert t.overround == D("0.052632")  # 2 / 1.9 - 1 = 0.0526315...
    assert t.probabilities == {"over": D("0.5"), "under": D("0.5")}
    assert margins(the_event(), "totals", line=2.5, at=minutes(-1)) == []


@pytest.mark.django_db
def test_margin_shares_are_within_a_millionth_and_sum_to_one():
    ingest_captures([cap(minutes(0), h2h("3", "3", "3"))])  # thirds: 0.333333 x 3 = 0.999999
    (m,) = margins(the_event(), "h2h", at=minutes(1))
    assert m.overround == D("0")
    assert sorted(m.probabilities.values()) == [D("0.333333"), D("0.333333"), D("0.333334")]
    assert sum(m.probabilities.values()) == 1


# --- arbitrage ----------------------------------------------------------------------------
def _exact_split(*best: str) -> tuple[Fraction, list[Fraction]]:
    inverse = [1 / Fraction(p) for p in best]
    return 1 - sum(inverse), [i / sum(inverse) for i in inverse]


@pytest.mark.django_db
def test_arbitrage_on_a_two_bookmaker_market_by_hand():
    at = timezone.now()
    old = at - timedelta(minutes=30)
    ingest_captures(
        [
            upcoming(old, market("totals", "2.5", over="2.10", under="1.80")),
            upcoming(old, market("totals", "2.5", over="1.85", under="2.05"), book="book_b"),
        ]
    )
    (arb,) = arbitrage()
    # best over 2.10 (book_a), under 2.05 (book_b): 1/2.10 + 1/2.05 = 0.963995...
    assert (arb.market_key, arb.period, arb.line, arb.event_id) == (
        "totals",
        "full_time",
        D("2.5"),
        the_event().pk,
    )
    assert arb.event_name == "Home 1 v Away 1"
    assert arb.edge == D("0.036005")
    edge, split = _exact_split("2.10", "2.05")
    assert abs(Fraction(arb.edge) - edge) <= Fraction(1, 2_000_000)
    assert [(leg.outcome, leg.bookmaker, leg.price) for leg in arb.legs] == [
        ("over", "book_a", D("2.1")),
        ("under", "book_b", D("2.05")),
    ]
    assert [leg.stake_share for leg in arb.legs] == [D("0.493976"), D("0.506024")]
    assert sum(leg.stake_share for leg in arb.legs) == 1
    for leg, exact in zip(arb.legs, split, strict=True):
        assert abs(Fraction(leg.stake_share) - exact) < Fraction(1, 1_000_000)
    # Equal returns whichever side wins: share x price is the same for both legs.
    returns = {(leg.stake_share * leg.price).quantize(D("0.0001")) for leg in arb.legs}
    assert len(returns) == 1
    assert arbitrage(min_edge=D("0.036")) == [arb]
    assert arbitrage(min_edge=D("0.037")) == []
    assert arbitrage(at=old - timedelta(seconds=1), since=old - timedelta(hours=1)) == []


@pytest.mark.django_db
def test_arbitrage_never_mixes_outcome_sets_nor_backs_lay_prices():
    at = timezone.now() - timedelta(minutes=10)
    ingest_captures(
        [
            # Three-way h2h at book_a, a two-way one (no draw) at book_b: combined, home 3.0 +
            # away 3.0 would look like an edge; they are different markets.
            upcoming(at, h2h("3.0", "3.3", "2.2"), event=1),
            upcoming(at, market("h2h", home="2.0", away="3.0"), book="book_b", event=1),
            # A basketball two-way h2h with an edge of 1 - (1/2.1 + 1/2.05): found.
            upcoming(
                at,
                market("h2h", home="2.1", away="1.7"),
                event=2,
                ref=event_ref(2, sport="basketball", commence=TOMORROW),
            ),
            upcoming(
                at,
                market("h2h", home="1.8", away="2.05"),
                book="book_b",
                ref=event_ref(2, sport="basketball", commence=TOMORROW),
            ),
            # Lay prices are what one pays out, not backable odds.
            upcoming(
                at,
                market("h2h_lay", home="3.0", away="3.0"),
                book="exchange",
                ref=event_ref(3, sport="basketball", commence=TOMORROW),
            ),
        ]
    )
    found = arbitrage()
    assert [(a.event_name, a.market_key, a.edge) for a in found] == [
        ("Home 2 v Away 2", "h2h", D("0.036005"))
    ]


@pytest.mark.django_db
def test_arbitrage_needs_every_outcome_open_and_orders_by_edge():
    at = timezone.now() - timedelta(minutes=10)
    ingest_captures(
        [
            upcoming(
                at,
                market("totals", "2.5", over="2.2", under="1.7"),
                market("totals", "3.5", over="2.2", under="1.7"),
                market("spreads", "-1", home="2.1", away="1.8"),
            ),
            upcoming(
                at,
                market("totals", "2.5", over="1.7", under="2.2s"),  # suspended: no edge
                market("totals", "3.5", over="1.7", under="2.2"),  # 1 - 2/2.2 = 0.090909
                market("spreads", "-1", home="1.8", away="2.1"),  # 1 - 2/2.1 = 0.047619
                book="book_b",
            ),
        ]
    )
    found = arbitrage()
    assert [(a.market_key, a.line, a.edge) for a in found] == [
        ("totals", D("3.5"), D("0.090909")),
        ("spreads", D("-1"), D("0.047619")),
    ]


@pytest.mark.django_db
def test_arbitrage_by_default_looks_back_six_hours_of_changes():
    now = timezone.now()
    ingest_captures(
        [
            upcoming(now - timedelta(hours=7), market("totals", "2.5", over="2.2", under="1.7")),
            upcoming(
                now - timedelta(hours=7), market("totals", "2.5", over="1.7", under="2.2"), book="b"
            ),
        ]
    )
    assert arbitrage(max_age=None) == []  # no change in the last 6 hours
    assert len(arbitrage(since=now - timedelta(hours=8), max_age=None)) == 1
    assert arbitrage(since=now - timedelta(hours=8)) == []  # not confirmed for 7 hours: stale
    # One bookmaker's change inside the window brings the whole market back in view.
    ingest_captures(
        [upcoming(now - timedelta(hours=1), market("totals", "2.5", over="2.25", under="1.7"))]
    )
    (arb,) = arbitrage(max_age=None)
    assert [leg.bookmaker for leg in arb.legs] == ["book_a", "b"]
    assert arb.legs[0].price == D("2.25")


# --- movers -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_movers_rank_the_largest_changes_since_a_time():
    now = timezone.now()
    since = now - timedelta(hours=1)
    t = lambda m: now - timedelta(minutes=m)  # noqa: E731
    ingest_captures(
        [
            upcoming(t(120), h2h("2.0", "3.4", "4.0")),
            upcoming(t(50), h2h("2.2", "3.4", "3.5")),
            upcoming(t(20), h2h("2.5", "3.4", "3.0")),  # home +25 %, away -25 % since `since`
            upcoming(t(90), market("totals", "2.5", over="1.9", under="1.9"), book="b"),
            upcoming(t(30), market("totals", "2.5", over="1.8", under="2.0"), book="b"),
            upcoming(t(40), h2h("3.0", "3.4", "2.0"), book="new", event=2),  # first seen in window
            upcoming(t(10), h2h("3.3", "3.4", "2.0"), book="new", event=2),
            upcoming(t(200), market("totals", "2.5", over="1.5", under="2.5"), book="quiet"),
        ]
    )
    moves = movers(since=since)
    assert [(m.bookmaker, m.outcome, m.from_price, m.to_price, m.change) for m in moves] == [
        ("book_a", "away", D("4"), D("3"), D("-0.25")),
        ("book_a", "home", D("2"), D("2.5"), D("0.25")),
        ("new", "home", D("3"), D("3.3"), D("0.1")),
        ("b", "over", D("1.9"), D("1.8"), D("-0.052632")),  # |change| ties: by outcome
        ("b", "under", D("1.9"), D("2"), D("0.052632")),
    ]
    assert moves[0].moved_at == t(20) and moves[0].event_name == "Home 1 v Away 1"
    assert (moves[4].market_key, moves[4].line, moves[3].period) == (
        "totals",
        D("2.5"),
        "full_time",
    )
    assert len(movers(since=since, limit=2)) == 2
    assert movers(since=now + timedelta(minutes=1)) == []


@pytest.mark.django_db
def test_movers_skip_suspended_and_gone_prices():
    now = timezone.now()
    ingest_captures(
        [
            upcoming(
                now - timedelta(minutes=90),
                h2h("2.0", "3.4", "4.0"),
                market("totals", "2.5", over="1.9", under="1.9"),
            ),
            upcoming(
                now - timedelta(minutes=20), market("h2h", home="2.5s", draw="3.6", away="3.0")
            ),
        ]
    )
    moves = movers(since=now - timedelta(hours=1))
    assert [(m.outcome, m.change) for m in moves] == [("away", D("-0.25")), ("draw", D("0.058824"))]

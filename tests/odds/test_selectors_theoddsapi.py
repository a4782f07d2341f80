"""The read API on the 41 real captures of The Odds API history, checked against a replay
of the raw envelopes written here (no adapter, no selector used for the expectation)."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command

from odds.models import Event
from odds.selectors import (
    arbitrage,
    best_prices,
    latest_odds,
    margins,
    market_history,
    movers,
)
from tests.factories import rolled_back

pytestmark = pytest.mark.slow

SIX = Decimal("0.000001")
GONE: dict = {}


# --- an independent replay of the raw envelopes ------------------------------------------
def american(price) -> Decimal:
    p = Decimal(str(price))
    exact = 1 + p / 100 if p > 0 else 1 + Decimal(100) / -p
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def role(name: str, event: dict) -> str:
    return {event["home_team"]: "home", event["away_team"]: "away"}.get(name, name.lower())


def observed(event: dict, bookmaker: dict) -> dict:
    """{(key, line): {role: decimal price}} of one bookmaker's markets in one capture."""
    markets = {}
    for market in bookmaker["markets"]:
        outcomes = {role(o["name"], event): o for o in market["outcomes"]}
        point = {"spreads": "home", "totals": "over"}.get(market["key"])
        line = Decimal(str(outcomes[point]["point"])).normalize() if point else None
        markets[(market["key"], line)] = {r: american(o["price"]) for r, o in outcomes.items()}
    return markets


class Replay:
    """Per (raw event id, bookmaker, (key, line)) the change-only history [(at, prices)]:
    a row when a market is new or changed, and a gone row ({}) when a key the capture's
    response carries is missing from the bookmaker's markets."""

    def __init__(self, files) -> None:
        envelopes = [json.loads(gzip.decompress(f.read_bytes())) for f in files]
        self.times: list[datetime] = []
        self.sport: dict[str, str] = {}
        self.rows: dict[tuple, list[tuple[datetime, dict]]] = defaultdict(list)
        self.known: dict[tuple, set] = defaultdict(set)
        self.commence: dict[str, datetime] = {}  # the newest capture's start time
        self.looks: dict[tuple, list[tuple[datetime, set]]] = defaultdict(list)
        for envelope in sorted(envelopes, key=lambda e: e["timestamp"]):
            self._capture(envelope)

    def _capture(self, envelope: dict) -> None:
        at = parse_time(envelope["timestamp"])
        self.times.append(at)
        keys = {m["key"] for e in envelope["data"] for b in e["bookmakers"] for m in b["markets"]}
        for event in envelope["data"]:
            self.sport[event["id"]] = event["sport_key"].split("_")[0]
            self.commence[event["id"]] = parse_time(event["commence_time"])
            for bookmaker in event["bookmakers"]:
                pair = (event["id"], bookmaker["key"])
                self.looks[pair].append((at, keys))
                seen = observed(event, bookmaker)
                self.known[pair] |= set(seen)
                for ident in self.known[pair]:
                    value = seen.get(ident, GONE if ident[0] in keys else None)
                    history = self.rows[(*pair, ident)]
                    if value is not None and (not history or history[-1][1] != value):
                        history.append((at, value))

    def confirmed(self, raw: str, book: str, key: str, at: datetime) -> datetime:
        """The newest capture up to ``at`` that listed the pair with this market key in
        its response: it saw the prices in force (or would have stored a change)."""
        return max(t for t, keys in self.looks[(raw, book)] if t <= at and key in keys)

    def current(self, at: datetime, max_age=timedelta(hours=1)) -> dict[tuple, dict]:
        """in_force(at) as the pricing answers see it by default: events not started by
        ``at``, quotes confirmed within the hour before it."""
        return {
            (raw, book, ident): p
            for (raw, book, ident), p in self.in_force(at).items()
            if at < self.commence[raw] and self.confirmed(raw, book, ident[0], at) >= at - max_age
        }

    def in_force(self, at: datetime) -> dict[tuple, dict]:
        """{(event id, book, ident): prices} of every market priced (not gone) at ``at``."""
        found = {}
        for key, history in self.rows.items():
            before = [value for t, value in history if t <= at]
            if before and before[-1]:
                found[key] = before[-1]
        return found


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def six(value: Fraction) -> Decimal:
    """A ratio to 6 places, half-even: the read API's documented precision."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        SIX, rounding=ROUND_HALF_EVEN
    )


def whole(sport: str, key: str, names) -> bool:
    """Complete markets of this feed: 1X2 in soccer, two-way h2h elsewhere."""
    names = set(names)
    if key == "h2h":
        return names == {"home", "draw", "away"} or (
            names == {"home", "away"} and sport != "soccer"
        )
    return names == ({"over", "under"} if key == "totals" else {"home", "away"})


ROLES = ["home", "draw", "away", "over", "under"]


def by_market(in_force: dict) -> dict[tuple, dict[str, dict]]:
    """{(raw event, key, line): {bookmaker: prices}}."""
    markets: dict[tuple, dict] = defaultdict(dict)
    for (raw, book, ident), prices in in_force.items():
        markets[(raw, *ident)][book] = prices
    return markets


def prices(quote) -> dict:
    return {o.name: o.price for o in quote.outcomes}


@pytest.fixture(scope="module")
def replay(django_db_setup, django_db_blocker, shared_data):
    """The history ingested once for this module (rolled back after it) and its replay."""
    folder = shared_data / "theoddsapi-history"
    with django_db_blocker.unblock(), rolled_back():
        call_command("ingest", "theoddsapi", str(folder), "--no-progress", stdout=StringIO())
        yield Replay(sorted(folder.glob("*.json.gz")))


@pytest.fixture
def events(replay) -> dict[str, int]:
    """Raw event id -> Event pk."""
    return dict(Event.objects.values_list("aliases__external_id", "pk"))


# --- latest_odds --------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("index", [0, 17, 40])
def test_latest_odds_at_a_capture_time_are_the_raw_prices_in_force_then(replay, events, index):
    at = replay.times[index]
    expected: dict[str, dict] = defaultdict(dict)
    for (raw, book, (key, line)), value in replay.in_force(at).items():
        expected[raw][(book, key, line)] = value
    assert len(events) == 262
    for raw, pk in events.items():
        for moment in (at, at + timedelta(minutes=1)):  # at a capture and between two
            quotes = latest_odds(pk, at=moment)
            got = {(q.bookmaker, q.market_key, q.line): prices(q) for q in quotes}
            assert got == expected[raw], raw
            assert [q.captured_at <= moment for q in quotes] == [True] * len(quotes)


@pytest.mark.django_db
def test_latest_odds_now_are_the_prices_after_the_last_capture(replay, events):
    expected: dict[str, dict] = defaultdict(dict)
    for (raw, book, (key, line)), value in replay.in_force(replay.times[-1]).items():
        expected[raw][(book, key, line)] = value
    for raw, pk in events.items():
        quotes = latest_odds(pk)
        assert {(q.bookmaker, q.market_key, q.line): prices(q) for q in quotes} == expected[raw]
        order = [
            (q.market_key, q.period, q.line is not None, q.line or 0, q.bookmaker) for q in quotes
        ]
        assert order == sorted(order)
    some = next(raw for raw in expected if len({b for b, _, _ in expected[raw]}) > 1)
    book = min(b for b, _, _ in expected[some])
    only = latest_odds(events[some], bookmakers=[book])
    assert {(q.bookmaker, q.market_key, q.line) for q in only} == {
        k for k in expected[some] if k[0] == book
    }


# --- best_prices and margins --------------------------------------------------------------
@pytest.mark.django_db
def test_best_prices_and_margins_at_a_capture_time_from_the_raw_prices(replay, events):
    at = replay.times[20]
    markets = by_market(replay.current(at))
    margins_checked = 0
    for (raw, key, line), books in markets.items():
        names = sorted({n for p in books.values() for n in p}, key=ROLES.index)
        expected = []
        for name in names:
            top = max(p[name] for p in books.values() if name in p)
            expected.append(
                (name, top, tuple(sorted(b for b, p in books.items() if p.get(name) == top)))
            )
        best = best_prices(events[raw], key, line=line, at=at)
        assert [(b.outcome, b.price, b.bookmakers) for b in best] == expected

        got = {m.bookmaker: m for m in margins(events[raw], key, line=line, at=at)}
        complete = {b: p for b, p in books.items() if whole(replay.sport[raw], key, p)}
        assert sorted(got) == sorted(complete)
        for book, quoted in complete.items():
            inverse = {n: 1 / Fraction(p) for n, p in quoted.items()}
            total = sum(inverse.values())
            assert got[book].overround == six(total - 1)
            probabilities = got[book].probabilities
            assert sum(probabilities.values()) == 1
            for name, value in inverse.items():
                assert abs(Fraction(probabilities[name]) - value / total) < Fraction(1, 10**6)
            margins_checked += 1
    assert margins_checked > 300
    # Started events and stale quotes are left out by default, kept when asked for.
    started = {k for k in by_market(replay.in_force(at)) if replay.commence[k[0]] <= at}
    raw, key, line = min(started)
    assert best_prices(events[raw], key, line=line, at=at) == []
    assert best_prices(events[raw], key, line=line, at=at, in_play=True, max_age=None)


# --- market_history -----------------------------------------------------------------------
@pytest.mark.django_db
def test_market_history_is_the_sequence_of_distinct_raw_values(replay, events):
    with_gone = [k for k, h in replay.rows.items() if any(not v for _, v in h)]
    busiest = max(replay.rows, key=lambda k: len(replay.rows[k]))
    for key in (busiest, max(with_gone, key=lambda k: len(replay.rows[k]))):
        raw, book, (market_key, line) = key
        path = market_history(events[raw], market_key, line=line, bookmaker=book)
        assert [(q.captured_at, prices(q)) for q in path] == replay.rows[key]
        assert {(q.bookmaker, q.market_key, q.period, q.line) for q in path} == {
            (book, market_key, "full_time", line)
        }
        since, until = replay.times[10], replay.times[30]
        window = market_history(
            events[raw], market_key, line=line, bookmaker=book, since=since, until=until
        )
        assert [(q.captured_at, prices(q)) for q in window] == [
            (t, v) for t, v in replay.rows[key] if since <= t <= until
        ]
    assert len(replay.rows[busiest]) > 5
    # Every bookmaker's path of that market, in time then bookmaker order.
    raw, _, ident = busiest
    expected = sorted(
        ((t, b, v) for (r, b, i), h in replay.rows.items() if (r, i) == (raw, ident) for t, v in h),
        key=lambda row: row[:2],
    )
    path = market_history(events[raw], ident[0], line=ident[1])
    assert [(q.captured_at, q.bookmaker, prices(q)) for q in path] == expected


# --- arbitrage ----------------------------------------------------------------------------
def raw_of(events: dict[str, int], event_id: int) -> str:
    return next(raw for raw, pk in events.items() if pk == event_id)


def arbitrage_by_hand(replay, events, *, at, since) -> list[tuple]:
    changed = {
        (raw, ident)
        for (raw, _, ident), history in replay.rows.items()
        if any(since <= t <= at for t, _ in history)
    }
    groups: dict[tuple, dict] = defaultdict(dict)
    for (raw, book, ident), quoted in replay.current(at).items():
        if (raw, ident) in changed and whole(replay.sport[raw], ident[0], quoted):
            groups[(raw, ident, frozenset(quoted))][book] = quoted
    found = []
    for (raw, (key, line), names), books in groups.items():
        legs = []
        for name in sorted(names, key=ROLES.index):
            top = max(p[name] for p in books.values())
            legs.append((name, min(b for b, p in books.items() if p[name] == top), top))
        edge = 1 - sum(1 / Fraction(price) for _, _, price in legs)
        if edge > 0:
            found.append((events[raw], key, line, six(edge), legs))
    return sorted(found, key=lambda a: (-a[3], a[0], a[1], a[2] is not None, a[2] or 0))


@pytest.mark.django_db
@pytest.mark.parametrize("index", [8, 25, 40])
def test_arbitrage_at_capture_times_from_the_raw_prices(replay, events, index):
    at = replay.times[index]
    for since in (replay.times[0], at - timedelta(hours=6)):
        expected = arbitrage_by_hand(replay, events, at=at, since=since)
        found = arbitrage(at=at, since=since)
        got = [
            (
                a.event_id,
                a.market_key,
                a.line,
                a.edge,
                [(g.outcome, g.bookmaker, g.price) for g in a.legs],
            )
            for a in found
        ]
        assert got == expected
        for a in found:
            assert sum(g.stake_share for g in a.legs) == 1
            inverse = [1 / Fraction(g.price) for g in a.legs]
            for leg, value in zip(a.legs, inverse, strict=True):
                assert abs(Fraction(leg.stake_share) - value / sum(inverse)) < Fraction(1, 10**6)
    assert arbitrage(at=at) == arbitrage(at=at, since=at - timedelta(hours=6))
    # Without the defaults the stale in-play quotes of this feed make large false edges.
    if index == 40:
        unreal = arbitrage(at=at, since=replay.times[0], in_play=True, max_age=None)
        assert unreal and max(a.edge for a in unreal) > Decimal("0.4")
        assert all(replay.commence[raw_of(events, a.event_id)] <= at for a in unreal[:5])


# --- movers -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_movers_since_a_capture_time_from_the_raw_prices(replay, events):
    since, until = replay.times[30], replay.times[-1]
    expected = []
    for (raw, book, (key, line)), full in replay.rows.items():
        kickoff = replay.commence[raw]
        history = [(t, v) for t, v in full if t < kickoff]  # pre-match rows only
        window = [v for t, v in history if t >= since]
        before = [v for t, v in history if t <= since]
        start = before[-1] if before and before[-1] else next((v for v in window if v), None)
        if not window or not start or not history[-1][1]:
            continue
        end_at, end = history[-1]
        ref = min(until, kickoff - timedelta(microseconds=1))
        if replay.confirmed(raw, book, key, ref) < ref - timedelta(hours=1):
            continue  # its newest pre-match price was not confirmed in the last hour: stale
        for name, price in end.items():
            if name in start and start[name] != price:
                change = six(Fraction(price) / Fraction(start[name]) - 1)
                expected.append(
                    (events[raw], book, key, line, name, start[name], price, change, end_at)
                )
    expected.sort(key=lambda m: (-abs(m[7]), m[0], m[1], m[2], m[3] is not None, m[3] or 0, m[4]))
    assert len(expected) > 50
    got = [
        (
            m.event_id,
            m.bookmaker,
            m.market_key,
            m.line,
            m.outcome,
            m.from_price,
            m.to_price,
            m.change,
            m.moved_at,
        )
        for m in movers(since=since, at=until, limit=10**6)
    ]
    assert got == expected
    assert [(m.event_id, m.outcome) for m in movers(since=since, at=until)] == [
        m[:1] + m[4:5] for m in expected[:50]
    ]
    # In play, this feed's collapses (3.15 -> 101) top the list; pre-match they never show.
    wild = movers(since=since, at=until, in_play=True, max_age=None)
    assert max(abs(m.change) for m in wild) > 10 > max(abs(m[7]) for m in expected)

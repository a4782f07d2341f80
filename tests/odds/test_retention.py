"""Retention never loses a price in force (odds.retention), on real captures re-dated.

Partitions are dropped inside these tests, so they run outside a test transaction
(``transaction=True``): a partition with pending deferred checks cannot be dropped.
"""

from __future__ import annotations

import dataclasses
import gzip
import inspect
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import ingest_captures
from odds.ingest.changes import text_from_json
from odds.ingest.state import load_state
from odds.models import CaptureScope, Event, EventBookmaker, MarketOdds, OddsSnapshot
from odds.partitioning import build_manager, list_partitions
from odds.quotes import Quote
from odds.selectors import best_prices, latest_odds, margins, market_history, opening_closing
from odds.series import parse_ident, value_hash
from scraping.sources.theoddsapi import parse_events, scope_for

pytestmark = pytest.mark.slow

TABLES = ("odds_oddssnapshot", "odds_marketodds")


# --- what every retention must leave behind -----------------------------------------------
class CarriedTimes:
    """Maps quotes of carried rows to their real change time (``carried_from``), as the
    read API reports them once it knows about carried rows (a no-op from then on)."""

    def __init__(self) -> None:
        rows = MarketOdds.objects.filter(carried_from__isnull=False).values_list(
            "event_id",
            "bookmaker__key",
            "market_key",
            "period",
            "line",
            "captured_at",
            "carried_from",
        )
        self.times = {(e, b, k, p, _line(li), at): real for e, b, k, p, li, at, real in rows}

    def __call__(self, event_id: int, quote):
        if quote is None:
            return None
        ident = (quote.bookmaker, quote.market_key, quote.period, _line(quote.line))
        real = self.times.get((event_id, *ident, quote.captured_at))
        return quote if real is None else dataclasses.replace(quote, captured_at=real)

    def answers(self, event_id: int, quotes) -> list:
        return [self(event_id, q) for q in quotes]


def _line(line: Decimal | None) -> Decimal | None:
    return None if line is None else line.normalize()


def assert_state_points_at_stored_rows() -> None:
    """Every identity of every pair state names a row that exists, with the state's hash."""
    checked = 0
    for pair in EventBookmaker.objects.all():
        for text, (value, iso) in load_state(pair.market_state).items():
            key, period, line = parse_ident(text)
            rows = MarketOdds.objects.filter(
                event_id=pair.event_id,
                bookmaker_id=pair.bookmaker_id,
                market_key=key,
                period=period,
                captured_at=datetime.fromisoformat(iso),
            )
            rows = rows.filter(line__isnull=True) if line is None else rows.filter(line=line)
            outcomes = rows.values_list("outcomes", flat=True)
            assert len(outcomes) == 1, (pair.pk, text, iso)
            assert value_hash(text_from_json(outcomes[0])) == value, (pair.pk, text)
            checked += 1
    assert checked


def assert_no_default_partition() -> None:
    for table in TABLES:
        assert not [p for p in list_partitions(table) if p.is_default]


def confirmed(moment: datetime) -> dict:
    """Fields that set a quote's confirmation time, where quotes carry one."""
    return {"confirmed_at": moment} if "confirmed_at" in Quote.__dataclass_fields__ else {}


def best_prices_any_time(event, market_key: str):
    """best_prices, with in-play quotes included where the read API can leave them out:
    re-dated captures of 2022 events are all after kick-off."""
    wanted = {"in_play": True} if "in_play" in inspect.signature(best_prices).parameters else {}
    return best_prices(event, market_key, **wanted)


# --- the scenario -----------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_price_confirmed_inside_the_window_outlives_the_partition_of_its_row(
    shared_data, settings
):
    """A capture 15 days old, the same prices 1 day old, ODDS_RETENTION_DAYS=7,
    ``pgpartition --yes``, the same prices now: every live price is still there."""
    settings.ODDS_RETENTION_DAYS = 7
    epl = str(shared_data / "theoddsapi" / "soccer_epl.2022-12.json")
    now = datetime.now(UTC).replace(microsecond=0)

    def ingest(at: datetime) -> None:
        call_command(
            "ingest",
            "theoddsapi",
            epl,
            "--no-progress",
            captured_at=at.isoformat(),
            stdout=StringIO(),
        )

    ingest(now - timedelta(days=15))
    ingest(now - timedelta(days=1))
    events = list(Event.objects.order_by("pk"))
    inside = now - timedelta(hours=1)  # a time inside the window, before the last capture
    before = {e.pk: CarriedTimes().answers(e.pk, latest_odds(e, at=inside)) for e in events}
    rows = MarketOdds.objects.count()
    assert sum(map(len, before.values())) == rows > 500  # one row per price, all live

    call_command("pgpartition", yes=True, stdout=StringIO())
    ingest(now)

    # The first capture's partition is gone; each of its prices lives on as a copy.
    assert not MarketOdds.objects.filter(captured_at__lte=now - timedelta(days=15)).exists()
    carried = MarketOdds.objects.filter(carried_from=now - timedelta(days=15))
    assert carried.count() == MarketOdds.objects.count() == rows
    # ...confirmed last by the capture 15 days old (the one a day old is in scope too,
    # but it is a confirmation inside the window: the read side knows it from there).
    assert set(carried.values_list("carried_confirmed_at", flat=True)) == {now - timedelta(days=15)}
    mapped = CarriedTimes()
    for event in events:
        assert mapped.answers(event.pk, latest_odds(event, at=inside)) == before[event.pk]
        # Now: the same prices, since the same time (confirmed again by the last capture).
        current = mapped.answers(event.pk, latest_odds(event))
        assert [dataclasses.replace(q, **confirmed(now)) for q in current] == [
            dataclasses.replace(q, **confirmed(now)) for q in before[event.pk]
        ]
        assert best_prices_any_time(event, "h2h"), event
    # The capture now repeated every price: nothing new was written for it.
    assert not MarketOdds.objects.filter(captured_at=now).exists()
    assert_state_points_at_stored_rows()
    assert_no_default_partition()


# --- every read inside the window answers as before ---------------------------------------
BASE = datetime(2026, 1, 10, tzinfo=UTC)
STRETCH = 24  # an hour of the real day becomes a day: 41 captures over 23 daily partitions


def stretched(moment: datetime) -> datetime:
    return BASE + (moment - BASE) * STRETCH


def redated(item: Capture) -> Capture:
    event = dataclasses.replace(item.event, commence_time=stretched(item.event.commence_time))
    return dataclasses.replace(item, captured_at=stretched(item.captured_at), event=event)


def soccer_history(shared_data) -> list[Capture]:
    """The real day of The Odds API history, soccer only, one real hour to a day (the
    other sports are left out before parsing, with each response's scope kept whole)."""
    captures = []
    for path in sorted((shared_data / "theoddsapi-history").glob("*.json.gz")):
        envelope = json.loads(gzip.decompress(path.read_bytes()))
        keys = (m["key"] for e in envelope["data"] for b in e["bookmakers"] for m in b["markets"])
        soccer = [e for e in envelope["data"] if e["sport_key"].startswith("soccer")]
        at = datetime.fromisoformat(envelope["timestamp"].replace("Z", "+00:00"))
        items = parse_events(soccer, captured_at=at, scope=scope_for(keys), origin=str(path))
        captures.extend(redated(item) for item in items if isinstance(item, Capture))
    return captures


def reads(events: list[Event], times: list[datetime], since: datetime) -> dict:
    """Reads a user could make inside the window (carried rows mapped back): the prices
    in force at several times; and for events starting inside it, the best h2h prices
    and margins then, every market's price path since the window's start and its
    closing prices."""
    answered, mapped = {}, CarriedTimes()
    for event in events:
        for at in times:
            answered[("latest", event.pk, at)] = mapped.answers(event.pk, latest_odds(event, at=at))
        if event.commence_time < since:
            continue
        for at in times:  # the pricing reads on the same probes (their times aside)
            best = best_prices(event, "h2h", at=at)
            answered[("best", event.pk, at)] = [(b.outcome, b.price, b.bookmakers) for b in best]
            answered[("margins", event.pk, at)] = margins(event, "h2h", at=at)
        markets = {(q.market_key, q.period, q.line) for q in latest_odds(event, at=since)}
        for key, period, line in sorted(markets, key=str):
            path = market_history(event, key, period=period, line=line, since=since)
            closing = opening_closing(event, key, period=period, line=line)
            answered[("history", event.pk, key, line)] = mapped.answers(event.pk, path)
            answered[("closing", event.pk, key, line)] = sorted(
                (oc.bookmaker, mapped(event.pk, oc.closing))
                for oc in closing
                if not withdrawn_before(oc.closing, since)
            )
    return answered


def withdrawn_before(closing, since: datetime) -> bool:
    """The one answer retention drops: a bookmaker whose whole priced history is older
    than the window and whose closing says "withdrawn" (gone rows are not carried, and
    opening_closing lists only bookmakers with an opening price)."""
    return closing is not None and not closing.outcomes and closing.captured_at < since


@pytest.mark.django_db(transaction=True)
def test_every_read_inside_the_window_answers_as_before(shared_data, settings):
    settings.ODDS_PARTITION_SIZE = "day"
    settings.ODDS_RETENTION_DAYS = 10
    captures = soccer_history(shared_data)
    ingest_captures(captures)
    times = sorted({c.captured_at for c in captures})
    now = times[-1] + timedelta(hours=1)
    cutoff = now - timedelta(days=10)
    inside = [t for t in times if t >= cutoff]
    window = [cutoff, inside[len(inside) // 2] + timedelta(minutes=1), now]
    events = list(Event.objects.order_by("pk"))
    before = reads(events, window, since=cutoff)
    assert len([k for k in before if k[0] == "closing"]) > 20  # kick-offs inside the window
    assert len([k for k, v in before.items() if k[0] == "margins" and v]) > 20

    build_manager(now=lambda: now).plan().apply()

    # Twelve daily partitions were retired in one run, oldest first.
    kept_from = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
    assert min(p.start for p in list_partitions("odds_marketodds")) == kept_from
    assert MarketOdds.objects.filter(captured_at=kept_from, carried_from__isnull=False).exists()
    assert reads(events, window, since=cutoff) == before
    assert_state_points_at_stored_rows()
    assert_no_default_partition()


# --- hand-built edges ---------------------------------------------------------------------
W1, W2, W3 = (datetime(2026, 1, d, tzinfo=UTC) for d in (5, 12, 19))  # Mondays: weekly slots
NOW = datetime(2026, 2, 4, tzinfo=UTC)  # 14 days of retention keep W3 on, retire W1 and W2
KICKOFF = datetime(2026, 3, 1, 15, tzinfo=UTC)
D = Decimal


def event_ref() -> EventRef:
    return EventRef(
        source="handmade",
        source_event_id="ev1",
        sport_key="soccer",
        sport_name="Soccer",
        tournament_key="soccer_league",
        tournament_name="League",
        home_team="Home",
        away_team="Away",
        commence_time=KICKOFF,
    )


def h2h(home: str) -> Market:
    return Market("h2h", (Outcome("home", D(home)), Outcome("away", D("1.8"))))


def totals() -> Market:
    return Market("totals", (Outcome("over", D("1.9")), Outcome("under", D("1.9"))), line=D("2.5"))


def cap(at: datetime, book: str, *markets: Market, scope=("h2h", "totals")) -> Capture:
    ref = BookmakerRef(book, book.title())
    return Capture(event_ref(), ref, at, markets, scope=frozenset(scope))


def day(start: datetime, days: int) -> datetime:
    return start + timedelta(days=days, hours=10)


def retire(settings) -> None:
    settings.ODDS_RETENTION_DAYS = 14
    build_manager(now=lambda: NOW).plan().apply()


def rows_of(book: str) -> list[tuple]:
    rows = MarketOdds.objects.filter(bookmaker__key=book).order_by("market_key", "captured_at")
    return list(
        rows.values_list("market_key", "captured_at", "carried_from", "carried_confirmed_at")
    )


@pytest.mark.django_db(transaction=True)
def test_a_price_is_carried_across_every_retired_partition_with_its_own_times(settings):
    ingest_captures(
        [
            cap(day(W1, 1), "book_a", h2h("2.1"), totals()),
            cap(day(W1, 3), "book_a", h2h("2.1"), totals()),
            cap(day(W2, 1), "book_a", h2h("2.1"), totals()),
            cap(day(W2, 2), "book_a", h2h("2.1"), scope=["h2h"]),  # and its stored scope:
            cap(day(W3, 1), "book_a", h2h("2.1"), totals()),
        ]
    )
    # The write path may store it already; rows from before scopes were kept have none.
    h2h_only, _ = CaptureScope.objects.get_or_create(signature="h2h", defaults={"entries": ["h2h"]})
    OddsSnapshot.objects.filter(captured_at=day(W2, 2)).update(scope=h2h_only)

    retire(settings)

    # Carried W1 -> W2 -> W3: the copy at W2 went with its partition.
    first = day(W1, 1)
    assert rows_of("book_a") == [
        ("h2h", W3, first, day(W2, 2)),  # confirmed by the h2h-only capture too
        ("totals", W3, first, day(W2, 1)),  # ...which says nothing about totals
    ]
    synthetic = OddsSnapshot.objects.get(captured_at=W3)
    assert (
        synthetic.scrape_run_id is None and CaptureScope.objects.get(pk=synthetic.scope_id).carried
    )
    assert not OddsSnapshot.objects.filter(captured_at__lt=W3).exists()
    pair = EventBookmaker.objects.get()
    assert pair.first_captured_at == W3
    assert {v[1] for v in load_state(pair.market_state).values()} == {W3.isoformat()}
    assert_state_points_at_stored_rows()
    assert_no_default_partition()

    # A backfill into a retired week makes its partition again: no process remembers it.
    ingest_captures([cap(day(W1, 4), "book_c", h2h("2.5"))])
    assert rows_of("book_c") == [("h2h", day(W1, 4), None, None)]


@pytest.mark.django_db(transaction=True)
def test_gone_rows_are_not_carried_and_a_row_at_the_boundary_is_not_copied(settings):
    ingest_captures(
        [
            cap(day(W1, 1), "book_b", h2h("2.1"), totals()),
            cap(day(W1, 2), "book_b", h2h("2.1")),  # totals gone
            cap(W3, "book_b", h2h("2.2")),  # a real capture exactly at the boundary
        ]
    )

    retire(settings)

    # h2h went W1 -> W2 (a synthetic snapshot there, dropped with W2) and stops at W3,
    # where a row stands already; the gone totals row was not carried.
    assert rows_of("book_b") == [("h2h", W3, None, None)]
    assert OddsSnapshot.objects.get().captured_at == W3  # the real one, nothing added
    state = load_state(EventBookmaker.objects.get().market_state)
    assert list(state) == ["h2h|full_time|"]  # totals left the state with its gone row
    assert_state_points_at_stored_rows()

    # Totals quoted again: first seen, so stored.
    ingest_captures([cap(day(W3, 2), "book_b", h2h("2.2"), totals())])
    assert rows_of("book_b")[-1] == ("totals", day(W3, 2), None, None)
    assert_state_points_at_stored_rows()


@pytest.mark.django_db(transaction=True)
def test_a_failed_carry_drops_nothing(settings, monkeypatch):
    from odds import retention

    ingest_captures([cap(day(W1, 1), "book_a", h2h("2.1"))])
    carry = retention.carry_forward

    def carry_then_fail(**kwargs):
        carry(**kwargs)
        raise RuntimeError("crash after carrying")

    monkeypatch.setattr(retention, "carry_forward", carry_then_fail)
    with pytest.raises(RuntimeError, match="crash after carrying"):
        retire(settings)

    assert rows_of("book_a") == [("h2h", day(W1, 1), None, None)]
    assert W1 in {p.start for p in list_partitions("odds_marketodds")}
    assert_state_points_at_stored_rows()


@pytest.mark.django_db(transaction=True)
def test_across_a_gap_a_price_goes_to_the_first_kept_slot_even_one_the_plan_creates(settings):
    # One day of retention on a Wednesday: the cutoff is in the current week, which
    # the plan creates, and nothing exists between W1 and it.
    settings.ODDS_RETENTION_DAYS = 1
    ingest_captures([cap(day(W1, 1), "book_a", h2h("2.1"))])

    build_manager(now=lambda: W3 + timedelta(days=2)).plan().apply()

    assert rows_of("book_a") == [("h2h", W3, day(W1, 1), day(W1, 1))]
    for table in TABLES:
        assert min(p.start for p in list_partitions(table)) == W3
    assert_state_points_at_stored_rows()


@pytest.mark.django_db(transaction=True)
def test_retiring_partitions_of_another_size_never_makes_expired_ones_again(settings):
    settings.ODDS_PARTITION_SIZE = "day"
    ingest_captures([cap(day(W1, 1), "book_a", h2h("2.1")), cap(day(W1, 2), "book_b", h2h("2.2"))])
    settings.ODDS_PARTITION_SIZE = "week"

    retire(settings)

    cutoff = NOW - timedelta(days=14)
    for table in TABLES:
        assert all(p.end > cutoff for p in list_partitions(table)), table
    assert [r[:3] for r in rows_of("book_a") + rows_of("book_b")] == [
        ("h2h", W3, day(W1, 1)),
        ("h2h", W3, day(W1, 2)),
    ]
    assert_state_points_at_stored_rows()

"""MarketOdds rows written through the ORM are visible to the read API (odds.ingest.orm_writes),
and what the pair states cannot follow is refused with a message naming the write API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import CaptureWriter
from odds.ingest.changes import text_from_json
from odds.ingest.state import load_state
from odds.models import EventAlias, EventBookmaker, MarketOdds
from odds.selectors import best_prices, latest_odds
from odds.series import value_hash
from tests.factories import make_bookmaker, make_event, make_snapshot

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
KICKOFF = T0 + timedelta(days=1)


def outcomes(home, away, status: str = "open") -> list[dict]:
    return [
        {"name": "away", "price": away, "status": status},
        {"name": "home", "price": home, "status": status},
    ]


def orm_row(event, book, at: datetime, *, home="2.10", away="1.80", **fields) -> MarketOdds:
    snapshot = make_snapshot(event, book, at)
    return MarketOdds(
        snapshot_id=snapshot.id,
        captured_at=at,
        event_id=event.id,
        bookmaker_id=book.id,
        market_key=fields.pop("market_key", "h2h"),
        outcomes=fields.pop("outcomes") if "outcomes" in fields else outcomes(home, away),
        **fields,
    )


def prices(quote) -> dict:
    return {o.name: o.price for o in quote.outcomes}


@pytest.mark.django_db
def test_a_row_created_through_the_orm_is_in_latest_odds_and_best_prices():
    event, book = make_event(commence_time=KICKOFF), make_bookmaker("orm_book")
    snapshot = make_snapshot(event, book, T0)
    MarketOdds.objects.create(
        snapshot_id=snapshot.id,
        captured_at=T0,
        event=event,
        bookmaker=book,
        market_key="h2h",
        outcomes=outcomes("2.10", 1.8),  # a string and a number, in any order
    )

    (quote,) = latest_odds(event)
    assert (quote.bookmaker, quote.captured_at) == ("orm_book", T0)
    assert prices(quote) == {"home": Decimal("2.1"), "away": Decimal("1.8")}
    soon = T0 + timedelta(minutes=1)  # pre-match, and confirmed just now
    best = {b.outcome: (b.price, b.bookmakers) for b in best_prices(event, "h2h", at=soon)}
    assert best == {
        "home": (Decimal("2.1"), ("orm_book",)),
        "away": (Decimal("1.8"), ("orm_book",)),
    }
    # Stored as the write path stores it: role order, canonical prices.
    assert MarketOdds.objects.get().outcomes == [
        {"name": "home", "price": "2.1", "status": "open"},
        {"name": "away", "price": "1.8", "status": "open"},
    ]
    pair = EventBookmaker.objects.get(event=event, bookmaker=book)
    assert pair.first_captured_at == T0


@pytest.mark.django_db
def test_an_older_orm_row_is_history_but_does_not_replace_the_newer_state():
    event, book = make_event(commence_time=KICKOFF), make_bookmaker()
    orm_row(event, book, T0 + timedelta(hours=1), home="2.2").save()
    older = T0 - timedelta(hours=1)
    MarketOdds.objects.bulk_create(
        [
            orm_row(event, book, older, home="2.0"),
            orm_row(event, book, older + timedelta(seconds=1), market_key="btts", outcomes=[]),
        ]
    )

    now = latest_odds(event)
    assert [(q.market_key, prices(q)["home"]) for q in now] == [("h2h", Decimal("2.2"))]
    then = latest_odds(event, at=older + timedelta(minutes=5))
    assert [(q.market_key, prices(q)["home"]) for q in then] == [("h2h", Decimal("2.0"))]
    pair = EventBookmaker.objects.get()
    state = load_state(pair.market_state)
    newest = MarketOdds.objects.get(captured_at=T0 + timedelta(hours=1))
    assert state["h2h|full_time|"] == [
        value_hash(text_from_json(newest.outcomes)),
        newest.captured_at.isoformat(),
    ]
    assert state["btts|full_time|"][1] == (older + timedelta(seconds=1)).isoformat()
    assert pair.first_captured_at == older


def capture(event, at: datetime, home: str) -> Capture:
    ref = EventRef(
        source="handmade",
        source_event_id="orm-ev",
        sport_key="soccer",
        sport_name="Soccer",
        tournament_key="soccer_league",
        tournament_name="League",
        home_team=event.home_team,
        away_team=event.away_team,
        commence_time=event.commence_time,
    )
    market = Market("h2h", (Outcome("home", Decimal(home)), Outcome("away", Decimal("1.8"))))
    return Capture(ref, BookmakerRef("book", "Book"), at, (market,))


@pytest.mark.django_db
def test_the_write_path_compares_with_an_orm_row_even_from_its_cached_state():
    event, book = make_event(commence_time=KICKOFF), make_bookmaker("book")
    EventAlias.objects.create(source="handmade", external_id="orm-ev", event=event)
    writer = CaptureWriter()
    assert writer.write([capture(event, T0, "2.1")]).markets_written == 1

    orm_row(event, book, T0 + timedelta(minutes=5), home="2.3").save()

    # The writer's cached state is stale: the pair's row version tells it so.
    stats = writer.write([capture(event, T0 + timedelta(minutes=10), "2.3")])
    assert (stats.markets_written, stats.markets_unchanged) == (0, 1)
    (quote,) = latest_odds(event)
    assert (quote.captured_at, prices(quote)["home"]) == (T0 + timedelta(minutes=5), Decimal("2.3"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"home": "2.0"}, "must be a list, not dict"),
        ([{"name": "home", "price": "2.0"}], "exactly the keys name, price, status"),
        (outcomes("1.0", "3.0"), "price '1.0' is not decimal odds above 1.0"),
        (outcomes("x", "3.0"), "price 'x' is not a number"),
        (outcomes("2.0", "3.0", status="closed"), "status 'closed'"),
        ([{"name": "", "price": "2", "status": "open"}], "has no name"),
    ],
)
def test_malformed_outcomes_are_refused_naming_the_field_and_the_write_api(bad, reason):
    event, book = make_event(commence_time=KICKOFF), make_bookmaker()
    row = orm_row(event, book, T0, outcomes=bad)
    for write in (row.save, lambda: MarketOdds.objects.bulk_create([row])):
        with pytest.raises(ValueError, match=r"MarketOdds\.outcomes") as refused:
            write()
        assert reason in str(refused.value)
        assert "odds.ingest.ingest_captures" in str(refused.value)
    assert not MarketOdds.objects.exists()
    assert not EventBookmaker.objects.exists()


@pytest.mark.django_db
def test_a_naive_capture_time_is_refused():
    event, book = make_event(commence_time=KICKOFF), make_bookmaker()
    row = orm_row(event, book, T0)
    row.captured_at = T0.replace(tzinfo=None)
    with pytest.raises(ValueError, match=r"captured_at .* must be an aware datetime"):
        row.save()


@pytest.mark.django_db
def test_changing_or_deleting_history_through_the_orm_is_refused():
    event, book = make_event(commence_time=KICKOFF), make_bookmaker()
    row = orm_row(event, book, T0)
    row.save()
    rows = MarketOdds.objects.filter(event=event)
    attempts = [
        lambda: rows.update(outcomes=[]),
        rows.delete,
        row.delete,
        row.save,  # a second save would update the stored row
        lambda: rows.bulk_update([row], ["outcomes"]),
        lambda: MarketOdds.objects.bulk_insert([{"market_key": "h2h"}]),
    ]
    for attempt in attempts:
        with pytest.raises(ValueError, match=r"odds\.ingest\.ingest_captures"):
            attempt()
    assert rows.count() == 1

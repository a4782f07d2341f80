"""The write path on hand-built captures: change-only history, idempotency, order."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import ingest_captures
from odds.ingest.changes import text_from_json
from odds.ingest.state import newest_rows
from odds.models import Event, EventBookmaker, MarketOdds, OddsSnapshot
from odds.series import ident_text, value_hash

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
KICKOFF = datetime(2026, 1, 11, 15, 0, tzinfo=UTC)


def event_ref(n: int = 1, *, home="Arsenal", away="Chelsea", commence=KICKOFF) -> EventRef:
    return EventRef(
        source="handmade",
        source_event_id=f"ev{n}",
        sport_key="soccer",
        sport_name="Soccer",
        tournament_key="soccer_epl",
        tournament_name="EPL",
        home_team=home,
        away_team=away,
        commence_time=commence,
    )


def h2h(home: str, draw: str, away: str, *, status: str = "open") -> Market:
    return Market(
        "h2h",
        (
            Outcome("home", Decimal(home), status),
            Outcome("draw", Decimal(draw)),
            Outcome("away", Decimal(away)),
        ),
    )


def totals(line: str, over: str, under: str) -> Market:
    return Market(
        "totals",
        (Outcome("over", Decimal(over)), Outcome("under", Decimal(under))),
        line=Decimal(line),
    )


FULL_SCOPE = frozenset({"h2h", "totals", "spreads"})


def capture(minutes: int, *markets: Market, event=None, book="book_a", **extra) -> Capture:
    """A capture whose source reports h2h, totals and spreads in full unless told."""
    extra.setdefault("scope", FULL_SCOPE)
    return Capture(
        event=event or event_ref(),
        bookmaker=BookmakerRef(book, book.replace("_", " ").title()),
        captured_at=T0 + timedelta(minutes=minutes),
        markets=markets,
        **extra,
    )


def history(market_key: str = "h2h") -> list[tuple[int, list]]:
    rows = MarketOdds.objects.filter(market_key=market_key).order_by("captured_at")
    return [(int((r.captured_at - T0).total_seconds() // 60), r.outcomes) for r in rows]


def prices(outcomes: list[dict]) -> dict[str, str]:
    return {o["name"]: o["price"] for o in outcomes}


def current_state(book: str = "book_a") -> dict:
    return EventBookmaker.objects.get(bookmaker__key=book).market_state


def changed_at(ident, book: str = "book_a") -> datetime:
    return newest_rows(current_state(book))[ident]


def assert_state_is_newest_row(book: str = "book_a") -> None:
    """The pair's state names, for every market, exactly its newest history row."""
    state = current_state(book)
    times = newest_rows(state)
    rows = MarketOdds.objects.filter(bookmaker__key=book).order_by("captured_at")
    newest = {(r.market_key, r.period, r.line): r for r in rows}
    assert set(times) == set(newest)
    for ident, row in newest.items():
        assert times[ident] == row.captured_at
        assert state[ident_text(ident)][0] == value_hash(text_from_json(row.outcomes))


def in_force(at_minutes: int, market_key="h2h", line=None) -> list[dict] | None:
    row = (
        MarketOdds.objects.filter(
            market_key=market_key, line=line, captured_at__lte=T0 + timedelta(minutes=at_minutes)
        )
        .order_by("-captured_at")
        .first()
    )
    return row.outcomes if row else None


@pytest.mark.django_db
def test_first_capture_writes_every_market_and_the_snapshot():
    stats = ingest_captures(
        [capture(0, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95"))]
    )
    assert (stats.snapshots_written, stats.markets_written, stats.markets_unchanged) == (1, 2, 0)
    assert OddsSnapshot.objects.count() == 1
    row = MarketOdds.objects.get(market_key="totals")
    assert row.line == Decimal("2.5")
    assert row.outcomes == [
        {"name": "over", "price": "1.9", "status": "open"},
        {"name": "under", "price": "1.95", "status": "open"},
    ]
    snapshot = OddsSnapshot.objects.get()
    assert (row.snapshot_id, row.captured_at) == (snapshot.id, snapshot.captured_at)
    event = Event.objects.get()
    assert (event.home_team, event.away_team, event.commence_time) == (
        "Arsenal",
        "Chelsea",
        KICKOFF,
    )


@pytest.mark.django_db
def test_only_changes_are_stored_but_every_capture_leaves_a_snapshot():
    captures = [
        capture(0, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95")),
        capture(5, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95")),
        capture(10, h2h("2.05", "3.40", "3.70"), totals("2.5", "1.90", "1.95")),
        capture(15, h2h("2.05", "3.40", "3.70"), totals("2.5", "1.90", "1.95")),
    ]
    stats = ingest_captures(captures)
    assert (stats.snapshots_written, stats.markets_written, stats.markets_unchanged) == (4, 3, 5)
    assert OddsSnapshot.objects.count() == 4
    assert [m for m, _ in history("h2h")] == [0, 10]
    assert [m for m, _ in history("totals")] == [0]
    assert_state_is_newest_row()
    assert changed_at(("h2h", "full_time", None)) == T0 + timedelta(minutes=10)


@pytest.mark.django_db
def test_the_same_captures_twice_write_nothing_new():
    captures = [capture(m, h2h("2.10", "3.40", str(3.6 + m / 100))) for m in range(0, 30, 5)]
    first = ingest_captures(captures)
    again = ingest_captures(captures)
    assert first.markets_written == 6
    assert (again.duplicates, again.snapshots_written, again.markets_written) == (6, 0, 0)
    assert OddsSnapshot.objects.count() == 6
    assert MarketOdds.objects.count() == 6
    within = ingest_captures(captures[:1] * 3)
    assert within.duplicates == 3


@pytest.mark.django_db
def test_a_market_that_disappears_is_recorded_gone_and_can_come_back():
    ingest_captures(
        [
            capture(0, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95")),
            capture(5, h2h("2.10", "3.40", "3.60")),  # totals gone
            capture(10, h2h("2.10", "3.40", "3.60")),  # still gone: nothing new
            capture(15, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95")),
        ]
    )
    assert [(m, len(o)) for m, o in history("totals")] == [(0, 2), (5, 0), (15, 2)]
    assert in_force(7, "totals", Decimal("2.5")) == []


@pytest.mark.django_db
def test_a_market_outside_the_capture_scope_is_not_judged_gone():
    ingest_captures([capture(0, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95"))])
    ingest_captures([capture(5, h2h("2.10", "3.40", "3.60"), scope=frozenset({"h2h"}))])
    ingest_captures([capture(10, h2h("2.10", "3.40", "3.60"), skipped_keys=frozenset({"totals"}))])
    assert [m for m, _ in history("totals")] == [0]


@pytest.mark.django_db
def test_a_suspension_is_a_change():
    ingest_captures(
        [
            capture(0, h2h("2.10", "3.40", "3.60")),
            capture(5, h2h("2.10", "3.40", "3.60", status="suspended")),
            capture(10, h2h("2.10", "3.40", "3.60")),
        ]
    )
    statuses = [o[0]["status"] for _, o in history("h2h")]
    assert statuses == ["open", "suspended", "open"]


@pytest.mark.django_db
def test_lines_are_separate_markets():
    ingest_captures([capture(0, totals("2.5", "1.90", "1.95"), totals("3.5", "3.10", "1.35"))])
    ingest_captures([capture(5, totals("3.5", "3.10", "1.35"))])  # 2.5 pulled
    lines = MarketOdds.objects.filter(market_key="totals").order_by("captured_at", "line")
    assert [(r.line, len(r.outcomes)) for r in lines] == [
        (Decimal("2.5"), 2),
        (Decimal("3.5"), 2),
        (Decimal("2.5"), 0),
    ]


def _sequence() -> list[Capture]:
    values = ["2.10", "2.20", "2.20", "2.10", "2.30", "2.30", "2.10"]
    caps = [capture(i * 5, h2h(v, "3.40", "3.60")) for i, v in enumerate(values)]
    caps[3] = capture(15, h2h("2.10", "3.40", "3.60"), totals("2.5", "1.90", "1.95"))
    return caps


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["reversed", "interleaved", "one_late"])
def test_out_of_order_captures_give_the_same_history(order):
    captures = _sequence()
    if order == "reversed":
        batches = [[c] for c in reversed(captures)]
    elif order == "interleaved":
        batches = [captures[1::2], captures[0::2]]
    else:
        batches = [captures[:2] + captures[3:], [captures[2]]]
    for batch in batches:
        ingest_captures(batch)

    observed = {c.captured_at: {m.key: m for m in c.markets} for c in captures}
    for at, markets in observed.items():
        minutes = int((at - T0).total_seconds() // 60)
        assert prices(in_force(minutes)) == {
            o.name: str(o.price.normalize()) for o in markets["h2h"].outcomes
        }
        totals_now = in_force(minutes, "totals", Decimal("2.5"))
        if "totals" in markets:
            assert totals_now and len(totals_now) == 2
        else:
            assert not totals_now
    # Exactly the rows an in-order import makes: h2h changes at 0, 5, 15, 20, 30;
    # totals appears at 15 and is gone at 20.
    assert [m for m, _ in history("h2h")] == [0, 5, 15, 20, 30]
    assert [(m, len(o)) for m, o in history("totals")] == [(15, 2), (20, 0)]
    assert_state_is_newest_row()
    assert changed_at(("h2h", "full_time", None)) == T0 + timedelta(minutes=30)


@pytest.mark.django_db
def test_teams_listed_the_other_way_round_keep_their_roles():
    ingest_captures([capture(0, h2h("2.10", "3.40", "3.60"))])
    swapped = event_ref(home="Chelsea", away="Arsenal")
    spread = Market(
        "spreads",
        (Outcome("home", Decimal("1.9")), Outcome("away", Decimal("1.9"))),
        line=Decimal("0.5"),
    )
    ingest_captures([capture(5, h2h("3.60", "3.40", "2.10"), spread, event=swapped)])
    assert Event.objects.count() == 1
    assert len(history("h2h")) == 1  # same prices once oriented: no change
    assert MarketOdds.objects.get(market_key="spreads").line == Decimal("-0.5")


@pytest.mark.django_db
def test_start_time_follows_the_newest_capture_only():
    moved = KICKOFF + timedelta(hours=2)
    ingest_captures([capture(0, h2h("2.10", "3.40", "3.60"))])
    ingest_captures([capture(10, h2h("2.10", "3.40", "3.60"), event=event_ref(commence=moved))])
    assert Event.objects.get().commence_time == moved
    ingest_captures([capture(5, h2h("2.10", "3.40", "3.60"))])  # late, old start time
    assert Event.objects.get().commence_time == moved


@pytest.mark.django_db
def test_a_capture_the_tables_would_refuse_is_a_problem_and_the_rest_is_stored():
    bad = capture(5, Market("Match Winner", (Outcome("home", Decimal("2")),)))
    stats = ingest_captures(
        [capture(0, h2h("2.10", "3.40", "3.60")), bad, capture(10, h2h("2.2", "3.4", "3.6"))]
    )
    assert [p.error_type for p in stats.problems] == ["invalid_capture"]
    assert "Match Winner" in stats.problems[0].message
    assert OddsSnapshot.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"event": event_ref(home="Ars\x00enal")}, "NUL"),
        ({"event": event_ref(away="Chel\ud800sea")}, "surrogate"),
        ({"captured_at": datetime(1969, 12, 31, tzinfo=UTC)}, "between 1970 and 2100"),
        ({"captured_at": datetime(9999, 1, 1, tzinfo=UTC)}, "between 1970 and 2100"),
    ],
)
def test_captures_postgres_or_the_partitions_cannot_hold_are_problems(change, words):
    good = capture(0, h2h("2.10", "3.40", "3.60"))
    bad = dataclasses.replace(good, **change)
    stats = ingest_captures([bad, good])
    assert [p.error_type for p in stats.problems] == ["invalid_capture"]
    assert words in stats.problems[0].message
    assert OddsSnapshot.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("store_raw", [True, False])
def test_raw_responses_are_kept_only_when_asked(store_raw):
    ingest_captures([capture(0, h2h("2.1", "3.4", "3.6"), raw={"id": "ev1"})], store_raw=store_raw)
    assert OddsSnapshot.objects.get().raw_response == ({"id": "ev1"} if store_raw else None)


@pytest.mark.django_db
def test_pairs_remember_their_first_capture():
    ingest_captures([capture(10, h2h("2.1", "3.4", "3.6")), capture(20, h2h("2.2", "3.4", "3.6"))])
    ingest_captures([capture(0, h2h("2.1", "3.4", "3.6"))])
    pair = EventBookmaker.objects.get()
    assert pair.first_captured_at == T0


@pytest.mark.django_db
def test_a_backfill_from_years_ago_lands_in_its_partition():
    old = datetime(2019, 8, 9, 15, tzinfo=UTC)
    ingest_captures(
        [
            Capture(
                event=event_ref(9, commence=old + timedelta(days=1)),
                bookmaker=BookmakerRef("bet365", "Bet365"),
                captured_at=old,
                markets=(h2h("1.3", "5.5", "9.5"),),
            )
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM odds_marketodds")
        assert cursor.fetchone()[0] == "odds_marketodds_p20190805"


@pytest.mark.slow
@pytest.mark.django_db
def test_queries_do_not_grow_with_the_number_of_captures(django_assert_max_num_queries):
    def captures(minutes: int, events: int) -> list[Capture]:
        return [
            capture(minutes, h2h("2.10", "3.40", str(3 + e / 100)), event=event_ref(e), book=b)
            for e in range(events)
            for b in ("book_a", "book_b", "book_c")
        ]

    ingest_captures(captures(0, 5))  # warm the entity tables
    with django_assert_max_num_queries(40):
        ingest_captures(captures(5, 200), batch_size=10_000)


def _random_captures(seed: int) -> list[Capture]:
    import random

    rng = random.Random(seed)
    captures = []
    for i in range(14):
        markets = [h2h(rng.choice(["2.10", "2.20"]), "3.40", "3.60")]
        if rng.random() < 0.6:
            markets.append(totals("2.5", rng.choice(["1.90", "1.80"]), "1.95"))
        if rng.random() < 0.3:
            markets.append(totals("3.5", "3.10", "1.35"))
        captures.append(capture(i * 5, *markets))
    return captures


def _stored_history() -> list[tuple]:
    rows = MarketOdds.objects.order_by("captured_at", "market_key", "line")
    return [(r.captured_at, r.market_key, r.line, r.outcomes) for r in rows]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(6))
def test_any_arrival_order_stores_the_history_of_the_in_order_import(seed):
    import random

    captures = _random_captures(seed)
    ingest_captures(captures)
    expected = _stored_history()
    expected_state = current_state()
    with connection.cursor() as cursor:  # history is not deleted through the ORM
        cursor.execute("TRUNCATE odds_marketodds, odds_oddssnapshot")
    EventBookmaker.objects.update(first_captured_at=None, market_state={})

    shuffled = captures[:]
    random.Random(seed).shuffle(shuffled)
    for chunk in (shuffled[:4], shuffled[4:5], shuffled[5:11], shuffled[11:]):
        ingest_captures(chunk)
    assert _stored_history() == expected
    assert current_state() == expected_state
    assert_state_is_newest_row()

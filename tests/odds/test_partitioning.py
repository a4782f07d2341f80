from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from psqlextra.partitioning.constants import AUTO_PARTITIONED_COMMENT

from odds.models import MarketOdds, OddsSnapshot
from odds.partitioning import (
    PartitionLayout,
    current_layout,
    ensure_partitions,
    ensure_partitions_for,
    list_partitions,
    uncovered,
)
from tests.factories import make_bookmaker, make_event, make_market, make_snapshot

TABLES = ["odds_oddssnapshot", "odds_marketodds"]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def partition_of(model, pk_filter: dict) -> str:
    table = model._meta.db_table
    where = " AND ".join(f"{column} = %s" for column in pk_filter)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {table} WHERE {where}",
            list(pk_filter.values()),
        )
        return cursor.fetchone()[0]


def bounds(table: str) -> list[tuple[datetime, datetime]]:
    return [(p.start, p.end) for p in list_partitions(table)]


# --- Layout (pure) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "moment", "start", "end"),
    [
        ("week", utc(2026, 11, 25, 15, 30), utc(2026, 11, 23), utc(2026, 11, 30)),
        ("week", utc(2026, 11, 23, 0, 0), utc(2026, 11, 23), utc(2026, 11, 30)),
        ("day", utc(2026, 11, 25, 23, 59), utc(2026, 11, 25), utc(2026, 11, 26)),
        ("month", utc(2026, 12, 31, 23, 0), utc(2026, 12, 1), utc(2027, 1, 1)),
    ],
)
def test_slots_start_at_midnight_utc(size, moment, start, end):
    layout = PartitionLayout(size=size)
    assert layout.slot_start(moment) == start
    assert layout.slot_end(start) == end


def test_slot_of_a_non_utc_time_is_the_utc_slot():
    # 2026-11-30 01:00 in UTC+02:00 is still Sunday 23:00 UTC: last week's slot.
    tz = timezone_offset(hours=2)
    layout = PartitionLayout(size="week")
    assert layout.slot_start(datetime(2026, 11, 30, 1, 0, tzinfo=tz)) == utc(2026, 11, 23)


def timezone_offset(*, hours: int):
    from datetime import timezone

    return timezone(timedelta(hours=hours))


def test_uncovered_leaves_only_the_gaps():
    week = [(utc(2026, 1, 5), utc(2026, 1, 12))]
    days = [(utc(2026, 1, 5), utc(2026, 1, 6)), (utc(2026, 1, 8), utc(2026, 1, 9))]
    assert uncovered(week, days) == [
        (utc(2026, 1, 6), utc(2026, 1, 8)),
        (utc(2026, 1, 9), utc(2026, 1, 12)),
    ]
    assert uncovered(week, week) == []
    assert uncovered(week, []) == week


def test_unknown_partition_size_is_refused():
    with pytest.raises(ValueError, match="not one of day, week, month"):
        PartitionLayout(size="fortnight")


# --- Tables and pgpartition -----------------------------------------------------------
@pytest.mark.django_db
def test_odds_tables_are_range_partitioned_on_captured_at():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, p.partstrat, a.attname
              FROM pg_partitioned_table p
              JOIN pg_class c ON c.oid = p.partrelid
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
             ORDER BY c.relname
            """
        )
        rows = cursor.fetchall()
    assert rows == [
        ("odds_marketodds", "r", "captured_at"),
        ("odds_oddssnapshot", "r", "captured_at"),
    ]


@pytest.mark.django_db
def test_there_is_no_default_partition_to_strand_rows_in():
    call_command("pgpartition", yes=True, skip_delete=True)
    for table in TABLES:
        assert not [p for p in list_partitions(table) if p.is_default]


@pytest.mark.django_db
def test_pgpartition_creates_aligned_partitions_ahead_for_both_tables(capsys):
    call_command("pgpartition", yes=True, skip_delete=True)
    layout = current_layout()
    now = datetime.now(UTC)
    expected_start = layout.slot_start(now)
    snapshot_bounds = bounds("odds_oddssnapshot")
    assert snapshot_bounds == bounds("odds_marketodds")
    covered_until = max(end for _, end in snapshot_bounds)
    slot = expected_start
    for _ in range(layout.ahead + 1):
        assert (slot, layout.slot_end(slot)) in snapshot_bounds
        slot = layout.slot_end(slot)
    assert covered_until >= slot
    for start, end in snapshot_bounds:
        assert (start.hour, start.minute, start.second) == (0, 0, 0)
        assert start.weekday() == 0  # default layout is weekly, from Monday
        assert end - start == timedelta(weeks=1)
    for table in TABLES:
        assert all(p.comment == AUTO_PARTITIONED_COMMENT for p in list_partitions(table))

    call_command("pgpartition", yes=True, skip_delete=True)
    assert "Nothing to be done" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_partition_has_the_brin_index_on_captured_at():
    call_command("pgpartition", yes=True, skip_delete=True)
    ensure_partitions(utc(2019, 8, 9))
    with connection.cursor() as cursor:
        for table in TABLES:
            for partition in list_partitions(table):
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [partition.name]
                )
                defs = [row[0] for row in cursor.fetchall()]
                assert any("USING brin (captured_at)" in d for d in defs), (partition.name, defs)


@pytest.mark.django_db
def test_a_query_bounded_by_captured_at_touches_only_matching_partitions():
    ensure_partitions(utc(2026, 1, 1), utc(2026, 3, 1))
    start, end = utc(2026, 1, 14), utc(2026, 1, 16)
    queryset = MarketOdds.objects.filter(captured_at__gte=start, captured_at__lt=end)
    plan = queryset.explain()
    touched = {p.name for p in list_partitions("odds_marketodds") if p.name in plan}
    assert touched == {"odds_marketodds_p20260112"}

    wider = MarketOdds.objects.filter(captured_at__gte=utc(2026, 1, 10), captured_at__lt=end)
    plan = wider.explain()
    touched = {p.name for p in list_partitions("odds_marketodds") if p.name in plan}
    assert touched == {"odds_marketodds_p20260105", "odds_marketodds_p20260112"}


# --- Integrity ------------------------------------------------------------------------
@pytest.mark.django_db
def test_database_rejects_market_odds_without_their_snapshot():
    captured = utc(2026, 1, 10, 12)
    event = make_event(commence_time=captured + timedelta(hours=3))
    snapshot = make_snapshot(event, make_bookmaker(), captured)
    make_market(snapshot)  # the real one is accepted

    orphan = MarketOdds(
        snapshot_id=snapshot.id + 1000,
        captured_at=captured,
        event=event,
        bookmaker=snapshot.bookmaker,
        market_key="h2h",
        outcomes=[],
    )
    with pytest.raises(IntegrityError, match="marketodds_snapshot_fk"), transaction.atomic():
        orphan.save()

    # Same id, other capture time: the key is (captured_at, id), not id alone.
    shifted = MarketOdds(
        snapshot_id=snapshot.id,
        captured_at=captured + timedelta(seconds=1),
        event=event,
        bookmaker=snapshot.bookmaker,
        market_key="h2h",
        outcomes=[],
    )
    with pytest.raises(IntegrityError, match="marketodds_snapshot_fk"), transaction.atomic():
        shifted.save()


@pytest.mark.django_db
def test_database_checks_market_rows():
    captured = utc(2026, 1, 10, 12)
    snapshot = make_snapshot(make_event(commence_time=captured), make_bookmaker(), captured)
    # Below the ORM (which refuses malformed outcomes itself): the table's own checks.
    for key, outcomes in (("Match Winner", "[]"), ("h2h", '{"home": "2.0"}')):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO odds_marketodds (snapshot_id, captured_at, event_id, bookmaker_id,"
                " market_key, period, outcomes) VALUES (%s, %s, %s, %s, %s, 'full_time', %s)",
                [snapshot.id, captured, snapshot.event_id, snapshot.bookmaker_id, key, outcomes],
            )


@pytest.mark.django_db
def test_the_same_capture_cannot_be_stored_twice():
    captured = utc(2026, 1, 10, 12)
    event, bookmaker = make_event(commence_time=captured), make_bookmaker()
    make_snapshot(event, bookmaker, captured)
    with (
        pytest.raises(IntegrityError, match=r"Key \(event_id, captured_at, bookmaker_id\)"),
        transaction.atomic(),
    ):
        make_snapshot(event, bookmaker, captured)


# --- Writing into the past and the future ---------------------------------------------
@pytest.mark.django_db
def test_a_write_years_in_the_past_lands_in_its_own_partition():
    captured = utc(2019, 8, 9, 19, 0)  # Friday: football-data's pre-match capture
    event = make_event(commence_time=captured + timedelta(days=1))
    snapshot = make_snapshot(event, make_bookmaker(), captured)
    market = make_market(snapshot)

    assert partition_of(OddsSnapshot, {"id": snapshot.id}) == "odds_oddssnapshot_p20190805"
    assert partition_of(MarketOdds, {"id": market.id}) == "odds_marketodds_p20190805"
    call_command("pgpartition", yes=True, skip_delete=True)
    for table in TABLES:
        assert not [p for p in list_partitions(table) if p.is_default]


@pytest.mark.django_db
def test_bulk_create_makes_the_partitions_it_needs_past_and_future():
    event = make_event(commence_time=utc(2030, 1, 1))
    bookmaker = make_bookmaker()
    times = [utc(2018, 3, 1), utc(2022, 6, 15), utc(2031, 12, 31, 23, 59, 59)]
    OddsSnapshot.objects.bulk_create(
        [OddsSnapshot(event=event, bookmaker=bookmaker, captured_at=t) for t in times]
    )
    stored = OddsSnapshot.objects.filter(event=event).order_by("captured_at")
    assert [s.captured_at for s in stored] == times
    names = {partition_of(OddsSnapshot, {"id": s.id}) for s in stored}
    assert names == {
        "odds_oddssnapshot_p20180226",
        "odds_oddssnapshot_p20220613",
        "odds_oddssnapshot_p20311229",
    }


@pytest.mark.django_db
def test_changing_partition_size_fills_only_the_gaps(settings):
    ensure_partitions(utc(2026, 2, 2), utc(2026, 2, 15))  # two weekly partitions
    settings.ODDS_PARTITION_SIZE = "month"
    assert ensure_partitions_for([utc(2026, 2, 10)]) == []  # a week covers it
    # The month slot Feb 1..Mar 1 is cut around the weeks that exist, and only the
    # piece a row needs is made.
    assert sorted(ensure_partitions_for([utc(2026, 2, 20)])) == [
        "odds_marketodds_p20260216",
        "odds_oddssnapshot_p20260216",
    ]
    assert sorted(bounds("odds_marketodds")) == [
        (utc(2026, 2, 2), utc(2026, 2, 9)),
        (utc(2026, 2, 9), utc(2026, 2, 16)),
        (utc(2026, 2, 16), utc(2026, 3, 1)),
    ]
    ensure_partitions(utc(2026, 2, 1))  # a whole range: the rest of the slot too
    assert sorted(bounds("odds_oddssnapshot"))[0] == (utc(2026, 2, 1), utc(2026, 2, 2))


@pytest.mark.django_db
def test_partitions_are_made_only_for_the_slots_rows_fall_in():
    created = ensure_partitions_for([utc(2018, 3, 1), utc(2031, 12, 31)])
    assert sorted(created) == [
        "odds_marketodds_p20180226",
        "odds_marketodds_p20311229",
        "odds_oddssnapshot_p20180226",
        "odds_oddssnapshot_p20311229",
    ]


# --- Retention ------------------------------------------------------------------------
@pytest.fixture
def backdated_history(settings):
    """Eleven weeks of partitions, each with one snapshot and one market row."""
    settings.ODDS_RETENTION_DAYS = 30
    now = datetime.now(UTC)
    event = make_event(commence_time=now)
    bookmaker = make_bookmaker()
    moments = [now - timedelta(weeks=w, hours=1) for w in range(11)]
    for moment in moments:
        make_market(make_snapshot(event, bookmaker, moment))
    return now, moments


@pytest.mark.django_db(transaction=True)
def test_retention_drops_exactly_the_expired_partitions_of_both_tables(backdated_history):
    now, moments = backdated_history
    cutoff = now - timedelta(days=30)
    before = {table: list_partitions(table) for table in TABLES}
    expired = {t: {p.name for p in parts if p.end <= cutoff} for t, parts in before.items()}
    assert len(expired["odds_oddssnapshot"]) >= 5

    call_command("pgpartition", yes=True)

    for table in TABLES:
        after = {p.name for p in list_partitions(table)}
        assert not after & expired[table]
        assert {p.name for p in before[table]} - expired[table] <= after
        assert all(p.end > cutoff for p in list_partitions(table))
    layout = current_layout()
    kept = [m for m in moments if layout.slot_end(layout.slot_start(m)) > cutoff]
    # The price in force when the kept window starts is carried to its first instant.
    newest_dropped = max(m for m in moments if m not in kept)
    boundary = layout.slot_end(layout.slot_start(newest_dropped))
    stored = OddsSnapshot.objects.values_list("captured_at", flat=True)
    assert sorted(stored) == sorted([*kept, boundary])
    assert MarketOdds.objects.count() == len(kept) + 1
    carried = MarketOdds.objects.get(carried_from__isnull=False)
    assert (carried.captured_at, carried.carried_from) == (boundary, newest_dropped)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM odds_marketodds m
             WHERE NOT EXISTS (SELECT 1 FROM odds_oddssnapshot s
                                WHERE s.captured_at = m.captured_at AND s.id = m.snapshot_id)
            """
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE ANY (%s)",
            [[f"{name}%" for t in TABLES for name in expired[t]]],
        )
        assert cursor.fetchone()[0] == 0  # no detached leftovers


@pytest.mark.django_db(transaction=True)
def test_skip_delete_only_creates(backdated_history):
    before = {table: {p.name for p in list_partitions(table)} for table in TABLES}
    call_command("pgpartition", yes=True, skip_delete=True)
    for table in TABLES:
        assert before[table] <= {p.name for p in list_partitions(table)}
    assert OddsSnapshot.objects.count() == 11


@pytest.mark.django_db(transaction=True)
def test_no_retention_keeps_everything(backdated_history, settings):
    settings.ODDS_RETENTION_DAYS = None
    call_command("pgpartition", yes=True)
    assert OddsSnapshot.objects.count() == 11
    assert MarketOdds.objects.count() == 11


@pytest.mark.django_db(transaction=True)
def test_retention_reports_what_it_retires(backdated_history, capsys):
    call_command("pgpartition", dry=True)
    out = capsys.readouterr().out
    assert "MarketOdds" in out and "OddsSnapshot" in out
    assert "  - p" in out and "estimated rows" in out
    assert OddsSnapshot.objects.count() == 11  # a dry run changes nothing

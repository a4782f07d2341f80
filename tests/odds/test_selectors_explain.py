"""The read API's statements read only the partitions of the time asked about, through the
series index: their plans (EXPLAIN of the very SQL a selector ran) name no other partition
and no sequential scan of the odds rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from odds.ingest import ingest_captures
from odds.selectors import arbitrage, latest_odds, market_history, movers, opening_closing
from tests.odds.test_selectors import cap, h2h, market, the_event

pytestmark = pytest.mark.slow

# Four weekly partitions (Mondays 5, 12, 19 and 26 January 2026), ten rounds a week.
MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
WEEKS = 4
EVENTS = 100
SERIES_INDEX = "event_id_bookmaker_id_market_key"


def at(week: int, hour: int) -> datetime:
    return MONDAY + timedelta(weeks=week, days=1, hours=hour)


def partition(week: int) -> str:
    return f"odds_marketodds_p{MONDAY + timedelta(weeks=week):%Y%m%d}"


@pytest.fixture
def four_weeks():
    """Every event's prices change every round: about 4,000 rows a partition."""
    captures = []
    for week in range(WEEKS):
        for hour in range(10):
            for event in range(1, EVENTS + 1):
                for book in ("book_a", "book_b"):
                    home = f"{2 + ((hour + event + week) % 7) / 10:.1f}"
                    captures.append(
                        cap(
                            at(week, hour),
                            h2h(home, "3.3", "3.1"),
                            market("totals", "2.5", over=home, under="1.9"),
                            book=book,
                            event=event,
                        )
                    )
    ingest_captures(captures)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE odds_marketodds")
    return the_event(7)


def plans(selector, *, reading: str = "odds_marketodds") -> list[dict]:
    """The plans of the statements on the odds rows (or what ``reading`` names) that
    ``selector()`` ran."""
    with CaptureQueriesContext(connection) as queries:
        selector()
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if reading in query["sql"]:
                cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                found.append((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return found


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def scanned(plan: dict) -> tuple[set[str], set[str]]:
    """(partitions read, scan node types used on them)."""
    scans = [n for n in nodes(plan) if n.get("Relation Name", "").startswith("odds_marketodds")]
    index_scans = [n for n in nodes(plan) if SERIES_INDEX in n.get("Index Name", "")]
    return {n["Relation Name"] for n in scans}, {n["Node Type"] for n in scans + index_scans}


def assert_reads_only(plan: dict, weeks: set[int]) -> None:
    partitions, kinds = scanned(plan)
    assert partitions == {partition(w) for w in weeks}
    assert "Seq Scan" not in kinds
    assert kinds & {"Index Scan", "Bitmap Index Scan"}


@pytest.mark.django_db
def test_latest_odds_now_reads_only_the_partition_of_the_newest_rows(four_weeks):
    (plan,) = plans(lambda: latest_odds(four_weeks))
    assert_reads_only(plan, {3})


@pytest.mark.django_db
def test_latest_odds_at_a_past_time_reads_from_the_first_capture_to_that_time(four_weeks):
    (plan,) = plans(lambda: latest_odds(four_weeks, at=at(1, 4)))
    assert_reads_only(plan, {0, 1})
    quotes = latest_odds(four_weeks, at=at(1, 4) + timedelta(minutes=30))
    assert {q.captured_at for q in quotes} == {at(1, 4)}


@pytest.mark.django_db
def test_market_history_reads_only_the_partitions_of_its_window(four_weeks):
    def window():
        return market_history(four_weeks, "h2h", since=at(1, 0), until=at(2, 3))

    (plan,) = plans(window)
    assert_reads_only(plan, {1, 2})
    assert len(window()) == 2 * 14  # two bookmakers, ten rounds then four
    (one,) = plans(lambda: market_history(four_weeks, "totals", line="2.5", bookmaker="book_b"))
    assert_reads_only(one, {0, 1, 2, 3})


@pytest.mark.django_db
def test_opening_closing_probes_stay_on_the_series_index(four_weeks):
    for plan in plans(lambda: opening_closing(four_weeks, "h2h")):
        kinds = scanned(plan)[1]
        assert "Seq Scan" not in kinds and "Index Scan" in kinds
    # The event kicks off on 10 January: closing probes never look past that week.
    _, closing, _following = plans(lambda: opening_closing(four_weeks, "h2h"))
    assert scanned(closing)[0] == {partition(0)}


@pytest.mark.django_db
def test_window_reads_skip_the_partitions_before_the_window(four_weeks):
    before = {partition(w) for w in range(3)}
    # These events started on 10 January: in play, so that the reads have rows to find.
    everything = {"in_play": True, "max_age": None}
    candidates, probes = plans(lambda: arbitrage(at=at(3, 9), since=at(3, 8), **everything))
    assert scanned(candidates)[0] == {partition(3)}
    assert scanned(probes)[0] == {partition(3)}  # at=9h: exact lookups of the newest rows
    window, *_ = plans(lambda: movers(since=at(3, 8), **everything))
    partitions = scanned(window)[0]
    assert partition(3) in partitions and not partitions & before


@pytest.mark.django_db
def test_confirmations_read_only_the_snapshots_since_the_rows_they_confirm(four_weeks):
    (plan,) = plans(lambda: latest_odds(four_weeks), reading="FROM odds_oddssnapshot s")
    scans = [n for n in nodes(plan) if n.get("Relation Name", "").startswith("odds_oddssnapshot")]
    snapshot_partition = partition(3).replace("marketodds", "oddssnapshot")
    assert {n["Relation Name"] for n in scans} == {snapshot_partition}
    assert "Seq Scan" not in {n["Node Type"] for n in scans}

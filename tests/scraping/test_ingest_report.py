"""What ``manage.py ingest`` prints, and run counters that match the rows each run stored."""

from __future__ import annotations

import contextlib
import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from scraping.models import ScrapeRun

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "theoddsapi"


def ingest(*args) -> tuple[ScrapeRun, str]:
    out = StringIO()
    with contextlib.suppress(SystemExit):
        call_command("ingest", *map(str, args), "--no-progress", stdout=out)
    return ScrapeRun.objects.order_by("-id").first(), out.getvalue()


def history(shared_data) -> list[Path]:
    return sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))


def captures_in(paths) -> int:
    """One capture per (event, bookmaker) of each envelope, counted from the raw files."""
    return sum(
        len(event["bookmakers"])
        for path in paths
        for event in json.loads(gzip.decompress(path.read_bytes()))["data"]
    )


def rows_per_run() -> dict[int, tuple[int, int]]:
    """(snapshots, market rows) stored under each run's snapshots, counted in the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.scrape_run_id, count(DISTINCT s.id), count(m.id)
              FROM odds_oddssnapshot s
              LEFT JOIN odds_marketodds m
                ON m.snapshot_id = s.id AND m.captured_at = s.captured_at
             GROUP BY s.scrape_run_id
            """
        )
        return {run_id: (snapshots, markets) for run_id, snapshots, markets in cursor.fetchall()}


def assert_counters_match_the_table() -> None:
    table = rows_per_run()
    for run in ScrapeRun.objects.all():
        assert (run.snapshots_written, run.markets_written) == table.get(run.id, (0, 0)), run


@pytest.mark.django_db
def test_reingesting_says_how_many_captures_were_duplicates(shared_data):
    files = history(shared_data)[:2]
    total = captures_in(files)  # 813 + 828
    assert total == 1641
    first, out = ingest("theoddsapi", *files)
    assert first.stats["duplicates"] == 0 and "duplicates" not in out
    again, out = ingest("theoddsapi", *files)
    assert (again.snapshots_written, again.markets_written) == (0, 0)
    assert f"{total} of {total} captures were stored already (duplicates)" in out
    assert again.message.startswith(f"All captures stored; {total} of {total} were stored")
    assert_counters_match_the_table()


@pytest.mark.django_db
def test_the_first_errors_are_printed_with_where_to_read_them_all():
    run, out = ingest("theoddsapi", FIXTURES / "bad-prices-decimal.json")
    errors = list(run.errors.order_by("id"))
    assert errors, "the fixture holds bad prices"
    lines = out.splitlines()
    shown = [line for line in lines if line.startswith("  error (")]
    assert shown == [f"  error ({e.error_type}): {e.message.splitlines()[0]}" for e in errors[:5]]
    if len(errors) > 5:
        assert f"  ... and {len(errors) - 5} more." in lines
    assert f"All errors of run {run.id}: python3 run.py manage runserver" in out
    assert f"/admin/scraping/scraperun/{run.id}/change/" in out
    assert "python manage.py" not in out


@pytest.mark.slow
@pytest.mark.django_db
def test_a_backfill_older_than_the_stored_captures_counts_what_it_wrote(shared_data):
    files = history(shared_data)
    newer, _ = ingest("theoddsapi", *files[3:6])
    older, out = ingest("theoddsapi", *files[0:3])  # a backfill: every capture is late
    assert older.snapshots_written == captures_in(files[0:3]) == 813 + 828 + 829
    assert older.markets_written > 0
    assert f"{older.markets_written} markets written" in out
    newer.refresh_from_db()
    assert_counters_match_the_table()

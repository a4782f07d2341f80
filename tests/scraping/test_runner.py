"""Run accounting: statuses, counts, errors, crashes, reaping, secrets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from odds.captures import Problem
from odds.models import MarketOdds, OddsSnapshot
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.services.execution import execute_run
from scraping.services.reaping import reap_stale_runs
from scraping.services.runs import start_run, summary_line
from scraping.sources.base import SourceError
from tests.odds.test_ingest import capture, event_ref, h2h, totals


def run_items(items, **kwargs) -> ScrapeRun:
    run = start_run(source="handmade", parameters={"what": "test"}, trigger="manual")
    return execute_run(run, items, **kwargs)


@pytest.mark.django_db
def test_a_clean_run_completes_with_its_counts():
    items = [
        capture(0, h2h("2.1", "3.4", "3.6"), totals("2.5", "1.9", "1.95")),
        capture(5, h2h("2.1", "3.4", "3.6"), totals("2.5", "1.9", "1.95")),
        capture(5, h2h("2.1", "3.4", "3.6"), event=event_ref(2)),
    ]
    run = run_items(items)
    assert run.status == ScrapeStatus.COMPLETED
    assert (run.events_count, run.snapshots_written) == (2, 3)
    assert (run.markets_written, run.markets_unchanged, run.errors_count) == (3, 2, 0)
    assert run.started_at <= run.finished_at
    assert run.stats["captures"] == 3 and run.stats["seconds"] >= 0
    assert OddsSnapshot.objects.filter(scrape_run=run).count() == 3
    assert summary_line(run).startswith(f"run {run.id} completed")


@pytest.mark.django_db
def test_bad_items_make_a_partial_run_and_keep_the_rest():
    items = [
        capture(0, h2h("2.1", "3.4", "3.6")),
        Problem(
            "bad_price",
            "price 'abc' is not a number",
            {"price": "abc", "market": "h2h"},
            bookmaker_key="book_a",
            event=event_ref(),
        ),
        capture(5, h2h("2.2", "3.4", "3.6")),
    ]
    run = run_items(items)
    assert run.status == ScrapeStatus.PARTIAL
    assert run.errors_count == 1 and run.snapshots_written == 2
    error = ScrapeError.objects.get(scrape_run=run)
    assert (error.error_type, error.context) == ("bad_price", {"price": "abc", "market": "h2h"})
    assert error.bookmaker.key == "book_a"
    assert error.event.home_team == "Arsenal"
    assert MarketOdds.objects.count() == 2


@pytest.mark.django_db
def test_nothing_stored_is_a_failed_run():
    run = run_items([Problem("bad_json", "file x.json is truncated at line 3", {"file": "x.json"})])
    assert run.status == ScrapeStatus.FAILED
    assert "Nothing could be stored" in run.message


def _source_dies_after(captures):
    yield from captures
    raise SourceError("http_500", "The Odds API answered 500 three times", {"status": 500})


@pytest.mark.django_db
@pytest.mark.parametrize(("stored_first", "status"), [(1, "partial"), (0, "failed")])
def test_a_source_that_fails_midway(stored_first, status):
    run = run_items(_source_dies_after([capture(0, h2h("2.1", "3.4", "3.6"))][:stored_first]))
    assert run.status == status
    assert list(run.errors.values_list("error_type", flat=True)) == ["http_500"]


def _crashing(exc):
    yield capture(0, h2h("2.1", "3.4", "3.6"))
    raise exc


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "error_type"), [(RuntimeError("boom"), "crash"), (KeyboardInterrupt(), "interrupted")]
)
def test_a_crash_leaves_the_run_failed_not_running(exc, error_type):
    run = start_run(source="handmade", parameters={}, trigger="manual")
    with pytest.raises(type(exc)):
        execute_run(run, _crashing(exc), batch_size=1)
    run.refresh_from_db()
    assert run.status == ScrapeStatus.FAILED and run.finished_at is not None
    error = run.errors.get()
    assert error.error_type == error_type
    assert "Traceback" in error.context["traceback"]
    assert run.snapshots_written == 1  # what was stored before the crash is kept


@pytest.mark.django_db
def test_heartbeat_and_counts_advance_batch_by_batch():
    seen = []
    items = [capture(m, h2h("2.1", str(3 + m / 100), "3.6")) for m in range(5)]
    run_items(items, batch_size=2, on_progress=lambda r: seen.append(r.snapshots_written))
    assert seen == [2, 4, 5]


@pytest.mark.django_db
def test_stale_runs_are_reaped_and_fresh_ones_left_alone():
    stale = ScrapeRun.objects.create(
        source="x",
        status=ScrapeStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    fresh = ScrapeRun.objects.create(
        source="x",
        status=ScrapeStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert reap_stale_runs(older_than=timedelta(minutes=15)) == [stale.id]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ScrapeStatus.FAILED and "No heartbeat since" in stale.message
    assert stale.errors.get().error_type == "stale_run"
    assert fresh.status == ScrapeStatus.RUNNING


@pytest.mark.django_db
def test_a_new_run_reaps_the_stale_ones(settings):
    settings.SCRAPE_STALE_AFTER_SECONDS = 60
    stale = ScrapeRun.objects.create(
        source="x", status=ScrapeStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    run_items([])
    stale.refresh_from_db()
    assert stale.status == ScrapeStatus.FAILED


@pytest.mark.django_db
def test_secrets_never_reach_runs_or_errors(settings):
    settings.ODDS_API_KEY = "sekret-key-123"
    run = start_run(
        source="theoddsapi", parameters={"sport": "soccer_epl", "apiKey": "sekret-key-123"}
    )
    problem = Problem(
        "http_401",
        "GET https://api.example/v4/sports?apiKey=sekret-key-123 failed",
        {"url": "https://api.example/v4?apiKey=sekret-key-123&regions=eu", "key": "sekret-key-123"},
    )
    run = execute_run(run, [problem], stats={"echo": "sekret-key-123"})
    stored = [run.parameters, run.stats, run.message]
    stored += list(run.errors.values_list("message", "context"))
    assert "sekret-key-123" not in repr(stored)
    assert run.errors.get().context["url"].endswith("apiKey=***&regions=eu")

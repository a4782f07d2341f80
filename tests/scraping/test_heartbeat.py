"""A long parse keeps its run alive; a run reaped while alive ends consistently."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from odds.models import OddsSnapshot
from scraping.heartbeat import Heartbeat
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.services.execution import execute_run
from scraping.services.reaping import reap_stale_runs
from scraping.services.runs import start_run
from tests.odds.test_ingest import capture, h2h


def slow_parse(*, seconds: float, then_reap: timedelta):
    """An adapter that parses for ``seconds`` (blocking, as json.load of a big file does)
    before its first capture, then asks the reaper to reap runs older than ``then_reap``."""
    time.sleep(seconds)
    yield capture(0, h2h("2.1", "3.4", "3.6"))
    reap_stale_runs(older_than=then_reap)
    yield capture(5, h2h("2.2", "3.4", "3.6"))


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_a_long_parse_keeps_beating_and_is_not_reaped(settings):
    settings.SCRAPE_STALE_AFTER_SECONDS = 0.6  # beats every 0.1 s
    run = start_run(source="handmade", parameters={}, trigger="manual")
    run = execute_run(run, slow_parse(seconds=1.5, then_reap=timedelta(seconds=0.6)))
    assert run.status == ScrapeStatus.COMPLETED
    assert not ScrapeError.objects.filter(scrape_run=run).exists()
    assert OddsSnapshot.objects.filter(scrape_run=run).count() == 2


@pytest.mark.django_db
def test_a_run_reaped_while_alive_that_comes_back_is_partial_not_completed():
    run = start_run(source="handmade", parameters={}, trigger="manual")
    # No beat can come in time: every run is older than "no time at all".
    run = execute_run(run, slow_parse(seconds=0, then_reap=timedelta(0)))
    run.refresh_from_db()
    errors = list(ScrapeError.objects.filter(scrape_run=run).values_list("error_type", flat=True))
    assert errors == ["stale_run"]
    assert run.status == ScrapeStatus.PARTIAL  # what it stored is kept, the reaping shows
    assert run.errors_count == len(errors) == 1
    assert run.snapshots_written == OddsSnapshot.objects.filter(scrape_run=run).count() == 2
    assert run.message.startswith("Reaped as stale while still running")
    assert "2 capture(s) stored" in run.message


@pytest.mark.django_db
def test_a_reaped_run_is_not_revived_by_its_heartbeat():
    run = start_run(source="handmade", parameters={}, trigger="manual")
    ScrapeRun.objects.filter(pk=run.pk).update(status=ScrapeStatus.FAILED)
    before = ScrapeRun.objects.get(pk=run.pk).heartbeat_at
    Heartbeat(run.pk).beat()
    after = ScrapeRun.objects.get(pk=run.pk)
    assert (after.status, after.heartbeat_at) == (ScrapeStatus.FAILED, before)

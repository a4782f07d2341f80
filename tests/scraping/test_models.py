from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus


def test_scrape_status_has_exactly_the_five_states():
    assert ScrapeStatus.values == ["pending", "running", "completed", "partial", "failed"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", ScrapeStatus.values)
def test_every_status_round_trips_through_the_database(status):
    run = ScrapeRun.objects.create(source="simulated", status=status)
    stored = ScrapeRun.objects.get(pk=run.pk)
    assert stored.status == status
    assert ScrapeStatus(stored.status).label == ScrapeStatus(status).label
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM scraping_scraperun WHERE id = %s", [run.pk])
        assert cursor.fetchone()[0] == status


@pytest.mark.django_db
def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError, match="scraperun_status_valid"), transaction.atomic():
        ScrapeRun.objects.create(source="simulated", status="stuck")


@pytest.mark.django_db
def test_database_refuses_a_run_finishing_before_it_started():
    started = datetime(2026, 1, 10, 12, tzinfo=UTC)
    ScrapeRun.objects.create(source="x", started_at=started, finished_at=started)  # zero length
    with pytest.raises(IntegrityError, match="finished_after_started"), transaction.atomic():
        ScrapeRun.objects.create(
            source="x", started_at=started, finished_at=started - timedelta(seconds=1)
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "counter",
    ["events_count", "snapshots_written", "markets_written", "markets_unchanged", "errors_count"],
)
def test_database_refuses_negative_counts(counter):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScrapeRun.objects.create(source="x", **{counter: -1})


@pytest.mark.django_db
def test_errors_belong_to_their_run():
    run = ScrapeRun.objects.create(source="x")
    ScrapeError.objects.create(
        scrape_run=run, error_type="bad_price", message="price 'abc'", context={"price": "abc"}
    )
    assert list(run.errors.values_list("error_type", "context")) == [
        ("bad_price", {"price": "abc"})
    ]

"""A value PostgreSQL refuses is bad input of one capture, never a database outage."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import DataError, IntegrityError, OperationalError

from odds.models import OddsSnapshot
from scraping.models import ScrapeStatus
from scraping.services.execution import execute_run
from scraping.services.runs import start_run
from tests.odds.test_ingest import capture, event_ref, h2h


def _run(items, **kwargs):
    run = start_run(source="handmade", parameters={}, trigger="manual")
    return execute_run(run, items, **kwargs)


@pytest.mark.django_db
def test_one_overlong_team_among_100_captures_keeps_the_100():
    good = [
        capture(n, h2h("2.10", "3.40", "3.60"), event=event_ref(n), book="bk") for n in range(100)
    ]
    bad = capture(
        50, h2h("2.1", "3.4", "3.6"), event=dataclasses.replace(event_ref(500), home_team="L" * 151)
    )
    run = _run([*good[:50], bad, *good[50:]], batch_size=30)
    assert run.status == ScrapeStatus.PARTIAL
    assert OddsSnapshot.objects.count() == 100
    error = run.errors.get()
    assert error.error_type == "value_too_long"
    assert "151 characters, more than the 150" in error.message
    assert error.context["field"] == "Event.home_team"


def _crashing(exc):
    yield capture(0, h2h("2.1", "3.4", "3.6"))
    raise exc


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "error_type"),
    [
        (DataError("value too long for type character varying(150)"), "database_error"),
        (IntegrityError("duplicate key value"), "database_error"),
        (OperationalError("server closed the connection unexpectedly"), "database_unavailable"),
    ],
)
def test_only_a_lost_connection_is_database_unavailable(exc, error_type):
    run = start_run(source="handmade", parameters={}, trigger="manual")
    with pytest.raises(type(exc)):
        execute_run(run, _crashing(exc), batch_size=1)
    run.refresh_from_db()
    error = run.errors.get()
    assert error.error_type == error_type
    if error_type == "database_error":
        assert "run the same command again" not in error.message
        assert "fails the same way" in error.message

"""The database connection lost in the middle of a run (a server restart, a cut)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, connection

from odds.models import MarketOdds, OddsSnapshot
from scraping.models import ScrapeStatus
from scraping.services.execution import execute_run
from scraping.services.runs import start_run
from tests.odds.test_ingest import capture, h2h, totals


def _cut_connection() -> None:
    """Terminate this test's own database session from another one."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _captures(first: int, count: int):
    return [
        capture(m, h2h("2.10", "3.40", str(3.5 + m / 100)), totals("2.5", "1.9", "1.95"))
        for m in range(first, first + count)
    ]


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_fails_the_run_and_leaves_no_partial_capture():
    def items():
        yield from _captures(0, 3)  # the first batch is written and committed
        _cut_connection()
        yield from _captures(3, 3)  # this batch meets the dead connection

    run = start_run(source="handmade", parameters={}, trigger="manual")
    with pytest.raises((psycopg.Error, DatabaseError)):
        execute_run(run, items(), batch_size=3)

    run.refresh_from_db()  # on a fresh connection
    assert run.status == ScrapeStatus.FAILED and run.finished_at is not None
    error = run.errors.get()
    assert error.error_type == "database_unavailable"
    assert "run the same command again" in error.message
    assert OddsSnapshot.objects.count() == 3
    # Every stored market row belongs to a stored snapshot of the committed batch.
    assert set(MarketOdds.objects.values_list("snapshot_id", flat=True)) <= set(
        OddsSnapshot.objects.values_list("id", flat=True)
    )

    again = execute_run(start_run(source="handmade", parameters={}), _captures(0, 6))
    assert again.status == ScrapeStatus.COMPLETED
    assert (again.snapshots_written, again.stats["duplicates"]) == (3, 3)
    assert OddsSnapshot.objects.count() == 6

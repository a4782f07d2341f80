"""Real processes writing at once, and a process killed in the middle of a write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from odds.captures import Capture
from odds.ingest.changes import text_from_json
from odds.ingest.state import newest_rows
from odds.models import Bookmaker, Event, EventAlias, EventBookmaker, MarketOdds, OddsSnapshot
from odds.series import ident_text, value_hash
from scraping.models import ScrapeRun, ScrapeStatus
from scraping.services.reaping import reap_stale_runs
from scraping.sources import theoddsapi
from tests.reference import normalized, reference_rows, stored_rows

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.subprocess, pytest.mark.slow]


def database_url() -> str:
    params = connection.settings_dict
    host = params["HOST"]
    if host.startswith("/"):
        return f"postgresql://{params['USER']}@/{params['NAME']}?host={host}"
    return f"postgresql://{params['USER']}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


def ingest_process(paths, *extra) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, "manage.py", "ingest", "theoddsapi", *map(str, paths), *extra]
    return subprocess.Popen(
        [*command, "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_states_are_the_newest_rows() -> None:
    for pair in EventBookmaker.objects.all():
        rows = MarketOdds.objects.filter(event_id=pair.event_id, bookmaker_id=pair.bookmaker_id)
        newest = {}
        for row in rows.order_by("captured_at"):
            newest[(row.market_key, row.period, row.line)] = row
        times = newest_rows(pair.market_state)
        assert set(times) == set(newest)
        for ident, row in newest.items():
            assert times[ident] == row.captured_at
            assert pair.market_state[ident_text(ident)][0] == value_hash(
                text_from_json(row.outcomes)
            )


@pytest.mark.django_db(transaction=True)
def test_four_processes_ingesting_overlapping_captures(shared_data):
    files = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
    # Overlapping slices, given in different orders: every file goes in at least twice.
    slices = [files[0:24], files[8:32][::-1], files[16:41], files[::2] + files[1::2]]
    processes = [ingest_process(s, "--batch-size", "700") for s in slices]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert "completed" in out, out

    runs = ScrapeRun.objects.all()
    assert [r.status for r in runs] == [ScrapeStatus.COMPLETED] * 4
    assert not any(r.errors_count for r in runs)
    # No duplicate entities, snapshots or history rows: the same store as one import.
    assert Event.objects.count() == EventAlias.objects.count() == 262
    assert Bookmaker.objects.count() == 4
    captures = [
        item for path in files for item in theoddsapi.parse_file(path) if isinstance(item, Capture)
    ]
    assert OddsSnapshot.objects.count() == len(captures)
    assert normalized(stored_rows()) == normalized(reference_rows(captures))
    assert_states_are_the_newest_rows()


def reap_until_done(run_id: int, *, seconds: float = 15) -> bool:
    """The server notices the killed client's session is gone a moment later; until then
    the run's row may still be locked by it and the reaper leaves it alone."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if run_id in reap_stale_runs(older_than=timedelta(0)):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_writer_killed_midway_leaves_no_half_capture(shared_data):
    files = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
    process = ingest_process(files, "--batch-size", "300")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait for some committed batches, then kill
        if OddsSnapshot.objects.count() >= 3000:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < OddsSnapshot.objects.count() < 34537

    killed = ScrapeRun.objects.get()
    assert killed.status == ScrapeStatus.RUNNING  # nobody could finish it...
    assert reap_until_done(killed.id)  # ...until the reaper
    killed.refresh_from_db()
    assert killed.status == ScrapeStatus.FAILED
    assert killed.errors.get().error_type == "stale_run"

    # Running again completes the data: had a snapshot been committed without its markets,
    # it would be skipped as stored and its rows would be missing below.
    again = ingest_process(files)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    assert "completed" in out
    captures = [
        item for path in files for item in theoddsapi.parse_file(path) if isinstance(item, Capture)
    ]
    assert OddsSnapshot.objects.count() == len(captures)
    assert normalized(stored_rows()) == normalized(reference_rows(captures))
    assert_states_are_the_newest_rows()

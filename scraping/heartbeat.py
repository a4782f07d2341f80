"""A run's heartbeat from a thread of its own, so a long parse is not mistaken for death.

The runner also beats after each batch it writes, but an adapter may spend minutes
before its first item (reading and parsing a 50 MB file) or between two items; with
beats only between batches such a run looked stale and was reaped while alive. This
thread beats every :func:`beat_interval` whatever the main thread is doing, on its own
database connection, and only while the run is still ``running`` (never reviving a run
the reaper failed).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from scraping.models import ScrapeRun

# Beats per staleness window: one missed or slow beat never makes a live run look stale.
BEATS_PER_STALE_WINDOW = 6


def beat_interval() -> timedelta:
    return timedelta(seconds=settings.SCRAPE_STALE_AFTER_SECONDS / BEATS_PER_STALE_WINDOW)


class Heartbeat:
    """``with Heartbeat(run_id):`` keeps ``heartbeat_at`` fresh while the body runs."""

    def __init__(self, run_id: int, *, every: timedelta | None = None) -> None:
        self.run_id = run_id
        self.every = (every or beat_interval()).total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"heartbeat-run-{run_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self.beat()
        finally:
            connections.close_all()  # this thread's own connections only

    def beat(self) -> None:
        try:
            ScrapeRun.objects.running().filter(pk=self.run_id).update(heartbeat_at=timezone.now())
        except DatabaseError:
            # The database is gone: the main thread finds out and records it; a run
            # that cannot beat is what the reaper exists for.
            connections.close_all()

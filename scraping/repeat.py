"""``scrape --every``: a job repeated in the foreground, for a machine without a broker.

Each round is one scheduled execution (the same job lock and quota rule as the Celery
task). Rounds keep their rhythm; a round that overran drops the ticks it missed rather
than catching up in a burst. A database outage fails a round, not the loop.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connections

from scraping.models import ScrapeStatus


def repeat_job(
    *,
    source: str,
    parameters: dict[str, Any],
    every: timedelta,
    times: int | None,
    job_name: str,
    store_raw: bool | None,
    report: Callable[[Any], None],
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> bool:
    """Run the job every ``every`` until ``times`` rounds or a stop signal; returns whether
    any round failed. A second Ctrl-C interrupts the current run (KeyboardInterrupt)."""
    from scraping.tasks import DATABASE_UNAVAILABLE, run_scheduled_job

    failed = False
    stop = _Stop(warn)
    first_tick = time.monotonic()
    with stop.on_signals():
        for done in range(1, (times or sys.maxsize) + 1):
            try:
                outcome = run_scheduled_job(
                    source=source, parameters=parameters, job_name=job_name, store_raw=store_raw
                )
            except DATABASE_UNAVAILABLE as error:
                # A loop meant to run for days outlives a database restart.
                _drop_broken_connections()
                first_line = (str(error).strip().splitlines() or [""])[0]
                say(
                    f"round failed: database unavailable ({type(error).__name__}: "
                    f"{first_line}); trying again next round"
                )
                failed = True
            else:
                report(outcome)
                failed = failed or bool(outcome.run and outcome.run.status == ScrapeStatus.FAILED)
            if done == times or stop.requested:
                break
            if stop.wait(_until_next_tick(first_tick, every)):
                break
    return failed


def _drop_broken_connections() -> None:
    """Close the connections so the next round opens fresh ones (none is mid-transaction
    here, unless a caller wrapped the whole command in one)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            with contextlib.suppress(DatabaseError):  # already broken: nothing to close
                connection.close()


def _until_next_tick(first_tick: float, every: timedelta) -> float:
    """Seconds to the next multiple of ``every`` after the first round's start."""
    period = every.total_seconds()
    return period - (time.monotonic() - first_tick) % period


class _Stop:
    """Ctrl-C (or SIGTERM) once: finish the current run, then stop; twice: interrupt
    the run, which the runner then records as failed. Never leaves a run running."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._warn = warn
        self._event = threading.Event()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep until the next round; True when asked to stop meanwhile."""
        return self._event.wait(seconds)

    def _handle(self, signum, frame) -> None:
        if self._event.is_set():
            raise KeyboardInterrupt
        self._event.set()
        self._warn(
            "Stopping after the current run (Ctrl-C again to interrupt it, failing the run)."
        )

    @contextlib.contextmanager
    def on_signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set from the main thread
            return
        previous = {
            sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

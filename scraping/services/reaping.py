"""Failing the runs whose process died: a run killed outright never ends itself.

A run beats a heartbeat (:mod:`scraping.heartbeat`) while it works; a run still pending
or running without one for ``SCRAPE_STALE_AFTER_SECONDS`` is marked failed with a
``stale_run`` error. Every new run reaps first; ``manage.py reap_runs`` and the periodic
task do it when runs are rare. A reaped run that comes back counts the error
(:mod:`scraping.services.recording`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus

STALE_RUN = "stale_run"


def reap_stale_runs(*, older_than: timedelta | None = None) -> list[int]:
    """Mark failed every run still 'running' (or 'pending') without a recent heartbeat."""
    if older_than is None:
        older_than = timedelta(seconds=settings.SCRAPE_STALE_AFTER_SECONDS)
    now = timezone.now()
    reaped = []
    with transaction.atomic():
        for run in ScrapeRun.objects.stale(now - older_than).select_for_update(skip_locked=True):
            _reap(run, now)
            reaped.append(run.id)
    return reaped


def _reap(run: ScrapeRun, now: datetime) -> None:
    last_sign = run.last_sign
    message = (
        f"No heartbeat since {last_sign:%Y-%m-%d %H:%M:%S} UTC: the process running "
        "it stopped (killed, crashed or lost its database). Reaped as failed."
    )
    ScrapeError.objects.create(
        scrape_run=run,
        error_type=STALE_RUN,
        message=message,
        context={"last_heartbeat": last_sign.isoformat(), "reaped_at": now.isoformat()},
    )
    run.status = ScrapeStatus.FAILED
    run.finished_at = max(now, run.started_at or now)
    run.errors_count += 1
    run.message = message
    run.save(update_fields=["status", "finished_at", "errors_count", "message"])

"""Celery tasks: scheduled scrape jobs and the store's maintenance.

``run_scrape_job`` is what a django-celery-beat periodic task fires (kwargs
``{"source": ..., "parameters": {...}, "job_name": ...}``); ``manage.py scrape ...
--every`` runs the same :func:`run_scheduled_job` in a foreground loop. One execution:

1. normalizes the parameter template (bad parameters: a failed run, never retried);
2. takes the job's advisory lock (:mod:`scraping.locks`): when another execution of
   the job holds it, nothing runs, no ScrapeRun is made, a WARNING is logged and the
   result is ``"skipped: already running"``;
3. applies the quota rule (:mod:`scraping.schedules`): a paused The Odds API job is
   skipped the same way (``"skipped: quota low ..."``);
4. runs the job as one ScrapeRun with ``trigger="schedule"`` and the job's name.

Retries (Celery task only; ``--every`` simply tries again next round): a run that
failed on a *transient* error (``network_error``, ``http_429``, ``http_5xx``,
``database_unavailable``) or a database that cannot be reached (``OperationalError``,
``InterfaceError``) is retried with exponential backoff and jitter, at most
``SCRAPE_RETRY_MAX`` times; each retry is an execution of its own, with its own
ScrapeRun. Bad data (``bad_json``, ``http_401``, bad prices, bad parameters) is never
retried: it would fail the same way.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from celery import shared_task
from django.conf import settings

from odds import partitioning
from scraping.locks import job_lock, job_lock_key
from scraping.models import ScrapeRun, ScrapeStatus, ScrapeTrigger
from scraping.schedules import (
    MAINTAIN_PARTITIONS,
    REAP_STALE_RUNS,
    RUN_SCRAPE_JOB,
    normalize_parameters,
    note_low_quota,
    quota_pause_reason,
    resolve_parameters,
)
from scraping.services import reaping
from scraping.services.execution import execute_run
from scraping.services.recording import CONNECTION_LOST
from scraping.services.runs import run_job, start_run, summary_line
from scraping.services.secrets import mask_secrets
from scraping.sources.base import SourceError

logger = logging.getLogger(__name__)

TRANSIENT_ERROR_TYPES = frozenset({"network_error", "http_429", "database_unavailable"})
_HTTP_5XX = re.compile(r"http_5\d\d")
ALREADY_RUNNING = "already running"
# The database unreachable or the connection lost, through Django or straight from psycopg
# (a run lets a lost connection's error go on after recording it).
DATABASE_UNAVAILABLE = CONNECTION_LOST


class TransientScrapeFailure(Exception):
    """A run failed on an error that may pass (network, rate limit, server error)."""


@dataclass(frozen=True)
class JobOutcome:
    """One execution of a scheduled job: the run it made, or why it made none."""

    run: ScrapeRun | None = None
    skipped: str = ""

    @property
    def summary(self) -> str:
        return summary_line(self.run) if self.run else f"skipped: {self.skipped}"


# --- One execution ----------------------------------------------------------------------
def run_scheduled_job(
    *,
    source: str,
    parameters: Any,
    job_name: str = "",
    store_raw: bool | None = None,
    now: datetime | None = None,
) -> JobOutcome:
    """Run one execution of a scheduled job under its lock and the quota rule."""
    try:
        template = normalize_parameters(source, parameters)
    except SourceError as error:
        return JobOutcome(run=_refused_run(source, parameters, job_name, error))
    key = job_lock_key(source=source, parameters=template, job_name=job_name)
    with job_lock(key) as held:
        if not held:
            logger.warning(
                "%s skipped: already running (another execution holds lock %s)",
                _describe(source, job_name),
                key,
            )
            return JobOutcome(skipped=ALREADY_RUNNING)
        if reason := quota_pause_reason(source, template, now=now):
            logger.warning("%s skipped: %s", _describe(source, job_name), reason)
            return JobOutcome(skipped=reason)
        run = run_job(
            source=source,
            parameters=resolve_parameters(source, template, now=now),
            trigger=ScrapeTrigger.SCHEDULE,  # type: ignore[arg-type]  # TextChoices: a str
            job_name=job_name,
            store_raw=store_raw,
        )
        if note_low_quota(run):
            logger.warning("%s: %s", _describe(source, job_name), run.message)
    return JobOutcome(run=run)


def _refused_run(source: str, parameters: Any, job_name: str, error: SourceError) -> ScrapeRun:
    """A failed run that says what is wrong with the job, so the admin shows it."""
    # Never copy a secret the job was refused for into the run.
    kept = mask_secrets(parameters) if isinstance(parameters, dict) else {"given": repr(parameters)}
    run = start_run(
        source=source,
        parameters=kept,
        trigger=ScrapeTrigger.SCHEDULE,  # type: ignore[arg-type]  # TextChoices: a str
        job_name=job_name,
    )
    return execute_run(run, iter([error.as_problem()]))


def _describe(source: str, job_name: str) -> str:
    return f"job {job_name!r} ({source})" if job_name else f"{source} job"


# --- Retry policy -----------------------------------------------------------------------
def is_transient(error_type: str) -> bool:
    return error_type in TRANSIENT_ERROR_TYPES or bool(_HTTP_5XX.fullmatch(error_type))


def is_transient_failure(run: ScrapeRun) -> bool:
    """A failed run whose errors include one that may pass on its own."""
    if run.status != ScrapeStatus.FAILED:
        return False  # a partial run stored what it could; repeating it gains nothing
    types = run.errors.types()
    return any(is_transient(error_type) for error_type in types)


def max_retries() -> int:
    return settings.SCRAPE_RETRY_MAX


def retry_delay(retries: int, *, rng: Callable[[], float] = random.random) -> float:
    """Seconds before retry number ``retries + 1``: base * 2**retries, capped, with the
    upper half jittered so the jobs of one outage do not all come back at once."""
    base = settings.SCRAPE_RETRY_BACKOFF_SECONDS
    cap = settings.SCRAPE_RETRY_BACKOFF_MAX_SECONDS
    ceiling = min(cap, base * 2**retries)
    return ceiling / 2 + rng() * ceiling / 2


def _retry(task, exc: Exception):
    """Raise Celery's Retry with the next backoff, or ``exc`` once the retries are spent."""
    done, allowed = task.request.retries, max_retries()
    if done >= allowed:
        logger.warning("%s: %s; giving up after %d retries", task.name, exc, done)
        raise exc
    countdown = retry_delay(done)
    logger.warning("%s: %s; retry %d of %d in %.0fs", task.name, exc, done + 1, allowed, countdown)
    return task.retry(exc=exc, countdown=countdown, max_retries=allowed)


def _periodic_task_name(request) -> str:
    """django-celery-beat sends the periodic task's name as a message header."""
    name = getattr(request, "periodic_task_name", None)
    if not name and isinstance(getattr(request, "headers", None), dict):
        name = request.headers.get("periodic_task_name")
    return name if isinstance(name, str) else ""


# --- Tasks ------------------------------------------------------------------------------
@shared_task(bind=True, name=RUN_SCRAPE_JOB)
def run_scrape_job(self, source: str, parameters: Any = None, job_name: str = "") -> str:
    """One execution of a scheduled scrape job; returns its summary line or why it
    was skipped. ``job_name`` defaults to the name of the periodic task that fired it."""
    job_name = job_name or _periodic_task_name(self.request)
    try:
        outcome = run_scheduled_job(source=source, parameters=parameters, job_name=job_name)
    except DATABASE_UNAVAILABLE as exc:
        raise _retry(self, exc) from exc
    if outcome.run is not None and is_transient_failure(outcome.run):
        raise _retry(self, TransientScrapeFailure(outcome.summary))
    logger.info("%s: %s", _describe(source, job_name), outcome.summary)
    return outcome.summary


# The maintenance tasks retry a lost database as the scrape jobs do (_retry reads the
# SCRAPE_RETRY_* settings when it runs, not when this module is imported).
@shared_task(bind=True, name=MAINTAIN_PARTITIONS)
def maintain_partitions(self) -> str:
    """``pgpartition --yes``: create the partitions ahead, retire those past retention."""
    try:
        return _maintain_partitions()
    except DATABASE_UNAVAILABLE as exc:
        raise _retry(self, exc) from exc


def _maintain_partitions() -> str:
    key = job_lock_key(source="maintenance", parameters={}, job_name="maintenance:partitions")
    with job_lock(key) as held:
        if not held:
            logger.warning("partition maintenance skipped: already running")
            return f"skipped: {ALREADY_RUNNING}"
        plan = partitioning.manager.plan(using="default")
        created = _partition_names(plan, "creations")
        retired = _partition_names(plan, "deletions")
        plan.apply(using="default")
    partitioning.forget_known_partitions()
    return (
        f"partitions created: {', '.join(created) or 'none'}; "
        f"retired: {', '.join(retired) or 'none'}"
    )


def _partition_names(plan, which: str) -> list[str]:
    return [
        f"{model_plan.config.model._meta.db_table}_{partition.name()}"
        for model_plan in plan.model_plans
        for partition in getattr(model_plan, which)
    ]


@shared_task(bind=True, name=REAP_STALE_RUNS)
def reap_stale_runs(self) -> str:
    """Mark failed the runs whose process died (no heartbeat for SCRAPE_STALE_AFTER_SECONDS)."""
    try:
        reaped = reaping.reap_stale_runs()
    except DATABASE_UNAVAILABLE as exc:
        raise _retry(self, exc) from exc
    return f"reaped {len(reaped)} stale run(s)" + (f": {reaped}" if reaped else "")

"""Starting runs: a job (a source and its parameters) run as one ScrapeRun, again or
over only what failed.

Commands, the admin and scheduled tasks call :func:`run_job`; it starts the run
(reaping stale ones first), gets the job's items (:mod:`scraping.services.items`) and
drives them into the store (:mod:`scraping.services.execution`), where failures are
recorded (:mod:`scraping.services.recording`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from odds.ingest import DEFAULT_BATCH_SIZE
from scraping.models import ScrapeRun, ScrapeStatus, ScrapeTrigger
from scraping.redaction import redact
from scraping.services.execution import ProgressCallback, execute_run
from scraping.services.files import FileCallback, expand_paths
from scraping.services.items import job_items
from scraping.services.reaping import reap_stale_runs
from scraping.sources import registry
from scraping.sources.base import SourceError


def start_run(
    *,
    source: str,
    parameters: dict[str, Any],
    trigger: str = ScrapeTrigger.MANUAL,  # type: ignore[assignment]  # TextChoices: a str
    job_name: str = "",
) -> ScrapeRun:
    """A new run, running; stale runs are reaped first."""
    reap_stale_runs()
    run = ScrapeRun.objects.create(
        source=source,
        parameters=redact(parameters),
        trigger=trigger,
        job_name=job_name,
        status=ScrapeStatus.PENDING,
    )
    now = timezone.now()
    run.status, run.started_at, run.heartbeat_at = ScrapeStatus.RUNNING, now, now
    run.save(update_fields=["status", "started_at", "heartbeat_at"])
    return run


def run_job(
    *,
    source: str,
    parameters: dict[str, Any],
    trigger: str = ScrapeTrigger.MANUAL,  # type: ignore[assignment]  # TextChoices: a str
    job_name: str = "",
    store_raw: bool | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    on_file: FileCallback | None = None,
) -> ScrapeRun:
    """Run one job as a ScrapeRun and return the finished run."""
    run = start_run(source=source, parameters=parameters, trigger=trigger, job_name=job_name)
    stats: dict[str, Any] = {}
    try:
        items = job_items(source, parameters, stats, on_file=on_file)
    except SourceError as error:
        items = iter([error.as_problem()])
    return execute_run(
        run,
        items,
        stats=stats,
        store_raw=store_raw,
        batch_size=batch_size,
        on_progress=on_progress,
    )


def rerun(
    run: ScrapeRun,
    *,
    trigger: str = ScrapeTrigger.ADMIN,  # type: ignore[assignment]  # TextChoices: a str
) -> ScrapeRun:
    """The run's job again, with the same parameters."""
    return run_job(
        source=run.source, parameters=run.parameters, trigger=trigger, job_name=run.job_name
    )


class NothingToRerun(Exception):
    """The run has no failed files to run again."""


def can_rerun_failed(run: ScrapeRun) -> bool:
    """A partial file import: some files failed, the others were stored."""
    source = registry.SOURCES.get(run.source)
    return bool(
        run.status == ScrapeStatus.PARTIAL
        and source is not None
        and not source.live_job(run.parameters)
        and run.parameters.get("paths")
    )


def failed_paths(run: ScrapeRun) -> list[str]:
    """The files of a file import that have errors, in the order the import found them;
    a path that matched nothing (``missing_file``) is given as it was."""
    source = registry.file_source(run.source)
    named = run.errors.files_named()
    files, _ = expand_paths(run.parameters.get("paths") or [], source)
    failed = [str(path) for path in files if str(path) in named or path.name in named]
    found = {*failed, *(path.name for path in map(Path, failed))}
    return failed + sorted(name for name in named if name not in found)


def rerun_failed(
    run: ScrapeRun,
    *,
    trigger: str = ScrapeTrigger.ADMIN,  # type: ignore[assignment]  # TextChoices: a str
) -> ScrapeRun:
    """A new run of a partial file import over only its failed files, with the same
    other parameters; ``parameters["rerun_of"]`` names the original run."""
    if not can_rerun_failed(run):
        raise NothingToRerun(f"Run {run.pk} is not a partial file import.")
    paths = failed_paths(run)
    if not paths:
        raise NothingToRerun(f"Run {run.pk} has no errors that name a file.")
    parameters = {**run.parameters, "paths": paths, "rerun_of": run.pk}
    return run_job(source=run.source, parameters=parameters, trigger=trigger, job_name=run.job_name)


def summary_line(run: ScrapeRun) -> str:
    seconds = run.stats.get("seconds")
    took = f" in {seconds:.1f}s" if isinstance(seconds, int | float) else ""
    return (
        f"run {run.id} {run.status}{took}: {run.events_count} events, "
        f"{run.snapshots_written} snapshots, {run.markets_written} markets written, "
        f"{run.markets_unchanged} unchanged, {run.errors_count} errors"
    )

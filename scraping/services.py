"""Entry points that commands, the admin and scheduled tasks call to run a job."""

from __future__ import annotations

from typing import Any

from odds.ingest import DEFAULT_BATCH_SIZE
from scraping.jobs import job_items
from scraping.models import ScrapeRun
from scraping.runner import ProgressCallback, execute_run, start_run
from scraping.sources.base import SourceError


def run_job(
    *,
    source: str,
    parameters: dict[str, Any],
    trigger: str = "manual",
    job_name: str = "",
    store_raw: bool | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    on_file=None,
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

"""Driving a run's items into the write path, batch by batch.

Captures are written in batches by :class:`~odds.ingest.CaptureWriter`; problems wait
for the batch after them and are recorded (:mod:`scraping.services.recording`); a
heartbeat beats after each batch and, from a thread, while the adapter parses
(:mod:`scraping.heartbeat`). Whatever happens, the run ends finished: a crash is
recorded and the run failed before the exception goes on, and a process killed outright
leaves a run whose heartbeat goes stale, which :mod:`scraping.services.reaping` fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from odds.captures import Capture, Problem
from odds.ingest import DEFAULT_BATCH_SIZE, CaptureWriter
from scraping.heartbeat import Heartbeat
from scraping.models import ScrapeRun
from scraping.services.recording import (
    RunTally,
    beat,
    finish,
    record_crash,
    record_problems,
)
from scraping.sources.base import Item, SourceError

ProgressCallback = Callable[[ScrapeRun], None]


def execute_run(
    run: ScrapeRun,
    items: Iterable[Item],
    *,
    stats: dict[str, Any] | None = None,
    store_raw: bool | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> ScrapeRun:
    """Store ``items`` under ``run`` and finish it. ``stats`` is a dict the source may
    fill while it is read (quota headers, request URL); it ends up in ``run.stats``."""
    stats = stats if stats is not None else {}
    writer = CaptureWriter(scrape_run_id=run.id, store_raw=store_raw)
    tally = RunTally()
    started = time.perf_counter()
    # Problems wait for the next batch: the events and bookmakers they name may only
    # exist once that batch is written, and the error should link to them.
    problems: list[Problem] = []
    try:
        with Heartbeat(run.pk):
            batch: list[Capture] = []
            for item in _guarded(items):
                if isinstance(item, Problem):
                    problems.append(item)
                    continue
                batch.append(item)
                if len(batch) >= batch_size:
                    _write(run, writer, batch, tally, on_progress)
                    batch = []
                    problems = record_problems(run, tally, problems)
            if batch:
                _write(run, writer, batch, tally, on_progress)
            record_problems(run, tally, problems)
    except BaseException as exc:
        record_problems(run, tally, problems, quietly=True)
        record_crash(run, tally, exc, stats, started)
        raise
    return finish(run, tally, stats, started)


def _guarded(items: Iterable[Item]) -> Iterable[Item]:
    """The adapter's items; a SourceError raised while reading becomes the last item."""
    try:
        yield from items
    except SourceError as error:
        yield error.as_problem()


def _write(
    run: ScrapeRun,
    writer: CaptureWriter,
    batch: list[Capture],
    tally: RunTally,
    on_progress: ProgressCallback | None,
) -> None:
    result = writer.write(batch)
    tally.written.add(result)
    tally.accepted += result.captures
    # A backfill restored or removed rows at the next capture of a pair, a snapshot of
    # an earlier run: that run's count follows, so it still matches its rows.
    for run_id, rows in sorted(result.other_runs_rows.items()):
        ScrapeRun.objects.add_markets_written(run_id, rows)
    record_problems(run, tally, result.problems)
    beat(run, tally)
    if on_progress:
        on_progress(run)

"""Runs a source as a ScrapeRun: pending → running → completed, partial or failed.

The runner feeds an adapter's items to the write path batch by batch, turns every
:class:`~odds.captures.Problem` into a :class:`ScrapeError`, keeps counts and timings
on the run and beats a heartbeat after each batch and, from a thread, while the adapter
parses (:mod:`scraping.heartbeat`). Whatever happens, the run ends finished: a crash is
recorded and the run failed before the exception goes on, and a process killed outright
leaves a run whose heartbeat goes stale, which the next run (or ``manage.py reap_runs``)
marks failed.

A run reaped while still alive (its process stalled longer than
``SCRAPE_STALE_AFTER_SECONDS``) that comes back finishes what it was doing and counts the
reaper's ``stale_run`` error as one of its errors: it ends ``partial`` (or ``failed`` if
nothing was stored), never ``completed`` with an error attached, and its message says so.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from odds.captures import Capture, Problem
from odds.ingest import DEFAULT_BATCH_SIZE, CaptureWriter, IngestStats
from odds.models import Bookmaker, EventAlias
from scraping.heartbeat import Heartbeat
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.redaction import redact
from scraping.sources.base import Item, SourceError

ProgressCallback = Callable[[ScrapeRun], None]


@dataclass
class RunTally:
    """What the run has done so far (mirrored onto the ScrapeRun after each batch)."""

    accepted: int = 0  # captures stored now or found stored already
    written: IngestStats = field(default_factory=IngestStats)
    errors: int = 0


def reap_stale_runs(*, older_than: timedelta | None = None) -> list[int]:
    """Mark failed every run still 'running' (or 'pending') without a recent heartbeat."""
    if older_than is None:
        older_than = timedelta(seconds=settings.SCRAPE_STALE_AFTER_SECONDS)
    now = timezone.now()
    cutoff = now - older_than
    reaped = []
    with transaction.atomic():
        stale = ScrapeRun.objects.select_for_update(skip_locked=True).filter(
            status__in=[ScrapeStatus.RUNNING, ScrapeStatus.PENDING]
        )
        for run in stale:
            last_sign = run.heartbeat_at or run.started_at or run.created_at
            if last_sign >= cutoff:
                continue
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
            reaped.append(run.id)
    return reaped


def start_run(
    *, source: str, parameters: dict[str, Any], trigger: str = "manual", job_name: str = ""
) -> ScrapeRun:
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
                    problems = _record_problems(run, tally, problems)
            if batch:
                _write(run, writer, batch, tally, on_progress)
            _record_problems(run, tally, problems)
    except BaseException as exc:
        _record_problems(run, tally, problems, quietly=True)
        _crash(run, tally, exc, stats, started)
        raise
    return _finish(run, tally, stats, started)


def _guarded(items: Iterable[Item]) -> Iterable[Item]:
    """The adapter's items; a SourceError raised while reading becomes the last item."""
    try:
        yield from items
    except SourceError as error:
        yield error.as_problem()


def _write(run, writer: CaptureWriter, batch, tally: RunTally, on_progress) -> None:
    result = writer.write(batch)
    tally.written.add(result)
    tally.accepted += result.captures
    _adjust_other_runs(result.other_runs_rows)
    _record_problems(run, tally, result.problems)
    _beat(run, tally)
    if on_progress:
        on_progress(run)


def _adjust_other_runs(rows_by_run: dict[int, int]) -> None:
    """A backfill restored or removed rows at the next capture of a pair, a snapshot of
    an earlier run: that run's count follows, so it still matches its rows."""
    for run_id, rows in sorted(rows_by_run.items()):
        ScrapeRun.objects.filter(pk=run_id).update(markets_written=F("markets_written") + rows)


def _record_problems(
    run: ScrapeRun, tally: RunTally, problems: list[Problem], *, quietly: bool = False
) -> list[Problem]:
    """Store problems as ScrapeErrors; returns the empty list the caller continues with."""
    if not problems:
        return []
    if quietly:  # after a crash the database may be gone; the crash error matters more
        try:
            return _record_problems(run, tally, problems)
        except Exception:
            return []
    bookmaker_ids = _bookmaker_ids({p.bookmaker_key for p in problems if p.bookmaker_key})
    event_ids = _event_ids({(p.event.source, p.event.source_event_id) for p in problems if p.event})
    ScrapeError.objects.bulk_create(
        [
            ScrapeError(
                scrape_run=run,
                error_type=p.error_type,
                message=redact(p.message),
                context=redact(p.context),
                bookmaker_id=bookmaker_ids.get(p.bookmaker_key or ""),
                event_id=event_ids.get((p.event.source, p.event.source_event_id))
                if p.event
                else None,
            )
            for p in problems
        ]
    )
    tally.errors += len(problems)
    return []


def _bookmaker_ids(keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(Bookmaker.objects.filter(key__in=keys).values_list("key", "id"))


def _event_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    if not keys:
        return {}
    aliases = EventAlias.objects.filter(
        source__in={s for s, _ in keys}, external_id__in={e for _, e in keys}
    ).values_list("source", "external_id", "event_id")
    return {(s, e): event_id for s, e, event_id in aliases}


def _apply_tally(run: ScrapeRun, tally: RunTally) -> None:
    run.events_count = len(tally.written.event_ids)
    run.snapshots_written = tally.written.snapshots_written
    run.markets_written = tally.written.markets_written
    run.markets_unchanged = tally.written.markets_unchanged
    run.errors_count = tally.errors


_COUNTS = ["events_count", "snapshots_written", "markets_written", "markets_unchanged"]


def _beat(run: ScrapeRun, tally: RunTally) -> None:
    _apply_tally(run, tally)
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*_COUNTS, "errors_count", "heartbeat_at"])


def _status(tally: RunTally) -> str:
    # TextChoices members are str; mypy, without Django's types, sees (value, label) tuples.
    if tally.errors == 0:
        return ScrapeStatus.COMPLETED  # type: ignore[return-value]
    return ScrapeStatus.PARTIAL if tally.accepted else ScrapeStatus.FAILED  # type: ignore[return-value]


STALE_RUN = "stale_run"


def _count_reaping(run: ScrapeRun, tally: RunTally) -> bool:
    """Whether the reaper failed this run while it was alive; its ``stale_run`` error
    then counts among the run's errors, so the counters match the errors stored."""
    reaped = ScrapeError.objects.filter(scrape_run=run, error_type=STALE_RUN).count()
    tally.errors += reaped
    return reaped > 0


def _finish(run: ScrapeRun, tally: RunTally, stats: dict, started: float) -> ScrapeRun:
    reaped = _count_reaping(run, tally)
    _apply_tally(run, tally)
    run.status = _status(tally)
    run.finished_at = run.heartbeat_at = timezone.now()
    run.stats = redact(
        {
            **stats,
            "seconds": round(time.perf_counter() - started, 3),
            "write_seconds": round(tally.written.seconds, 3),
            "captures": tally.written.captures,
            "duplicates": tally.written.duplicates,
        }
    )
    run.message = (
        _reaped_message(run, tally) if reaped else run.message or _summary_message(run, tally)
    )
    run.save()
    return run


def _reaped_message(run: ScrapeRun, tally: RunTally) -> str:
    stored = f"{tally.accepted} capture(s) stored" if tally.accepted else "nothing stored"
    return (
        "Reaped as stale while still running (its process gave no sign of life for "
        f"SCRAPE_STALE_AFTER_SECONDS), then it came back and finished: {stored}. "
        "See the errors below."
    )


def _summary_message(run: ScrapeRun, tally: RunTally) -> str:
    if run.status == ScrapeStatus.COMPLETED:
        duplicates = tally.written.duplicates
        if duplicates:
            return (
                f"All captures stored; {duplicates} of {tally.written.captures} were stored "
                "already (duplicates), so nothing new was written for them."
            )
        return "All captures stored."
    if run.status == ScrapeStatus.PARTIAL:
        return f"{tally.errors} item(s) failed; the rest was stored. See the errors below."
    return "Nothing could be stored. See the errors below."


def _crash(run: ScrapeRun, tally: RunTally, exc: BaseException, stats: dict, started: float):
    """Record an unexpected exception and end the run failed; the caller re-raises.

    The failed batch's transaction is rolled back, so nothing of it is stored. When the
    database connection itself broke (the server restarted, the connection was cut),
    the record is written on a fresh connection; if the database is still unreachable,
    the run stays 'running' until the reaper fails it.
    """
    error_type = _crash_type(exc)
    for attempt in range(2):
        try:
            _record_crash(run, tally, exc, error_type, stats, started)
            return
        except (DatabaseError, psycopg.Error):
            if attempt == 0 and not connection.in_atomic_block:
                connection.close()  # a broken connection; the next query opens a new one
            else:
                return  # still unreachable: the reaper will finish the run


# Only these mean the server or the connection is gone, so running again may succeed. A
# DataError or IntegrityError is a value PostgreSQL refuses: it fails the same way again.
_CONNECTION_LOST = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def _crash_type(exc: BaseException) -> str:
    if isinstance(exc, _CONNECTION_LOST):
        return "database_unavailable"
    if isinstance(exc, DatabaseError | psycopg.Error):
        return "database_error"
    return "crash" if isinstance(exc, Exception) else "interrupted"


def _record_crash(run, tally, exc, error_type: str, stats: dict, started: float) -> None:
    ScrapeError.objects.create(
        scrape_run=run,
        error_type=error_type,
        message=redact(_crash_message(exc, error_type)),
        context={"traceback": redact(traceback.format_exc(limit=8))},
    )
    tally.errors += 1
    _count_reaping(run, tally)
    _apply_tally(run, tally)
    run.status = ScrapeStatus.FAILED
    run.finished_at = run.heartbeat_at = timezone.now()
    run.message = f"The run stopped on {type(exc).__name__}; what was stored before is kept."
    run.stats = redact({**stats, "seconds": round(time.perf_counter() - started, 3)})
    run.save()


def _crash_message(exc: BaseException, error_type: str) -> str:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if error_type == "database_unavailable":
        return (
            f"The database connection was lost ({type(exc).__name__}: {first_line}). The "
            "batch being written was rolled back; run the same command again to store the "
            "rest (captures already stored are skipped)."
        )
    if error_type == "database_error":
        return (
            f"PostgreSQL refused the batch ({type(exc).__name__}: {first_line}). The batch "
            "was rolled back; running again fails the same way until the value it names is "
            "fixed in the source."
        )
    return f"{type(exc).__name__}: {exc}"


def summary_line(run: ScrapeRun) -> str:
    seconds = run.stats.get("seconds")
    took = f" in {seconds:.1f}s" if isinstance(seconds, int | float) else ""
    return (
        f"run {run.id} {run.status}{took}: {run.events_count} events, "
        f"{run.snapshots_written} snapshots, {run.markets_written} markets written, "
        f"{run.markets_unchanged} unchanged, {run.errors_count} errors"
    )

"""Where a run's failures and counts are written: problems, crashes, tallies, the end.

Every :class:`~odds.captures.Problem` becomes a :class:`ScrapeError` linked to the event
and bookmaker it names; the tally of what was written is mirrored onto the ScrapeRun
after each batch; the run ends ``completed``, ``partial`` or ``failed`` with a message
that says why. A crash is recorded (on a fresh connection when the old one broke) and
the run failed before the exception goes on.

A run reaped while still alive (its process stalled longer than
``SCRAPE_STALE_AFTER_SECONDS``) that comes back finishes what it was doing and counts the
reaper's ``stale_run`` error as one of its errors: it ends ``partial`` (or ``failed`` if
nothing was stored), never ``completed`` with an error attached, and its message says so.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone

from odds.captures import Problem
from odds.ingest import IngestStats
from odds.models import Bookmaker, EventAlias
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.redaction import redact
from scraping.services.reaping import STALE_RUN


@dataclass
class RunTally:
    """What the run has done so far (mirrored onto the ScrapeRun after each batch)."""

    accepted: int = 0  # captures stored now or found stored already
    written: IngestStats = field(default_factory=IngestStats)
    errors: int = 0


def record_problems(
    run: ScrapeRun, tally: RunTally, problems: list[Problem], *, quietly: bool = False
) -> list[Problem]:
    """Store problems as ScrapeErrors; returns the empty list the caller continues with."""
    if not problems:
        return []
    if quietly:  # after a crash the database may be gone; the crash error matters more
        try:
            return record_problems(run, tally, problems)
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


def beat(run: ScrapeRun, tally: RunTally) -> None:
    """Save the counts so far with a heartbeat (after each batch)."""
    _apply_tally(run, tally)
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*_COUNTS, "errors_count", "heartbeat_at"])


def _status(tally: RunTally) -> str:
    # TextChoices members are str; mypy, without Django's types, sees (value, label) tuples.
    if tally.errors == 0:
        return ScrapeStatus.COMPLETED  # type: ignore[return-value]
    return ScrapeStatus.PARTIAL if tally.accepted else ScrapeStatus.FAILED  # type: ignore[return-value]


def _count_reaping(run: ScrapeRun, tally: RunTally) -> bool:
    """Whether the reaper failed this run while it was alive; its ``stale_run`` error
    then counts among the run's errors, so the counters match the errors stored."""
    reaped = run.errors.of_type(STALE_RUN).count()
    tally.errors += reaped
    return reaped > 0


def finish(run: ScrapeRun, tally: RunTally, stats: dict, started: float) -> ScrapeRun:
    """End the run: its status from the tally, its stats and the message saying why."""
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


def record_crash(run: ScrapeRun, tally: RunTally, exc: BaseException, stats: dict, started: float):
    """Record an unexpected exception and end the run failed; the caller re-raises.

    The failed batch's transaction is rolled back, so nothing of it is stored. When the
    database connection itself broke (the server restarted, the connection was cut),
    the record is written on a fresh connection; if the database is still unreachable,
    the run stays 'running' until the reaper fails it.
    """
    error_type = _crash_type(exc)
    for attempt in range(2):
        try:
            _save_crash(run, tally, exc, error_type, stats, started)
            return
        except (DatabaseError, psycopg.Error):
            if attempt == 0 and not connection.in_atomic_block:
                connection.close()  # a broken connection; the next query opens a new one
            else:
                return  # still unreachable: the reaper will finish the run


# Only these mean the server or the connection is gone, so running again may succeed. A
# DataError or IntegrityError is a value PostgreSQL refuses: it fails the same way again.
CONNECTION_LOST = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def _crash_type(exc: BaseException) -> str:
    if isinstance(exc, CONNECTION_LOST):
        return "database_unavailable"
    if isinstance(exc, DatabaseError | psycopg.Error):
        return "database_error"
    return "crash" if isinstance(exc, Exception) else "interrupted"


def _save_crash(run, tally, exc, error_type: str, stats: dict, started: float) -> None:
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

"""The last resort when PostgreSQL refuses a value validation let through.

A refused value (a DataError or an IntegrityError: too long, out of range, a duplicate
unique id) aborts the whole batch's statement. Rather than lose the batch, it is split in
halves and each half written again, down to the single capture that is refused, which
becomes a Problem. One bad capture in a batch of n costs about 2·log2(n) extra writes of
shrinking size; a batch PostgreSQL accepts costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, Self, TypeVar

import psycopg
from django.db import DataError, IntegrityError

from odds.captures import Capture, Problem

REFUSED = (DataError, IntegrityError, psycopg.DataError, psycopg.IntegrityError)


class Stats(Protocol):
    problems: list[Problem]

    def add(self, other: Self) -> None: ...


S = TypeVar("S", bound=Stats)


def write_isolating(
    write: Callable[[list[Capture]], S],
    captures: list[Capture],
    *,
    stats_type: Callable[[], S],
    on_refused: Callable[[], None],
) -> S:
    """``write(captures)``; when PostgreSQL refuses it, the halves, recursively.

    ``on_refused`` runs after each refusal, before anything is written again: the
    writer drops caches that the rolled-back attempt may have filled.
    """
    try:
        return write(captures)
    except REFUSED as error:
        on_refused()
        stats = stats_type()
        if len(captures) == 1:
            stats.problems.append(refused_problem(captures[0], error))
            return stats
        middle = len(captures) // 2
        for half in (captures[:middle], captures[middle:]):
            stats.add(write_isolating(write, half, stats_type=stats_type, on_refused=on_refused))
        return stats


def refused_problem(capture: Capture, error: Exception) -> Problem:
    cause = error.__cause__ if isinstance(error, DataError | IntegrityError) else error
    first_line = (str(error).strip().splitlines() or [""])[0]
    event, book = capture.event, capture.bookmaker
    return Problem(
        "refused_by_database",
        f"capture of {event.name[:80]!r} at {book.key[:64]!r} ({capture.captured_at}) was "
        f"refused by PostgreSQL ({type(error).__name__}: {first_line}); the rest of its "
        "batch was stored. Check this event's values in the source",
        {
            "source": event.source,
            "source_event_id": event.source_event_id[:200],
            "bookmaker": book.key[:200],
            "captured_at": str(capture.captured_at),
            "sqlstate": getattr(cause, "sqlstate", None),
            "error": str(error)[:1000],
        },
        bookmaker_key=book.key,
        event=event,
    )

"""Partitions made on demand, before rows are written into them.

There is no DEFAULT partition: a row with no partition would sit there unnoticed and
later block creating the partition that covers it. Instead every writer calls
:func:`ensure_partitions_for` (or :func:`ensure_partitions` for a time range) before
it writes, and a row can only ever land in the partition of its own range.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from django.db import connections, transaction
from psqlextra.partitioning.constants import AUTO_PARTITIONED_COMMENT

from odds.partitioning.catalog import list_partitions, ranges
from odds.partitioning.layout import (
    Range,
    current_layout,
    intersect,
    partition_name,
    partitioned_models,
    uncovered,
)

# Serialises partition DDL across processes; the value is arbitrary but fixed.
DDL_LOCK_KEY = 7_466_021_001


class _KnownCoverage:
    """Time ranges this process has seen partitioned, so the hot write path skips the
    catalog. Only ever holds committed partitions (see :func:`ensure_partitions`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ranges: dict[str, list[Range]] = {}

    def covers(self, using: str, moments: Iterable[datetime]) -> bool:
        with self._lock:
            ranges = self._ranges.get(using, [])
            return all(any(lo <= m < hi for lo, hi in ranges) for m in moments)

    def remember(self, using: str, ranges: list[Range]) -> None:
        with self._lock:
            self._ranges[using] = sorted(ranges)

    def forget(self) -> None:
        with self._lock:
            self._ranges.clear()


_known = _KnownCoverage()


def forget_known_partitions() -> None:
    """Drop the per-process cache, e.g. after partitions were retired elsewhere."""
    _known.forget()


def ensure_partitions(
    start: datetime, end: datetime | None = None, *, using: str = "default"
) -> list[str]:
    """Make sure both odds tables have partitions covering all of ``[start, end]``.

    For a backfill or for planning ahead; writers that know their rows' times use
    :func:`ensure_partitions_for`, which creates only the slots those rows fall in.
    Returns the partitions it created.
    """
    end = end or start
    start, end = min(start, end), max(start, end)
    slots = list(current_layout().slots(start, end))
    return ensure_slots(slots, moments=None, using=using)


def ensure_partitions_for(moments: Iterable[datetime], *, using: str = "default") -> list[str]:
    """Make sure a partition exists for each of these ``captured_at`` values.

    Call it before writing the rows, outside the write's own transaction: creating a
    partition locks the parent table until the creating transaction ends. Safe to
    call from many processes at once; cheap when the partitions exist already.
    """
    moments = set(moments)
    if not moments or _known.covers(using, moments):
        return []
    layout = current_layout()
    slot_starts = sorted({layout.slot_start(m) for m in moments})
    slots = [(lo, layout.slot_end(lo)) for lo in slot_starts]
    return ensure_slots(slots, moments=moments, using=using)


def ensure_slots(slots: list[Range], *, moments: set[datetime] | None, using: str) -> list[str]:
    """Create what is missing of these slots in both tables (with ``moments``: only the
    pieces those rows fall in), under the DDL lock; returns the partitions created."""
    created: list[str] = []
    covered: list[list[Range]] = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DDL_LOCK_KEY])
        for model in partitioned_models():
            table = model._meta.db_table
            existing = ranges(list_partitions(table, using=using))
            for lower, upper in uncovered(slots, existing):
                # After a change of partition size a slot may be partly covered:
                # fill only the pieces that rows will land in.
                if moments is None or any(lower <= m < upper for m in moments):
                    created.append(create_partition(cursor, table, lower, upper))
                    existing.append((lower, upper))
            covered.append(existing)
    both = intersect(*covered)
    # Only once committed: a rolled-back creation must not be remembered as existing.
    transaction.on_commit(lambda: _known.remember(using, both), using=using)
    return created


def create_partition(cursor, table: str, lower: datetime, upper: datetime) -> str:
    name = f"{table}_{partition_name(lower)}"
    quoted = connections["default"].ops.quote_name
    cursor.execute(
        f"CREATE TABLE {quoted(name)} PARTITION OF {quoted(table)} FOR VALUES FROM (%s) TO (%s)",
        [lower, upper],
    )
    # psqlextra's planner only retires partitions carrying its comment.
    cursor.execute(f"COMMENT ON TABLE {quoted(name)} IS %s", [AUTO_PARTITIONED_COMMENT])
    return name

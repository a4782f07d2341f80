"""Selectors for the scraping health page: runs and errors per day, partitions, latest runs.

Each read is bounded: runs and errors by their time index over the last ``days`` days,
partitions from the catalog (estimated rows, never ``COUNT(*)``; a partition never
analysed is counted up to :data:`COUNTED_UP_TO` rows).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from odds.partitioning import Partition, list_partitions, partitioned_models
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus

HEALTH_DAYS = 30
# A partition never analysed has no estimate; its rows are counted up to this many.
COUNTED_UP_TO = 1000
# Error types charted one by one; the rest are summed as "other".
ERROR_TYPES_CHARTED = 8


@dataclass(frozen=True)
class DailyCounts:
    """Counts per day and key (a status, an error type), zero-filled, oldest day first."""

    days: list[date]
    series: dict[str, list[int]]

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(counts) for key, counts in self.series.items()}

    def chart(self) -> dict:
        return {
            "labels": [day.isoformat() for day in self.days],
            "datasets": [{"label": key, "data": counts} for key, counts in self.series.items()],
        }


def window_days(*, days: int = HEALTH_DAYS, now: datetime | None = None) -> list[date]:
    today = (now or timezone.now()).astimezone(UTC).date()
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def _window_start(days: list[date]) -> datetime:
    first = days[0]
    return datetime(first.year, first.month, first.day, tzinfo=UTC)


def _daily(rows, days: list[date], keys: list[str]) -> DailyCounts:
    index = {day: n for n, day in enumerate(days)}
    series = {key: [0] * len(days) for key in keys}
    for day, key, count in rows:
        if day in index and key in series:
            series[key][index[day]] += count
    return DailyCounts(days, series)


def runs_per_day(*, days: int = HEALTH_DAYS, now: datetime | None = None) -> DailyCounts:
    """Runs created per day (UTC) by status, over the last ``days`` days."""
    window = window_days(days=days, now=now)
    rows = ScrapeRun.objects.created_since(_window_start(window)).per_day_and_status()
    return _daily(rows, window, list(ScrapeStatus.values))


def errors_per_day(*, days: int = HEALTH_DAYS, now: datetime | None = None) -> DailyCounts:
    """Errors per day (UTC) by type over the last ``days`` days; the most frequent
    :data:`ERRORS_TYPES_CHARTED` types by name, the others as ``other``."""
    window = window_days(days=days, now=now)
    rows = list(ScrapeError.objects.occurred_since(_window_start(window)).per_day_and_type())
    totals: Counter[str] = Counter()
    for _, error_type, count in rows:
        totals[error_type] += count
    named = [error_type for error_type, _ in totals.most_common(ERROR_TYPES_CHARTED)]
    folded: dict[tuple[date, str], int] = defaultdict(int)
    for day, error_type, count in rows:
        folded[(day, error_type if error_type in named else "other")] += count
    keys = named + (["other"] if len(totals) > len(named) else [])
    return _daily([(d, k, n) for (d, k), n in folded.items()], window, keys)


def error_type_totals(*, days: int = HEALTH_DAYS, now: datetime | None = None) -> list:
    """(error type, count) over the last ``days`` days, most frequent first."""
    window = window_days(days=days, now=now)
    return list(ScrapeError.objects.occurred_since(_window_start(window)).type_totals())


@dataclass(frozen=True)
class PartitionRows:
    """A partition and its rows: the catalog's estimate, or for a partition never
    analysed (``reltuples = -1``, which the catalog shows as 0) a count bounded by
    :data:`COUNTED_UP_TO`, so a full table is never read row by row."""

    partition: Partition
    rows: int
    analysed: bool = True

    @property
    def at_least(self) -> bool:
        return not self.analysed and self.rows > COUNTED_UP_TO

    @property
    def text(self) -> str:
        if self.analysed:
            return str(self.rows)
        if self.at_least:
            return f"over {COUNTED_UP_TO} (not analysed)"
        return f"{self.rows} (not analysed)"


@dataclass(frozen=True)
class TableRows:
    table: str
    partitions: list[PartitionRows]

    @property
    def total_bytes(self) -> int:
        return sum(p.partition.total_bytes for p in self.partitions)

    @property
    def rows_text(self) -> str:
        total = sum(p.rows for p in self.partitions)
        if any(p.at_least for p in self.partitions):
            return f"over {total}"
        return str(total)


def never_analysed(names: list[str]) -> set[str]:
    """The partitions PostgreSQL has never analysed or vacuumed (``reltuples = -1``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples < 0", [names]
        )
        return {name for (name,) in cursor.fetchall()}


def bounded_count(partition: str) -> int:
    """Rows of ``partition``, counted up to :data:`COUNTED_UP_TO` + 1 (an index-free
    LIMIT scan that stops early)."""
    table = connection.ops.quote_name(partition)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS head",
            [COUNTED_UP_TO + 1],
        )
        return cursor.fetchone()[0]


def _rows(partition: Partition, unanalysed: set[str]) -> PartitionRows:
    if partition.name in unanalysed:
        return PartitionRows(partition, bounded_count(partition.name), analysed=False)
    return PartitionRows(partition, partition.estimated_rows)


def partition_tables() -> list[TableRows]:
    """Both odds tables with their partitions, rows and sizes: the catalog's estimates,
    and a bounded count for partitions never analysed (never ``COUNT(*)``)."""
    tables = []
    for model in partitioned_models():
        partitions = list_partitions(model._meta.db_table)
        unanalysed = never_analysed([p.name for p in partitions])
        tables.append(TableRows(model._meta.db_table, [_rows(p, unanalysed) for p in partitions]))
    return tables


def latest_run_per_source() -> list[ScrapeRun]:
    """The newest run of every source (one index lookup per source)."""
    return ScrapeRun.objects.latest_per_source()

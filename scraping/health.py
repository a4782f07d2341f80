"""Selectors for the scraping health page: runs and errors per day, partitions, latest runs.

Each read is bounded: runs and errors by their time index over the last ``days`` days,
partitions from the catalog (estimated rows, never ``COUNT(*)``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from odds.overview import TableOverview
from odds.partitioning import list_partitions, partitioned_models
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus

HEALTH_DAYS = 30
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
    rows = (
        ScrapeRun.objects.filter(created_at__gte=_window_start(window))
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values_list("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _daily(rows, window, list(ScrapeStatus.values))


def errors_per_day(*, days: int = HEALTH_DAYS, now: datetime | None = None) -> DailyCounts:
    """Errors per day (UTC) by type over the last ``days`` days; the most frequent
    :data:`ERRORS_TYPES_CHARTED` types by name, the others as ``other``."""
    window = window_days(days=days, now=now)
    rows = list(
        ScrapeError.objects.filter(occurred_at__gte=_window_start(window))
        .annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values_list("day", "error_type")
        .annotate(n=Count("id"))
        .order_by()
    )
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
    return list(
        ScrapeError.objects.filter(occurred_at__gte=_window_start(window))
        .values_list("error_type")
        .annotate(n=Count("id"))
        .order_by("-n", "error_type")
    )


def partition_tables() -> list[TableOverview]:
    """Both odds tables with their partitions, estimated rows and sizes (the catalog)."""
    return [
        TableOverview(model._meta.db_table, list_partitions(model._meta.db_table))
        for model in partitioned_models()
    ]


def latest_run_per_source() -> list[ScrapeRun]:
    """The newest run of every source (one index lookup per source)."""
    sources = ScrapeRun.objects.order_by().values_list("source", flat=True).distinct()
    runs = [
        ScrapeRun.objects.filter(source=source).order_by("-created_at").first()
        for source in sources
    ]
    return sorted((run for run in runs if run), key=lambda run: run.source)

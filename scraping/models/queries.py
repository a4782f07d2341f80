"""The reusable reads of the run log: runs by state, staleness, per day and per source.

``ScrapeRun.objects`` and ``ScrapeError.objects`` are these querysets as managers, so
the health page, the admin, the schedules and the services ask the same questions the
same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models
from django.db.models import Count, F
from django.db.models.functions import Coalesce, TruncDate

from scraping.models.choices import ScrapeStatus

# A run of these ended with errors, so it may be run again.
RERUNNABLE = (ScrapeStatus.FAILED, ScrapeStatus.PARTIAL)
FINISHED = (ScrapeStatus.COMPLETED, *RERUNNABLE)


class ScrapeRunQuerySet(models.QuerySet):
    def unfinished(self) -> ScrapeRunQuerySet:
        """Runs not ended yet: pending or running."""
        return self.filter(status__in=[ScrapeStatus.RUNNING, ScrapeStatus.PENDING])

    def running(self) -> ScrapeRunQuerySet:
        return self.filter(status=ScrapeStatus.RUNNING)

    def finished(self) -> ScrapeRunQuerySet:
        return self.filter(status__in=FINISHED)

    def rerunnable(self) -> ScrapeRunQuerySet:
        return self.filter(status__in=RERUNNABLE)

    def stale(self, cutoff: datetime) -> ScrapeRunQuerySet:
        """Unfinished runs whose last sign of life (heartbeat, else start, else creation)
        is older than ``cutoff``; ``last_sign`` is annotated."""
        return (
            self.unfinished()
            .annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
            .filter(last_sign__lt=cutoff)
        )

    def add_markets_written(self, run_id: int, rows: int) -> int:
        """Move a run's ``markets_written`` by ``rows`` in SQL (another run's backfill)."""
        return self.filter(pk=run_id).update(markets_written=F("markets_written") + rows)

    def live_of(self, source: str) -> ScrapeRunQuerySet:
        """Runs of ``source`` that scraped live (not a file import)."""
        return self.filter(source=source).exclude(parameters__has_key="paths")

    def newest(self):
        """The newest run of this queryset, or None."""
        return self.order_by("-created_at", "-id").first()

    def newest_with_quota_header(self, source: str, header: str):
        """The newest run of ``source`` whose stats kept the quota header ``header``."""
        return (
            self.filter(source=source, stats__quota__has_key=header)
            .order_by("-created_at", "-id")
            .only("stats")
            .first()
        )

    def created_since(self, start: datetime) -> ScrapeRunQuerySet:
        return self.filter(created_at__gte=start)

    def per_day_and_status(self):
        """(day in UTC, status, runs) rows."""
        return (
            self.annotate(day=TruncDate("created_at", tzinfo=UTC))
            .values_list("day", "status")
            .annotate(n=Count("id"))
            .order_by()
        )

    def latest_per_source(self) -> list:
        """The newest run of every source, by source name (one index lookup per source)."""
        sources = self.order_by().values_list("source", flat=True).distinct()
        runs = [self.filter(source=source).order_by("-created_at").first() for source in sources]
        return sorted((run for run in runs if run), key=lambda run: run.source)


class ScrapeErrorQuerySet(models.QuerySet):
    def occurred_since(self, start: datetime) -> ScrapeErrorQuerySet:
        return self.filter(occurred_at__gte=start)

    def per_day_and_type(self):
        """(day in UTC, error type, errors) rows."""
        return (
            self.annotate(day=TruncDate("occurred_at", tzinfo=UTC))
            .values_list("day", "error_type")
            .annotate(n=Count("id"))
            .order_by()
        )

    def type_totals(self):
        """(error type, errors) rows, most frequent first."""
        return self.values_list("error_type").annotate(n=Count("id")).order_by("-n", "error_type")

    def types(self) -> set[str]:
        return set(self.values_list("error_type", flat=True).distinct())

    def of_type(self, error_type: str) -> ScrapeErrorQuerySet:
        return self.filter(error_type=error_type)

    def files_named(self) -> set[str]:
        """The files (``context.file``) and missing paths (``context.path``) the errors
        name."""
        rows = self.values_list("context__file", "context__path").distinct()
        return {value for row in rows for value in row if isinstance(value, str) and value}

    def in_order(self) -> ScrapeErrorQuerySet:
        """In the order they were recorded."""
        return self.order_by("id")

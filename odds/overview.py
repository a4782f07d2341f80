"""What the store holds, for the quickstart summary and operators: a read, no writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count

from odds.models import Bookmaker, Event, Sport, Tournament
from odds.partitioning import Partition, current_layout, list_partitions, partitioned_models


@dataclass(frozen=True)
class TableOverview:
    table: str
    partitions: list[Partition]

    @property
    def estimated_rows(self) -> int:
        return sum(p.estimated_rows for p in self.partitions)

    @property
    def total_bytes(self) -> int:
        return sum(p.total_bytes for p in self.partitions)


@dataclass(frozen=True)
class StoreOverview:
    database: str
    layout: str
    entity_counts: dict[str, int]
    runs: str
    tables: list[TableOverview] = field(default_factory=list)


def describe_database(*, using: str = "default") -> str:
    params = connections[using].settings_dict
    where = params["HOST"] or "local socket"
    if settings.EMBEDDED_DATABASE:
        return f"embedded PostgreSQL, data in {where}, database {params['NAME']}"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"PostgreSQL server {where}{port}, database {params['NAME']}"


def describe_layout() -> str:
    layout = current_layout()
    retention = (
        f"retire after {layout.retention_days} days" if layout.retention_days else "keep forever"
    )
    adjective = {"day": "daily", "week": "weekly", "month": "monthly"}[layout.size]
    return f"{adjective} partitions from midnight UTC, {layout.ahead} ahead, {retention}"


def store_overview(*, using: str = "default") -> StoreOverview:
    # Entity tables are small; the time series get estimates from the catalog, never COUNT(*).
    counts = {
        model._meta.verbose_name_plural: model.objects.using(using).count()
        for model in (Sport, Tournament, Bookmaker, Event)
    }
    tables = [
        TableOverview(model._meta.db_table, list_partitions(model._meta.db_table, using=using))
        for model in partitioned_models()
    ]
    return StoreOverview(
        describe_database(using=using), describe_layout(), counts, describe_runs(), tables
    )


def refresh_estimates(*, using: str = "default") -> None:
    """ANALYZE the odds tables so the row estimates the summary shows are current
    (it samples a bounded number of rows, whatever the table size)."""
    tables = ", ".join(model._meta.db_table for model in partitioned_models())
    with connections[using].cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def describe_runs() -> str:
    from scraping.models import ScrapeRun

    by_status = ScrapeRun.objects.values_list("status").annotate(n=Count("id"))
    parts = [f"{n} {status}" for status, n in sorted(by_status)]
    return ", ".join(parts) if parts else "none yet"

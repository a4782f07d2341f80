"""List filters for the odds time series that bound every list by ``captured_at``.

A list of a partitioned table without a time bound would plan every partition; these
filters always apply one (the newest 24 hours of rows by default), so PostgreSQL reads
only the partitions of that range. None of them asks the table for its distinct values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import admin
from django.utils import timezone

from odds.partitioning import list_partitions
from odds.vocabulary import MARKET_KEYS

NEWEST_DAY = "newest"
ALL_TIME = "all"
PARTITION_PREFIX = "p"
# Partitions offered as choices: the newest that have begun (older ones: use "all time").
PARTITION_CHOICES = 8

_WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


class CapturedWindowFilter(admin.SimpleListFilter):
    """When the rows were captured. Default: the 24 hours up to the newest row."""

    title = "captured"
    parameter_name = "captured"

    def lookups(self, request, model_admin):
        choices = [
            (NEWEST_DAY, "Newest 24 hours of rows"),
            ("1h", "Last hour"),
            ("24h", "Last 24 hours"),
            ("7d", "Last 7 days"),
        ]
        for partition in self._recent_partitions(model_admin):
            label = f"{partition.start:%Y-%m-%d} to {partition.end:%Y-%m-%d}"
            choices.append((f"{PARTITION_PREFIX}{partition.start:%Y%m%d}", label))
        choices.append((ALL_TIME, "All time"))
        return choices

    def _recent_partitions(self, model_admin):
        now = timezone.now()
        partitions = list_partitions(model_admin.model._meta.db_table)
        begun = [p for p in partitions if p.start is not None and p.start <= now]
        return sorted(begun, key=lambda p: p.start, reverse=True)[:PARTITION_CHOICES]

    def choices(self, changelist):
        current = self.value() or NEWEST_DAY
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or NEWEST_DAY
        if value == ALL_TIME:
            return queryset
        if value in _WINDOWS:
            return queryset.filter(captured_at__gte=timezone.now() - _WINDOWS[value])
        if value.startswith(PARTITION_PREFIX):
            return self._partition_range(queryset, value)
        return self._newest_day(queryset)

    def _partition_range(self, queryset, value: str):
        try:
            start = datetime.strptime(value[len(PARTITION_PREFIX) :], "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return self._newest_day(queryset)
        for partition in list_partitions(queryset.model._meta.db_table):
            if partition.start is not None and partition.start == start:
                return queryset.filter(
                    captured_at__gte=partition.start, captured_at__lt=partition.end
                )
        return queryset.none()

    def _newest_day(self, queryset):
        # ORDER BY captured_at DESC LIMIT 1 reads one entry of each partition's primary key.
        newest = (
            queryset.model._default_manager.order_by("-captured_at")
            .values_list("captured_at", flat=True)
            .first()
        )
        if newest is None:
            return queryset
        return queryset.filter(captured_at__gt=newest - timedelta(hours=24))


class MarketKeyFilter(admin.SimpleListFilter):
    """The vocabulary's keys (offered without asking the table for its keys)."""

    title = "market"
    parameter_name = "market_key"

    def lookups(self, request, model_admin):
        return [(key, key) for key in MARKET_KEYS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(market_key=self.value())
        return queryset

"""The psqlextra side of ``manage.py pgpartition``: the planner's partition and strategy
over the aligned layout, and the manager the ``PSQLEXTRA_PARTITIONING_MANAGER`` setting
names. It creates the partitions ahead and retires the ones past retention,
``MarketOdds`` before ``OddsSnapshot`` because of the foreign key between them.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime

from psqlextra.partitioning import (
    PostgresPartitioningConfig,
    PostgresPartitioningManager,
    PostgresRangePartition,
    PostgresRangePartitioningStrategy,
)

from odds.partitioning.catalog import list_partitions, ranges
from odds.partitioning.creating import DDL_LOCK_KEY, create_partition
from odds.partitioning.layout import (
    PartitionLayout,
    current_layout,
    partition_name,
    partitioned_models,
    uncovered,
)
from odds.partitioning.retiring import expired_partitions, retire_partition


class AlignedTimePartition(PostgresRangePartition):
    """A partition slot as psqlextra's planner and ``pgpartition`` report see it."""

    def __init__(
        self,
        start: datetime,
        end: datetime,
        *,
        estimated_rows: int | None = None,
        keep_from: datetime | None = None,
    ):
        super().__init__(from_values=start.isoformat(), to_values=end.isoformat())
        self.start = start
        self.end = end
        self.estimated_rows = estimated_rows
        self.keep_from = keep_from  # the retention cutoff, for a partition being retired

    def name(self) -> str:
        return partition_name(self.start)

    def deconstruct(self) -> dict:
        described = {"name": self.name(), "from": self.from_values, "to": self.to_values}
        if self.estimated_rows is not None:
            described["estimated rows"] = self.estimated_rows
        return described

    def create(self, model, schema_editor, comment=None) -> None:
        table = model._meta.db_table
        using = schema_editor.connection.alias
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DDL_LOCK_KEY])
            # Retention may have made it since the plan was drawn up (carrying rows
            # forward into the first kept slot): fill only what is still missing.
            existing = ranges(list_partitions(table, using=using))
            for lower, upper in uncovered([(self.start, self.end)], existing):
                create_partition(cursor, table, lower, upper)

    def delete(self, model, schema_editor) -> None:
        table = f"{model._meta.db_table}_{self.name()}"
        retire_partition(
            model,
            table,
            using=schema_editor.connection.alias,
            bounds=(self.start, self.end),
            keep_from=self.keep_from,
        )


class AlignedTimeStrategy(PostgresRangePartitioningStrategy):
    """Creates the current slot and ``ahead`` more; retires slots past retention.

    Both lists are computed from the partitions that really exist, so a change of
    partition size never plans an overlapping partition and gaps left by backfills
    never stop retention halfway (psqlextra's own strategy stops at the first gap).
    """

    def __init__(self, model, *, now=None, layout: PartitionLayout | None = None):
        self.model = model
        self._now = now
        self._layout = layout

    @property
    def layout(self) -> PartitionLayout:
        return self._layout or current_layout()

    def now(self) -> datetime:
        return self._now() if self._now else datetime.now(UTC)

    def to_create(self) -> Generator[AlignedTimePartition, None, None]:
        layout = self.layout
        first = layout.slot_start(self.now())
        wanted = []
        for _ in range(layout.ahead + 1):
            wanted.append((first, layout.slot_end(first)))
            first = layout.slot_end(first)
        existing = ranges(list_partitions(self.model._meta.db_table))
        for lower, upper in uncovered(wanted, existing):
            yield AlignedTimePartition(lower, upper)

    def to_delete(self) -> Generator[AlignedTimePartition, None, None]:
        layout, now = self.layout, self.now()
        for p in expired_partitions(self.model, layout, now):
            yield AlignedTimePartition(
                p.start,
                p.end,
                estimated_rows=p.estimated_rows,
                keep_from=layout.retention_cutoff(now),
            )


class OddsPartitioningManager(PostgresPartitioningManager):
    """psqlextra's manager, with retirement ordered around the snapshot foreign key."""

    def plan(self, skip_create=False, skip_delete=False, model_names=None, using=None):
        plan = super().plan(skip_create, skip_delete, model_names, using)
        # Markets must go before the snapshots they reference; creations are
        # order-free. Each model's plan applies in its own transaction.
        plan.model_plans.sort(
            key=lambda p: 0 if p.config.model._meta.model_name == "marketodds" else 1
        )
        return plan


def build_manager(*, now=None, layout: PartitionLayout | None = None) -> OddsPartitioningManager:
    return OddsPartitioningManager(
        [
            PostgresPartitioningConfig(
                model=model, strategy=AlignedTimeStrategy(model, now=now, layout=layout)
            )
            for model in partitioned_models()
        ]
    )


class _LazyManager:
    """Defers building the manager until first use: the settings module imports us
    before the app registry is ready."""

    def __getattr__(self, name):
        return getattr(build_manager(), name)


manager = _LazyManager()

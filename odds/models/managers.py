from __future__ import annotations

from psqlextra.manager import PostgresManager

from odds.partitioning import ensure_partitions_for


class PartitionedManager(PostgresManager):
    """Creates the time partitions a ``bulk_create`` needs before inserting.

    The store's own write path calls :func:`odds.partitioning.ensure_partitions`
    itself; this keeps other apps' ORM writes from failing on a missing partition.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if objs:
            ensure_partitions_for((obj.captured_at for obj in objs), using=self.db)
        return super().bulk_create(objs, *args, **kwargs)


def ensure_partition_for(instance, *, using: str | None = None) -> None:
    """Called from the time-series models' ``save()`` so a single save never fails."""
    if instance.captured_at is not None:
        ensure_partitions_for([instance.captured_at], using=using or "default")

from __future__ import annotations

from django.db import transaction
from psqlextra.manager import PostgresManager
from psqlextra.query import PostgresQuerySet

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


class MarketOddsQuerySet(PostgresQuerySet):
    """Market rows through the ORM: inserts keep the pair states the read API trusts
    (:mod:`odds.ingest.orm_writes`); changing or deleting stored history is refused."""

    def bulk_create(self, objs, *args, **kwargs):
        from odds.ingest import orm_writes

        objs = list(objs)
        for obj in objs:
            orm_writes.check_time(obj.captured_at)
            obj.outcomes = orm_writes.canonical_outcomes(obj.outcomes)
        if objs:
            ensure_partitions_for((obj.captured_at for obj in objs), using=self.db)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            orm_writes.record_rows(objs, using=self.db)
        return created

    def update(self, **kwargs):
        _refuse()

    def delete(self):
        _refuse()

    def bulk_update(self, *args, **kwargs):
        _refuse()

    # psqlextra's own insert paths would bypass the state as well.
    def bulk_insert(self, *args, **kwargs):
        _refuse()

    def insert(self, *args, **kwargs):
        _refuse()

    def insert_and_get(self, *args, **kwargs):
        _refuse()

    def upsert(self, *args, **kwargs):
        _refuse()

    def upsert_and_get(self, *args, **kwargs):
        _refuse()

    def bulk_upsert(self, *args, **kwargs):
        _refuse()


def _refuse():
    from odds.ingest.orm_writes import IMMUTABLE

    raise ValueError(IMMUTABLE)


# from_queryset builds the base at run time; mypy (no Django plugin) cannot see it.
class MarketOddsManager(PartitionedManager.from_queryset(MarketOddsQuerySet)):  # type: ignore[misc]
    pass

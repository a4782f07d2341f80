"""Partitions past retention: which ones, and dropping one after carrying forward the
prices still in force at its end (:mod:`odds.retention`)."""

from __future__ import annotations

from datetime import datetime

from django.db import connections, transaction
from psqlextra.partitioning.constants import AUTO_PARTITIONED_COMMENT

from odds.partitioning.catalog import list_partitions
from odds.partitioning.creating import DDL_LOCK_KEY, ensure_slots, forget_known_partitions
from odds.partitioning.layout import PartitionLayout, Range, current_layout


def retire_partition(
    model,
    partition_table: str,
    *,
    using: str = "default",
    bounds: Range | None = None,
    keep_from: datetime | None = None,
) -> None:
    """Drop one partition of ``model``.

    Before a ``MarketOdds`` partition of known ``bounds`` goes, the rows still in force
    at its end are carried forward (:mod:`odds.retention`), in the same transaction.
    A partition of ``OddsSnapshot`` is referenced by the foreign key from
    ``MarketOdds``, so a plain DROP fails; DETACH first makes PostgreSQL check that no
    market row still points into it, then DROP removes it.
    """
    quoted = connections[using].ops.quote_name
    parent = model._meta.db_table
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DDL_LOCK_KEY])
        if bounds is not None and model._meta.model_name == "marketodds":
            _carry_forward(bounds, keep_from=keep_from, using=using)
        cursor.execute(f"ALTER TABLE {quoted(parent)} DETACH PARTITION {quoted(partition_table)}")
        cursor.execute(f"DROP TABLE {quoted(partition_table)}")
        # Also once committed: carrying may have queued a "remember" of the ranges
        # known before this drop.
        transaction.on_commit(forget_known_partitions, using=using)
    forget_known_partitions()


def _carry_forward(bounds: Range, *, keep_from: datetime | None, using: str) -> None:
    from odds import retention
    from odds.models import MarketOdds

    lower, upper = bounds
    starts = [p.start for p in list_partitions(MarketOdds._meta.db_table, using=using)]
    layout = current_layout()
    first_kept = layout.slot_start(keep_from) if keep_from else None
    target = retention.carry_target(upper, first_kept=first_kept, starts=starts)
    # Only the piece holding the target: the rest of its slot may be what is retired.
    slot = layout.slot_start(target)
    ensure_slots([(slot, layout.slot_end(slot))], moments={target}, using=using)
    retention.carry_forward(lower=lower, upper=upper, target=target, using=using)


def expired_partitions(model, layout: PartitionLayout, now: datetime, *, using: str = "default"):
    cutoff = layout.retention_cutoff(now)
    if cutoff is None:
        return []
    # Oldest first: a row carried into a partition retired next is carried again.
    return sorted(
        (
            p
            for p in list_partitions(model._meta.db_table, using=using)
            if p.end is not None and p.end <= cutoff and p.comment == AUTO_PARTITIONED_COMMENT
        ),
        key=lambda p: p.start,
    )

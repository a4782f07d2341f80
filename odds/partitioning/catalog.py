"""The partitions that exist, read from the PostgreSQL catalog with their size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connections

from odds.partitioning.layout import Range


@dataclass(frozen=True)
class Partition:
    table: str
    name: str  # full table name of the partition
    start: datetime | None  # None for a DEFAULT partition
    end: datetime | None
    comment: str | None
    estimated_rows: int
    total_bytes: int

    @property
    def is_default(self) -> bool:
        return self.start is None


_PARTITIONS_SQL = """
    SELECT child.relname,
           pg_get_expr(child.relpartbound, child.oid),
           obj_description(child.oid, 'pg_class'),
           GREATEST(child.reltuples, 0)::bigint,
           pg_total_relation_size(child.oid)
      FROM pg_inherits
      JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
      JOIN pg_class child ON child.oid = pg_inherits.inhrelid
     WHERE parent.relname = %s
     ORDER BY child.relname
"""


def list_partitions(table: str, *, using: str = "default") -> list[Partition]:
    with connections[using].cursor() as cursor:
        cursor.execute(_PARTITIONS_SQL, [table])
        rows = cursor.fetchall()
    return [_partition_from_row(table, *row) for row in rows]


def _partition_from_row(table, name, bound, comment, rows, size) -> Partition:
    start = end = None
    if bound != "DEFAULT":
        # FOR VALUES FROM ('2026-11-23 00:00:00+00') TO ('2026-11-30 00:00:00+00')
        start, end = (datetime.fromisoformat(v) for v in bound.split("'")[1::2])
    return Partition(table, name, start, end, comment, int(rows), int(size))


def ranges(partitions: list[Partition]) -> list[Range]:
    """The bounds of the range partitions (the DEFAULT partition has none)."""
    return [(p.start, p.end) for p in partitions if p.start is not None and p.end is not None]

"""Time partitions of the odds tables: layout, on-demand creation and retention.

Both partitioned tables (``OddsSnapshot`` and ``MarketOdds``) share one layout: RANGE
partitions on ``captured_at`` of a day, a week (from Monday) or a month, always
starting at midnight UTC, so runs at different hours agree on the bounds (psqlextra's
own strategy starts at the current hour, upstream issue #269).

There is no DEFAULT partition: a row with no partition would sit there unnoticed and
later block creating the partition that covers it. Instead every writer calls
:func:`ensure_partitions` for the time range it is about to write, and a row can
only ever land in the partition of its own range.

``manage.py pgpartition`` (psqlextra's command) reads :data:`manager` from the
``PSQLEXTRA_PARTITIONING_MANAGER`` setting: it creates the partitions ahead and
retires the ones past retention, ``MarketOdds`` before ``OddsSnapshot`` because of
the foreign key between them.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connections, transaction
from psqlextra.partitioning import (
    PostgresPartitioningConfig,
    PostgresPartitioningManager,
    PostgresRangePartition,
    PostgresRangePartitioningStrategy,
)
from psqlextra.partitioning.constants import AUTO_PARTITIONED_COMMENT

SIZES = ("day", "week", "month")
# Serialises partition DDL across processes; the value is arbitrary but fixed.
_DDL_LOCK_KEY = 7_466_021_001

Range = tuple[datetime, datetime]


# --- Layout -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PartitionLayout:
    size: str = "week"
    ahead: int = 4
    retention_days: int | None = None

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"partition size {self.size!r} is not one of {', '.join(SIZES)}")

    def slot_start(self, moment: datetime) -> datetime:
        """Start (midnight UTC) of the partition slot that holds ``moment``."""
        day = moment.astimezone(UTC).date()
        if self.size == "week":
            day -= timedelta(days=day.weekday())
        elif self.size == "month":
            day = day.replace(day=1)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    def slot_end(self, start: datetime) -> datetime:
        step = {
            "day": relativedelta(days=1),
            "week": relativedelta(weeks=1),
            "month": relativedelta(months=1),
        }[self.size]
        return start + step

    def slots(self, start: datetime, end: datetime) -> Iterator[Range]:
        """The aligned slots that together cover ``[start, end]`` (both inclusive)."""
        lower = self.slot_start(start)
        while lower <= end:
            upper = self.slot_end(lower)
            yield lower, upper
            lower = upper

    def retention_cutoff(self, now: datetime) -> datetime | None:
        """Partitions ending at or before this instant hold only expired rows."""
        if not self.retention_days:
            return None
        return now - timedelta(days=self.retention_days)


def current_layout() -> PartitionLayout:
    return PartitionLayout(
        size=settings.ODDS_PARTITION_SIZE,
        ahead=settings.ODDS_PARTITIONS_AHEAD,
        retention_days=settings.ODDS_RETENTION_DAYS,
    )


def partitioned_models() -> list:
    """Referenced table first: partitions are created in this order, retired in reverse."""
    from odds.models import MarketOdds, OddsSnapshot

    return [OddsSnapshot, MarketOdds]


def partition_name(start: datetime) -> str:
    return f"p{start:%Y%m%d}"


# --- Introspection ----------------------------------------------------------------------
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


def _ranges(partitions: list[Partition]) -> list[Range]:
    """The bounds of the range partitions (the DEFAULT partition has none)."""
    return [(p.start, p.end) for p in partitions if p.start is not None and p.end is not None]


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


def uncovered(wanted: Iterable[Range], existing: Iterable[Range]) -> list[Range]:
    """The parts of ``wanted`` that no ``existing`` range covers (ranges are half-open)."""
    taken = sorted(existing)
    gaps: list[Range] = []
    for lower, upper in wanted:
        cursor = lower
        for ex_lower, ex_upper in taken:
            if ex_upper <= cursor or ex_lower >= upper:
                continue
            if ex_lower > cursor:
                gaps.append((cursor, ex_lower))
            cursor = max(cursor, ex_upper)
        if cursor < upper:
            gaps.append((cursor, upper))
    return gaps


# --- Creation ---------------------------------------------------------------------------
class _KnownCoverage:
    """Time ranges this process has seen partitioned, so the hot write path skips the
    catalog. Only ever holds committed partitions (see :func:`ensure_partitions`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ranges: dict[str, list[Range]] = {}

    def covers(self, using: str, moments: Iterable[datetime]) -> bool:
        with self._lock:
            ranges = self._ranges.get(using, [])
            return all(any(lo <= m < hi for lo, hi in ranges) for m in moments)

    def remember(self, using: str, ranges: list[Range]) -> None:
        with self._lock:
            self._ranges[using] = sorted(ranges)

    def forget(self) -> None:
        with self._lock:
            self._ranges.clear()


_known = _KnownCoverage()


def forget_known_partitions() -> None:
    """Drop the per-process cache, e.g. after partitions were retired elsewhere."""
    _known.forget()


def ensure_partitions(
    start: datetime, end: datetime | None = None, *, using: str = "default"
) -> list[str]:
    """Make sure both odds tables have partitions covering all of ``[start, end]``.

    For a backfill or for planning ahead; writers that know their rows' times use
    :func:`ensure_partitions_for`, which creates only the slots those rows fall in.
    Returns the partitions it created.
    """
    end = end or start
    start, end = min(start, end), max(start, end)
    slots = list(current_layout().slots(start, end))
    return _ensure(slots, moments=None, using=using)


def ensure_partitions_for(moments: Iterable[datetime], *, using: str = "default") -> list[str]:
    """Make sure a partition exists for each of these ``captured_at`` values.

    Call it before writing the rows, outside the write's own transaction: creating a
    partition locks the parent table until the creating transaction ends. Safe to
    call from many processes at once; cheap when the partitions exist already.
    """
    moments = set(moments)
    if not moments or _known.covers(using, moments):
        return []
    layout = current_layout()
    slot_starts = sorted({layout.slot_start(m) for m in moments})
    slots = [(lo, layout.slot_end(lo)) for lo in slot_starts]
    return _ensure(slots, moments=moments, using=using)


def _ensure(slots: list[Range], *, moments: set[datetime] | None, using: str) -> list[str]:
    created: list[str] = []
    covered: list[list[Range]] = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_LOCK_KEY])
        for model in partitioned_models():
            table = model._meta.db_table
            existing = _ranges(list_partitions(table, using=using))
            for lower, upper in uncovered(slots, existing):
                # After a change of partition size a slot may be partly covered:
                # fill only the pieces that rows will land in.
                if moments is None or any(lower <= m < upper for m in moments):
                    created.append(_create_partition(cursor, table, lower, upper))
                    existing.append((lower, upper))
            covered.append(existing)
    both = intersect(*covered)
    # Only once committed: a rolled-back creation must not be remembered as existing.
    transaction.on_commit(lambda: _known.remember(using, both), using=using)
    return created


def intersect(first: list[Range], second: list[Range]) -> list[Range]:
    """The ranges covered in both tables (they normally share every bound)."""
    return [
        (max(a_lo, b_lo), min(a_hi, b_hi))
        for a_lo, a_hi in first
        for b_lo, b_hi in second
        if max(a_lo, b_lo) < min(a_hi, b_hi)
    ]


def _create_partition(cursor, table: str, lower: datetime, upper: datetime) -> str:
    name = f"{table}_{partition_name(lower)}"
    quoted = connections["default"].ops.quote_name
    cursor.execute(
        f"CREATE TABLE {quoted(name)} PARTITION OF {quoted(table)} FOR VALUES FROM (%s) TO (%s)",
        [lower, upper],
    )
    # psqlextra's planner only retires partitions carrying its comment.
    cursor.execute(f"COMMENT ON TABLE {quoted(name)} IS %s", [AUTO_PARTITIONED_COMMENT])
    return name


# --- Retirement -------------------------------------------------------------------------
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
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_LOCK_KEY])
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
    _ensure([(slot, layout.slot_end(slot))], moments={target}, using=using)
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


# --- psqlextra integration (manage.py pgpartition) --------------------------------------
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
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_LOCK_KEY])
            # Retention may have made it since the plan was drawn up (carrying rows
            # forward into the first kept slot): fill only what is still missing.
            existing = _ranges(list_partitions(table, using=using))
            for lower, upper in uncovered([(self.start, self.end)], existing):
                _create_partition(cursor, table, lower, upper)

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
        existing = _ranges(list_partitions(self.model._meta.db_table))
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

"""The partition layout: aligned slots of a day, a week (from Monday) or a month, always
starting at midnight UTC, so runs at different hours agree on the bounds (psqlextra's
own strategy starts at the current hour, upstream issue #269); and the arithmetic of
half-open time ranges that creation and planning share. Pure, apart from the settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings

SIZES = ("day", "week", "month")
Range = tuple[datetime, datetime]


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


def intersect(first: list[Range], second: list[Range]) -> list[Range]:
    """The ranges covered in both tables (they normally share every bound)."""
    return [
        (max(a_lo, b_lo), min(a_hi, b_hi))
        for a_lo, a_hi in first
        for b_lo, b_hi in second
        if max(a_lo, b_lo) < min(a_hi, b_hi)
    ]

"""What a write added up to: counts per batch, summed over a run's batches."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from odds.captures import Problem


@dataclass
class IngestStats:
    captures: int = 0
    duplicates: int = 0
    snapshots_written: int = 0
    markets_written: int = 0
    markets_unchanged: int = 0
    event_ids: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    # Rows a backfill added (+) or removed (-) under other runs' snapshots, by run id:
    # each run's markets_written counts the rows under its own snapshots.
    other_runs_rows: Counter[int] = field(default_factory=Counter)

    def add(self, other: IngestStats) -> None:
        self.captures += other.captures
        self.duplicates += other.duplicates
        self.snapshots_written += other.snapshots_written
        self.markets_written += other.markets_written
        self.markets_unchanged += other.markets_unchanged
        self.other_runs_rows.update(other.other_runs_rows)
        self.event_ids |= other.event_ids
        self.problems.extend(other.problems)
        self.seconds += other.seconds

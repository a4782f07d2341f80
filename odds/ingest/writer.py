"""The write path: normalized captures into the partitioned odds tables.

For each batch of captures (sorted by ``captured_at``):

1. entities are resolved in bulk (:mod:`odds.ingest.entities`);
2. the partitions the batch needs are made, outside the write transaction;
3. in one transaction: the (event, bookmaker) pairs are locked (``FOR UPDATE`` in id
   order, so concurrent importers serialise per pair and cannot deadlock), captures
   already stored are skipped (idempotency), each remaining capture is compared with
   the current state of its markets (kept on the pair's row, never history)
   and only new, changed or gone markets become rows; snapshots and market rows go in
   with COPY, the state and the pairs' capture span are updated.

A capture older than the newest one already stored for its pair (a backfill, files
out of order) takes the history-aware path in :mod:`odds.ingest.late`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

import psycopg
from django.conf import settings
from django.db import OperationalError, connections, transaction

from odds.captures import Capture
from odds.ingest import late
from odds.ingest.changes import Change, State, diff_capture, swap_sides
from odds.ingest.competitors import CompetitorSync
from odds.ingest.copy import MARKET_COLUMNS, SNAPSHOT_COLUMNS, copy_rows
from odds.ingest.entities import EntityResolver, Resolved
from odds.ingest.refused import write_isolating
from odds.ingest.scopes import ScopeRegistry
from odds.ingest.state import PairStateCache, dump_state, load_state
from odds.ingest.stats import IngestStats
from odds.ingest.validation import validate_capture
from odds.partitioning import ensure_partitions_for

_RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure

_ATTEMPTS = 5
# Captures per transaction: large enough that per-batch statements are amortised
# (a pair seen several times in a batch is locked and saved once), small enough that
# memory and lock hold times stay modest.
DEFAULT_BATCH_SIZE = 10_000


@dataclass
class _Pair:
    id: int
    first: datetime | None
    state: State
    state_changed: bool = False
    first_changed: bool = False


class CaptureWriter:
    """Writes captures batch by batch; keeps entity ids cached between batches."""

    def __init__(
        self,
        *,
        scrape_run_id: int | None = None,
        store_raw: bool | None = None,
        using: str = "default",
    ) -> None:
        self.scrape_run_id = scrape_run_id
        self.store_raw = settings.ODDS_STORE_RAW_RESPONSES if store_raw is None else store_raw
        self.using = using
        self.resolver = EntityResolver(using=using)
        self.competitors = CompetitorSync(using=using)
        self.states = PairStateCache()
        self.scopes = ScopeRegistry(using=using)
        self._scope_ids: dict[int, int] = {}
        self._snapshot_sequence: str | None = None

    def write(self, captures: list[Capture]) -> IngestStats:
        started = time.perf_counter()
        stats = IngestStats()
        valid = []
        for capture in captures:
            problem = validate_capture(capture)
            if problem:
                stats.problems.append(problem)
            else:
                valid.append(capture)
        valid.sort(key=lambda c: c.captured_at)
        if valid:
            ensure_partitions_for({c.captured_at for c in valid}, using=self.using)
            stats.add(
                write_isolating(
                    self._resolve_and_write,
                    valid,
                    stats_type=IngestStats,
                    on_refused=self._forget_caches,
                )
            )
        stats.seconds = time.perf_counter() - started
        return stats

    def _resolve_and_write(self, captures: list[Capture]) -> IngestStats:
        # Inside a caller's transaction a refused statement would abort it: a savepoint
        # keeps it usable for the retry. In autocommit each statement stands alone, and a
        # transaction around entity creation would only hold its locks longer.
        in_transaction = connections[self.using].in_atomic_block
        with transaction.atomic(using=self.using) if in_transaction else nullcontext():
            resolved = self.resolver.resolve(captures)
            scope_ids = self.scopes.ids_for(captures)
            self.competitors.sync(captures, [r.event_id for r in resolved])
            # Scope ids by capture for the batch (captures are frozen and alive meanwhile).
            self._scope_ids = {id(c): s for c, s in zip(captures, scope_ids, strict=True)}
            return self._write_with_retries(list(zip(captures, resolved, strict=True)))

    def _forget_caches(self) -> None:
        # Ids read or made in a rolled-back savepoint may not exist any more.
        self.resolver = EntityResolver(using=self.using)
        self.competitors = CompetitorSync(using=self.using)
        self.scopes = ScopeRegistry(using=self.using)
        self.states.clear()

    def _write_with_retries(self, batch: list[tuple[Capture, Resolved]]) -> IngestStats:
        for attempt in range(_ATTEMPTS):
            try:
                with transaction.atomic(using=self.using):
                    return self._write_batch(batch)
            except (OperationalError, psycopg.OperationalError) as error:
                self.states.clear()  # the failed attempt mutated cached states
                # The write path's own cursor raises psycopg's errors, Django's wrap them.
                code = getattr(error, "sqlstate", None) or getattr(
                    error.__cause__, "sqlstate", None
                )
                if code not in _RETRYABLE or attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
            except BaseException:
                self.states.clear()
                raise
        raise AssertionError("unreachable")

    # --- one transaction -----------------------------------------------------------------
    def _write_batch(self, batch: list[tuple[Capture, Resolved]]) -> IngestStats:
        stats = IngestStats()
        cursor = self._cursor()
        pairs = self._lock_pairs(cursor, {r.pair_id for _, r in batch})
        stored = self._stored_since(cursor, batch)

        newest = {pair_id: max(times) for pair_id, times in stored.items()}
        fresh: list[tuple[Capture, Resolved]] = []
        for capture, resolved in batch:
            times = stored.setdefault(resolved.pair_id, set())
            stats.captures += 1
            if capture.captured_at in times:
                stats.duplicates += 1  # stored already, or twice in this batch
                continue
            times.add(capture.captured_at)
            fresh.append((capture, resolved))
        snapshot_ids = self._allocate_snapshot_ids(cursor, len(fresh))

        snapshot_rows: list[tuple] = []
        market_rows: list[tuple] = []
        event_times: dict[int, tuple[datetime, datetime]] = {}
        for (capture, resolved), snapshot_id in zip(fresh, snapshot_ids, strict=True):
            pair = pairs[resolved.pair_id]
            at = capture.captured_at
            markets = swap_sides(capture.markets) if resolved.swapped else capture.markets
            stats.event_ids.add(resolved.event_id)
            stats.snapshots_written += 1
            snapshot = self._snapshot_row(snapshot_id, capture, resolved)
            if pair.id in newest and at < newest[pair.id]:
                done = late.write_late_capture(
                    cursor, snapshot, markets, capture.market_scope, pair.state
                )
                written, unchanged, changed = done.written, done.unchanged, done.state_changed
                self._count_next_rows(stats, done)
            else:
                newest[pair.id] = at
                changes, unchanged = diff_capture(
                    markets,
                    scope=capture.market_scope,
                    state=pair.state,
                    captured_at=at.isoformat(),
                )
                snapshot_rows.append(snapshot)
                market_rows.extend(self._market_row(snapshot, ch) for ch in changes)
                written, changed = len(changes), bool(changes)
            pair.state_changed = pair.state_changed or changed
            stats.markets_written += written
            stats.markets_unchanged += unchanged
            if pair.first is None or at < pair.first:
                pair.first, pair.first_changed = at, True
            self._note_schedule(event_times, capture, resolved)

        self._copy_snapshots(cursor, snapshot_rows)
        self._copy_markets(cursor, market_rows)
        self._save_pairs(cursor, pairs)
        self._save_schedules(cursor, event_times)
        return stats

    def _count_next_rows(self, stats: IngestStats, done: late.LateWrite) -> None:
        if not done.next_rows:
            return
        if done.next_run_id == self.scrape_run_id:
            stats.markets_written += done.next_rows
        elif done.next_run_id is not None:
            stats.other_runs_rows[done.next_run_id] += done.next_rows

    def _cursor(self) -> psycopg.Cursor:
        """A server-side-binding cursor on Django's connection (same transaction).

        Django's own cursors bind parameters client-side, quoting every element of an
        array in Python; binary parameters (%b) and results cost a fraction of that.
        """
        connection = connections[self.using]
        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)

    def _lock_pairs(self, cursor, pair_ids: set[int]) -> dict[int, _Pair]:
        """Lock the batch's pairs in id order; their state comes from the cache when the
        row is the version this process wrote, from the row otherwise."""
        ids = sorted(pair_ids)
        cursor.execute(
            """
            SELECT p.id, p.xmin::text, p.first_captured_at,
                   CASE WHEN p.xmin::text = k.known THEN NULL ELSE p.market_state END
              FROM odds_eventbookmaker p
              JOIN unnest(%b::bigint[], %b::text[]) AS k(id, known) ON p.id = k.id
             ORDER BY p.id
               FOR UPDATE OF p
            """,
            [ids, [self.states.version(i) for i in ids]],
            binary=True,
        )
        pairs = {}
        for pair_id, version, first, raw in cursor.fetchall():
            state = self.states.get(pair_id, version) if raw is None else None
            pairs[pair_id] = _Pair(pair_id, first, load_state(raw) if state is None else state)
        return pairs

    def _stored_since(self, cursor, batch) -> dict[int, set[datetime]]:
        """Per pair, the capture times already stored from the batch's earliest on: they
        tell which captures are stored already (skipped) and which are older than one
        stored (late). Appending new captures, as scrapes do, finds none."""
        pair_of = {(r.event_id, r.bookmaker_id): r.pair_id for _, r in batch}
        events, books = zip(*pair_of, strict=True)
        cursor.execute(
            """
            SELECT s.event_id, s.bookmaker_id, s.captured_at
              FROM odds_oddssnapshot s
              JOIN unnest(%b::bigint[], %b::bigint[]) AS k(e, b)
                ON s.event_id = k.e AND s.bookmaker_id = k.b
             WHERE s.captured_at >= %b
            """,
            [list(events), list(books), min(c.captured_at for c, _ in batch)],
        )
        stored: dict[int, set[datetime]] = {}
        for event_id, bookmaker_id, at in cursor.fetchall():
            stored.setdefault(pair_of[(event_id, bookmaker_id)], set()).add(at)
        return stored

    def _allocate_snapshot_ids(self, cursor, count: int) -> list[int]:
        if not count:
            return []
        if self._snapshot_sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence('odds_oddssnapshot', 'id')")
            self._snapshot_sequence = cursor.fetchone()[0]
        # The sequence's name as a literal: a function call here would run per row.
        cursor.execute(
            "SELECT array_agg(nextval(%b::regclass)) FROM generate_series(1, %b)",
            [self._snapshot_sequence, count],
            binary=True,
        )
        return cursor.fetchone()[0]

    def _snapshot_row(self, snapshot_id: int, capture: Capture, resolved: Resolved) -> tuple:
        raw = json.dumps(capture.raw, default=str) if self.store_raw and capture.raw else None
        return (
            snapshot_id,
            resolved.event_id,
            resolved.bookmaker_id,
            capture.captured_at,
            capture.source_updated_at,
            self.scrape_run_id,
            raw,
            self._scope_ids[id(capture)],
        )

    @staticmethod
    def _market_row(snapshot: tuple, change: Change) -> tuple:
        snapshot_id, event_id, bookmaker_id, captured_at = snapshot[:4]
        key, period, line = change.ident
        return (snapshot_id, captured_at, event_id, bookmaker_id, key, period, line, change.text)

    def _copy_snapshots(self, cursor, rows: list[tuple]) -> None:
        copy_rows(cursor, "odds_oddssnapshot", SNAPSHOT_COLUMNS, rows)

    def _copy_markets(self, cursor, rows: list[tuple]) -> None:
        copy_rows(cursor, "odds_marketodds", MARKET_COLUMNS, rows)

    def _save_pairs(self, cursor, pairs: dict[int, _Pair]) -> None:
        """Write back the pairs whose state or first capture time changed (at 3% of prices
        moving, most pairs are untouched and cost nothing more than their lock)."""
        ids = [i for i in sorted(pairs) if pairs[i].state_changed or pairs[i].first_changed]
        if not ids:
            return
        cursor.execute(
            """
            UPDATE odds_eventbookmaker p
               SET first_captured_at = k.first,
                   market_state = COALESCE(k.state::jsonb, p.market_state)
              FROM unnest(%b::bigint[], %b::timestamptz[], %b::text[]) AS k(id, first, state)
             WHERE p.id = k.id
         RETURNING p.id, p.xmin::text
            """,
            [
                ids,
                [pairs[i].first for i in ids],
                [dump_state(pairs[i].state) if pairs[i].state_changed else None for i in ids],
            ],
            binary=True,
        )
        for pair_id, version in cursor.fetchall():
            self.states.put(pair_id, version, pairs[pair_id].state)

    def _note_schedule(self, event_times: dict, capture: Capture, resolved: Resolved) -> None:
        known = self.resolver.known_event(capture.event)
        if capture.event.commence_time == known.commence_time:
            return
        if known.observed_at is not None and capture.captured_at <= known.observed_at:
            return  # an older capture never moves the start time back
        current = event_times.get(resolved.event_id)
        if current is None or capture.captured_at > current[1]:
            event_times[resolved.event_id] = (capture.event.commence_time, capture.captured_at)

    def _save_schedules(self, cursor, event_times: dict) -> None:
        for event_id in sorted(event_times):
            commence_time, observed_at = event_times[event_id]
            cursor.execute(
                """
                UPDATE odds_event SET commence_time = %s, commence_time_observed_at = %s
                 WHERE id = %s
                   AND (commence_time_observed_at IS NULL OR commence_time_observed_at < %s)
                """,
                [commence_time, observed_at, event_id, observed_at],
            )
        transaction.on_commit(lambda: self._remember_schedules(event_times), using=self.using)

    def _remember_schedules(self, event_times: dict) -> None:
        by_id = {e.id: e for e in self.resolver.events.values()}
        for event_id, (commence_time, observed_at) in event_times.items():
            by_id[event_id].commence_time = commence_time
            by_id[event_id].observed_at = observed_at


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ingest_captures(
    captures: Iterable[Capture],
    *,
    scrape_run_id: int | None = None,
    store_raw: bool | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    using: str = "default",
    on_batch: Callable[[IngestStats], None] | None = None,
) -> IngestStats:
    """Store captures; returns what was written, skipped and rejected.

    Streams: holds one batch of captures at a time. Idempotent: captures already stored
    (same event, bookmaker and captured_at) are counted as duplicates and write nothing.
    """
    writer = CaptureWriter(scrape_run_id=scrape_run_id, store_raw=store_raw, using=using)
    total = IngestStats()
    for batch in batched(captures, batch_size):
        stats = writer.write(batch)
        total.add(stats)
        if on_batch:
            on_batch(stats)
    return total

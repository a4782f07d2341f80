"""Ingest throughput and storage: the write path against its floor and its naive rival.

Side by side in one run, on the same captures and the same (emptied) tables:

* write path   -- ``odds.ingest.ingest_captures``: change detection, COPY, state upkeep;
* raw COPY     -- every observed market as a row, prebuilt, COPYed into the same tables:
                  the floor any write path pays to store everything;
* ORM loop     -- ``save()`` per snapshot and per market row (timed on a sample).

Rates are market observations per second (an observation is one market of one capture,
stored or found unchanged). Workloads: the real 41-capture replay of 2026-01-10 (about
3% of prices change between captures) and simulated feeds with every price changing
and with 3% changing. Storage compares bytes on disk after the write path with bytes
after storing every capture in full.

    .venv/bin/python bench/ingest_throughput.py [--observations 1000000] [--orm-sample 400]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta

import psycopg
from common import (
    bench_database,
    database_label,
    load_history_captures,
    observations,
    rate,
    reset_time_series,
    size,
    time_series_bytes,
    timed,
)
from django.db import connection, transaction

from odds.ingest import ingest_captures
from odds.ingest.changes import outcomes_text
from odds.ingest.copy import MARKET_COLUMNS, SNAPSHOT_COLUMNS, copy_rows
from odds.ingest.entities import EntityResolver
from odds.models import MarketOdds, OddsSnapshot
from odds.partitioning import ensure_partitions_for


def simulated_captures(total: int, change_rate: float) -> list:
    from scraping.sources.simulated import SimulatedFeed

    feed = SimulatedFeed(
        seed=7,
        events=1000,
        bookmakers=10,
        change_rate=change_rate,
        start=datetime(2026, 1, 5, tzinfo=UTC),
        interval=timedelta(minutes=5),
    )
    per_round = feed.count_observations(1)
    rounds = max(total // per_round, 1)
    return list(feed.iter_rounds(0, rounds))


def prebuilt_rows(captures: list) -> tuple[list[tuple], list[tuple]]:
    """Snapshot and market rows for every observation, entities resolved, ids allocated."""
    resolved = EntityResolver().resolve(captures)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('odds_oddssnapshot', 'id')) "
            "FROM generate_series(1, %s)",
            [len(captures)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    snapshots, markets = [], []
    for capture, r, snapshot_id in zip(captures, resolved, ids, strict=True):
        at = capture.captured_at
        snapshots.append(
            (
                snapshot_id,
                r.event_id,
                r.bookmaker_id,
                at,
                capture.source_updated_at,
                None,
                None,
                None,
            )
        )
        for m in capture.markets:
            outcomes = outcomes_text(m.outcomes)
            markets.append(
                (snapshot_id, at, r.event_id, r.bookmaker_id, m.key, m.period, m.line, outcomes)
            )
    return snapshots, markets


def raw_copy(snapshots: list[tuple], markets: list[tuple]) -> None:
    """The floor: every row COPYed as it is, by the write path's own COPY function."""
    with transaction.atomic():
        cursor = psycopg.Cursor(connection.connection)
        copy_rows(cursor, "odds_oddssnapshot", SNAPSHOT_COLUMNS, snapshots)
        copy_rows(cursor, "odds_marketodds", MARKET_COLUMNS, markets)


def orm_loop(captures: list) -> int:
    """The naive way: one save() per snapshot and per market. Returns observations."""
    resolved = EntityResolver().resolve(captures)
    count = 0
    for capture, r in zip(captures, resolved, strict=True):
        snapshot = OddsSnapshot(
            event_id=r.event_id,
            bookmaker_id=r.bookmaker_id,
            captured_at=capture.captured_at,
            source_updated_at=capture.source_updated_at,
        )
        snapshot.save()
        for m in capture.markets:
            MarketOdds(
                snapshot_id=snapshot.id,
                captured_at=capture.captured_at,
                event_id=r.event_id,
                bookmaker_id=r.bookmaker_id,
                market_key=m.key,
                period=m.period,
                line=m.line,
                outcomes=json.loads(outcomes_text(m.outcomes)),
            ).save()
            count += 1
    return count


def compare(name: str, captures: list, orm_sample: int) -> dict:
    total = observations(captures)
    ensure_partitions_for({c.captured_at for c in captures})
    EntityResolver().resolve(captures)  # entities exist for every method alike

    reset_time_series()
    seconds_path, stats = timed(lambda: ingest_captures(captures))
    bytes_path = time_series_bytes()

    reset_time_series()
    snapshot_rows, market_rows = prebuilt_rows(captures)
    seconds_copy, _ = timed(lambda: raw_copy(snapshot_rows, market_rows))
    bytes_copy = time_series_bytes()
    snapshot_rows = market_rows = None  # free them before the next method

    reset_time_series()
    sample, count = [], 0
    for capture in captures:
        if count >= orm_sample:
            break
        sample.append(capture)
        count += len(capture.markets)
    seconds_orm, orm_count = timed(lambda: orm_loop(sample))
    reset_time_series()

    result = {
        "workload": name,
        "captures": len(captures),
        "observations": total,
        "rows_written": stats.markets_written,
        "changed_share": stats.markets_written / total,
        "path_rate": total / seconds_path,
        "copy_rate": total / seconds_copy,
        "orm_rate": orm_count / seconds_orm,
        "bytes_path": bytes_path,
        "bytes_copy": bytes_copy,
    }
    print(
        f"\n{name}: {len(captures):,} captures, {total:,} market observations, "
        f"{stats.markets_written:,} rows written by the write path "
        f"({result['changed_share']:.1%})"
    )
    print(f"  write path  {rate(total, seconds_path)}  {seconds_path:8.2f} s")
    print(f"  raw COPY    {rate(total, seconds_copy)}  {seconds_copy:8.2f} s  (every observation)")
    print(f"  ORM loop    {rate(orm_count, seconds_orm)}  {seconds_orm:8.2f} s  (sample)")
    print(
        f"  ratios: write path / raw COPY = {result['path_rate'] / result['copy_rate']:.2f}x, "
        f"write path / ORM loop = {result['path_rate'] / result['orm_rate']:.1f}x"
    )
    print(
        f"  storage: write path {size(bytes_path)} vs every capture in full "
        f"{size(bytes_copy)} = {bytes_path / bytes_copy:.3f}x"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--orm-sample", type=int, default=3000)
    parser.add_argument(
        "--replay-only",
        action="store_true",
        help="only the real replay (a quick check of a change to the write path)",
    )
    args = parser.parse_args()
    with bench_database():
        print(f"Ingest throughput on {database_label()}")
        compare(
            "real history replay (41 captures of 2026-01-10)",
            load_history_captures(),
            args.orm_sample,
        )
        for change_rate in () if args.replay_only else (1.0, 0.03):
            captures = simulated_captures(args.observations, change_rate)
            compare(
                f"simulated, {change_rate:.0%} of prices change per round",
                captures,
                args.orm_sample,
            )


if __name__ == "__main__":
    main()

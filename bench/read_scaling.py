"""Reads at 100,000 and at 10,000,000 MarketOdds rows: cost should follow the answer.

One database grows from a small world to a large one; the same event (same answer
size) is read at both sizes, side by side in one run:

* selectors: ``latest_odds`` (now and at a past time), ``market_history``, ``best_prices``;
* admin changelists (as a logged-in staff user): scrape runs, scrape errors, events,
  and the market odds list.

The world is simulated: a real ingest of one round of the simulated feed creates the
events, bookmakers and their first prices; further price changes (a new row for every
market every ``--step`` hours, so history spans several weekly partitions) and their
snapshots are generated in SQL, as are scrape runs and errors in proportion. Target:
each read at 10M within 2x of its time at 100k.

    .venv/bin/python bench/read_scaling.py [--large 10000000] [--small 100000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import bench_database, database_label, timed
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from odds import selectors
from odds.ingest import ingest_captures
from odds.models import Event
from odds.partitioning import ensure_partitions
from scraping.sources.simulated import SimulatedFeed

START = datetime(2026, 1, 5, tzinfo=UTC)
BOOKMAKERS = 10
MARKETS = 3


def grow(events: int, *, changes: int, step_hours: int, seed: int) -> int:
    """Add ``events`` events with ``changes`` rows per market; returns rows added."""
    feed = SimulatedFeed(seed=seed, events=events, bookmakers=BOOKMAKERS, start=START)
    first = list(feed.round_captures(0))
    ingest_captures(first)
    ensure_partitions(START, START + timedelta(hours=step_hours * (changes + 1)))
    event_ids = list(
        Event.objects.filter(
            aliases__source="simulated", aliases__external_id__startswith=f"sim-{seed}-"
        ).values_list("id", flat=True)
    )
    with connection.cursor() as cursor:
        # One snapshot per pair per step, then one changed row per market per snapshot:
        # prices drift by a few cents, so every row is a genuine change.
        cursor.execute(
            """
            INSERT INTO odds_oddssnapshot (event_id, bookmaker_id, captured_at)
            SELECT p.event_id, p.bookmaker_id, %s + make_interval(hours => k * %s)
              FROM odds_eventbookmaker p, generate_series(1, %s) k
             WHERE p.event_id = ANY(%s)
            """,
            [START, step_hours, changes - 1, event_ids],
        )
        cursor.execute(
            """
            INSERT INTO odds_marketodds (snapshot_id, captured_at, event_id, bookmaker_id,
                                         market_key, period, line, outcomes)
            SELECT s.id, s.captured_at, s.event_id, s.bookmaker_id, m.market_key, m.period,
                   m.line,
                   (SELECT jsonb_agg(jsonb_build_object(
                               'name', o->>'name',
                               'price', round((o->>'price')::numeric
                                              + ((s.id + ord) %% 7) * 0.01, 2)::text,
                               'status', 'open') ORDER BY ord)
                      FROM jsonb_array_elements(m.outcomes) WITH ORDINALITY AS e(o, ord))
              FROM odds_oddssnapshot s
              JOIN odds_marketodds m
                ON m.event_id = s.event_id AND m.bookmaker_id = s.bookmaker_id
               AND m.captured_at = %s
             WHERE s.event_id = ANY(%s) AND s.captured_at > %s
            """,
            [START, event_ids, START],
        )
        added = cursor.rowcount
        # Readers find the newest rows through each pair's state; point it at them.
        cursor.execute(
            """
            UPDATE odds_eventbookmaker p
               SET market_state = newest.state
              FROM (SELECT event_id, bookmaker_id,
                           jsonb_object_agg(
                               market_key || '|' || period || '|'
                               || coalesce(trim_scale(line)::text, ''),
                               jsonb_build_array(0, to_char(captured_at AT TIME ZONE 'UTC',
                                                            'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'))
                           ) AS state
                      FROM (SELECT DISTINCT ON (event_id, bookmaker_id, market_key, period, line)
                                   event_id, bookmaker_id, market_key, period, line, captured_at
                              FROM odds_marketodds WHERE event_id = ANY(%s)
                             ORDER BY event_id, bookmaker_id, market_key, period, line,
                                      captured_at DESC) latest
                     GROUP BY event_id, bookmaker_id) newest
             WHERE p.event_id = newest.event_id AND p.bookmaker_id = newest.bookmaker_id
            """,
            [event_ids],
        )
    return added + len(first) * MARKETS


def add_runs(count: int) -> None:
    """Scrape runs and errors in proportion to the history (one run per 1,000 rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO scraping_scraperun (source, status, trigger, job_name, parameters,
                created_at, started_at, finished_at, heartbeat_at, events_count,
                snapshots_written, markets_written, markets_unchanged, errors_count, stats,
                message)
            SELECT 'simulated', (ARRAY['completed','partial','failed'])[1 + k %% 3], 'schedule',
                   'bench', '{}'::jsonb, ts, ts, ts + interval '3 seconds', ts, 100, 1000, 30,
                   2970, k %% 3, '{}'::jsonb, ''
              FROM generate_series(1, %s) k,
                   LATERAL (SELECT %s - make_interval(mins => k) AS ts) t
            """,
            [count, datetime.now(UTC)],
        )
        cursor.execute(
            """
            INSERT INTO scraping_scrapeerror (scrape_run_id, error_type, message, context,
                                              occurred_at)
            SELECT r.id, (ARRAY['bad_price','http_429','bad_json'])[1 + r.id %% 3],
                   'price ''abc'' is not a number', '{"price": "abc"}'::jsonb, r.created_at
              FROM scraping_scraperun r WHERE r.errors_count > 0
               AND NOT EXISTS (SELECT 1 FROM scraping_scrapeerror e WHERE e.scrape_run_id = r.id)
            """,
            [],
        )


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # so autovacuum does not run during the timings


def median_ms(action, repeat: int = 7) -> float:
    action()  # warm the caches: we compare steady states, not first touches
    times = [timed(action)[0] for _ in range(repeat)]
    return statistics.median(times) * 1000


def measurements(event_id: int, client: Client, step_hours: int) -> dict[str, float]:
    past = START + timedelta(days=10)
    # Half an hour after the first generated round, before any event starts: the pricing
    # answers' defaults (pre-match, confirmed within the hour) keep every quote.
    pre_match = START + timedelta(hours=step_hours, minutes=30)
    hour = timedelta(hours=1)

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    return {
        "latest_odds (now)": median_ms(lambda: selectors.latest_odds(event_id)),
        "latest_odds (at a past time)": median_ms(lambda: selectors.latest_odds(event_id, at=past)),
        "latest_odds (max_age 1 h)": median_ms(
            lambda: selectors.latest_odds(event_id, at=pre_match, max_age=hour)
        ),
        "market_history (h2h)": median_ms(lambda: selectors.market_history(event_id, "h2h")),
        "best_prices (h2h, pre-match)": median_ms(
            lambda: selectors.best_prices(event_id, "h2h", at=pre_match)
        ),
        "margins (h2h, pre-match)": median_ms(
            lambda: selectors.margins(event_id, "h2h", at=pre_match)
        ),
        "admin: scrape runs list": median_ms(page("/admin/scraping/scraperun/")),
        "admin: scrape errors list": median_ms(page("/admin/scraping/scrapeerror/")),
        "admin: events list": median_ms(page("/admin/odds/event/")),
        "admin: market odds list": median_ms(page("/admin/odds/marketoddsrecord/")),
    }


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM odds_marketodds")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--changes", type=int, default=33, help="rows per market")
    parser.add_argument("--step", type=int, default=20, help="hours between rows")
    args = parser.parse_args()
    per_event = BOOKMAKERS * MARKETS * args.changes
    setup_test_environment()
    with bench_database():
        print(f"Reads at {args.small:,} and {args.large:,} MarketOdds rows, {database_label()}")
        seconds, _ = timed(
            lambda: grow(
                args.small // per_event, changes=args.changes, step_hours=args.step, seed=1
            )
        )
        add_runs(rows() // 1000)
        analyze()
        small_rows = rows()
        print(f"  small world: {small_rows:,} rows (built in {seconds:.0f} s)")
        event_id = Event.objects.order_by("id").values_list("id", flat=True).first()
        user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
        client = Client()
        client.force_login(user)
        small = measurements(event_id, client, args.step)

        started = time.perf_counter()
        remaining = args.large - small_rows
        chunk_events = 1000
        seed = 2
        while remaining > 0:
            events = min(chunk_events, max(remaining // per_event, 1))
            remaining -= grow(events, changes=args.changes, step_hours=args.step, seed=seed)
            seed += 1
        add_runs(rows() // 1000 - small_rows // 1000)
        analyze()
        large_rows = rows()
        print(
            f"  large world: {large_rows:,} rows (grown in {time.perf_counter() - started:.0f} s)"
        )
        large = measurements(event_id, client, args.step)

        print(f"\n  {'read':34} {'small':>10} {'large':>10} {'ratio':>7}")
        for name in small:
            ratio = large[name] / small[name]
            print(f"  {name:34} {small[name]:8.1f}ms {large[name]:8.1f}ms {ratio:6.2f}x")


if __name__ == "__main__":
    main()

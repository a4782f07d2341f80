"""The windowed reads (movers, arbitrage) on the real replay at any ``since``.

The 41 real captures of 2026-01-10 are ingested into a throw-away database; each read
is timed (median of 7 after a warm-up) with the defaults (pre-match, fresh) and with
everything included (in play, no age limit), from a window of an hour up to one that
starts in 2019. Target: every read under 200 ms, whatever ``since``.

    .venv/bin/python bench/replay_reads.py
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

from common import bench_database, database_label, load_history_captures, timed

from odds import selectors
from odds.ingest import ingest_captures

TARGET_MS = 200


def median_ms(action, repeat: int = 7) -> tuple[float, int]:
    found = action()
    times = [timed(action)[0] for _ in range(repeat)]
    return statistics.median(times) * 1000, len(found)


def main() -> None:
    with bench_database():
        captures = load_history_captures()
        ingest_captures(captures)
        at = captures[-1].captured_at
        print(f"Windowed reads on the replay ({len(captures):,} captures), {database_label()}")
        print(f"  at = {at:%Y-%m-%d %H:%M} UTC\n")
        print(f"  {'read':48} {'answers':>8} {'median':>10}")
        windows = {
            "1 h": at - timedelta(hours=1),
            "6 h": at - timedelta(hours=6),
            "the whole day": captures[0].captured_at,
            "since 2019": datetime(2019, 1, 1, tzinfo=UTC),
        }
        everything = {"in_play": True, "max_age": None}
        worst = 0.0
        for label, since in windows.items():
            for name, read in (
                ("movers", lambda s=since: selectors.movers(since=s, at=at, limit=10**6)),
                (
                    "movers, in play, any age",
                    lambda s=since: selectors.movers(since=s, at=at, limit=10**6, **everything),
                ),
                ("arbitrage", lambda s=since: selectors.arbitrage(at=at, since=s)),
                (
                    "arbitrage, in play, any age",
                    lambda s=since: selectors.arbitrage(at=at, since=s, **everything),
                ),
            ):
                ms, answers = median_ms(read)
                worst = max(worst, ms)
                print(f"  {name + ', since ' + label:48} {answers:>8,} {ms:8.1f}ms")
        print(f"\n  slowest: {worst:.1f} ms (target: under {TARGET_MS} ms)")


if __name__ == "__main__":
    main()

"""Shared set-up for the benchmarks: Django, a throw-away database, data, timing.

Benchmarks print figures and ratios measured side by side in one run; they assert
nothing (the machine is noisy). Each creates its own database next to the configured
one (``<name>_bench``, migrated, dropped at the end), so they never touch real data.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oddsproject.settings")
# Benchmarks are development runs (settings default to DJANGO_DEBUG=false for deploys).
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

from oddsproject.embedded_db import use_embedded_database_if_unset  # noqa: E402

use_embedded_database_if_unset()
django.setup()

from django.db import connection  # noqa: E402

SHARED_DATA = Path(os.environ.get("ODDS_SHARED_DATA", ROOT.parent / "shared" / "data"))
TIME_SERIES_TABLES = ["odds_marketodds", "odds_oddssnapshot"]


@contextmanager
def bench_database() -> Iterator[None]:
    """A fresh, migrated database for the benchmark, dropped afterwards."""
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def reset_time_series() -> None:
    """Empty the odds tables (keeping entities and partitions) between methods."""
    from odds.partitioning import forget_known_partitions

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TIME_SERIES_TABLES)}")
        cursor.execute(
            "UPDATE odds_eventbookmaker SET first_captured_at = NULL, market_state = '{}'"
        )
    forget_known_partitions()


def time_series_bytes() -> int:
    """Bytes on disk of the odds tables, all partitions, indexes and TOAST included."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)
              FROM pg_class c
             WHERE c.relkind = 'r'
               AND (c.relname = 'odds_eventbookmaker'
                    OR c.relname LIKE 'odds_marketodds_p%%'
                    OR c.relname LIKE 'odds_oddssnapshot_p%%')
            """
        )
        return int(cursor.fetchone()[0])


def timed(action: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def history_files() -> list[Path]:
    return sorted((SHARED_DATA / "theoddsapi-history").glob("*.json.gz"))


def load_history_captures() -> list:
    """The 41 real consecutive captures of 2026-01-10, parsed, in time order."""
    from odds.captures import Capture
    from scraping.sources import theoddsapi

    captures = []
    for path in history_files():
        captures.extend(i for i in theoddsapi.parse_file(path) if isinstance(i, Capture))
    return sorted(captures, key=lambda c: c.captured_at)


def observations(captures: list) -> int:
    return sum(len(c.markets) for c in captures)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s" if seconds else "           -"


def size(num_bytes: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:,.1f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes} B"


def database_label() -> str:
    from django.conf import settings

    version = connection.cursor().connection.info.server_version
    where = "embedded" if settings.EMBEDDED_DATABASE else "server"
    return f"PostgreSQL {version // 10000}.{version % 10000} ({where})"

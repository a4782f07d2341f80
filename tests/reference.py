"""A deliberately naive model of change-only history, to check the write path against.

It holds everything in memory and knows nothing of batches, partitions, locks or
late captures: per (event, bookmaker) it walks the captures in time order and keeps
a row whenever a market appears, changes, or (when the capture covers it) is gone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from odds.captures import Capture
from odds.models import MarketOdds

GONE = frozenset()
Row = tuple[tuple[str, str, str], tuple[str, str, Decimal | None], datetime, frozenset]


def value_of(outcomes) -> frozenset:
    """Order-free value of a market's outcomes; prices compared as numbers."""
    return frozenset((o["name"], Decimal(o["price"]), o["status"]) for o in outcomes)


def reference_rows(captures: list[Capture]) -> set[Row]:
    by_pair: dict[tuple, dict[datetime, Capture]] = defaultdict(dict)
    for capture in captures:
        pair = (capture.event.source, capture.event.source_event_id, capture.bookmaker.key)
        by_pair[pair].setdefault(capture.captured_at, capture)  # the same look twice: once
    rows: set[Row] = set()
    for pair, by_time in by_pair.items():
        current: dict = {}
        for at in sorted(by_time):
            capture = by_time[at]
            seen = {}
            for market in capture.markets:
                seen.setdefault(
                    market.identity,
                    frozenset((o.name, o.price, o.status) for o in market.outcomes),
                )
            for ident, value in seen.items():
                if current.get(ident) != value:
                    rows.add((pair, ident, at, value))
                    current[ident] = value
            scope = capture.market_scope
            for ident in list(current):
                if ident not in seen and current[ident] != GONE and scope.covers(ident):
                    rows.add((pair, ident, at, GONE))
                    current[ident] = GONE
    return rows


def stored_rows() -> set[Row]:
    rows = MarketOdds.objects.select_related("bookmaker").values_list(
        "event__aliases__source",
        "event__aliases__external_id",
        "bookmaker__key",
        "market_key",
        "period",
        "line",
        "captured_at",
        "outcomes",
    )
    return {
        ((source, event_id, book), (key, period, _line(line)), at, value_of(outcomes))
        for source, event_id, book, key, period, line, at, outcomes in rows
    }


def _line(line: Decimal | None) -> Decimal | None:
    return None if line is None else line.normalize()


def normalized(rows: set[Row]) -> set[Row]:
    """Lines and prices compared as numbers (2.50 == 2.5)."""
    return {
        (pair, (key, period, _line(line)), at, frozenset((n, p.normalize(), s) for n, p, s in v))
        for pair, (key, period, line), at, v in rows
    }

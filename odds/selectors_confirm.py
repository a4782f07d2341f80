"""Freshness: when each quote was last *confirmed*, and which quotes are stale.

A quote is in force from the row that stored it until the next row; it was last
confirmed by the newest capture of its pair, up to the time asked about, whose scope
reported its market (``OddsSnapshot.scope``): that capture saw the same prices, or it
would have stored a row. Unchanged prices write nothing, so confirmations are read
from the snapshots: one descending probe per quote on the snapshots' (event,
captured_at) index, all in one statement, each bounded by the quote's own row time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from odds.ingest.scopes import prefixes
from odds.selectors_probes import Found


def default_max_age() -> timedelta:
    """ODDS_QUOTE_MAX_AGE_SECONDS: how long a quote counts as current without a capture."""
    return timedelta(seconds=settings.ODDS_QUOTE_MAX_AGE_SECONDS)


def confirmed_times(founds: list[Found], uppers: list[datetime]) -> list[datetime]:
    """Per row, the newest confirmation at or before its upper bound (never before the
    row itself: the capture that stored it saw it)."""
    if not founds:
        return []
    keys = [prefixes(f.probe.ident) for f in founds]
    params = {
        "event": [f.probe.pair.event_id for f in founds],
        "book": [f.probe.pair.bookmaker_id for f in founds],
        "p1": [k[0] for k in keys],
        "p2": [k[1] for k in keys],
        "p3": [k[2] for k in keys],
        "lower": [f.row_at for f in founds],
        "upper": uppers,
        "lo": min(f.row_at for f in founds),
        "hi": max(uppers),
    }
    with connection.cursor() as cursor:
        cursor.execute(_CONFIRM_SQL, params)
        newest = dict(cursor.fetchall())
    return [
        max(f.confirmed_floor, newest.get(i + 1) or f.confirmed_floor) for i, f in enumerate(founds)
    ]


def is_fresh(confirmed_at: datetime, *, at: datetime, max_age: timedelta | None) -> bool:
    return max_age is None or confirmed_at >= at - max_age


_CONFIRM_SQL = """
SELECT k.i, (
    SELECT s.captured_at FROM odds_oddssnapshot s
      LEFT JOIN odds_capturescope c ON c.id = s.scope_id
     WHERE s.event_id = k.event_id AND s.bookmaker_id = k.bookmaker_id
       AND s.captured_at >= k.lower AND s.captured_at <= k.upper
       AND s.captured_at >= %(lo)s AND s.captured_at <= %(hi)s
       AND (s.scope_id IS NULL
            OR (c.entries && ARRAY[k.p1, k.p2, k.p3] AND NOT c.skipped && ARRAY[k.p1, k.p2, k.p3]))
     ORDER BY s.captured_at DESC LIMIT 1)
  FROM unnest(%(event)s::bigint[], %(book)s::bigint[], %(p1)s::text[], %(p2)s::text[],
              %(p3)s::text[], %(lower)s::timestamptz[], %(upper)s::timestamptz[])
       WITH ORDINALITY AS k(event_id, bookmaker_id, p1, p2, p3, lower, upper, i)
"""

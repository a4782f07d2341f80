"""Freshness: when each quote was last *confirmed*, and which quotes are stale.

A quote is in force from the row that stored it until the next row; it was last
confirmed by the newest capture of its pair, up to the time asked about, whose scope
reported its market (``OddsSnapshot.scope``): that capture saw the same prices, or it
would have stored a row. Unchanged prices write no row, so confirmations are read
from the snapshots, in two steps that each are one statement:

1. per (pair, bound) the newest snapshot and its scope, one descending probe on the
   snapshots' (event, captured_at) index; a scraper reports the same markets every
   time, so that snapshot confirms nearly every quote of the pair;
2. per quote it does not cover, a probe for the newest snapshot that does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import connection

from odds.models import CaptureScope
from odds.selectors.probes import Found, pg_array
from odds.series import ident_prefixes


def default_max_age() -> timedelta:
    """ODDS_QUOTE_MAX_AGE_SECONDS: how long a quote counts as current without a capture."""
    return timedelta(seconds=settings.ODDS_QUOTE_MAX_AGE_SECONDS)


def confirmed_times(founds: list[Found], uppers: list[datetime]) -> list[datetime]:
    """Per row, the newest confirmation at or before its upper bound (never before the
    row itself: the capture that stored it saw it)."""
    if not founds:
        return []
    lowers: dict[tuple, datetime] = {}
    for f, upper in zip(founds, uppers, strict=True):
        group = (f.probe.pair.event_id, f.probe.pair.bookmaker_id, upper)
        lowers[group] = min(lowers.get(group, f.row_at), f.row_at)
    newest = _newest_snapshots(lowers)
    scopes = _scopes({scope for _, scope in newest.values() if scope is not None})
    times: list[datetime | None] = []
    for f, upper in zip(founds, uppers, strict=True):
        at, scope = newest.get(
            (f.probe.pair.event_id, f.probe.pair.bookmaker_id, upper), (None, None)
        )
        if at is None or at < f.row_at:
            times.append(f.confirmed_floor)  # nothing captured since the row itself
        elif scope is None or _covers(scopes[scope], ident_prefixes(f.probe.ident)):
            times.append(max(at, f.confirmed_floor))
        else:
            times.append(None)
    missing = [i for i, t in enumerate(times) if t is None]
    if missing:
        found = _covering([founds[i] for i in missing], [uppers[i] for i in missing])
        for i, at in zip(missing, found, strict=True):
            times[i] = max(at, founds[i].confirmed_floor) if at else founds[i].confirmed_floor
    return cast("list[datetime]", times)  # every None was filled just above


def _newest_snapshots(lowers: dict[tuple[int, int, datetime], datetime]) -> dict[tuple, tuple]:
    """Per (event, bookmaker, upper): the newest snapshot from the group's oldest row on
    (an older one confirms nothing) up to ``upper``, and its scope."""
    groups = list(lowers)
    params = {
        "event": pg_array(g[0] for g in groups),
        "book": pg_array(g[1] for g in groups),
        "lower": pg_array(lowers[g] for g in groups),
        "upper": pg_array(g[2] for g in groups),
        "lo": min(lowers.values()),
        "hi": max(g[2] for g in groups),
    }
    with connection.cursor() as cursor:
        cursor.execute(_NEWEST_SQL, params)
        return {groups[i - 1]: (at, scope) for i, at, scope in cursor.fetchall()}


def _scopes(ids: set[int]) -> dict[int, tuple[frozenset, frozenset]]:
    rows = CaptureScope.objects.filter(id__in=ids).values_list("id", "entries", "skipped")
    return {i: (frozenset(entries), frozenset(skipped)) for i, entries, skipped in rows}


def _covers(scope: tuple[frozenset, frozenset], keys: list[str]) -> bool:
    entries, skipped = scope
    return any(k in entries for k in keys) and not any(k in skipped for k in keys)


def _covering(founds: list[Found], uppers: list[datetime]) -> list[datetime | None]:
    keys = [ident_prefixes(f.probe.ident) for f in founds]
    params = {
        "event": pg_array(f.probe.pair.event_id for f in founds),
        "book": pg_array(f.probe.pair.bookmaker_id for f in founds),
        "p1": pg_array(k[0] for k in keys),
        "p2": pg_array(k[1] for k in keys),
        "p3": pg_array(k[2] for k in keys),
        "lower": pg_array(f.row_at for f in founds),
        "upper": pg_array(uppers),
        "lo": min(f.row_at for f in founds),
        "hi": max(uppers),
    }
    with connection.cursor() as cursor:
        cursor.execute(_COVERING_SQL, params)
        found = dict(cursor.fetchall())
    return [found.get(i + 1) for i in range(len(founds))]


_NEWEST_SQL = """
SELECT k.i, s.captured_at, s.scope_id
  FROM unnest(%(event)s::bigint[], %(book)s::bigint[], %(lower)s::timestamptz[],
              %(upper)s::timestamptz[])
       WITH ORDINALITY AS k(event_id, bookmaker_id, lower, upper, i)
 CROSS JOIN LATERAL (
    SELECT s.captured_at, s.scope_id FROM odds_oddssnapshot s
     WHERE s.event_id = k.event_id AND s.bookmaker_id = k.bookmaker_id
       AND s.captured_at >= k.lower AND s.captured_at <= k.upper
       AND s.captured_at >= %(lo)s AND s.captured_at <= %(hi)s
     ORDER BY s.captured_at DESC LIMIT 1) s
"""

_COVERING_SQL = """
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

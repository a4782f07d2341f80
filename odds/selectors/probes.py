"""How the read API finds rows: pairs, their market state, and one index probe per market.

A market's prices in force at a time are its newest ``MarketOdds`` row at or before it.
The pair's ``market_state`` names every market identity it ever had and the time of
its newest row, so

* for *now* the row is found by an exact lookup on the series index
  ``(event, bookmaker, market_key, period, line, captured_at)``, and a market whose
  newest row is a gone row is known to be gone without reading anything;
* for a past time it is one descending probe on the same index, bounded below by the
  pair's ``first_captured_at`` (and the time asked about above), ``LIMIT 1``.

All probes of one call go to PostgreSQL as one statement: a ``LATERAL`` subquery per
row of an ``unnest`` of the probe keys, in two branches (``line = k.line`` and ``line IS
NULL``) that each stay on the series index, only one of which runs per key. Its constant
time bounds (the widest of the probes') prune partitions when the statement is planned,
each probe's own bounds prune the rest while it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import F

from odds.models import EventBookmaker, MarketOdds
from odds.models.entities import effective_commission
from odds.quotes import OutcomePrice, Quote
from odds.series import GONE, Ident, line_text, parse_ident
from odds.vocabulary import LAY_SUFFIX


@dataclass(frozen=True, slots=True, eq=False)
class Pair:
    """An (event, bookmaker) listing with its market state decoded (hashed by identity:
    each is loaded once per call)."""

    event_id: int
    bookmaker_id: int
    bookmaker: str
    bookmaker_name: str
    first_captured_at: datetime | None
    newest: dict[Ident, tuple[datetime, bool]]  # identity -> (newest row's time, is gone)
    commission: Decimal  # on net winnings of back prices (exchanges)


@dataclass(frozen=True, slots=True)
class Probe:
    pair: Pair
    ident: Ident
    lower: datetime
    upper: datetime


@dataclass(frozen=True, slots=True)
class Found:
    """A stored row: ``row_at`` is where it lives (its partition key); ``captured_at`` is
    when its prices changed, which differs for a row retention carried forward."""

    probe: Probe
    captured_at: datetime
    outcomes: tuple[OutcomePrice, ...]
    row_at: datetime
    confirmed_floor: datetime  # a confirmation the row itself proves

    def quote(self, *, confirmed_at: datetime | None = None, in_play: bool = False) -> Quote:
        key, period, line = self.probe.ident
        pair = self.probe.pair
        commission = pair.commission if not key.endswith(LAY_SUFFIX) else Decimal(0)
        return Quote(
            pair.bookmaker,
            pair.bookmaker_name,
            key,
            period,
            line,
            self.captured_at,
            self.outcomes,
            confirmed_at=confirmed_at,
            in_play=in_play,
            commission=commission,
        )


def found(probe_: Probe, row_at, raw, carried_from, carried_confirmed_at) -> Found:
    changed = carried_from or row_at
    return Found(probe_, changed, outcomes_of(raw), row_at, carried_confirmed_at or changed)


def load_pairs(*, event_ids: Iterable[int], bookmakers: Iterable[str] | None = None) -> list[Pair]:
    """The listings of these events (only these bookmakers' if given), by bookmaker key."""
    rows = EventBookmaker.objects.filter(event_id__in=list(event_ids))
    if bookmakers is not None:
        rows = rows.filter(bookmaker__key__in=list(bookmakers))
    fields = ("event_id", "bookmaker_id", "bookmaker__key", "bookmaker__name")
    rows = rows.order_by("bookmaker__key", "event_id").values_list(
        *fields,
        "first_captured_at",
        "market_state",
        "bookmaker__commission",
        "bookmaker__is_exchange",
    )
    return [
        Pair(
            event_id,
            bookmaker_id,
            key,
            name,
            first,
            _decoded(state),
            effective_commission(commission=commission, is_exchange=is_exchange),
        )
        for event_id, bookmaker_id, key, name, first, state, commission, is_exchange in rows
    ]


def _decoded(state: dict | str | None) -> dict[Ident, tuple[datetime, bool]]:
    state = json.loads(state) if isinstance(state, str) else (state or {})
    return {
        parse_ident(text): (datetime.fromisoformat(iso), value == GONE)
        for text, (value, iso) in state.items()
    }


def in_force(pair: Pair, ident: Ident, at: datetime | None) -> Probe | None:
    """The probe for the row of ``ident`` in force at ``at`` (None: now), or None when
    the state already says there is none (never seen, gone, or first seen later)."""
    newest, gone = pair.newest[ident]
    if at is None or newest <= at:
        return None if gone else Probe(pair, ident, newest, newest)
    first = pair.first_captured_at
    if first is None or first > at:
        return None
    return Probe(pair, ident, first, at)


def probe(probes: list[Probe], *, newest: bool = True, skip_gone: bool = False) -> list[Found]:
    """One index probe per key, in one statement: the newest (or oldest) row of its
    market within its bounds, optionally skipping gone rows. Keys without a row are
    left out of the answer."""
    if not probes:
        return []
    sql = _PROBE_SQL.format(
        with_line=_branch("m.line = k.line AND k.line IS NOT NULL", newest, skip_gone),
        without_line=_branch("m.line IS NULL AND k.line IS NULL", newest, skip_gone),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(probes))
        rows = cursor.fetchall()
    return [found(probes[i - 1], *row) for i, *row in rows]


def outcomes_of(raw: str | list) -> tuple[OutcomePrice, ...]:
    return _parsed(raw) if isinstance(raw, str) else _outcomes(raw)


@lru_cache(maxsize=1 << 15)
def _parsed(text: str) -> tuple[OutcomePrice, ...]:
    # The same stored value is read again and again (a market's start and end, many
    # bookmakers at one price): parsed once, shared as the immutable tuple it is.
    return _outcomes(json.loads(text))


def _outcomes(items: list[dict]) -> tuple[OutcomePrice, ...]:
    return tuple(
        OutcomePrice(o["name"], Decimal(str(o["price"])), o.get("status", "open")) for o in items
    )


_PROBE_SQL = """
SELECT k.i, m.captured_at, m.outcomes, m.carried_from, m.carried_confirmed_at
  FROM unnest(%(event)s::bigint[], %(book)s::bigint[], %(key)s::text[], %(period)s::text[],
              %(line)s::numeric[], %(lower)s::timestamptz[], %(upper)s::timestamptz[])
       WITH ORDINALITY AS k(event_id, bookmaker_id, market_key, period, line, lower, upper, i)
 CROSS JOIN LATERAL ({with_line} UNION ALL {without_line}) AS m
 ORDER BY k.i
"""


def _branch(line: str, newest: bool, skip_gone: bool) -> str:
    gone = " AND m.outcomes <> '[]'::jsonb" if skip_gone else ""
    # Ordering by line too (a constant here) lets the series index give the order even
    # under ``line IS NULL``, which PostgreSQL does not treat as an equality.
    order = "m.line, m.captured_at DESC" if newest else "m.line DESC, m.captured_at"
    return f"""(
    SELECT m.captured_at, m.outcomes, m.carried_from, m.carried_confirmed_at
      FROM odds_marketodds m
     WHERE m.event_id = k.event_id AND m.bookmaker_id = k.bookmaker_id
       AND m.market_key = k.market_key AND m.period = k.period AND {line}
       AND m.captured_at >= k.lower AND m.captured_at <= k.upper
       AND m.captured_at >= %(lo)s AND m.captured_at <= %(hi)s{gone}
     ORDER BY {order} LIMIT 1)"""


def _params(probes: list[Probe]) -> dict:
    return {
        "event": pg_array(p.pair.event_id for p in probes),
        "book": pg_array(p.pair.bookmaker_id for p in probes),
        "key": pg_array(p.ident[0] for p in probes),
        "period": pg_array(p.ident[1] for p in probes),
        "line": pg_array(p.ident[2] for p in probes),
        "lower": pg_array(p.lower for p in probes),
        "upper": pg_array(p.upper for p in probes),
        "lo": min(p.lower for p in probes),
        "hi": max(p.upper for p in probes),
    }


def pg_array(values: Iterable) -> str:
    """An array literal for a ``%s::type[]`` parameter: Django binds parameters on the
    client, and one string costs far less to quote than a list of thousands of items."""
    return "{" + ",".join(_element(v) for v in values) + "}"


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f'"{value.isoformat()}"'
    text = str(value)
    if isinstance(value, str):
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


# --- reads over a time window -------------------------------------------------------------
def series(
    event_id: int,
    ident: Ident,
    bookmaker_ids: Iterable[int] | None,
    lower: datetime,
    upper: datetime,
) -> list[tuple[int, datetime, list]]:
    """(bookmaker_id, captured_at, outcomes) of every row of one market in ``[lower,
    upper]`` (only these bookmakers' if given): a range scan of the series index in the
    partitions of that range."""
    key, period, line = ident
    rows = MarketOdds.objects.filter(
        event_id=event_id,
        market_key=key,
        period=period,
        captured_at__gte=lower,
        captured_at__lte=upper,
        carried_from__isnull=True,  # copies retention made are not changes
    )
    rows = rows.filter(line__isnull=True) if line is None else rows.filter(line=line)
    if bookmaker_ids is not None:
        rows = rows.filter(bookmaker_id__in=list(bookmaker_ids))
    return list(rows.order_by("captured_at").values_list("bookmaker_id", "captured_at", "outcomes"))


def changed_markets(
    lower: datetime, upper: datetime, *, starting_after: datetime | None = None
) -> dict[int, set[Ident]]:
    """Per event the backable market identities with a stored row in ``[lower, upper]``
    (the BRIN index and partition pruning bound the read to that window), only of events
    starting after ``starting_after`` if given."""
    rows = MarketOdds.objects.filter(
        captured_at__gte=lower, captured_at__lte=upper, carried_from__isnull=True
    )
    if starting_after is not None:
        rows = rows.filter(event__commence_time__gt=starting_after)
    rows = (
        rows.exclude(market_key__endswith=LAY_SUFFIX)
        .values_list("event_id", "market_key", "period", "line")
        .distinct()
    )
    markets: dict[int, set[Ident]] = {}
    for event_id, key, period, line in rows:
        markets.setdefault(event_id, set()).add((key, period, _normal(line)))
    return markets


def newest_in_window(lower: datetime, upper: datetime, *, pre_match: bool) -> list[tuple]:
    """(event_id, bookmaker_id, ident, captured_at, outcomes) of the newest row of every
    market with a row in ``[lower, upper]`` (only rows captured before their event's
    start if ``pre_match``)."""
    key = ("event_id", "bookmaker_id", "market_key", "period", "line")
    rows = MarketOdds.objects.filter(
        captured_at__gte=lower, captured_at__lte=upper, carried_from__isnull=True
    )
    if pre_match:
        rows = rows.filter(captured_at__lt=F("event__commence_time"))
    rows = (
        rows.order_by(*key, "-captured_at")
        .distinct(*key)
        .values_list(*key, "captured_at", "outcomes")
    )
    return [(e, b, (k, p, _normal(li)), at, out) for e, b, k, p, li, at, out in rows]


def _normal(line: Decimal | None) -> Decimal | None:
    """A stored line (numeric(8,3): 2.500) as the state names it (2.5)."""
    return None if line is None else Decimal(line_text(line))

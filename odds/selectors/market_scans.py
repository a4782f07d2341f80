"""Scans over every market changed in a window: arbitrage across bookmakers and the
largest price moves. Each reads only the partitions of its window (see
:mod:`odds.selectors.probes`); what the answers mean is in :mod:`odds.selectors`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from odds.quotes import Arbitrage, Move, Quote
from odds.selectors import args
from odds.selectors.context import SETTING, MaxAge, fresh_ends, fresh_quotes, max_age_of
from odds.selectors.moves import moves_between, starts_of
from odds.selectors.pricing import arbitrage_of, is_whole
from odds.selectors.probes import (
    Probe,
    changed_markets,
    found,
    in_force,
    load_pairs,
    newest_in_window,
    probe,
)

# arbitrage() without ``since`` looks at markets with a stored change in this window.
ARBITRAGE_WINDOW = timedelta(hours=6)


def arbitrage(
    *,
    at: datetime | None = None,
    since: datetime | None = None,
    min_edge: Decimal | float | int = 0,
    in_play: bool = False,
    max_age: MaxAge = SETTING,
) -> list[Arbitrage]:
    """Markets whose best prices across bookmakers at ``at`` (default now), exchange
    back prices after commission, imply a total probability below 1: edge = 1 -
    sum(1/best price) > ``min_edge``, the stake split in proportion to 1/price (shares
    summing to exactly 1). Ordered by edge, largest first.

    Only markets with a stored change in ``[since, at]`` are looked at; ``since``
    defaults to ``at`` minus :data:`ARBITRAGE_WINDOW` (6 hours). Pre-match and fresh by
    default: only events starting after ``at`` and quotes confirmed within ``max_age``.
    Only complete markets count, only quotes with the same outcome set are combined,
    and lay markets (``*_lay``) are left out.

        >>> for a in arbitrage(min_edge=Decimal("0.005")):
        ...     print(a.event_name, a.market_key, a.line, a.edge)
        Arsenal v Chelsea totals 2.5 0.036005
    """
    upper = args.aware("at", at) or timezone.now()
    lower = args.aware("since", since) or upper - ARBITRAGE_WINDOW
    max_age = max_age_of(max_age)
    markets = changed_markets(lower, upper, starting_after=None if in_play else upper)
    pairs = load_pairs(event_ids=markets)
    probes = [in_force(p, i, at) for p in pairs for i in markets[p.event_id] if i in p.newest]
    events = args.event_infos(markets)
    rows = [f for f in probe([p for p in probes if p]) if f.outcomes]
    groups: dict[tuple, list[Quote]] = defaultdict(list)
    for q, f in zip(fresh_quotes(rows, upper, events, max_age), rows, strict=True):
        event_id, ident = f.probe.pair.event_id, f.probe.ident
        if q and is_whole(ident[0], q.outcomes, sport=events[event_id].sport):
            groups[(event_id, ident, frozenset(o.name for o in q.outcomes))].append(q)
    floor = Fraction(Decimal(str(min_edge)))
    found_ = [
        arbitrage_of(event_id, events[event_id].name, ident, quotes, floor)
        for (event_id, ident, _), quotes in groups.items()
    ]
    return sorted((a for a in found_ if a), key=lambda a: (-a.edge, a.event_id, *_ident_order(a)))


def movers(
    *,
    since: datetime,
    at: datetime | None = None,
    limit: int = 50,
    in_play: bool = False,
    max_age: MaxAge = SETTING,
) -> list[Move]:
    """The largest price moves from ``since`` to ``at`` (default now), largest |change|
    first: per open outcome of each (event, bookmaker, market) with a row in the window,
    the price in force at ``since`` (for a market first priced later: its first price in
    the window) against its newest price; change = to / from - 1 (6 places). Pre-match
    by default: only rows captured before their event's start, and only markets whose
    newest pre-match price was confirmed within ``max_age`` of ``at`` (or of the start,
    if sooner). Unmoved prices are left out.

        >>> for m in movers(since=timezone.now() - timedelta(hours=1), limit=10):
        ...     print(m.event_name, m.bookmaker, m.outcome, m.from_price, m.to_price, m.change)
        Arsenal v Chelsea pinnacle home 2.2 1.9 -0.136364
    """
    since, max_age = args.aware("since", since), max_age_of(max_age)
    if since is None:
        raise ValueError("since is required: the start of the window to measure moves over.")
    until = args.aware("at", at) or timezone.now()
    newest = newest_in_window(since, until, pre_match=not in_play)
    pairs = {(p.event_id, p.bookmaker_id): p for p in load_pairs(event_ids={r[0] for r in newest})}
    events = args.event_infos({e for e, *_ in newest})
    ends = [
        found(Probe(pairs[(e, b)], ident, at_, at_), at_, raw, None, None)
        for e, b, ident, at_, raw in newest
        if (e, b) in pairs
    ]
    ends = fresh_ends(ends, events, until=until, in_play=in_play, max_age=max_age)
    starts = starts_of([(f.probe.pair, f.probe.ident) for f in ends], since=since, until=until)
    moves = [
        move
        for end in ends
        if (end.probe.pair, end.probe.ident) in starts
        for move in moves_between(
            starts[(end.probe.pair, end.probe.ident)], end, events[end.probe.pair.event_id].name
        )
    ]
    moves.sort(key=lambda m: (-abs(m.change), m.event_id, m.bookmaker, *_ident_order(m), m.outcome))
    return moves[:limit]


def _ident_order(a: Arbitrage | Move) -> tuple:
    return (a.market_key, a.period, a.line is not None, a.line or 0)

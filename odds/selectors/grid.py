"""Reads over many events at once for the admin's bettor pages: the markets an event has
and a best-price grid for the upcoming events of a tournament.

The grid answers what :func:`odds.selectors.best_prices` answers for one event, for every
event of the page in a constant number of statements (events, listings, one probe for
all their markets, one for their confirmations), so a page of 50 events costs what a
page of 5 does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from odds.models import Event, Tournament
from odds.quotes import BestPrice, OutcomePrice, Quote
from odds.selectors import args
from odds.selectors.args import EventInfo
from odds.selectors.context import SETTING, MaxAge, fresh_quotes, idents_of, max_age_of
from odds.selectors.pricing import (
    best_of,
    inverse_sum,
    is_whole,
    most_quoted_line,
    role_rank,
    rounded,
)
from odds.selectors.probes import in_force, load_pairs, probe
from odds.series import Ident


@dataclass(frozen=True, slots=True)
class GridRow:
    event_id: int
    event_name: str
    commence_time: datetime
    line: Decimal | None  # the main line the row is priced at (totals, spreads), else None
    best: dict[str, BestPrice]  # by outcome role
    payout: Decimal | None  # 1 / sum(1/best): what backing every outcome at its best returns


def event_markets(event: Event | int) -> list[Ident]:
    """Every (market_key, period, line) the event ever had at any bookmaker, in
    key, period, line order: what a page can offer to pick from."""
    info = args.event_info(event)
    idents = idents_of(load_pairs(event_ids=[info.id]))
    return sorted(idents, key=lambda i: (i[0], i[1], i[2] is not None, i[2] or 0))


def best_price_grid(
    *,
    tournament: Tournament | int,
    market_key: str,
    period: str = "full_time",
    at: datetime | None = None,
    limit: int = 20,
    max_age: MaxAge = SETTING,
) -> list[GridRow]:
    """The next ``limit`` events of ``tournament`` starting after ``at`` (default now),
    each with the best pre-match price per outcome across bookmakers (exchange back
    prices after commission, fresh quotes only, as ``best_prices``) and the payout of
    backing each outcome at its best. Markets with lines (totals, spreads) are priced at
    the event's main line at ``at`` (as :func:`odds.selectors.main_line`).

        >>> for row in best_price_grid(tournament=epl, market_key="h2h", limit=10, at=friday):
        ...     print(row.event_name, row.best["home"].price, row.payout)
        Liverpool v Norwich City 1.15 0.987124
    """
    when = args.aware("at", at) or timezone.now()
    max_age = max_age_of(max_age)
    tournament_id = tournament.pk if isinstance(tournament, Tournament) else tournament
    events = _upcoming(tournament_id, when, limit)
    pairs = load_pairs(event_ids=events)
    args.market(market_key, period, None, known=idents_of(pairs))
    probes = [
        in_force(p, ident, at)
        for p in pairs
        for ident in p.newest
        if ident[:2] == (market_key, period)
    ]
    rows = [f for f in probe([p for p in probes if p]) if f.outcomes]
    by_event: dict[int, list] = defaultdict(list)
    for f, q in zip(rows, fresh_quotes(rows, when, events, max_age), strict=True):
        by_event[f.probe.pair.event_id].append((f.quote(), q))
    return [_row(info, market_key, by_event[event_id]) for event_id, info in events.items()]


def _upcoming(tournament_id: int, after: datetime, limit: int) -> dict[int, EventInfo]:
    rows = (
        Event.objects.filter(tournament_id=tournament_id, commence_time__gt=after)
        .order_by("commence_time", "id")
        .values_list("id", "name", "tournament__sport__key", "commence_time")[:limit]
    )
    return {row[0]: EventInfo(*row) for row in rows}


def _row(info: EventInfo, market_key: str, quotes: list[tuple[Quote, Quote | None]]) -> GridRow:
    """One event's row: its main line from every quote in force (as ``main_line``), its
    best prices from the fresh ones at that line."""
    lines = {q.line for q, _ in quotes}
    line = most_quoted_line([q for q, _ in quotes]) if lines != {None} else None
    fresh = [q for _, q in quotes if q is not None and q.line == line]
    offers: dict[str, list[Quote]] = defaultdict(list)
    for q in fresh:
        for o in q.outcomes:
            if o.status == "open":
                offers[o.name].append(q)
    best = {name: best_of(name, offers[name]) for name in sorted(offers, key=role_rank)}
    # A payout over part of a market (a soccer h2h nobody prices the draw of) means nothing.
    whole = is_whole(
        market_key, [OutcomePrice(n, b.price) for n, b in best.items()], sport=info.sport
    )
    payout = rounded(1 / inverse_sum(b.price for b in best.values())) if whole else None
    return GridRow(info.id, info.name, info.commence_time, line, best, payout)

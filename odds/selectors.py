"""The read API of the odds store, for other Django apps: plain values, no ORM rows.

Every function answers from indexes and reads only the partitions of the time it is
asked about (see :mod:`odds.selectors_probes`); none loads a whole table. ``event`` is
an :class:`~odds.models.Event` or its id; ``at`` is an aware datetime and defaults to
now (the current state); ``line`` is the handicap/total (``None`` for markets without
one). Prices are exact ``Decimal`` decimal odds; ratios have 6 decimal places (see
:mod:`odds.selectors_pricing`). The return types live in :mod:`odds.quotes`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from odds.ingest.changes import Ident
from odds.models import Event
from odds.quotes import (
    Arbitrage,
    ArbitrageLeg,
    BestPrice,
    Margin,
    Move,
    OpeningClosing,
    OutcomePrice,
    Quote,
)
from odds.selectors_pricing import inverse_sum, is_whole, role_rank, rounded, shares
from odds.selectors_probes import (
    Found,
    Pair,
    Probe,
    as_line,
    changed_markets,
    event_id_of,
    event_names_and_sports,
    in_force,
    load_pairs,
    newest_in_window,
    outcomes_of,
    probe,
    series,
)

# arbitrage() without ``since`` looks at markets with a stored change in this window.
ARBITRAGE_WINDOW = timedelta(hours=6)

Line = Decimal | str | float | None


def latest_odds(
    event: Event | int,
    *,
    at: datetime | None = None,
    bookmakers: Iterable[str] | None = None,
) -> list[Quote]:
    """Every market's prices in force at ``at`` (default now): one Quote per (bookmaker,
    market_key, period, line), markets gone by then left out. Ordered by market_key,
    period, line (none first), bookmaker.

        >>> for q in latest_odds(event, bookmakers=["pinnacle", "bet365"]):
        ...     print(q.bookmaker, q.market_key, q.line, q.price("home"))
        bet365 h2h None 2.1
        pinnacle h2h None 2.15
    """
    pairs = load_pairs(event_ids=[event_id_of(event)], bookmakers=bookmakers)
    probes = [in_force(pair, ident, at) for pair in pairs for ident in pair.newest]
    quotes = [f.quote() for f in probe([p for p in probes if p]) if f.outcomes]
    return sorted(quotes, key=_quote_order)


def market_history(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    bookmaker: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Quote]:
    """The stored price path of one market, ordered by captured_at then bookmaker: every
    stored row (each a change), gone rows included with empty outcomes.

        >>> path = market_history(event, "totals", line="2.5", bookmaker="pinnacle")
        >>> [(q.captured_at, q.price("over")) for q in path]
        [(datetime(2026, 1, 10, 1, 8, 42, tzinfo=UTC), Decimal('1.91')), ...]
    """
    event_id, ident = event_id_of(event), (market_key, period, as_line(line))
    books = None if bookmaker is None else [bookmaker]
    pairs = {
        p.bookmaker_id: p
        for p in load_pairs(event_ids=[event_id], bookmakers=books)
        if ident in p.newest and p.first_captured_at
    }
    if not pairs:
        return []
    first = min(p.first_captured_at for p in pairs.values())
    newest = max(p.newest[ident][0] for p in pairs.values())
    lower = max(since, first) if since else first
    upper = min(until, newest) if until else newest
    rows = series(event_id, ident, books and pairs, lower, upper) if lower <= upper else []
    quotes = [Found(Probe(pairs[b], ident, at, at), at, outcomes_of(raw)) for b, at, raw in rows]
    return sorted((f.quote() for f in quotes), key=lambda q: (q.captured_at, q.bookmaker))


def opening_closing(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
) -> list[OpeningClosing]:
    """Per bookmaker, by key: the opening prices (its first stored row that is not a gone
    row) and the closing ones (the row in force at kick-off: the newest captured at or
    before the event's commence_time, a Quote with empty outcomes if the market had been
    withdrawn; None when nothing was captured by then).

        >>> for oc in opening_closing(event, "h2h"):
        ...     print(oc.bookmaker, oc.opening.price("home"), oc.closing.price("home"))
        pinnacle 2.2 2.05
    """
    event = event if isinstance(event, Event) else Event.objects.get(pk=event)
    ident = (market_key, period, as_line(line))
    pairs = [p for p in load_pairs(event_ids=[event.pk]) if ident in p.newest]
    spans = [(p, p.first_captured_at, p.newest[ident][0]) for p in pairs if p.first_captured_at]
    kickoff = event.commence_time
    opening = probe([Probe(p, ident, lo, hi) for p, lo, hi in spans], newest=False, skip_gone=True)
    closing = probe([Probe(p, ident, lo, min(hi, kickoff)) for p, lo, hi in spans if lo <= kickoff])
    closes = {f.probe.pair.bookmaker: f.quote() for f in closing}
    return [
        OpeningClosing(q.bookmaker, q.bookmaker_name, q, closes.get(q.bookmaker))
        for q in (f.quote() for f in opening)
    ]


def best_prices(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    at: datetime | None = None,
) -> list[BestPrice]:
    """Per outcome the highest open price across bookmakers at ``at`` (default now) and
    every bookmaker offering it (by key); suspended outcomes do not count. Ordered by
    outcome role: home, draw, away, over, under, yes, no, then by name.

        >>> [(b.outcome, b.price, b.bookmakers) for b in best_prices(event, "h2h")]
        [('home', Decimal('2.2'), ('bet365', 'pinnacle')), ('draw', ...), ('away', ...)]
    """
    offers: dict[str, list[tuple[Decimal, str, datetime]]] = defaultdict(list)
    for f in _market_at(event_id_of(event), (market_key, period, as_line(line)), at):
        for o in f.outcomes:
            if o.status == "open":
                offers[o.name].append((o.price, f.probe.pair.bookmaker, f.captured_at))
    return [_best(name, offers[name]) for name in sorted(offers, key=role_rank)]


def margins(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    at: datetime | None = None,
) -> list[Margin]:
    """Per bookmaker (by key) whose market at ``at`` (default now) is complete with every
    outcome open: the overround sum(1/price) - 1 and the no-vig probabilities
    (1/price) / sum(1/price), to 6 decimal places, the probabilities summing to exactly 1.

        >>> (m,) = margins(event, "totals", line="2.5")  # over 1.92, under 1.92
        >>> m.bookmaker, m.overround, m.probabilities
        ('pinnacle', Decimal('0.041667'), {'over': Decimal('0.500000'), 'under': ...})
    """
    event_id = event_id_of(event)
    sport = event_names_and_sports([event_id])[event_id][1]
    result = []
    for f in _market_at(event_id, (market_key, period, as_line(line)), at):
        outcomes = sorted(f.outcomes, key=lambda o: role_rank(o.name))
        if is_whole(market_key, outcomes, sport=sport) and _all_open(outcomes):
            result.append(_margin(f.probe.pair.bookmaker, outcomes))
    return result


def arbitrage(
    *,
    at: datetime | None = None,
    since: datetime | None = None,
    min_edge: Decimal | float | int = 0,
) -> list[Arbitrage]:
    """Markets whose best prices across bookmakers at ``at`` (default now) imply a total
    probability below 1: edge = 1 - sum(1/best price) > ``min_edge``, the stake split in
    proportion to 1/price (shares summing to exactly 1). Ordered by edge, largest first.

    Only markets with a stored change in ``[since, at]`` are looked at; ``since``
    defaults to ``at`` minus :data:`ARBITRAGE_WINDOW` (6 hours). Only complete markets
    count, and only quotes with the same outcome set are combined (a two-way h2h never
    with a three-way one); lay markets (``*_lay``) are not backable and are left out.

        >>> for a in arbitrage(min_edge=Decimal("0.005")):
        ...     print(a.event_name, a.market_key, a.line, a.edge)
        ...     print([(g.outcome, g.bookmaker, g.price, g.stake_share) for g in a.legs])
        Arsenal v Chelsea totals 2.5 0.036005
        [('over', 'bet365', Decimal('2.1'), Decimal('0.493976')),
         ('under', 'pinnacle', Decimal('2.05'), Decimal('0.506024'))]
    """
    upper = at or timezone.now()
    markets = changed_markets(since or upper - ARBITRAGE_WINDOW, upper)
    pairs = load_pairs(event_ids=markets)
    probes = [in_force(p, i, at) for p in pairs for i in markets[p.event_id] if i in p.newest]
    events = event_names_and_sports(markets)
    groups: dict[tuple, list[Found]] = defaultdict(list)
    for f in probe([p for p in probes if p]):
        event_id, ident = f.probe.pair.event_id, f.probe.ident
        if is_whole(ident[0], f.outcomes, sport=events[event_id][1]):
            groups[(event_id, ident, frozenset(o.name for o in f.outcomes))].append(f)
    floor = Fraction(Decimal(str(min_edge)))
    found = [
        _arbitrage(event_id, events[event_id][0], ident, rows, floor)
        for (event_id, ident, _), rows in groups.items()
    ]
    return sorted((a for a in found if a), key=lambda a: (-a.edge, a.event_id, *_ident_order(a)))


def movers(*, since: datetime, limit: int = 50) -> list[Move]:
    """The largest price moves from ``since`` to now, largest |change| first: per open
    outcome of each (event, bookmaker, market) with a row in the window, the price in
    force at ``since`` (for a market first priced later: its first price in the window)
    against its newest price; change = to / from - 1 (6 places). Unmoved prices are left
    out.

        >>> for m in movers(since=timezone.now() - timedelta(hours=1), limit=10):
        ...     print(m.event_name, m.bookmaker, m.outcome, m.from_price, m.to_price, m.change)
        Arsenal v Chelsea pinnacle home 2.2 1.9 -0.136364
    """
    now = timezone.now()
    newest = newest_in_window(since, now)
    pairs = {(p.event_id, p.bookmaker_id): p for p in load_pairs(event_ids={r[0] for r in newest})}
    ends = {(pairs[(e, b)], ident): (at, raw) for e, b, ident, at, raw in newest if (e, b) in pairs}
    starts = _starts([(pair, ident) for pair, ident in ends], since=since, until=now)
    events = event_names_and_sports({pair.event_id for pair, _ in ends})
    moves = [
        move
        for (pair, ident), (at, raw) in ends.items()
        if (pair, ident) in starts
        for move in _moves(
            starts[(pair, ident)],
            Found(Probe(pair, ident, at, at), at, outcomes_of(raw)),
            events[pair.event_id][0],
        )
    ]
    moves.sort(key=lambda m: (-abs(m.change), m.event_id, m.bookmaker, *_ident_order(m), m.outcome))
    return moves[:limit]


# --- helpers ------------------------------------------------------------------------------
def _quote_order(q: Quote) -> tuple:
    return (q.market_key, q.period, q.line is not None, q.line or 0, q.bookmaker)


def _ident_order(a: Arbitrage | Move) -> tuple:
    return (a.market_key, a.period, a.line is not None, a.line or 0)


def _market_at(event_id: int, ident: Ident, at: datetime | None) -> list[Found]:
    """Each bookmaker's non-gone row of one market in force at ``at``, by bookmaker."""
    pairs = [p for p in load_pairs(event_ids=[event_id]) if ident in p.newest]
    probes = [in_force(p, ident, at) for p in pairs]
    return [f for f in probe([p for p in probes if p]) if f.outcomes]


def _all_open(outcomes: Iterable[OutcomePrice]) -> bool:
    return all(o.status == "open" for o in outcomes)


def _best(name: str, offers: list[tuple[Decimal, str, datetime]]) -> BestPrice:
    top = max(price for price, _, _ in offers)
    at_top = [(book, at) for price, book, at in offers if price == top]
    books = tuple(sorted({book for book, _ in at_top}))
    return BestPrice(name, top, books, max(at for _, at in at_top))


def _margin(bookmaker: str, outcomes: list[OutcomePrice]) -> Margin:
    prices = [o.price for o in outcomes]
    probabilities = dict(zip((o.name for o in outcomes), shares(prices), strict=True))
    return Margin(bookmaker, rounded(inverse_sum(prices) - 1), probabilities)


def _arbitrage(
    event_id: int, event_name: str, ident: Ident, rows: list[Found], floor: Fraction
) -> Arbitrage | None:
    """The arbitrage of one market's quotes (all with the same outcome set), if any:
    each outcome backed at its best open price (ties: the first bookmaker by key)."""
    offers: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)
    for f in rows:
        for o in f.outcomes:
            if o.status == "open":
                offers[o.name].append((o.price, f.probe.pair.bookmaker))
    if len(offers) < len(rows[0].outcomes):
        return None  # an outcome nobody offers open: nothing covers it
    best = [
        (n, *min(offers[n], key=lambda x: (-x[0], x[1]))) for n in sorted(offers, key=role_rank)
    ]
    edge = 1 - inverse_sum(price for _, price, _ in best)
    if edge <= floor:
        return None
    split = shares([price for _, price, _ in best])
    legs = tuple(
        ArbitrageLeg(n, book, price, s) for (n, price, book), s in zip(best, split, strict=True)
    )
    return Arbitrage(event_id, event_name, *ident, rounded(edge), legs)


def _starts(keys: list[tuple[Pair, Ident]], *, since: datetime, until: datetime) -> dict:
    """Per (pair, ident): the row whose prices a move is measured from: the one in force at
    ``since`` unless it is none or a gone row, else the first priced row up to ``until``."""
    before = [
        Probe(pair, ident, pair.first_captured_at, since)
        for pair, ident in keys
        if pair.first_captured_at and pair.first_captured_at <= since
    ]
    starts = {(f.probe.pair, f.probe.ident): f for f in probe(before) if f.outcomes}
    later = [
        Probe(pair, ident, since, until) for pair, ident in keys if (pair, ident) not in starts
    ]
    for f in probe(later, newest=False, skip_gone=True):
        starts[(f.probe.pair, f.probe.ident)] = f
    return starts


def _moves(start: Found, end: Found, event_name: str) -> list[Move]:
    before = {o.name: o.price for o in start.outcomes if o.status == "open"}
    pair, (key, period, line) = end.probe.pair, end.probe.ident
    return [
        Move(
            pair.event_id,
            event_name,
            pair.bookmaker,
            key,
            period,
            line,
            o.name,
            before[o.name],
            o.price,
            rounded(Fraction(o.price) / Fraction(before[o.name]) - 1),
            end.captured_at,
        )
        for o in end.outcomes
        if o.status == "open" and o.name in before and o.price != before[o.name]
    ]

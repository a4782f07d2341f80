"""Answers about one event's markets: the prices in force, a market's stored path, its
opening and closing prices, the best prices and margins, and the main line.

Every function finds rows through :mod:`odds.selectors.probes` and dates them through
:mod:`odds.selectors.context`; what the answers mean is in :mod:`odds.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from odds.models import Event
from odds.quotes import BestPrice, Margin, OpeningClosing, Quote
from odds.selectors import args
from odds.selectors.context import (
    SETTING,
    TICK,
    MaxAge,
    confirmed_quotes,
    idents_of,
    is_stale,
    max_age_of,
    next_rows,
    pricing_quotes,
    spans,
)
from odds.selectors.pricing import best_prices_of, margins_of, most_quoted_line
from odds.selectors.probes import Probe, found, in_force, load_pairs, probe, series

Line = Decimal | str | float | None


def latest_odds(
    event: Event | int,
    *,
    at: datetime | None = None,
    bookmakers: Iterable[str] | None = None,
    max_age: timedelta | None = None,
) -> list[Quote]:
    """Every market's prices in force at ``at`` (default now): one Quote per (bookmaker,
    market_key, period, line), markets gone by then left out, each with when it was last
    confirmed and whether it was seen in play. ``max_age``: leave out quotes not
    confirmed within that long before ``at``. Ordered by market_key, period, line (none
    first), bookmaker.

        >>> for q in latest_odds(event, bookmakers=["pinnacle", "bet365"]):
        ...     print(q.bookmaker, q.market_key, q.price("home"), q.confirmed_at, q.in_play)
        bet365 h2h 2.1 2026-01-10 12:30:00+00:00 False
        pinnacle h2h 2.15 2026-01-10 12:30:00+00:00 False
    """
    info, at = args.event_info(event), args.aware("at", at)
    books, max_age = args.bookmaker_keys("bookmakers", bookmakers), args.age("max_age", max_age)
    pairs = load_pairs(event_ids=[info.id], bookmakers=books)
    probes = [in_force(pair, ident, at) for pair in pairs for ident in pair.newest]
    rows = [f for f in probe([p for p in probes if p]) if f.outcomes]
    quotes = confirmed_quotes(rows, at or timezone.now(), info.commence_time, max_age)
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
    stored row (each a change), gone rows included with empty outcomes; each row's
    ``confirmed_at`` is its last confirmation while it was in force.

        >>> path = market_history(event, "totals", line="2.5", bookmaker="pinnacle")
        >>> [(q.captured_at, q.price("over")) for q in path]
        [(datetime(2026, 1, 10, 1, 8, 42, tzinfo=UTC), Decimal('1.91')), ...]
    """
    info = args.event_info(event)
    since, until = args.aware("since", since), args.aware("until", until)
    if bookmaker is not None and not isinstance(bookmaker, str):
        raise ValueError(f"bookmaker must be one Bookmaker key (a str), not {bookmaker!r}")
    books = args.bookmaker_keys("bookmaker", None if bookmaker is None else [bookmaker])
    all_pairs = load_pairs(event_ids=[info.id], bookmakers=books)
    ident = args.market(market_key, period, line, known=idents_of(all_pairs))
    pairs = {p.bookmaker_id: p for p in all_pairs if ident in p.newest and p.first_captured_at}
    if not pairs:
        return []
    first = min(p.first_captured_at for p in pairs.values() if p.first_captured_at)
    newest = max(p.newest[ident][0] for p in pairs.values())
    lower = max(since, first) if since else first
    upper = min(until, newest) if until else newest
    rows = (
        series(info.id, ident, list(pairs) if books else None, lower, upper)
        if lower <= upper
        else []
    )
    founds = [found(Probe(pairs[b], ident, at, at), at, raw, None, None) for b, at, raw in rows]
    end = until or timezone.now()
    quotes = confirmed_quotes(founds, end, info.commence_time, None, uppers=spans(founds, end))
    return sorted(quotes, key=lambda q: (q.captured_at, q.bookmaker))


def opening_closing(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    max_age: MaxAge = SETTING,
) -> list[OpeningClosing]:
    """Per bookmaker, by key: the opening prices (its first stored row that is not a gone
    row) and the closing ones (the row in force at kick-off: the newest captured at or
    before the event's commence_time, a Quote with empty outcomes if the market had been
    withdrawn; None when nothing was captured by then). ``closing_stale`` flags a closing
    price last confirmed more than ``max_age`` (default ODDS_QUOTE_MAX_AGE_SECONDS)
    before the start.

        >>> for oc in opening_closing(event, "h2h"):
        ...     print(oc.bookmaker, oc.opening.price("home"), oc.closing.price("home"))
        pinnacle 2.2 2.05
    """
    info, max_age = args.event_info(event), max_age_of(max_age)
    all_pairs = load_pairs(event_ids=[info.id])
    ident = args.market(market_key, period, line, known=idents_of(all_pairs))
    pairs = [p for p in all_pairs if ident in p.newest]
    spans = [(p, p.first_captured_at, p.newest[ident][0]) for p in pairs if p.first_captured_at]
    kickoff = info.commence_time
    opening = probe([Probe(p, ident, lo, hi) for p, lo, hi in spans], newest=False, skip_gone=True)
    closing = probe([Probe(p, ident, lo, min(hi, kickoff)) for p, lo, hi in spans if lo <= kickoff])
    ends = {f.probe.pair: f.row_at - TICK for f in next_rows(opening)}
    now = timezone.now()
    uppers = [ends.get(f.probe.pair, now) for f in opening]
    opened = confirmed_quotes(opening, now, kickoff, None, uppers=uppers)
    closes = {q.bookmaker: q for q in confirmed_quotes(closing, kickoff, kickoff, None)}
    return [
        OpeningClosing(
            q.bookmaker,
            q.bookmaker_name,
            q,
            closes.get(q.bookmaker),
            is_stale(closes.get(q.bookmaker), kickoff, max_age),
        )
        for q in opened
    ]


def best_prices(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    at: datetime | None = None,
    in_play: bool = False,
    max_age: MaxAge = SETTING,
) -> list[BestPrice]:
    """Per outcome the highest open price across bookmakers at ``at`` (default now),
    exchange back prices after commission, with every bookmaker offering it (by key).
    Pre-match and fresh by default: nothing once the event has started (``in_play=True``
    to include in-play quotes) and no quote unconfirmed for longer than ``max_age``
    (default ODDS_QUOTE_MAX_AGE_SECONDS; None: no limit). Suspended outcomes do not
    count. Ordered by outcome role: home, draw, away, over, under, yes, no, then name.

        >>> [(b.outcome, b.price, b.bookmakers) for b in best_prices(event, "h2h")]
        [('home', Decimal('2.2'), ('bet365', 'pinnacle')), ('draw', ...), ('away', ...)]
    """
    return best_prices_of(pricing_quotes(event, market_key, period, line, at, in_play, max_age)[1])


def margins(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    line: Line = None,
    at: datetime | None = None,
    in_play: bool = False,
    max_age: MaxAge = SETTING,
) -> list[Margin]:
    """Per bookmaker (by key) whose market at ``at`` (default now) is complete with every
    outcome open: the overround sum(1/price) - 1 of its quoted prices and the no-vig
    probabilities (1/price) / sum(1/price), to 6 places, summing to exactly 1. Pre-match
    and fresh by default, as :func:`best_prices`.

        >>> (m,) = margins(event, "totals", line="2.5")  # over 1.92, under 1.92
        >>> m.bookmaker, m.overround, m.probabilities
        ('pinnacle', Decimal('0.041667'), {'over': Decimal('0.500000'), 'under': ...})
    """
    info, quotes = pricing_quotes(event, market_key, period, line, at, in_play, max_age)
    return margins_of(quotes, sport=info.sport)


def main_line(
    event: Event | int,
    market_key: str,
    *,
    period: str = "full_time",
    at: datetime | None = None,
) -> Decimal | None:
    """The main line of a totals/spreads-like market at ``at`` (default now): the line
    the most bookmakers quote (ties: the most balanced prices, then the lower line), so
    a history or chart can follow the main total or spread as the line moves. None when
    no bookmaker quotes the market then.

        >>> main_line(event, "totals")
        Decimal('2.5')
        >>> market_history(event, "totals", line=main_line(event, "totals"))
    """
    info, at = args.event_info(event), args.aware("at", at)
    pairs = load_pairs(event_ids=[info.id])
    key, period, _ = args.market(market_key, period, None, known=idents_of(pairs))
    lines = {i for p in pairs for i in p.newest if i[:2] == (key, period) and i[2] is not None}
    probes = [in_force(p, i, at) for p in pairs for i in lines if i in p.newest]
    quotes = [f.quote() for f in probe([p for p in probes if p]) if f.outcomes]
    return most_quoted_line(quotes)


# --- helpers ------------------------------------------------------------------------------
def _quote_order(q: Quote) -> tuple:
    return (q.market_key, q.period, q.line is not None, q.line or 0, q.bookmaker)

"""Read answers about every market of one event at once, for pages that show them all.

:func:`odds.selectors.market_history` reads one market per call; a page that charts
every market of an event would pay its queries once per market. :func:`event_history`
answers the same for many markets in a constant number of statements; the pricing rules
for quotes already read are :func:`odds.selectors.pricing.best_prices_of` and ``margins_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from odds.models import Event, MarketOdds
from odds.quotes import Quote
from odds.selectors import args
from odds.selectors.context import confirmed_quotes, spans
from odds.selectors.probes import Found, Probe, found, load_pairs
from odds.series import Ident, line_text


def event_history(
    event: Event | int,
    *,
    since: datetime,
    until: datetime | None = None,
    markets: Iterable[tuple[str, str]] | None = None,
) -> dict[Ident, list[Quote]]:
    """Per market identity (all the event's, or every line of these (market_key,
    period) pairs), what
    :func:`~odds.selectors.market_history` answers for ``since``/``until``: every stored
    row in the window (gone rows with empty outcomes), ordered by captured_at then
    bookmaker, each confirmed while it was in force. Markets without a row there are
    left out. Three to five statements whatever the number of markets and bookmakers."""
    info = args.event_info(event)
    since, until = args.aware("since", since), args.aware("until", until)
    pairs = {p.bookmaker_id: p for p in load_pairs(event_ids=[info.id]) if p.first_captured_at}
    wanted = {i for p in pairs.values() for i in p.newest}
    if markets is not None:
        asked = set(markets)
        wanted = {i for i in wanted if i[:2] in asked}
    if not wanted:
        return {}
    by_ident: dict[Ident, list[Found]] = defaultdict(list)
    for book, key, period, line, at, raw in _rows(info.id, wanted, since, until):
        ident = (key, period, None if line is None else Decimal(line_text(line)))
        if ident in wanted and book in pairs:
            by_ident[ident].append(found(Probe(pairs[book], ident, at, at), at, raw, None, None))
    end = until or timezone.now()
    founds = [f for rows in by_ident.values() for f in rows]
    uppers = [u for rows in by_ident.values() for u in spans(rows, end)]
    quotes = confirmed_quotes(founds, end, info.commence_time, None, uppers=uppers)
    history: dict[Ident, list[Quote]] = defaultdict(list)
    for quote in quotes:
        history[(quote.market_key, quote.period, quote.line)].append(quote)
    return {i: sorted(qs, key=lambda q: (q.captured_at, q.bookmaker)) for i, qs in history.items()}


def _rows(event_id: int, idents: set[Ident], since: datetime, until: datetime | None) -> list:
    rows = MarketOdds.objects.filter(
        event_id=event_id,
        market_key__in=sorted({i[0] for i in idents}),
        captured_at__gte=since,
        carried_from__isnull=True,  # copies retention made are not changes
    )
    if until is not None:
        rows = rows.filter(captured_at__lte=until)
    fields = ("bookmaker_id", "market_key", "period", "line", "captured_at", "outcomes")
    return list(rows.order_by("captured_at", "bookmaker_id").values_list(*fields))

"""What the event page shows: latest prices per market, best prices, margins, movement.

Everything comes from the read API (:mod:`odds.selectors`); this module only arranges
its values into tables (the charts are :mod:`odds.admin.event_chart`). History is
capped to :data:`HISTORY_WINDOW` before the event's newest row, so an event with months
of rows still renders fast, and only :data:`DEFAULT_CHARTS` markets are charted unless
the page asks for others. The page's queries do not grow with its markets: one
``latest_odds`` read gives the tables, their best prices and margins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.utils import timezone

from odds import selectors
from odds.admin.display import price_text
from odds.admin.event_chart import event_chart_data
from odds.ingest.state import newest_rows
from odds.models import Event, EventBookmaker
from odds.quotes import BestPrice, Quote
from odds.selectors.confirm import default_max_age
from odds.selectors.pricing import best_prices_of, margins_of, most_quoted_line
from odds.series import ident_text, parse_ident

HISTORY_WINDOW = timedelta(days=7)
DEFAULT_CHARTS = 6
# How many markets one page may chart (each is one market_history read).
MAX_CHARTS = 20

Ident = tuple[str, str, Decimal | None]

_MARKET_ORDER = {
    key: n
    for n, key in enumerate(
        ["h2h", "h2h_3_way", "h2h_2_way", "spreads", "totals", "btts", "double_chance"]
    )
}
_MARKET_NAMES = {
    "h2h": "Match winner",
    "h2h_3_way": "Match winner (regulation time)",
    "h2h_2_way": "Home/away",
    "spreads": "Handicap",
    "totals": "Over/under",
    "btts": "Both teams to score",
    "double_chance": "Double chance",
    "draw_no_bet": "Draw no bet",
    "european_handicap": "European handicap",
    "outrights": "Outrights",
}


@dataclass(frozen=True)
class PriceCell:
    price: Decimal | None
    status: str = "open"
    is_best: bool = False

    @property
    def text(self) -> str:
        return price_text(self.price)


@dataclass(frozen=True)
class BestCell:
    price: Decimal
    bookmaker_names: list[str]

    @property
    def text(self) -> str:
        return price_text(self.price)


@dataclass(frozen=True)
class BookmakerRow:
    bookmaker: str
    bookmaker_name: str
    captured_at: datetime
    cells: list[PriceCell]
    margin: Decimal | None  # overround as a fraction (0.05 = 5 %)
    confirmed_at: datetime | None = None
    in_play: bool = False
    stale: bool = False  # not confirmed within the freshness window

    @property
    def gone(self) -> bool:
        return all(cell.price is None for cell in self.cells)

    @property
    def margin_text(self) -> str:
        return margin_text(self.margin)


@dataclass
class MarketPanel:
    ident: str  # "totals|full_time|2.5", as EventBookmaker.market_state names markets
    title: str
    outcomes: list[str]
    rows: list[BookmakerRow]
    best: list[BestCell | None]  # one per outcome column
    charted: bool = False
    chart_query: str = ""  # the page's query string that charts this market too
    main_line: bool = False  # the main line of a market with lines: charted following it

    @property
    def has_line(self) -> bool:
        return parse_ident(self.ident)[2] is not None

    @property
    def slug(self) -> str:
        return "m-" + "".join(c if c.isalnum() else "-" for c in self.ident)


@dataclass
class EventOdds:
    panels: list[MarketPanel]
    window_start: datetime | None = None
    window_end: datetime | None = None
    chart_data: dict = field(default_factory=dict)


def margin_text(overround: Decimal | None) -> str:
    """The bookmaker's margin (overround) in percent, e.g. ``4.76 %``."""
    if overround is None:
        return "—"
    return f"{overround * 100:.2f} %"


def market_title(ident: Ident) -> str:
    key, period, line = ident
    name = _MARKET_NAMES.get(key, key.replace("_", " ").capitalize())
    parts = [f"{name} ({key})"]
    if line is not None:
        parts.append(f"line {format(line.normalize(), 'f')}")
    parts.append(period.replace("_", " "))
    return " · ".join(parts)


def _market_sort_key(ident: Ident) -> tuple:
    key, period, line = ident
    return (period != "full_time", period, _MARKET_ORDER.get(key, 99), key, line or Decimal(0))


def event_odds(event, *, chart_idents: list[str] | None = None) -> EventOdds:
    """The event page's odds: one panel per market in force now, and charts of the
    markets in ``chart_idents`` (default: the first :data:`DEFAULT_CHARTS`), spreads and
    totals following their main line. A constant number of queries: the latest prices
    are read once and the best prices and margins worked out from them."""
    quotes = selectors.latest_odds(event)
    groups = _group(quotes)
    if not groups:
        return EventOdds(panels=[])
    sport = Event.objects.filter(pk=event.pk).values_list("tournament__sport__key", flat=True)[0]
    idents = sorted(groups, key=_market_sort_key)
    main = main_lines(quotes)
    wanted = _chart_selection(idents, chart_idents, main)
    panels = [
        _panel(ident, groups[ident], sport, charted=ident in wanted, main=main_line_of(ident, main))
        for ident in idents
    ]
    charted = [p.ident for p in panels if p.charted]
    for panel in panels:
        panel.chart_query = urlencode({"chart": [*charted, panel.ident]}, doseq=True)
    window_end = newest_row_at(event) or max(q.captured_at for q in quotes)
    window_start = window_end - HISTORY_WINDOW
    chart_data = event_chart_data(event, panels, window_start, window_end)
    return EventOdds(panels, window_start, window_end, chart_data)


def main_lines(quotes: list[Quote]) -> dict[tuple[str, str], Decimal]:
    """Per (market key, period) with lines, the main line of these quotes."""
    by_market: dict[tuple[str, str], list[Quote]] = defaultdict(list)
    for quote in quotes:
        if quote.line is not None:
            by_market[(quote.market_key, quote.period)].append(quote)
    found = {market: most_quoted_line(qs) for market, qs in by_market.items()}
    return {market: line for market, line in found.items() if line is not None}


def main_line_of(ident: Ident, main: dict[tuple[str, str], Decimal]) -> bool:
    return ident[2] is not None and main.get(ident[:2]) == ident[2]


def newest_row_at(event) -> datetime | None:
    """When the event's newest history row (a change, or a market going) was captured,
    from the pairs' market state: no scan of the time series."""
    states = EventBookmaker.objects.filter(event=event).values_list("market_state", flat=True)
    return max((at for state in states for at in newest_rows(state).values()), default=None)


def _group(quotes: list[Quote]) -> dict[Ident, list[Quote]]:
    groups: dict[Ident, list[Quote]] = defaultdict(list)
    for quote in quotes:
        groups[(quote.market_key, quote.period, quote.line)].append(quote)
    return dict(groups)


def _chart_selection(
    idents: list[Ident], chart_idents: list[str] | None, main: dict[tuple[str, str], Decimal]
) -> set[Ident]:
    if not chart_idents:
        # By default each market once: lines other than the main one are in its chart
        # (a market without a two-way main line, e.g. a 3-way handicap: its first line).
        first, seen = [], set()
        for ident in idents:
            market = ident[:2]
            lone = market not in main and market not in seen
            if ident[2] is None or main_line_of(ident, main) or lone:
                first.append(ident)
            seen.add(market)
        return set(first[:DEFAULT_CHARTS])
    asked = set()
    for text in chart_idents[:MAX_CHARTS]:
        try:
            ident = parse_ident(text)
        except (ValueError, ArithmeticError):
            continue
        # A hand-typed sNaN/NaN/Infinity line is no market's line (and sNaN cannot be
        # hashed or compared): skip it like any other unknown market.
        if ident[2] is None or ident[2].is_finite():
            asked.add(ident)
    return asked & set(idents)


def _outcome_names(quotes: list[Quote]) -> list[str]:
    names: list[str] = []
    for quote in quotes:
        names.extend(o.name for o in quote.outcomes if o.name not in names)
    return names


def _panel(ident: Ident, quotes: list[Quote], sport: str, *, charted: bool, main: bool):
    # The page shows every price in force, in-play and stale ones marked (see _row), so
    # best prices and margins are of all the latest quotes (in_play=True, max_age=None).
    best = {b.outcome: b for b in best_prices_of(quotes)}
    margin = {m.bookmaker: m.overround for m in margins_of(quotes, sport=sport)}
    names = _outcome_names(quotes)
    book_names = {q.bookmaker: q.bookmaker_name for q in quotes}
    rows = [
        _row(quote, names, best, margin.get(quote.bookmaker))
        for quote in sorted(quotes, key=lambda q: q.bookmaker_name.lower())
    ]
    return MarketPanel(
        ident=ident_text(ident),
        title=market_title(ident),
        outcomes=names,
        rows=rows,
        best=[_best_cell(best.get(name), book_names) for name in names],
        charted=charted,
        main_line=main,
    )


def _best_cell(best: BestPrice | None, book_names: dict[str, str]) -> BestCell | None:
    if best is None:
        return None
    return BestCell(best.price, [book_names.get(key, key) for key in best.bookmakers])


def _row(quote: Quote, names: list[str], best: dict, margin: Decimal | None) -> BookmakerRow:
    by_name = {o.name: o for o in quote.outcomes}
    cells = []
    for name in names:
        outcome = by_name.get(name)
        if outcome is None:
            cells.append(PriceCell(None))
            continue
        top = best.get(name)
        # The best price is after commission (an exchange's back price pays less).
        is_best = bool(
            top and quote.bookmaker in top.bookmakers and quote.net_price(name) == top.price
        )
        cells.append(PriceCell(outcome.price, outcome.status, is_best))
    stale = (
        quote.confirmed_at is not None and quote.confirmed_at < timezone.now() - default_max_age()
    )
    return BookmakerRow(
        quote.bookmaker,
        quote.bookmaker_name,
        quote.captured_at,
        cells,
        margin,
        quote.confirmed_at,
        quote.in_play,
        stale,
    )

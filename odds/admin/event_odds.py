"""What the event page shows: latest prices per market, best prices, margins, movement.

Everything comes from the read API (:mod:`odds.selectors`); this module only arranges
its values into tables and chart series. History is capped to :data:`HISTORY_WINDOW`
before the event's newest row, so an event with months of rows still renders fast,
and only :data:`DEFAULT_CHARTS` markets are charted unless the page asks for others.
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
from odds.ingest.state import newest_rows
from odds.models import EventBookmaker
from odds.quotes import BestPrice, Quote
from odds.selectors_confirm import default_max_age
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
    """The event page's odds: one panel per market in force now, and chart series for
    ``chart_idents`` (default: the first :data:`DEFAULT_CHARTS` markets)."""
    groups = _group(selectors.latest_odds(event))
    if not groups:
        return EventOdds(panels=[])
    idents = sorted(groups, key=_market_sort_key)
    wanted = _chart_selection(idents, chart_idents)
    panels = [_panel(event, ident, groups[ident], charted=ident in wanted) for ident in idents]
    charted = [p.ident for p in panels if p.charted]
    for panel in panels:
        panel.chart_query = urlencode({"chart": [*charted, panel.ident]}, doseq=True)
    window_end = newest_row_at(event) or max(q.captured_at for g in groups.values() for q in g)
    window_start = window_end - HISTORY_WINDOW
    chart_data = _chart_data(event, panels, window_start, window_end)
    return EventOdds(panels, window_start, window_end, chart_data)


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


def _chart_selection(idents: list[Ident], chart_idents: list[str] | None) -> set[Ident]:
    if not chart_idents:
        return set(idents[:DEFAULT_CHARTS])
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


def _panel(event, ident: Ident, quotes: list[Quote], *, charted: bool) -> MarketPanel:
    key, period, line = ident
    # The page shows every price in force, in-play and stale ones marked (see _row).
    best = {
        b.outcome: b
        for b in selectors.best_prices(
            event, key, period=period, line=line, in_play=True, max_age=None
        )
    }
    margin = {
        m.bookmaker: m.overround
        for m in selectors.margins(event, key, period=period, line=line, in_play=True, max_age=None)
    }
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
        is_best = bool(top and quote.bookmaker in top.bookmakers and outcome.price == top.price)
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


# --- Chart series ------------------------------------------------------------------------
def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _chart_data(event, panels: list[MarketPanel], start: datetime, end: datetime) -> dict:
    charted = [p for p in panels if p.charted]
    books = sorted({row.bookmaker for p in panels for row in p.rows})
    colour = {book: n for n, book in enumerate(books)}
    opening = _group(selectors.latest_odds(event, at=start)) if charted else {}
    markets = []
    for panel in charted:
        key, period, line = parse_ident(panel.ident)
        history = selectors.market_history(
            event, key, period=period, line=line, since=start, until=end
        )
        series = price_series(opening.get((key, period, line), []), history, start, end)
        markets.append(
            {
                "id": panel.slug,
                "title": panel.title,
                "outcomes": panel.outcomes,
                "datasets": [
                    {
                        "label": f"{name} · {outcome}",
                        "bookmaker": book,
                        "outcome": outcome,
                        "colour": colour.get(book, 0),
                        "dash": panel.outcomes.index(outcome)
                        if outcome in panel.outcomes
                        else len(panel.outcomes),
                        "data": points,
                    }
                    for (book, name, outcome), points in sorted(
                        series.items(), key=lambda item: _series_order(item[0], panel.outcomes)
                    )
                ],
            }
        )
    return {
        "window": {"start": epoch_ms(start), "end": epoch_ms(end)},
        "kickoff": epoch_ms(event.commence_time),
        "markets": markets,
    }


def price_series(
    opening: list[Quote], history: list[Quote], start: datetime, end: datetime
) -> dict[tuple[str, str, str], list[dict]]:
    """Step series per (bookmaker, bookmaker name, outcome): a point where a price was
    stored, ``y: null`` where the market was gone, the price in force at ``start`` as the
    first point and the last price carried to ``end``. Prices hold until the next row."""
    series: dict[tuple[str, str, str], list[dict]] = {}
    known: dict[str, set[str]] = defaultdict(set)
    rows = [(start, q) for q in opening if q.captured_at < start]
    rows += [(q.captured_at, q) for q in sorted(history, key=lambda q: q.captured_at)]
    for moment, quote in rows:
        x = epoch_ms(moment)
        prices = {o.name: float(o.price) for o in quote.outcomes}
        known[quote.bookmaker].update(prices)
        for outcome in sorted(known[quote.bookmaker]):
            points = series.setdefault((quote.bookmaker, quote.bookmaker_name, outcome), [])
            points.append({"x": x, "y": prices.get(outcome)})
    for points in series.values():
        if points[-1]["y"] is not None and points[-1]["x"] < epoch_ms(end):
            points.append({"x": epoch_ms(end), "y": points[-1]["y"]})
    return series


def _series_order(key: tuple[str, str, str], outcomes: list[str]) -> tuple:
    _, name, outcome = key
    rank = outcomes.index(outcome) if outcome in outcomes else len(outcomes)
    return (name.lower(), rank, outcome)

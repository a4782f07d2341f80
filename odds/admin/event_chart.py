"""The event page's charts: step series per bookmaker and outcome, a consensus line,
the bookmakers shown by default, a pre-match y scale and an x axis that uses the width.

The series come from two reads whatever the number of markets: the prices in force at
the window's start (:func:`odds.selectors.latest_odds`) and every stored row since
(:func:`odds.selectors.whole_event.event_history`). A market with lines (spreads, totals) is
charted on its main line as it moves: at each capture the line most bookmakers quote
(:func:`~odds.selectors.pricing.most_quoted_line`, as ``selectors.main_line``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format

from odds import selectors
from odds.quotes import Quote
from odds.selectors.pricing import most_quoted_line
from odds.selectors.whole_event import event_history
from odds.series import Ident, line_text, parse_ident

if TYPE_CHECKING:
    from odds.admin.event_odds import MarketPanel

# Bookmakers drawn when the page opens (the viewer picks others): most often best now,
# then most stored changes in the window.
DEFAULT_BOOKMAKERS = 4
CONSENSUS = "consensus"
# Up to this many captures the x axis gives each capture an equal column: captures far
# apart (football-data's opening and closing) would otherwise sit at the two edges.
CAPTURE_AXIS_MAX = 6

Point = dict[str, float | int | None]


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def event_chart_data(event, panels: list[MarketPanel], start: datetime, end: datetime) -> dict:
    charted = [p for p in panels if p.charted]
    books = sorted({row.bookmaker for p in panels for row in p.rows})
    colour = {book: n for n, book in enumerate(books)}
    kickoff = epoch_ms(event.commence_time)
    history: dict[Ident, list[Quote]] = {}
    opening: list[Quote] = []
    if charted:
        markets = {parse_ident(p.ident)[:2] for p in charted}
        history = event_history(event, since=start, until=end, markets=markets)
        opening = [q for q in selectors.latest_odds(event, at=start) if q.captured_at < start]
    charts = []
    for panel in charted:
        ident = parse_ident(panel.ident)
        follow = panel.main_line
        size = 2 if follow else 3  # a followed market: all its lines
        mine = [i for i in history if i[:size] == ident[:size]]
        rows = [(start, q) for q in opening if _ident(q)[:size] == ident[:size]]
        rows += sorted(((q.captured_at, q) for i in mine for q in history[i]), key=_moment)
        charts.append(market_chart(panel, rows, end, kickoff, colour, follow=follow))
    return {
        "window": {"start": epoch_ms(start), "end": epoch_ms(end)},
        "kickoff": kickoff,
        "markets": charts,
    }


def market_chart(
    panel: MarketPanel,
    rows: list[tuple[datetime, Quote]],
    end: datetime,
    kickoff: int,
    colour: dict[str, int],
    *,
    follow: bool,
) -> dict:
    """One chart's data: ``rows`` are (when, quote) in time order, the prices in force
    at the window's start first."""
    walk = walk_prices(rows, follow=follow)
    names = {q.bookmaker: q.bookmaker_name for _, q in rows}
    series = {key: _carried(points, end) for key, points in walk.series.items()}
    consensus = {o: _carried(p, end) for o, p in walk.consensus.items() if p}
    outcomes = panel.outcomes + sorted({o for _, o in series} - set(panel.outcomes))
    datasets = [
        _dataset(book, names[book], outcome, colour.get(book, 0), outcomes, points)
        for (book, outcome), points in sorted(
            series.items(), key=lambda item: (names[item[0][0]].lower(), outcomes.index(item[0][1]))
        )
    ]
    datasets += [
        _dataset(CONSENSUS, "Consensus (median)", outcome, -1, outcomes, points)
        for outcome, points in sorted(consensus.items(), key=lambda i: outcomes.index(i[0]))
    ]
    captures = sorted(walk.captures)
    return {
        "id": panel.slug,
        "title": panel.title + (" · following the main line" if follow else ""),
        "outcomes": outcomes,
        "bookmakers": [
            {"key": b, "name": names[b], "colour": colour.get(b, 0)}
            for b in sorted(names, key=lambda b: names[b].lower())
        ],
        "default_bookmakers": default_bookmakers(panel, walk.changes),
        "datasets": datasets,
        "lines": walk.lines if follow else [],
        "captures": captures,
        "axis": "captures" if len(captures) <= CAPTURE_AXIS_MAX else "time",
        "note": axis_note(captures),
        "scale": {
            "pre_match": y_bounds(datasets, before=kickoff),
            "all": y_bounds(datasets),
        },
    }


class PriceWalk:
    """Per (bookmaker, outcome) the points where its price in force changed (``None``
    where the market was gone or the bookmaker left the main line), the capture times,
    and the main line's changes."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], list[Point]] = {}
        self.consensus: dict[str, list[Point]] = {}
        self.captures: set[int] = set()
        self.changes: Counter[str] = Counter()
        self.lines: list[dict] = []

    def record(self, x: int, prices: dict[tuple[str, str], float | None]) -> None:
        for key, price in prices.items():
            points = self.series.get(key)
            if points is None and price is None:
                continue
            if points is None or points[-1]["y"] != price:
                self.series.setdefault(key, []).append({"x": x, "y": price})
        by_outcome: dict[str, list[float]] = defaultdict(list)
        for (_, outcome), price in prices.items():
            if price is not None:
                by_outcome[outcome].append(price)
        for outcome in {o for _, o in prices} | set(self.consensus):
            found = by_outcome.get(outcome)
            value = round(median(found), 4) if found else None
            path = self.consensus.setdefault(outcome, [])
            if (path and path[-1]["y"] != value) or (not path and value is not None):
                path.append({"x": x, "y": value})


def walk_prices(rows: list[tuple[datetime, Quote]], *, follow: bool) -> PriceWalk:
    walk = PriceWalk()
    state: dict[tuple[str, Decimal | None], Quote] = {}
    known: dict[str, set[str]] = defaultdict(set)
    for x, batch in _batches(rows):
        for quote in batch:
            state[(quote.bookmaker, quote.line)] = quote
            known[quote.bookmaker].update(o.name for o in quote.outcomes)
            walk.changes[quote.bookmaker] += 1
        walk.captures.add(x)
        line = most_quoted_line(list(state.values())) if follow else None
        if follow and (not walk.lines or walk.lines[-1]["line"] != _line(line)):
            walk.lines.append({"x": x, "line": _line(line)})
        prices: dict[tuple[str, str], float | None] = {}
        for book, names in known.items():
            held = state.get((book, line)) if follow else _only(state, book)
            for name in names:
                price = held.price(name) if held else None
                prices[(book, name)] = None if price is None else float(price)
        walk.record(x, prices)
    return walk


def default_bookmakers(panel: MarketPanel, changes: Counter[str]) -> list[str]:
    """The bookmakers drawn first: most best prices in the table now, then most stored
    changes in the window, then by name."""
    best = {row.bookmaker: sum(c.is_best for c in row.cells) for row in panel.rows}
    names = {row.bookmaker: row.bookmaker_name.lower() for row in panel.rows}
    books = set(changes) | set(best)
    ranked = sorted(books, key=lambda b: (-best.get(b, 0), -changes[b], names.get(b, b)))
    return ranked[:DEFAULT_BOOKMAKERS]


def y_bounds(datasets: list[dict], *, before: int | None = None) -> dict | None:
    """The lowest and highest price drawn (only of points before ``before``)."""
    ys = [
        p["y"]
        for d in datasets
        for p in d["data"]
        if p["y"] is not None and (before is None or p["x"] < before)
    ]
    return {"min": min(ys), "max": max(ys)} if ys else None


def axis_note(captures: list[int]) -> str:
    if not captures:
        return ""
    if len(captures) == 1:
        return f"One capture, at {_local(captures[0])}: each price is one point."
    if len(captures) <= CAPTURE_AXIS_MAX:
        return (
            f"{len(captures)} captures from {_local(captures[0])} to {_local(captures[-1])}: "
            "one equal column per capture, not to time scale."
        )
    return f"Time to scale, from {_local(captures[0])} to {_local(captures[-1])}."


# --- helpers ------------------------------------------------------------------------------
def _dataset(book, name, outcome, colour, outcomes, points) -> dict:
    return {
        "label": f"{name} · {outcome}",
        "bookmaker": book,
        "outcome": outcome,
        "colour": colour,
        "dash": outcomes.index(outcome),
        "data": points,
    }


def _batches(rows: list[tuple[datetime, Quote]]) -> Iterable[tuple[int, list[Quote]]]:
    batch: list[Quote] = []
    current: int | None = None
    for moment, quote in rows:
        x = epoch_ms(moment)
        if current is not None and x != current:
            yield current, batch
            batch = []
        current = x
        batch.append(quote)
    if batch and current is not None:
        yield current, batch


def _carried(points: list[Point], end: datetime) -> list[Point]:
    """The last price held to the window's end (the newest stored row)."""
    last_x = points[-1]["x"] if points else None
    if last_x is not None and points[-1]["y"] is not None and last_x < epoch_ms(end):
        return [*points, {"x": epoch_ms(end), "y": points[-1]["y"]}]
    return points


def _only(state: dict, book: str) -> Quote | None:
    return next((q for (b, _), q in state.items() if b == book), None)


def _line(line: Decimal | None) -> str | None:
    return None if line is None else line_text(line)


def _ident(quote: Quote) -> Ident:
    return (quote.market_key, quote.period, quote.line)


def _moment(row: tuple[datetime, Quote]) -> tuple:
    return (row[0], row[1].bookmaker)


def _local(ms: int) -> str:
    moment = timezone.localtime(datetime.fromtimestamp(ms / 1000, tz=UTC))
    return date_format(moment, "Y-m-d H:i T")

"""One response's list of events to Captures and Problems, one (event, bookmaker) each.

Outcomes are renamed from team names to roles (``home``/``away``/``draw``,
``over``/``under``, ``yes``/``no``) so one event's odds compare across sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from odds.captures import OUTRIGHT, Competitor, EventRef, Problem
from odds.prices import looks_american
from scraping.sources.base import Item, SourceError, json_safe, parse_utc
from scraping.sources.theoddsapi.fields import dicts, maybe_time, text
from scraping.sources.theoddsapi.mapping import Response, parse_bookmaker
from scraping.sources.theoddsapi.problems import event_place, in_origin, located
from scraping.sources.theoddsapi.tables import SLUG, SOURCE, map_market_key, scope_for, sport_of

ODDS_FORMATS = ("auto", "decimal", "american")
ACCEPTED_SHAPES = (
    "a JSON list of events (/v4/sports/{sport}/odds), a historical envelope "
    '{"timestamp": ..., "data": [events]}, or a single event with "bookmakers"'
)
_NOTHING_TO_CAPTURE = datetime.min.replace(tzinfo=UTC)


def parse_events(
    events: list,
    *,
    captured_at: datetime | None = None,
    odds_format: str = "auto",
    scope: frozenset[str | tuple] | None = None,
    origin: str = "",
) -> Iterator[Item]:
    """Captures and Problems from one response's list of events.

    ``odds_format="auto"`` decides once for the whole response, because a single
    price like 150 is ambiguous but a response's set of prices is not. ``origin``
    (a file name, or a URL without the key) goes into each Problem's context.
    Without ``scope``, every (key, period) present anywhere in the response is in
    scope, so a bookmaker that stops offering totals while others still do counts as
    gone.
    """
    check_odds_format(odds_format, origin)
    if not isinstance(events, list):
        raise SourceError(
            "unknown_format",
            located(f"not a list of events; expected {ACCEPTED_SHAPES}", in_origin(origin)),
            {"origin": origin, "found": type(events).__name__},
        )
    markets = list(_raw_markets(events))
    response = Response(
        captured_at=_capture_time(events, captured_at, origin),
        odds_format=_decide_format(markets, odds_format),
        scope=scope if scope is not None else scope_for(m.get("key") for m in markets),
        origin=origin,
    )
    return iter_events(events, response)


def check_odds_format(odds_format: str, origin: str) -> None:
    if odds_format not in ODDS_FORMATS:
        raise SourceError(
            "bad_odds_format",
            f"odds format {odds_format!r} is not one of {', '.join(ODDS_FORMATS)}",
            {"odds_format": odds_format, "origin": origin},
        )


def iter_events(events: Iterable, response: Response) -> Iterator[Item]:
    for index, raw_event in enumerate(events):
        yield from _parse_event(raw_event, index, response)


def _raw_markets(events: list) -> Iterator[dict]:
    for event in events:
        for bookmaker in dicts(event.get("bookmakers") if isinstance(event, dict) else None):
            yield from dicts(bookmaker.get("markets"))


def _capture_time(events: list, given: datetime | None, origin: str) -> datetime:
    if given is not None:
        return resolve_time(given, 0, None, origin)
    times, bookmakers = [], 0
    for event in dicts(events):
        for bookmaker in dicts(event.get("bookmakers")):
            bookmakers += 1
            stamps = [bookmaker.get("last_update")]
            stamps += [m.get("last_update") for m in dicts(bookmaker.get("markets"))]
            times += [t for s in stamps if s is not None and (t := maybe_time(s))]
    return resolve_time(None, bookmakers, max(times, default=None), origin)


def resolve_time(
    given: datetime | None, bookmakers: int, newest: datetime | None, origin: str
) -> datetime:
    if given is not None:
        return given.replace(tzinfo=UTC) if given.tzinfo is None else given.astimezone(UTC)
    if not bookmakers:
        return _NOTHING_TO_CAPTURE  # no capture will carry it; an empty list is no error
    if newest is None:
        raise SourceError(
            "missing_capture_time",
            located(
                "no last_update tells when the response was captured; pass --captured-at "
                "with the time it was fetched (ISO-8601, UTC)",
                in_origin(origin),
            ),
            {"origin": origin},
        )
    return newest


def _decide_format(markets: list[dict], odds_format: str) -> str:
    if odds_format != "auto":
        return odds_format
    prices = [o.get("price") for m in markets for o in dicts(m.get("outcomes"))]
    return "american" if looks_american(prices) else "decimal"


def _parse_event(raw: Any, index: int, response: Response) -> Iterator[Item]:
    where = {"origin": response.origin, "event_index": index}
    if not isinstance(raw, dict):
        yield Problem(
            "bad_event",
            located("the event is not an object; skipped", _index_place(index, response.origin)),
            {**where, "fragment": json_safe(raw)},
        )
        return
    event_or_problem = _event_ref(raw, where, response)
    if isinstance(event_or_problem, Problem):
        yield event_or_problem
        return
    event = event_or_problem
    if event.source_event_id in response.seen_events:
        yield Problem(
            "duplicate_event",
            located(
                "the event appears twice; the repeat was skipped",
                event_place(event, response.origin),
            ),
            {**where, "event_id": event.source_event_id},
            event=event,
        )
        return
    response.seen_events.add(event.source_event_id)
    bookmakers = raw.get("bookmakers", [])
    if not isinstance(bookmakers, list):
        yield Problem(
            "bad_event",
            located(
                "the event's bookmakers are not a list; skipped",
                event_place(event, response.origin),
            ),
            {**where, "event_id": event.source_event_id, "fragment": json_safe(bookmakers)},
            event=event,
        )
        return
    seen_books: set[str] = set()
    for bookmaker in bookmakers:
        yield from parse_bookmaker(bookmaker, event, seen_books, response)


def _index_place(index: int, origin: str) -> str:
    return f"event #{index}, {in_origin(origin)}"


def _event_ref(raw: dict, where: dict, response: Response) -> EventRef | Problem:
    event_id = raw.get("id")
    if event_id:
        place = f"event {event_id}, {in_origin(response.origin)}"
    else:
        place = _index_place(where["event_index"], response.origin)
    context = {**where, "event_id": json_safe(event_id), "fragment": _event_fragment(raw)}
    if not isinstance(event_id, str) or not event_id.strip():
        return Problem("missing_event_id", located("the event has no id; skipped", place), context)
    sport_key = raw.get("sport_key")
    if not isinstance(sport_key, str) or not SLUG.match(sport_key.strip().lower()):
        return Problem(
            "bad_sport",
            located(f"the event has no usable sport_key ({sport_key!r}); skipped", place),
            context,
        )
    home, away = text(raw.get("home_team")), text(raw.get("away_team"))
    # Without teams, an event whose markets name competitors (a league or tournament
    # winner) is stored as an outright, outcomes named by competitor.
    competitors = _competitors(raw) if not home and not away else []
    if not competitors and (not home or not away):
        missing = " and ".join(n for n, t in (("home_team", home), ("away_team", away)) if not t)
        return Problem(
            "missing_team",
            located(
                f"the event has no {missing} (an event without teams is stored only as an "
                "outright, with outrights markets naming its competitors); skipped",
                place,
            ),
            context,
        )
    try:
        commence_time = parse_utc(raw.get("commence_time"))
    except ValueError as exc:
        return Problem(
            "bad_time",
            located(f"the event has a bad commence_time: {exc}; skipped", place),
            context,
        )
    sport_key = sport_key.strip().lower()
    sport, sport_name = sport_of(sport_key)
    title = text(raw.get("sport_title")) or sport_key
    found: dict[str, Any] = {
        "source": SOURCE,
        "source_event_id": event_id.strip(),
        "sport_key": sport,
        "sport_name": sport_name,
        "tournament_key": sport_key,
        "tournament_name": title,
        "commence_time": commence_time,
    }
    if not competitors:
        return EventRef(**found, home_team=home, away_team=away)
    return EventRef(
        **found,
        home_team="",
        away_team="",
        kind=OUTRIGHT,
        title=title,
        competitors=tuple(Competitor(name, sort_order=i) for i, name in enumerate(competitors, 1)),
    )


def _competitors(raw: dict) -> list[str]:
    """Outcome names of the event's outrights markets, in order of first appearance."""
    names: dict[str, None] = {}
    for book in dicts(raw.get("bookmakers")):
        for market in dicts(book.get("markets")):
            if map_market_key(str(market.get("key", "")).strip().lower()).kind != "outrights":
                continue
            for outcome in dicts(market.get("outcomes")):
                name = outcome.get("name")
                if isinstance(name, str) and name.strip():
                    names.setdefault(name.strip())
    return list(names)


def _event_fragment(raw: dict) -> dict:
    # The event without its bookmakers: enough to find it, small enough to log.
    return json_safe({k: v for k, v in raw.items() if k != "bookmakers"})

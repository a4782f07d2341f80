"""The Odds API v4: odds responses (files or HTTP bodies) to normalized captures.

Reads the bare ``/v4/sports/{sport}/odds`` list of events, the historical envelope
``{"timestamp", "data": [...]}``, and recognises the API's error body. One
:class:`Capture` per (event, bookmaker); outcomes are renamed from team names to
roles (``home``/``away``/``draw``, ``over``/``under``, ``yes``/``no``) so one event's
odds compare across sources. Bad input the rest can survive (a bad price, a missing
team) becomes a :class:`Problem`; a file that cannot be read at all raises SourceError.

HTTP lives in :mod:`scraping.sources.theoddsapi_http`; this module never does I/O
beyond reading a file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from odds.captures import (
    FULL_TIME,
    OUTRIGHT,
    BookmakerRef,
    Capture,
    Competitor,
    EventRef,
    Market,
    Outcome,
    Problem,
)
from odds.prices import BadPrice, FormatVote, looks_american, to_decimal_odds
from scraping.sources import theoddsapi_stream
from scraping.sources.base import (
    Item,
    NewestTime,
    SourceError,
    json_safe,
    parse_json_text,
    parse_utc,
)
from scraping.sources.json_reader import Reader

SOURCE = "theoddsapi"
# Every capture of a file shares the response's time: the importer streams its items.
ONE_CAPTURE_TIME_PER_FILE = True
ODDS_FORMATS = ("auto", "decimal", "american")

# Exchanges quote back and lay prices; a book with a *_lay market is one too.
EXCHANGES = frozenset(
    {
        "betfair",
        "betfair_ex_uk",
        "betfair_ex_eu",
        "betfair_ex_au",
        "matchbook",
        "smarkets",
        "betdaq",
    }
)

SPORT_NAMES = {
    "americanfootball": "American Football",
    "aussierules": "Aussie Rules",
    "baseball": "Baseball",
    "basketball": "Basketball",
    "boxing": "Boxing",
    "cricket": "Cricket",
    "golf": "Golf",
    "handball": "Handball",
    "icehockey": "Ice Hockey",
    "lacrosse": "Lacrosse",
    "mma": "MMA",
    "politics": "Politics",
    "rugbyleague": "Rugby League",
    "rugbyunion": "Rugby Union",
    "soccer": "Soccer",
    "tennis": "Tennis",
}

PERIOD_SUFFIXES = {
    "h1": "first_half",
    "h2": "second_half",
    "q1": "first_quarter",
    "q2": "second_quarter",
    "q3": "third_quarter",
    "q4": "fourth_quarter",
    "p1": "first_period",
    "p2": "second_period",
    "p3": "third_period",
}
_PERIOD = re.compile(r"^(?P<base>.+)_(?P<suffix>h[12]|q[1-4]|p[1-3])$")
# At most 3 digits: int() refuses 4300 (a ValueError that escaped parse_events).
_INNINGS = re.compile(r"^(?P<base>.+)_1st_(?P<innings>\d{1,3})_innings$")
_SLUG = re.compile(r"^[a-z0-9_]+$")
_MAX_LINE = Decimal("99999.999")
_NOTHING_TO_CAPTURE = datetime.min.replace(tzinfo=UTC)
_LAY = "_lay"
_ALTERNATE = "alternate_"

# Which outcome names each market kind accepts; a name outside them drops the market.
_TEAM_ROLES = {
    "h2h": ("home", "away", "draw"),
    "h2h_3_way": ("home", "away", "draw"),
    "spreads": ("home", "away"),
    "draw_no_bet": ("home", "away"),
}
_FIXED_NAMES = {
    "totals": {"over": "over", "under": "under"},
    "btts": {"yes": "yes", "no": "no"},
}
_LINE_KINDS = frozenset({"spreads", "totals"})  # one line per market; alternates split by line

_TIMESTAMP_FIELD = re.compile(rb'"timestamp"\s*:\s*"([^"]*)"')
_LAST_UPDATE_FIELD = re.compile(rb'"last_update"\s*:\s*"([^"]*)"')
_ACCEPTED_SHAPES = (
    "a JSON list of events (/v4/sports/{sport}/odds), a historical envelope "
    '{"timestamp": ..., "data": [events]}, or a single event with "bookmakers"'
)


@dataclass(frozen=True, slots=True)
class MarketKey:
    """What a raw market key such as ``alternate_spreads_h1`` means in the vocabulary."""

    key: str  # vocabulary key, ``_lay`` kept: h2h, spreads, h2h_lay, ...
    kind: str  # key without ``_lay``: decides how outcomes are named
    period: str
    alternate: bool

    @property
    def scope_entry(self) -> tuple[str, str]:
        """(key, period): what asking for, or being sent, this market reports in full."""
        return (self.key, self.period)


def map_market_key(raw_key: str) -> MarketKey:
    """``h2h_h1`` → (h2h, first_half); ``alternate_totals`` → totals; ``h2h_lay`` kept."""
    base = raw_key
    lay = base.endswith(_LAY)
    if lay:
        base = base[: -len(_LAY)]
    period = FULL_TIME
    if match := _PERIOD.match(base):
        base, period = match["base"], PERIOD_SUFFIXES[match["suffix"]]
    elif match := _INNINGS.match(base):
        innings = int(match["innings"])
        base = match["base"]
        period = "first_inning" if innings == 1 else f"first_{innings}_innings"
    alternate = base.startswith(_ALTERNATE)
    if alternate:
        base = base[len(_ALTERNATE) :]
    return MarketKey(
        key=base + _LAY if lay else base, kind=base, period=period, alternate=alternate
    )


def scope_for(raw_keys: Iterable[object]) -> frozenset[tuple[str, str]]:
    """The (key, period) pairs a response reports in full, to judge disappeared markets.

    Per period, not per key: a request for ``h2h`` alone says nothing about the
    first-half ``h2h`` stored from another scrape. Every line of a pair is covered.
    """
    mapped = (map_market_key(key.strip().lower()) for key in raw_keys if isinstance(key, str))
    return frozenset(m.scope_entry for m in mapped if _SLUG.match(m.key))


def sport_of(sport_key: str) -> tuple[str, str]:
    """``icehockey_nhl`` → ("icehockey", "Ice Hockey"): the store's sport is the prefix."""
    key = sport_key.split("_", 1)[0]
    return key, SPORT_NAMES.get(key, key.replace("_", " ").title())


# --- files -------------------------------------------------------------------------------


def parse_file(
    path: str | Path, *, captured_at: datetime | None = None, odds_format: str = "auto"
) -> Iterator[Item]:
    """Captures from a saved response (``.json`` or ``.json.gz``), or SourceError.

    A historical envelope's ``timestamp`` is the capture time (wherever it sits in the
    file); for a bare list it is the newest ``last_update`` in it. An explicit
    ``captured_at`` wins over both. Lists and envelopes are streamed
    (:mod:`scraping.sources.theoddsapi_stream`): memory holds one event, whatever the size.
    A file broken part-way gives the events before the break, then raises ``bad_json``.
    """
    path = Path(path)
    _check_odds_format(odds_format, str(path))
    found = theoddsapi_stream.survey(path)
    if found.error is not None:
        try:  # a small file: the lenient reader takes NaN and says where the JSON breaks
            document = _small_document(path)
        except SourceError as error:
            document, found.error = None, error
        if document is not None:
            return _parse_document(path, document, captured_at, odds_format)
    if not _streamable(found):
        if found.error is not None:
            raise found.error
        return _parse_document(path, _load_json(path), captured_at, odds_format)
    if (found.root or "").startswith("data") and captured_at is None and found.has_timestamp:
        captured_at = _envelope_time(path, found.timestamp)
    response = _Response(
        captured_at=_resolve_time(captured_at, found.bookmakers, found.newest.value, str(path)),
        odds_format=odds_format if odds_format != "auto" else _format_of(found.vote),
        scope=scope_for(found.market_keys),
        origin=str(path),
    )
    return _iter_events(theoddsapi_stream.iter_items(path, found), response)


def _streamable(found: theoddsapi_stream.Survey) -> bool:
    """A list of events, or an envelope: the shapes that can be large."""
    if found.top == "start_array":
        return True
    keys = found.top_keys
    if found.root is None or ("message" in keys and "bookmakers" not in keys):
        return False  # an error body, a single event, or not a response at all
    return "timestamp" in keys or found.error is not None


def _format_of(vote: FormatVote) -> str:
    return "american" if vote.is_american else "decimal"


def _parse_document(path: Path, document: Any, captured_at, odds_format: str) -> Iterator[Item]:
    """A document read whole: an error body, a single event, or a small file."""
    origin = str(path)
    if isinstance(document, list):
        return parse_events(
            document, captured_at=captured_at, odds_format=odds_format, origin=origin
        )
    if not isinstance(document, dict):
        raise _unknown_format(path, document)
    if "message" in document and "bookmakers" not in document:
        raise _api_error(path, document)
    if "timestamp" in document and "data" in document:
        events = document["data"]
        if isinstance(events, dict):
            events = [events]  # the historical single-event endpoint
        if not isinstance(events, list):
            raise _unknown_format(path, document)
        when = captured_at or _envelope_time(path, document["timestamp"])
        return parse_events(events, captured_at=when, odds_format=odds_format, origin=origin)
    if "bookmakers" in document and "id" in document:
        return parse_events(
            [document], captured_at=captured_at, odds_format=odds_format, origin=origin
        )
    raise _unknown_format(path, document)


_CHUNK = 1 << 20
_SMALL_FILE = 4 << 20  # bytes of JSON the lenient reader may hold: about 50 MB of objects


def capture_times(path: str | Path) -> tuple[datetime, datetime] | None:
    """(earliest, latest) capture time of a file without parsing it, to order backfills.

    Every capture in one file shares one time, so both are the same: the envelope's
    timestamp, else the newest ``last_update``. None when the file tells nothing. Reads
    the file in 1 MB pieces.
    """
    first_byte, timestamp, newest = None, None, NewestTime()
    try:
        with Reader(Path(path)) as reader:
            for window in reader.windows(_CHUNK, 256):
                if first_byte is None and window.strip():
                    first_byte = window.lstrip()[:1]
                match = timestamp is None and first_byte == b"{" and _TIMESTAMP_FIELD.search(window)
                if match:
                    timestamp = _try_time(match.group(1))
                for match in _LAST_UPDATE_FIELD.finditer(window):
                    newest.add(match.group(1).decode("utf-8", "replace"))
    except SourceError:
        return None
    when = timestamp or newest.value
    return (when, when) if when is not None else None


def _try_time(raw: bytes) -> datetime | None:
    try:
        return parse_utc(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _small_document(path: Path) -> Any:
    """The whole document by the lenient reader when the file is small, else None."""
    with Reader(path) as reader:
        data = reader.read_up_to(_SMALL_FILE)
    return None if data is None else _load_json(path, data)


def _read_bytes(path: Path) -> bytes:
    with Reader(path) as reader:
        return reader.read()


def _load_json(path: Path, data: bytes | None = None) -> Any:
    data = _read_bytes(path) if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            "bad_json",
            f"{path} is not UTF-8 text (byte {exc.start}), so not a JSON response",
            {"file": str(path), "position": exc.start},
        ) from None
    if not text.strip():
        raise SourceError("bad_json", f"{path} is empty, not a JSON response", {"file": str(path)})
    # Decimal keeps decimal odds exact: 2.15 must not become 2.1499999...
    return parse_json_text(text, path=path, what="an odds response", parse_float=Decimal)


def _api_error(path: Path, body: dict) -> SourceError:
    message, code = body.get("message"), body.get("error_code")
    return SourceError(
        "api_error",
        f"{path} holds an error answer from The Odds API, not odds: {message!r}"
        + (f" (error_code {code})" if code else ""),
        {"file": str(path), **json_safe({k: v for k, v in body.items() if isinstance(k, str)})},
    )


def _unknown_format(path: Path, document: Any) -> SourceError:
    found = (
        f"an object with keys {sorted(map(str, document))[:10]}"
        if isinstance(document, dict)
        else f"a JSON {type(document).__name__}"
    )
    return SourceError(
        "unknown_format",
        f"{path} is not a The Odds API v4 odds response: found {found}; "
        f"expected {_ACCEPTED_SHAPES}",
        {"file": str(path), "found": found},
    )


def _envelope_time(path: Path, value: Any) -> datetime:
    try:
        return parse_utc(value)
    except ValueError as exc:
        raise SourceError(
            "bad_time",
            f"{path}: the envelope's timestamp is not a time ({exc}); pass --captured-at",
            {"file": str(path), "timestamp": json_safe(value)},
        ) from None


# --- events --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Response:
    """What is decided once per response: when, which odds format, which scope."""

    captured_at: datetime
    odds_format: str
    scope: frozenset
    origin: str
    seen_events: set[str] = field(default_factory=set)


class _Dropped(Exception):
    """A market that cannot be kept; carries the Problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


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
    _check_odds_format(odds_format, origin)
    if not isinstance(events, list):
        raise SourceError(
            "unknown_format",
            f"{origin or 'the response'} is not a list of events; expected {_ACCEPTED_SHAPES}",
            {"origin": origin, "found": type(events).__name__},
        )
    markets = list(_raw_markets(events))
    response = _Response(
        captured_at=_capture_time(events, captured_at, origin),
        odds_format=_decide_format(markets, odds_format),
        scope=scope if scope is not None else scope_for(m.get("key") for m in markets),
        origin=origin,
    )
    return _iter_events(events, response)


def _check_odds_format(odds_format: str, origin: str) -> None:
    if odds_format not in ODDS_FORMATS:
        raise SourceError(
            "bad_odds_format",
            f"odds format {odds_format!r} is not one of {', '.join(ODDS_FORMATS)}",
            {"odds_format": odds_format, "origin": origin},
        )


def _iter_events(events: Iterable, response: _Response) -> Iterator[Item]:
    for index, raw_event in enumerate(events):
        yield from _parse_event(raw_event, index, response)


def _raw_markets(events: list) -> Iterator[dict]:
    for event in events:
        for bookmaker in _dicts(event.get("bookmakers") if isinstance(event, dict) else None):
            yield from _dicts(bookmaker.get("markets"))


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _capture_time(events: list, given: datetime | None, origin: str) -> datetime:
    if given is not None:
        return _resolve_time(given, 0, None, origin)
    times, bookmakers = [], 0
    for event in _dicts(events):
        for bookmaker in _dicts(event.get("bookmakers")):
            bookmakers += 1
            stamps = [bookmaker.get("last_update")]
            stamps += [m.get("last_update") for m in _dicts(bookmaker.get("markets"))]
            times += [t for s in stamps if s is not None and (t := _maybe_time(s))]
    return _resolve_time(None, bookmakers, max(times, default=None), origin)


def _resolve_time(
    given: datetime | None, bookmakers: int, newest: datetime | None, origin: str
) -> datetime:
    if given is not None:
        return given.replace(tzinfo=UTC) if given.tzinfo is None else given.astimezone(UTC)
    if not bookmakers:
        return _NOTHING_TO_CAPTURE  # no capture will carry it; an empty list is no error
    if newest is None:
        raise SourceError(
            "missing_capture_time",
            f"{origin or 'the response'} has no last_update to tell when it was captured; "
            "pass --captured-at with the time it was fetched (ISO-8601, UTC)",
            {"origin": origin},
        )
    return newest


def _maybe_time(value: Any) -> datetime | None:
    try:
        return parse_utc(value)
    except ValueError:
        return None


def _decide_format(markets: list[dict], odds_format: str) -> str:
    if odds_format != "auto":
        return odds_format
    prices = [o.get("price") for m in markets for o in _dicts(m.get("outcomes"))]
    return "american" if looks_american(prices) else "decimal"


def _parse_event(raw: Any, index: int, response: _Response) -> Iterator[Item]:
    where = {"origin": response.origin, "event_index": index}
    if not isinstance(raw, dict):
        yield Problem(
            "bad_event",
            f"event #{index} in {response.origin or 'the response'} is not an object; skipped",
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
            f"event {event.source_event_id} ({event.name}) appears twice in "
            f"{response.origin or 'the response'}; the repeat was skipped",
            {**where, "event_id": event.source_event_id},
            event=event,
        )
        return
    response.seen_events.add(event.source_event_id)
    bookmakers = raw.get("bookmakers", [])
    if not isinstance(bookmakers, list):
        yield Problem(
            "bad_event",
            f"event {event.source_event_id} ({event.name}) in {response.origin or 'the response'}"
            " has bookmakers that are not a list; skipped",
            {**where, "event_id": event.source_event_id, "fragment": json_safe(bookmakers)},
            event=event,
        )
        return
    seen_books: set[str] = set()
    for bookmaker in bookmakers:
        yield from _parse_bookmaker(bookmaker, event, seen_books, response)


def _event_ref(raw: dict, where: dict, response: _Response) -> EventRef | Problem:
    event_id = raw.get("id")
    label = f"event {event_id}" if event_id else f"event #{where['event_index']}"
    label += f" in {response.origin or 'the response'}"
    context = {**where, "event_id": json_safe(event_id), "fragment": _event_fragment(raw)}
    if not isinstance(event_id, str) or not event_id.strip():
        return Problem("missing_event_id", f"{label} has no id; skipped", context)
    sport_key = raw.get("sport_key")
    if not isinstance(sport_key, str) or not _SLUG.match(sport_key.strip().lower()):
        return Problem(
            "bad_sport", f"{label} has no usable sport_key ({sport_key!r}); skipped", context
        )
    home, away = _team(raw.get("home_team")), _team(raw.get("away_team"))
    if not home and not away and _competitors(raw):
        return _outright_ref(raw, label, context)
    if not home or not away:
        missing = " and ".join(n for n, t in (("home_team", home), ("away_team", away)) if not t)
        return Problem(
            "missing_team",
            f"{label} has no {missing} (an event without teams is stored only as an "
            "outright, with outrights markets naming its competitors); skipped",
            context,
        )
    try:
        commence_time = parse_utc(raw.get("commence_time"))
    except ValueError as exc:
        return Problem("bad_time", f"{label} has a bad commence_time: {exc}; skipped", context)
    sport_key = sport_key.strip().lower()
    sport, sport_name = sport_of(sport_key)
    title = raw.get("sport_title")
    return EventRef(
        source=SOURCE,
        source_event_id=event_id.strip(),
        sport_key=sport,
        sport_name=sport_name,
        tournament_key=sport_key,
        tournament_name=title.strip() if isinstance(title, str) and title.strip() else sport_key,
        home_team=home,
        away_team=away,
        commence_time=commence_time,
    )


def _outright_ref(raw: dict, label: str, context: dict) -> EventRef | Problem:
    """An event without teams whose markets name competitors (a league or tournament
    winner): stored as an outright, outcomes named by competitor."""
    try:
        commence_time = parse_utc(raw.get("commence_time"))
    except ValueError as exc:
        return Problem("bad_time", f"{label} has a bad commence_time: {exc}; skipped", context)
    sport_key = raw["sport_key"].strip().lower()
    sport, sport_name = sport_of(sport_key)
    title = raw.get("sport_title")
    title = title.strip() if isinstance(title, str) and title.strip() else sport_key
    return EventRef(
        source=SOURCE,
        source_event_id=raw["id"].strip(),
        sport_key=sport,
        sport_name=sport_name,
        tournament_key=sport_key,
        tournament_name=title,
        home_team="",
        away_team="",
        commence_time=commence_time,
        kind=OUTRIGHT,
        title=title,
        competitors=tuple(
            Competitor(name, sort_order=i) for i, name in enumerate(_competitors(raw), 1)
        ),
    )


def _competitors(raw: dict) -> list[str]:
    """Outcome names of the event's outrights markets, in order of first appearance."""
    names: dict[str, None] = {}
    for book in _dicts(raw.get("bookmakers")):
        for market in _dicts(book.get("markets")):
            if map_market_key(str(market.get("key", "")).strip().lower()).kind != "outrights":
                continue
            for outcome in _dicts(market.get("outcomes")):
                name = outcome.get("name")
                if isinstance(name, str) and name.strip():
                    names.setdefault(name.strip())
    return list(names)


def _team(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _event_fragment(raw: dict) -> dict:
    # The event without its bookmakers: enough to find it, small enough to log.
    return json_safe({k: v for k, v in raw.items() if k != "bookmakers"})


# --- bookmakers and markets ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a market sits, for Problem messages and context."""

    event: EventRef
    bookmaker: str
    origin: str

    def describe(self, market_key: Any = None) -> str:
        place = (
            f"bookmaker {self.bookmaker}, event {self.event.source_event_id} ({self.event.name})"
        )
        if self.origin:
            place += f" in {self.origin}"
        return f"market {market_key} of {place}" if market_key is not None else place

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "event_id": self.event.source_event_id,
            "bookmaker": self.bookmaker,
            **json_safe(extra),
        }

    def problem(self, error_type: str, message: str, **extra: Any) -> Problem:
        return Problem(
            error_type,
            message,
            self.context(**extra),
            bookmaker_key=self.bookmaker if _SLUG.match(self.bookmaker) else None,
            event=self.event,
        )


def _parse_bookmaker(
    raw: Any, event: EventRef, seen: set[str], response: _Response
) -> Iterator[Item]:
    key = raw.get("key") if isinstance(raw, dict) else None
    where = _Where(event, key.strip().lower() if isinstance(key, str) else "?", response.origin)
    if not isinstance(raw, dict) or not _SLUG.match(where.bookmaker):
        yield where.problem(
            "bad_bookmaker",
            f"a bookmaker entry without a usable key ({key!r}) in {where.describe()}; skipped",
            fragment=raw,
        )
        return
    if not isinstance(raw.get("markets"), list):
        yield where.problem(
            "bad_bookmaker",
            f"{where.describe()} has no list of markets; skipped",
            fragment=raw,
        )
        return
    if where.bookmaker in seen:
        yield where.problem(
            "duplicate_bookmaker",
            f"{where.describe()} appears twice; the repeat was skipped",
        )
        return
    seen.add(where.bookmaker)
    updated_at = None
    if raw.get("last_update") is not None:
        updated_at = _maybe_time(raw["last_update"])
        if updated_at is None:
            yield where.problem(
                "bad_time",
                f"{where.describe()}: last_update {raw['last_update']!r} is not a time; "
                "the prices are kept without it",
                last_update=raw["last_update"],
            )
    markets, problems, dropped = _parse_markets(raw["markets"], where, response.odds_format)
    yield from problems
    yield Capture(
        event=event,
        bookmaker=_bookmaker_ref(raw, where.bookmaker),
        captured_at=response.captured_at,
        markets=tuple(markets),
        source_updated_at=updated_at,
        scope=response.scope,
        # A market dropped for bad input was not seen to disappear: do not judge its key.
        skipped_keys=frozenset(dropped),
        raw=json_safe({"event_id": event.source_event_id, **raw}),
    )


def _bookmaker_ref(raw: dict, key: str) -> BookmakerRef:
    title = raw.get("title")
    lay = any(str(m.get("key", "")).endswith(_LAY) for m in _dicts(raw.get("markets")))
    return BookmakerRef(
        key=key,
        name=title.strip() if isinstance(title, str) and title.strip() else key,
        is_exchange=key in EXCHANGES or lay,
    )


def _parse_markets(
    raw_markets: list, where: _Where, odds_format: str
) -> tuple[list[Market], list[Problem], set[tuple[str, str]]]:
    """Markets, Problems, and the (key, period) of the markets dropped for bad input.

    Each raw market becomes one Market (or one per line for alternates). Plain markets
    go first so that an alternate market repeating the main line does not replace it;
    a repeat of an identity already kept is skipped.
    """
    ordered = sorted(
        raw_markets,
        key=lambda m: isinstance(m, dict) and map_market_key(str(m.get("key"))).alternate,
    )
    kept: dict[tuple, Market] = {}
    problems: list[Problem] = []
    dropped: set[tuple[str, str]] = set()
    for raw in ordered:
        try:
            built = _build_markets(raw, where, odds_format)
        except _Dropped as exc:
            problems.append(exc.problem)
            raw_key = raw.get("key") if isinstance(raw, dict) else None
            if isinstance(raw_key, str):
                dropped.add(map_market_key(raw_key.strip().lower()).scope_entry)
            continue
        for market in built:
            first = kept.setdefault(market.identity, market)
            if first is not market and first.outcomes != market.outcomes:
                # The kept one stands, so its key is still judged.
                problems.append(
                    where.problem(
                        "duplicate_market",
                        f"{where.describe(market.key)} (period {market.period}, line "
                        f"{market.line}) is given twice with different prices; the first "
                        "was kept",
                        market_key=raw.get("key"),
                        fragment=raw,
                    )
                )
    return list(kept.values()), problems, dropped


def _build_markets(raw: Any, where: _Where, odds_format: str) -> list[Market]:
    raw_key = raw.get("key") if isinstance(raw, dict) else None
    if not isinstance(raw_key, str) or not isinstance(raw.get("outcomes"), list):
        raise _Dropped(
            where.problem(
                "bad_market",
                f"a market without a key or a list of outcomes in {where.describe()}; skipped",
                market_key=raw_key if isinstance(raw_key, str) else None,
                fragment=raw,
            )
        )
    meaning = map_market_key(raw_key.strip().lower())
    if not _SLUG.match(meaning.key):
        raise _Dropped(
            where.problem(
                "bad_market",
                f"{where.describe(repr(raw_key))}: the key is not a snake_case name; skipped",
                market_key=raw_key,
                fragment=raw,
            )
        )
    rows = [_outcome(o, raw, meaning, where, odds_format) for o in raw["outcomes"]]
    groups: dict[Decimal | None, list[Outcome]] = {}
    for name, price, line in rows:
        groups.setdefault(line, []).append(Outcome(name=name, price=price))
    if meaning.kind in _LINE_KINDS and not meaning.alternate and len(groups) > 1:
        raise _Dropped(_inconsistent_line(raw, raw_key, meaning, where))
    markets = []
    for line, outcomes in groups.items():
        names = [o.name for o in outcomes]
        if len(set(names)) != len(names):
            raise _Dropped(
                where.problem(
                    "duplicate_outcome",
                    f"{where.describe(raw_key)} names an outcome twice ({names}); skipped",
                    market_key=raw_key,
                    fragment=raw,
                )
            )
        markets.append(
            Market(key=meaning.key, outcomes=tuple(outcomes), period=meaning.period, line=line)
        )
    return markets


def _inconsistent_line(raw: dict, raw_key: str, meaning: MarketKey, where: _Where) -> Problem:
    points = [o.get("point") for o in _dicts(raw.get("outcomes"))]
    why = (
        "the Over and Under points differ"
        if meaning.kind == "totals"
        else "the home and away points are not opposite"
    )
    return where.problem(
        "inconsistent_line",
        f"{where.describe(raw_key)}: {why} ({json_safe(points)}); skipped",
        market_key=raw_key,
        points=points,
        fragment=raw,
    )


def _outcome(
    raw: Any, market: dict, meaning: MarketKey, where: _Where, odds_format: str
) -> tuple[str, Decimal, Decimal | None]:
    """(role name, decimal price, line) of one outcome, or _Dropped for its market."""
    raw_key = market["key"]
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise _Dropped(
            where.problem(
                "unknown_outcome",
                f"{where.describe(raw_key)} has an outcome without a name; skipped",
                market_key=raw_key,
                outcome=raw,
                fragment=market,
            )
        )
    name = _role(raw, meaning.kind, where.event)
    if name is None:
        raise _Dropped(
            where.problem(
                "unknown_outcome",
                f"{where.describe(raw_key)}: outcome {raw['name']!r} is neither team "
                f"({where.event.home_team!r}, {where.event.away_team!r}) nor one of "
                f"{_expected_names(meaning.kind)}; skipped",
                market_key=raw_key,
                outcome=raw["name"],
                fragment=market,
            )
        )
    try:
        price = to_decimal_odds(raw.get("price"), odds_format)
    except BadPrice as exc:
        raise _Dropped(
            where.problem(
                "bad_price",
                f"{where.describe(raw_key)}, outcome {raw['name']!r}: {_price_reason(exc)} "
                f"(read as {odds_format} odds); the market was skipped",
                market_key=raw_key,
                outcome=raw["name"],
                price=raw.get("price"),
                odds_format=odds_format,
                fragment=market,
            )
        ) from None
    return name, price, _line(raw, name, meaning, where, market)


def _price_reason(exc: BadPrice) -> str:
    """BadPrice's text with the price as the feed wrote it, not as a Decimal repr."""
    reason = str(exc).removeprefix(f"price {exc.value!r} ")
    return f"price {json.dumps(json_safe(exc.value))} {reason}"


def _role(raw: dict, kind: str, event: EventRef) -> str | None:
    name = raw["name"].strip()
    if kind in _TEAM_ROLES:
        role = _team_role(name, event)
        return role if role in _TEAM_ROLES[kind] else None
    if kind in _FIXED_NAMES:
        return _FIXED_NAMES[kind].get(name.lower())
    if kind == "outrights":
        return name or None
    # Any other market: roles where the name is a team, else the name as given, lowered.
    label = _team_role(name, event) or name.lower()
    description = raw.get("description")
    if isinstance(description, str) and description.strip():
        # Team totals and props name the team or player here, the side in ``name``.
        who = description.strip()
        label = f"{_team_role(who, event) or who.lower()}_{label}"
    return label or None


def _team_role(name: str, event: EventRef) -> str | None:
    if name == event.home_team:
        return "home"
    if name == event.away_team:
        return "away"
    if name.lower() == "draw":
        return "draw"
    return None


def _expected_names(kind: str) -> list[str]:
    if kind in _FIXED_NAMES:
        return [n.title() for n in _FIXED_NAMES[kind]]
    return ["Draw"] if "draw" in _TEAM_ROLES.get(kind, ()) else []


def _line(raw: dict, role: str, meaning: MarketKey, where: _Where, market: dict) -> Decimal | None:
    """The market line this outcome belongs to: the home handicap, or the total."""
    point = raw.get("point")
    if point is None:
        if meaning.kind in _LINE_KINDS:
            raise _Dropped(
                where.problem(
                    "missing_point",
                    f"{where.describe(market['key'])}: outcome {raw['name']!r} has no point; "
                    "skipped",
                    market_key=market["key"],
                    outcome=raw["name"],
                    fragment=market,
                )
            )
        return None
    try:
        line = _exact(point)
    except ValueError:
        raise _Dropped(
            where.problem(
                "bad_point",
                f"{where.describe(market['key'])}: outcome {raw['name']!r} has point "
                f"{json_safe(point)!r}, not a number; skipped",
                market_key=market["key"],
                outcome=raw["name"],
                point=point,
                fragment=market,
            )
        ) from None
    exponent = line.normalize().as_tuple().exponent  # an int: _exact returns finite numbers
    if abs(line) > _MAX_LINE or (isinstance(exponent, int) and exponent < -3):
        # The store keeps lines to 3 places; rounding would merge distinct lines.
        raise _Dropped(
            where.problem(
                "bad_point",
                f"{where.describe(market['key'])}: outcome {raw['name']!r} has point "
                f"{json_safe(point)!r}, beyond the 3 decimal places and ±{_MAX_LINE} a line may "
                "have; skipped",
                market_key=market["key"],
                outcome=raw["name"],
                point=point,
                fragment=market,
            )
        )
    # The away side's +3.5 is the home side's -3.5: both belong to the same line.
    if meaning.kind == "spreads" and role == "away":
        line = -line
    return _tidy(line)


def _exact(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(value)
    if isinstance(value, str) and "_" in value:  # Decimal reads "1_5" as 15
        raise ValueError(value)
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _tidy(line: Decimal) -> Decimal:
    """One spelling per line: 236.0 and 236 are one line, and -0 is 0."""
    if line == 0:
        return Decimal(0)
    return line.quantize(Decimal(1)) if line == line.to_integral() else line.normalize()

"""OddsHarvester (OddsPortal scraper) JSON files as normalized captures.

OddsHarvester (github.com/jordantete/OddsHarvester) writes one JSON list per run: one record
per match and scrape, with ``scraped_date``/``match_date`` as ``"YYYY-MM-DD HH:MM:SS UTC"``
and one ``<market>_market`` list per requested market, each entry one bookmaker's prices as
decimal strings. A run also leaves a ``metadata.json`` (a dict, not captures).

How the files map into the store (a user needs these rules to read the data):

- One :class:`Capture` per (record, bookmaker): that bookmaker's entries from every
  ``<market>_market`` list of the record. ``captured_at`` is ``scraped_date``, the event's
  start ``match_date``.
- The event is identified by OddsPortal's match id, the 8-character id that ends
  ``match_link`` (``.../leicester-brentford-xQ77QTN0`` or ``.../h2h/a/b/#xQ77QTN0``); the
  whole link when there is none. Sport, country and league come from the link's path
  (``/football/england/premier-league/...`` -> ``soccer``, ``England``,
  ``england_premier_league``; a season suffix such as ``-2023-2024`` is dropped so a league
  keeps one key across seasons). Newer OddsHarvester versions write head-to-head links
  without country or league: the tournament key is then the slug of ``league_name`` alone
  (``premier_league``) and the country is left empty, as nothing in the record says it.
- Markets (keys from OddsHarvester's ``core/sport_market_registry.py`` and
  ``utils/sport_market_constants.py``): ``1x2`` -> ``h2h`` (``1``/``X``/``2`` -> home/draw/
  away), ``btts`` -> ``btts``, ``double_chance`` -> ``double_chance``, ``dnb`` ->
  ``draw_no_bet``, ``over_under_<n>`` (also ``_games_``/``_points_``) -> ``totals``,
  ``asian_handicap_<n>`` (and basketball's ``asian_handicap_games_<n>_games``, tennis'
  ``..._games``, volleyball's ``..._points``) and rugby/handball ``handicap_<n>`` ->
  ``spreads``, ``european_handicap_<n>`` -> ``european_handicap``. The line is read from the
  key (``asian_handicap_-1_5`` -> ``-1.5``, the home side's handicap as OddsPortal shows it).
  Tennis/volleyball set lines keep keys of their own: ``totals_sets``, ``spreads_sets``.
  In sports whose winner market includes overtime (basketball, ice hockey, American
  football, baseball) and in tennis/volleyball/cricket, ``home_away``/``match_winner`` is
  ``h2h`` and ``1x2`` is the regulation-time ``h2h_3_way``; elsewhere ``1x2`` is ``h2h``
  and ``home_away`` is ``h2h_2_way``. Correct-score markets are not mapped (reported as
  ``unknown_market``).
- Periods: ``FullTime``/``FullIncludingOT`` -> ``full_time`` (baseball's ``FullTime``, nine
  innings without extras, is ``regulation_time``), ``FirstHalf`` -> ``first_half``,
  ``FirstQuarter`` -> ``first_quarter``, ``FirstPeriod`` -> ``first_period``, ``FirstSet``
  -> ``first_set`` and so on.
- ``blocked_outcomes`` (a list of the entry's odds labels, e.g. ``["X"]``) marks prices
  OddsPortal strikes through: those outcomes are ``suspended`` with the struck price kept.
  A struck outcome without a price drops its market (``suspended_without_price``).
- An entry whose every price is OddsPortal's ``-`` placeholder means the bookmaker shows no
  odds: the market is left out silently (and, being in scope, is judged gone).
- ``Capture.scope`` is the set of market identities (key, period, line) of this record's
  non-empty lists: a file
  reports only the markets it was asked for. Empty lists (OddsHarvester writes ``[]`` when
  a market tab could not be read as well as when nobody offers it) and ``null`` lists (a
  failed market) are not in scope. Keys of which a market was dropped as bad input are in
  ``skipped_keys`` so the store never judges them gone.
- Entries without ``bookmaker_name`` (OddsHarvester's preview mode: each line's best odds,
  not one bookmaker's) are skipped with one ``missing_bookmaker`` problem per list.
- ``odds_history_data`` (odds-history mode) is kept in ``raw`` only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from odds.captures import (
    OPEN,
    SUSPENDED,
    BookmakerRef,
    Capture,
    EventRef,
    Market,
    Outcome,
    Problem,
)
from odds.prices import BadPrice, from_decimal
from scraping.sources.base import Item, SourceError, json_safe, parse_json_text, parse_utc

SOURCE = "oddsharvester"
MARKET_SUFFIX = "_market"

# OddsHarvester's Sport values (utils/sport_market_constants.py) -> the store's sport.
SPORTS: dict[str, tuple[str, str]] = {
    "football": ("soccer", "Soccer"),
    "basketball": ("basketball", "Basketball"),
    "tennis": ("tennis", "Tennis"),
    "ice-hockey": ("icehockey", "Ice Hockey"),
    "baseball": ("baseball", "Baseball"),
    "american-football": ("americanfootball", "American Football"),
    "rugby-league": ("rugbyleague", "Rugby League"),
    "rugby-union": ("rugbyunion", "Rugby Union"),
    "handball": ("handball", "Handball"),
    "volleyball": ("volleyball", "Volleyball"),
    "cricket": ("cricket", "Cricket"),
}
# Where the two-way winner is the main market, so 1X2 is the regulation-time three-way.
TWO_WAY_WINNER_SPORTS = frozenset(
    {"basketball", "icehockey", "americanfootball", "baseball", "tennis", "volleyball", "cricket"}
)

# Period values from OddsHarvester's utils/period_constants.py (get_internal_value).
PERIODS = {
    "FullTime": "full_time",
    "FullIncludingOT": "full_time",
    "FirstHalf": "first_half",
    "SecondHalf": "second_half",
    "FirstQuarter": "first_quarter",
    "SecondQuarter": "second_quarter",
    "ThirdQuarter": "third_quarter",
    "FourthQuarter": "fourth_quarter",
    "FirstPeriod": "first_period",
    "SecondPeriod": "second_period",
    "ThirdPeriod": "third_period",
    "FirstSet": "first_set",
    "SecondSet": "second_set",
    "ThirdSet": "third_set",
    "FourthSet": "fourth_set",
    "FifthSet": "fifth_set",
}
# Baseball offers both: "FullTime" there is nine innings, so it must not overwrite full_time.
SPORT_PERIODS = {"baseball": {"FullTime": "regulation_time"}}

EXCHANGES = frozenset({"smarkets", "matchbook", "betdaq"})

# OddsPortal renders " - " for a bookmaker row without odds (docs/agentic-gotchas.md §18).
PLACEHOLDERS = frozenset({"-", ""})

Roles = tuple[tuple[str, tuple[str, ...]], ...]  # (outcome role, odds labels that carry it)

# Odds labels per market, from core/sport_market_registry.py (odds_labels=...).
H2H_3: Roles = (("home", ("1",)), ("draw", ("X",)), ("away", ("2",)))
H2H_2: Roles = (("home", ("1", "player_1")), ("away", ("2", "player_2")))
BTTS: Roles = (("yes", ("btts_yes",)), ("no", ("btts_no",)))
DOUBLE_CHANCE: Roles = (("home_draw", ("1X",)), ("home_away", ("12",)), ("draw_away", ("X2",)))
DRAW_NO_BET: Roles = (("home", ("dnb_team1",)), ("away", ("dnb_team2",)))
TOTALS: Roles = (("over", ("odds_over",)), ("under", ("odds_under",)))
HANDICAP_2: Roles = tuple(
    (
        role,
        tuple(
            label.format(n=n)
            for label in (
                "team{n}_handicap",  # football
                "handicap_team_{n}",  # basketball, rugby, handball
                "games_handicap_player_{n}",  # tennis games
                "sets_handicap_player_{n}",  # tennis sets
                "sets_handicap_team_{n}",  # volleyball sets
                "points_handicap_team_{n}",  # volleyball points
                "{n}",  # American football
            )
        ),
    )
    for role, n in (("home", 1), ("away", 2))
)
HANDICAP_3: Roles = (
    ("home", ("team1_handicap",)),
    ("draw", ("draw_handicap",)),
    ("away", ("team2_handicap",)),
)

# At most 5 digits and 3 decimals: what the store's line column holds (odds/ingest/validation.py).
_LINE = r"(?P<line>[+-]?\d{1,5}(?:_\d{1,3})?)"
LINE_MARKETS: tuple[tuple[re.Pattern[str], str, Roles], ...] = (
    (re.compile(rf"over_under_(?:games_|points_)?{_LINE}"), "totals", TOTALS),
    (re.compile(rf"over_under_sets_{_LINE}"), "totals_sets", TOTALS),
    (re.compile(rf"asian_handicap_(?:games_)?{_LINE}(?:_games|_points)?"), "spreads", HANDICAP_2),
    (re.compile(rf"asian_handicap_{_LINE}_sets"), "spreads_sets", HANDICAP_2),
    (re.compile(rf"handicap_{_LINE}"), "spreads", HANDICAP_2),
    (re.compile(rf"european_handicap_{_LINE}"), "european_handicap", HANDICAP_3),
)

_MATCH_ID = re.compile(r"-(?=[a-z]*[A-Z0-9])([A-Za-z0-9]{8})$")
_FRAGMENT_ID = re.compile(r"^[A-Za-z0-9]{8}$")
_SLUG_SEASON = re.compile(r"-\d{4}(?:-\d{4})?$")
_NAME_SEASON = re.compile(r"\s+\d{4}(?:\s*[/-]\s*\d{2,4})?$")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_SCRAPED_DATE = re.compile(rb'"scraped_date"\s*:\s*"([^"\\]*)"')
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """What one ``<market>_market`` list holds, in the store's vocabulary."""

    key: str
    roles: Roles
    line: Decimal | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    list_key: str
    spec: MarketSpec
    data: dict[str, Any]


# --- files -------------------------------------------------------------------------------


def parse_file(path: str | PathLike[str]) -> Iterator[Item]:
    """Captures and problems of one OddsHarvester file.

    ``metadata.json`` (a dict naming the match and its fixtures) yields nothing: it holds
    no prices. Raises SourceError for a file that is missing, not JSON or not OddsHarvester's.
    """
    path = Path(path)
    data = _load_json(path)
    if isinstance(data, dict) and _is_metadata(data):
        return
    if not isinstance(data, list) or (data and not any(_looks_like_record(r) for r in data)):
        raise SourceError(
            "unknown_format",
            f"{path} is not an OddsHarvester capture file (expected a JSON list of match "
            f"records with scraped_date and <market>_market lists, got {_shape(data)})",
            {"file": str(path), "shape": _shape(data)},
        )
    yield from parse_records(data, origin=str(path))


def capture_times(path: str | PathLike[str]) -> tuple[datetime, datetime] | None:
    """Earliest and latest ``scraped_date`` in a file, or None when it has none.

    Scans the bytes instead of building the JSON, so ordering many files before ingesting
    them (captures may arrive out of order) costs little. Unparseable dates are ignored
    here; parse_file reports them.
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    times = []
    for raw in _SCRAPED_DATE.findall(content):
        try:
            times.append(parse_utc(raw.decode("utf-8", "replace")))
        except ValueError:
            continue
    return (min(times), max(times)) if times else None


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _missing(path) from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            "bad_json",
            f"{path} is not UTF-8 text (bad byte at position {exc.start}); re-export it",
            {"file": str(path), "position": exc.start},
        ) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return parse_json_text(text, path=path, what="an OddsHarvester file")


def _missing(path: Path) -> SourceError:
    return SourceError(
        "missing_file",
        f"OddsHarvester file {path} does not exist; check the path",
        {"file": str(path)},
    )


def _unreadable(path: Path, exc: OSError) -> SourceError:
    return SourceError(
        "unreadable_file",
        f"OddsHarvester file {path} cannot be read: {exc.strerror or exc}",
        {"file": str(path)},
    )


def _is_metadata(data: dict[str, Any]) -> bool:
    return "match_id" in data or "available_fixtures" in data


def _looks_like_record(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    return "scraped_date" in record or any(k.endswith(MARKET_SUFFIX) for k in record)


def _shape(data: object) -> str:
    if isinstance(data, dict):
        return f"an object with keys {sorted(data)[:8]}"
    if isinstance(data, list):
        return f"a list of {len(data)} items, none a match record"
    return f"a JSON {type(data).__name__}"


# --- records -----------------------------------------------------------------------------


def parse_records(records: list, *, origin: str = "") -> Iterator[Item]:
    """Captures and problems of OddsHarvester's records (the content of one file).

    ``origin`` names where they came from (a file) in every problem's context.
    """
    for index, record in enumerate(records):
        for item in _parse_record(record, where={"origin": origin, "record": index}):
            # Contexts quote the record's own values, which may be NaN or nested deeply.
            yield (
                replace(item, context=json_safe(item.context))
                if isinstance(item, Problem)
                else item
            )


def _parse_record(record: object, *, where: dict[str, Any]) -> Iterator[Item]:
    if not isinstance(record, dict):
        yield Problem(
            "bad_record",
            f"{where['origin']}: record {where['record']} is not a JSON object; skipped",
            {**where, "value": repr(record)[:200]},
        )
        return
    where = {**where, "match_link": record.get("match_link"), "scraped": record.get("scraped_date")}
    header = _header(record, where=where)
    if isinstance(header, Problem):
        yield header
        return
    event, captured_at = header
    where = {**where, "match": event.source_event_id}
    entries, scope, problems = _entries_by_bookmaker(record, event=event, where=where)
    yield from problems
    for bookmaker, bookmaker_entries in entries.values():
        yield from _capture(
            event=event,
            bookmaker=bookmaker,
            captured_at=captured_at,
            entries=bookmaker_entries,
            scope=scope,
            where=where,
            event_url=record.get("match_link") or "",
        )


def _header(
    record: dict[str, Any], *, where: dict[str, Any]
) -> tuple[EventRef, datetime] | Problem:
    """The event and capture time of a record, or the problem that makes it unusable."""
    origin = where["origin"]
    times = {}
    for field in ("scraped_date", "match_date"):
        try:
            times[field] = parse_utc(record.get(field))
        except ValueError as exc:
            return Problem(
                "bad_time",
                f"{origin}: record {where['record']} has an unreadable {field}: {exc}; skipped",
                {**where, "field": field, "value": record.get(field)},
            )
    teams: dict[str, str] = {}
    for side in ("home_team", "away_team"):
        team = record.get(side)
        if not isinstance(team, str) or not team.strip():
            return Problem(
                "missing_team",
                f"{origin}: record {where['record']} ({record.get('match_link')}) has no "
                f"{side}; skipped",
                {**where, "field": side, "value": team},
            )
        teams[side] = team
    place = _place(record, where=where)
    if isinstance(place, Problem):
        return place
    event = EventRef(
        source=SOURCE,
        commence_time=times["match_date"],
        home_team=teams["home_team"].strip(),
        away_team=teams["away_team"].strip(),
        **place,
    )
    return event, times["scraped_date"]


def _place(record: dict[str, Any], *, where: dict[str, Any]) -> dict[str, Any] | Problem:
    """Match id, sport and tournament from ``match_link`` and ``league_name``."""
    link = record.get("match_link")
    segments, fragment = _link_parts(link)
    if not segments:
        return Problem(
            "bad_match_link",
            f"{where['origin']}: record {where['record']} has no usable match_link "
            f"({link!r}); skipped",
            {**where, "field": "match_link", "value": link},
        )
    sport_key, sport_name = _sport(segments[0])
    has_league = len(segments) >= 4 and segments[1] != "h2h"
    league_slug = _SLUG_SEASON.sub("", segments[2]) if has_league else ""
    name = _tournament_name(record.get("league_name"), league_slug)
    if not name:
        return Problem(
            "missing_tournament",
            f"{where['origin']}: record {where['record']} names no league (no league_name, "
            f"and match_link {link!r} has none); skipped",
            {**where, "field": "league_name", "value": record.get("league_name")},
        )
    key_source = f"{segments[1]}_{league_slug}" if has_league else name
    return {
        "source_event_id": _match_id(str(link), segments, fragment),  # a str: it has segments
        "sport_key": sport_key,
        "sport_name": sport_name,
        "tournament_key": _slug(key_source),
        "tournament_name": name,
        "country": _country(segments[1]) if has_league else "",
    }


def _link_parts(link: object) -> tuple[list[str], str]:
    if not isinstance(link, str) or not link.strip():
        return [], ""
    parts = urlsplit(link.strip())
    return [s for s in parts.path.split("/") if s], parts.fragment


def _match_id(link: str, segments: list[str], fragment: str) -> str:
    """OddsPortal's match id: after ``#`` in head-to-head links, else ending the last segment."""
    if _FRAGMENT_ID.match(fragment):
        return fragment
    if segments[1:2] != ["h2h"]:  # an h2h link's last segment ends in a *team* id
        found = _MATCH_ID.search(segments[-1])
        if found:
            return found.group(1)
    return link.strip()


def _sport(segment: str) -> tuple[str, str]:
    if segment in SPORTS:
        return SPORTS[segment]
    return re.sub(r"[^a-z0-9]", "", segment.lower()) or "unknown", segment.replace("-", " ").title()


def _tournament_name(league_name: object, league_slug: str) -> str:
    if isinstance(league_name, str) and league_name.strip():
        return _NAME_SEASON.sub("", league_name.strip()) or league_name.strip()
    return league_slug.replace("-", " ").title()


def _country(slug: str) -> str:
    special = {"usa": "USA", "uae": "UAE"}
    if slug in special:
        return special[slug]
    small = {"and", "of", "the"}
    words = slug.split("-")
    return " ".join(w if w in small and i else w.capitalize() for i, w in enumerate(words))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def bookmaker_ref(name: str) -> BookmakerRef | None:
    """``Betclic.fr`` -> ``betclic_fr``; None when the name has no letters or digits."""
    key = _slug(name)
    if not key:
        return None
    is_exchange = key in EXCHANGES or "exchange" in key.split("_")
    return BookmakerRef(key=key, name=name.strip(), is_exchange=is_exchange)


# --- market lists ------------------------------------------------------------------------


def market_spec(name: str, *, sport_key: str) -> MarketSpec | None:
    """The store's market for an OddsHarvester market name (its list key without ``_market``)."""
    two_way_first = sport_key in TWO_WAY_WINNER_SPORTS
    simple = {
        "1x2": ("h2h_3_way" if two_way_first else "h2h", H2H_3),
        "home_away": ("h2h" if two_way_first else "h2h_2_way", H2H_2),
        "match_winner": ("h2h", H2H_2),
        "btts": ("btts", BTTS),
        "double_chance": ("double_chance", DOUBLE_CHANCE),
        "dnb": ("draw_no_bet", DRAW_NO_BET),
    }
    if name in simple:
        return MarketSpec(*simple[name])
    for pattern, key, roles in LINE_MARKETS:
        found = pattern.fullmatch(name)
        if found:
            return MarketSpec(key, roles, _line(found["line"]))
    return None


def _line(text: str) -> Decimal:
    """``-1_5`` -> -1.5, ``+0_25`` -> 0.25, ``7_0`` -> 7: one value per line, however written."""
    number = Decimal(text.replace("_", "."))
    if number == number.to_integral_value():
        return number.quantize(Decimal(1)) + 0  # + 0 turns -0 into 0
    return number.normalize()


def _entries_by_bookmaker(
    record: dict[str, Any], *, event: EventRef, where: dict[str, Any]
) -> tuple[dict[str, tuple[BookmakerRef, list[_Entry]]], frozenset[tuple], list[Problem]]:
    """Each bookmaker's entries across the record's lists, the keys reported, the problems."""
    grouped: dict[str, tuple[BookmakerRef, list[_Entry]]] = {}
    scope: set[tuple] = set()
    problems: list[Problem] = []
    for list_key, value in record.items():
        if not list_key.endswith(MARKET_SUFFIX):
            continue
        spec = _list_spec(list_key, value, event=event, where=where, problems=problems)
        if spec is None:
            continue
        nameless = 0
        for data in value:
            bookmaker = _entry_bookmaker(data)
            if bookmaker is None:
                nameless += 1
                continue
            scope.add(_identity(spec, data, sport_key=event.sport_key))
            entry = _Entry(list_key, spec, data)
            grouped.setdefault(bookmaker.key, (bookmaker, []))[1].append(entry)
        if nameless:
            problems.append(
                Problem(
                    "missing_bookmaker",
                    f"{where['origin']}: {nameless} of {len(value)} entries of {list_key} in "
                    f"record {where['record']} name no bookmaker (OddsHarvester's preview mode "
                    "lists each line's best odds, not a bookmaker's); skipped",
                    {**where, "market": list_key, "skipped": nameless},
                    event=event,
                )
            )
    return grouped, frozenset(scope), problems


def _list_spec(
    list_key: str,
    value: object,
    *,
    event: EventRef,
    where: dict[str, Any],
    problems: list[Problem],
) -> MarketSpec | None:
    """The spec of a market list worth reading; a problem for a failed or unknown one."""
    origin, index = where["origin"], where["record"]
    if isinstance(value, list) and not value:
        return None  # OddsHarvester's "nothing read": neither prices nor proof of absence
    if not isinstance(value, list):
        failed = value is None
        problems.append(
            Problem(
                "market_not_scraped" if failed else "bad_market_list",
                f"{origin}: {list_key} in record {index} is "
                + ("null (OddsHarvester failed to scrape it)" if failed else "not a list")
                + "; skipped",
                {**where, "market": list_key, "value": repr(value)[:200]},
                event=event,
            )
        )
        return None
    spec = market_spec(list_key.removesuffix(MARKET_SUFFIX), sport_key=event.sport_key)
    if spec is None:
        problems.append(
            Problem(
                "unknown_market",
                f"{origin}: market {list_key} in record {index} has no mapping to the store's "
                "market vocabulary; skipped",
                {**where, "market": list_key},
                event=event,
            )
        )
    return spec


def _identity(spec: MarketSpec, data: dict[str, Any], *, sport_key: str) -> tuple:
    """The market identity an entry reports, or the key alone when its period is unknown.

    Each list is one (key, period, line), and two files of one match list different
    lines and periods of the same key: only the identity itself is judged gone.
    """
    period = _period(data.get("period"), sport_key=sport_key)
    return (spec.key,) if period is None else (spec.key, period, spec.line)


def _entry_bookmaker(data: object) -> BookmakerRef | None:
    if not isinstance(data, dict):
        return None
    name = data.get("bookmaker_name")
    return bookmaker_ref(name) if isinstance(name, str) else None


# --- one bookmaker -----------------------------------------------------------------------


def _capture(
    *,
    event: EventRef,
    bookmaker: BookmakerRef,
    captured_at: datetime,
    entries: list[_Entry],
    scope: frozenset[tuple],
    where: dict[str, Any],
    event_url: str,
) -> Iterator[Item]:
    """One bookmaker's capture; a problem per market dropped (the rest is kept)."""
    markets: list[Market] = []
    skipped: set[tuple] = set()
    seen: set[tuple[str, str, Decimal | None]] = set()
    for entry in entries:
        context = {
            **where,
            "bookmaker": bookmaker.name,
            "market": entry.list_key,
            "market_key": entry.spec.key,
        }
        result = _market(entry, sport_key=event.sport_key, context=context, seen=seen)
        if isinstance(result, Problem):
            yield Problem(
                result.error_type,
                result.message,
                result.context,
                bookmaker_key=bookmaker.key,
                event=event,
            )
            if result.error_type != "duplicate_market":
                skipped.add(_identity(entry.spec, entry.data, sport_key=event.sport_key))
        elif result is not None:
            markets.append(result)
    raw: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        raw.setdefault(entry.list_key, []).append(entry.data)
    yield Capture(
        event=event,
        bookmaker=bookmaker,
        captured_at=captured_at,
        markets=tuple(markets),
        scope=scope,
        skipped_keys=frozenset(skipped),
        event_url=event_url,
        raw=json_safe(raw),  # stored as jsonb with --store-raw: no NaN
    )


def _market(
    entry: _Entry,
    *,
    sport_key: str,
    context: dict[str, Any],
    seen: set[tuple[str, str, Decimal | None]],
) -> Market | Problem | None:
    """One entry as a market; None when the bookmaker shows no odds for it."""
    spec, data = entry.spec, entry.data
    where = f"{context['origin']}: {context['bookmaker']} {entry.list_key}"
    period = _period(data.get("period"), sport_key=sport_key)
    if period is None:
        return Problem(
            "bad_period",
            f"{where} has an unknown period {data.get('period')!r}; market skipped",
            {**context, "period": data.get("period")},
        )
    context = {**context, "period": period, "line": None if spec.line is None else str(spec.line)}
    identity = (spec.key, period, spec.line)
    if identity in seen:
        return Problem(
            "duplicate_market",
            f"{where} ({period}) is listed twice in record {context['record']}; the first kept",
            {**context, "entry": _small(data)},
        )
    seen.add(identity)
    mismatch = _line_mismatch(spec, data.get("submarket_name"))
    if mismatch:
        return Problem(
            "line_mismatch",
            f"{where}: submarket {data.get('submarket_name')!r} disagrees with the key's line "
            f"{spec.line}; market skipped",
            {**context, "submarket_name": data.get("submarket_name")},
        )
    return _priced_market(spec, data, period=period, where=where, context=context)


def _priced_market(
    spec: MarketSpec, data: dict[str, Any], *, period: str, where: str, context: dict[str, Any]
) -> Market | Problem | None:
    picked = _pick_labels(spec.roles, data)
    if isinstance(picked, str):
        return Problem(
            "missing_outcome",
            f"{where} has no price for {picked}; market skipped",
            {**context, "outcome": picked, "entry": _small(data)},
        )
    blocked = _blocked_labels(data.get("blocked_outcomes"))
    values = {label: data[label] for _, label in picked}
    if all(_is_placeholder(v) for v in values.values()) and not blocked & values.keys():
        return None
    outcomes = []
    for role, label in picked:
        raw = values[label]
        try:
            price = from_decimal(raw)
        except BadPrice as exc:
            struck = label in blocked and _is_placeholder(raw)
            return Problem(
                "suspended_without_price" if struck else "bad_price",
                f"{where} {label} ({role}): "
                + ("struck out with no price" if struck else str(exc))
                + "; market skipped",
                {**context, "outcome": role, "label": label, "value": raw},
            )
        outcomes.append(Outcome(role, price, SUSPENDED if label in blocked else OPEN))
    return Market(spec.key, tuple(outcomes), period, spec.line)


def _period(value: object, *, sport_key: str) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9]+", value):
        return None
    override = SPORT_PERIODS.get(sport_key, {})
    if value in override:
        return override[value]
    return PERIODS.get(value) or _CAMEL.sub("_", value).lower()


def _pick_labels(roles: Roles, data: dict[str, Any]) -> list[tuple[str, str]] | str:
    """(role, label) per outcome, the first label present winning; the missing role if any."""
    picked = []
    for role, labels in roles:
        label = next((lb for lb in labels if lb in data), None)
        if label is None:
            return role
        picked.append((role, label))
    return picked


def _blocked_labels(value: object) -> set[str]:
    """OddsHarvester writes ``blocked_outcomes`` as a list of the entry's odds labels
    (core/market_extraction/odds_parser.py, parse_market_odds); omitted when none."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _line_mismatch(spec: MarketSpec, submarket: object) -> bool:
    """Whether the entry's own line name (``Over/Under +2.5``) contradicts its list's key."""
    if spec.line is None or not isinstance(submarket, str):
        return False
    numbers = _NUMBER.findall(submarket)
    return len(numbers) == 1 and Decimal(numbers[0]) != spec.line


def _is_placeholder(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in PLACEHOLDERS)


def _small(data: dict[str, Any]) -> dict[str, Any]:
    """An entry for a problem's context, without the bulky odds history."""
    return {k: v for k, v in data.items() if k != "odds_history_data"}

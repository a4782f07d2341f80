"""Betfair markets in the store's vocabulary: the event, the market key, the outcomes.

| Betfair ``marketType`` | ``market_key`` | ``line`` | outcomes |
|---|---|---|---|
| ``MATCH_ODDS`` | ``h2h`` | null | home, away, draw (runner names against "A v B") |
| ``OVER_UNDER_25`` | ``totals`` | 2.5 | over, under |
| ``BOTH_TEAMS_TO_SCORE`` | ``btts`` | null | yes, no |
| ``ASIAN_HANDICAP`` | ``spreads`` | the home runner's handicap | home, away |
| ``WIN`` / ``PLACE`` | ``win`` / ``place`` | null | runner names |
| anything else | the type in snake_case | null | runner names |

The back market holds the best price available to back, ``<key>_lay`` the best
available to lay; the back market's outcomes also carry ``last_traded`` and
``traded_volume``. A BASIC file has no ladders: its back market's price is the last
traded price and it has no lay market.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from odds.captures import (
    FULL_TIME,
    OPEN,
    OUTRIGHT,
    RACE,
    SUSPENDED,
    Competitor,
    EventRef,
    Market,
    Outcome,
)
from odds.prices import BadPrice, from_decimal, price_text
from scraping.sources.base import parse_utc, storable_text
from scraping.sources.betfair.stream import MarketState, RunnerState

SOURCE = "betfair"
# Sports by Betfair event type id; keys match The Odds API's sport prefixes.
SPORTS = {
    "1": ("soccer", "Soccer"),
    "2": ("tennis", "Tennis"),
    "3": ("golf", "Golf"),
    "4": ("cricket", "Cricket"),
    "5": ("rugbyunion", "Rugby Union"),
    "7": ("horse_racing", "Horse Racing"),
    "1477": ("rugbyleague", "Rugby League"),
    "4339": ("greyhound_racing", "Greyhound Racing"),
    "6423": ("americanfootball", "American Football"),
    "7522": ("basketball", "Basketball"),
    "7524": ("icehockey", "Ice Hockey"),
}
RACING = frozenset({"7", "4339"})
_OVER_UNDER = re.compile(r"^OVER_UNDER_(\d+)$")
_RESULTS = {"WINNER": "winner", "LOSER": "loser", "PLACED": "placed", "REMOVED": "removed"}
_LISTED = frozenset({"ACTIVE", "WINNER", "LOSER", "PLACED"})  # not REMOVED, HIDDEN
_SETTLING = frozenset({"WIN", "WINNER"})  # market types whose result is the event's
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_ORDER = 2**31 - 1  # EventCompetitor.sort_order is a PostgreSQL integer
_MAX_VOLUME = 1e15  # beyond any market's matched money: a corrupt file


class Unmappable(ValueError):
    """A definition the store cannot place (no event id, no start time)."""


def event_ref(definition: dict) -> EventRef:
    event_id = _text(definition.get("eventId"))
    if not event_id:
        raise Unmappable("the market definition has no eventId")
    try:
        start = parse_utc(definition.get("marketTime") or definition.get("openDate"))
    except ValueError as error:
        raise Unmappable(f"the market definition has no usable marketTime: {error}") from None
    type_id = str(definition.get("eventTypeId") or "")
    sport, sport_name = SPORTS.get(type_id, (f"betfair_{_slug(type_id) or 'other'}", "Other"))
    name = _text(definition.get("eventName")) or f"Betfair event {event_id}"
    country = _text(definition.get("countryCode"))
    venue = _text(definition.get("venue"))
    tournament_key = _slug(venue) or f"{sport}_{_slug(country) or 'intl'}"
    tournament_name = venue or f"{sport_name} {country}".strip()
    common: dict[str, Any] = dict(
        source=SOURCE,
        sport_key=sport,
        sport_name=sport_name,
        tournament_key=tournament_key,
        tournament_name=tournament_name,
        commence_time=start,
        country=country,
    )
    if type_id in RACING:  # a meeting holds many races: one event per race (start time)
        title = f"{name} {_local_time(start, definition.get('timezone'))}"
        return EventRef(
            source_event_id=f"{event_id}/{start:%Y-%m-%dT%H:%MZ}",
            home_team="",
            away_team="",
            kind=RACE,
            title=title,
            competitors=competitors(definition),
            **common,
        )
    teams = _teams(name)
    if teams:
        return EventRef(source_event_id=event_id, home_team=teams[0], away_team=teams[1], **common)
    return EventRef(
        source_event_id=event_id,
        home_team="",
        away_team="",
        kind=OUTRIGHT,
        title=name,
        competitors=competitors(definition),
        **common,
    )


def competitors(definition: dict) -> tuple[Competitor, ...]:
    settles = definition.get("marketType") in _SETTLING
    found = []
    for runner in _runners(definition):
        if runner.get("status") == "HIDDEN":
            continue
        result = _RESULTS.get(runner.get("status") or "", "") if settles else ""
        found.append(
            Competitor(
                name=_runner_name(runner),
                external_id=str(runner.get("id", "")),
                sort_order=min(max(int(runner.get("sortPriority") or 0), 0), _MAX_ORDER),
                result=result,
            )
        )
    return tuple(found)


def markets(state: MarketState, event: EventRef) -> tuple[list[Market], list[str]]:
    """The store's markets of one Betfair market now, and messages about prices left out.

    A closed market has none (the capture's scope then marks its markets gone).
    """
    definition = state.definition or {}
    status = definition.get("status")
    if status == "CLOSED":
        return [], []
    outcome_status = OPEN if status == "OPEN" else SUSPENDED
    key, line = market_key(str(definition.get("marketType") or "UNKNOWN"))
    back: dict[Decimal | None, list[Outcome]] = {}
    lay: dict[Decimal | None, list[Outcome]] = {}
    skipped: list[str] = []
    home_line = _home_handicaps(definition, event) if key == "spreads" else {}
    seen: set[tuple] = set()
    for runner in _runners(definition):
        if runner.get("status") not in _LISTED:
            continue
        selection = (int(runner.get("id", 0)), float(runner.get("hc") or 0))
        role = _role(key, runner, event)
        if role is None:
            skipped.append(f"runner {_runner_name(runner)!r} is not a {key} outcome")
            continue
        at_line = home_line.get(selection, line) if key == "spreads" else line
        if (at_line, role) in seen:  # one name twice: the first runner listed wins
            skipped.append(f"runner {_runner_name(runner)!r} is listed twice as {role!r}")
            continue
        seen.add((at_line, role))
        prices = state.runners.get(selection, RunnerState())
        extra = _extra(prices)
        back_price = prices.best_back() if state.has_ladders else prices.ltp
        for price, group, kept in ((back_price, back, extra), (prices.best_lay(), lay, ())):
            if price is None:
                continue
            try:
                group.setdefault(at_line, []).append(
                    Outcome(role, from_decimal(price), outcome_status, kept)
                )
            except BadPrice as error:
                skipped.append(f"runner {_runner_name(runner)!r}: {error}")
    found = [Market(key, tuple(o), FULL_TIME, at) for at, o in back.items()]
    found += [Market(f"{key}_lay", tuple(o), FULL_TIME, at) for at, o in lay.items()]
    return found, skipped


def market_key(market_type: str) -> tuple[str, Decimal | None]:
    if market_type == "MATCH_ODDS":
        return "h2h", None
    if match := _OVER_UNDER.match(market_type):
        return "totals", Decimal(match[1]).scaleb(-1)
    if market_type == "BOTH_TEAMS_TO_SCORE":
        return "btts", None
    if market_type == "ASIAN_HANDICAP":
        return "spreads", None
    # WIN -> win, PLACE -> place, CORRECT_SCORE -> correct_score; a blank type -> other
    return _slug(market_type) or "other", None


def _role(key: str, runner: dict, event: EventRef) -> str | None:
    name = _runner_name(runner)
    lowered = name.lower()
    if key in ("h2h", "spreads"):
        if lowered in ("the draw", "draw"):
            return "draw" if key == "h2h" else None
        if name == event.home_team:
            return "home"
        if name == event.away_team:
            return "away"
        return None
    if key == "totals":
        side = lowered.split(" ", 1)[0]
        return side if side in ("over", "under") else None
    if key == "btts":
        return lowered if lowered in ("yes", "no") else None
    return name


def _home_handicaps(definition: dict, event: EventRef) -> dict[tuple[int, float], Decimal]:
    """Per Asian handicap runner (id, handicap): the market line, the home side's
    handicap (the away runner at -1.5 belongs to the home +1.5 line)."""
    lines = {}
    for runner in _runners(definition):
        hc = Decimal(repr(float(runner.get("hc") or 0)))
        role = _role("spreads", runner, event)
        selection = (int(runner.get("id", 0)), float(hc))
        lines[selection] = hc if role == "home" else -hc
    return {k: (v if v != 0 else Decimal(0)) for k, v in lines.items()}


def _extra(prices: RunnerState) -> tuple[tuple[str, str], ...]:
    extra = []
    if prices.ltp is not None:
        with suppress(BadPrice):  # a corrupt ltp is not shown as the last traded price
            extra.append(("last_traded", price_text(from_decimal(prices.ltp))))
    volume = prices.traded_volume()
    if volume is not None and 0 <= volume < _MAX_VOLUME:
        extra.append(("traded_volume", format(Decimal(repr(round(volume, 2))).normalize(), "f")))
    return tuple(extra)


def _teams(name: str) -> tuple[str, str] | None:
    if " v " in name:
        home, away = (part.strip() for part in name.split(" v ", 1))
    elif " @ " in name:  # US style: away @ home
        away, home = (part.strip() for part in name.split(" @ ", 1))
    else:
        return None
    return (home, away) if home and away else None


def _runners(definition: dict) -> list[dict]:
    runners = definition.get("runners")
    return [r for r in runners if isinstance(r, dict)] if isinstance(runners, list) else []


def _runner_name(runner: dict) -> str:
    return _text(runner.get("name")) or f"selection {runner.get('id')}"


def _text(value: object) -> str:
    """Text as PostgreSQL stores it (no NUL, no lone surrogate), trimmed."""
    return storable_text(str(value or "")).strip()


def _local_time(start: datetime, zone: object) -> str:
    try:
        local = start.astimezone(ZoneInfo(str(zone))) if zone else start.astimezone(UTC)
    except (ZoneInfoNotFoundError, ValueError):
        local = start.astimezone(UTC)
    return f"{local:%H:%M}"


def _slug(text: str) -> str:
    return _NON_SLUG.sub("_", text.lower()).strip("_")

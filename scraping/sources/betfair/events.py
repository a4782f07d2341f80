"""A Betfair market definition's event: sport, tournament, teams or race, competitors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from odds.captures import OUTRIGHT, RACE, Competitor, EventRef
from scraping.sources.base import parse_utc, storable_text
from scraping.sources.betfair.tables import MAX_ORDER, RACING, RESULTS, SETTLING, SOURCE, SPORTS

_NON_SLUG = re.compile(r"[^a-z0-9]+")


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
    sport, sport_name = SPORTS.get(type_id, (f"betfair_{slug(type_id) or 'other'}", "Other"))
    name = _text(definition.get("eventName")) or f"Betfair event {event_id}"
    country = _text(definition.get("countryCode"))
    venue = _text(definition.get("venue"))
    tournament_key = slug(venue) or f"{sport}_{slug(country) or 'intl'}"
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
    settles = definition.get("marketType") in SETTLING
    found = []
    for runner in runners(definition):
        if runner.get("status") == "HIDDEN":
            continue
        result = RESULTS.get(runner.get("status") or "", "") if settles else ""
        found.append(
            Competitor(
                name=runner_name(runner),
                external_id=str(runner.get("id", "")),
                sort_order=min(max(int(runner.get("sortPriority") or 0), 0), MAX_ORDER),
                result=result,
            )
        )
    return tuple(found)


def _teams(name: str) -> tuple[str, str] | None:
    if " v " in name:
        home, away = (part.strip() for part in name.split(" v ", 1))
    elif " @ " in name:  # US style: away @ home
        away, home = (part.strip() for part in name.split(" @ ", 1))
    else:
        return None
    return (home, away) if home and away else None


def runners(definition: dict) -> list[dict]:
    runners = definition.get("runners")
    return [r for r in runners if isinstance(r, dict)] if isinstance(runners, list) else []


def runner_name(runner: dict) -> str:
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


def slug(text: str) -> str:
    return _NON_SLUG.sub("_", text.lower()).strip("_")

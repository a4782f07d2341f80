"""A record's event (match id, sport, tournament, teams, start) and bookmaker names."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from odds.captures import BookmakerRef, EventRef, Problem
from scraping.sources.base import parse_utc
from scraping.sources.oddsharvester.problems import record_message
from scraping.sources.oddsharvester.tables import EXCHANGES, SOURCE, SPORTS

_MATCH_ID = re.compile(r"-(?=[a-z]*[A-Z0-9])([A-Za-z0-9]{8})$")
_FRAGMENT_ID = re.compile(r"^[A-Za-z0-9]{8}$")
_SLUG_SEASON = re.compile(r"-\d{4}(?:-\d{4})?$")
_NAME_SEASON = re.compile(r"\s+\d{4}(?:\s*[/-]\s*\d{2,4})?$")


def header(record: dict[str, Any], *, where: dict[str, Any]) -> tuple[EventRef, datetime] | Problem:
    """The event and capture time of a record, or the problem that makes it unusable."""
    times = {}
    for field in ("scraped_date", "match_date"):
        try:
            times[field] = parse_utc(record.get(field))
        except ValueError as exc:
            return Problem(
                "bad_time",
                record_message(f"Unreadable {field}: {exc}; record skipped", where),
                {**where, "field": field, "value": record.get(field)},
            )
    teams: dict[str, str] = {}
    for side in ("home_team", "away_team"):
        team = record.get(side)
        if not isinstance(team, str) or not team.strip():
            return Problem(
                "missing_team",
                record_message(
                    f"No {side}; record skipped", where, f"link {record.get('match_link')}"
                ),
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
            record_message(f"No usable match_link ({link!r}); record skipped", where),
            {**where, "field": "match_link", "value": link},
        )
    sport_key, sport_name = _sport(segments[0])
    has_league = len(segments) >= 4 and segments[1] != "h2h"
    league_slug = _SLUG_SEASON.sub("", segments[2]) if has_league else ""
    name = _tournament_name(record.get("league_name"), league_slug)
    if not name:
        return Problem(
            "missing_tournament",
            record_message(
                f"No league named (no league_name, and match_link {link!r} has none); "
                "record skipped",
                where,
            ),
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

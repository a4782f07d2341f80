"""The curated identity data shipped with the project (``data/identity.json``).

Loaded into the database by a data migration and by ``manage.py load_identity`` (after
editing the file); loading is idempotent and never overwrites what a person changed in
the admin: it only adds tournaments, teams and aliases that are missing.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from odds.identity.normalize import normalize_key, normalize_name

DATA_FILE = Path(__file__).with_name("data") / "identity.json"
# A key ending in a region code names a regional book ("unibet_eu").
_REGION = re.compile(r"_(eu|uk|us|au|fr|it|se|nl|de|es|dk|ie|ca|us2)$")


@cache
def curated() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def display_name(key: str, name: str) -> str:
    """The name a new bookmaker is stored under: curated, or the source's name with the
    region its key ends in, so Unibet (EU) and Unibet (UK) are told apart in the admin."""
    names = curated()["bookmakers"]["names"]
    if key in names:
        return names[key]
    region = _REGION.search(key)
    if region and "(" not in name:
        return f"{name} ({region.group(1).upper()})"
    return name


def seed(apps, schema_editor=None) -> dict[str, int]:
    """Add what the curated data has and the database lacks; returns counts added."""
    data = curated()
    added = {"tournaments": 0, "tournament_aliases": 0, "participants": 0, "aliases": 0}
    tournaments = _seed_tournaments(apps, data["tournaments"], added)
    _move_aliased_events(apps, data["tournaments"], tournaments)
    _seed_participants(apps, data["participants"], tournaments, added)
    _seed_bookmakers(apps, data["bookmakers"], added)
    return added


def _seed_tournaments(apps, entries: list[dict], added: dict) -> dict[str, Any]:
    Sport = apps.get_model("odds", "Sport")
    Tournament = apps.get_model("odds", "Tournament")
    TournamentAlias = apps.get_model("odds", "TournamentAlias")
    by_key = {}
    for entry in entries:
        sport, _ = Sport.objects.get_or_create(
            key=entry["sport"], defaults={"name": entry["sport_name"]}
        )
        tournament, created = Tournament.objects.get_or_create(
            sport=sport,
            key=entry["key"],
            defaults={"name": entry["name"], "country": entry["country"]},
        )
        added["tournaments"] += created
        by_key[entry["key"]] = tournament
        for source, keys in entry["aliases"].items():
            for key in keys:
                _, created = TournamentAlias.objects.get_or_create(
                    sport=sport,
                    source=source,
                    key=normalize_key(key),
                    defaults={"tournament": tournament},
                )
                added["tournament_aliases"] += created
    return by_key


def _seed_participants(apps, leagues: dict, tournaments: dict, added: dict) -> None:
    Participant = apps.get_model("odds", "Participant")
    ParticipantAlias = apps.get_model("odds", "ParticipantAlias")
    for league_key, teams in leagues.items():
        league = tournaments[league_key]
        for name, variants in teams.items():
            participant, created = Participant.objects.get_or_create(
                sport_id=league.sport_id,
                normalized=normalize_name(name),
                defaults={"name": name, "league": league},
            )
            added["participants"] += created
            for variant in variants:
                _, created = ParticipantAlias.objects.get_or_create(
                    sport_id=league.sport_id,
                    source="",
                    normalized=normalize_name(variant),
                    defaults={"participant": participant, "name": variant},
                )
                added["aliases"] += created


def _seed_bookmakers(apps, data: dict, added: dict) -> None:
    """Display names for bookmakers stored before: only names without a region mark
    yet, so a name a person edited to say its region is kept."""
    Bookmaker = apps.get_model("odds", "Bookmaker")
    for bookmaker in Bookmaker.objects.exclude(name__contains="("):
        name = display_name(bookmaker.key, bookmaker.name)
        if name != bookmaker.name:
            Bookmaker.objects.filter(pk=bookmaker.pk).update(name=name)


def _move_aliased_events(apps, entries: list[dict], tournaments: dict) -> None:
    """Events a source stored before under its own tournament key (The Odds API's
    ``soccer_epl``) move to the league that key is now an alias of; only that source's
    events, since another source may use the same key for something else."""
    Event = apps.get_model("odds", "Event")
    for entry in entries:
        league = tournaments[entry["key"]]
        for source, keys in entry["aliases"].items():
            events = Event.objects.filter(
                tournament__sport_id=league.sport_id,
                tournament__key__in=keys,
                aliases__source=source,
            ).exclude(tournament=league)
            Event.objects.filter(pk__in=list(events.values_list("pk", flat=True))).update(
                tournament=league
            )


def bookmaker_target(source: str, key: str) -> str:
    """The store's key for a source's bookmaker key, by the curated aliases (read at
    resolve time, so they create no bookmaker before one is seen)."""
    return curated()["bookmakers"]["aliases"].get(source, {}).get(key, key)

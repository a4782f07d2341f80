"""Bulk resolution of the names captures use to the store's entities, with caches.

Like :mod:`odds.ingest.entities`, each kind costs per batch at most a SELECT for what
the cache lacks, an INSERT ON CONFLICT DO NOTHING for what the database lacks and a
SELECT to read back ids, never a query per capture. Lookup order for a name from a
source: an alias for that source, an alias for every source, the entity's own
(normalized) name, else a new entity under the name as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from odds.identity.curated import bookmaker_target, display_name
from odds.identity.normalize import normalize_key, normalize_name
from odds.models import (
    Bookmaker,
    BookmakerAlias,
    Participant,
    ParticipantAlias,
    Tournament,
    TournamentAlias,
)

TeamKey = tuple[int, str, str]  # (sport id, source, name as the source gives it)
TournamentKey = tuple[int, str, str]  # (sport id, source, tournament key)
BookmakerKey = tuple[str, str]  # (source, bookmaker key)


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str  # canonical
    league_id: int | None


class NameResolver:
    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self.teams: dict[TeamKey, Team] = {}
        self.tournaments: dict[TournamentKey, int] = {}
        self.bookmakers: dict[BookmakerKey, int] = {}

    # --- teams ---------------------------------------------------------------------------
    def resolve_teams(self, wanted: Iterable[TeamKey]) -> None:
        missing = {k for k in wanted if k not in self.teams}
        if not missing:
            return
        self._read_teams(missing)
        new = {k for k in missing if k not in self.teams}
        if new:
            first: dict[tuple[int, str], str] = {}
            for sport_id, _, name in sorted(new):
                first.setdefault((sport_id, normalize_name(name)), name)
            Participant.objects.using(self.using).bulk_create(
                [Participant(sport_id=s, name=n, normalized=k) for (s, k), n in first.items()],
                ignore_conflicts=True,
            )
            self._read_teams(new)

    def _read_teams(self, keys: set[TeamKey]) -> None:
        sports = {s for s, _, _ in keys}
        norms = {normalize_name(n) for _, _, n in keys}
        fields = ("participant_id", "participant__name", "participant__league_id")
        aliases = {
            (a["sport_id"], a["source"], a["normalized"]): Team(*(a[f] for f in fields))
            for a in ParticipantAlias.objects.using(self.using)
            .filter(sport_id__in=sports, normalized__in=norms)
            .values("sport_id", "source", "normalized", *fields)
        }
        own = {
            (p["sport_id"], p["normalized"]): Team(p["id"], p["name"], p["league_id"])
            for p in Participant.objects.using(self.using)
            .filter(sport_id__in=sports, normalized__in=norms)
            .values("id", "sport_id", "normalized", "name", "league_id")
        }
        for key in keys:
            sport_id, source, name = key
            norm = normalize_name(name)
            team = (
                aliases.get((sport_id, source, norm))
                or aliases.get((sport_id, "", norm))
                or own.get((sport_id, norm))
            )
            if team is not None:
                self.teams[key] = team

    # --- tournaments ---------------------------------------------------------------------
    def resolve_tournaments(self, wanted: dict[TournamentKey, dict]) -> None:
        """``wanted`` maps each key to the name and country a new tournament gets."""
        missing = {k for k in wanted if k not in self.tournaments}
        if not missing:
            return
        self._read_tournaments(missing)
        new = {k for k in missing if k not in self.tournaments}
        if new:
            Tournament.objects.using(self.using).bulk_create(
                [Tournament(sport_id=s, key=key, **wanted[(s, src, key)]) for s, src, key in new],
                ignore_conflicts=True,
            )
            self._read_tournaments(new)

    def _read_tournaments(self, keys: set[TournamentKey]) -> None:
        sports = {s for s, _, _ in keys}
        raw_keys = {k for _, _, k in keys}
        aliases = {
            (s, src, k): t
            for s, src, k, t in TournamentAlias.objects.using(self.using)
            .filter(sport_id__in=sports, key__in={normalize_key(k) for k in raw_keys})
            .values_list("sport_id", "source", "key", "tournament_id")
        }
        own = {
            (s, k): t
            for t, s, k in Tournament.objects.using(self.using)
            .filter(sport_id__in=sports, key__in=raw_keys)
            .values_list("id", "sport_id", "key")
        }
        for key in keys:
            sport_id, source, raw = key
            norm = normalize_key(raw)
            found = (
                aliases.get((sport_id, source, norm))
                or aliases.get((sport_id, "", norm))
                or own.get((sport_id, raw))
            )
            if found is not None:
                self.tournaments[key] = found

    # --- bookmakers ----------------------------------------------------------------------
    def resolve_bookmakers(self, wanted: dict[BookmakerKey, tuple[str, bool]]) -> None:
        """``wanted`` maps each key to the (name, is_exchange) a new bookmaker gets."""
        missing = {k for k in wanted if k not in self.bookmakers}
        if not missing:
            return
        self._read_bookmakers(missing)
        new = {k for k in missing if k not in self.bookmakers}
        if new:
            books = {bookmaker_target(*k): wanted[k] for k in sorted(new)}
            Bookmaker.objects.using(self.using).bulk_create(
                [
                    Bookmaker(key=key, name=display_name(key, name), is_exchange=exchange)
                    for key, (name, exchange) in books.items()
                ],
                ignore_conflicts=True,
            )
            self._read_bookmakers(new)

    def _read_bookmakers(self, keys: set[BookmakerKey]) -> None:
        raw_keys = {k for _, k in keys} | {bookmaker_target(*k) for k in keys}
        aliases = {
            (source, key): book
            for source, key, book in BookmakerAlias.objects.using(self.using)
            .filter(key__in=raw_keys)
            .values_list("source", "key", "bookmaker_id")
        }
        own = dict(
            Bookmaker.objects.using(self.using).filter(key__in=raw_keys).values_list("key", "id")
        )
        for key in keys:
            found = aliases.get(key) or aliases.get(("", key[1])) or own.get(bookmaker_target(*key))
            if found is not None:
                self.bookmakers[key] = found

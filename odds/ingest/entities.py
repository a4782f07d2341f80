"""Find or create the entities captures refer to, in bulk, with a cache across batches.

Each kind costs at most one SELECT for what the cache lacks, one INSERT for what the
database lacks and one SELECT to read back ids, per batch: never a query per capture.
Creation uses ON CONFLICT DO NOTHING and re-reads, so concurrent importers converge on
the same rows; events (which have no natural unique key) are matched and created under
an advisory lock so two processes never create the same event twice.

Names go through :mod:`odds.identity` (aliases, normalisation) and a new source id is
matched against events other sources made (:mod:`odds.identity.matching`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connections, transaction

from odds.captures import MATCH, Capture, EventRef
from odds.identity.matching import MatchKey, plan_matches, stored_candidates
from odds.identity.names import NameResolver, Team
from odds.models import Event, EventAlias, EventBookmaker, EventMatchCandidate, Sport

_EVENT_CREATION_LOCK = 7_466_021_002


@dataclass(slots=True)
class KnownEvent:
    id: int
    home_team: str
    away_team: str
    commence_time: datetime
    observed_at: datetime | None


class Resolved(NamedTuple):
    event_id: int
    bookmaker_id: int
    pair_id: int  # EventBookmaker
    swapped: bool  # the capture lists the stored event's teams the other way round


class EntityResolver:
    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self.names = NameResolver(using=using)
        self.sports: dict[str, int] = {}
        self.events: dict[tuple[str, str], KnownEvent] = {}
        self.pairs: dict[tuple[int, int], int] = {}

    def resolve(self, captures: list[Capture]) -> list[Resolved]:
        known = self._resolve_known(captures)
        if known is not None:
            return known
        # One event's captures share their EventRef (one per bookmaker): names are
        # resolved once per distinct ref, not once per capture.
        refs = list({id(c.event): c.event for c in captures}.values())
        self._resolve_sports(refs)
        self._resolve_bookmakers(captures)
        self.names.resolve_teams(k for r in refs for k in self._team_keys(r))
        self._resolve_tournaments(refs)
        self._resolve_events(captures)
        self._resolve_pairs(captures)
        return [self._resolved(c) for c in captures]

    def _resolve_known(self, captures: list[Capture]) -> list[Resolved] | None:
        """All from the cache, or None at the first capture naming something new: the
        common case of a feed that keeps quoting the same events costs no query."""
        resolved = []
        for capture in captures:
            event = self.events.get((capture.event.source, capture.event.source_event_id))
            bookmaker_id = self.names.bookmakers.get(_bookmaker_key(capture))
            if event is None or bookmaker_id is None:
                return None
            pair_id = self.pairs.get((event.id, bookmaker_id))
            swapped = self._swapped(capture.event, event)
            if pair_id is None or swapped is None:
                return None
            resolved.append(Resolved(event.id, bookmaker_id, pair_id, swapped))
        return resolved

    def known_event(self, ref: EventRef) -> KnownEvent:
        return self.events[(ref.source, ref.source_event_id)]

    def _resolved(self, capture: Capture) -> Resolved:
        event = self.known_event(capture.event)
        bookmaker_id = self.names.bookmakers[_bookmaker_key(capture)]
        pair_id = self.pairs[(event.id, bookmaker_id)]
        # Teams are resolved by now, so _swapped is not None; bool() keeps its truth.
        swapped = bool(self._swapped(capture.event, event))
        return Resolved(event.id, bookmaker_id, pair_id, swapped)

    def _swapped(self, ref: EventRef, event: KnownEvent) -> bool | None:
        """Whether the capture names the stored event's teams the other way round, by
        canonical name (or as given, for events stored before names were canonical);
        None when its teams are not resolved yet."""
        if ref.kind != MATCH or (ref.home_team, ref.away_team) == (
            event.home_team,
            event.away_team,
        ):
            return False  # the common case costs no lookup; races have no sides
        teams = self._teams(ref)
        if teams is None:
            return None
        for home, away in ((teams[0].name, teams[1].name), (ref.home_team, ref.away_team)):
            if home != away and home == event.away_team and away == event.home_team:
                return True
        return False

    def _team_keys(self, ref: EventRef) -> tuple[tuple, ...]:
        if ref.kind != MATCH:
            return ()  # competitors are stored as such (odds.ingest.competitors)
        sport_id = self.sports[ref.sport_key]
        return (sport_id, ref.source, ref.home_team), (sport_id, ref.source, ref.away_team)

    def _teams(self, ref: EventRef) -> tuple[Team, Team] | None:
        if ref.kind != MATCH:
            return None
        sport_id = self.sports.get(ref.sport_key)
        if sport_id is None:
            return None
        home = self.names.teams.get((sport_id, ref.source, ref.home_team))
        away = self.names.teams.get((sport_id, ref.source, ref.away_team))
        return None if home is None or away is None else (home, away)

    def _resolved_teams(self, ref: EventRef) -> tuple[Team, Team]:
        teams = self._teams(ref)
        if teams is None:
            raise LookupError(f"the teams of {ref.name!r} are not resolved yet")
        return teams

    def tournament_id(self, ref: EventRef) -> int:
        """The tournament's id; a source naming no league (The Odds API's plain
        ``soccer``) gets the league both teams play in, when they share one."""
        sport_id = self.sports[ref.sport_key]
        if ref.tournament_key == ref.sport_key and ref.kind == MATCH:
            home, away = self._resolved_teams(ref)
            if home.league_id is not None and home.league_id == away.league_id:
                return home.league_id
        return self.names.tournaments[(sport_id, ref.source, ref.tournament_key)]

    # --- each kind ---------------------------------------------------------------------
    def _resolve_bookmakers(self, captures: list[Capture]) -> None:
        self.names.resolve_bookmakers(
            {_bookmaker_key(c): (c.bookmaker.name, c.bookmaker.is_exchange) for c in captures}
        )

    def _resolve_sports(self, refs: list[EventRef]) -> None:
        wanted = {r.sport_key: r.sport_name for r in refs}
        missing = [k for k in wanted if k not in self.sports]
        if not missing:
            return
        self._read_sports(missing)
        new = [k for k in missing if k not in self.sports]
        if new:
            Sport.objects.using(self.using).bulk_create(
                [Sport(key=k, name=wanted[k]) for k in new], ignore_conflicts=True
            )
            self._read_sports(new)

    def _read_sports(self, keys: list[str]) -> None:
        self.sports.update(
            Sport.objects.using(self.using).filter(key__in=keys).values_list("key", "id")
        )

    def _resolve_tournaments(self, refs: list[EventRef]) -> None:
        self.names.resolve_tournaments(
            {
                (self.sports[r.sport_key], r.source, r.tournament_key): {
                    "name": r.tournament_name,
                    "country": r.country,
                }
                for r in refs
            }
        )

    def _resolve_events(self, captures: list[Capture]) -> None:
        wanted: dict[tuple[str, str], Capture] = {}
        for capture in captures:  # the earliest capture of a new event describes it
            key = (capture.event.source, capture.event.source_event_id)
            if key not in wanted or capture.captured_at < wanted[key].captured_at:
                wanted[key] = capture
        missing = [k for k in wanted if k not in self.events]
        if not missing:
            return
        self._read_events(missing)
        new = [k for k in missing if k not in self.events]
        if new:
            self._create_events([wanted[k] for k in new])
            self._read_events(new)

    def _read_events(self, keys: list[tuple[str, str]]) -> None:
        aliases = (
            EventAlias.objects.using(self.using)
            .filter(source__in={s for s, _ in keys}, external_id__in={e for _, e in keys})
            .select_related("event")
        )
        for alias in aliases:
            event = alias.event
            self.events[(alias.source, alias.external_id)] = KnownEvent(
                event.id,
                event.home_team,
                event.away_team,
                event.commence_time,
                event.commence_time_observed_at,
            )

    def _create_events(self, captures: list[Capture]) -> None:
        """Match each new source id to a stored event or make one, under the lock."""
        with transaction.atomic(using=self.using):
            with connections[self.using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVENT_CREATION_LOCK])
            keys = [(c.event.source, c.event.source_event_id) for c in captures]
            self._read_events(keys)  # another process may have made them meanwhile
            todo = [
                c for c in captures if (c.event.source, c.event.source_event_id) not in self.events
            ]
            # Only matches are matched across sources: races and outrights are their own.
            matches = [c for c in todo if c.event.kind == MATCH]
            others = [c for c in todo if c.event.kind != MATCH]
            match_keys = [self._match_key(c.event) for c in matches]
            plan = plan_matches(
                [(k, self._new_event(c)) for k, c in zip(match_keys, matches, strict=True)],
                stored_candidates(match_keys, using=self.using),
            )
            own = [self._new_event(c) for c in others]
            Event.objects.using(self.using).bulk_create([c.event for c in plan.new] + own)
            chosen = [ch.event for ch in plan.chosen] + own
            EventAlias.objects.using(self.using).bulk_create(
                [
                    EventAlias(source=c.event.source, external_id=c.event.source_event_id, event=e)
                    for c, e in zip(matches + others, chosen, strict=True)
                ]
            )
            EventMatchCandidate.objects.using(self.using).bulk_create(
                [
                    EventMatchCandidate(
                        event=new.event,
                        candidate=fit.event,
                        source=next(iter(new.sources)),
                        reason=f"{reason}: same tournament and teams, start within "
                        "the matching window",
                    )
                    for new, fits, reason in plan.reviews
                    for fit in fits
                ],
                ignore_conflicts=True,
            )

    def _match_key(self, ref: EventRef) -> MatchKey:
        home, away = self._resolved_teams(ref)
        return MatchKey(self.tournament_id(ref), home.id, away.id, ref.commence_time, ref.source)

    def _new_event(self, capture: Capture) -> Event:
        ref = capture.event
        teams = self._teams(ref)  # races and outrights have none
        return Event(
            tournament_id=self.tournament_id(ref),
            name=f"{teams[0].name} v {teams[1].name}" if teams else ref.name,
            kind=ref.kind,
            home_team=teams[0].name if teams else "",
            away_team=teams[1].name if teams else "",
            home_participant_id=teams[0].id if teams else None,
            away_participant_id=teams[1].id if teams else None,
            commence_time=ref.commence_time,
            commence_time_observed_at=capture.captured_at,
            sportradar_id=ref.sportradar_id or None,
        )

    def _resolve_pairs(self, captures: list[Capture]) -> None:
        wanted: dict[tuple[int, int], Capture] = {}
        for capture in captures:
            event_id = self.known_event(capture.event).id
            bookmaker_id = self.names.bookmakers[_bookmaker_key(capture)]
            wanted.setdefault((event_id, bookmaker_id), capture)
        missing = [k for k in wanted if k not in self.pairs]
        if not missing:
            return
        self._read_pairs(missing)
        new = [k for k in missing if k not in self.pairs]
        if new:
            EventBookmaker.objects.using(self.using).bulk_create(
                [
                    EventBookmaker(
                        event_id=event_id,
                        bookmaker_id=bookmaker_id,
                        external_event_id=wanted[(event_id, bookmaker_id)].external_event_id,
                        event_url=wanted[(event_id, bookmaker_id)].event_url,
                    )
                    for event_id, bookmaker_id in new
                ],
                ignore_conflicts=True,
            )
            self._read_pairs(new)

    def _read_pairs(self, keys: list[tuple[int, int]]) -> None:
        rows = EventBookmaker.objects.using(self.using).filter(
            event_id__in={e for e, _ in keys}, bookmaker_id__in={b for _, b in keys}
        )
        self.pairs.update({(p.event_id, p.bookmaker_id): p.id for p in rows})


def _bookmaker_key(capture: Capture) -> tuple[str, str]:
    return (capture.event.source, capture.bookmaker.key)

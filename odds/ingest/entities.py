"""Find or create the entities captures refer to, in bulk, with a cache across batches.

Each kind costs at most one SELECT for what the cache lacks, one INSERT for what the
database lacks and one SELECT to read back ids, per batch: never a query per capture.
Creation uses ON CONFLICT DO NOTHING and re-reads, so concurrent importers converge on
the same rows; events (which have no natural unique key) are created under an advisory
lock so two processes never create the same event twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connections, transaction

from odds.captures import Capture, EventRef
from odds.models import Bookmaker, Event, EventAlias, EventBookmaker, Sport, Tournament

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
        self.sports: dict[str, int] = {}
        self.tournaments: dict[tuple[int, str], int] = {}
        self.bookmakers: dict[str, int] = {}
        self.events: dict[tuple[str, str], KnownEvent] = {}
        self.pairs: dict[tuple[int, int], int] = {}

    def resolve(self, captures: list[Capture]) -> list[Resolved]:
        known = self._resolve_known(captures)
        if known is not None:
            return known
        self._resolve_bookmakers(captures)
        self._resolve_sports(captures)
        self._resolve_tournaments(captures)
        self._resolve_events(captures)
        self._resolve_pairs(captures)
        return [self._resolved(c) for c in captures]

    def _resolve_known(self, captures: list[Capture]) -> list[Resolved] | None:
        """All from the cache, or None at the first capture naming something new: the
        common case of a feed that keeps quoting the same events costs no query."""
        resolved = []
        for capture in captures:
            event = self.events.get((capture.event.source, capture.event.source_event_id))
            bookmaker_id = self.bookmakers.get(capture.bookmaker.key)
            if event is None or bookmaker_id is None:
                return None
            pair_id = self.pairs.get((event.id, bookmaker_id))
            if pair_id is None:
                return None
            resolved.append(Resolved(event.id, bookmaker_id, pair_id, _swapped(capture, event)))
        return resolved

    def known_event(self, ref: EventRef) -> KnownEvent:
        return self.events[(ref.source, ref.source_event_id)]

    def _resolved(self, capture: Capture) -> Resolved:
        event = self.known_event(capture.event)
        bookmaker_id = self.bookmakers[capture.bookmaker.key]
        pair_id = self.pairs[(event.id, bookmaker_id)]
        return Resolved(event.id, bookmaker_id, pair_id, _swapped(capture, event))

    # --- each kind ---------------------------------------------------------------------
    def _resolve_bookmakers(self, captures: list[Capture]) -> None:
        wanted = {c.bookmaker.key: c.bookmaker for c in captures}
        missing = [k for k in wanted if k not in self.bookmakers]
        if not missing:
            return
        self._read_bookmakers(missing)
        new = [k for k in missing if k not in self.bookmakers]
        if new:
            Bookmaker.objects.using(self.using).bulk_create(
                [
                    Bookmaker(key=k, name=wanted[k].name, is_exchange=wanted[k].is_exchange)
                    for k in new
                ],
                ignore_conflicts=True,
            )
            self._read_bookmakers(new)

    def _read_bookmakers(self, keys: list[str]) -> None:
        rows = Bookmaker.objects.using(self.using).filter(key__in=keys).values_list("key", "id")
        self.bookmakers.update(rows)

    def _resolve_sports(self, captures: list[Capture]) -> None:
        wanted = {c.event.sport_key: c.event.sport_name for c in captures}
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

    def _resolve_tournaments(self, captures: list[Capture]) -> None:
        wanted = {
            (self.sports[c.event.sport_key], c.event.tournament_key): c.event for c in captures
        }
        missing = [k for k in wanted if k not in self.tournaments]
        if not missing:
            return
        self._read_tournaments(missing)
        new = [k for k in missing if k not in self.tournaments]
        if new:
            Tournament.objects.using(self.using).bulk_create(
                [
                    Tournament(
                        sport_id=sport_id,
                        key=key,
                        name=wanted[(sport_id, key)].tournament_name,
                        country=wanted[(sport_id, key)].country,
                    )
                    for sport_id, key in new
                ],
                ignore_conflicts=True,
            )
            self._read_tournaments(new)

    def _read_tournaments(self, keys: list[tuple[int, str]]) -> None:
        rows = Tournament.objects.using(self.using).filter(
            sport_id__in={s for s, _ in keys}, key__in={k for _, k in keys}
        )
        self.tournaments.update({(t.sport_id, t.key): t.id for t in rows})

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
        with transaction.atomic(using=self.using):
            with connections[self.using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVENT_CREATION_LOCK])
            keys = [(c.event.source, c.event.source_event_id) for c in captures]
            self._read_events(keys)  # another process may have made them meanwhile
            todo = [
                c for c in captures if (c.event.source, c.event.source_event_id) not in self.events
            ]
            events = Event.objects.using(self.using).bulk_create([self._new_event(c) for c in todo])
            EventAlias.objects.using(self.using).bulk_create(
                [
                    EventAlias(source=c.event.source, external_id=c.event.source_event_id, event=e)
                    for c, e in zip(todo, events, strict=True)
                ]
            )

    def _new_event(self, capture: Capture) -> Event:
        ref = capture.event
        return Event(
            tournament_id=self.tournaments[(self.sports[ref.sport_key], ref.tournament_key)],
            name=ref.name,
            kind=ref.kind,
            home_team=ref.home_team,
            away_team=ref.away_team,
            commence_time=ref.commence_time,
            commence_time_observed_at=capture.captured_at,
            sportradar_id=ref.sportradar_id or None,
        )

    def _resolve_pairs(self, captures: list[Capture]) -> None:
        wanted: dict[tuple[int, int], Capture] = {}
        for capture in captures:
            event_id = self.known_event(capture.event).id
            wanted.setdefault((event_id, self.bookmakers[capture.bookmaker.key]), capture)
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


def _swapped(capture: Capture, event: KnownEvent) -> bool:
    ref = capture.event
    return (
        ref.home_team != event.home_team
        and ref.home_team == event.away_team
        and ref.away_team == event.home_team
    )

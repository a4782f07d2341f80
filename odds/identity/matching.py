"""Event matching across sources: does a capture's match already have an Event?

A capture whose source id is new finds an existing event when the event is in the same
tournament, between the same two teams (participants, either way round: sources
disagree on home and away) and starts within :data:`MATCH_WINDOW` of the capture's
start time, and no other id *from the same source* already names it (a source's two
ids are two events by its own word). Exactly one fit: the capture's id becomes an alias
of it. None: a new event. Two or more: a new event too, and each fit is queued for a
person (:class:`odds.models.EventMatchCandidate`): matching never merges silently. A
new event that would fit but for its source (the source lists the match under a second
id) is queued the same way.

Runs under the write path's event-creation lock, one query for the candidates of a
whole batch and one for their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from odds.models import Event, EventAlias

# football-data gives kick-off in UK local time (the adapter converts it), other sources
# UTC: the same match differs by minutes, or by hours when a source is off by a time
# zone or a late schedule change. The same two teams never meet twice in one
# tournament within half a day, so 12 hours on either side tolerates every such
# difference without joining two real matches.
MATCH_WINDOW = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class MatchKey:
    tournament_id: int
    home_id: int
    away_id: int
    commence_time: datetime
    source: str


@dataclass(slots=True)
class Candidate:
    event: Event  # stored, or planned in this batch (its id comes after bulk_create)
    tournament_id: int
    teams: frozenset[int]
    commence_time: datetime
    sources: set[str] = field(default_factory=set)

    def fits(self, key: MatchKey) -> bool:
        return self.same_match(key) and key.source not in self.sources

    def same_match(self, key: MatchKey) -> bool:
        return (
            self.tournament_id == key.tournament_id
            and self.teams == frozenset((key.home_id, key.away_id))
            and abs(self.commence_time - key.commence_time) <= MATCH_WINDOW
        )


@dataclass
class Plan:
    """Per key (in order) the event it joins, stored or new; the new ones; the queue."""

    chosen: list[Candidate] = field(default_factory=list)
    new: list[Candidate] = field(default_factory=list)
    reviews: list[tuple[Candidate, list[Candidate], str]] = field(default_factory=list)


def stored_candidates(keys: list[MatchKey], *, using: str) -> list[Candidate]:
    if not keys:
        return []
    teams = {k.home_id for k in keys} | {k.away_id for k in keys}
    events = list(
        Event.objects.using(using).filter(
            tournament_id__in={k.tournament_id for k in keys},
            commence_time__gte=min(k.commence_time for k in keys) - MATCH_WINDOW,
            commence_time__lte=max(k.commence_time for k in keys) + MATCH_WINDOW,
            home_participant_id__in=teams,
            away_participant_id__in=teams,
        )
    )
    candidates = {
        e.id: Candidate(
            e,
            e.tournament_id,
            frozenset((e.home_participant_id, e.away_participant_id)),
            e.commence_time,
        )
        for e in events
    }
    aliases = EventAlias.objects.using(using).filter(event_id__in=candidates)
    for event_id, source in aliases.values_list("event_id", "source"):
        candidates[event_id].sources.add(source)
    return list(candidates.values())


def plan_matches(keys: list[tuple[MatchKey, Event]], candidates: list[Candidate]) -> Plan:
    """Decide for each key (in order, each with the Event it would create): join one
    fit, or plan its new event (queued for review when several fit)."""
    plan = Plan()
    pool = list(candidates)
    for key, new_event in keys:
        fits = [c for c in pool if c.fits(key)]
        if len(fits) == 1:
            chosen = fits[0]
        else:
            chosen = Candidate(
                new_event,
                key.tournament_id,
                frozenset((key.home_id, key.away_id)),
                key.commence_time,
            )
            plan.new.append(chosen)
            if fits:
                plan.reviews.append((chosen, fits, f"{len(fits)} stored events fit"))
            elif twins := [c for c in pool if c.same_match(key)]:
                # A source may re-issue an id for the same match: a person decides.
                plan.reviews.append((chosen, twins, "its source lists it under another id"))
            pool.append(chosen)
        chosen.sources.add(key.source)
        plan.chosen.append(chosen)
    return plan

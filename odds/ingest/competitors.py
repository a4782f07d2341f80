"""Store the competitors of races and outrights that captures name, in bulk.

A capture carries its event's competitors as the source sees them now. A feed repeats
them capture after capture, so what was last written per event is remembered and only
a difference costs a query. New names are added (a bookmaker listing more runners
adds them, none is removed); a known result (winner, loser, ...) is written over the
stored one, an unknown (empty) result never clears it.
"""

from __future__ import annotations

from odds.captures import Capture, Competitor
from odds.models import EventCompetitor


class CompetitorSync:
    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self._written: dict[int, frozenset[Competitor]] = {}

    def sync(self, captures: list[Capture], event_ids: list[int]) -> None:
        wanted: dict[int, dict[str, Competitor]] = {}
        for capture, event_id in zip(captures, event_ids, strict=True):
            competitors = capture.event.competitors
            if not competitors or self._written.get(event_id) == frozenset(competitors):
                continue
            named = wanted.setdefault(event_id, {})
            for competitor in competitors:  # later captures (newer results) win
                named[competitor.name] = competitor
        if not wanted:
            return
        self._write(wanted)
        for event_id, named in wanted.items():
            self._written[event_id] = frozenset(named.values())

    def _write(self, wanted: dict[int, dict[str, Competitor]]) -> None:
        rows = [
            EventCompetitor(
                event_id=event_id,
                name=c.name,
                external_id=c.external_id,
                sort_order=max(c.sort_order, 0),
                result=c.result,
            )
            for event_id, named in wanted.items()
            for c in named.values()
        ]
        manager = EventCompetitor.objects.using(self.using)
        settled = [r for r in rows if r.result]
        manager.bulk_create([r for r in rows if not r.result], ignore_conflicts=True)
        if settled:
            manager.bulk_create(
                settled,
                update_conflicts=True,
                unique_fields=["event", "name"],
                update_fields=["external_id", "sort_order", "result"],
            )

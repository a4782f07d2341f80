"""Merging duplicates a person confirmed: two events, or two bookmakers, into one.

Both merges run in one transaction and move rows, never rewrite them: every snapshot
and market row keeps its time, prices and id, so the history read back is exactly the
history stored. Each (event, bookmaker) pair owns a change-only series and its current
state (``EventBookmaker.market_state``): two series of one pair cannot be joined
without re-deciding which rows are changes, so a merge that would put two series on
one pair is refused with a message that says which pair and what to do instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Model, Q

from odds.models import (
    Bookmaker,
    BookmakerAlias,
    Event,
    EventAlias,
    EventBookmaker,
    EventMatchCandidate,
    MarketOdds,
    MarketOddsRecord,
    OddsSnapshot,
    SnapshotRecord,
)

_EVENT_CREATION_LOCK = 7_466_021_002  # the write path's: no event is matched meanwhile
_TIME_SERIES = ("odds_oddssnapshot", "odds_marketodds")
# Relations moved by hand below (or not rows of their own).
_HANDLED = {
    OddsSnapshot,
    MarketOdds,
    SnapshotRecord,
    MarketOddsRecord,
    EventBookmaker,
    EventMatchCandidate,
}


class MergeRefused(Exception):
    """A merge that would not keep history exact; the message says why and what to do."""


@dataclass(frozen=True)
class MergeResult:
    kept: int
    removed: int
    pairs_moved: int
    snapshots_moved: int
    markets_moved: int


def merge_events(*, keep: Event | int, drop: Event | int, using: str = "default") -> MergeResult:
    """Move everything of ``drop`` (aliases, listings, snapshots, market rows, errors)
    to ``keep`` and delete ``drop``. ``keep`` keeps its teams, tournament and start."""
    keep_id, drop_id = _pk(keep), _pk(drop)
    if keep_id == drop_id:
        raise MergeRefused(f"event {keep_id} cannot be merged into itself")
    with transaction.atomic(using=using):
        _lock_creation(using)
        kept, dropped = _lock_events(keep_id, drop_id, using=using)
        _refuse_swapped(kept, dropped)
        pairs = EventBookmaker.objects.using(using)
        shared = pairs.filter(event_id=keep_id, bookmaker__listings__event_id=drop_id)
        names = sorted(shared.values_list("bookmaker__name", flat=True))
        if names:
            raise MergeRefused(
                f"'{dropped}' (event {drop_id}) and '{kept}' (event {keep_id}) both have "
                f"prices from {', '.join(names)}: each pair keeps one change-only history, "
                "so two cannot be joined by moving rows. Keep them apart, or delete the "
                "duplicate's listings of those bookmakers first if their prices are not needed."
            )
        moved = _move_rows("event_id", drop_id, keep_id, using=using)
        pairs_moved = pairs.filter(event_id=drop_id).update(event_id=keep_id)
        EventAlias.objects.using(using).filter(event_id=drop_id).update(event_id=keep_id)
        _move_generic(Event, drop_id, keep_id, using=using)
        _move_candidates(drop_id, keep_id, using=using)
        Event.objects.using(using).filter(pk=drop_id).delete()
    return MergeResult(keep_id, drop_id, pairs_moved, *moved)


def merge_bookmakers(
    *, keep: Bookmaker | int, drop: Bookmaker | int, using: str = "default"
) -> MergeResult:
    """Declare ``drop`` the same bookmaker as ``keep``: its rows move to ``keep``, its key
    becomes an alias of ``keep`` (so later captures under it land there) and it goes."""
    keep_id, drop_id = _pk(keep), _pk(drop)
    if keep_id == drop_id:
        raise MergeRefused(f"bookmaker {keep_id} cannot be merged into itself")
    with transaction.atomic(using=using):
        books = Bookmaker.objects.using(using).select_for_update().in_bulk([keep_id, drop_id])
        kept, dropped = books[keep_id], books[drop_id]
        pairs = EventBookmaker.objects.using(using)
        both = pairs.filter(bookmaker_id=keep_id, event__listings__bookmaker_id=drop_id)
        events = list(both.values_list("event__name", flat=True)[:5])
        if events:
            raise MergeRefused(
                f"{dropped.key} and {kept.key} both list {', '.join(events)}: each (event, "
                "bookmaker) pair keeps one change-only history, so two cannot be joined by "
                f"moving rows. Add '{dropped.key}' as an alias of '{kept.key}' instead: later "
                "captures then land on one bookmaker."
            )
        moved = _move_rows("bookmaker_id", drop_id, keep_id, using=using)
        pairs_moved = pairs.filter(bookmaker_id=drop_id).update(bookmaker_id=keep_id)
        _move_generic(Bookmaker, drop_id, keep_id, using=using)
        BookmakerAlias.objects.using(using).filter(bookmaker_id=drop_id).update(
            bookmaker_id=keep_id
        )
        BookmakerAlias.objects.using(using).get_or_create(
            source="", key=dropped.key, defaults={"bookmaker_id": keep_id}
        )
        dropped.delete()
    return MergeResult(keep_id, drop_id, pairs_moved, *moved)


def _pk(value: Model | int) -> int:
    return value if isinstance(value, int) else value.pk


def _lock_creation(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVENT_CREATION_LOCK])


def _lock_events(keep_id: int, drop_id: int, *, using: str) -> tuple[Event, Event]:
    events = Event.objects.using(using).select_for_update().order_by("id")
    found = events.in_bulk([keep_id, drop_id])
    missing = sorted({keep_id, drop_id} - set(found))
    if missing:
        raise MergeRefused(f"event {missing[0]} does not exist (merged or deleted already?)")
    return found[keep_id], found[drop_id]


def _refuse_swapped(kept: Event, dropped: Event) -> None:
    """Outcomes are named home/away by the event's order: rows of an event listing the
    teams the other way round would read reversed once moved."""
    if (dropped.home_team, dropped.away_team) == (kept.away_team, kept.home_team) and (
        kept.home_team != kept.away_team
    ):
        raise MergeRefused(
            f"'{dropped}' lists the teams of '{kept}' the other way round: its home and away "
            "prices would be read reversed. Not merged."
        )


def _move_rows(column: str, old: int, new: int, *, using: str) -> tuple[int, int]:
    counts = []
    with connections[using].cursor() as cursor:
        for table in _TIME_SERIES:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {column} = %s", [new, old])
            counts.append(cursor.rowcount)
    return counts[0], counts[1]


def _move_generic(model: type[Model], old: int, new: int, *, using: str) -> None:
    """Any other row pointing at the merged object (scrape errors, and relations added
    later) follows it, rather than being deleted or blocking the merge."""
    for field in model._meta.get_fields(include_hidden=True):
        if not (field.auto_created and not field.concrete and field.one_to_many):
            continue
        related = field.related_model
        if related in _HANDLED or related._meta.proxy or not related._meta.managed:
            continue
        if related is EventAlias or related is BookmakerAlias:
            continue
        related._base_manager.using(using).filter(**{field.field.attname: old}).update(
            **{field.field.attname: new}
        )


def _move_candidates(old: int, new: int, *, using: str) -> None:
    """Queue entries about the merged event now concern the kept one; the entry that
    asked for this very merge, or one that would repeat another, is done."""
    queue = EventMatchCandidate.objects.using(using)
    queue.filter(Q(event_id=old, candidate_id=new) | Q(event_id=new, candidate_id=old)).delete()
    for entry in queue.filter(Q(event_id=old) | Q(candidate_id=old)):
        a = new if entry.event_id == old else entry.event_id
        b = new if entry.candidate_id == old else entry.candidate_id
        twin = queue.filter(Q(event_id=a, candidate_id=b) | Q(event_id=b, candidate_id=a))
        if twin.exclude(pk=entry.pk).exists():
            queue.filter(pk=entry.pk).delete()
        else:
            queue.filter(pk=entry.pk).update(event_id=a, candidate_id=b)

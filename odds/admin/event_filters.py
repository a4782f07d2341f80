"""The event list's state filter and its default order: next to start first."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Now

from odds.models import EventCompetitor, EventKind

# A match or race that began longer ago than this is taken as over: the store has no
# result feed for matches, and the longest usual match (extra time, a rain-delayed
# game) ends within it.
PLAYING_TIME = timedelta(hours=4)

UPCOMING, STARTED, FINISHED = "upcoming", "started", "finished"


def settled() -> Exists:
    """A competitor of the event has a settled result (a race run, an outright decided)."""
    return Exists(EventCompetitor.objects.filter(event=OuterRef("pk")).exclude(result=""))


def state_condition(state: str) -> Q | None:
    begun = Q(commence_time__lte=Now())
    # Outrights begin with their competition and run for weeks: only a result ends them.
    over = settled() | (Q(commence_time__lt=Now() - PLAYING_TIME) & ~Q(kind=EventKind.OUTRIGHT))
    if state == UPCOMING:
        return ~begun
    if state == FINISHED:
        return over
    if state == STARTED:
        return begun & ~over
    return None


class EventStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        hours = int(PLAYING_TIME.total_seconds() // 3600)
        return [
            (UPCOMING, "Upcoming (starts later)"),
            (STARTED, f"Started (began, under {hours} h ago, not settled)"),
            (FINISHED, f"Finished (began over {hours} h ago, or settled)"),
        ]

    def queryset(self, request, queryset):
        condition = state_condition(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


def next_first() -> list:
    """Upcoming events soonest first, then the past newest first: the events a person
    looks for are the next ones, then the latest results, not the oldest (2019) ones."""
    upcoming = Q(commence_time__gt=Now())
    return [
        Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
        Case(When(upcoming, then=F("commence_time"))).asc(nulls_last=True),
        F("commence_time").desc(),
    ]

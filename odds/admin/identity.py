"""Identity admin: the review queue of possible duplicate events with its merge action,
teams and their aliases, and merging bookmakers a person declares the same."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone

from odds.identity.merge import MergeRefused, merge_bookmakers, merge_events
from odds.models import (
    Bookmaker,
    EventMatchCandidate,
    MatchStatus,
    Participant,
    ParticipantAlias,
)


def report_merge(admin_view, request, merge, *, label: str) -> bool:
    """Run one merge; a refusal becomes an error message, never a traceback."""
    try:
        result = merge()
    except MergeRefused as refused:
        admin_view.message_user(request, f"{label}: not merged. {refused}", messages.ERROR)
        return False
    admin_view.message_user(
        request,
        f"{label}: merged; {result.pairs_moved} listings, {result.snapshots_moved} snapshots "
        f"and {result.markets_moved} market rows moved.",
        messages.SUCCESS,
    )
    return True


def merge_into_oldest(admin_view, request, rows: list, *, noun: str, merge, label) -> None:
    """A list action's merges: every selected row but the oldest into the oldest."""
    if len(rows) < 2:
        admin_view.message_user(request, f"Select two or more {noun}.", messages.WARNING)
        return
    keep = rows[0]
    for drop in rows[1:]:
        report_merge(admin_view, request, lambda d=drop: merge(keep, d), label=label(keep, drop))


@admin.register(EventMatchCandidate)
class EventMatchCandidateAdmin(admin.ModelAdmin):
    """Pairs matching would not merge on its own: a person merges or dismisses them."""

    list_display = [
        "event",
        "event_start",
        "candidate",
        "candidate_start",
        "tournament",
        "source",
        "status",
        "created_at",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["event__tournament", "candidate"]
    search_fields = ["event__name", "candidate__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "event",
        "candidate",
        "source",
        "reason",
        "status",
        "created_at",
        "decided_at",
    ]
    actions = ["merge_into_candidate", "dismiss"]

    def has_add_permission(self, request, obj=None):
        return False  # the matcher queues; a person decides

    @admin.display(description="event starts", ordering="event__commence_time")
    def event_start(self, obj):
        return obj.event.commence_time

    @admin.display(description="candidate starts", ordering="candidate__commence_time")
    def candidate_start(self, obj):
        return obj.candidate.commence_time

    @admin.display(description="tournament")
    def tournament(self, obj):
        return obj.event.tournament

    @admin.action(description="Merge the event into the candidate (same match)")
    def merge_into_candidate(self, request, queryset: QuerySet) -> None:
        for entry in queryset.filter(status=MatchStatus.PENDING).select_related(
            "event", "candidate"
        ):
            label = f"{entry.event} (event {entry.event_id}) into event {entry.candidate_id}"
            report_merge(
                self,
                request,
                lambda e=entry: merge_events(keep=e.candidate_id, drop=e.event_id),
                label=label,
            )

    @admin.action(description="Dismiss: different matches")
    def dismiss(self, request, queryset: QuerySet) -> None:
        count = queryset.filter(status=MatchStatus.PENDING).update(
            status=MatchStatus.DISMISSED, decided_at=timezone.now()
        )
        self.message_user(request, f"{count} dismissed.", messages.SUCCESS)


class ParticipantAliasInline(admin.TabularInline):
    model = ParticipantAlias
    extra = 1
    fields = ["source", "name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "sport", "league"]
    list_filter = ["sport", "league"]
    list_select_related = ["sport", "league"]
    search_fields = ["name", "normalized", "aliases__name"]
    autocomplete_fields = ["league"]
    inlines = [ParticipantAliasInline]


@admin.action(description="Same bookmaker: merge the others into the oldest selected")
def merge_selected_bookmakers(modeladmin, request, queryset: QuerySet[Bookmaker]) -> None:
    merge_into_oldest(
        modeladmin,
        request,
        list(queryset.order_by("id")),
        noun="bookmakers",
        merge=lambda keep, drop: merge_bookmakers(keep=keep, drop=drop),
        label=lambda keep, drop: f"{drop.key} into {keep.key}",
    )

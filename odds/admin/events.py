"""Events: a list with how many bookmakers quote each, and a page of its odds."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from odds.admin.event_filters import EventStateFilter, next_first
from odds.admin.event_odds import HISTORY_WINDOW, event_odds
from odds.admin.identity import merge_into_oldest
from odds.admin.search import event_named, search_words
from odds.identity.merge import merge_events
from odds.models import Event, EventAlias, EventBookmaker, EventCompetitor, EventKind
from oddsproject.admin_kit import ReadOnlyMixin


class CompetitorInline(ReadOnlyMixin, admin.TabularInline):
    """A race's runners or an outright's competitors, with their settled results."""

    model = EventCompetitor
    fields = ["sort_order", "name", "external_id", "result"]
    extra = 0


class EventAliasInline(ReadOnlyMixin, admin.TabularInline):
    """The ids sources know the event by (one per source that captured it)."""

    model = EventAlias
    fields = ["source", "external_id"]
    extra = 0


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: events are created and updated by the write path from captures (a
    hand edit of a start time would be undone by the next capture anyway)."""

    list_display = [
        "name",
        "kind",
        "tournament",
        "home_team",
        "away_team",
        "commence_time",
        "bookmaker_count",
    ]
    list_filter = [
        EventStateFilter,
        "tournament__sport",
        "tournament",
        "kind",
        ("commence_time", admin.DateFieldListFilter),
    ]
    list_select_related = ["tournament"]
    # Searched by get_search_results (a competitor's name too); listed for the search box.
    search_fields = ["name", "home_team", "away_team", "tournament__name"]
    search_help_text = "A team, runner or competitor, the event's name, or its tournament."
    date_hierarchy = "commence_time"
    # "3 results (100,000 total)" would count the whole table again on every search.
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {"fields": ["name", "kind", "tournament", "commence_time", ("home_team", "away_team")]},
        ),
        ("Teams as entities", {"fields": [("home_participant", "away_participant")]}),
        ("Identifiers", {"fields": ["sportradar_id", "commence_time_observed_at"]}),
    ]
    inlines = [EventAliasInline, CompetitorInline]

    def get_inlines(self, request, obj=None):
        # A match has its teams above; only races and outrights list competitors.
        if obj is not None and obj.kind == EventKind.MATCH:
            return [EventAliasInline]
        return self.inlines

    actions = ["merge_selected"]

    class Media:
        css = {"all": ["odds/admin.css"]}

    def get_queryset(self, request):
        # A count per row inside the list query (not one query per row); a subquery, not
        # a JOIN + GROUP BY, so the paginator's count and the date drill-down stay plain.
        listings = (
            EventBookmaker.objects.filter(event=OuterRef("pk"))
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super().get_queryset(request).annotate(bookmaker_count=Coalesce(Subquery(listings), 0))
        )

    def get_ordering(self, request):
        return next_first()

    def get_search_results(self, request, queryset, search_term):
        # One condition per word on the event's own row, plus a competitor subquery: no
        # join that repeats events, so no DISTINCT over the list.
        for word in search_words(search_term):
            queryset = queryset.filter(event_named(word) | Q(tournament__name__icontains=word))
        return queryset, False

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("odds.change_event")

    @admin.action(
        description="Same match: merge the others into the oldest selected", permissions=["merge"]
    )
    def merge_selected(self, request, queryset) -> None:
        merge_into_oldest(
            self,
            request,
            list(queryset.order_by("id")),
            noun="events",
            merge=lambda keep, drop: merge_events(keep=keep.pk, drop=drop.pk),
            label=lambda keep, drop: f"{drop} (event {drop.pk}) into event {keep.pk}",
        )

    @admin.display(description="bookmakers", ordering="bookmaker_count")
    def bookmaker_count(self, obj) -> int:
        return obj.bookmaker_count

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["event_odds"] = event_odds(obj, chart_idents=request.GET.getlist("chart"))
            context["history_days"] = HISTORY_WINDOW.days
            context["market_rows_url"] = market_rows_url(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def market_rows_url(event: Event) -> str:
    """The market odds list of every stored row of ``event``."""
    query = urlencode({"event__id__exact": event.pk, "captured": "all"})
    return f"{reverse('admin:odds_marketoddsrecord_changelist')}?{query}"

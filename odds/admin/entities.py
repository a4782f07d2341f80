"""Admin for the reference entities: sports, tournaments, bookmakers and listings."""

from __future__ import annotations

from django.contrib import admin

from odds.admin.identity import merge_selected_bookmakers
from odds.models import (
    Bookmaker,
    BookmakerAlias,
    EventBookmaker,
    Sport,
    Tournament,
    TournamentAlias,
)


@admin.register(Sport)
class SportAdmin(admin.ModelAdmin):
    list_display = ["key", "name"]
    search_fields = ["key", "name"]


class TournamentAliasInline(admin.TabularInline):
    model = TournamentAlias
    extra = 1
    fields = ["source", "key"]


@admin.register(Tournament)
class TournamentAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "sport", "country"]
    list_filter = ["sport"]
    list_select_related = ["sport"]
    search_fields = ["key", "name", "country", "aliases__key"]
    inlines = [TournamentAliasInline]


class BookmakerAliasInline(admin.TabularInline):
    """Keys under which sources report this bookmaker: later captures land here."""

    model = BookmakerAlias
    extra = 1
    fields = ["source", "key"]


@admin.register(Bookmaker)
class BookmakerAdmin(admin.ModelAdmin):
    """``name`` is the display name: edit it to tell regional books apart."""

    list_display = ["key", "name", "is_exchange", "commission_applied"]
    list_editable = ["name"]
    list_filter = ["is_exchange"]
    search_fields = ["key", "name", "aliases__key"]
    fields = ["key", "name", "is_exchange", "commission"]
    inlines = [BookmakerAliasInline]
    actions = [merge_selected_bookmakers]

    @admin.display(description="commission on back prices")
    def commission_applied(self, bookmaker: Bookmaker) -> str:
        """What the read API applies: its own, else the exchanges' default."""
        rate = bookmaker.effective_commission * 100
        own = "" if bookmaker.commission is not None else " (default)"
        return f"{rate.normalize():f} %{own}" if rate else "—"


@admin.register(EventBookmaker)
class EventBookmakerAdmin(admin.ModelAdmin):
    """An event as one bookmaker lists it; its market state is the write path's, so the
    admin shows it and never edits it."""

    list_display = ["event", "bookmaker", "external_event_id", "first_captured_at"]
    list_select_related = ["event", "bookmaker"]
    list_filter = ["bookmaker"]
    raw_id_fields = ["event"]
    search_fields = ["external_event_id", "event__name"]
    readonly_fields = ["first_captured_at", "market_state"]

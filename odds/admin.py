from django.contrib import admin

from odds.models import (
    Bookmaker,
    Event,
    EventBookmaker,
    MarketOddsRecord,
    SnapshotRecord,
    Sport,
    Tournament,
)


@admin.register(Sport)
class SportAdmin(admin.ModelAdmin):
    list_display = ["key", "name"]
    search_fields = ["key", "name"]


@admin.register(Tournament)
class TournamentAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "sport", "country"]
    list_filter = ["sport"]
    list_select_related = ["sport"]
    search_fields = ["key", "name", "country"]


@admin.register(Bookmaker)
class BookmakerAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "is_exchange"]
    list_filter = ["is_exchange"]
    search_fields = ["key", "name"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "tournament", "home_team", "away_team", "commence_time"]
    list_filter = ["tournament__sport"]
    list_select_related = ["tournament"]
    search_fields = ["name", "home_team", "away_team"]
    date_hierarchy = "commence_time"
    raw_id_fields = ["tournament"]


@admin.register(EventBookmaker)
class EventBookmakerAdmin(admin.ModelAdmin):
    list_display = ["event", "bookmaker", "external_event_id"]
    list_select_related = ["event", "bookmaker"]
    raw_id_fields = ["event"]
    search_fields = ["external_event_id", "event__name"]


class ReadOnlyTimeSeriesAdmin(admin.ModelAdmin):
    """The odds tables are written by the ingest path only; the admin reads them."""

    show_full_result_count = False
    list_select_related = ["event", "bookmaker"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SnapshotRecord)
class SnapshotRecordAdmin(ReadOnlyTimeSeriesAdmin):
    list_display = ["id", "captured_at", "event", "bookmaker", "source_updated_at"]
    exclude = ["raw_response"]


@admin.register(MarketOddsRecord)
class MarketOddsRecordAdmin(ReadOnlyTimeSeriesAdmin):
    list_display = ["id", "captured_at", "event", "bookmaker", "market_key", "period", "line"]

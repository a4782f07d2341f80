from django.contrib import admin

from scraping.models import ScrapeError, ScrapeRun


@admin.register(ScrapeRun)
class ScrapeRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "status",
        "trigger",
        "started_at",
        "finished_at",
        "events_count",
        "snapshots_written",
        "markets_written",
        "markets_unchanged",
        "errors_count",
    ]
    list_filter = ["status", "source", "trigger"]
    date_hierarchy = "created_at"
    search_fields = ["source", "job_name", "message"]


@admin.register(ScrapeError)
class ScrapeErrorAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "error_type", "scrape_run", "bookmaker", "event"]
    list_filter = ["error_type"]
    list_select_related = ["scrape_run", "bookmaker", "event"]
    date_hierarchy = "occurred_at"
    search_fields = ["message"]
    raw_id_fields = ["scrape_run", "bookmaker", "event"]

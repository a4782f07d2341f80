"""Scrape errors: a read-only log, each with its context and links to its run and event."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from oddsproject.admin_kit import ReadOnlyMixin, admin_link, first_line, pretty_json
from scraping.admin.runs import run_link
from scraping.models import ScrapeError


@admin.register(ScrapeError)
class ScrapeErrorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "error_type",
        "run",
        "bookmaker",
        "event",
        "occurred_at",
        "message_line",
    ]
    list_filter = [
        "error_type",
        ("scrape_run__source", admin.AllValuesFieldListFilter),
        "bookmaker",
        ("occurred_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["scrape_run", "bookmaker", "event"]
    date_hierarchy = "occurred_at"
    search_fields = ["message"]
    fields = [
        "error_type",
        "run",
        "occurred_at",
        "bookmaker_link",
        "event_link",
        "message_text",
        "context_pretty",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["odds/admin.css"]}

    @admin.display(description="run", ordering="scrape_run")
    def run(self, obj):
        return run_link(obj.scrape_run)

    @admin.display(description="message")
    def message_line(self, obj):
        return first_line(obj.message)

    @admin.display(description="message")
    def message_text(self, obj):
        return format_html('<pre class="odds-json">{}</pre>', obj.message)

    @admin.display(description="context")
    def context_pretty(self, obj):
        return pretty_json(obj.context)

    @admin.display(description="bookmaker")
    def bookmaker_link(self, obj):
        return admin_link(obj.bookmaker)

    @admin.display(description="event")
    def event_link(self, obj):
        return admin_link(obj.event)

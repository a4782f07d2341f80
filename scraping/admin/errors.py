"""Scrape errors: a read-only log, each with its context and links to its run and event."""

from __future__ import annotations

import json
import re

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html

from oddsproject.admin_kit import ReadOnlyMixin, admin_link, first_line, pretty_json
from scraping.admin.display import short_time
from scraping.admin.runs import run_link
from scraping.models import ScrapeError

# A source's page explaining the error (The Odds API answers errors with a "details_url"),
# found anywhere in the context, also inside a response body kept there as text.
DETAILS_URL = re.compile(r'details_url\\?"\s*:\s*\\?"(https?://[^"\\\s]+)')


def details_url(context) -> str:
    text = json.dumps(context or {}, cls=DjangoJSONEncoder)
    match = DETAILS_URL.search(text)
    return match.group(1) if match else ""


def truncated(text: str, full: str) -> str:
    """``text`` cut by CSS to its column's width, ``full`` on hover."""
    return format_html('<span class="odds-truncate" title="{}">{}</span>', full, text)


@admin.register(ScrapeError)
class ScrapeErrorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Seven columns fit beside the filters at 1400 px: the type links the error (no id
    # column), and long text is cut with its whole in a tooltip.
    list_display = [
        "error_type",
        "run_short",
        "bookmaker",
        "event_name",
        "occurred",
        "message_line",
    ]
    list_display_links = ["error_type"]
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
        "details_link",
        "context_pretty",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["odds/admin.css"]}

    @admin.display(description="run", ordering="scrape_run")
    def run(self, obj):
        return run_link(obj.scrape_run)

    @admin.display(description="run", ordering="scrape_run")
    def run_short(self, obj):
        # The list's narrow form of ``run``: the source under the link, the status left to
        # the run's page.
        run = obj.scrape_run
        return format_html(
            '{}<br><span class="odds-quiet">{}</span>', admin_link(run, f"run {run.pk}"), run.source
        )

    @admin.display(description="occurred", ordering="occurred_at")
    def occurred(self, obj):
        return short_time(obj.occurred_at)

    def get_fields(self, request, obj=None):
        if obj is not None and details_url(obj.context):
            return self.fields
        return [field for field in self.fields if field != "details_link"]

    @admin.display(description="event", ordering="event")
    def event_name(self, obj):
        return truncated(str(obj.event), str(obj.event)) if obj.event else "—"

    @admin.display(description="message")
    def message_line(self, obj):
        return truncated(first_line(obj.message), obj.message)

    @admin.display(description="details")
    def details_link(self, obj):
        url = details_url(obj.context)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

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

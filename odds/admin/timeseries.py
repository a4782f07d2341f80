"""Read-only lists of the odds time series that stay fast at hundreds of millions of rows.

- No ``COUNT(*)``: :class:`~odds.admin.paginator.EstimatedCountPaginator` and
  ``show_full_result_count = False``; no facets (each would be a count).
- Always bounded by ``captured_at`` (:class:`~odds.admin.filters.CapturedWindowFilter`), so
  PostgreSQL reads only the partitions of that range, and sorted only by
  ``(captured_at, id)``, the primary key, so a page is an index range scan with a LIMIT.
- ``raw_response`` is not loaded in the list.
- Search (a team, competitor or bookmaker) is resolved to event and bookmaker ids
  first (:mod:`odds.admin.search`), then the rows are filtered by those ids inside the
  time filter's partitions: no text is compared row by row in the big tables.
- A row's page is found by its primary key ``(captured_at, id)``: every link the admin
  makes to one carries ``?captured_at=``; a bare id still works but has to look in
  every partition.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join

from odds.admin.display import outcomes_summary, price_text
from odds.admin.filters import CapturedWindowFilter, MarketKeyFilter
from odds.admin.paginator import EstimatedCountPaginator
from odds.admin.search import team_or_bookmaker
from odds.models import MarketOddsRecord, SnapshotRecord
from oddsproject.admin_kit import ReadOnlyMixin, admin_link, pretty_json


def record_url(record) -> str:
    """The admin page of one time-series row, with its partition key in the URL."""
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    return f"{url}?{urlencode({'captured_at': record.captured_at.isoformat()})}"


def capture_time(text: str | None) -> datetime | None:
    """The ``?captured_at=`` of a row's URL; None when it is not a real time (a hand-typed
    2026-02-30 then finds the row by its id alone, as a URL without it does)."""
    try:
        return parse_datetime(text or "")
    except ValueError:
        return None


class RecordChangeList(ChangeList):
    def url_for_result(self, result) -> str:
        return record_url(result)


class TimeSeriesAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The odds tables are written by the write path only; the admin reads them."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_select_related = ["event", "bookmaker"]
    list_per_page = 100
    ordering = ["-captured_at", "-id"]
    sortable_by = ["captured_at"]
    # Searched by get_search_results (ids first); listed so the search box is shown.
    search_fields = ["event__name", "bookmaker__name"]
    search_help_text = (
        "A team, runner or event name, or a bookmaker (key or name); every word must match. "
        "Searches within the time filter."
    )

    class Media:
        css = {"all": ["odds/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return RecordChangeList

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(team_or_bookmaker(search_term)), False

    def get_object(self, request, object_id, from_field=None):
        """Look the row up by (captured_at, id), the primary key index, when the URL
        gives the capture time; by id alone (every partition) otherwise."""
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return None
        queryset = self.model._default_manager.select_related(*self.list_select_related)
        queryset = queryset.filter(pk=pk)
        captured_at = capture_time(request.GET.get("captured_at"))
        if captured_at is not None:
            queryset = queryset.filter(captured_at=captured_at)
        return queryset.first()

    @admin.display(description="event")
    def event_link(self, obj):
        return admin_link(obj.event)

    @admin.display(description="bookmaker")
    def bookmaker_link(self, obj):
        return admin_link(obj.bookmaker)


@admin.register(SnapshotRecord)
class SnapshotRecordAdmin(TimeSeriesAdmin):
    list_display = ["id", "captured_at", "event", "bookmaker", "source_updated_at", "run_link"]
    list_filter = [CapturedWindowFilter, "bookmaker"]
    list_select_related = ["event", "bookmaker", "scrape_run"]
    fields = [
        "id",
        "captured_at",
        "event_link",
        "bookmaker_link",
        "source_updated_at",
        "run_link",
        "markets",
        "raw_response_pretty",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw_response")

    @admin.display(description="scrape run")
    def run_link(self, obj):
        return admin_link(obj.scrape_run)

    @admin.display(description="markets written in this capture")
    def markets(self, obj):
        rows = MarketOddsRecord.objects.filter(
            captured_at=obj.captured_at,
            event_id=obj.event_id,
            bookmaker_id=obj.bookmaker_id,
            snapshot_id=obj.id,
        ).order_by("market_key", "period", "line")
        items = [(record_url(row), str(row), outcomes_summary(row.outcomes)) for row in rows]
        if not items:
            return "none (every market unchanged since the previous capture)"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>: {}</li>', items)
        )

    @admin.display(description="raw response")
    def raw_response_pretty(self, obj):
        return pretty_json(obj.raw_response)


@admin.register(MarketOddsRecord)
class MarketOddsRecordAdmin(TimeSeriesAdmin):
    list_display = ["id", "captured_at", "event", "bookmaker", "market", "prices"]
    list_filter = [CapturedWindowFilter, MarketKeyFilter, "bookmaker"]
    fields = [
        "id",
        "captured_at",
        "event_link",
        "bookmaker_link",
        "market_key",
        "period",
        "line",
        "outcome_table",
        "snapshot_link",
    ]
    readonly_fields = fields

    @admin.display(description="market")
    def market(self, obj):
        line = f" {format(obj.line.normalize(), 'f')}" if obj.line is not None else ""
        period = "" if obj.period == "full_time" else f" ({obj.period.replace('_', ' ')})"
        return f"{obj.market_key}{line}{period}"

    @admin.display(description="prices")
    def prices(self, obj):
        return outcomes_summary(obj.outcomes)

    @admin.display(description="outcomes")
    def outcome_table(self, obj):
        if not obj.outcomes:
            return "none: the market was gone (withdrawn) from this capture on"
        rows = [
            (o.get("name"), price_text(o.get("price")), o.get("status", "open"))
            for o in obj.outcomes
        ]
        return format_html(
            "<table><thead><tr><th>outcome</th><th>price</th><th>status</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="snapshot")
    def snapshot_link(self, obj):
        snapshot = SnapshotRecord(id=obj.snapshot_id, captured_at=obj.captured_at)
        return format_html('<a href="{}">snapshot {}</a>', record_url(snapshot), obj.snapshot_id)

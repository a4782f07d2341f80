"""The scraping health page: runs and errors over the last 30 days, and the partitions.

Served at ``/admin/scraping/health/`` (oddsproject/urls.py) through
``admin.site.admin_view``, so it needs a staff login like every admin page, and linked
from the admin index and the scrape runs list.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from odds.overview import describe_layout
from scraping import health
from scraping.models import ScrapeStatus

STATUS_COLOURS = {
    ScrapeStatus.COMPLETED: "#2e7d32",
    ScrapeStatus.PARTIAL: "#e08a00",
    ScrapeStatus.FAILED: "#c62828",
    ScrapeStatus.RUNNING: "#1565c0",
    ScrapeStatus.PENDING: "#9e9e9e",
}


def health_view(request):
    if not request.user.has_perm("scraping.view_scraperun"):
        raise PermissionDenied
    runs = health.runs_per_day()
    errors = health.errors_per_day()
    runs_chart = runs.chart()
    for dataset in runs_chart["datasets"]:
        dataset["colour"] = STATUS_COLOURS.get(dataset["label"])
    context = {
        **admin.site.each_context(request),
        "title": "Scraping health",
        "days": health.HEALTH_DAYS,
        "run_totals": runs.totals,
        "error_totals": health.error_type_totals(),
        "latest_runs": health.latest_run_per_source(),
        "tables": health.partition_tables(),
        "counted_up_to": health.COUNTED_UP_TO,
        "layout": describe_layout(),
        "chart_data": {"runs": runs_chart, "errors": errors.chart()},
    }
    return TemplateResponse(request, "admin/scraping/health.html", context)

"""Scrape runs: a read-only log (like django-celery-results), with a re-run action."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from odds.admin.display import admin_link, admin_url, first_line, pretty_json
from odds.admin.readonly import ReadOnlyMixin
from scraping.admin.display import duration_text, status_badge
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus, ScrapeTrigger
from scraping.services import run_job

# Errors shown inline on a run's page; the rest are one click away in the error list.
ERRORS_SHOWN = 50
RERUNNABLE = (ScrapeStatus.FAILED, ScrapeStatus.PARTIAL)


def errors_url(run: ScrapeRun) -> str:
    query = urlencode({"scrape_run__id__exact": run.pk})
    return f"{reverse('admin:scraping_scrapeerror_changelist')}?{query}"


class NewestErrorsFormSet(BaseInlineFormSet):
    """The run's newest :data:`ERRORS_SHOWN` errors: a failed import can have thousands."""

    def get_queryset(self):
        if not hasattr(self, "_newest"):
            self._newest = super().get_queryset().order_by("-occurred_at", "-id")[:ERRORS_SHOWN]
        return self._newest


class ErrorInline(ReadOnlyMixin, admin.TabularInline):
    model = ScrapeError
    formset = NewestErrorsFormSet
    fields = ["occurred_at", "error_type", "bookmaker", "event", "message_line"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = f"errors (the newest {ERRORS_SHOWN})"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bookmaker", "event")

    @admin.display(description="message")
    def message_line(self, obj):
        return first_line(obj.message)


@admin.register(ScrapeRun)
class ScrapeRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "status_badge",
        "source",
        "trigger",
        "job_name",
        "started_at",
        "duration",
        "events_count",
        "snapshots_written",
        "markets_written",
        "markets_unchanged",
        "errors_count",
    ]
    list_display_links = ["id"]
    list_filter = ["status", "source", "trigger", ("created_at", admin.DateFieldListFilter)]
    date_hierarchy = "created_at"
    search_fields = ["source", "job_name", "message", "id__exact"]
    search_help_text = "Source, job name, message, or a run id."
    actions = ["rerun"]
    inlines = [ErrorInline]
    fieldsets = [
        ("Run", {"fields": ["status_badge", "source", "trigger", "job_name", "message"]}),
        (
            "Times",
            {"fields": ["created_at", "started_at", "finished_at", "duration", "heartbeat_at"]},
        ),
        (
            "Counts",
            {
                "fields": [
                    "events_count",
                    "snapshots_written",
                    "markets_written",
                    "markets_unchanged",
                    "errors_link",
                ]
            },
        ),
        ("Job", {"fields": ["parameters_pretty", "stats_pretty"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    class Media:
        css = {"all": ["odds/admin.css"]}

    # --- Columns and fields ---------------------------------------------------------
    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return status_badge(obj.status, obj.get_status_display())

    @admin.display(description="duration", ordering=F("finished_at") - F("started_at"))
    def duration(self, obj):
        if obj.finished_at is None or obj.started_at is None:
            return "running" if obj.status == ScrapeStatus.RUNNING else "—"
        return duration_text(obj.finished_at - obj.started_at)

    @admin.display(description="errors")
    def errors_link(self, obj):
        if not obj.errors_count:
            return "0"
        return format_html('{} (<a href="{}">list them all</a>)', obj.errors_count, errors_url(obj))

    @admin.display(description="parameters")
    def parameters_pretty(self, obj):
        return pretty_json(obj.parameters)

    @admin.display(description="stats")
    def stats_pretty(self, obj):
        return pretty_json(obj.stats)

    # --- A log: nobody adds, edits or deletes runs here -------------------------------

    def has_rerun_permission(self, request) -> bool:
        return request.user.has_perm("scraping.add_scraperun")

    # --- Re-run -----------------------------------------------------------------------
    @admin.action(description="Re-run with the same parameters", permissions=["rerun"])
    def rerun(self, request, queryset):
        runs = list(queryset.order_by("id"))
        skipped = [run for run in runs if run.status not in RERUNNABLE]
        if skipped:
            ids = ", ".join(str(run.pk) for run in skipped)
            self.message_user(
                request,
                f"Only failed or partial runs are re-run; skipped run(s) {ids}.",
                messages.WARNING,
            )
        for run in runs:
            if run.status in RERUNNABLE:
                self._rerun(request, run)

    def _rerun(self, request, run: ScrapeRun) -> ScrapeRun | None:
        """Runs the job synchronously (a later change moves it to a task queue)."""
        try:
            new_run = run_job(
                source=run.source,
                parameters=run.parameters,
                trigger=ScrapeTrigger.ADMIN,  # type: ignore[arg-type]  # TextChoices member: a str
                job_name=run.job_name,
            )
        except Exception as exc:  # recorded on the new run by the runner; tell the user
            self.message_user(
                request,
                f"Re-running run {run.pk} stopped on {type(exc).__name__}: {exc}. "
                "The new run is in the list, marked failed.",
                messages.ERROR,
            )
            return None
        level = {
            ScrapeStatus.COMPLETED: messages.SUCCESS,
            ScrapeStatus.PARTIAL: messages.WARNING,
        }.get(new_run.status, messages.ERROR)
        self.message_user(
            request,
            format_html(
                'Run {} re-run as <a href="{}">run {}</a>: {}, {} errors.',
                run.pk,
                admin_url(new_run),
                new_run.pk,
                new_run.get_status_display().lower(),
                new_run.errors_count,
            ),
            level,
        )
        return new_run

    def get_urls(self):
        rerun = self.admin_site.admin_view(self.rerun_view)
        name = "scraping_scraperun_rerun"
        return [path("<path:object_id>/rerun/", rerun, name=name), *super().get_urls()]

    def rerun_view(self, request, object_id):
        """The run page's "Re-run" button (POST): same as the list action for one run."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_rerun_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ScrapeRun, pk=object_id)
        if run.status not in RERUNNABLE:
            self.message_user(request, "Only failed or partial runs are re-run.", messages.WARNING)
            return HttpResponseRedirect(admin_url(run))
        new_run = self._rerun(request, run)
        return HttpResponseRedirect(admin_url(new_run or run))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_rerun"] = bool(
            obj is not None and obj.status in RERUNNABLE and self.has_rerun_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)


def run_link(run: ScrapeRun | None) -> str:
    if run is None:
        return "—"
    return admin_link(run, f"run {run.pk} ({run.source}, {run.get_status_display().lower()})")

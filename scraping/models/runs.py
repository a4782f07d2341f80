"""The log of scrapes: one ScrapeRun per scrape or import, one ScrapeError per failure in it."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ScrapeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    PARTIAL = "partial", "Partial"  # some items failed, the rest were stored
    FAILED = "failed", "Failed"  # nothing stored, or the source was unreachable

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        return (cls.COMPLETED, cls.PARTIAL, cls.FAILED)  # type: ignore[return-value]  # str members


class ScrapeTrigger(models.TextChoices):
    MANUAL = "manual", "Manual (command line)"
    SCHEDULE = "schedule", "Schedule"
    ADMIN = "admin", "Admin action"
    TEST = "test", "Test"


class ScrapeRun(models.Model):
    source = models.CharField(max_length=64, help_text="Adapter name, e.g. theoddsapi.")
    status = models.CharField(
        max_length=16, choices=ScrapeStatus.choices, default=ScrapeStatus.PENDING
    )
    trigger = models.CharField(
        max_length=16, choices=ScrapeTrigger.choices, default=ScrapeTrigger.MANUAL
    )
    job_name = models.CharField(max_length=200, blank=True, default="")
    parameters = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="What the run was asked to do (never secrets).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(blank=True, null=True)
    finished_at = models.DateTimeField(blank=True, null=True)
    heartbeat_at = models.DateTimeField(
        blank=True, null=True, help_text="Last sign of life; stale running runs are reaped."
    )
    events_count = models.PositiveIntegerField(default=0)
    snapshots_written = models.PositiveIntegerField(default=0)
    markets_written = models.PositiveIntegerField(default=0)
    markets_unchanged = models.PositiveIntegerField(default=0)
    errors_count = models.PositiveIntegerField(default=0)
    stats = models.JSONField(
        default=dict, blank=True, encoder=DjangoJSONEncoder, help_text="Timings, quota headers."
    )
    message = models.TextField(blank=True, default="", help_text="Why the run ended as it did.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(F("created_at").desc(), name="scraperun_created_idx"),
            models.Index(fields=["status", "created_at"], name="scraperun_status_idx"),
            models.Index(fields=["source", "created_at"], name="scraperun_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="scraperun_finished_after_started",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ScrapeStatus.values), name="scraperun_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} run {self.pk} ({self.status})"


class ScrapeError(models.Model):
    scrape_run = models.ForeignKey(ScrapeRun, on_delete=models.CASCADE, related_name="errors")
    error_type = models.CharField(max_length=64)
    message = models.TextField()
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    bookmaker = models.ForeignKey(
        "odds.Bookmaker", on_delete=models.SET_NULL, blank=True, null=True, related_name="+"
    )
    event = models.ForeignKey(
        "odds.Event", on_delete=models.SET_NULL, blank=True, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(F("occurred_at").desc(), name="scrapeerror_occurred_idx"),
            models.Index(fields=["error_type", "occurred_at"], name="scrapeerror_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.error_type}: {self.message.splitlines()[0] if self.message else ''}"

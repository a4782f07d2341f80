"""How a scrape run stands and what started it."""

from django.db import models


class ScrapeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    PARTIAL = "partial", "Partial"  # some items failed, the rest were stored
    FAILED = "failed", "Failed"  # nothing stored, or the source was unreachable


class ScrapeTrigger(models.TextChoices):
    MANUAL = "manual", "Manual (command line)"
    SCHEDULE = "schedule", "Schedule"
    ADMIN = "admin", "Admin action"

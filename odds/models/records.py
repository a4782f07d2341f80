"""Read-only twins of the partitioned tables, for the admin.

Django's admin refuses models with a composite primary key, and the partitioned
tables must have one (captured_at, id). These unmanaged models map the same tables
with ``id`` alone as the key: the admin lists and shows rows through them, nothing
writes through them, and migrations create nothing for them.
"""

from __future__ import annotations

from django.db import models

from odds.models.entities import Bookmaker, Event


class SnapshotRecord(models.Model):
    id = models.BigIntegerField(primary_key=True)
    event = models.ForeignKey(Event, models.DO_NOTHING, db_constraint=False, related_name="+")
    bookmaker = models.ForeignKey(
        Bookmaker, models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    captured_at = models.DateTimeField()
    source_updated_at = models.DateTimeField(blank=True, null=True)
    scrape_run = models.ForeignKey(
        "scraping.ScrapeRun",
        models.DO_NOTHING,
        db_constraint=False,
        blank=True,
        null=True,
        related_name="+",
    )
    raw_response = models.JSONField(blank=True, null=True)

    class Meta:
        managed = False
        db_table = "odds_oddssnapshot"
        verbose_name = "odds snapshot"
        ordering = ["-captured_at"]

    def __str__(self) -> str:
        return f"snapshot {self.id} @ {self.captured_at:%Y-%m-%d %H:%M:%S}"


class MarketOddsRecord(models.Model):
    id = models.BigIntegerField(primary_key=True)
    snapshot_id = models.BigIntegerField()
    captured_at = models.DateTimeField()
    event = models.ForeignKey(Event, models.DO_NOTHING, db_constraint=False, related_name="+")
    bookmaker = models.ForeignKey(
        Bookmaker, models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    market_key = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    line = models.DecimalField(max_digits=8, decimal_places=3, blank=True, null=True)
    outcomes = models.JSONField()

    class Meta:
        managed = False
        db_table = "odds_marketodds"
        verbose_name = "market odds"
        verbose_name_plural = "market odds"
        ordering = ["-captured_at"]

    def __str__(self) -> str:
        return f"{self.market_key} ({self.period}) @ {self.captured_at:%Y-%m-%d %H:%M:%S}"

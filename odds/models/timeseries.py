"""The odds time series: RANGE-partitioned on ``captured_at`` (see odds/partitioning/).

``OddsSnapshot`` proves a look at one event at one bookmaker; ``MarketOdds`` holds a
market's prices only when they are new, changed, suspended or gone, so history stays
compact. Both carry ``captured_at`` so each row and its snapshot live in partitions
of the same time range.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import BrinIndex
from django.db import models, router, transaction
from django.db.models import F, Func, Q
from django.db.models.lookups import Exact
from psqlextra.models import PostgresPartitionedModel
from psqlextra.types import PostgresPartitioningMethod

from odds.models.entities import Bookmaker, Event
from odds.models.fields import PartitionedBigAutoField
from odds.models.managers import MarketOddsManager, PartitionedManager, ensure_partition_for
from odds.models.scopes import CaptureScope


def _jsonb_typeof(field: str) -> Func:
    return Func(F(field), function="jsonb_typeof", output_field=models.CharField())


class OddsSnapshot(PostgresPartitionedModel):
    id = PartitionedBigAutoField()
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_index=False, related_name="+")
    bookmaker = models.ForeignKey(
        Bookmaker, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    captured_at = models.DateTimeField(help_text="When we observed the prices (UTC).")
    source_updated_at = models.DateTimeField(
        blank=True, null=True, help_text="The bookmaker's own last update, as the source says."
    )
    scrape_run = models.ForeignKey(
        "scraping.ScrapeRun",
        on_delete=models.DO_NOTHING,
        db_index=False,
        blank=True,
        null=True,
        related_name="+",
    )
    raw_response = models.JSONField(blank=True, null=True)
    scope = models.ForeignKey(
        CaptureScope,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        blank=True,
        null=True,
        related_name="+",
        help_text="The market identities this capture reported in full: the quotes it "
        "confirmed. Empty: unknown (rows from before scopes were kept), confirms all.",
    )

    objects = PartitionedManager()

    class PartitioningMeta:
        method = PostgresPartitioningMethod.RANGE
        key = ["captured_at"]

    class Meta:
        indexes = [
            BrinIndex(fields=["captured_at"], name="snapshot_captured_brin", autosummarize=True),
        ]
        constraints = [
            # One look at one event at one bookmaker at one instant: re-ingesting the
            # same capture finds it and writes nothing. The same index serves "an
            # event's snapshots, newest first", so snapshots carry one index besides
            # the primary key (they are most of the bytes of a change-only store).
            models.UniqueConstraint(
                F("event"),
                F("captured_at").desc(),
                F("bookmaker"),
                name="snapshot_event_captured_uniq",
            ),
        ]

    def save(self, *args, **kwargs):
        ensure_partition_for(self, using=kwargs.get("using"))
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"snapshot {self.id} @ {self.captured_at:%Y-%m-%d %H:%M:%S}"


class MarketOdds(PostgresPartitionedModel):
    id = PartitionedBigAutoField()
    snapshot_id = models.BigIntegerField()
    # The database enforces (captured_at, snapshot_id) -> odds_oddssnapshot(captured_at, id)
    # with a real FOREIGN KEY (migration 0002): Django cannot point a ForeignKey at a
    # composite primary key, so the ORM sees a ForeignObject over the same columns.
    snapshot = models.ForeignObject(
        OddsSnapshot,
        on_delete=models.DO_NOTHING,
        from_fields=["captured_at", "snapshot_id"],
        to_fields=["captured_at", "id"],
        related_name="markets",
    )
    captured_at = models.DateTimeField()
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_index=False, related_name="+")
    bookmaker = models.ForeignKey(
        Bookmaker, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    market_key = models.CharField(max_length=64)
    period = models.CharField(max_length=32, default="full_time")
    line = models.DecimalField(max_digits=8, decimal_places=3, blank=True, null=True)
    outcomes = models.JSONField(
        default=list,
        help_text='[{"name": "home", "price": "2.150", "status": "open"}, ...]',
    )
    # Retention copies the rows still in force into the oldest partition it keeps
    # (odds.retention); these keep what the copied row said about its own times.
    carried_from = models.DateTimeField(
        blank=True, null=True, help_text="A carried row: when its prices really changed."
    )
    carried_confirmed_at = models.DateTimeField(
        blank=True, null=True, help_text="A carried row: when they were last confirmed then."
    )

    objects = MarketOddsManager()

    class PartitioningMeta:
        method = PostgresPartitioningMethod.RANGE
        key = ["captured_at"]

    class Meta:
        verbose_name_plural = "market odds"
        indexes = [
            models.Index(
                F("event"),
                F("bookmaker"),
                F("market_key"),
                F("period"),
                F("line"),
                F("captured_at").desc(),
                name="marketodds_series_idx",
            ),
            BrinIndex(fields=["captured_at"], name="marketodds_captured_brin", autosummarize=True),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(market_key__regex=r"^[a-z0-9_]+$") & Q(period__regex=r"^[a-z0-9_]+$"),
                name="marketodds_keys_snake_case",
            ),
            models.CheckConstraint(
                condition=Exact(_jsonb_typeof("outcomes"), "array"),
                name="marketodds_outcomes_is_array",
            ),
        ]

    def save(self, *args, **kwargs):
        """Insert only, keeping the pair's state (odds.ingest.orm_writes): a row saved
        here is visible to the read API like one from ``odds.ingest.ingest_captures``."""
        from odds.ingest import orm_writes

        if not self._state.adding:
            raise ValueError(orm_writes.IMMUTABLE)
        orm_writes.check_time(self.captured_at)
        self.outcomes = orm_writes.canonical_outcomes(self.outcomes)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        ensure_partition_for(self, using=using)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            orm_writes.record_rows([self], using=using)

    def delete(self, *args, **kwargs):
        from odds.ingest.orm_writes import IMMUTABLE

        raise ValueError(IMMUTABLE)

    def __str__(self) -> str:
        line = f" {self.line}" if self.line is not None else ""
        return f"{self.market_key}{line} ({self.period}) @ {self.captured_at:%Y-%m-%d %H:%M:%S}"

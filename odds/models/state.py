"""The current prices of every market, so change detection never reads history."""

from __future__ import annotations

from django.db import models

from odds.models.entities import Bookmaker, Event


class MarketState(models.Model):
    """The newest stored ``MarketOdds`` of one (event, bookmaker, market, period, line).

    The write path compares each observed market with this row and writes history only
    on a difference. It is derived data: ``changed_at`` and ``outcomes`` always equal the
    newest ``MarketOdds`` row of the key (``outcomes == []`` once the market is gone).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, db_index=False, related_name="+")
    bookmaker = models.ForeignKey(
        Bookmaker, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    market_key = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    line = models.DecimalField(max_digits=8, decimal_places=3, blank=True, null=True)
    outcomes = models.JSONField(default=list)
    # 64-bit hash of the outcomes' canonical text (odds.ingest.changes.value_hash): what
    # change detection compares, so it never parses JSON.
    value_hash = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "bookmaker", "market_key", "period", "line"],
                nulls_distinct=False,
                name="marketstate_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.market_key} ({self.period}) {self.line or ''} since {self.changed_at}"

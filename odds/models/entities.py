"""The things odds are quoted on: sports, tournaments, events and the bookmakers quoting them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Sport(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Tournament(models.Model):
    sport = models.ForeignKey(Sport, on_delete=models.PROTECT, related_name="tournaments")
    key = models.SlugField(max_length=128)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["sport__key", "key"]
        constraints = [
            models.UniqueConstraint(fields=["sport", "key"], name="tournament_unique_per_sport"),
        ]

    def __str__(self) -> str:
        return self.name


class Bookmaker(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=128)
    is_exchange = models.BooleanField(default=False)
    commission = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        blank=True,
        null=True,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.9999"))],
        help_text="Share of net winnings an exchange keeps (0.05 = 5 %). Empty: "
        "ODDS_EXCHANGE_COMMISSION for exchanges, 0 for bookmakers.",
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_commission(self) -> Decimal:
        """The commission the read API applies to this bookmaker's back prices."""
        return effective_commission(commission=self.commission, is_exchange=self.is_exchange)


def effective_commission(*, commission: Decimal | None, is_exchange: bool) -> Decimal:
    """A bookmaker's own commission, else the exchanges' default (one place for both)."""
    if commission is not None:
        return Decimal(commission)
    return Decimal(settings.ODDS_EXCHANGE_COMMISSION) if is_exchange else Decimal(0)


class EventKind(models.TextChoices):
    MATCH = "match", "match (home v away)"
    RACE = "race", "race (runners)"
    OUTRIGHT = "outright", "outright (competitors)"


class Event(models.Model):
    tournament = models.ForeignKey(Tournament, on_delete=models.PROTECT, related_name="events")
    name = models.CharField(max_length=300)
    kind = models.CharField(
        max_length=16,
        choices=EventKind.choices,
        default=EventKind.MATCH,
        help_text="A match has home and away teams; races and outrights have competitors.",
    )
    home_team = models.CharField(max_length=150, blank=True, default="")
    away_team = models.CharField(max_length=150, blank=True, default="")
    commence_time = models.DateTimeField(help_text="Scheduled start, UTC.")
    sportradar_id = models.CharField(max_length=64, unique=True, blank=True, null=True)
    commence_time_observed_at = models.DateTimeField(
        blank=True,
        null=True,
        help_text="Capture time of the newest capture that set commence_time; an older "
        "capture arriving late never moves the start time back.",
    )
    bookmakers = models.ManyToManyField(
        "Bookmaker", through="EventBookmaker", related_name="events"
    )
    # The teams as entities, so matching across sources compares identities, not names
    # (home_team/away_team hold their canonical names). Null for events stored before.
    home_participant = models.ForeignKey(
        "Participant", on_delete=models.SET_NULL, blank=True, null=True, related_name="+"
    )
    away_participant = models.ForeignKey(
        "Participant", on_delete=models.SET_NULL, blank=True, null=True, related_name="+"
    )

    class Meta:
        ordering = ["commence_time", "id"]
        indexes = [
            models.Index(fields=["tournament", "commence_time"], name="event_tournament_start_idx"),
            models.Index(fields=["commence_time"], name="event_commence_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EventKind.MATCH) | (Q(home_team__gt="") & Q(away_team__gt="")),
                name="event_teams_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompetitorResult(models.TextChoices):
    UNKNOWN = "", "not settled"
    WINNER = "winner", "winner"
    PLACED = "placed", "placed"
    LOSER = "loser", "loser"
    REMOVED = "removed", "removed (non-runner)"


class EventCompetitor(models.Model):
    """A runner, player or team of a race or outright; its markets' outcomes carry its
    name. ``result`` is the settled outcome as the source reported it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="competitors")
    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=128, blank=True, default="")
    sort_order = models.PositiveIntegerField(default=0)
    result = models.CharField(
        max_length=16, choices=CompetitorResult.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["event", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="eventcompetitor_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EventAlias(models.Model):
    """The id a source knows an event by, so later captures find the same Event even
    when its start time or team order changes."""

    source = models.CharField(max_length=64)
    external_id = models.CharField(max_length=200)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="eventalias_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class EventBookmaker(models.Model):
    """An event as one bookmaker lists it: its id and page there, when we first captured
    it (a lower time bound for its history) and the current state of its markets."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="listings")
    bookmaker = models.ForeignKey(Bookmaker, on_delete=models.PROTECT, related_name="listings")
    external_event_id = models.CharField(max_length=128, blank=True, default="")
    event_url = models.URLField(max_length=500, blank=True, default="")
    first_captured_at = models.DateTimeField(
        blank=True, null=True, help_text="The pair's earliest capture: a lower time bound."
    )
    market_state = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per market identity the hash and time of its newest stored prices "
        "(odds.ingest.state): what change detection compares with.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "bookmaker"], name="eventbookmaker_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} @ {self.bookmaker}"


__all__ = [
    "Bookmaker",
    "CompetitorResult",
    "Event",
    "EventBookmaker",
    "EventCompetitor",
    "EventKind",
    "Sport",
    "Tournament",
]

"""Identity across sources: teams and the names each source gives them, the keys sources
give tournaments and bookmakers, and the queue of possible duplicate events.

Aliases are looked up by their *normalized* form (:func:`odds.identity.normalize`), so an
alias covers every spelling that differs only in case, accents or punctuation. An alias
with an empty ``source`` holds for every source; one with a source wins over it.
"""

from __future__ import annotations

from django.db import models

from odds.identity.normalize import normalize_key, normalize_name
from odds.models.entities import Bookmaker, Event, Sport, Tournament

ANY_SOURCE_HELP = "The source that uses this name; empty: every source."


class Participant(models.Model):
    """One team (or player), whichever source names it; ``name`` is the canonical name
    events show."""

    sport = models.ForeignKey(Sport, on_delete=models.PROTECT, related_name="participants")
    name = models.CharField(max_length=150)
    normalized = models.CharField(max_length=150, editable=False)
    league = models.ForeignKey(
        Tournament,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="+",
        help_text="The league it plays in: places events whose source names no league "
        "(The Odds API's plain 'soccer') when both teams play in the same one.",
    )

    class Meta:
        ordering = ["sport__key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sport", "normalized"], name="participant_unique_per_sport"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class ParticipantAlias(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="aliases")
    sport = models.ForeignKey(Sport, on_delete=models.CASCADE, related_name="+", editable=False)
    source = models.CharField(max_length=64, blank=True, default="", help_text=ANY_SOURCE_HELP)
    name = models.CharField(max_length=150)
    normalized = models.CharField(max_length=150, editable=False)

    class Meta:
        verbose_name_plural = "participant aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["sport", "source", "normalized"], name="participantalias_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source or '*'}: {self.name} → {self.participant}"

    def save(self, *args, **kwargs):
        self.sport_id = self.participant.sport_id
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)


class TournamentAlias(models.Model):
    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="aliases")
    sport = models.ForeignKey(Sport, on_delete=models.CASCADE, related_name="+", editable=False)
    source = models.CharField(max_length=64, blank=True, default="", help_text=ANY_SOURCE_HELP)
    key = models.CharField(
        max_length=128, help_text="The tournament key as the source's adapter gives it."
    )

    class Meta:
        verbose_name_plural = "tournament aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["sport", "source", "key"], name="tournamentalias_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source or '*'}: {self.key} → {self.tournament}"

    def save(self, *args, **kwargs):
        self.sport_id = self.tournament.sport_id
        self.key = normalize_key(self.key)
        super().save(*args, **kwargs)


class BookmakerAlias(models.Model):
    """A key under which a source reports a bookmaker stored under another key (The Odds
    API's ``williamhill`` is football-data's ``william_hill``)."""

    bookmaker = models.ForeignKey(Bookmaker, on_delete=models.CASCADE, related_name="aliases")
    source = models.CharField(max_length=64, blank=True, default="", help_text=ANY_SOURCE_HELP)
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "bookmaker aliases"
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="bookmakeralias_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source or '*'}: {self.key} → {self.bookmaker.key}"


class MatchStatus(models.TextChoices):
    # A merged pair leaves the queue: its event is gone (see odds.identity.merge).
    PENDING = "pending"
    DISMISSED = "dismissed"


class EventMatchCandidate(models.Model):
    """A possible duplicate a person decides on: matching found more than one stored
    event that fits a capture, so it made a new event and queued each fit here."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=64, help_text="The source whose capture was ambiguous.")
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=16, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(blank=True, null=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "candidate"], name="eventmatch_unique_pair"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="eventmatch_status_idx")]

    def __str__(self) -> str:
        return f"{self.event} ≟ {self.candidate}"


__all__ = [
    "BookmakerAlias",
    "EventMatchCandidate",
    "MatchStatus",
    "Participant",
    "ParticipantAlias",
    "TournamentAlias",
]

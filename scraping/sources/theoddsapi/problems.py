"""Where in a response a problem sits, and messages that say the cause before the place.

Lists of runs and errors cut a message after about 120 characters, so each message
starts with what is wrong and ends with where: the event, the bookmaker, the file or
URL. The same place is in the Problem's context, under the keys it always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from odds.captures import EventRef, Problem
from scraping.sources.base import json_safe
from scraping.sources.theoddsapi.tables import SLUG


def located(cause: str, place: str) -> str:
    """``cause — place``: the message of a Problem or SourceError."""
    return f"{cause} — {place}" if place else cause


def in_origin(origin: str) -> str:
    """The file or URL a response came from, as the end of a place."""
    return f"in {origin or 'the response'}"


def event_place(event: EventRef, origin: str) -> str:
    return f"event {event.source_event_id} ({event.name}), {in_origin(origin)}"


class Dropped(Exception):
    """A market that cannot be kept; carries the Problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Where:
    """Where a market sits, for Problem messages and context."""

    event: EventRef
    bookmaker: str
    origin: str

    def place(self) -> str:
        place = (
            f"event {self.event.source_event_id} ({self.event.name}), bookmaker {self.bookmaker}"
        )
        return f"{place}, in {self.origin}" if self.origin else place

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "event_id": self.event.source_event_id,
            "bookmaker": self.bookmaker,
            **json_safe(extra),
        }

    def problem(self, error_type: str, cause: str, **extra: Any) -> Problem:
        return Problem(
            error_type,
            located(cause, self.place()),
            self.context(**extra),
            bookmaker_key=self.bookmaker if SLUG.match(self.bookmaker) else None,
            event=self.event,
        )

    def dropped(self, error_type: str, cause: str, **extra: Any) -> Dropped:
        return Dropped(self.problem(error_type, cause, **extra))

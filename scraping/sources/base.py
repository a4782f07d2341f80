"""What every source adapter shares: its output type, its fatal error, time parsing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from odds.captures import Capture, Problem

Item = Capture | Problem
Items = Iterator[Item]


class SourceError(Exception):
    """The source as a whole failed: unreachable, unauthorised, unreadable file.

    Nothing (more) can be read from it; the runner records it as a fatal ScrapeError.
    ``context`` must never hold a secret such as an API key.
    """

    def __init__(self, error_type: str, message: str, context: dict[str, Any] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.context = context or {}

    def as_problem(self) -> Problem:
        return Problem(self.error_type, self.message, self.context, fatal=True)


def parse_utc(value: object) -> datetime:
    """An ISO-8601 time (``Z``, an offset, or ``... UTC``) as an aware UTC datetime.

    Raises ValueError naming the value when it is not a time. A time without a zone
    is taken as UTC, as the sources document.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"time {value!r} is missing or not text")
    text = value.strip()
    if text.endswith(" UTC"):
        text = text[: -len(" UTC")]
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {value!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)

"""Reading one field of a parsed response, whatever the feed put there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scraping.sources.base import parse_utc


def dicts(value: Any) -> list[dict]:
    """The objects of a list (anything else in it, or a non-list, gives none)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def maybe_time(value: Any) -> datetime | None:
    try:
        return parse_utc(value)
    except ValueError:
        return None


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""

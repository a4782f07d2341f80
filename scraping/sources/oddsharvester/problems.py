"""How OddsHarvester problems say where they are: cause first, then the record and file."""

from __future__ import annotations

from typing import Any

from odds.captures import EventRef
from scraping.sources.base import located


def record_message(
    cause: str, where: dict[str, Any], *details: str, event: EventRef | None = None
) -> str:
    """``cause — match A v B (record 12), <details>, file x.json``; the match once known."""
    record = f"record {where['record']}"
    subject = f"match {event.name} ({record})" if event is not None else record
    origin = f"file {where['origin']}" if where.get("origin") else ""
    return located(cause, subject, *details, origin)

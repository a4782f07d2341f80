"""Shared bits of the scraping admin: the status badge, run durations, short times."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.html import format_html


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="odds-badge status-{}">{}</span>', status, label)


def duration_text(duration: timedelta | None) -> str:
    """``0.4 s``, ``12.3 s``, ``4 min 05 s``, ``2 h 03 min``; ``—`` when not finished."""
    if duration is None:
        return "—"
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def short_time(moment: datetime | None) -> str:
    """``2026-01-10 12:00`` in the viewer's zone, for narrow list columns; the seconds
    and the zone in the tooltip."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return format_html(
        '<span class="odds-num" title="{}">{}</span>',
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        local.strftime("%Y-%m-%d %H:%M"),
    )

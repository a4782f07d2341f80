"""Shared bits of the scraping admin: the status badge and run durations."""

from __future__ import annotations

from datetime import timedelta

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

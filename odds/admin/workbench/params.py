"""Reading the workbench pages' query parameters: a value a page cannot use is a
:class:`BadParameter` naming the parameter and the fix, shown on the page (never a 500
and never an empty answer that looks like "no odds")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The windows a page offers, by the value of its ``window`` parameter.
WINDOWS = {
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
WINDOW_LABELS = [
    ("1h", "last hour"),
    ("6h", "last 6 hours"),
    ("24h", "last 24 hours"),
    ("7d", "last 7 days"),
]
TIME_EXAMPLE = "2026-01-10 12:00 (in your time zone) or 2026-01-10T12:00:00Z"


class BadParameter(ValueError):
    def __init__(self, name: str, value: str, fix: str) -> None:
        super().__init__(f"{name}={value!r}: {fix}")
        self.name = name


def when(query: Mapping[str, str], name: str) -> datetime | None:
    """An aware time, or None when absent; a time without an offset is in the viewer's
    time zone (the one the page shows times in)."""
    text = query.get(name, "").strip()
    if not text:
        return None
    if "T" in text and re.search(r"\d \d\d:\d\d$", text):
        # A "+" typed into a URL arrives as a space: 13:00:00+01:00 became "13:00:00 01:00".
        text = text[: -len("00:00") - 1] + "+" + text[-len("00:00") :]
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, text, f"not a date and time: write it as {TIME_EXAMPLE}.")
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def window(query: Mapping[str, str], default: str) -> tuple[str, timedelta]:
    key = query.get("window", "").strip() or default
    if key not in WINDOWS:
        raise BadParameter("window", key, f"choose one of {', '.join(WINDOWS)}.")
    return key, WINDOWS[key]


def whole_number(query: Mapping[str, str], name: str, *, default: int, most: int) -> int:
    text = query.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= most:
        raise BadParameter(name, text, f"use a whole number from 1 to {most}.")
    return int(text)


def percent(query: Mapping[str, str], name: str) -> Decimal:
    """A percentage typed as a number (0.5 means 0.5 %), as a ratio (0.005)."""
    text = query.get(name, "").strip()
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value < 100:
        raise BadParameter(name, text, "use a percentage from 0 to 100, e.g. 0.5 for 0.5 %.")
    return value / 100


def flag(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").strip().lower() in {"1", "true", "on", "yes"}


def choice(query: Mapping[str, str], name: str, choices: Mapping[str, object], default: str):
    """The value of one of ``choices`` (by its key), ``default`` when absent."""
    key = query.get(name, "").strip() or default
    if key not in choices:
        shown = ", ".join(list(choices)[:12]) + (" ..." if len(choices) > 12 else "")
        raise BadParameter(name, key, f"choose one of {shown}.")
    return key, choices[key]


def record_id(query: Mapping[str, str], name: str, model, *, required: bool = False):
    """The row of ``model`` whose id the parameter holds (None when absent)."""
    text = query.get(name, "").strip()
    if not text:
        if required:
            noun = model._meta.verbose_name
            fix = f"give the {noun}'s id (?{name}=<id>), or open this page from the {noun}'s page."
            raise BadParameter(name, text, fix)
        return None
    # Beyond 18 digits an id would overflow the integer column: it names nothing.
    found = (
        model.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) <= 18 else None
    )
    if found is None:
        raise BadParameter(name, text, f"no {model._meta.verbose_name} has this id.")
    return found

"""Small HTML helpers every admin page may use: pretty JSON, links to admin pages and
the first line of a long text."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html

# Long JSON (a raw response, a traceback) is cut here on the page; the database keeps it whole.
JSON_DISPLAY_LIMIT = 100_000


def pretty_json(value: Any) -> str:
    """Indented, key-sorted JSON in a <pre>, so a person can read a context or stats."""
    if value in (None, {}, []):
        return "—"
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    if len(text) > JSON_DISPLAY_LIMIT:
        text = text[:JSON_DISPLAY_LIMIT] + f"\n… ({len(text) - JSON_DISPLAY_LIMIT} more characters)"
    return format_html('<pre class="odds-json">{}</pre>', text)


def admin_url(obj, action: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


def admin_link(obj, text: str | None = None) -> str:
    if obj is None:
        return "—"
    return format_html('<a href="{}">{}</a>', admin_url(obj), text if text is not None else obj)


def first_line(text: str, *, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"

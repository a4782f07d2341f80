"""Opening vs closing: per bookmaker, one event's first prices of a market against its
closing ones (the prices in force at kick-off; before kick-off, the latest pre-match
ones), the % move per outcome, and closing prices the bookmaker had stopped confirming
flagged stale. Linked from the event's page."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from odds.admin.display import price_text
from odds.admin.workbench import params
from odds.admin.workbench.page import event_url, market_text, move_percent, render
from odds.models import Event
from odds.quotes import OpeningClosing
from odds.selectors import main_line, opening_closing
from odds.selectors.args import line as parse_line
from odds.selectors.grid import event_markets
from odds.selectors.pricing import role_rank
from odds.series import line_text

TEMPLATE = "admin/odds/workbench/opening_closing.html"


def opening_closing_view(request):
    return render(request, template=TEMPLATE, title="Opening vs closing", build=_build)


def _build(query: Mapping[str, str]) -> dict:
    event = params.record_id(query, "event", Event, required=True)
    markets = event_markets(event)
    keys = sorted({(k, p) for k, p, _ in markets})
    context = {"event": event, "event_url": event_url(event.pk), "markets": _choices(markets)}
    if not keys:
        return context
    default = ("h2h", "full_time") if ("h2h", "full_time") in keys else keys[0]
    key = query.get("market", "").strip() or default[0]
    period = query.get("period", "").strip() or (default[1] if key == default[0] else "full_time")
    line = parse_line(query.get("line", "").strip() or None)
    lines = {li for k, p, li in markets if (k, p) == (key, period) and li is not None}
    if line is None and lines:
        # The main line at kick-off (or now, before it): where most bookmakers priced it.
        at = min(timezone.now(), event.commence_time)
        line = main_line(event, key, period=period, at=at) or min(lines)
    found = opening_closing(event, key, period=period, line=line)
    started = timezone.now() >= event.commence_time
    return {
        **context,
        "market": market_text(key, period, line),
        "selected": (key, period, line_text(line)),
        "started": started,
        **_table(found),
    }


def _table(found: list[OpeningClosing]) -> dict:
    names = sorted({o.name for oc in found for o in oc.opening.outcomes}, key=role_rank)
    rows = []
    for oc in found:
        closing = oc.closing
        cells = []
        for name in names:
            before = oc.opening.price(name)
            after = closing.price(name) if closing else None
            moved = move_percent(before, after) if before and after else "—"
            cells.append((price_text(before), price_text(after), moved, _direction(before, after)))
        rows.append(
            {
                "bookmaker": oc.bookmaker,
                "bookmaker_name": oc.bookmaker_name,
                "cells": cells,
                "opened_at": oc.opening.captured_at,
                "closed_at": closing.captured_at if closing else None,
                "confirmed_at": closing.confirmed_at if closing else None,
                "withdrawn": closing is not None and not closing.outcomes,
                "missing": closing is None,
                "stale": oc.closing_stale,
            }
        )
    return {"outcomes": names, "rows": rows}


def _direction(before, after) -> str:
    if not before or not after or before == after:
        return ""
    return "shortened" if after < before else "drifted"


def _choices(markets) -> list[tuple[str, str, str, str]]:
    """(key, period, line, label) of each market the event has, for the picker."""
    return [(k, p, line_text(li), market_text(k, p, li)) for k, p, li in markets]

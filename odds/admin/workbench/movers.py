"""Movers: the largest pre-match price moves, up or down, in a window up to a time
(``movers`` of the read API), with the window and the number of rows selectable."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.utils import timezone

from odds.admin.display import price_text
from odds.admin.workbench import params
from odds.admin.workbench.page import event_url, market_text, move_percent, render
from odds.quotes import Move
from odds.selectors import movers

TEMPLATE = "admin/odds/workbench/movers.html"
MOST_ROWS = 500


def movers_view(request):
    return render(request, template=TEMPLATE, title="Movers", build=_build)


def _build(query: Mapping[str, str]) -> dict:
    key, span = params.window(query, default="1h")
    at = params.when(query, "at")
    limit = params.whole_number(query, "limit", default=50, most=MOST_ROWS)
    since, until = window_bounds(span, at)
    moves = movers(since=since, at=until, limit=limit)
    return {"window": key, "since": since, "until": until, "limit": limit, "rows": move_rows(moves)}


def window_bounds(span: timedelta, at: datetime | None) -> tuple[datetime, datetime]:
    until = at or timezone.now()
    return until - span, until


def move_rows(moves: list[Move]) -> list[dict]:
    return [
        {
            "event_name": m.event_name,
            "event_url": event_url(m.event_id),
            "bookmaker": m.bookmaker,
            "market": market_text(m.market_key, m.period, m.line),
            "outcome": m.outcome,
            "from": price_text(m.from_price),
            "to": price_text(m.to_price),
            "change": move_percent(m.from_price, m.to_price),
            "shortened": m.change < 0,
            "moved_at": m.moved_at,
        }
        for m in moves
    ]

"""Dropping odds: the prices that shortened most before the start in a chosen window
(the last hour, 6 hours, day or week up to a time, or from/to times), by sport and
tournament. Built on ``movers`` of the read API: its moves, only the shortening ones,
only of the events of the sport or tournament asked for."""

from __future__ import annotations

from collections.abc import Mapping

from odds.admin.workbench import params
from odds.admin.workbench.movers import MOST_ROWS, move_rows, window_bounds
from odds.admin.workbench.page import render
from odds.models import Event, Sport, Tournament
from odds.selectors import movers

TEMPLATE = "admin/odds/workbench/dropping.html"
# movers() ranks every move in the window; this many are read before the filters apply.
MOVES_READ = 100_000


def dropping_view(request):
    return render(request, template=TEMPLATE, title="Dropping odds", build=_build, pickers=_pickers)


def _pickers() -> dict:
    return {
        "sports": Sport.objects.order_by("name"),
        "tournaments": Tournament.objects.select_related("sport").order_by("sport__name", "name"),
    }


def _build(query: Mapping[str, str]) -> dict:
    key, span = params.window(query, default="24h")
    since, until = window_bounds(span, params.when(query, "until"))
    since = params.when(query, "since") or since
    if since >= until:
        raise params.BadParameter("since", query.get("since", ""), "must be before until.")
    sport = params.record_id(query, "sport", Sport)
    tournament = params.record_id(query, "tournament", Tournament)
    limit = params.whole_number(query, "limit", default=50, most=MOST_ROWS)
    moves = [m for m in movers(since=since, at=until, limit=MOVES_READ) if m.change < 0]
    events = Event.objects.filter(pk__in={m.event_id for m in moves})
    if sport:
        events = events.filter(tournament__sport=sport)
    if tournament:
        events = events.filter(tournament=tournament)
    wanted = set(events.values_list("pk", flat=True))
    dropping = [m for m in moves if m.event_id in wanted][:limit]
    return {
        "window": key,
        "since": since,
        "until": until,
        "limit": limit,
        "sport": sport,
        "tournament": tournament,
        **_pickers(),
        "rows": move_rows(dropping),
    }

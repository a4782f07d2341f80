"""Best prices grid: the next events of a tournament in rows, the best pre-match price
of each outcome across bookmakers in columns (home/draw/away, or over/under and
home/away at the main line), each with its bookmakers, and the payout of backing every
outcome at its best, 1 / sum(1/best). One read for the whole grid
(``odds.selectors.grid.best_price_grid``), not one per event."""

from __future__ import annotations

from collections.abc import Mapping

from odds.admin.display import price_text
from odds.admin.workbench import params
from odds.admin.workbench.page import event_url, ratio_percent, render
from odds.models import Tournament
from odds.selectors.grid import GridRow, best_price_grid
from odds.selectors.pricing import role_rank
from odds.series import line_text

TEMPLATE = "admin/odds/workbench/best_grid.html"
MARKETS = {"h2h": "Match winner (h2h)", "totals": "Over/under (totals)", "spreads": "Handicap"}
MOST_EVENTS = 100


def best_grid_view(request):
    return render(
        request, template=TEMPLATE, title="Best prices grid", build=_build, pickers=_pickers
    )


def _pickers() -> dict:
    tournaments = Tournament.objects.select_related("sport").order_by("sport__name", "name")
    return {"tournaments": tournaments, "markets": MARKETS}


def _build(query: Mapping[str, str]) -> dict:
    context = _pickers()
    tournament = params.record_id(query, "tournament", Tournament)
    market, _ = params.choice(query, "market", MARKETS, "h2h")
    at = params.when(query, "at")
    limit = params.whole_number(query, "limit", default=20, most=MOST_EVENTS)
    context.update({"tournament": tournament, "market": market, "limit": limit})
    if tournament is None:
        return context
    rows = best_price_grid(tournament=tournament, market_key=market, at=at, limit=limit)
    names = sorted({name for r in rows for name in r.best}, key=role_rank)
    return {**context, "outcomes": names, "rows": [_row(r, names) for r in rows]}


def _row(row: GridRow, names: list[str]) -> dict:
    cells = []
    for name in names:
        best = row.best.get(name)
        cells.append(
            {"price": price_text(best.price), "books": ", ".join(best.bookmakers)} if best else None
        )
    return {
        "event_name": row.event_name,
        "event_url": event_url(row.event_id),
        "commence_time": row.commence_time,
        "line": line_text(row.line),
        "cells": cells,
        "payout": ratio_percent(row.payout),
    }

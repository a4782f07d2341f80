"""Arbitrage: markets whose best prices across bookmakers cover every outcome for less
than the stake (``arbitrage`` of the read API): pre-match and fresh quotes only by
default, exchange back prices after commission (each leg shows the price as quoted and
what it pays), with the stake split per leg."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from odds.admin.display import price_text
from odds.admin.workbench import params
from odds.admin.workbench.page import event_url, market_text, ratio_percent, render
from odds.quotes import Arbitrage
from odds.selectors import ARBITRAGE_WINDOW, arbitrage

TEMPLATE = "admin/odds/workbench/arbitrage.html"


def arbitrage_view(request):
    return render(request, template=TEMPLATE, title="Arbitrage", build=_build)


def _build(query: Mapping[str, str]) -> dict:
    min_edge = params.percent(query, "min_edge")
    at = params.when(query, "at")
    in_play = params.flag(query, "in_play")
    until = at or timezone.now()
    found = arbitrage(at=until, min_edge=min_edge, in_play=in_play)
    return {
        "at": until,
        "since": until - ARBITRAGE_WINDOW,
        "in_play": in_play,
        "rows": [_row(a) for a in found],
    }


def _row(a: Arbitrage) -> dict:
    return {
        "event_name": a.event_name,
        "event_url": event_url(a.event_id),
        "market": market_text(a.market_key, a.period, a.line),
        "edge": ratio_percent(a.edge),
        "legs": [
            {
                "outcome": leg.outcome,
                "bookmaker": leg.bookmaker,
                "quoted": price_text(leg.quoted_price),
                "net": price_text(leg.price),
                "commission": ratio_percent(leg.commission) if leg.commission else "",
                "stake": ratio_percent(leg.stake_share),
            }
            for leg in a.legs
        ],
    }

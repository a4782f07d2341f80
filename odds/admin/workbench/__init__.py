"""The bettor's workbench: admin pages over the read API (odds.selectors) for finding
value: dropping odds, movers, arbitrage, a best prices grid, opening vs closing.

Each page is a small view module with its own template under
``admin/odds/workbench/``; they share :mod:`~odds.admin.workbench.page` (permission,
errors, formatting) and :mod:`~odds.admin.workbench.params` (query parameters).
"""

from django.contrib import admin
from django.urls import path

from odds.admin.workbench.arbitrage import arbitrage_view
from odds.admin.workbench.best_grid import best_grid_view
from odds.admin.workbench.dropping import dropping_view
from odds.admin.workbench.movers import movers_view
from odds.admin.workbench.opening_closing import opening_closing_view


def urlpatterns() -> list:
    """The pages' URLs under /admin/odds/workbench/, each behind the admin's staff login."""
    pages = [
        ("dropping/", dropping_view, "odds_dropping"),
        ("movers/", movers_view, "odds_movers"),
        ("arbitrage/", arbitrage_view, "odds_arbitrage"),
        ("best-prices/", best_grid_view, "odds_best_grid"),
        ("opening-closing/", opening_closing_view, "odds_opening_closing"),
    ]
    return [
        path(f"admin/odds/workbench/{route}", admin.site.admin_view(view), name=name)
        for route, view, name in pages
    ]

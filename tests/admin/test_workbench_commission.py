"""Exchange commission on the workbench pages: the real files hold no exchange price that
makes an arbitrage, so this one is built by hand (as in tests/odds/test_quote_context.py):
over 2.5 at 2.10 at a bookmaker, under at 2.10 on an exchange charging 5 % on net winnings,
which pays 1 + 1.10 x 0.95 = 2.045."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from odds.ingest import ingest_captures
from odds.models import Bookmaker
from tests.odds.test_selectors import market, minutes, the_event, upcoming


@pytest.fixture
def exchange_arbitrage():
    ingest_captures(
        [
            upcoming(minutes(-30), market("totals", "2.5", over="2.10", under="1.80")),
            upcoming(
                minutes(-30),
                market("totals", "2.5", over="1.85", under="2.10"),
                book="betfair_ex_uk",
            ),
        ]
    )
    Bookmaker.objects.filter(key="betfair_ex_uk").update(is_exchange=True)
    return the_event()


@pytest.mark.django_db
def test_arbitrage_legs_show_the_quoted_price_and_what_it_pays(admin_client, exchange_arbitrage):
    query = urlencode({"at": minutes(-20).isoformat()})
    response = admin_client.get(f"{reverse('odds_arbitrage')}?{query}")
    (row,) = response.context["rows"]
    # Edge 1 - 1/2.10 - 1/2.045 = 0.034812; stakes (1/p) / (1/2.10 + 1/2.045):
    # over 0.493364, under 0.506636.
    assert row["edge"] == "3.48 %"
    assert [tuple(leg.values()) for leg in row["legs"]] == [
        ("over", "book_a", "2.10", "2.10", "", "49.34 %"),
        ("under", "betfair_ex_uk", "2.10", "2.045", "5.00 %", "50.66 %"),
    ]
    assert "5.00 % commission" in response.content.decode()


@pytest.mark.django_db
def test_best_prices_grid_counts_the_exchange_after_commission(admin_client, exchange_arbitrage):
    query = urlencode(
        {
            "tournament": exchange_arbitrage.tournament_id,
            "market": "totals",
            "at": minutes(-20).isoformat(),
        }
    )
    response = admin_client.get(f"{reverse('odds_best_grid')}?{query}")
    (row,) = response.context["rows"]
    assert row["line"] == "2.5"
    assert row["cells"] == [
        {"price": "2.10", "books": "book_a"},
        {"price": "2.045", "books": "betfair_ex_uk"},
    ]
    assert row["payout"] == "103.61 %"  # 1 / (1/2.10 + 1/2.045) = 1.036068

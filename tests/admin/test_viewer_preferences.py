"""The viewer's odds style and time zone: conversions worked by hand, the cookies read
by ViewerPreferencesMiddleware (bad ones fall back), and pages that follow them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from odds.admin.odds_style import AMERICAN, DECIMAL, FRACTIONAL, styled
from odds.models import MarketOddsRecord

MARKETS = "admin:odds_marketoddsrecord_changelist"


@pytest.mark.parametrize(
    "price,fractional,american",
    [
        ("2.50", "3/2", "+150"),  # 1.50 profit per 1: 3/2; 150 won on 100
        ("1.909", "10/11", "-110"),  # 0.909 ~ 10/11; 100 / 0.909 = 110.01 staked to win 100
        ("1.5", "1/2", "-200"),  # 100 / 0.5
        ("2.00", "1/1", "+100"),  # evens
        ("3.25", "9/4", "+225"),
        ("1.25", "1/4", "-400"),
        ("11", "10/1", "+1000"),
        ("1.80", "4/5", "-125"),  # 100 / 0.8
    ],
)
def test_styles_worked_by_hand(price, fractional, american):
    assert styled(Decimal(price), FRACTIONAL) == fractional
    assert styled(Decimal(price), AMERICAN) == american


def test_decimal_keeps_two_places_and_no_trailing_noise():
    assert styled(Decimal("2.5"), DECIMAL) == "2.50"
    assert styled(Decimal("1.909"), DECIMAL) == "1.909"


def prices_shown(client, **cookies) -> list[str]:
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get(reverse(MARKETS), {"captured": "all", "market_key": "h2h"})
    assert response.status_code == 200
    return re.findall(r'<td class="field-prices">(.*?)</td>', response.content.decode())


@pytest.mark.django_db
def test_market_list_shows_fractional_prices_when_the_cookie_says_so(admin_client, store):
    # the first h2h row written: book_a at T0, 2.10 / 3.40 / 3.60 (tests/admin/data.py)
    row = MarketOddsRecord.objects.filter(market_key="h2h", bookmaker__key="book_a")
    assert Decimal(row.order_by("captured_at").first().outcomes[0]["price"]) == Decimal("2.10")
    assert "home 11/10 · draw 12/5 · away 13/5" in prices_shown(
        admin_client, odds_style="fractional"
    )
    assert "home +110 · draw +240 · away +260" in prices_shown(admin_client, odds_style="american")
    assert "home 2.10 · draw 3.40 · away 3.60" in prices_shown(admin_client, odds_style="decimal")


@pytest.mark.django_db
def test_an_unknown_style_or_zone_falls_back_to_decimal_and_utc(admin_client, store):
    shown = prices_shown(admin_client, odds_style="roman", odds_tz="Mars/Olympus")
    assert "home 2.10 · draw 3.40 · away 3.60" in shown
    for zone in ["America", "../../etc/passwd", "", "Europe/London\x7f"]:
        admin_client.cookies["odds_tz"] = zone
        response = admin_client.get(reverse("admin:odds_event_changelist"))
        assert response.status_code == 200, zone
        assert 'id="odds-zone-select"' in response.content.decode()


def start_shown(client, event, zone: str) -> str:
    client.cookies["odds_tz"] = zone
    html = client.get(reverse("admin:odds_event_changelist")).content.decode()
    row = re.search(rf'href="/admin/odds/event/{event.pk}/change/[^"]*">.*?</tr>', html, re.S)
    return re.search(r'<td class="field-commence_time[^"]*">(.*?)</td>', row.group(0)).group(1)


@pytest.mark.django_db
def test_times_are_shown_in_the_chosen_zone(admin_client, store):
    # KICKOFF is 2026-01-11 15:00 UTC: 10:00 in New York (EST, -5), 00:00 next day in
    # Tokyo (+9), 15:00 in London (GMT in January)
    event = store["event"]
    assert start_shown(admin_client, event, "UTC") == "Jan. 11, 2026, 3 p.m."
    assert start_shown(admin_client, event, "America/New_York") == "Jan. 11, 2026, 10 a.m."
    assert start_shown(admin_client, event, "Asia/Tokyo") == "Jan. 12, 2026, midnight"
    assert start_shown(admin_client, event, "Europe/London") == "Jan. 11, 2026, 3 p.m."


@pytest.mark.django_db
def test_the_header_offers_the_styles_and_zones_with_the_current_ones_selected(admin_client, store):
    admin_client.cookies["odds_style"] = "american"
    admin_client.cookies["odds_tz"] = "Asia/Kathmandu"  # valid, not in the common list
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<option value="american" selected>American (+150)</option>' in html
    assert '<option value="Asia/Kathmandu" selected>Asia/Kathmandu</option>' in html
    assert '<option value="Europe/London">Europe/London</option>' in html
    assert 'data-zone-chosen="1"' in html  # the browser's zone is not taken over it
    assert "odds/preferences.js" in html


@pytest.mark.django_db
def test_the_selects_are_on_every_admin_page(admin_client, store):
    pages = [
        reverse("admin:index"),
        reverse("admin:odds_event_changelist"),
        reverse("admin:odds_event_change", args=[store["event"].pk]),
        reverse("admin:scraping_scrapeerror_change", args=[store["error"].pk]),
        reverse("scraping_health"),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert 'id="odds-style-select"' in html and 'id="odds-zone-select"' in html, url

"""The admin's lists in headless Chromium at 1400 x 900: the event list's filters and
search, the runs and errors lists within the window, an error's title clear of its
History button, and the odds style and time zone selects of the header (support and
screenshots: tests/admin/browser.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from odds.models import Event, Tournament
from scraping.models import ScrapeError
from tests.admin.browser import log_in, needs_browser, shot

pytestmark = needs_browser

LONG_MESSAGE = (
    "outcome 'home' of market h2h at bookmaker book_a in file odds/2026-01-10/epl.json: "
    'price "abc" is not a number greater than 1.0, so the market was skipped and the '
    "rest of the capture was kept"
)


@pytest.fixture
def list_data(browser_data):
    """Two upcoming events beside the priced (past) one, and an error with a long message."""
    epl = Tournament.objects.get(key="soccer_epl")
    for name, days in [("Leeds v Everton", 2), ("Fulham v Wolves", 1)]:
        home, away = name.split(" v ")
        Event.objects.create(
            tournament=epl,
            name=name,
            home_team=home,
            away_team=away,
            commence_time=timezone.now() + timedelta(days=days),
        )
    failed = browser_data["failed"]
    error = ScrapeError.objects.create(
        scrape_run=failed, error_type="bad_price", message=LONG_MESSAGE, event=browser_data["event"]
    )
    return {**browser_data, "long_error": error}


def right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


def overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def row_names(page) -> list[str]:
    return page.locator("#result_list tbody th.field-name a").all_inner_texts()


@pytest.mark.django_db(transaction=True)
def test_lists_filters_layout_and_the_viewers_odds_style(
    live_server, drop_new_partitions, list_data, browser_page
):
    page = browser_page
    log_in(page, live_server)
    # the browser's own zone was taken into the cookie on the first admin page
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("odds_tz") == zone
    assert page.locator("#odds-style-select").is_visible()

    # Events: next first, then the past; the state filter; search by team
    page.goto(f"{live_server.url}/admin/odds/event/")
    assert row_names(page) == ["Fulham v Wolves", "Leeds v Everton", "Arsenal v Chelsea"]
    shot(page, "lists-01-events")
    page.locator("#changelist-filter").get_by_role("link", name="Upcoming").click()
    page.wait_for_url("**state=upcoming**")
    assert row_names(page) == ["Fulham v Wolves", "Leeds v Everton"]
    page.fill("#searchbar", "everton")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=everton**")
    assert row_names(page) == ["Leeds v Everton"]
    shot(page, "lists-02-events-upcoming-search")

    # Runs at 1400 px: the last column (errors) is within the window and not scrolled
    # out of the list's box (the admin's .results scrolls a table that is too wide)
    page.goto(f"{live_server.url}/admin/scraping/scraperun/")
    shot(page, "lists-03-runs-1400")
    shown = min(page.viewport_size["width"], right_edge(page.locator("#changelist .results")))
    assert right_edge(page.locator("#result_list thead th").last) <= shown
    assert right_edge(page.locator("#result_list td.field-errors_count").first) <= shown

    # Errors: the message column is within the window, the whole message in its tooltip
    page.goto(f"{live_server.url}/admin/scraping/scrapeerror/")
    shot(page, "lists-04-errors-1400")
    shown = min(page.viewport_size["width"], right_edge(page.locator("#changelist .results")))
    assert right_edge(page.locator("#result_list td.field-message_line").first) <= shown
    cut = page.locator("#result_list td.field-message_line span.odds-truncate")
    titles = cut.evaluate_all("spans => spans.map((span) => span.title)")
    assert LONG_MESSAGE in titles
    long_one = cut.nth(titles.index(LONG_MESSAGE))
    assert long_one.evaluate("span => span.scrollWidth > span.clientWidth")  # really cut

    # An error's page: its long title does not run under the History button
    page.goto(f"{live_server.url}/admin/scraping/scrapeerror/{list_data['long_error'].pk}/change/")
    title = page.locator("#content > h2").bounding_box()
    history = page.locator(".object-tools a.historylink").bounding_box()
    assert not overlap(title, history), (title, history)
    assert right_edge(page.locator(".object-tools a.historylink")) <= page.viewport_size["width"]
    shot(page, "lists-05-error-title")

    # Odds style: fractional prices in the market odds list (h2h 2.25 = 5/4 at book_a)
    page.goto(f"{live_server.url}/admin/odds/marketoddsrecord/?captured=all&market_key=h2h")
    assert "2.25" in page.inner_text("#result_list")
    with page.expect_navigation():
        page.select_option("#odds-style-select", "fractional")
    prices = page.inner_text("#result_list")
    assert "home 5/4" in prices and "2.25" not in prices
    shot(page, "lists-06-fractional")
    with page.expect_navigation():
        page.select_option("#odds-style-select", "american")
    assert "home +125" in page.inner_text("#result_list")

    # Time zone: the priced event starts 2026-01-11 15:00 UTC, midnight in Tokyo
    page.goto(f"{live_server.url}/admin/odds/event/?q=chelsea")
    with page.expect_navigation():
        page.select_option("#odds-zone-select", "Asia/Tokyo")
    assert page.inner_text("#result_list td.field-commence_time") == "Jan. 12, 2026, midnight"
    assert page.locator("#odds-zone-select").input_value() == "Asia/Tokyo"
    shot(page, "lists-07-tokyo")

"""The admin in a real browser: a staff user walks runs, errors, an event's charts and the
health page (support and screenshots: tests/admin/browser.py)."""

from __future__ import annotations

import pytest

from tests.admin.browser import CHARTS_DRAWN, log_in, needs_browser, shot

pytestmark = needs_browser


@pytest.mark.django_db(transaction=True)
def test_staff_user_browses_runs_errors_and_an_events_chart(
    live_server, drop_new_partitions, browser_data, browser_page
):
    failed, page = browser_data["failed"], browser_page

    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    log_in(page, live_server)
    assert page.locator("#odds-health-link").is_visible()
    shot(page, "01-index")

    page.locator("#content-main").get_by_role("link", name="Scrape runs").click()
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 2
    shot(page, "02-runs")

    page.locator("#changelist-filter").get_by_role("link", name="Failed").click()
    page.wait_for_url("**status__exact=failed**")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".odds-badge").inner_text().strip().lower() == "failed"
    shot(page, "03-failed-runs")

    rows.first.locator("th.field-id a").click()
    page.wait_for_selector("#scraperun_form")
    assert f"theoddsapi run {failed.pk} (failed)" in page.inner_text("#content")
    assert page.locator("button.odds-rerun-button").is_visible()
    shot(page, "04-failed-run", full_page=True)

    page.locator("a.inlineviewlink").first.click()
    page.wait_for_selector("pre.odds-json")
    context = page.inner_text(".field-context_pretty pre.odds-json")
    assert '"fragment": {' in context and '"file": "odds.json"' in context
    shot(page, "05-error")

    page.locator(".field-event_link a").click()
    page.wait_for_selector("table.odds-table")
    page.wait_for_function(CHARTS_DRAWN)
    best = page.locator('table.odds-table[data-market="h2h|full_time|"] td.price.best')
    assert sorted(best.all_inner_texts()) == ["2.25", "2.25", "3.50", "3.70"]
    page.locator("#m-h2h-full-time-").scroll_into_view_if_needed()
    shot(page, "06-event", full_page=True)

    page.goto(f"{live_server.url}/admin/scraping/health/")
    page.wait_for_function(CHARTS_DRAWN)
    shot(page, "07-health", full_page=True)

"""The bettor's workbench in a real browser: from the admin index through dropping odds,
movers, arbitrage and the best prices grid, then an event's opening vs closing, each
page's form filled in and sent as a person would (support: tests/admin/browser.py).

The data is the hand-built event of tests/admin/data.py: three bookmakers captured at
12:00, 12:30 and 13:00 UTC on 2026-01-10, kick-off the next day at 15:00. Up to 13:01:
book_a's home price went 2.10 -> 2.25 and its away price 3.60 -> 3.50 (the only drop),
book_c's home price 2.20 -> 2.25; the best prices are home 2.25 (book_a, book_c), draw
3.50 and away 3.70 (book_b), a payout of 1 / (1/2.25 + 1/3.5 + 1/3.7) = 99.96 %.
"""

from __future__ import annotations

import pytest

from tests.admin.browser import log_in, needs_browser, shot

pytestmark = needs_browser

AT = "2026-01-10 13:01"  # in the viewer's time zone: UTC unless the odds_tz cookie says


def cells(page, selector: str) -> list[list[str]]:
    rows = page.locator(f"{selector} tbody tr")
    return [
        [t.strip() for t in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]


@pytest.mark.django_db(transaction=True)
def test_staff_user_walks_the_workbench(
    live_server, drop_new_partitions, browser_data, browser_page
):
    page = browser_page
    log_in(page, live_server)
    module = page.locator("#odds-workbench-module")
    assert module.is_visible()
    shot(page, "workbench-01-index")

    module.get_by_role("link", name="Dropping odds").click()
    page.wait_for_selector("form.odds-workbench-form")
    page.select_option("select[name=window]", "6h")
    page.fill("input[name=until]", AT)
    page.click("form.odds-workbench-form button[type=submit]")
    page.wait_for_url("**until=**")
    assert cells(page, "table.odds-moves") == [
        [
            "Arsenal v Chelsea",
            "book_a",
            "h2h",
            "away",
            "3.60",
            "3.50",
            "-2.78 %",
            "2026-01-10 12:30",
        ]
    ]
    shot(page, "workbench-02-dropping")

    page.locator(".odds-workbench-tabs").get_by_role("link", name="Movers").click()
    page.select_option("select[name=window]", "6h")
    page.fill("input[name=at]", AT)
    page.click("form.odds-workbench-form button[type=submit]")
    page.wait_for_url("**at=**")
    moves = cells(page, "table.odds-moves")
    assert [row[1:7] for row in moves] == [
        ["book_a", "h2h", "home", "2.10", "2.25", "+7.14 %"],
        ["book_a", "h2h", "away", "3.60", "3.50", "-2.78 %"],
        ["book_c", "h2h", "home", "2.20", "2.25", "+2.27 %"],
    ]
    shot(page, "workbench-03-movers")

    page.locator(".odds-workbench-tabs").get_by_role("link", name="Arbitrage").click()
    page.fill("input[name=at]", AT)
    page.fill("input[name=min_edge]", "lots")
    page.click("form.odds-workbench-form button[type=submit]")
    assert "min_edge='lots'" in page.inner_text(".odds-bad-parameter")
    page.fill("input[name=min_edge]", "0")
    page.click("form.odds-workbench-form button[type=submit]")
    page.wait_for_selector("table.odds-arbitrage")
    assert "No arbitrage at this time." in page.inner_text("table.odds-arbitrage")
    shot(page, "workbench-04-arbitrage")

    page.locator(".odds-workbench-tabs").get_by_role("link", name="Best prices grid").click()
    page.select_option("select[name=tournament]", label="Soccer: EPL")
    page.fill("input[name=at]", AT)
    page.click("form.odds-workbench-form button[type=submit]")
    page.wait_for_selector("table.odds-grid")
    (row,) = cells(page, "table.odds-grid")
    assert row[0] == "Arsenal v Chelsea"
    assert row[2:] == ["2.25\nbook_a, book_c", "3.50\nbook_b", "3.70\nbook_b", "99.96 %"]
    shot(page, "workbench-05-best-grid")

    page.get_by_role("link", name="Arsenal v Chelsea").click()
    page.locator("#odds-opening-closing-link").click()
    page.wait_for_selector("table.odds-opening-closing")
    book_a = page.locator('table.odds-opening-closing tr[data-bookmaker="book_a"] td')
    # book_a opened at 2.10 / 3.40 / 3.60 and closed at its last prices, 2.25 / 3.40 / 3.50.
    assert book_a.all_inner_texts()[:9] == [
        "2.10", "2.25", "+7.14 %", "3.40", "3.40", "+0.00 %", "3.60", "3.50", "-2.78 %",
    ]  # fmt: skip
    # Every book last confirmed its prices the day before kick-off: no real closing line.
    assert page.locator("table.odds-opening-closing .stale-tag").count() == 3
    shot(page, "workbench-06-opening-closing", full_page=True)

"""The event page's charts in a real browser, with real captures: the bookmaker picker and
its legend, a one-capture chart with its axes, and the in-play scale toggle."""

from __future__ import annotations

import pytest

from odds.models import Event
from tests.admin.browser import CHARTS_DRAWN, log_in, needs_browser, shot
from tests.admin.test_event_charts import CAVS, EPL, ingest_cavs
from tests.scraping.test_ingest_real import ingest

pytestmark = needs_browser

# What a chart shows: its legend entries, its visible bookmakers, its axes.
CHART_STATE = """(id) => {
    const chart = Chart.getChart(document.querySelector(`canvas.odds-chart[data-market="${id}"]`));
    const x = chart.scales.x, y = chart.scales.y;
    return {
        legend: chart.legend.legendItems.length,
        colours: chart.legend.legendItems.map((item) => item.strokeStyle),
        x: { min: x.min, max: x.max, ticks: x.ticks.length },
        y: { min: y.min, max: y.max, ticks: y.ticks.length },
        points: chart.getSortedVisibleDatasetMetas().map((m) => m.data.length),
    };
}"""


@pytest.fixture
def real_events(browser_data, shared_data):
    ingest("theoddsapi", shared_data / EPL)
    ingest_cavs(shared_data)
    return {
        "leeds": Event.objects.get(name="Leeds United v Manchester City").pk,
        "cavs": Event.objects.get(name=CAVS).pk,
    }


@pytest.mark.django_db(transaction=True)
def test_event_charts_pick_bookmakers_and_keep_the_pre_match_scale(
    live_server, drop_new_partitions, real_events, browser_page
):
    page = browser_page
    log_in(page, live_server)

    # 18 bookmakers, one capture: the chart opens on 4 of them and the consensus
    page.goto(f"{live_server.url}/admin/odds/event/{real_events['leeds']}/change/")
    page.wait_for_function(CHARTS_DRAWN)
    h2h = "m-h2h-full-time-"
    panel = page.locator(f"#{h2h}")
    picker = panel.locator(".odds-chart-books input[type=checkbox]")
    assert picker.count() == 18 + 1
    assert panel.locator(".odds-chart-books input:checked").count() == 4 + 1
    state = page.evaluate(CHART_STATE, h2h)
    assert state["legend"] == (4 + 1) * 3  # not 54
    assert len(set(state["colours"])) == 4 + 1  # a colour per bookmaker, black consensus
    # one capture still has both axes, with ticks, and points to see
    assert state["x"]["min"] < state["x"]["max"] and state["x"]["ticks"] >= 1
    assert state["y"]["min"] < state["y"]["max"] and state["y"]["ticks"] >= 2
    assert "One capture, at" in panel.locator(".odds-chart-note").inner_text()
    panel.scroll_into_view_if_needed()
    shot(page, "event-many-bookmakers")

    panel.locator('.odds-chart-books input[data-bookmaker="fanduel"]').check()
    assert page.evaluate(CHART_STATE, h2h)["legend"] == (5 + 1) * 3
    panel.locator('.odds-chart-books input[data-bookmaker="consensus"]').uncheck()
    panel.locator('.odds-chart-outcomes button[data-outcome="away"]').click()
    assert page.evaluate(CHART_STATE, h2h)["legend"] == 5
    shot(page, "event-picked-bookmakers")

    # In play, BetMGM's away price reaches 34.0: off the default scale until asked for
    page.goto(f"{live_server.url}/admin/odds/event/{real_events['cavs']}/change/")
    page.wait_for_function(CHARTS_DRAWN)
    panel = page.locator(f"#{h2h}")
    assert page.evaluate(CHART_STATE, h2h)["y"]["max"] < 10
    panel.scroll_into_view_if_needed()
    shot(page, "event-pre-match-scale")
    panel.locator(".odds-chart-in-play").check()
    assert page.evaluate(CHART_STATE, h2h)["y"]["max"] >= 34
    shot(page, "event-in-play-scale")

    totals = page.locator("[id^='m-totals-'] .odds-chart-note")
    assert totals.count() == 1 and "Time to scale" in totals.inner_text()

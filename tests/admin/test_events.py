"""The event page: latest prices, best price highlighted, margins and the chart's data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from odds.captures import Market, Outcome
from odds.ingest import ingest_captures
from odds.models import Event
from tests.admin.data import (
    LATEST_H2H,
    LATEST_TOTALS,
    T0,
    _capture,
    event_ref,
    overround_percent,
)


def event_page(client, event: Event, **params) -> str:
    url = reverse("admin:odds_event_change", args=[event.pk])
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def ms(minutes: int) -> int:
    return int((T0 + timedelta(minutes=minutes)).timestamp() * 1000)


def chart_data(html: str) -> dict:
    script = re.search(
        r'<script id="odds-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(script.group(1))


def market_table(html: str, ident: str) -> str:
    match = re.search(
        rf'<table class="odds-table" data-market="{re.escape(ident)}">(.*?)</table>', html, re.S
    )
    assert match, f"no table for {ident}"
    return match.group(1)


def row_cells(table: str, book: str) -> list[tuple[str, str]]:
    """(class, text) of each <td> of one bookmaker's row."""
    row = re.search(rf'<tr data-bookmaker="{book}"[^>]*>(.*?)</tr>', table, re.S).group(1)
    return [
        (cls, text.strip())
        for cls, text in re.findall(r'<td class="([^"]*)"[^>]*>(.*?)</td>', row, re.S)
    ]


@pytest.mark.django_db
def test_latest_prices_with_the_best_price_of_each_outcome_highlighted(admin_client, store):
    table = market_table(event_page(admin_client, store["event"]), "h2h|full_time|")
    best = {
        name: max(float(LATEST_H2H[b][i]) for b in LATEST_H2H)
        for i, name in enumerate(["home", "draw", "away"])
    }
    for book, prices in LATEST_H2H.items():
        cells = row_cells(table, book)[:3]
        assert [text for _, text in cells] == list(prices)
        for (cls, text), name in zip(cells, ["home", "draw", "away"], strict=True):
            assert ("best" in cls.split()) == (float(text) == best[name]), (book, name)
    # home is best at two bookmakers: both are highlighted and both are named
    assert "Book A, Book C" in table


@pytest.mark.django_db
def test_each_bookmakers_margin_is_shown(admin_client, store):
    html = event_page(admin_client, store["event"])
    for ident, latest in [("h2h|full_time|", LATEST_H2H), ("totals|full_time|2.5", LATEST_TOTALS)]:
        table = market_table(html, ident)
        for book, prices in latest.items():
            margin = [text for cls, text in row_cells(table, book) if cls == "margin"]
            assert margin == [overround_percent(prices)], (ident, book)


@pytest.mark.django_db
def test_chart_data_is_the_price_path_of_each_bookmaker_and_outcome(admin_client, store):
    html = event_page(admin_client, store["event"])
    data = chart_data(html)
    h2h = next(m for m in data["markets"] if m["id"] == "m-h2h-full-time-")
    assert h2h["outcomes"] == ["home", "draw", "away"]
    assert f'<canvas class="odds-chart" data-market="{h2h["id"]}"' in html
    series = {(d["bookmaker"], d["outcome"]): d["data"] for d in h2h["datasets"]}
    assert len(series) == 9 + 3  # 3 bookmakers x 3 outcomes, and the consensus of each
    # the consensus is the median of the three prices in force: home 2.10/2.05/2.20 at
    # T0, book_a 2.25 from T0+30 (2.25/2.05/2.20), book_c 2.25 from T0+60
    assert series[("consensus", "home")] == [
        {"x": ms(0), "y": 2.1},
        {"x": ms(30), "y": 2.2},
        {"x": ms(60), "y": 2.25},
    ]
    # book_a home: 2.10 from T0, 2.25 from T0+30, carried to the newest capture (T0+60)
    assert series[("book_a", "home")] == [
        {"x": ms(0), "y": 2.1},
        {"x": ms(30), "y": 2.25},
        {"x": ms(60), "y": 2.25},
    ]
    # book_b never changed: its one stored row, carried to the end
    assert series[("book_b", "away")] == [{"x": ms(0), "y": 3.7}, {"x": ms(60), "y": 3.7}]
    assert data["window"] == {"start": ms(60 - 7 * 24 * 60), "end": ms(60)}
    assert "7 days up to the event" in html  # the page says the history is capped


@pytest.mark.django_db
def test_a_withdrawn_market_is_a_gap_in_its_chart(admin_client, store):
    # at T0+90 book_a reports its h2h (unchanged) but no totals: totals are gone from then
    later = replace(
        _capture(90, "book_a", LATEST_H2H["book_a"], None), scope=frozenset({"h2h", "totals"})
    )
    ingest_captures([later])
    html = event_page(admin_client, store["event"], chart=["totals|full_time|2.5"])
    (totals,) = chart_data(html)["markets"]
    over = next(
        d["data"]
        for d in totals["datasets"]
        if d["bookmaker"] == "book_a" and d["outcome"] == "over"
    )
    assert over == [{"x": ms(0), "y": 1.9}, {"x": ms(90), "y": None}]
    # and the withdrawn market is no longer among the latest prices
    assert 'data-bookmaker="book_a"' not in market_table(html, "totals|full_time|2.5")
    assert 'data-bookmaker="book_b"' in market_table(html, "totals|full_time|2.5")


@pytest.mark.django_db
def test_events_list_counts_bookmakers_in_one_query(admin_client, store):
    # a second event, quoted by one bookmaker
    leeds = replace(event_ref(), source_event_id="ev2", home_team="Leeds", away_team="Spurs")
    ingest_captures([replace(_capture(0, "book_a", ("2.0", "3.0", "4.0"), None), event=leeds)])
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:odds_event_changelist"))
    counts = {event.name: event.bookmaker_count for event in response.context["cl"].result_list}
    assert counts == {"Arsenal v Chelsea": 3, "Leeds United v Tottenham Hotspur": 1}  # canonical
    listing_queries = [q["sql"] for q in queries if "odds_eventbookmaker" in q["sql"]]
    assert len(listing_queries) == 1  # in the page's query, not one per row


@pytest.mark.django_db
def test_in_play_and_stale_prices_are_marked_and_the_start_is_on_the_chart(admin_client, store):
    from tests.admin.data import KICKOFF

    after_start = int((KICKOFF - T0).total_seconds() // 60) + 30
    ingest_captures([_capture(after_start, "book_a", ("1.2", "6.0", "15"), None)])
    html = event_page(admin_client, store["event"])
    table = market_table(html, "h2h|full_time|")
    row = re.search(r'<tr data-bookmaker="book_a" class="([^"]*)">(.*?)</tr>', table, re.S)
    assert "in-play" in row.group(1) and "in play</span>" in row.group(2)
    # Captured in January 2026: every price on the page is long unconfirmed now.
    assert "stale" in row.group(1)
    book_b = re.search(r'<tr data-bookmaker="book_b" class="([^"]*)">', table).group(1)
    assert "in-play" not in book_b
    assert chart_data(html)["kickoff"] == int(KICKOFF.timestamp() * 1000)


@pytest.mark.django_db
def test_a_market_without_a_two_way_main_line_charts_its_first_line(admin_client, store):
    # a 3-way handicap has no main line (that needs two prices): its first line is charted
    outcomes = (Outcome("home", Decimal("4.0")), Outcome("draw", Decimal("3.8")))
    lines = [Decimal("-1"), Decimal("1")]
    markets = tuple(
        Market("european_handicap", (*outcomes, Outcome("away", Decimal("1.7"))), line=line)
        for line in lines
    )
    ingest_captures([replace(_capture(90, "book_a", LATEST_H2H["book_a"], None), markets=markets)])
    data = chart_data(event_page(admin_client, store["event"]))
    ids = [m["id"] for m in data["markets"]]
    assert "m-european-handicap-full-time--1" in ids
    assert "m-european-handicap-full-time-1" not in ids
    assert "m-totals-full-time-2-5" in ids  # the totals' main line, followed

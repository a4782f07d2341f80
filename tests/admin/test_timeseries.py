"""The odds snapshot and market odds lists never count the time series row by row."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import InvalidPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from odds.admin import paginator as admin_paginator
from odds.admin.paginator import EstimatedCountPaginator
from odds.admin.timeseries import record_url
from odds.models import Bookmaker, MarketOdds, MarketOddsRecord, SnapshotRecord
from odds.overview import refresh_estimates
from odds.partitioning import list_partitions

TABLES = ("odds_marketodds", "odds_oddssnapshot")
LISTS = ("admin:odds_marketoddsrecord_changelist", "admin:odds_snapshotrecord_changelist")
COUNT = re.compile(r"\bCOUNT\s*\(", re.I)


def counts_of_time_series(queries) -> list[str]:
    return [
        q["sql"] for q in queries if COUNT.search(q["sql"]) and any(t in q["sql"] for t in TABLES)
    ]


def filter_variants(store) -> list[dict]:
    partition = next(p for p in list_partitions("odds_marketodds") if p.estimated_rows >= 0)
    return [
        {},
        {"captured": "all"},
        {"captured": "7d"},
        {"captured": f"p{partition.start:%Y%m%d}"},
        {"captured": "all", "bookmaker__id__exact": Bookmaker.objects.get(key="book_a").pk},
        {"captured": "all", "event__id__exact": store["event"].pk},
        {"captured": "all", "p": "2"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS)
def test_time_series_lists_never_count_rows(admin_client, store, list_name, monkeypatch):
    for exact_below in (admin_paginator.EXACT_BELOW, 0):  # small lists and estimates alike
        monkeypatch.setattr(admin_paginator, "EXACT_BELOW", exact_below)
        for params in filter_variants(store):
            with CaptureQueriesContext(connection) as queries:
                response = admin_client.get(reverse(list_name), params)
            assert response.status_code in (200, 302), params
            assert counts_of_time_series(queries) == [], params


@pytest.mark.django_db
def test_market_list_is_bounded_by_time_and_shows_every_row_when_asked(admin_client, store):
    response = admin_client.get(reverse(LISTS[0]), {"captured": "all"})
    shown = [row.pk for row in response.context["cl"].result_list]
    newest_first = list(
        MarketOdds.objects.order_by("-captured_at", "-id").values_list("id", flat=True)
    )
    assert shown == newest_first
    assert response.context["cl"].result_count == len(newest_first)  # small: exact
    # the default window (24 hours up to the newest row) is a captured_at range
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse(LISTS[0]))
    page_query = next(
        q["sql"] for q in queries if "odds_marketodds" in q["sql"] and "odds_event" in q["sql"]
    )
    assert '"odds_marketodds"."captured_at" > ' in page_query
    assert page_query.endswith(
        'ORDER BY "odds_marketodds"."captured_at" DESC, "odds_marketodds"."id" DESC'
    )


@pytest.mark.django_db
def test_estimated_count_comes_from_the_catalog_and_the_planner(admin_client, store, monkeypatch):
    monkeypatch.setattr(admin_paginator, "EXACT_BELOW", 0)
    refresh_estimates()  # ANALYZE: on tables this small the estimate is exact
    response = admin_client.get(reverse(LISTS[0]), {"captured": "all"})
    assert response.context["cl"].paginator.is_estimate
    assert response.context["cl"].result_count == MarketOdds.objects.count()
    assert "about " in response.content.decode()
    response = admin_client.get(
        reverse(LISTS[1]),
        {"captured": "all", "bookmaker__id__exact": Bookmaker.objects.get(key="book_b").pk},
    )
    assert response.context["cl"].paginator.is_estimate
    assert response.context["cl"].result_count >= 1  # EXPLAIN's estimate of a filtered list
    assert {s.bookmaker.key for s in response.context["cl"].result_list} == {"book_b"}


@pytest.mark.django_db
def test_pages_do_not_trust_an_underestimate(store, monkeypatch):
    """An estimate that is too low never hides rows: pages are plain LIMIT/OFFSET slices."""
    monkeypatch.setattr(admin_paginator, "EXACT_BELOW", 0)
    monkeypatch.setattr(admin_paginator, "catalog_rows", lambda table, using: 0)
    rows = MarketOddsRecord.objects.order_by("-captured_at", "-id")
    total = rows.count()
    assert total == 7
    paginator = EstimatedCountPaginator(rows, 3)
    assert paginator.count == 1 and paginator.is_estimate
    assert [len(paginator.page(n).object_list) for n in (1, 2, 3, 4)] == [3, 3, 1, 0]
    with pytest.raises(InvalidPage):
        paginator.page(0)
    with pytest.raises(InvalidPage):
        paginator.page(admin_paginator.MAX_PAGES + 1)


@pytest.mark.django_db
def test_raw_response_is_not_loaded_in_the_list(admin_client, store):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse(LISTS[1]), {"captured": "all"})
    page_query = next(
        q["sql"] for q in queries if "odds_oddssnapshot" in q["sql"] and "odds_event" in q["sql"]
    )
    assert "raw_response" not in page_query
    assert "odds_event" in page_query and "odds_bookmaker" in page_query  # select_related


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["snapshot", "market"])
def test_a_rows_page_is_found_by_its_primary_key(admin_client, store, name):
    record = store[name]
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(record_url(record))
    assert response.status_code == 200
    lookup = next(
        q["sql"] for q in queries if re.search(rf'"{record._meta.db_table}"\."id" = ', q["sql"])
    )
    assert f'"{record._meta.db_table}"."captured_at" = ' in lookup
    # the list links to it that way
    opts = record._meta
    listing = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"captured": "all"}
    )
    change_path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    assert re.search(rf'href="{change_path}\?[^"]*captured_at=', listing.content.decode())


@pytest.mark.django_db
def test_snapshot_page_lists_the_markets_written_in_that_capture(admin_client, store):
    first = SnapshotRecord.objects.filter(bookmaker__key="book_a").order_by("captured_at").first()
    response = admin_client.get(record_url(first))
    html = response.content.decode()
    assert "home 2.10 · draw 3.40 · away 3.60" in html
    assert "over 1.90 · under 1.95" in html


@pytest.mark.django_db
def test_market_filter_offers_every_key_of_the_vocabulary(admin_client, store):
    response = admin_client.get(reverse(LISTS[0]), {"captured": "all"})
    market_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "market_key"
    )
    offered = [key for key, _ in market_filter.lookup_choices]
    # The README's vocabulary table, by hand (h2h_2_way and the set markets included).
    for key in ["h2h", "h2h_3_way", "h2h_2_way", "spreads", "spreads_sets", "totals",
                "totals_sets", "btts", "double_chance", "draw_no_bet", "european_handicap",
                "outrights"]:  # fmt: skip
        assert key in offered

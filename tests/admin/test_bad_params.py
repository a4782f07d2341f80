"""Hand-typed or stale query parameters give a clean page or a 404, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

LISTS = (
    "admin:odds_marketoddsrecord_changelist",
    "admin:odds_snapshotrecord_changelist",
    "admin:scraping_scraperun_changelist",
    "admin:scraping_scrapeerror_changelist",
    "admin:odds_event_changelist",
    "admin:odds_eventbookmaker_changelist",
)
HUGE_ID = "99999999999999999999"  # past bigint
# A page, a redirect to the list with a message, a 404, or a 400 for a NUL byte (which
# PostgreSQL text cannot hold) anywhere in the query string.
CLEAN = (200, 302, 400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS[:2])
@pytest.mark.parametrize(
    "params",
    [
        {"captured": "p20200106"},  # a retired partition (or one never made)
        {"captured": "p99999999"},
        {"captured": "pxyz"},
        {"captured": "nonsense"},
        {"captured": "all", "event__id__exact": HUGE_ID},
        {"captured": "all", "bookmaker__id__exact": HUGE_ID},
        {"captured": "all", "event__id__exact": "-" + HUGE_ID},
        {"captured": "all", "event__id__exact": "abc"},
        {"captured": "all", "market_key": "x" * 300},
        {"captured": "all", "p": HUGE_ID},
    ],
)
def test_time_series_lists_answer_bad_filters_cleanly(admin_client, store, list_name, params):
    response = admin_client.get(reverse(list_name), params)
    assert response.status_code in (200, 302, 404), params


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS[2:])
@pytest.mark.parametrize("param", ["id__exact", "event__id__exact", "scrape_run__id__exact"])
def test_other_lists_answer_huge_ids_cleanly(admin_client, store, list_name, param):
    response = admin_client.get(reverse(list_name), {param: HUGE_ID})
    assert response.status_code in (200, 302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "captured_at", ["2026-02-30T10:00:00", "2026-13-01T00:00:00", "2026-01-01T25:00:00", "x"]
)
@pytest.mark.parametrize("model", ["marketoddsrecord", "snapshotrecord"])
def test_row_page_with_an_impossible_capture_time_is_clean(admin_client, store, model, captured_at):
    row = store["market"] if model == "marketoddsrecord" else store["snapshot"]
    url = reverse(f"admin:odds_{model}_change", args=[row.pk])
    response = admin_client.get(url, {"captured_at": captured_at})
    assert response.status_code in (200, 302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("object_id", [HUGE_ID, "-1", "abc"])
@pytest.mark.parametrize(
    "model",
    ["odds/marketoddsrecord", "odds/snapshotrecord", "odds/event", "scraping/scraperun"],
)
def test_row_page_with_an_impossible_id_is_clean(admin_client, store, model, object_id):
    app, name = model.split("/")
    response = admin_client.get(reverse(f"admin:{app}_{name}_change", args=[object_id]))
    assert response.status_code in (200, 302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "chart",
    [
        "h2h|full_time|sNaN",
        "h2h|full_time|NaN",
        "totals|full_time|Infinity",
        "totals|full_time|-inf",
        "totals|full_time|1e999999",
        "h2h|full_time",
        "h2h",
        "totals|full_time|2.5|extra",
        "",
    ],
)
def test_event_page_ignores_a_chart_it_cannot_read(admin_client, store, chart):
    url = reverse("admin:odds_event_change", args=[store["event"].pk])
    response = admin_client.get(url, {"chart": [chart, "totals|full_time|2.5"]})
    assert response.status_code == 200
    assert b"odds-chart-data" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "list_name,params",
    [
        ("admin:odds_event_changelist", {"commence_time__year": "99999"}),
        (
            "admin:odds_event_changelist",
            {"commence_time__year": "2026", "commence_time__month": "13"},
        ),
        ("admin:odds_event_changelist", {"commence_time__day": "abc"}),
        ("admin:scraping_scraperun_changelist", {"created_at__gte": "2026-02-30"}),
        ("admin:scraping_scraperun_changelist", {"created_at__year": "0"}),
        ("admin:scraping_scraperun_changelist", {"status__exact": "x" * 300}),
        ("admin:scraping_scraperun_changelist", {"o": "99"}),
        ("admin:scraping_scrapeerror_changelist", {"occurred_at__month": "13"}),
        ("admin:scraping_scrapeerror_changelist", {"scrape_run__id__exact": HUGE_ID}),
        ("admin:odds_bookmaker_changelist", {"is_exchange__exact": "maybe"}),
        ("admin:odds_tournament_changelist", {"sport__id__exact": HUGE_ID}),
    ],
)
def test_date_and_choice_filters_answer_bad_values_cleanly(admin_client, store, list_name, params):
    response = admin_client.get(reverse(list_name), params)
    assert response.status_code in (200, 302, 404), params


@pytest.mark.django_db
@pytest.mark.parametrize(
    "list_name", ["admin:odds_event_changelist", "admin:scraping_scrapeerror_changelist"]
)
@pytest.mark.parametrize("query", ["\x00", "a\x00b", "x" * 5000, "%_\\"])
def test_searches_answer_odd_text_cleanly(admin_client, store, list_name, query):
    response = admin_client.get(reverse(list_name), {"q": query})
    assert response.status_code in CLEAN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"captured": "all", "market_key": "h2h\x00"},
        {"captured": "\x00"},
        {"captured": "all", "bookmaker__id__exact": "\x00"},
    ],
)
def test_filter_values_with_a_nul_byte_are_clean(admin_client, store, params):
    response = admin_client.get(reverse(LISTS[0]), params)
    assert response.status_code in CLEAN


@pytest.mark.django_db
def test_row_page_with_a_nul_byte_in_its_capture_time_is_clean(admin_client, store):
    url = reverse("admin:odds_marketoddsrecord_change", args=[store["market"].pk])
    response = admin_client.get(url, {"captured_at": "2026-01-10T12:00:00\x00"})
    assert response.status_code in CLEAN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "list_name,params",
    [
        ("admin:scraping_scraperun_changelist", {"source": "a\x00"}),
        ("admin:scraping_scraperun_changelist", {"source__exact": "a\x00"}),
        ("admin:scraping_scraperun_changelist", {"status__exact": "\x00"}),
        ("admin:scraping_scraperun_changelist", {"trigger__exact": "\x00"}),
        ("admin:scraping_scrapeerror_changelist", {"error_type__exact": "\x00"}),
        ("admin:scraping_scrapeerror_changelist", {"scrape_run__source": "\x00"}),
        ("admin:odds_event_changelist", {"tournament__sport__id__exact": "\x00"}),
        ("admin:odds_bookmaker_changelist", {"q": "\x00"}),
    ],
)
def test_other_text_filters_with_a_nul_byte_are_clean(admin_client, store, list_name, params):
    response = admin_client.get(reverse(list_name), params)
    assert response.status_code in CLEAN, params


@pytest.mark.django_db
def test_a_nul_byte_gets_a_400_that_says_what_to_remove(admin_client, store):
    response = admin_client.get(reverse(LISTS[0]), {"market_key": "h2h\x00"})
    assert response.status_code == 400
    assert b"NUL byte (%00)" in response.content

"""The scraping health page: runs and errors per day, and the partitions of both tables."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from odds.partitioning import list_partitions
from scraping.models import ScrapeError, ScrapeStatus
from tests.admin.data import make_run


def health_data(html: str) -> dict:
    script = re.search(
        r'<script id="health-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(script.group(1))


def series(chart: dict, label: str) -> list[int]:
    return next(d["data"] for d in chart["datasets"] if d["label"] == label)


@pytest.mark.django_db
def test_runs_and_errors_per_day_over_the_last_30_days(admin_client):
    now = timezone.now()
    today = now.astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    make_run(ScrapeStatus.COMPLETED, created_at=today)
    make_run(ScrapeStatus.COMPLETED, created_at=today)
    failed = make_run(ScrapeStatus.FAILED, created_at=today - timedelta(days=2))
    make_run(ScrapeStatus.FAILED, created_at=today - timedelta(days=45))  # out of the window
    for error_type in ["http_429", "http_429", "bad_price"]:
        ScrapeError.objects.create(
            scrape_run=failed,
            error_type=error_type,
            message="x",
            occurred_at=today - timedelta(days=2),
        )
    html = admin_client.get(reverse("scraping_health")).content.decode()
    data = health_data(html)
    runs, errors = data["runs"], data["errors"]
    days = [today.date() - timedelta(days=n) for n in range(29, -1, -1)]
    assert runs["labels"] == [d.isoformat() for d in days]
    completed = [0] * 30
    completed[-1] = 2
    failed_per_day = [0] * 30
    failed_per_day[-3] = 1
    assert series(runs, "completed") == completed
    assert series(runs, "failed") == failed_per_day
    assert series(errors, "http_429")[-3] == 2
    assert series(errors, "bad_price")[-3] == 1
    assert sum(series(errors, "http_429")) == 2


@pytest.mark.django_db
def test_lists_every_partition_of_both_odds_tables(admin_client, store):
    html = admin_client.get(reverse("scraping_health")).content.decode()
    for table in ["odds_oddssnapshot", "odds_marketodds"]:
        partitions = list_partitions(table)
        assert partitions
        assert f"Partitions of {table}" in html
        for partition in partitions:
            assert f"<td>{partition.name}</td>" in html
    assert "latest run per source".lower() in html.lower()
    run_url = reverse("admin:scraping_scraperun_change", args=[store["failed"].pk])
    assert f'href="{run_url}"' in html


def test_window_days_end_today_in_utc():
    from scraping.health import window_days

    days = window_days(days=3, now=datetime(2026, 3, 1, 0, 30, tzinfo=UTC))
    assert [d.isoformat() for d in days] == ["2026-02-27", "2026-02-28", "2026-03-01"]


def _backfill_three_changes_in_2019():
    """Three captures of one pair in March 2019, each with new h2h prices: 3 snapshots
    and 3 market rows, in partitions the backfill creates (so never analysed)."""
    from dataclasses import replace

    from odds.ingest import ingest_captures
    from tests.admin.data import T0, _capture

    shift = datetime(2019, 3, 5, 12, tzinfo=UTC) - T0
    rows = [
        (0, "book_a", ("2.10", "3.40", "3.60"), None),
        (30, "book_a", ("2.20", "3.40", "3.50"), None),
        (60, "book_a", ("2.30", "3.30", "3.40"), None),
    ]
    captures = [_capture(*row) for row in rows]
    ingest_captures([replace(c, captured_at=c.captured_at + shift) for c in captures])


def _partition_cell(html: str, table: str) -> str:
    start = next(p for p in list_partitions(table) if p.start and p.start.year == 2019)
    match = re.search(rf"<td>{start.name}</td>.*?<td class=\"num\">(.*?)</td>", html, re.S)
    return match.group(1)


@pytest.mark.django_db
def test_partition_never_analysed_shows_its_rows_not_zero(admin_client, monkeypatch):
    _backfill_three_changes_in_2019()
    html = admin_client.get(reverse("scraping_health")).content.decode()
    assert _partition_cell(html, "odds_oddssnapshot") == "3 (not analysed)"
    assert _partition_cell(html, "odds_marketodds") == "3 (not analysed)"

    monkeypatch.setattr("scraping.health.COUNTED_UP_TO", 2)  # a big partition: bounded
    html = admin_client.get(reverse("scraping_health")).content.decode()
    assert _partition_cell(html, "odds_marketodds") == "over 2 (not analysed)"

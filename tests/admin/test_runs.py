"""The scrape runs admin: list, filters, detail, errors inline, re-run."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from scraping.admin.runs import ERRORS_SHOWN
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.services.items import simulated_parameters
from tests.admin.data import failed_run_with_errors, make_run

LIST = "admin:scraping_scraperun_changelist"
PRE = r'<pre class="odds-json">(.*?)</pre>'


def listed(response) -> list[int]:
    return [run.pk for run in response.context["cl"].result_list]


@pytest.mark.django_db
def test_list_shows_runs_newest_first_with_a_status_badge(admin_client):
    old = make_run(ScrapeStatus.COMPLETED, created_at=timezone.now() - timedelta(hours=2))
    new = make_run(ScrapeStatus.PARTIAL)
    response = admin_client.get(reverse(LIST))
    assert listed(response) == [new.pk, old.pk]
    html = response.content.decode()
    assert '<span class="odds-badge status-partial">Partial</span>' in html
    assert '<span class="odds-badge status-completed">Completed</span>' in html
    assert "2.0 s" in html  # the duration column: finished_at - started_at


@pytest.mark.django_db
def test_list_filters_by_status_source_trigger_and_date(admin_client):
    now = timezone.now()
    completed = make_run(ScrapeStatus.COMPLETED, source="simulated", trigger="schedule")
    failed = make_run(ScrapeStatus.FAILED, source="theoddsapi")
    last_month = make_run(
        ScrapeStatus.FAILED, source="theoddsapi", created_at=now - timedelta(days=40)
    )
    url = reverse(LIST)
    assert set(listed(admin_client.get(url, {"status__exact": "failed"}))) == {
        failed.pk,
        last_month.pk,
    }
    assert listed(admin_client.get(url, {"source": "simulated"})) == [completed.pk]
    assert listed(admin_client.get(url, {"trigger__exact": "schedule"})) == [completed.pk]
    # the "Past 7 days" choice of the date filter
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    past_week = {
        "created_at__gte": str(midnight - timedelta(days=7)),
        "created_at__lt": str(midnight + timedelta(days=1)),
    }
    found = listed(admin_client.get(url, {**past_week, "status__exact": "failed"}))
    assert found == [failed.pk]


@pytest.mark.django_db
def test_search_finds_runs_by_job_name_message_and_id(admin_client):
    failed = failed_run_with_errors(errors=0)
    other = make_run(ScrapeStatus.COMPLETED)
    url = reverse(LIST)
    assert listed(admin_client.get(url, {"q": "epl-odds"})) == [failed.pk]
    assert listed(admin_client.get(url, {"q": "could be stored"})) == [failed.pk]
    assert listed(admin_client.get(url, {"q": str(other.pk)})) == [other.pk]


@pytest.mark.django_db
def test_detail_shows_parameters_and_stats_as_pretty_json(admin_client):
    run = make_run(
        ScrapeStatus.COMPLETED,
        parameters={"sport": "soccer_epl", "regions": ["eu", "uk"]},
        stats={"seconds": 1.5, "quota": {"remaining": 480}},
    )
    html = admin_client.get(reverse("admin:scraping_scraperun_change", args=[run.pk])).content
    blocks = [unescape(b) for b in re.findall(PRE, html.decode(), re.S)]
    assert json.dumps({"regions": ["eu", "uk"], "sport": "soccer_epl"}, indent=2) in blocks
    assert json.dumps({"quota": {"remaining": 480}, "seconds": 1.5}, indent=2) in blocks


@pytest.mark.django_db
def test_detail_shows_the_newest_errors_inline_and_links_all_of_them(admin_client):
    run = failed_run_with_errors(errors=ERRORS_SHOWN + 5)
    response = admin_client.get(reverse("admin:scraping_scraperun_change", args=[run.pk]))
    html = response.content.decode()
    inline = response.context["inline_admin_formsets"][0]
    shown = [form.original.pk for form in inline]
    newest = list(
        ScrapeError.objects.filter(scrape_run=run)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)[:ERRORS_SHOWN]
    )
    assert shown == newest
    errors_list = reverse("admin:scraping_scrapeerror_changelist")
    assert f'href="{errors_list}?scrape_run__id__exact={run.pk}"' in html
    # each inline error links to its own page
    error_url = reverse("admin:scraping_scrapeerror_change", args=[newest[0]])
    assert f'href="{error_url}"' in html


def simulated_failed_run() -> ScrapeRun:
    """A failed run whose parameters can really be run again (two simulated events)."""
    parameters = simulated_parameters(
        events=2, bookmakers=2, start=datetime(2026, 1, 5, tzinfo=UTC), round_index=0
    )
    return make_run(ScrapeStatus.FAILED, parameters=parameters, job_name="sim-job")


@pytest.mark.django_db
def test_rerun_action_runs_the_job_again_and_links_the_new_run(admin_client):
    failed = simulated_failed_run()
    completed = make_run(ScrapeStatus.COMPLETED)
    response = admin_client.post(
        reverse(LIST),
        {"action": "rerun", "_selected_action": [failed.pk, completed.pk]},
        follow=True,
    )
    new = ScrapeRun.objects.exclude(pk__in=[failed.pk, completed.pk]).get()
    assert (new.source, new.parameters, new.job_name) == (
        failed.source,
        failed.parameters,
        "sim-job",
    )
    assert new.trigger == "admin"
    assert new.status == ScrapeStatus.COMPLETED
    assert new.snapshots_written == 4  # 2 events x 2 bookmakers
    messages = [str(m) for m in response.context["messages"]]
    new_url = reverse("admin:scraping_scraperun_change", args=[new.pk])
    assert any(f'<a href="{new_url}">run {new.pk}</a>' in m for m in messages)
    assert any(f"skipped run(s) {completed.pk}" in m for m in messages)


@pytest.mark.django_db
def test_rerun_button_on_a_failed_run_page(admin_client):
    failed = simulated_failed_run()
    page = admin_client.get(reverse("admin:scraping_scraperun_change", args=[failed.pk]))
    rerun_url = reverse("admin:scraping_scraperun_rerun", args=[failed.pk])
    assert f'action="{rerun_url}"' in page.content.decode()
    assert admin_client.get(rerun_url).status_code == 405
    response = admin_client.post(rerun_url)
    new = ScrapeRun.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:scraping_scraperun_change", args=[new.pk])


@pytest.mark.django_db
def test_completed_runs_have_no_rerun_button(admin_client):
    run = make_run(ScrapeStatus.COMPLETED)
    page = admin_client.get(reverse("admin:scraping_scraperun_change", args=[run.pk]))
    assert "odds-rerun-button" not in page.content.decode()

"""Re-running only the failed files of a partial import, from the service and the admin."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from odds.models import OddsSnapshot
from scraping.models import ScrapeRun, ScrapeStatus, ScrapeTrigger
from scraping.services.runs import NothingToRerun, can_rerun_failed, failed_paths, rerun_failed

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "theoddsapi" / "truncated.json"
# 8 Champions League events with 88 (event, bookmaker) pairs; 22 EPL events with 333.
GOOD = ("theoddsapi/soccer_uefa_champs_league.2022-12.json", "theoddsapi/soccer_epl.2022-12.json")


@pytest.fixture
def partial_import(shared_data) -> ScrapeRun:
    """``ingest theoddsapi`` over two real files and one cut off mid-event."""
    paths = [str(shared_data / name) for name in GOOD] + [str(BROKEN)]
    call_command("ingest", "theoddsapi", *paths, "--no-progress", stdout=StringIO())
    return ScrapeRun.objects.order_by("-id").first()


@pytest.mark.django_db
def test_the_partial_import_knows_its_failed_file(partial_import):
    run = partial_import
    assert run.status == ScrapeStatus.PARTIAL
    assert run.snapshots_written == 88 + 333
    assert (run.stats["files"], run.stats["files_failed"]) == (3, 1)
    assert [e.context["file"] for e in run.errors.all()] == [str(BROKEN)]
    assert can_rerun_failed(run)
    assert failed_paths(run) == [str(BROKEN)]


@pytest.mark.django_db
def test_rerun_failed_covers_only_the_broken_file_and_links_the_original(partial_import):
    original = partial_import
    stored = OddsSnapshot.objects.count()
    new = rerun_failed(original)
    assert new.pk != original.pk
    narrowed = {**original.parameters, "paths": [str(BROKEN)], "rerun_of": original.pk}
    assert new.parameters == narrowed
    assert new.parameters["odds_format"] == "auto"  # the other parameters are kept
    assert (new.source, new.trigger) == ("theoddsapi", ScrapeTrigger.ADMIN)
    assert (new.stats["files"], new.stats["files_failed"]) == (1, 1)
    # nothing fixed: the broken file fails the same way, and nothing else is read again
    assert new.status == ScrapeStatus.FAILED
    assert new.snapshots_written == 0 and OddsSnapshot.objects.count() == stored
    (error,) = new.errors.all()
    assert error.error_type == "bad_json"
    assert error.context["file"] == str(BROKEN)
    assert "truncated.json" in error.message


@pytest.mark.django_db
def test_a_completed_or_live_run_has_no_failed_files_to_rerun(shared_data):
    call_command("ingest", "theoddsapi", str(shared_data / GOOD[0]), stdout=StringIO())
    completed = ScrapeRun.objects.get()
    assert completed.status == ScrapeStatus.COMPLETED
    assert not can_rerun_failed(completed)
    with pytest.raises(NothingToRerun):
        rerun_failed(completed)
    live = ScrapeRun.objects.create(
        source="theoddsapi", status=ScrapeStatus.PARTIAL, parameters={"sport": "soccer_epl"}
    )
    assert not can_rerun_failed(live)


@pytest.mark.django_db
def test_the_admin_button_reruns_the_failed_files(admin_client, partial_import):
    original = partial_import
    page = admin_client.get(reverse("admin:scraping_scraperun_change", args=[original.pk]))
    url = reverse("admin:scraping_scraperun_rerun_failed", args=[original.pk])
    html = page.content.decode()
    assert f'action="{url}"' in html and "odds-rerun-failed-button" in html
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    new = ScrapeRun.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:scraping_scraperun_change", args=[new.pk])
    assert new.parameters["paths"] == [str(BROKEN)]
    assert new.parameters["rerun_of"] == original.pk
    # the new run failed outright: it offers the plain re-run, not another of failed files
    page = admin_client.get(response["Location"]).content.decode()
    assert "odds-rerun-failed-button" not in page and "odds-rerun-button" in page


@pytest.mark.django_db
def test_only_staff_allowed_to_add_runs_may_rerun_failed_files(client, partial_import):
    url = reverse("admin:scraping_scraperun_rerun_failed", args=[partial_import.pk])
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_scraperun"))
    client.force_login(viewer)
    page = client.get(reverse("admin:scraping_scraperun_change", args=[partial_import.pk]))
    assert "odds-rerun-failed-button" not in page.content.decode()
    assert client.post(url).status_code == 403
    assert ScrapeRun.objects.count() == 1


@pytest.mark.django_db
def test_the_button_needs_a_csrf_token(partial_import):
    admin = User.objects.create_superuser("boss", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = reverse("admin:scraping_scraperun_rerun_failed", args=[partial_import.pk])
    assert client.post(url).status_code == 403
    assert ScrapeRun.objects.count() == 1

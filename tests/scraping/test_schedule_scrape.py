"""schedule_scrape refuses a job that could never run or would store a secret."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_celery_beat.models import PeriodicTask

from scraping.models import ScrapeRun

KEY = "0123456789abcdef0123456789abcdef"


def schedule(*args) -> str:
    out = StringIO()
    call_command("schedule_scrape", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def stored_anywhere(text: str) -> bool:
    """Whether ``text`` is in any periodic task's kwargs or any run's parameters."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM django_celery_beat_periodictask WHERE kwargs LIKE %s)"
            " + (SELECT count(*) FROM scraping_scraperun WHERE parameters::text LIKE %s)",
            [f"%{text}%", f"%{text}%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["theodsapi", "THEODDSAPI", "csv", ""])
def test_unknown_source_is_refused_with_the_known_ones(source):
    with pytest.raises(CommandError) as raised:
        schedule("job", source, "--parameters", '{"sport": "soccer_epl"}', "--every", "5m")
    message = str(raised.value)
    assert f"Unknown source {source!r}" in message
    for known in ["footballdata", "oddsharvester", "simulated", "theoddsapi"]:
        assert known in message
    assert PeriodicTask.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "parameters",
    [
        f'{{"sport": "soccer_epl", "api_key": "{KEY}"}}',
        f'{{"sport": "soccer_epl", "apiKey": "{KEY}"}}',
        f'{{"sport": "soccer_epl", "ODDS_API_KEY": "{KEY}"}}',
        f'{{"sport": "soccer_epl", "extra": {{"token": "{KEY}"}}}}',
    ],
)
def test_an_api_key_in_the_parameters_is_refused_and_not_stored(parameters):
    with pytest.raises(CommandError) as raised:
        schedule("epl", "theoddsapi", "--parameters", parameters, "--every", "5m")
    message = str(raised.value)
    assert "ODDS_API_KEY environment variable" in message
    assert KEY not in message
    assert PeriodicTask.objects.count() == 0
    assert not ScrapeRun.objects.exists()
    assert not stored_anywhere(KEY)


@pytest.mark.django_db
def test_the_configured_key_is_refused_under_any_name(settings):
    settings.ODDS_API_KEY = KEY
    with pytest.raises(CommandError, match="ODDS_API_KEY environment variable"):
        parameters = f'{{"sport": "soccer_epl", "bookmakers": ["{KEY}"]}}'
        schedule("epl", "theoddsapi", "--parameters", parameters, "--every", "5m")
    assert not stored_anywhere(KEY)


@pytest.mark.django_db
def test_a_good_job_is_still_stored():
    out = schedule("epl", "theoddsapi", "--parameters", '{"sport": "soccer_epl"}', "--every", "5m")
    assert "Created periodic job 'epl'" in out
    assert PeriodicTask.objects.filter(name="epl").exists()


@pytest.mark.django_db
def test_a_job_made_in_the_admin_with_a_secret_fails_without_storing_it():
    from scraping.tasks import run_scheduled_job

    parameters = {"sport": "soccer_epl", "extra": [{"password": KEY}], "token": KEY}
    outcome = run_scheduled_job(source="theoddsapi", parameters=parameters, job_name="epl")
    run = outcome.run
    assert run.status == "failed"
    assert list(run.errors.values_list("error_type", flat=True)) == ["secret_in_parameters"]
    assert run.parameters == {"sport": "soccer_epl", "extra": [{"password": "***"}], "token": "***"}
    assert not stored_anywhere(KEY)

"""``manage.py ingest`` and ``manage.py scrape`` on bad input and failing sources."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from odds.models import MarketOdds, OddsSnapshot
from scraping.models import ScrapeError, ScrapeRun, ScrapeStatus
from scraping.services import items as jobs
from scraping.sources.theoddsapi import TheOddsApiClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SECRET = "test-secret-odds-api-key-0123"


def run_command(*args) -> tuple[int, str, ScrapeRun | None]:
    out = StringIO()
    code = 0
    try:
        call_command(*map(str, args), stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), ScrapeRun.objects.order_by("-id").first()


# --- ingest ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_truncated_json_fails_the_run_with_a_clear_error():
    code, out, run = run_command("ingest", "theoddsapi", FIXTURES / "theoddsapi" / "truncated.json")
    assert code == 1 and run.status == ScrapeStatus.FAILED
    error = run.errors.get()
    assert error.error_type == "bad_json"
    assert "truncated.json" in error.message
    assert f"run {run.id} failed" in out


@pytest.mark.django_db
def test_unknown_format_is_refused_with_the_choices():
    with pytest.raises(CommandError, match=r"invalid choice: 'smarkets'.*theoddsapi"):
        call_command("ingest", "smarkets", "x.json")


@pytest.mark.django_db
def test_a_file_of_unknown_shape_fails_naming_the_accepted_ones():
    path = FIXTURES / "theoddsapi" / "unknown-shape.json"
    code, _, run = run_command("ingest", "theoddsapi", path)
    assert code == 1
    error = run.errors.get()
    assert error.error_type == "unknown_format"


@pytest.mark.django_db
def test_bad_prices_become_errors_and_the_rest_is_stored():
    path = FIXTURES / "theoddsapi" / "bad-prices-american.json"
    code, _, run = run_command("ingest", "theoddsapi", path)
    assert code == 0 and run.status == ScrapeStatus.PARTIAL
    bad = {(e.context["market_key"], json.dumps(e.context["price"])) for e in run.errors.all()}
    assert bad == {
        ("h2h", "0"),
        ("h2h", "-50"),
        ("totals", '"abc"'),
        ("h2h", '"NaN"'),
        ("totals", "1.0"),
    }
    assert run.errors_count == 5
    assert run.snapshots_written == 6 and MarketOdds.objects.count() == 7
    for error in run.errors.all():
        assert error.bookmaker is not None and error.event is not None


@pytest.mark.django_db
def test_decimal_prices_of_zero_and_one_are_refused():
    path = FIXTURES / "theoddsapi" / "bad-prices-decimal.json"
    _, _, run = run_command("ingest", "theoddsapi", path)
    assert run.status == ScrapeStatus.PARTIAL
    messages = " ".join(run.errors.values_list("message", flat=True))
    assert 'price "abc" is not a number' in messages
    assert "price 0 is not decimal odds above 1.0" in messages
    assert MarketOdds.objects.count() == 3


@pytest.mark.django_db
def test_a_missing_file_is_an_error_and_the_other_files_still_count():
    good = FIXTURES / "theoddsapi" / "markets-decimal.json"
    code, _, run = run_command("ingest", "theoddsapi", "/no/such/file.json", good)
    assert code == 0 and run.status == ScrapeStatus.PARTIAL
    error = run.errors.get()
    assert error.error_type == "missing_file" and "/no/such/file.json" in error.message
    assert run.snapshots_written > 0
    code, _, run = run_command("ingest", "theoddsapi", "/no/such/file.json")
    assert code == 1 and run.status == ScrapeStatus.FAILED


@pytest.mark.django_db
def test_folders_and_globs_and_the_theoddsapi_only_flags():
    folder = FIXTURES / "theoddsapi"
    _, _, run = run_command("ingest", "theoddsapi", f"{folder}/markets-*.json")
    assert run.snapshots_written > 0 and run.parameters["paths"] == [f"{folder}/markets-*.json"]
    with pytest.raises(CommandError, match="theoddsapi files only"):
        call_command("ingest", "footballdata", "x.csv", "--captured-at", "2026-01-01T00:00:00Z")
    with pytest.raises(CommandError, match="--captured-at: time 'yesterday'"):
        call_command("ingest", "theoddsapi", "x.json", "--captured-at", "yesterday")


@pytest.mark.django_db
def test_captured_at_flag_places_a_bare_list():
    path = FIXTURES / "theoddsapi" / "no-last-update.json"
    code, _, run = run_command("ingest", "theoddsapi", path)
    assert code == 1 and run.status == ScrapeStatus.FAILED
    assert "--captured-at" in run.errors.get().message
    _, _, run = run_command("ingest", "theoddsapi", path, "--captured-at", "2026-01-10T12:00:00Z")
    assert run.status == ScrapeStatus.COMPLETED
    assert {s.isoformat() for s in OddsSnapshot.objects.values_list("captured_at", flat=True)} == {
        "2026-01-10T12:00:00+00:00"
    }


# --- scrape theoddsapi over a mocked transport -------------------------------------------
def recorded(shared_data, *responses):
    """A client whose transport plays back ``responses`` (status, body, headers) in order,
    recording the requests it saw."""
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(status, content=body, headers=headers)

    def factory():
        return TheOddsApiClient(
            SECRET,
            base_url="https://api.test",
            transport=httpx.MockTransport(handler),
            sleep=lambda seconds: None,
        )

    return factory, seen


QUOTA = {"x-requests-remaining": "480", "x-requests-used": "20", "x-requests-last": "3"}


def scrape_args():
    return ["scrape", "theoddsapi", "--sport", "soccer_epl", "--regions", "us", "--markets",
            "h2h,totals,spreads", "--odds-format", "american"]  # fmt: skip


def assert_no_secret_stored():
    stored = list(ScrapeRun.objects.values_list("parameters", "stats", "message"))
    stored += list(ScrapeError.objects.values_list("message", "context"))
    assert SECRET not in repr(stored)


@pytest.mark.django_db
def test_scrape_stores_a_recorded_response_and_its_quota(monkeypatch, settings, shared_data):
    settings.ODDS_API_KEY = SECRET
    body = (shared_data / "theoddsapi" / "soccer_epl.2022-12.json").read_bytes()
    factory, seen = recorded(shared_data, (200, body, QUOTA))
    monkeypatch.setattr(jobs, "make_odds_api_client", factory)
    code, out, run = run_command(*scrape_args())
    assert code == 0 and run.status == ScrapeStatus.COMPLETED, out
    assert run.snapshots_written == 333 and run.events_count == 22
    assert run.stats["quota"] == {
        "x-requests-remaining": 480,
        "x-requests-used": 20,
        "x-requests-last": 3,
    }
    assert seen[0].url.params["markets"] == "h2h,totals,spreads"
    assert_no_secret_stored()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "fixture", "error_type", "words"),
    [
        (401, "error-invalid-key.json", "http_401", "INVALID_KEY"),
        (429, "error-freq-limit.json", "http_429", "EXCEEDED_FREQ_LIMIT"),
        (500, None, "http_500", "500"),
    ],
)
def test_scrape_http_errors_fail_the_run_clearly(
    monkeypatch, settings, shared_data, status, fixture, error_type, words
):
    settings.ODDS_API_KEY = SECRET
    body = (FIXTURES / "theoddsapi" / fixture).read_bytes() if fixture else b"upstream broke"
    factory, seen = recorded(shared_data, (status, body, QUOTA))
    monkeypatch.setattr(jobs, "make_odds_api_client", factory)
    code, out, run = run_command(*scrape_args())
    assert code == 1 and run.status == ScrapeStatus.FAILED
    error = run.errors.get()
    assert error.error_type == error_type and words in error.message
    assert f"first error ({error_type})" in out
    assert len(seen) == (1 if status == 401 else 4)  # 429 and 5xx are retried
    assert OddsSnapshot.objects.count() == 0
    assert_no_secret_stored()


@pytest.mark.django_db
def test_scrape_retries_a_429_then_stores(monkeypatch, settings, shared_data):
    settings.ODDS_API_KEY = SECRET
    limit = (FIXTURES / "theoddsapi" / "error-freq-limit.json").read_bytes()
    body = (shared_data / "theoddsapi" / "soccer_uefa_champs_league.2022-12.json").read_bytes()
    factory, seen = recorded(shared_data, (429, limit, {}), (200, body, QUOTA))
    monkeypatch.setattr(jobs, "make_odds_api_client", factory)
    _, _, run = run_command(*scrape_args())
    assert run.status == ScrapeStatus.COMPLETED and run.stats["attempts"] == 2
    assert len(seen) == 2


@pytest.mark.django_db
def test_scrape_without_an_api_key_says_how_to_set_it(settings):
    settings.ODDS_API_KEY = ""
    code, _, run = run_command(*scrape_args())
    assert code == 1
    error = run.errors.get()
    assert error.error_type == "missing_api_key" and "ODDS_API_KEY" in error.message


# --- scrape simulated ----------------------------------------------------------------------
@pytest.mark.django_db
def test_simulated_rounds_are_runs_and_repeat_nothing():
    args = ["scrape", "simulated", "--events", "4", "--bookmakers", "3", "--rounds", "3",
            "--start", "2026-01-05T00:00:00Z", "--change-rate", "0.5"]  # fmt: skip
    code, out, _ = run_command(*args)
    assert code == 0 and out.count("completed") == 3
    runs = list(ScrapeRun.objects.order_by("id"))
    assert [r.parameters["round"] for r in runs] == [0, 1, 2]
    assert all(r.snapshots_written == 12 for r in runs)
    assert runs[0].markets_written == 36 and runs[1].markets_unchanged > 0
    rows = MarketOdds.objects.count()
    run_command(*args)
    assert MarketOdds.objects.count() == rows


@pytest.mark.django_db
def test_scrape_flags_are_checked():
    with pytest.raises(CommandError, match="--change-rate must be between 0 and 1"):
        call_command("scrape", "simulated", "--change-rate", "2")
    with pytest.raises(CommandError, match="not a duration"):
        call_command("scrape", "simulated", "--interval", "soon")

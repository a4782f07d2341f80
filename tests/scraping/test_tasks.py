"""Celery tasks: scheduled scrape jobs (lock, retries, quota), maintenance, default schedules,
and one execution end to end through a real worker and the RabbitMQ broker."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, connections
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from odds.models import OddsSnapshot
from odds.partitioning import ensure_partitions, list_partitions
from scraping import tasks
from scraping.locks import job_lock, job_lock_key
from scraping.models import ScrapeRun, ScrapeStatus
from scraping.schedules import normalize_parameters
from scraping.services import items as jobs
from scraping.sources.theoddsapi import TheOddsApiClient
from scraping.tasks import TransientScrapeFailure, retry_delay, run_scrape_job
from tests.scraping.test_locks import ROOT, subprocess_env

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ODDS_BODY = (FIXTURES / "theoddsapi" / "markets-decimal.json").read_bytes()
SIMULATED = {"source": "simulated", "parameters": {"events": 3, "bookmakers": 2}}
API_JOB = {
    "source": "theoddsapi",
    "parameters": {"sport": "soccer_germany_bundesliga", "markets": ["h2h", "spreads", "totals"]},
    "job_name": "bundesliga",
}


@pytest.fixture
def eager(settings):
    """Tasks run in this process when sent, as CELERY_TASK_ALWAYS_EAGER makes them."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SCRAPE_RETRY_MAX = 2
    return settings


@pytest.fixture
def delays(monkeypatch):
    """The retries asked for (the retry number each delay was computed for)."""
    asked: list[int] = []

    def record(retries, **kwargs):
        asked.append(retries)
        return 0.0

    monkeypatch.setattr(tasks, "retry_delay", record)
    return asked


def odds_api(monkeypatch, settings, *answers):
    """The Odds API over a mock transport: each answer is (status, body, headers) or an
    exception to raise; the last one repeats. Returns the list of requests seen."""
    settings.ODDS_API_KEY = "test-key-for-tasks"
    queue, seen = list(answers), []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        return httpx.Response(status, content=body, headers=headers)

    def factory():  # no retries inside the client: each execution is one request
        return TheOddsApiClient(
            settings.ODDS_API_KEY,
            base_url="https://api.test",
            transport=httpx.MockTransport(handler),
            max_retries=0,
            sleep=lambda seconds: None,
        )

    monkeypatch.setattr(jobs, "make_odds_api_client", factory)
    return seen


def quota(remaining: int) -> dict[str, str]:
    return {"x-requests-remaining": str(remaining), "x-requests-used": "7", "x-requests-last": "3"}


def latest_round(interval_seconds: int, now: datetime) -> int:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return int((now - midnight).total_seconds() // interval_seconds)


# --- A scheduled execution ---------------------------------------------------------------
@pytest.mark.django_db
def test_the_task_runs_one_job_as_a_scheduled_run_of_the_latest_round(eager):
    before = datetime.now(UTC)
    result = run_scrape_job.delay(**SIMULATED, job_name="sim-every-5m")
    after = datetime.now(UTC)
    run = ScrapeRun.objects.get()
    assert result.successful() and result.get().startswith(f"run {run.id} completed")
    assert (run.source, run.trigger, run.job_name) == ("simulated", "schedule", "sim-every-5m")
    assert run.status == ScrapeStatus.COMPLETED and run.snapshots_written == 3 * 2
    assert run.parameters["round"] in {latest_round(300, before), latest_round(300, after)}
    midnights = {t.replace(hour=0, minute=0, second=0, microsecond=0) for t in (before, after)}
    assert run.parameters["start"] in {m.isoformat() for m in midnights}
    assert (run.parameters["events"], run.parameters["bookmakers"]) == (3, 2)


@pytest.mark.django_db
def test_a_fixed_start_and_round_are_kept_as_given(eager):
    parameters = {"events": 2, "bookmakers": 2, "start": "2026-01-05T00:00:00Z", "round": 4}
    run_scrape_job.delay(source="simulated", parameters=parameters, job_name="fixed")
    run = ScrapeRun.objects.get()
    assert run.parameters["round"] == 4
    assert run.parameters["start"] == "2026-01-05T00:00:00+00:00"
    captured = set(OddsSnapshot.objects.values_list("captured_at", flat=True))
    assert captured == {datetime(2026, 1, 5, 0, 20, tzinfo=UTC)}  # round 4 of 5 minutes


@pytest.mark.django_db
def test_the_job_name_defaults_to_the_periodic_task_that_fired_it():
    run_scrape_job.apply(kwargs=SIMULATED, headers={"periodic_task_name": "from beat"})
    assert ScrapeRun.objects.get().job_name == "from beat"


@pytest.mark.django_db
def test_bad_parameters_fail_the_run_with_the_fix_and_are_not_retried(eager, delays):
    result = run_scrape_job.delay(source="simulated", parameters={"events": "many"}, job_name="b")
    run = ScrapeRun.objects.get()
    assert result.successful() and run.status == ScrapeStatus.FAILED
    error = run.errors.get()
    assert error.error_type == "bad_parameters" and '"events" must be a whole number' in (
        error.message
    )
    assert delays == []


def test_templates_that_mean_the_same_job_normalize_alike():
    assert normalize_parameters("theoddsapi", {"sport": "x", "regions": "eu, uk"}) == (
        normalize_parameters(
            "theoddsapi",
            {"sport": "x", "regions": ["eu", "uk"], "markets": ["h2h"], "odds_format": "decimal"},
        )
    )
    assert normalize_parameters("simulated", {}) == normalize_parameters(
        "simulated", {"events": 20, "bookmakers": 8, "seed": 0, "interval_seconds": 300}
    )


# --- Never twice at once -----------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_second_execution_while_the_first_runs_is_skipped(eager, monkeypatch, caplog):
    started, release = threading.Event(), threading.Event()
    real_run_job = tasks.run_job

    def slow_run_job(**kwargs):
        started.set()
        assert release.wait(30)
        return real_run_job(**kwargs)

    monkeypatch.setattr(tasks, "run_job", slow_run_job)
    results: dict[str, str] = {}

    def first() -> None:
        try:
            results["first"] = run_scrape_job.delay(**SIMULATED, job_name="busy").result
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(30)
        with caplog.at_level(logging.WARNING, logger="scraping.tasks"):
            # .result, not .get(): Celery refuses get() while another task is running
            second = run_scrape_job.delay(**SIMULATED, job_name="busy").result
        assert second == "skipped: already running"
        assert (
            not ScrapeRun.objects.exists()
        )  # the first waits inside its lock; no run for this one
        warning = next(r for r in caplog.records if "already running" in r.getMessage())
        assert warning.levelno == logging.WARNING and "'busy'" in warning.getMessage()
    finally:
        release.set()
        thread.join(30)
    assert results["first"].startswith("run ") and " completed" in results["first"]
    run = ScrapeRun.objects.get()
    assert (run.job_name, run.status) == ("busy", ScrapeStatus.COMPLETED)
    assert run_scrape_job.delay(**SIMULATED, job_name="busy").get().startswith("run ")


@pytest.mark.django_db
def test_an_unnamed_job_is_locked_by_its_source_and_parameters(eager):
    template = normalize_parameters("simulated", SIMULATED["parameters"])
    key = job_lock_key(source="simulated", parameters=template)
    with job_lock(key) as held:
        assert held
        assert run_scrape_job.delay(**SIMULATED).get() == "skipped: already running"
        other = {"source": "simulated", "parameters": {"events": 4, "bookmakers": 2}}
        assert run_scrape_job.delay(**other).get().startswith("run ")
    assert ScrapeRun.objects.count() == 1


# --- Retries -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "error_type"),
    [
        ((500, b"upstream broke", {}), "http_500"),
        ((503, b"maintenance", {}), "http_503"),
        ((429, (FIXTURES / "theoddsapi" / "error-freq-limit.json").read_bytes(), {}), "http_429"),
        (httpx.ConnectError("connection refused"), "network_error"),
    ],
)
def test_transient_failures_are_retried_with_backoff_up_to_the_max(
    eager, delays, monkeypatch, answer, error_type
):
    seen = odds_api(monkeypatch, eager, answer)
    result = run_scrape_job.delay(**API_JOB)
    runs = list(ScrapeRun.objects.order_by("id"))
    assert len(runs) == 3 and len(seen) == 3  # the first try and SCRAPE_RETRY_MAX = 2 retries
    assert delays == [0, 1]
    for run in runs:
        assert (run.status, run.trigger, run.job_name) == ("failed", "schedule", "bundesliga")
        assert list(run.errors.values_list("error_type", flat=True)) == [error_type]
    assert result.failed() and isinstance(result.result, TransientScrapeFailure)


@pytest.mark.django_db
def test_a_retry_that_succeeds_ends_the_retries(eager, delays, monkeypatch):
    odds_api(monkeypatch, eager, (502, b"bad gateway", {}), (200, ODDS_BODY, quota(400)))
    result = run_scrape_job.delay(**API_JOB)
    assert result.successful()
    assert [r.status for r in ScrapeRun.objects.order_by("id")] == ["failed", "completed"]
    assert delays == [0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "error_type"),
    [
        ((200, b"<html>not json</html>", {}), "bad_json"),
        ((401, (FIXTURES / "theoddsapi" / "error-invalid-key.json").read_bytes(), {}), "http_401"),
        ((200, b'{"message": "not a list"}', {}), "unknown_format"),
    ],
)
def test_bad_data_is_not_retried(eager, delays, monkeypatch, answer, error_type):
    seen = odds_api(monkeypatch, eager, answer)
    result = run_scrape_job.delay(**API_JOB)
    run = ScrapeRun.objects.get()
    assert run.status == ScrapeStatus.FAILED and len(seen) == 1
    assert run.errors.get().error_type == error_type
    assert result.successful() and result.get().startswith(f"run {run.id} failed")
    assert delays == []


@pytest.mark.django_db
def test_bad_prices_make_a_partial_run_that_is_not_retried(eager, delays, monkeypatch):
    body = (FIXTURES / "theoddsapi" / "bad-prices-decimal.json").read_bytes()
    odds_api(monkeypatch, eager, (200, body, quota(400)))
    run_scrape_job.delay(**API_JOB)
    assert ScrapeRun.objects.get().status == ScrapeStatus.PARTIAL
    assert delays == []


@pytest.mark.django_db
def test_an_unreachable_database_is_retried(eager, delays, monkeypatch):
    real_run_job, calls = tasks.run_job, []

    def flaky_run_job(**kwargs):
        calls.append(kwargs["job_name"])
        if len(calls) == 1:
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return real_run_job(**kwargs)

    monkeypatch.setattr(tasks, "run_job", flaky_run_job)
    result = run_scrape_job.delay(**SIMULATED, job_name="db-flaky")
    assert result.successful() and calls == ["db-flaky", "db-flaky"]
    assert delays == [0]
    assert ScrapeRun.objects.get().status == ScrapeStatus.COMPLETED


def test_backoff_doubles_from_the_base_up_to_the_cap(settings):
    settings.SCRAPE_RETRY_BACKOFF_SECONDS = 30
    settings.SCRAPE_RETRY_BACKOFF_MAX_SECONDS = 600
    lowest = [retry_delay(n, rng=lambda: 0.0) for n in range(7)]
    highest = [retry_delay(n, rng=lambda: 0.999999) for n in range(7)]
    assert lowest == [15, 30, 60, 120, 240, 300, 300]
    assert [round(h) for h in highest] == [30, 60, 120, 240, 480, 600, 600]


# --- Quota -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_low_quota_pauses_the_odds_api_jobs_and_the_run_says_so(eager, monkeypatch, caplog):
    seen = odds_api(monkeypatch, eager, (200, ODDS_BODY, quota(12)))
    first = run_scrape_job.delay(**API_JOB).get()
    run = ScrapeRun.objects.get()
    assert first.startswith(f"run {run.id} completed")
    assert "Quota low: 12 requests remaining, below ODDS_API_MIN_REMAINING (50)" in run.message

    with caplog.at_level(logging.WARNING, logger="scraping.tasks"):
        second = run_scrape_job.delay(**API_JOB).get()
    other_job = run_scrape_job.delay(**{**API_JOB, "job_name": "other"}).get()
    assert second.startswith("skipped: quota low: 12 requests remaining < ODDS_API_MIN_REMAINING")
    assert other_job.startswith("skipped: quota low")  # the quota is the account's
    assert ScrapeRun.objects.count() == 1 and len(seen) == 1
    assert any("quota low" in r.getMessage() for r in caplog.records)

    # Once the recheck interval (6 hours) has passed, one execution probes the quota.
    ScrapeRun.objects.update(created_at=timezone.now() - timedelta(hours=6, minutes=1))
    probe = run_scrape_job.delay(**API_JOB).get()
    assert probe.startswith("run ") and ScrapeRun.objects.count() == 2 and len(seen) == 2
    assert run_scrape_job.delay(**API_JOB).get().startswith("skipped: quota low")


@pytest.mark.django_db
def test_the_quota_threshold_is_a_setting_and_a_recovered_quota_resumes(eager, monkeypatch):
    eager.ODDS_API_MIN_REMAINING = 10
    odds_api(monkeypatch, eager, (200, ODDS_BODY, quota(12)), (200, ODDS_BODY, quota(9)))
    assert run_scrape_job.delay(**API_JOB).get().startswith("run ")  # 12 >= 10
    assert "Quota low" not in ScrapeRun.objects.get().message
    assert run_scrape_job.delay(**API_JOB).get().startswith("run ")  # sees 9: now low
    assert run_scrape_job.delay(**API_JOB).get().startswith("skipped: quota low: 9 ")
    # A manual run (not subject to the rule) that sees a fresh quota resumes the schedule.
    ScrapeRun.objects.create(source="theoddsapi", stats={"quota": {"x-requests-remaining": 500}})
    assert run_scrape_job.delay(**API_JOB).get().startswith("run ")


@pytest.mark.django_db
def test_the_quota_rule_leaves_other_sources_alone(eager):
    ScrapeRun.objects.create(source="theoddsapi", stats={"quota": {"x-requests-remaining": 0}})
    assert run_scrape_job.delay(**SIMULATED).get().startswith("run ")


# --- Maintenance -------------------------------------------------------------------------
@pytest.mark.django_db
def test_maintain_partitions_creates_ahead_and_retires_past_retention(settings):
    settings.ODDS_PARTITION_SIZE = "week"
    settings.ODDS_PARTITIONS_AHEAD = 2
    settings.ODDS_RETENTION_DAYS = 30
    ensure_partitions(datetime(2020, 3, 4, tzinfo=UTC))  # a week of 2020, long expired
    monday = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
    wanted = {f"p{monday + timedelta(weeks=w):%Y%m%d}" for w in range(3)}

    summary = tasks.maintain_partitions.apply().get()

    for table in ("odds_oddssnapshot", "odds_marketodds"):
        names = {p.name.removeprefix(f"{table}_") for p in list_partitions(table)}
        assert wanted <= names and "p20200302" not in names
        assert f"{table}_p20200302" in summary
    assert "retired: " in summary


@pytest.mark.django_db
def test_reap_stale_runs_task_fails_runs_without_a_heartbeat():
    long_ago = timezone.now() - timedelta(hours=2)
    stale = ScrapeRun.objects.create(
        source="simulated", status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    fresh = ScrapeRun.objects.create(
        source="simulated", status="running", started_at=timezone.now()
    )
    assert tasks.reap_stale_runs.apply().get() == f"reaped 1 stale run(s): [{stale.id}]"
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("failed", "running")


@pytest.mark.django_db
def test_setup_schedules_is_idempotent_and_keeps_admin_edits():
    def setup(*args) -> str:
        out = StringIO()
        call_command("setup_schedules", *args, stdout=out)
        return out.getvalue()

    assert setup().count(": created") == 2
    tasks_before = list(PeriodicTask.objects.order_by("id").values_list("id", "name", "task"))
    assert [t[2] for t in tasks_before] == [
        "scraping.tasks.maintain_partitions",
        "scraping.tasks.reap_stale_runs",
    ]
    reap = PeriodicTask.objects.get(task="scraping.tasks.reap_stale_runs")
    assert (reap.interval.every, reap.interval.period) == (5, "minutes")
    maintenance = PeriodicTask.objects.get(task="scraping.tasks.maintain_partitions")
    assert (maintenance.crontab.minute, maintenance.crontab.hour) == ("15", "3")
    assert str(maintenance.crontab.timezone) == "UTC"

    assert setup().count(": exists") == 2
    assert list(PeriodicTask.objects.order_by("id").values_list("id", "name", "task")) == (
        tasks_before
    )
    assert (IntervalSchedule.objects.count(), CrontabSchedule.objects.count()) == (1, 1)

    PeriodicTask.objects.filter(id=reap.id).update(enabled=False)
    setup()
    assert not PeriodicTask.objects.get(id=reap.id).enabled
    assert setup("--reset").count(": reset") == 2
    assert PeriodicTask.objects.get(id=reap.id).enabled
    assert PeriodicTask.objects.count() == 2


@pytest.mark.django_db
def test_schedule_scrape_creates_and_updates_a_periodic_job():
    parameters = '{"sport": "soccer_epl", "markets": ["h2h", "totals"]}'
    call_command("schedule_scrape", "epl", "theoddsapi", "--parameters", parameters,
                 "--every", "10m", stdout=StringIO())  # fmt: skip
    job = PeriodicTask.objects.get(name="epl")
    assert job.task == "scraping.tasks.run_scrape_job"
    assert json.loads(job.kwargs) == {
        "source": "theoddsapi",
        "parameters": {"sport": "soccer_epl", "markets": ["h2h", "totals"]},
        "job_name": "epl",
    }
    assert (job.interval.every, job.interval.period, job.crontab) == (10, "minutes", None)
    call_command("schedule_scrape", "epl", "theoddsapi", "--parameters", parameters,
                 "--crontab", "*/15 6-23 * * *", stdout=StringIO())  # fmt: skip
    job = PeriodicTask.objects.get(name="epl")
    assert (job.interval, job.crontab.minute, job.crontab.hour) == (None, "*/15", "6-23")
    with pytest.raises(CommandError, match='needs "sport"'):
        call_command("schedule_scrape", "x", "theoddsapi", "--every", "5m")
    with pytest.raises(CommandError, match="needs 5 fields"):
        call_command("schedule_scrape", "x", "simulated", "--crontab", "*/5 * *")


# --- End to end: a real worker on the RabbitMQ broker ------------------------------------
def broker_reachable() -> str:
    """'' when the broker answers, else why not."""
    from oddsproject.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as error:  # any failure means: no broker to test against
        return f"{type(error).__name__}: {error}"
    return ""


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_task_sent_through_the_broker(tmp_path):
    from oddsproject.celery import app

    if why := broker_reachable():
        pytest.skip(f"RabbitMQ broker {app.conf.broker_url} unreachable ({why})")
    queue = f"odds-test-{uuid.uuid4().hex[:12]}"  # no stale messages, no other workers
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "oddsproject", "worker", "--queues", queue,
         "--hostname", f"{queue}@%h", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env={**subprocess_env(), "DATABASE_CONN_MAX_AGE": "0"},
        stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: " ready." in log.read_text(), 60, "the worker to start", log)
        run_scrape_job.s(**SIMULATED, job_name="end-to-end").set(queue=queue).delay()
        wait_for(
            lambda: ScrapeRun.objects.filter(job_name="end-to-end", status="completed").exists(),
            60,
            "the run to complete",
            log,
        )
        run = ScrapeRun.objects.get()
        assert (run.trigger, run.snapshots_written) == ("schedule", 6)
        assert OddsSnapshot.objects.filter(scrape_run=run).count() == 6
        wait_for(lambda: "succeeded" in log.read_text(), 10, "the task to be acked", log)
        assert f"run {run.id} completed" in log.read_text()
    finally:
        stop(worker)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        connection.close()


def wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out after {seconds}s waiting for {what}; worker log:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM), then kill the process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

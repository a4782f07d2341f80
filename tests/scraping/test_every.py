"""``manage.py scrape ... --every``: scheduled executions in the foreground, without a broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from scraping import repeat, tasks
from scraping.locks import job_lock, job_lock_key
from scraping.models import ScrapeRun, ScrapeStatus
from scraping.services import items as jobs
from tests.scraping.test_locks import ROOT, subprocess_env
from tests.scraping.test_tasks import ODDS_BODY, odds_api, quota

SMALL = ["--events", "3", "--bookmakers", "2"]


def scrape(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("scrape", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fake_clock(monkeypatch):
    """The loop's clock and sleep, faked: a round takes ``round_seconds`` (0.1), a wait
    passes at once. Records the clock at each round's start and the waits asked for, so
    the rhythm is checked without depending on how loaded the machine is."""
    clock = SimpleNamespace(now=0.0, round_seconds=0.1, starts=[], waits=[])
    real_run = tasks.run_scheduled_job

    def timed_run(**kwargs):
        clock.starts.append(clock.now)
        outcome = real_run(**kwargs)
        clock.now += clock.round_seconds
        return outcome

    def wait(self, seconds):
        clock.waits.append(seconds)
        clock.now += seconds
        return False

    monkeypatch.setattr(repeat, "time", SimpleNamespace(monotonic=lambda: clock.now))
    monkeypatch.setattr(repeat._Stop, "wait", wait)
    monkeypatch.setattr(tasks, "run_scheduled_job", timed_run)
    return clock


@pytest.mark.django_db
def test_every_with_times_runs_that_many_scheduled_rounds(fake_clock):
    code, out, _ = scrape("simulated", *SMALL, "--every", "0.3s", "--times", "2", "--name", "sim")
    runs = list(ScrapeRun.objects.order_by("id"))
    assert code == 0 and len(runs) == 2
    lines = out.splitlines()
    assert [line.split(" in ")[0] for line in lines] == [f"run {r.id} completed" for r in runs]
    assert all((r.trigger, r.job_name, r.status) == ("schedule", "sim", "completed") for r in runs)
    # Rounds keep their rhythm: a 0.1 s round is followed by a 0.2 s wait, so the second
    # starts one period after the first.
    assert fake_clock.starts == pytest.approx([0.0, 0.3])
    assert fake_clock.waits == pytest.approx([0.2])
    # Each round scrapes the latest 5-minute round: the same one, unless a boundary fell
    # between them; a repeated round stores nothing new.
    first, second = (r.parameters["round"] for r in runs)
    assert second in (first, first + 1)
    if second == first:
        assert (runs[1].markets_written, runs[1].stats["duplicates"]) == (0, 6)


@pytest.mark.django_db
def test_a_round_that_overran_drops_the_ticks_it_missed(fake_clock):
    fake_clock.round_seconds = 0.7
    code, _, _ = scrape("simulated", *SMALL, "--every", "0.3s", "--times", "2")
    assert code == 0
    # 0.7 s in, the ticks at 0.3 and 0.6 are gone: the next round starts at 0.9.
    assert fake_clock.waits == pytest.approx([0.2])
    assert fake_clock.starts == pytest.approx([0.0, 0.9])


@pytest.fixture
def default_sigint():
    """Ctrl-C handled as in a terminal, whatever this suite was started with (a shell
    runs background jobs with SIGINT ignored); the handler found is put back after."""
    found = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, found)


@pytest.mark.django_db
def test_a_round_is_skipped_while_another_execution_holds_the_job():
    key = job_lock_key(source="simulated", parameters={}, job_name="held")
    with job_lock(key) as held:
        assert held
        code, out, _ = scrape(
            "simulated", *SMALL, "--every", "0.1s", "--times", "2", "--name", "held"
        )
    assert code == 0
    assert out.splitlines() == ["skipped: already running"] * 2
    assert not ScrapeRun.objects.exists()


@pytest.mark.django_db
def test_the_quota_rule_applies_to_every(monkeypatch, settings):
    odds_api(monkeypatch, settings, (200, ODDS_BODY, quota(3)))
    code, out, _ = scrape("theoddsapi", "--sport", "soccer_germany_bundesliga", "--every",
                          "0.1s", "--times", "2")  # fmt: skip
    first, second = out.splitlines()
    run = ScrapeRun.objects.get()
    assert code == 0 and first.startswith(f"run {run.id} completed")
    assert second.startswith("skipped: quota low: 3 requests remaining")
    assert run.trigger == "schedule" and "Quota low" in run.message


@pytest.mark.django_db
def test_a_database_outage_fails_a_round_and_the_loop_goes_on(monkeypatch):
    real_run_job, calls = tasks.run_job, []

    def flaky_run_job(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_run_job(**kwargs)

    monkeypatch.setattr(tasks, "run_job", flaky_run_job)
    code, out, _ = scrape("simulated", *SMALL, "--every", "0.1s", "--times", "2")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0] == (
        "round failed: database unavailable (OperationalError: server closed the connection "
        "unexpectedly); trying again next round"
    )
    assert lines[1].startswith(f"run {ScrapeRun.objects.get().id} completed")


def interrupting_items(monkeypatch, times: int) -> None:
    """The simulated source sends this process ``times`` SIGINTs (Ctrl-C) mid-run."""
    real = jobs.simulated_items

    def items(parameters, stats):
        iterator = real(parameters, stats)
        yield next(iterator)
        for _ in range(times):
            os.kill(os.getpid(), signal.SIGINT)
        yield from iterator

    monkeypatch.setattr(jobs, "simulated_items", items)


@pytest.mark.django_db
@pytest.mark.usefixtures("default_sigint")
def test_ctrl_c_during_a_run_finishes_it_then_stops(monkeypatch):
    interrupting_items(monkeypatch, times=1)
    code, out, err = scrape("simulated", *SMALL, "--every", "0.1s", "--times", "3")
    run = ScrapeRun.objects.get()
    assert code == 0 and run.status == ScrapeStatus.COMPLETED and run.snapshots_written == 6
    assert out.splitlines() == [out.splitlines()[0]] and out.startswith(f"run {run.id} completed")
    assert "Stopping after the current run" in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


@pytest.mark.django_db
@pytest.mark.usefixtures("default_sigint")
def test_ctrl_c_twice_interrupts_the_run_and_records_it_failed(monkeypatch):
    interrupting_items(monkeypatch, times=2)
    code, out, _ = scrape("simulated", *SMALL, "--every", "0.1s", "--times", "3")
    run = ScrapeRun.objects.get()
    assert code == 130 and "Interrupted" in out
    assert run.status == ScrapeStatus.FAILED and run.finished_at is not None
    assert list(run.errors.values_list("error_type", flat=True)) == ["interrupted"]
    assert not ScrapeRun.objects.filter(status__in=["running", "pending"]).exists()


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_ctrl_c_between_rounds_stops_a_real_process_at_once():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "scrape", "simulated", *SMALL, "--every", "10m"],
        cwd=ROOT,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Default Ctrl-C handling in the child, even when this suite runs with it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        first = process.stdout.readline()
        assert " completed " in first, process.stderr.read() if process.poll() else first
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "Stopping after the current run" in process.stderr.read()
    finally:
        process.kill()
        process.wait(timeout=10)
    run = ScrapeRun.objects.get()
    assert (run.status, run.trigger) == ("completed", "schedule")


@pytest.mark.django_db
def test_every_flags_are_checked():
    with pytest.raises(CommandError, match="not a duration"):
        call_command("scrape", "simulated", "--every", "soon")
    with pytest.raises(CommandError, match="must be longer than zero"):
        call_command("scrape", "simulated", "--every", "0")
    with pytest.raises(CommandError, match="--rounds does not go with --every"):
        call_command("scrape", "simulated", "--rounds", "3", "--every", "5m")
    with pytest.raises(CommandError, match="--times and --name go with --every"):
        call_command("scrape", "simulated", "--times", "2")
    with pytest.raises(CommandError, match="--times must be at least 1"):
        call_command("scrape", "simulated", "--every", "5m", "--times", "0")
    assert not ScrapeRun.objects.exists()

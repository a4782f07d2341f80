"""The maintenance tasks retry a lost database under the SCRAPE_RETRY_* settings."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from scraping import tasks
from scraping.services import reaping


@pytest.fixture
def delays(monkeypatch):
    asked: list[int] = []

    def record(retries, **kwargs):
        asked.append(retries)
        return 0.0

    monkeypatch.setattr(tasks, "retry_delay", record)
    return asked


@pytest.mark.django_db
@pytest.mark.parametrize("retry_max", [0, 1, 4])
def test_reaper_retries_as_many_times_as_the_setting_says(settings, monkeypatch, delays, retry_max):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SCRAPE_RETRY_MAX = retry_max
    calls = []

    def unreachable():
        calls.append(1)
        raise OperationalError("connection refused")

    monkeypatch.setattr(reaping, "reap_stale_runs", unreachable)
    result = tasks.reap_stale_runs.apply()
    assert len(calls) == 1 + retry_max
    assert delays == list(range(retry_max))
    assert result.failed() and isinstance(result.result, OperationalError)


@pytest.mark.django_db
def test_partition_maintenance_retries_under_the_setting(settings, monkeypatch, delays):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SCRAPE_RETRY_MAX = 2
    calls = []

    def unreachable():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "_maintain_partitions", unreachable)
    result = tasks.maintain_partitions.apply()
    assert len(calls) == 3
    assert result.failed()


def test_the_retry_backoff_comes_from_settings(settings):
    settings.SCRAPE_RETRY_BACKOFF_SECONDS = 7
    settings.SCRAPE_RETRY_BACKOFF_MAX_SECONDS = 20
    assert tasks.retry_delay(0, rng=lambda: 0.0) == 3.5
    assert tasks.retry_delay(5, rng=lambda: 0.999999) == pytest.approx(20, abs=0.001)

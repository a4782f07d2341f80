"""Job locks: one execution per job across sessions and processes, gone with a dead process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from scraping.locks import job_lock, job_lock_key, lock_is_held

ROOT = Path(__file__).resolve().parents[2]


def current_database_url() -> str:
    """A DATABASE_URL for the database this test runs on (pytest-django's test database),
    so a subprocess (a worker, a second scraper) works on the same data."""
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    auth = f"{user}{password}@" if user or password else ""
    host, port = params["HOST"] or "", f":{params['PORT']}" if params["PORT"] else ""
    query = {k: v for k, v in (params.get("OPTIONS") or {}).items() if isinstance(v, str)}
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        query["host"], host = host, ""
    url = f"postgres://{auth}{host}{port}/{quote(params['NAME'], safe='')}"
    return f"{url}?{urlencode(query)}" if query else url


def subprocess_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "DJANGO_SETTINGS_MODULE": "oddsproject.settings",
        "PYTHONUNBUFFERED": "1",
    }


def advisory_locks_held(key: int) -> int:
    """Granted advisory locks on ``key``, read from pg_locks: a bigint key shows as
    classid (high 32 bits) and objid (low 32 bits), objsubid 1."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 1 AND classid = %s::bigint::oid AND objid = %s::bigint::oid",
            [unsigned >> 32, unsigned & 0xFFFF_FFFF],
        )
        return cursor.fetchone()[0]


# --- Keys --------------------------------------------------------------------------------
def test_key_comes_from_the_name_when_there_is_one():
    a = job_lock_key(source="theoddsapi", parameters={"sport": "soccer_epl"}, job_name="epl")
    b = job_lock_key(source="theoddsapi", parameters={"sport": "basketball_nba"}, job_name="epl")
    other = job_lock_key(source="theoddsapi", parameters={"sport": "soccer_epl"}, job_name="x")
    assert a == b and a != other
    assert -(2**63) <= a < 2**63


def test_key_of_an_unnamed_job_is_its_source_and_parameters_in_any_order():
    one = job_lock_key(source="simulated", parameters={"events": 3, "seed": 1})
    same = job_lock_key(source="simulated", parameters={"seed": 1, "events": 3})
    assert one == same
    assert one != job_lock_key(source="simulated", parameters={"seed": 2, "events": 3})
    assert one != job_lock_key(source="theoddsapi", parameters={"seed": 1, "events": 3})


@pytest.mark.subprocess
def test_key_is_the_same_in_every_process():
    code = (
        "from scraping.locks import job_lock_key;"
        "print(job_lock_key(source='simulated', parameters={'events': 3}, job_name=''))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert keys == {str(job_lock_key(source="simulated", parameters={"events": 3}))}


# --- Holding -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_second_session_cannot_take_a_held_lock_and_can_once_it_is_released():
    key = job_lock_key(source="simulated", parameters={}, job_name="test-lock")
    with job_lock(key) as first:
        assert first is True
        assert advisory_locks_held(key) == 1 and lock_is_held(key)
        with job_lock(key) as second:
            assert second is False
        assert advisory_locks_held(key) == 1  # the refused attempt took nothing
    assert advisory_locks_held(key) == 0 and not lock_is_held(key)
    with job_lock(key) as again:
        assert again is True


@pytest.mark.django_db
def test_the_lock_is_released_when_the_block_raises():
    key = job_lock_key(source="simulated", parameters={}, job_name="test-lock-raise")
    with pytest.raises(RuntimeError), job_lock(key) as held:
        assert held
        raise RuntimeError("the run crashed")
    assert advisory_locks_held(key) == 0


@pytest.mark.subprocess
@pytest.mark.django_db
def test_a_lock_held_by_a_killed_process_is_released():
    key = job_lock_key(source="simulated", parameters={}, job_name="test-lock-killed")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, django; django.setup();"
            "from scraping.locks import job_lock\n"
            "with job_lock(int(sys.argv[1])) as held:\n"
            "    print('held' if held else 'busy', flush=True); time.sleep(120)",
            str(key),
        ],
        cwd=ROOT,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held", holder.stderr.read()
        with job_lock(key) as held:
            assert held is False
        holder.send_signal(signal.SIGKILL)  # no cleanup code runs: only the session dies
        holder.wait(timeout=10)
        deadline = time.monotonic() + 15
        while advisory_locks_held(key) and time.monotonic() < deadline:
            time.sleep(0.1)
        with job_lock(key) as held:
            assert held is True
    finally:
        holder.kill()
        holder.wait(timeout=10)

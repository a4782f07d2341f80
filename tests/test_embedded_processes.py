"""Several manage.py processes sharing one embedded PostgreSQL (no DATABASE_URL)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.subprocess, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def postmasters(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in " ".join(cmdline):
            found.append(proc)
    return found


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_runserver_and_two_ingests_share_the_embedded_server(shared_data):
    with tempfile.TemporaryDirectory(prefix="odds-emb-", dir="/tmp") as tmp:
        pgdata = Path(tmp) / "pgdata"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["ODDS_EMBEDDED_PGDATA"] = str(pgdata)
        migrate = manage("migrate", "-v0", env=env)
        assert migrate.wait(timeout=180) == 0, migrate.stderr.read()

        port = free_port()
        server = manage("runserver", "--noreload", f"127.0.0.1:{port}", env=env)
        login = f"http://127.0.0.1:{port}/admin/login/"
        try:
            deadline = time.monotonic() + 60
            while not answers(login):
                assert time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.3)
            history = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
            ingests = [
                manage("ingest", "theoddsapi", *map(str, part), "--no-progress", env=env)
                for part in (history[:12], history[6:18])
            ]
            for ingest in ingests:
                out, err = ingest.communicate(timeout=300)
                assert ingest.returncode == 0, err[-2000:]
                assert "completed" in out
            # Both importers have exited; the server they shared still serves runserver.
            assert answers(login)
            assert len(postmasters(pgdata)) >= 1
        finally:
            server.terminate()  # SIGTERM, as a process manager stops it
            server.wait(timeout=30)
        # The last user gone, the embedded server stops.
        deadline = time.monotonic() + 30
        while postmasters(pgdata) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not postmasters(pgdata), "the embedded server outlived its last user"


SLEEPER = "import sys, time; print('ready', flush=True); time.sleep(600)"


def sleeper(env) -> subprocess.Popen:
    """A manage.py process that holds the embedded server until it is stopped."""
    proc = manage("shell", "--no-imports", "-c", SLEEPER, env=env)
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        raise AssertionError(f"{line!r}: {proc.communicate()[1][-2000:]}")
    return proc


def wait_stopped(pgdata: Path, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while postmasters(pgdata) and time.monotonic() < deadline:
        time.sleep(0.3)
    return not postmasters(pgdata)


def test_a_client_killed_with_sigkill_does_not_keep_the_server_alive():
    with tempfile.TemporaryDirectory(prefix="odds-emb-", dir="/tmp") as tmp:
        pgdata = Path(tmp) / "pgdata"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["ODDS_EMBEDDED_PGDATA"] = str(pgdata)
        handles = pgdata / ".handle_pids.json"

        # Two users; the first is killed with -9 (no exit hook runs), the second exits.
        killed, last = sleeper(env), sleeper(env)
        assert sorted(json.loads(handles.read_text())) == sorted([killed.pid, last.pid])
        killed.kill()
        killed.wait(timeout=30)
        last.terminate()
        last.wait(timeout=30)
        assert wait_stopped(pgdata), "the server outlived its last live user"

        # A user killed with -9 while alone: the next one to come and go stops the server.
        killed = sleeper(env)
        killed.kill()
        killed.wait(timeout=30)
        check = manage("check", env=env)
        assert check.wait(timeout=120) == 0, check.stderr.read()
        assert wait_stopped(pgdata), "a dead pid kept the server alive"
        assert json.loads(handles.read_text()) == []

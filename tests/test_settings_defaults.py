"""Settings: production-safe defaults outside run.py/tests, and each default in one place."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Settings never connect on import when DATABASE_URL is set: nothing listens here.
NO_SERVER = "postgres://nobody@127.0.0.1:9/none"
PRINT_DEBUG = "from django.conf import settings; print(settings.DEBUG)"


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {**env, "DATABASE_URL": NO_SERVER, **extra}


def settings_debug(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); {PRINT_DEBUG}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "oddsproject.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.subprocess
def test_debug_is_off_unless_asked_for():
    done = settings_debug(environment(DJANGO_SECRET_KEY="k" * 50))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.subprocess
def test_without_debug_a_missing_secret_key_says_what_to_do():
    done = settings_debug(environment())
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false" in done.stderr
    assert "DJANGO_DEBUG=true for development" in done.stderr


@pytest.mark.subprocess
def test_run_py_turns_debug_on_for_a_newcomer():
    done = subprocess.run(
        [sys.executable, "run.py", "manage", "shell", "--no-imports", "-c", PRINT_DEBUG],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.subprocess
def test_the_suite_settings_turn_debug_on():
    code = f"import django; django.setup(); {PRINT_DEBUG}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment(), "DJANGO_SETTINGS_MODULE": "oddsproject.settings_test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def module_constants(path: Path) -> set[str]:
    """Upper-case names assigned at module level in ``path``."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()}
    return names


@pytest.mark.parametrize(
    "module", ["scraping/tasks.py", "scraping/schedules.py", "scraping/sources/theoddsapi/http.py"]
)
def test_settings_defaults_are_defined_once(module):
    settings_names = module_constants(ROOT / "oddsproject" / "settings.py")
    assert module_constants(ROOT / module) & settings_names == set()
    assert "api.the-odds-api.com" not in (ROOT / module).read_text()


@pytest.mark.subprocess
def test_manage_py_names_a_missing_setting_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Configuration error: DJANGO_SECRET_KEY is required")
    assert "Traceback" not in done.stderr


@pytest.mark.subprocess
def test_settings_alone_never_start_a_database_server(tmp_path):
    """Importing settings without DATABASE_URL names the fix; only a launcher (manage.py,
    wsgi/asgi, Celery, the test settings) starts the embedded server."""
    pgdata = tmp_path / "pgdata"
    env = {
        k: v
        for k, v in environment(DJANGO_DEBUG="true").items()
        if k not in {"DATABASE_URL", "ODDS_EMBEDDED_DATABASE_URL"}
    }
    done = settings_debug({**env, "ODDS_EMBEDDED_PGDATA": str(pgdata)})
    assert done.returncode != 0
    assert "DATABASE_URL is not set and no embedded PostgreSQL was started" in done.stderr
    assert "use_embedded_database_if_unset()" in done.stderr
    assert not pgdata.exists()

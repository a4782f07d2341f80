"""`manage.py check --deploy` is clean with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.subprocess


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "odds.example.com",
        # check --deploy never connects; a URL keeps settings from starting the embedded server
        "DATABASE_URL": "postgres://odds@127.0.0.1:5432/odds",
        **env,
    }
    for name in ["DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_HSTS_SECONDS"]:
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "silenced"),
    [({}, "0 silenced"), ({"DJANGO_SECURE_SSL_REDIRECT": "false"}, "1 silenced")],
)
def test_check_deploy_is_clean_in_production(env, silenced):
    result = check_deploy(**env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"System check identified no issues ({silenced})." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_without_hsts():
    """The check really runs: turning HSTS off makes it fail."""
    result = check_deploy(DJANGO_SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr

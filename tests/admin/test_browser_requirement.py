"""Without Chromium the browser test is skipped with its reason, unless CI requires it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.admin.browser import browser_required, missing_browser

ROOT = Path(__file__).resolve().parents[2]


def test_what_is_missing_is_named_with_how_to_install_it(tmp_path):
    absent = tmp_path / "chromium"
    assert missing_browser(chromium=absent, has_playwright=True) == (
        f"{absent} (apt-get install -y chromium)"
    )
    assert "pip install playwright" in missing_browser(chromium=absent, has_playwright=False)
    present = tmp_path / "here"
    present.touch()
    assert missing_browser(chromium=present, has_playwright=True) == ""


def test_only_an_explicit_variable_requires_the_browser():
    assert not browser_required({})
    assert not browser_required({"ODDS_REQUIRE_BROWSER": "0"})
    assert browser_required({"ODDS_REQUIRE_BROWSER": "1"})
    assert browser_required({"ODDS_REQUIRE_BROWSER": "true"})


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_machine_without_chromium_skips_it_and_says_why():
    env = {**os.environ, "ODDS_CHROMIUM": "/nonexistent/chromium"}
    env.pop("ODDS_REQUIRE_BROWSER", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/admin/test_browser.py",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 skipped" in done.stdout
    assert "SKIPPED" in done.stdout and "/nonexistent/chromium" in done.stdout
    assert "ODDS_REQUIRE_BROWSER=1" in done.stdout


def test_ci_requires_the_browser():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export ODDS_REQUIRE_BROWSER=1" in script

"""What the admin's browser tests share: headless Chromium (Debian's) driven by Playwright
against a live test server, screenshots in test-artifacts/admin/ (git-ignored).

A browser test module sets ``pytestmark = needs_browser`` and requests ``browser_page``
after the fixtures that write data; ``log_in`` signs the staff user of ``browser_data`` in.

Needs the ``playwright`` package and ``/usr/bin/chromium`` (``.ci/run`` installs both).
Without them the test is skipped and the reason printed (a fresh machine still passes
``python3 run.py test``), unless ``ODDS_REQUIRE_BROWSER=1`` (``.ci/run`` sets it): then
a missing browser is a failure that says what to install.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connections

from odds.partitioning import list_partitions, partitioned_models, retire_partition
from scraping.models import ScrapeStatus
from tests.admin.data import failed_run_with_errors, make_run, priced_event

CHROMIUM = Path(os.environ.get("ODDS_CHROMIUM", "/usr/bin/chromium"))
HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password-1"

# Every chart on the page is a Chart.js instance whose lines (or bars) were laid out.
CHARTS_DRAWN = """() => {
    const canvases = [...document.querySelectorAll("canvas.odds-chart")];
    return typeof Chart !== "undefined" && canvases.length > 0 && canvases.every((canvas) => {
        const chart = Chart.getChart(canvas);
        return chart && chart.data.datasets.length > 0
            && chart.getDatasetMeta(0).data.length > 0;
    });
}"""


def missing_browser(*, chromium: Path = CHROMIUM, has_playwright: bool = HAS_PLAYWRIGHT) -> str:
    """What this test lacks and how to install it; "" when it can run."""
    missing = []
    if not has_playwright:
        missing.append("the playwright package (.venv/bin/pip install playwright==1.65.2)")
    if not chromium.exists():
        missing.append(f"{chromium} (apt-get install -y chromium)")
    return " and ".join(missing)


def browser_required(environ=os.environ) -> bool:
    return environ.get("ODDS_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


MISSING = missing_browser()
needs_browser = pytest.mark.skipif(
    bool(MISSING) and not browser_required(),
    reason=f"no browser: missing {MISSING}; set ODDS_REQUIRE_BROWSER=1 to fail instead",
)


@pytest.fixture
def browser_page(monkeypatch):
    """A page of headless Chromium. Request it after the fixtures that write data: while
    Playwright runs, Django keeps database connections per asyncio context instead of per
    thread, so ORM calls then would open a second connection (closed again below)."""
    if MISSING:
        pytest.fail(f"ODDS_REQUIRE_BROWSER is set but the browser is missing: install {MISSING}")
    # Playwright's sync API runs an asyncio event loop in this thread while the browser
    # is open. Django's async-safety guard sees that running loop and refuses every ORM
    # call made from this thread (SynchronousOnlyOperation), although these calls really
    # are synchronous and nothing else runs on the loop. The guard is lifted for this
    # test only (monkeypatch restores the environment afterwards).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
        connections.close_all()  # any connection opened while the event loop ran
    assert errors == [], f"JavaScript errors on the pages: {errors}"


@pytest.fixture
def drop_new_partitions():
    """Transactional tests keep the partitions they create; drop the ones this test made
    so later tests see the test database as they expect it."""
    before = {m: {p.name for p in list_partitions(m._meta.db_table)} for m in partitioned_models()}
    yield
    for model in reversed(partitioned_models()):  # markets first: they reference snapshots
        for partition in list_partitions(model._meta.db_table):
            if partition.name not in before[model]:
                retire_partition(model, partition.name)


@pytest.fixture
def browser_data(transactional_db):
    """A staff user, a completed run, a failed run with errors and a priced event."""
    User.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    event = priced_event()
    make_run(ScrapeStatus.COMPLETED)
    return {"event": event, "failed": failed_run_with_errors(event=event)}


def shot(page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def log_in(page, live_server) -> None:
    """Sign the staff user of ``browser_data`` in through the admin's login form."""
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

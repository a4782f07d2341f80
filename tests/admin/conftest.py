import pytest

from odds.models import MarketOddsRecord, SnapshotRecord
from scraping.models import ScrapeStatus
from tests.admin.browser import browser_data, browser_page, drop_new_partitions  # noqa: F401
from tests.admin.data import failed_run_with_errors, make_run, priced_event


@pytest.fixture
def store(db):
    """A priced event, a completed run and a failed run with two errors."""
    event = priced_event()
    completed = make_run(ScrapeStatus.COMPLETED)
    failed = failed_run_with_errors(event=event)
    return {
        "event": event,
        "completed": completed,
        "failed": failed,
        "error": failed.errors.order_by("id").first(),
        "snapshot": SnapshotRecord.objects.order_by("captured_at", "id").first(),
        "market": MarketOddsRecord.objects.order_by("captured_at", "id").first(),
    }

import pytest

from odds.partitioning import forget_known_partitions


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks that follow from fixtures: every test that reads ../shared/data does so
    through ``shared_data``; every test that drives Chromium through ``browser_page``."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "shared_data" in fixtures:
            item.add_marker(pytest.mark.real_data)
        if "browser_page" in fixtures:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _forget_partition_cache():
    """Tests roll back the partitions they create; no test may trust another's cache."""
    forget_known_partitions()
    yield
    forget_known_partitions()


@pytest.fixture(scope="session")
def shared_data():
    """The real captures in ../shared/data (read-only; never copied into the project)."""
    import os
    from pathlib import Path

    root = Path(
        os.environ.get("ODDS_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    if not root.is_dir():
        pytest.fail(f"real data folder {root} is missing: set ODDS_SHARED_DATA to shared/data")
    return root

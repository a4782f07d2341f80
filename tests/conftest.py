import pytest

from odds.partitioning import forget_known_partitions


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reads ../shared/data does so through ``shared_data``: mark it."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real_data)


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

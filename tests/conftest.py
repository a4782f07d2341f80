import pytest

from odds.partitioning import forget_known_partitions


@pytest.fixture(autouse=True)
def _forget_partition_cache():
    """Tests roll back the partitions they create; no test may trust another's cache."""
    forget_known_partitions()
    yield
    forget_known_partitions()

"""Time partitions of the odds tables: layout, on-demand creation and retention.

Both partitioned tables (``OddsSnapshot`` and ``MarketOdds``) share one layout
(:mod:`~odds.partitioning.layout`): RANGE partitions on ``captured_at``, aligned to
midnight UTC. Writers create the partitions they need (:mod:`~odds.partitioning.creating`);
the catalog lists what exists (:mod:`~odds.partitioning.catalog`); retention drops what is
past it (:mod:`~odds.partitioning.retiring`); ``manage.py pgpartition`` (psqlextra's
command) plans both through :data:`manager` (:mod:`~odds.partitioning.pgpartition`).
"""

from odds.partitioning.catalog import Partition, list_partitions
from odds.partitioning.creating import (
    ensure_partitions,
    ensure_partitions_for,
    forget_known_partitions,
)
from odds.partitioning.layout import (
    SIZES,
    PartitionLayout,
    Range,
    current_layout,
    partition_name,
    partitioned_models,
    uncovered,
)
from odds.partitioning.pgpartition import (
    AlignedTimePartition,
    AlignedTimeStrategy,
    OddsPartitioningManager,
    build_manager,
    manager,
)
from odds.partitioning.retiring import expired_partitions, retire_partition

__all__ = [
    "SIZES",
    "AlignedTimePartition",
    "AlignedTimeStrategy",
    "OddsPartitioningManager",
    "Partition",
    "PartitionLayout",
    "Range",
    "build_manager",
    "current_layout",
    "ensure_partitions",
    "ensure_partitions_for",
    "expired_partitions",
    "forget_known_partitions",
    "list_partitions",
    "manager",
    "partition_name",
    "partitioned_models",
    "retire_partition",
    "uncovered",
]

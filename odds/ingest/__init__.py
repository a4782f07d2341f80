"""The write path. ``ingest_captures`` is the one entry point other code needs."""

from odds.ingest.stats import IngestStats
from odds.ingest.writer import DEFAULT_BATCH_SIZE, CaptureWriter, ingest_captures

__all__ = ["DEFAULT_BATCH_SIZE", "CaptureWriter", "IngestStats", "ingest_captures"]

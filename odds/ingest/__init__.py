"""The write path. ``ingest_captures`` is the one entry point other code needs."""

from odds.ingest.writer import CaptureWriter, IngestStats, ingest_captures

__all__ = ["CaptureWriter", "IngestStats", "ingest_captures"]

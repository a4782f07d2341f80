"""The odds admin: entities, events with their odds, and the time series (read-only)."""

from odds.admin import entities, events, identity, timeseries

__all__ = ["entities", "events", "identity", "timeseries"]

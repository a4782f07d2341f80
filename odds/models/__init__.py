from odds.models.entities import (
    Bookmaker,
    Event,
    EventAlias,
    EventBookmaker,
    Sport,
    Tournament,
)
from odds.models.records import MarketOddsRecord, SnapshotRecord
from odds.models.scopes import CaptureScope
from odds.models.timeseries import MarketOdds, OddsSnapshot

__all__ = [
    "Bookmaker",
    "CaptureScope",
    "Event",
    "EventAlias",
    "EventBookmaker",
    "MarketOdds",
    "MarketOddsRecord",
    "OddsSnapshot",
    "SnapshotRecord",
    "Sport",
    "Tournament",
]

from odds.models.entities import (
    Bookmaker,
    CompetitorResult,
    Event,
    EventAlias,
    EventBookmaker,
    EventCompetitor,
    EventKind,
    Sport,
    Tournament,
)
from odds.models.records import MarketOddsRecord, SnapshotRecord
from odds.models.scopes import CaptureScope
from odds.models.timeseries import MarketOdds, OddsSnapshot

__all__ = [
    "Bookmaker",
    "CaptureScope",
    "CompetitorResult",
    "Event",
    "EventAlias",
    "EventBookmaker",
    "EventCompetitor",
    "EventKind",
    "MarketOdds",
    "MarketOddsRecord",
    "OddsSnapshot",
    "SnapshotRecord",
    "Sport",
    "Tournament",
]

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
from odds.models.identity import (
    BookmakerAlias,
    EventMatchCandidate,
    MatchStatus,
    Participant,
    ParticipantAlias,
    TournamentAlias,
)
from odds.models.records import MarketOddsRecord, SnapshotRecord
from odds.models.scopes import CaptureScope
from odds.models.timeseries import MarketOdds, OddsSnapshot

__all__ = [
    "Bookmaker",
    "BookmakerAlias",
    "CaptureScope",
    "CompetitorResult",
    "Event",
    "EventAlias",
    "EventBookmaker",
    "EventCompetitor",
    "EventKind",
    "EventMatchCandidate",
    "MarketOdds",
    "MarketOddsRecord",
    "MatchStatus",
    "OddsSnapshot",
    "Participant",
    "ParticipantAlias",
    "SnapshotRecord",
    "Sport",
    "Tournament",
    "TournamentAlias",
]

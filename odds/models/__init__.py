from odds.models.entities import (
    Bookmaker,
    Event,
    EventAlias,
    EventBookmaker,
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
from odds.models.timeseries import MarketOdds, OddsSnapshot

__all__ = [
    "Bookmaker",
    "BookmakerAlias",
    "Event",
    "EventAlias",
    "EventBookmaker",
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

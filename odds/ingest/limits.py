"""How long each text of a capture may be, read from the model fields that store it.

PostgreSQL refuses a value longer than its ``varchar(n)`` with a DataError that aborts
the whole batch; checked here first, an over-long team name costs its own capture only.
The limits come from each field's ``max_length``, never from copied numbers, so a
migration that widens a column widens the check with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db import models

from odds.captures import Capture
from odds.models import Bookmaker, Event, EventAlias, EventBookmaker, MarketOdds, Sport, Tournament

_SHOWN = 60  # characters of an over-long value a message quotes


@dataclass(frozen=True, slots=True)
class Limit:
    label: str  # how a message names the value: "home team"
    model: type[models.Model]
    field: str
    value: Callable[[Capture], object]

    @property
    def column(self) -> str:
        return f"{self.model.__name__}.{self.field}"

    @property
    def max_length(self) -> int:
        # Django is untyped here: mypy takes type[Model] for type[Any], not Hashable.
        return _max_length(self.model, self.field)  # type: ignore[arg-type]


@cache
def _max_length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


LIMITS: tuple[Limit, ...] = (
    Limit("home team", Event, "home_team", lambda c: c.event.home_team),
    Limit("away team", Event, "away_team", lambda c: c.event.away_team),
    Limit("event name", Event, "name", lambda c: c.event.name),
    Limit("event id", EventAlias, "external_id", lambda c: c.event.source_event_id),
    Limit("source", EventAlias, "source", lambda c: c.event.source),
    Limit("sportradar id", Event, "sportradar_id", lambda c: c.event.sportradar_id),
    Limit("sport key", Sport, "key", lambda c: c.event.sport_key),
    Limit("sport name", Sport, "name", lambda c: c.event.sport_name),
    Limit("tournament key", Tournament, "key", lambda c: c.event.tournament_key),
    Limit("tournament name", Tournament, "name", lambda c: c.event.tournament_name),
    Limit("country", Tournament, "country", lambda c: c.event.country),
    Limit("bookmaker key", Bookmaker, "key", lambda c: c.bookmaker.key),
    Limit("bookmaker name", Bookmaker, "name", lambda c: c.bookmaker.name),
    Limit(
        "bookmaker's event id",
        EventBookmaker,
        "external_event_id",
        lambda c: c.external_event_id,
    ),
    Limit("event url", EventBookmaker, "event_url", lambda c: c.event_url),
)
_MARKET_KEY = Limit("market key", MarketOdds, "market_key", lambda c: None)
_PERIOD = Limit("period", MarketOdds, "period", lambda c: None)


@dataclass(frozen=True, slots=True)
class TooLong:
    """One value longer than the column that keeps it."""

    limit: Limit
    value: str

    def describe(self) -> str:
        shown = self.value if len(self.value) <= _SHOWN else self.value[:_SHOWN] + "..."
        return (
            f"the {self.limit.label} {shown!r} has {len(self.value)} characters, more than "
            f"the {self.limit.max_length} the store keeps ({self.limit.column})"
        )

    def context(self) -> dict[str, object]:
        return {
            "field": self.limit.column,
            "max_length": self.limit.max_length,
            "length": len(self.value),
            "value": self.value[:1000],
        }


def too_long(capture: Capture) -> TooLong | None:
    """The first text of ``capture`` its column cannot hold, or None."""
    for limit, value_of, most in _checks():
        value = value_of(capture)
        if isinstance(value, str) and len(value) > most:
            return TooLong(limit, value)
    key_most, period_most = _MARKET_KEY.max_length, _PERIOD.max_length
    for market in capture.markets:
        if len(market.key) > key_most:
            return TooLong(_MARKET_KEY, market.key)
        if len(market.period) > period_most:
            return TooLong(_PERIOD, market.period)
    return None


@cache
def _checks() -> tuple[tuple[Limit, Callable[[Capture], object], int], ...]:
    # Every capture is checked: the limits are looked up once, not per value.
    return tuple((limit, limit.value, limit.max_length) for limit in LIMITS)

"""Checks of the read API's arguments: a typo is a ``ValueError`` that names the
argument and what it accepts, never an empty answer that looks like "no odds"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, overload

from odds.models import Bookmaker, Event
from odds.series import Ident, line_text
from odds.vocabulary import MARKET_KEYS, is_vocabulary_key, is_vocabulary_period


class EventInfo(NamedTuple):
    id: int
    name: str
    sport: str
    commence_time: datetime


@overload
def aware(name: str, value: datetime) -> datetime: ...
@overload
def aware(name: str, value: None) -> None: ...
@overload
def aware(name: str, value: datetime | None) -> datetime | None: ...
def aware(name: str, value: datetime | None) -> datetime | None:
    """``value`` if it is None or an aware datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be an aware datetime, not {type(value).__name__} {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name}={value.isoformat()} is a naive datetime: pass an aware one, e.g. "
            f"{name}=timezone.now() or datetime(..., tzinfo=UTC)."
        )
    return value


def age(name: str, value: object) -> timedelta | None:
    if value is None:
        return None
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValueError(f"{name} must be a positive timedelta (or None), not {value!r}")
    return value


def event_infos(event_ids: Iterable[int]) -> dict[int, EventInfo]:
    rows = Event.objects.filter(id__in=list(event_ids)).values_list(
        "id", "name", "tournament__sport__key", "commence_time"
    )
    return {row[0]: EventInfo(*row) for row in rows}


def event_info(event: Event | int) -> EventInfo:
    """The event asked about; an id that names no event is an error, not an empty answer."""
    if isinstance(event, Event):
        event = event.pk
    elif isinstance(event, bool) or not isinstance(event, int):
        raise ValueError(f"event must be an Event or an event id (int), not {event!r}")
    info = event_infos([event]).get(event)
    if info is None:
        raise ValueError(f"event={event}: no event has this id.")
    return info


def bookmaker_keys(name: str, value: Iterable[str] | str | None) -> list[str] | None:
    """A list of existing Bookmaker keys (a bare string is a mistake, not its letters)."""
    if value is None:
        return None
    if isinstance(value, str):
        raise ValueError(f'{name} must be a list of Bookmaker keys, e.g. {name}=["{value}"]')
    keys = list(value)
    known = set(Bookmaker.objects.filter(key__in=keys).values_list("key", flat=True))
    unknown = sorted(set(keys) - known)
    if unknown:
        raise ValueError(f"{name}: no bookmaker has the key {', '.join(map(repr, unknown))}.")
    return keys


def line(value: Decimal | str | float | int | None) -> Decimal | None:
    """A line as given (2.50, "2.5", 2.5) as the store names it: Decimal("2.5")."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"line={value!r} is not a number (e.g. 2.5 or '-1.25').") from None
    if not number.is_finite():
        raise ValueError(f"line={value!r} is not a finite number.")
    return Decimal(line_text(number))


def market(
    market_key: str, period: str, value: Decimal | str | float | None, *, known: Iterable[Ident]
) -> Ident:
    """(key, period, line) checked against the vocabulary and the event's own markets
    (sources may keep keys of their own; those are valid where the event has them)."""
    known = list(known)
    if not isinstance(market_key, str) or not (
        is_vocabulary_key(market_key) or any(k == market_key for k, _, _ in known)
    ):
        own = sorted({k for k, _, _ in known} - set(MARKET_KEYS))
        extra = f"; this event also has {', '.join(own)}" if own else ""
        raise ValueError(
            f"market_key={market_key!r} is not a market key: use one of "
            f"{', '.join(MARKET_KEYS)} (or <key>_lay){extra}."
        )
    if not isinstance(period, str) or not (
        is_vocabulary_period(period) or any(p == period for _, p, _ in known)
    ):
        raise ValueError(
            f"period={period!r} is not a period: use full_time, first_half, second_half, "
            "first_quarter ... fourth_quarter, first_period ..., first_set ..., regulation_time."
        )
    return (market_key, period, line(value))

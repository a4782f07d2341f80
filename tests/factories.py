"""Small builders for rows the tests need; each returns saved model instances."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from itertools import count

from django.db import transaction

from odds.models import Bookmaker, Event, MarketOdds, OddsSnapshot, Sport, Tournament

_seq = count(1)


def make_event(*, commence_time: datetime, sport_key: str = "soccer") -> Event:
    n = next(_seq)
    sport, _ = Sport.objects.get_or_create(key=sport_key, defaults={"name": sport_key.title()})
    tournament, _ = Tournament.objects.get_or_create(
        sport=sport, key=f"{sport_key}_league", defaults={"name": "League"}
    )
    return Event.objects.create(
        tournament=tournament,
        name=f"Home {n} v Away {n}",
        home_team=f"Home {n}",
        away_team=f"Away {n}",
        commence_time=commence_time,
    )


def make_bookmaker(key: str = "book") -> Bookmaker:
    bookmaker, _ = Bookmaker.objects.get_or_create(key=key, defaults={"name": key.title()})
    return bookmaker


def make_snapshot(event: Event, bookmaker: Bookmaker, captured_at: datetime) -> OddsSnapshot:
    return OddsSnapshot.objects.create(event=event, bookmaker=bookmaker, captured_at=captured_at)


def make_market(snapshot: OddsSnapshot, *, home: str = "2.10", away: str = "1.80") -> MarketOdds:
    return MarketOdds.objects.create(
        snapshot_id=snapshot.id,
        captured_at=snapshot.captured_at,
        event_id=snapshot.event_id,
        bookmaker_id=snapshot.bookmaker_id,
        market_key="h2h",
        period="full_time",
        line=None,
        outcomes=[
            {"name": "home", "price": str(Decimal(home)), "status": "open"},
            {"name": "away", "price": str(Decimal(away)), "status": "open"},
        ],
    )


@contextmanager
def rolled_back():
    """A transaction that is always rolled back: module-scoped data for read-only tests."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)

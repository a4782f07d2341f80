from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from odds.models import EventBookmaker, Tournament
from tests.factories import make_bookmaker, make_event


@pytest.mark.django_db
def test_one_listing_per_event_and_bookmaker():
    event = make_event(commence_time=datetime(2026, 1, 10, tzinfo=UTC))
    bookmaker = make_bookmaker()
    EventBookmaker.objects.create(event=event, bookmaker=bookmaker, external_event_id="a")
    with pytest.raises(IntegrityError, match="eventbookmaker_unique_pair"), transaction.atomic():
        EventBookmaker.objects.create(event=event, bookmaker=bookmaker, external_event_id="b")


@pytest.mark.django_db
def test_tournament_keys_are_unique_per_sport_only():
    event = make_event(commence_time=datetime(2026, 1, 10, tzinfo=UTC))
    sport = event.tournament.sport
    with pytest.raises(IntegrityError, match="tournament_unique_per_sport"), transaction.atomic():
        Tournament.objects.create(sport=sport, key=event.tournament.key, name="Again")
    other = make_event(commence_time=datetime(2026, 1, 10, tzinfo=UTC), sport_key="tennis")
    Tournament.objects.create(
        sport=other.tournament.sport, key=event.tournament.key, name="Same key, other sport"
    )


@pytest.mark.django_db
def test_event_needs_both_teams():
    event = make_event(commence_time=datetime(2026, 1, 10, tzinfo=UTC))
    event.away_team = ""
    with pytest.raises(IntegrityError, match="event_teams_not_empty"), transaction.atomic():
        event.save()

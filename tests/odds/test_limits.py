"""Over-long values: each costs its own capture, never the batch (issue 10, item 1).

Lengths come from the model fields, as the write path reads them, so these tests follow a
migration that widens a column.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.db import connection

from odds.captures import Market, Outcome
from odds.ingest import ingest_captures
from odds.ingest import writer as writer_module
from odds.ingest.limits import LIMITS
from odds.models import (
    Bookmaker,
    Event,
    EventAlias,
    EventBookmaker,
    MarketOdds,
    OddsSnapshot,
    Sport,
    Tournament,
)
from tests.odds.test_ingest import capture, event_ref, h2h


def limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _event(n: int, **change):
    return dataclasses.replace(event_ref(n), **change)


def _over(model, field: str) -> str:
    return "x" * (limit(model, field) + 1)


def _with(**event_change):
    return capture(1, h2h("2", "3", "4"), event=_event(9, **event_change))


def _market(key: str = "h2h", period: str = "full_time"):
    return capture(1, Market(key, (Outcome("home", Decimal(2)),), period=period), scope=None)


# (what is too long, how to make a capture with it)
OVERLONG = {
    "home team": lambda: _with(home_team=_over(Event, "home_team")),
    "away team": lambda: _with(away_team=_over(Event, "away_team")),
    # Two team names within their limit whose "home v away" is not.
    "event name": lambda: _with(home_team="h" * 149, away_team="a" * 149),
    "event id": lambda: _with(source_event_id=_over(EventAlias, "external_id")),
    "sport key": lambda: _with(sport_key=_over(Sport, "key")),
    "sport name": lambda: _with(sport_name=_over(Sport, "name")),
    "tournament key": lambda: _with(tournament_key=_over(Tournament, "key")),
    "tournament name": lambda: _with(tournament_name=_over(Tournament, "name")),
    "country": lambda: _with(country=_over(Tournament, "country")),
    "sportradar id": lambda: _with(sportradar_id=_over(Event, "sportradar_id")),
    "bookmaker key": lambda: capture(1, h2h("2", "3", "4"), book=_over(Bookmaker, "key")),
    "bookmaker name": lambda: dataclasses.replace(
        capture(1, h2h("2", "3", "4")),
        bookmaker=dataclasses.replace(capture(1).bookmaker, name=_over(Bookmaker, "name")),
    ),
    "bookmaker's event id": lambda: capture(
        1, h2h("2", "3", "4"), external_event_id=_over(EventBookmaker, "external_event_id")
    ),
    "event url": lambda: capture(
        1, h2h("2", "3", "4"), event_url="https://e.com/" + _over(EventBookmaker, "event_url")
    ),
    "market key": lambda: _market(key=_over(MarketOdds, "market_key")),
    "period": lambda: _market(period=_over(MarketOdds, "period")),
}


def _good(n: int):
    return capture(n, h2h("2.10", "3.40", "3.60"), event=event_ref(100 + n))


def test_every_limit_is_tested_and_read_from_its_field():
    labels = {limit.label for limit in LIMITS} | {"market key", "period"}
    assert labels - {"source"} == set(OVERLONG)
    assert {limit.label: limit.max_length for limit in LIMITS}["home team"] == 150


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OVERLONG))
def test_an_overlong_value_is_a_problem_naming_it_and_the_rest_is_stored(label):
    bad = OVERLONG[label]()
    stats = ingest_captures([_good(0), bad, _good(2), _good(3)])
    (problem,) = stats.problems
    assert problem.error_type == "value_too_long"
    assert f"the {label} " in problem.message and "more than the" in problem.message
    assert str(problem.context["max_length"]) in problem.message
    assert problem.context["length"] > problem.context["max_length"]
    assert OddsSnapshot.objects.count() == 3


@pytest.mark.django_db
def test_values_exactly_at_their_limits_are_stored():
    at_limit = _event(
        1,
        home_team="h" * 148,  # 148 + " v " + 149 = 300, the event name's limit
        away_team="a" * 149,
        source_event_id="i" * limit(EventAlias, "external_id"),
        tournament_name="t" * limit(Tournament, "name"),
    )
    book = "b" * limit(Bookmaker, "key")
    stats = ingest_captures([capture(0, h2h("2", "3", "4"), event=at_limit, book=book)])
    assert stats.problems == [] and stats.snapshots_written == 1
    event = Event.objects.get()
    assert len(event.name) == limit(Event, "name")


def _unchecked(monkeypatch):
    """Validation that misses everything: what reaches PostgreSQL is its to refuse."""
    monkeypatch.setattr(writer_module, "validate_capture", lambda capture: None)


@pytest.mark.django_db
def test_a_batch_postgres_refuses_is_split_and_only_the_refused_capture_lost(monkeypatch):
    _unchecked(monkeypatch)
    bad = OVERLONG["home team"]()
    batch = [_good(0), _good(2), bad, _good(3), _good(4)]
    stats = ingest_captures(batch)
    (problem,) = stats.problems
    assert problem.error_type == "refused_by_database"
    assert problem.context["sqlstate"] == "22001"  # string_data_right_truncation
    assert "x" * 20 in problem.message
    assert OddsSnapshot.objects.count() == 4
    # The transaction the test runs in is still usable, and later batches still write.
    assert ingest_captures([_good(5)]).snapshots_written == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_refused_capture_is_isolated_too(monkeypatch):
    _unchecked(monkeypatch)
    batch = [_good(0), OVERLONG["bookmaker key"](), _good(2), OVERLONG["market key"]()]
    stats = ingest_captures(batch)
    assert sorted(p.error_type for p in stats.problems) == ["refused_by_database"] * 2
    assert OddsSnapshot.objects.count() == 2
    assert MarketOdds.objects.count() == 2

"""Events without teams (races, outrights): their kind, competitors and results, and
exchange extras kept on the stored outcomes."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from odds import selectors
from odds.captures import BookmakerRef, Capture, Competitor, EventRef, Market, Outcome, Problem
from odds.ingest import ingest_captures
from odds.models import Event, EventCompetitor, MarketOdds, Tournament
from scraping.sources.theoddsapi import parse_file
from tests.factories import make_event
from tests.scraping.test_ingest_real import ingest

OUTRIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "theoddsapi" / "outrights.json"
T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
START = datetime(2026, 1, 10, 14, 0, tzinfo=UTC)
EXCHANGE = BookmakerRef("betfair_ex_uk", "Betfair", is_exchange=True)


def race(*results: str) -> EventRef:
    names = ("Alpha", "Bravo")
    return EventRef(
        source="handmade",
        source_event_id="race-1",
        sport_key="horse_racing",
        sport_name="Horse Racing",
        tournament_key="kempton",
        tournament_name="Kempton",
        home_team="",
        away_team="",
        commence_time=START,
        kind="race",
        title="Kemp 10th Jan 14:00",
        competitors=tuple(
            Competitor(n, external_id=str(i), sort_order=i, result=r)
            for i, (n, r) in enumerate(zip(names, results, strict=True), 1)
        ),
    )


def win(alpha: str, bravo: str, *, traded: str = "100") -> Market:
    extra = (("last_traded", alpha), ("traded_volume", traded))
    return Market(
        "win", (Outcome("Alpha", Decimal(alpha), extra=extra), Outcome("Bravo", Decimal(bravo)))
    )


def capture(minutes: int, event: EventRef, *markets: Market) -> Capture:
    return Capture(event, EXCHANGE, T0 + timedelta(minutes=minutes), tuple(markets))


def test_the_odds_api_outrights_are_outright_events():
    items = list(parse_file(OUTRIGHTS))
    captures = [i for i in items if isinstance(i, Capture)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [p.error_type for p in problems] == ["missing_team"]  # e1: no teams, no outrights
    fanduel, betfair = captures
    event = fanduel.event
    assert (event.kind, event.home_team, event.away_team) == ("outright", "", "")
    assert event.name == "Masters Tournament Winner"
    # Competitors from every bookmaker's outrights, in order of first appearance.
    assert [c.name for c in event.competitors] == [
        "Scottie Scheffler",
        "Rory McIlroy",
        "Jon Rahm",
        "Ludvig Aberg",
    ]
    assert {o.name: o.price for o in fanduel.markets[0].outcomes}["Jon Rahm"] == Decimal("12")
    assert [m.key for m in betfair.markets] == ["outrights", "outrights_lay"]


@pytest.mark.django_db
def test_outrights_ingest_stores_the_event_and_its_competitors():
    run, out = ingest("theoddsapi", OUTRIGHTS)
    assert run.snapshots_written == 2, out
    (event,) = Event.objects.all()
    assert (event.kind, event.name) == ("outright", "Masters Tournament Winner")
    raw = json.loads(OUTRIGHTS.read_text())
    names = {o["name"] for b in raw[0]["bookmakers"] for m in b["markets"] for o in m["outcomes"]}
    assert set(event.competitors.values_list("name", flat=True)) == names
    # At the capture (pre-match, fresh); Betfair's back prices count after its 5 %.
    captured = datetime(2025, 3, 1, 10, 15, tzinfo=UTC)
    best = {b.outcome: b.price for b in selectors.best_prices(event, "outrights", at=captured)}
    assert best["Scottie Scheffler"] == Decimal("4.61")  # Betfair 4.8: 1 + 3.8 x 0.95
    assert best["Jon Rahm"] == Decimal("12")


@pytest.mark.django_db
def test_a_match_still_needs_two_teams_in_the_database():
    event = make_event(commence_time=START)
    tournament = Tournament.objects.get(pk=event.tournament_id)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Event.objects.create(tournament=tournament, name="x", commence_time=START, home_team="A")
    Event.objects.create(tournament=tournament, name="Race", kind="race", commence_time=START)


@pytest.mark.django_db
def test_results_are_written_and_an_unknown_result_never_clears_one():
    ingest_captures([capture(0, race("", ""), win("3.5", "1.5"))])
    ingest_captures([capture(5, race("winner", "loser"), win("3.5", "1.5"))])
    ingest_captures([capture(9, race("", ""), win("3.5", "1.5"))])  # a later, unsettled copy
    (event,) = Event.objects.all()
    assert event.kind == "race" and event.name == "Kemp 10th Jan 14:00"
    assert list(EventCompetitor.objects.values_list("name", "sort_order", "result")) == [
        ("Alpha", 1, "winner"),
        ("Bravo", 2, "loser"),
    ]


@pytest.mark.django_db
def test_extras_are_stored_are_part_of_the_value_and_survive_late_captures():
    ref = race("", "")
    ingest_captures([capture(0, ref, win("3.5", "1.5")), capture(20, ref, win("3.5", "1.5"))])
    assert MarketOdds.objects.count() == 1  # unchanged repeat
    stats = ingest_captures([capture(30, ref, win("3.5", "1.5", traded="250.5"))])
    assert stats.markets_written == 1  # only the volume moved: a change
    late = ingest_captures([capture(25, ref, win("3.4", "1.5"))])  # backfilled, in between
    assert late.markets_written == 1
    again = ingest_captures([capture(40, ref, win("3.5", "1.5", traded="250.5"))])
    assert (again.markets_written, again.markets_unchanged) == (0, 1)
    rows = list(MarketOdds.objects.order_by("captured_at").values_list("outcomes", flat=True))
    assert rows[-1][0] == {
        "name": "Alpha",
        "price": "3.5",
        "status": "open",
        "last_traded": "3.5",
        "traded_volume": "250.5",
    }
    assert rows[-1][1] == {"name": "Bravo", "price": "1.5", "status": "open"}
    (event,) = Event.objects.all()
    (quote,) = selectors.latest_odds(event)
    assert quote.price("Alpha") == Decimal("3.5")


def test_bad_extras_and_kinds_are_refused_before_the_database():
    from odds.ingest.validation import validate_capture

    bad_extra = Market("win", (Outcome("Alpha", Decimal("2"), extra=(("price", "3"),)),))
    assert "outcome extra" in validate_capture(capture(0, race("", ""), bad_extra)).message
    no_title = dataclasses.replace(race("", ""), title="")
    assert "needs a title" in validate_capture(capture(0, no_title)).message
    odd_kind = dataclasses.replace(race("", ""), kind="parlay")
    assert "event kind" in validate_capture(capture(0, odd_kind)).message
    bad_result = dataclasses.replace(race("", ""), competitors=(Competitor("Alpha", result="won"),))
    assert "result" in validate_capture(capture(0, bad_result)).message

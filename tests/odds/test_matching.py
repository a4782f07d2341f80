"""Event matching across sources on real files: one match is one event.

Expected values are read by hand from the raw files: The Odds API ids and bookmakers of
soccer_epl.2022-12.json, OddsPortal's match id xQ77QTN0 (Leicester v Brentford,
2025-02-21 20:00 UTC), and the hand-written football-data rows in tests/fixtures that
use football-data's own names ("Man United", "Nott'm Forest", "Wolves", "Brighton").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome
from odds.ingest import ingest_captures
from odds.ingest.entities import EntityResolver
from odds.models import Event, EventAlias, EventMatchCandidate, MatchStatus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FOOTBALLDATA_BOOKS = {"bet365", "pinnacle", "william_hill"}
# (football-data id, The Odds API id, canonical teams, The Odds API's bookmakers)
EPL_MATCHES = [
    (
        "E0:2022-12-27:Man United:Nott'm Forest",
        "c0b7e9f9418d9e6c9e7ad46b6e0f3352",
        ("Manchester United", "Nottingham Forest"),
        "barstool betfair betmgm bovada draftkings fanduel foxbet mybookieag twinspires "
        "unibet_us williamhill_us",
    ),
    (
        "E0:2022-12-31:Wolves:Man United",
        "aeba1eca794414c412f6554a52438e1c",
        ("Wolverhampton Wanderers", "Manchester United"),
        "barstool betfair betmgm betrivers betus bovada draftkings fanduel foxbet gtbets "
        "mybookieag superbook twinspires unibet_us williamhill_us wynnbet",
    ),
    (
        "E0:2022-12-31:Brighton:Arsenal",
        "4dc146fe46f632dcaa9a505061132eaf",
        ("Brighton and Hove Albion", "Arsenal"),
        "barstool betfair betmgm betonlineag betrivers betus bovada draftkings fanduel foxbet "
        "gtbets lowvig mybookieag superbook twinspires unibet_us williamhill_us wynnbet",
    ),
    (
        "E0:2023-01-03:Leicester:Fulham",
        "8f3ad2131853e76cd8960e844d1b7930",
        ("Leicester City", "Fulham"),
        "barstool betfair betmgm betrivers bovada draftkings fanduel foxbet gtbets mybookieag "
        "superbook twinspires williamhill_us wynnbet",
    ),
]


def ingest(source: str, path: Path) -> None:
    call_command("ingest", source, str(path), "--no-progress", stdout=StringIO())


def event_of(source: str, external_id: str) -> Event:
    return Event.objects.get(aliases__source=source, aliases__external_id=external_id)


@pytest.mark.django_db
@pytest.mark.parametrize("theoddsapi_first", [True, False])
def test_odds_api_and_football_data_give_one_event_per_match(shared_data, theoddsapi_first):
    files = [
        ("theoddsapi", shared_data / "theoddsapi" / "soccer_epl.2022-12.json"),
        ("footballdata", FIXTURES / "footballdata" / "epl_2022_12_variants.csv"),
    ]
    for source, path in files if theoddsapi_first else files[::-1]:
        ingest(source, path)
    for fd_id, api_id, teams, api_books in EPL_MATCHES:
        event = event_of("footballdata", fd_id)
        assert event_of("theoddsapi", api_id) == event
        assert (event.home_team, event.away_team) == teams
        assert event.tournament.name == "Premier League"
        books = set(event.bookmakers.values_list("key", flat=True))
        assert books == set(api_books.split()) | FOOTBALLDATA_BOOKS
    # The file's 22 events, and not one more for the football-data rows.
    assert Event.objects.count() == 22
    assert not EventMatchCandidate.objects.exists()


@pytest.mark.django_db
def test_oddsharvester_match_and_football_data_row_are_one_event(shared_data):
    ingest("oddsharvester", shared_data / "oddsharvester")
    ingest("footballdata", FIXTURES / "footballdata" / "leicester_brentford.csv")
    event = event_of("oddsharvester", "xQ77QTN0")
    assert event_of("footballdata", "E0:2025-02-21:Leicester:Brentford") == event
    assert (event.home_team, event.away_team) == ("Leicester City", "Brentford")
    assert event.commence_time == datetime(2025, 2, 21, 20, 0, tzinfo=UTC)
    assert {"bet365", "pinnacle"} <= set(event.bookmakers.values_list("key", flat=True))
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_history_envelope_soccer_lands_in_the_league_both_teams_play_in(shared_data):
    ingest("theoddsapi", shared_data / "theoddsapi-history" / "2026-01-10T010842Z.json.gz")

    def tournament(home: str, away: str) -> str:
        return Event.objects.get(home_team=home, away_team=away).tournament.name

    assert tournament("Manchester United", "Manchester City") == "Premier League"
    assert tournament("Real Madrid", "Levante") == "La Liga"
    assert tournament("Atalanta BC", "Athletic Bilbao") == "Soccer"  # Champions League
    assert tournament("Chelsea", "Pafos FC") == "Soccer"
    assert tournament("Florida Panthers", "Colorado Avalanche") == "NHL"


def capture(source: str, external_id: str, start: datetime, book: str, home="Arsenal") -> Capture:
    ref = EventRef(
        source=source,
        source_event_id=external_id,
        sport_key="soccer",
        sport_name="Soccer",
        tournament_key="england_premier_league",
        tournament_name="Premier League",
        home_team=home,
        away_team="Chelsea",
        commence_time=start,
    )
    prices = (Outcome("home", Decimal("2.1")), Outcome("away", Decimal("3.4")))
    return Capture(
        ref, BookmakerRef(book, book.title()), start - timedelta(hours=2), (Market("h2h", prices),)
    )


START = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_an_ambiguous_capture_makes_a_new_event_and_queues_both_fits():
    # One source lists the match twice (two ids, two hours apart): two events by its word.
    ingest_captures(
        [
            capture("a", "1", START, "book_a"),
            capture("a", "2", START + timedelta(hours=2), "book_a"),
        ]
    )
    first, second = event_of("a", "1"), event_of("a", "2")
    assert first != second
    ingest_captures([capture("b", "x", START + timedelta(hours=1), "book_b")])
    new = event_of("b", "x")
    assert new not in (first, second)
    queued = EventMatchCandidate.objects.filter(event=new, status=MatchStatus.PENDING)
    assert set(queued.values_list("candidate_id", flat=True)) == {first.id, second.id}
    assert queued.first().reason.startswith("2 stored events fit")
    # Source a's second id for the match was queued against its first, too.
    twin = EventMatchCandidate.objects.get(event=second)
    assert (twin.candidate, twin.source) == (first, "a")
    assert twin.reason.startswith("its source lists it under another id")


@pytest.mark.django_db
def test_outside_the_window_or_other_teams_is_another_event():
    ingest_captures([capture("a", "1", START, "book_a")])
    ingest_captures(
        [
            capture("b", "late", START + timedelta(hours=12, minutes=1), "book_b"),
            capture("b", "other", START, "book_b", home="Fulham"),
            capture("b", "same", START - timedelta(hours=11), "book_b", home="Arsenal FC"),
        ]
    )
    assert event_of("b", "late") != event_of("a", "1")
    assert event_of("b", "other") != event_of("a", "1")
    assert event_of("b", "same") == event_of("a", "1")  # "Arsenal FC" normalizes to Arsenal
    assert EventAlias.objects.filter(event=event_of("a", "1")).count() == 2


@pytest.mark.django_db
def test_matching_is_bulk_queries_do_not_grow_with_captures():
    def queries(n: int, offset: int) -> int:
        captures = [
            capture("bulk", f"{offset + i}", START + timedelta(days=offset + i), f"book_{offset}")
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            EntityResolver().resolve(captures)
        return len(ctx)

    assert queries(3, 0) == queries(30, 100)


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_concurrent_importers_of_two_sources_converge_on_one_event_per_match(shared_data):
    import os
    import subprocess
    import sys

    from tests.odds.test_concurrency import ROOT, database_url

    # Transactional tests flush every table, the migration's curated data too: load it.
    call_command("load_identity", stdout=StringIO())
    files = [
        ("theoddsapi", shared_data / "theoddsapi" / "soccer_epl.2022-12.json"),
        ("footballdata", FIXTURES / "footballdata" / "epl_2022_12_variants.csv"),
    ]
    env = {**os.environ, "DATABASE_URL": database_url()}
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "ingest", source, str(path), "--no-progress"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for source, path in files * 2
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
    assert Event.objects.count() == 22
    assert EventAlias.objects.count() == 22 + len(EPL_MATCHES)
    for fd_id, api_id, _, _ in EPL_MATCHES:
        assert event_of("footballdata", fd_id) == event_of("theoddsapi", api_id)
    assert not EventMatchCandidate.objects.exists()

"""The event list: state, sport and tournament filters, next-first order, search by team
or competitor, and a number of queries that does not grow with the rows shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from odds.models import Event, EventCompetitor, EventKind, Sport, Tournament

LIST = "admin:odds_event_changelist"


def names(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return re.findall(
        r'<th class="field-name"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )


def tournament(sport_key: str, key: str) -> Tournament:
    sport, _ = Sport.objects.get_or_create(key=sport_key, defaults={"name": sport_key.title()})
    return Tournament.objects.get_or_create(sport=sport, key=key, defaults={"name": key})[0]


def event(name: str, hours: float, *, where: Tournament | None = None, kind=EventKind.MATCH):
    home, _, away = name.partition(" v ")
    return Event.objects.create(
        tournament=where or tournament("soccer", "EPL"),
        name=name,
        kind=kind,
        home_team=home if kind == EventKind.MATCH else "",
        away_team=away if kind == EventKind.MATCH else "",
        commence_time=timezone.now() + timedelta(hours=hours),
    )


@pytest.fixture
def events(db):
    """Starts relative to now: tomorrow, in five days, an hour ago, ten hours ago, a year
    ago; a race that ran 90 minutes ago and is settled; an outright that began ten days ago
    and is not."""
    races = tournament("horse_racing", "Ascot")
    made = {
        "tomorrow": event("Arsenal v Chelsea", 24),
        "in5days": event("Leeds v Everton", 120),
        "playing": event("Fulham v Wolves", -1),
        "over": event("Brentford v Spurs", -10),
        "lastyear": event("Arsenal v Spurs", -24 * 365, where=tournament("soccer", "FA Cup")),
        "race": event("Ascot 14:30", -1.5, where=races, kind=EventKind.RACE),
        "outright": event("Ascot season winner", -240, where=races, kind=EventKind.OUTRIGHT),
    }
    EventCompetitor.objects.create(event=made["race"], name="Golden Arrow", result="winner")
    EventCompetitor.objects.create(event=made["race"], name="Slow Coach", result="loser")
    EventCompetitor.objects.create(event=made["outright"], name="Golden Arrow")
    return made


@pytest.mark.django_db
def test_default_order_is_upcoming_soonest_first_then_the_past_newest_first(admin_client, events):
    assert names(admin_client) == [
        "Arsenal v Chelsea",  # in 24 h
        "Leeds v Everton",  # in 120 h
        "Fulham v Wolves",  # 1 h ago
        "Ascot 14:30",  # 1.5 h ago
        "Brentford v Spurs",  # 10 h ago
        "Ascot season winner",  # 240 h ago
        "Arsenal v Spurs",  # a year ago
    ]


@pytest.mark.django_db
def test_a_sortable_column_still_orders_the_list(admin_client, events):
    # o=6: the 6th column of list_display (commence_time), ascending: the oldest first
    ordered = names(admin_client, o="6")
    assert ordered[0] == "Arsenal v Spurs" and ordered[-1] == "Leeds v Everton"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state,expected",
    [
        ("upcoming", {"Arsenal v Chelsea", "Leeds v Everton"}),
        # begun under 4 h ago, or an outright (weeks long) with no result yet
        ("started", {"Fulham v Wolves", "Ascot season winner"}),
        # begun over 4 h ago, or settled (the race has a winner after 90 minutes)
        ("finished", {"Brentford v Spurs", "Arsenal v Spurs", "Ascot 14:30"}),
    ],
)
def test_state_filter(admin_client, events, state, expected):
    assert set(names(admin_client, state=state)) == expected


@pytest.mark.django_db
def test_sport_and_tournament_filters(admin_client, events):
    races = Sport.objects.get(key="horse_racing")
    assert set(names(admin_client, tournament__sport__id__exact=races.pk)) == {
        "Ascot 14:30",
        "Ascot season winner",
    }
    cup = Tournament.objects.get(key="FA Cup")
    assert names(admin_client, tournament__id__exact=cup.pk) == ["Arsenal v Spurs"]
    html = admin_client.get(reverse(LIST)).content.decode()
    assert "By tournament" in html and "By state" in html


@pytest.mark.django_db
def test_date_filter(admin_client, events):
    # the parameters of the filter's "next 7 days"-style links: aware midnights (UTC)
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    params = {"commence_time__gte": str(today), "commence_time__lt": str(today + timedelta(2))}
    found = set(names(admin_client, **params))
    # everything starting today or tomorrow (UTC): tomorrow's match, and the ones of the
    # last hours unless the test runs just after midnight
    assert "Arsenal v Chelsea" in found
    assert not found & {"Leeds v Everton", "Arsenal v Spurs", "Ascot season winner"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,expected",
    [
        ("arsenal", ["Arsenal v Chelsea", "Arsenal v Spurs"]),
        ("spurs arsenal", ["Arsenal v Spurs"]),
        ("golden arrow", ["Ascot 14:30", "Ascot season winner"]),  # a runner's name
        ('"slow coach"', ["Ascot 14:30"]),
        ("fa cup", ["Arsenal v Spurs"]),  # the tournament
        ("nobody", []),
    ],
)
def test_search_by_team_competitor_or_tournament(admin_client, events, query, expected):
    assert names(admin_client, q=query) == expected


def list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(LIST), params).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_rows(admin_client, events):
    few = list_queries(admin_client)
    search = list_queries(admin_client, q="arsenal")
    for n in range(20):
        event(f"Team {n} v Other {n}", n + 1)
    assert list_queries(admin_client) == few
    assert list_queries(admin_client, q="arsenal") == search

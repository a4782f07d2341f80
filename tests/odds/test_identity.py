"""Names: normalisation, curated aliases, display names, and how captures resolve."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from odds.identity.curated import bookmaker_target, curated, display_name
from odds.identity.normalize import normalize_key, normalize_name
from odds.models import (
    Participant,
    ParticipantAlias,
    Sport,
    Tournament,
    TournamentAlias,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Brighton and Hove Albion", "Brighton & Hove Albion FC"),
        ("Manchester Utd", "manchester united"),
        ("Atlético Madrid", "Atletico Madrid"),
        ("AFC Bournemouth", "Bournemouth"),
        ("Bodø/Glimt", "Bodo Glimt"),
        ("St. Louis Blues", "Saint Louis Blues"),
        ("Montréal Canadiens", "Montreal Canadiens"),
        ("AS Monaco", "Monaco"),
    ],
)
def test_spellings_that_mean_the_same_team_normalize_alike(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalisation_keeps_names_that_tell_teams_apart():
    assert normalize_name("Manchester United") != normalize_name("Manchester City")
    assert normalize_name("FC") == "fc"  # never empty
    assert normalize_name("?!") == "?!"
    assert normalize_key("premier-league") == "premier_league"


def test_curated_bookmaker_aliases_name_the_stores_key():
    assert bookmaker_target("theoddsapi", "williamhill") == "william_hill"
    assert bookmaker_target("theoddsapi", "williamhill_us") == "williamhill_us"
    assert bookmaker_target("footballdata", "williamhill") == "williamhill"


def test_regional_books_get_names_that_tell_them_apart():
    assert display_name("unibet_eu", "Unibet") == "Unibet (EU)"
    assert display_name("unibet_uk", "Unibet") == "Unibet (UK)"
    assert display_name("unibet_se", "Unibet") == "Unibet (SE)"
    assert display_name("williamhill_us", "William Hill (US)") == "William Hill (US)"
    assert display_name("pinnacle", "Pinnacle") == "Pinnacle"


@pytest.mark.django_db
def test_the_migration_loads_the_curated_leagues_teams_and_aliases():
    data = curated()
    epl = Tournament.objects.get(sport__key="soccer", key="england_premier_league")
    aliases = set(TournamentAlias.objects.filter(tournament=epl).values_list("source", "key"))
    assert {("theoddsapi", "soccer_epl"), ("oddsharvester", "england_premier_league")} <= aliases
    for key in ("spain_la_liga", "italy_serie_a", "germany_bundesliga", "france_ligue_1"):
        assert Tournament.objects.filter(sport__key="soccer", key=key).exists()
    for sport, key in (("basketball", "basketball_nba"), ("icehockey", "icehockey_nhl")):
        assert Tournament.objects.filter(sport__key=sport, key=key).exists()
    assert Participant.objects.filter(league=epl).count() == len(
        data["participants"]["england_premier_league"]
    )
    soccer = Sport.objects.get(key="soccer")
    for variant, canonical in [
        ("Man United", "Manchester United"),
        ("Nott'm Forest", "Nottingham Forest"),
        ("Wolves", "Wolverhampton Wanderers"),
        ("Brighton", "Brighton and Hove Albion"),
        ("Leicester", "Leicester City"),
    ]:
        alias = ParticipantAlias.objects.get(sport=soccer, normalized=normalize_name(variant))
        assert alias.participant.name == canonical
    assert Participant.objects.filter(sport__key="basketball").count() == 30
    assert Participant.objects.filter(sport__key="americanfootball").count() == 32
    assert Participant.objects.filter(sport__key="icehockey").count() == 32


@pytest.mark.django_db
def test_an_alias_saved_in_the_admin_is_normalized_and_takes_its_sport():
    epl = Tournament.objects.get(key="england_premier_league")
    team = Participant.objects.get(sport=epl.sport, name="Tottenham Hotspur")
    alias = ParticipantAlias.objects.create(
        participant=team, name="Tottenham Hotspur F.C.", source="x"
    )
    assert (alias.sport_id, alias.normalized) == (epl.sport_id, "tottenham hotspur")
    key = TournamentAlias.objects.create(tournament=epl, source="x", key="Premier-League")
    assert (key.sport_id, key.key) == (epl.sport_id, "premier_league")


@pytest.mark.django_db
def test_loading_moves_a_sources_old_events_to_the_league_and_names_regional_books():
    from django.apps import apps

    from odds.identity.curated import seed
    from odds.models import Bookmaker, Event, EventAlias
    from tests.factories import make_event

    old = Tournament.objects.create(sport=Sport.objects.get(key="soccer"), key="soccer_epl")
    theirs, simulated = (make_event(commence_time=datetime(2026, 1, 1, tzinfo=UTC)) for _ in "ab")
    Event.objects.filter(pk__in=[theirs.pk, simulated.pk]).update(tournament=old)
    EventAlias.objects.create(source="theoddsapi", external_id="x", event=theirs)
    EventAlias.objects.create(source="simulated", external_id="y", event=simulated)
    Bookmaker.objects.create(key="unibet_eu", name="Unibet")
    Bookmaker.objects.create(key="unibet_se", name="Unibet Sverige (edited)")
    seed(apps)
    assert Event.objects.get(pk=theirs.pk).tournament.key == "england_premier_league"
    assert Event.objects.get(pk=simulated.pk).tournament == old  # another source's key
    names = dict(Bookmaker.objects.values_list("key", "name"))
    assert names["unibet_eu"] == "Unibet (EU)"
    assert names["unibet_se"] == "Unibet Sverige (edited)"

"""A race's page in the admin: its kind, its runners with results, its win market."""

from __future__ import annotations

import pytest
from django.urls import reverse

from odds.models import Event
from tests.scraping.sources.test_betfair import PRO_RACE
from tests.scraping.test_ingest_real import ingest


@pytest.mark.django_db
def test_a_race_page_lists_its_runners_results_and_prices(admin_client):
    ingest("betfair", PRO_RACE)
    race = Event.objects.get(kind="race")
    response = admin_client.get(reverse("admin:odds_event_change", args=[race.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for name, result in (("Alpha", "winner"), ("Bravo", "loser"), ("Charlie", "removed")):
        assert name in html and result in html
    listing = admin_client.get(reverse("admin:odds_event_changelist"), {"kind__exact": "race"})
    assert listing.status_code == 200 and "Kemp 1st Jan 13:30" in listing.content.decode()

"""Identity admin: the review queue's merge keeps every stored row; refusals explain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from odds.ingest import ingest_captures
from odds.models import (
    Bookmaker,
    BookmakerAlias,
    Event,
    EventAlias,
    EventBookmaker,
    EventMatchCandidate,
    MarketOdds,
    OddsSnapshot,
)
from tests.odds.test_matching import START, capture, event_of

QUEUE = "admin:odds_eventmatchcandidate_changelist"


def ambiguous_store() -> EventMatchCandidate:
    """Source a lists the match twice; source b's capture fits both, with prices moving
    over three captures so each event has a series of rows."""
    ingest_captures([capture("a", "1", START, "book_a"), capture("a", "2", START, "book_a2")])
    later = [
        capture("b", "x", START + timedelta(hours=1), "book_b"),
        capture("b", "x", START + timedelta(hours=1), "book_b"),  # a repeat: stored once
    ]
    ingest_captures(later)
    return EventMatchCandidate.objects.get(event=event_of("b", "x"), candidate=event_of("a", "1"))


def rows() -> tuple[int, int]:
    return OddsSnapshot.objects.count(), MarketOdds.objects.count()


def merge(admin_client, entry: EventMatchCandidate):
    return admin_client.post(
        reverse(QUEUE),
        {"action": "merge_into_candidate", "_selected_action": [entry.pk]},
        follow=True,
    )


@pytest.mark.django_db
def test_merge_in_the_admin_keeps_every_stored_row(admin_client):
    entry = ambiguous_store()
    new, kept = entry.event, entry.candidate
    before = rows()
    snapshots = set(OddsSnapshot.objects.filter(event=new).values_list("id", "captured_at"))
    assert snapshots
    response = merge(admin_client, entry)
    assert "merged; 1 listings, 1 snapshots and 1 market rows moved" in response.content.decode()
    assert rows() == before
    assert not Event.objects.filter(pk=new.pk).exists()
    moved = set(OddsSnapshot.objects.filter(event=kept).values_list("id", "captured_at"))
    assert snapshots <= moved
    assert MarketOdds.objects.filter(event=kept).count() == 2
    assert set(
        EventBookmaker.objects.filter(event=kept).values_list("bookmaker__key", flat=True)
    ) == {
        "book_a",
        "book_b",
    }
    assert set(EventAlias.objects.filter(event=kept).values_list("source", "external_id")) == {
        ("a", "1"),
        ("b", "x"),
    }
    # Left in the queue: source a's two ids (b's entry for the other fit repeated it).
    left = EventMatchCandidate.objects.get()
    assert {left.event, left.candidate} == {kept, event_of("a", "2")}
    # Later captures of the merged source id land on the kept event.
    ingest_captures([capture("b", "x", START + timedelta(hours=2), "book_b")])
    assert OddsSnapshot.objects.filter(event=kept).count() == 3


@pytest.mark.django_db
def test_a_merge_that_would_join_two_series_of_one_bookmaker_is_refused(admin_client):
    ingest_captures([capture("a", "1", START, "book"), capture("a", "2", START, "book")])
    ingest_captures([capture("b", "x", START + timedelta(hours=1), "book")])
    entry = EventMatchCandidate.objects.filter(event=event_of("b", "x")).first()
    before = rows()
    response = merge(admin_client, entry)
    text = response.content.decode()
    assert "not merged" in text and "both have prices from Book" in text
    assert rows() == before
    assert Event.objects.filter(pk=entry.event_id).exists()


@pytest.mark.django_db
def test_dismissing_keeps_both_events(admin_client):
    entry = ambiguous_store()
    admin_client.post(reverse(QUEUE), {"action": "dismiss", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == "dismissed"
    assert Event.objects.filter(pk=entry.event_id).exists()


@pytest.mark.django_db
def test_declaring_two_bookmakers_the_same_moves_their_rows_and_keeps_the_key(admin_client):
    ingest_captures([capture("a", "1", START, "unibet_eu")])
    ingest_captures([capture("b", "2", START + timedelta(days=3), "unibet_europe")])
    keep, drop = Bookmaker.objects.get(key="unibet_eu"), Bookmaker.objects.get(key="unibet_europe")
    assert keep.name == "Unibet (EU)"
    before = rows()
    admin_client.post(
        reverse("admin:odds_bookmaker_changelist"),
        {"action": "merge_selected_bookmakers", "_selected_action": [keep.pk, drop.pk]},
    )
    assert rows() == before
    assert not Bookmaker.objects.filter(pk=drop.pk).exists()
    assert OddsSnapshot.objects.filter(bookmaker=keep).count() == 2
    assert BookmakerAlias.objects.get(key="unibet_europe").bookmaker == keep
    ingest_captures([capture("b", "2", START + timedelta(days=3, hours=1), "unibet_europe")])
    assert OddsSnapshot.objects.filter(bookmaker=keep).count() == 3


@pytest.mark.django_db
def test_identity_pages_render(admin_client):
    ambiguous_store()
    for name in [
        QUEUE,
        "admin:odds_participant_changelist",
        "admin:odds_tournament_changelist",
        "admin:odds_bookmaker_changelist",
    ]:
        assert admin_client.get(reverse(name)).status_code == 200
    epl = Event.objects.first().tournament
    assert (
        admin_client.get(reverse("admin:odds_tournament_change", args=[epl.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_events_list_merges_two_selected_events(admin_client):
    ingest_captures([capture("a", "1", START, "book_a")])
    ingest_captures([capture("b", "2", START + timedelta(days=2), "book_b")])
    keep, drop = event_of("a", "1"), event_of("b", "2")
    before = rows()
    response = admin_client.post(
        reverse("admin:odds_event_changelist"),
        {"action": "merge_selected", "_selected_action": [keep.pk, drop.pk]},
        follow=True,
    )
    assert "merged; 1 listings, 1 snapshots and 1 market rows moved" in response.content.decode()
    assert rows() == before
    assert event_of("b", "2") == keep
    page = admin_client.get(reverse("admin:odds_event_change", args=[keep.pk])).content.decode()
    assert page.count("field-external_id") >= 2  # both sources' ids, shown on the event


@pytest.mark.django_db
def test_load_identity_adds_only_what_is_missing():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_identity", stdout=out)
    assert out.getvalue().strip() == (
        "Added 0 tournaments, 0 tournament aliases, 0 teams and 0 team aliases."
    )

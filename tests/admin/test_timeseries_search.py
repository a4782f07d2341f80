"""Search in the snapshot and market odds lists: a team or a bookmaker, resolved to ids
before the time series is read (tests/admin/data.py has the hand-built captures)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from odds.admin import search
from odds.models import EventCompetitor
from tests.admin.data import T0
from tests.factories import make_bookmaker, make_event, make_market, make_snapshot

MARKETS, SNAPSHOTS = (
    "admin:odds_marketoddsrecord_changelist",
    "admin:odds_snapshotrecord_changelist",
)


@pytest.fixture
def other(store):
    """A second event ("Home <n> v Away <n>") with a runner named Golden Arrow, at a
    fourth bookmaker, captured at T0."""
    event = make_event(commence_time=T0)
    EventCompetitor.objects.create(event=event, name="Golden Arrow")
    snapshot = make_snapshot(event, make_bookmaker("pinnacle"), T0)
    make_market(snapshot)
    return event


def found(client, list_name: str, query: str) -> list[tuple[str, str]]:
    response = client.get(reverse(list_name), {"captured": "all", "q": query})
    assert response.status_code == 200
    return sorted((row.event.name, row.bookmaker.key) for row in response.context["cl"].result_list)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,markets,snapshots",
    [
        # Book B wrote h2h and totals at T0; its capture at T0+60 changed nothing.
        ('"book b"', 2 * [("Arsenal v Chelsea", "book_b")], 2 * [("Arsenal v Chelsea", "book_b")]),
        # Book C's h2h moved 2.20 -> 2.25 at T0+60: two rows, one per capture.
        (
            "chelsea BOOK_C",
            2 * [("Arsenal v Chelsea", "book_c")],
            2 * [("Arsenal v Chelsea", "book_c")],
        ),
        ("golden arrow", [("OTHER", "pinnacle")], [("OTHER", "pinnacle")]),
        ("pinn", [("OTHER", "pinnacle")], [("OTHER", "pinnacle")]),
        ("arsenal pinnacle", [], []),
    ],
)
def test_search_by_team_competitor_or_bookmaker(admin_client, other, query, markets, snapshots):
    def named(rows):  # the other event's name carries the factory's counter
        return [(other.name if name == "OTHER" else name, key) for name, key in rows]

    assert found(admin_client, MARKETS, query) == named(markets)
    assert found(admin_client, SNAPSHOTS, query) == named(snapshots)


@pytest.mark.django_db
def test_the_team_search_does_not_compare_text_in_the_time_series(admin_client, other):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse(MARKETS), {"captured": "all", "q": "arsenal"})
    reads = [q["sql"] for q in queries if 'FROM "odds_marketodds"' in q["sql"]]
    assert reads and all("LIKE" not in sql.upper() for sql in reads)
    assert any('"odds_marketodds"."event_id" IN (' in sql for sql in reads)


@pytest.mark.django_db
def test_a_word_matching_many_events_is_passed_as_a_subquery(admin_client, other, monkeypatch):
    monkeypatch.setattr(search, "LITERAL_IDS", 1)  # "v" names both events: over the limit
    assert [key for _, key in found(admin_client, SNAPSHOTS, "v pinnacle")] == ["pinnacle"]
    assert len(found(admin_client, SNAPSHOTS, " v ")) == 7  # 6 captures + the other's


@pytest.mark.django_db
def test_a_search_runs_as_many_queries_whatever_the_rows(admin_client, other):
    def queries(rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(MARKETS), {"captured": "all", "q": "pinnacle"})
        assert len(response.context["cl"].result_list) == rows
        return len(captured)

    before = queries(1)
    for minutes in range(1, 6):  # five more captures of the other event at pinnacle
        make_market(make_snapshot(other, make_bookmaker("pinnacle"), T0.replace(minute=minutes)))
    assert queries(6) == before

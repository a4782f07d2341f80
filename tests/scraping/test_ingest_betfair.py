"""``manage.py ingest betfair``: the real BASIC file and the hand-made fixtures stored."""

from __future__ import annotations

import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from odds import selectors
from odds.models import Bookmaker, Event, EventCompetitor, MarketOdds
from scraping.models import ScrapeError
from tests.scraping.sources.test_betfair import ADVANCED, FIXTURES, basic_by_hand
from tests.scraping.test_ingest_real import ingest


def _rows_by_hand(states: list) -> int:
    """Change-only rows: one per capture whose value differs from the one before."""
    rows, previous = 0, object()
    for _, value in states:
        if value != previous:
            rows += 1
        previous = value
    return rows


@pytest.mark.django_db
def test_real_basic_file_stores_the_race_runners_prices_and_winner(shared_data):
    path = shared_data / "betfair" / "BASIC-1.132153978"
    expected = basic_by_hand(path, 1000)
    run, out = ingest("betfair", path)
    assert run.status == "completed", out
    assert run.snapshots_written == len(expected) == 479
    assert run.markets_written == _rows_by_hand(expected)
    assert run.markets_written + run.markets_unchanged == len(expected)

    (event,) = Event.objects.filter(kind="race")
    assert (event.name, event.home_team, event.away_team) == ("Ham 14th Jun 19:55", "", "")
    competitors = list(EventCompetitor.objects.filter(event=event))
    assert len(competitors) == 14
    assert [c.name for c in competitors if c.result == "winner"] == ["Brother Mcgonagall"]
    assert sorted(c.name for c in competitors if c.result == "removed") == [
        "Hellavashock",
        "Hymn For The Dudes",
    ]
    assert Bookmaker.objects.get(key="betfair_ex_uk").is_exchange

    # The last priced state, read through the API (the extra keys are ignored there) and
    # as stored (they are kept).
    _, last_value = expected[-2]
    history = selectors.market_history(event, "win")
    assert len(history) == run.markets_written
    assert history[-1].outcomes == ()  # closed: gone
    before_close = history[-1].captured_at - timedelta(milliseconds=1)
    (quote,) = selectors.latest_odds(event, at=before_close)
    assert {(o.name, o.price, o.status) for o in quote.outcomes} == set(last_value)
    assert quote.price("Brother Mcgonagall") == Decimal("1.01")
    stored = MarketOdds.objects.get(event=event, captured_at=quote.captured_at).outcomes
    assert {o["name"]: o["last_traded"] for o in stored}["Brother Mcgonagall"] == "1.01"

    again, _ = ingest("betfair", path)
    assert (again.snapshots_written, again.markets_written) == (0, 0)


@pytest.mark.django_db
def test_fixture_folder_stores_one_match_and_one_race(tmp_path):
    folder = tmp_path / "betfair"
    shutil.copytree(FIXTURES, folder)
    (folder / ".DS_Store").write_bytes(b"\x00\x01")  # hidden files are not stream files
    run, out = ingest("betfair", folder)
    assert run.status == "partial", out  # two bad lines, the rest kept
    assert sorted(
        ScrapeError.objects.filter(scrape_run=run).values_list("error_type", flat=True)
    ) == [
        "bad_line",
        "bad_line",
    ]
    match = Event.objects.get(kind="match")
    assert (match.home_team, match.away_team) == ("Arsenal", "Chelsea")
    keys = set(MarketOdds.objects.filter(event=match).values_list("market_key", "line").distinct())
    assert keys == {
        ("h2h", None),
        ("h2h_lay", None),
        ("totals", Decimal("2.5")),
        ("totals_lay", Decimal("2.5")),
        ("spreads", Decimal("-0.5")),
        ("spreads", Decimal("-1")),
        ("spreads_lay", Decimal("-0.5")),
        ("btts", None),
        ("btts_lay", None),
    }
    best = {b.outcome: b.price for b in selectors.best_prices(match, "h2h", at=match_time(match))}
    # Back 2.12 / 3.3 / 3.5 pay 1 + (p - 1) x 0.95 after the exchange's 5 % commission.
    assert best == {"home": Decimal("2.064"), "draw": Decimal("3.185"), "away": Decimal("3.375")}
    race = Event.objects.get(kind="race")
    assert dict(race.competitors.values_list("name", "result")) == {
        "Alpha": "winner",
        "Bravo": "loser",
        "Charlie": "removed",
    }


def match_time(event: Event):
    """Just after the first ADVANCED capture (1700000000400 ms)."""
    last = MarketOdds.objects.filter(event=event, market_key="h2h").order_by("captured_at")
    return last.first().captured_at + timedelta(milliseconds=1)


@pytest.mark.django_db
def test_interval_flag(tmp_path):
    run, _ = ingest("betfair", ADVANCED, "--interval-ms", "0")
    assert run.snapshots_written == 5
    assert run.parameters["interval_ms"] == 0
    with pytest.raises(CommandError, match="betfair files only"):
        call_command("ingest", "footballdata", str(Path(tmp_path)), "--interval-ms", "5")
    with pytest.raises(CommandError, match="0 or more"):
        call_command("ingest", "betfair", str(ADVANCED), "--interval-ms", "-1")

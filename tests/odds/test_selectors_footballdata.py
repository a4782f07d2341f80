"""opening_closing on a real football-data.co.uk season: the pre-match and closing columns.

football-data gives two prices per match and bookmaker: the pre-match ones (``PSH``, ...)
and the closing ones (``PSCH``, ...), captured at kick-off. The expectation is read from
the CSV here, with the csv module.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from odds.models import Event
from odds.selectors import latest_odds, opening_closing
from tests.factories import rolled_back

pytestmark = pytest.mark.slow

H2H = {
    "B365": "bet365",
    "BW": "bwin",
    "IW": "interwetten",
    "PS": "pinnacle",
    "WH": "william_hill",
    "VC": "betvictor",
}
TOTALS = {"B365": "bet365", "P": "pinnacle"}


@pytest.fixture(scope="module")
def season(django_db_setup, django_db_blocker, shared_data):
    path = shared_data / "footballdata" / "E0-2019-2020.csv"
    with django_db_blocker.unblock(), rolled_back():
        call_command("ingest", "footballdata", str(path), "--no-progress", stdout=StringIO())
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield list(csv.DictReader(f))


def kickoff(row: dict) -> datetime:
    local = datetime.strptime(f"{row['Date']} {row['Time']}", "%d/%m/%Y %H:%M")
    return local.replace(tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


def stored_event(row: dict) -> Event:
    """The event by football-data's own id for the row (the event shows canonical names:
    "Man United" is stored as "Manchester United")."""
    day = kickoff(row).astimezone(ZoneInfo("Europe/London")).date().isoformat()
    external_id = f"E0:{day}:{row['HomeTeam']}:{row['AwayTeam']}"
    return Event.objects.get(aliases__source="footballdata", aliases__external_id=external_id)


def prices(quote) -> dict[str, Decimal]:
    return {o.name: o.price for o in quote.outcomes}


def check(found, book: str, opening: dict, closing: dict, start: datetime) -> None:
    quote = found[book]
    assert prices(quote.opening) == opening
    assert prices(quote.closing) == closing
    assert quote.opening.captured_at < start
    # Closing odds are captured at kick-off; equal to the pre-match ones they are no change.
    expected_at = quote.opening.captured_at if opening == closing else start
    assert quote.closing.captured_at == expected_at


@pytest.mark.django_db
def test_opening_and_closing_are_the_pre_match_and_closing_columns(season):
    assert len(season) == 380
    for row in season:
        event = stored_event(row)
        start = kickoff(row)
        assert event.commence_time == start
        h2h = {oc.bookmaker: oc for oc in opening_closing(event, "h2h")}
        assert set(h2h) == set(H2H.values())
        for prefix, book in H2H.items():
            opening = {
                r: Decimal(row[f"{prefix}{s}"])
                for r, s in zip(("home", "draw", "away"), "HDA", strict=True)
            }
            closing = {
                r: Decimal(row[f"{prefix}C{s}"])
                for r, s in zip(("home", "draw", "away"), "HDA", strict=True)
            }
            check(h2h, book, opening, closing, start)
        totals = {oc.bookmaker: oc for oc in opening_closing(event.pk, "totals", line="2.5")}
        for prefix, book in TOTALS.items():
            opening = {
                "over": Decimal(row[f"{prefix}>2.5"]),
                "under": Decimal(row[f"{prefix}<2.5"]),
            }
            closing = {
                "over": Decimal(row[f"{prefix}C>2.5"]),
                "under": Decimal(row[f"{prefix}C<2.5"]),
            }
            check(totals, book, opening, closing, start)


@pytest.mark.django_db
def test_latest_odds_just_before_and_at_kick_off(season):
    for row in season[::38]:
        event = stored_event(row)
        start = kickoff(row)
        for at, c in ((start - timedelta(seconds=1), ""), (start, "C")):
            quotes = latest_odds(event, at=at, bookmakers=["pinnacle"])
            got = {(q.market_key, q.line): prices(q) for q in quotes if q.market_key != "spreads"}
            assert got == {
                ("h2h", None): {
                    "home": Decimal(row[f"PS{c}H"]),
                    "draw": Decimal(row[f"PS{c}D"]),
                    "away": Decimal(row[f"PS{c}A"]),
                },
                ("totals", Decimal("2.5")): {
                    "over": Decimal(row[f"P{c}>2.5"]),
                    "under": Decimal(row[f"P{c}<2.5"]),
                },
            }

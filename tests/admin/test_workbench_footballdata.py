"""The workbench pages on the real football-data.co.uk season 2019/20 (E0-2019-2020.csv).

football-data gives per match and bookmaker the pre-match prices (``PSH``, ...), taken on
the Friday (weekend games) at 16:00 UK time, and the closing ones (``PSCH``, ...), taken
at kick-off. The expected values below are read off the CSV rows by hand (the columns are
named in each comment) or worked out from the rows here with the csv module.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from odds.models import Event
from odds.selectors.grid import best_price_grid
from tests.factories import rolled_back

H2H_BOOKS = {
    "B365": "bet365",
    "BW": "bwin",
    "IW": "interwetten",
    "PS": "pinnacle",
    "WH": "william_hill",
    "VC": "betvictor",
}
# Round 1: Liverpool v Norwich kicks off Friday 2019-08-09 19:00 UTC; the whole round's
# pre-match prices were taken that Friday at 16:00 UK time (15:00 UTC).
ROUND_ONE_AT = "2019-08-09T15:30:00Z"


@pytest.fixture(scope="module")
def season(django_db_setup, django_db_blocker, shared_data):
    path = shared_data / "footballdata" / "E0-2019-2020.csv"
    with django_db_blocker.unblock(), rolled_back():
        call_command("ingest", "footballdata", str(path), "--no-progress", stdout=StringIO())
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield list(csv.DictReader(f))


def event_of(home: str, away: str) -> Event:
    return Event.objects.get(
        aliases__source="footballdata", aliases__external_id__endswith=f":{home}:{away}"
    )


def text(response) -> str:
    return response.content.decode()


# --- opening vs closing ---------------------------------------------------------------
@pytest.mark.django_db
def test_opening_vs_closing_is_the_pre_match_and_closing_columns(
    admin_client, season, django_assert_max_num_queries
):
    event = event_of("Liverpool", "Norwich")
    url = f"{reverse('odds_opening_closing')}?event={event.pk}"
    # Session, user, the event and its markets, then opening_closing's statements for
    # all six bookmakers at once: the same for 2 bookmakers or 20.
    with django_assert_max_num_queries(14):
        response = admin_client.get(url)
    assert response.status_code == 200
    rows = {row["bookmaker"]: row for row in response.context["rows"]}
    assert set(rows) == set(H2H_BOOKS.values())
    assert response.context["outcomes"] == ["home", "draw", "away"]
    # Row 1 of the CSV: PSH 1.15 PSD 9.59 PSA 18.05, closing PSCH 1.14 PSCD 10.43 PSCA 19.63;
    # moves 1.14/1.15-1 = -0.87 %, 10.43/9.59-1 = +8.76 %, 19.63/18.05-1 = +8.75 %.
    assert rows["pinnacle"]["cells"] == [
        ("1.15", "1.14", "-0.87 %", "shortened"),
        ("9.59", "10.43", "+8.76 %", "drifted"),
        ("18.05", "19.63", "+8.75 %", "drifted"),
    ]
    # B365H/B365CH 1.14 both (no move), B365D 10 -> B365CD 9.5, B365A 19 -> B365CA 21.
    assert rows["bet365"]["cells"] == [
        ("1.14", "1.14", "+0.00 %", ""),
        ("10.00", "9.50", "-5.00 %", "shortened"),
        ("19.00", "21.00", "+10.53 %", "drifted"),
    ]
    # Closing prices were confirmed at kick-off itself: none is stale.
    assert [row["stale"] for row in rows.values()] == [False] * 6
    assert response.context["started"] is True
    assert "Closing since" in text(response)


@pytest.mark.django_db
def test_opening_vs_closing_of_totals_defaults_to_the_main_line(admin_client, season):
    event = event_of("Liverpool", "Norwich")
    url = f"{reverse('odds_opening_closing')}?event={event.pk}&market=totals"
    response = admin_client.get(url)
    assert response.context["selected"] == ("totals", "full_time", "2.5")
    rows = {row["bookmaker"]: row["cells"] for row in response.context["rows"]}
    # B365>2.5 1.4 -> B365C>2.5 1.3 (-7.14 %), B365<2.5 3 -> B365C<2.5 3.5 (+16.67 %);
    # P>2.5 1.4 -> PC>2.5 1.34 (-4.29 %), P<2.5 3.11 -> PC<2.5 3.44 (+10.61 %).
    assert rows == {
        "bet365": [
            ("1.40", "1.30", "-7.14 %", "shortened"),
            ("3.00", "3.50", "+16.67 %", "drifted"),
        ],
        "pinnacle": [
            ("1.40", "1.34", "-4.29 %", "shortened"),
            ("3.11", "3.44", "+10.61 %", "drifted"),
        ],
    }


@pytest.mark.django_db
def test_opening_vs_closing_follows_the_viewers_odds_style(admin_client, season):
    event = event_of("Liverpool", "Norwich")
    admin_client.cookies["odds_style"] = "fractional"
    response = admin_client.get(f"{reverse('odds_opening_closing')}?event={event.pk}")
    rows = {row["bookmaker"]: row["cells"] for row in response.context["rows"]}
    # bet365 draw 10 -> 9.5 is 9/1 -> 17/2 in fractional odds.
    assert rows["bet365"][1][:2] == ("9/1", "17/2")


# --- arbitrage ------------------------------------------------------------------------
# Round 5 (Saturday 2019-09-14) was priced on Friday 2019-09-13 at 15:00 UTC. The best
# pre-match h2h prices across the six bookmakers of two of its matches cover all three
# outcomes for less than the stake (columns B365/BW/IW/PS/WH/VC + H/D/A):
#  Tottenham v Crystal Palace: home IWH 1.45, draw B365D 5.25, away PSA 8.87:
#    edge 1 - (1/1.45 + 1/5.25 + 1/8.87) = 0.007129 -> 0.71 %, stakes (1/p)/sum(1/p):
#    69.4607 %, 19.1844 %, 11.3549 %.
#  Man United v Leicester: home PSH 1.99, draw BWD 3.7, away IWA 4.5: edge 0.004995 -> 0.50 %,
#    stakes 50.5035 %, 27.1627 %, 22.3338 %.
# No totals (B365/P >2.5 <2.5) or Asian handicap pair of that round has an edge.
ARB_AT = "2019-09-13T15:30:00Z"


def arbitrage_rows(admin_client, query: str) -> list[tuple]:
    response = admin_client.get(f"{reverse('odds_arbitrage')}?{query}")
    assert response.status_code == 200
    return [
        (r["event_name"], r["market"], r["edge"], [tuple(leg.values()) for leg in r["legs"]])
        for r in response.context["rows"]
    ]


@pytest.mark.django_db
def test_arbitrage_page_lists_the_edges_worked_out_from_the_csv(admin_client, season):
    assert arbitrage_rows(admin_client, f"at={ARB_AT}") == [
        (
            "Tottenham Hotspur v Crystal Palace",
            "h2h",
            "0.71 %",
            [
                ("home", "interwetten", "1.45", "1.45", "", "69.46 %"),
                ("draw", "bet365", "5.25", "5.25", "", "19.18 %"),
                ("away", "pinnacle", "8.87", "8.87", "", "11.35 %"),
            ],
        ),
        (
            "Manchester United v Leicester City",
            "h2h",
            "0.50 %",
            [
                ("home", "pinnacle", "1.99", "1.99", "", "50.50 %"),
                ("draw", "bwin", "3.70", "3.70", "", "27.16 %"),
                ("away", "interwetten", "4.50", "4.50", "", "22.33 %"),
            ],
        ),
    ]
    # A minimum edge of 0.6 % keeps only the first.
    assert [r[0] for r in arbitrage_rows(admin_client, f"at={ARB_AT}&min_edge=0.6")] == [
        "Tottenham Hotspur v Crystal Palace"
    ]


@pytest.mark.django_db
def test_arbitrage_page_uses_fresh_quotes_only(admin_client, season):
    # 90 minutes after the Friday capture nothing has confirmed those prices for longer
    # than the freshness window (an hour): they are left out.
    response = admin_client.get(f"{reverse('odds_arbitrage')}?at=2019-09-13T16:30:00Z")
    assert response.context["rows"] == []
    assert "No arbitrage at this time." in text(response)


# --- best prices grid -----------------------------------------------------------------
def best_by_hand(row: dict, prefixes: dict[str, str], suffixes: dict[str, str]) -> dict:
    """Per outcome the highest price of the row's columns and every bookmaker at it."""
    best = {}
    for outcome, suffix in suffixes.items():
        prices = {book: Decimal(row[f"{prefix}{suffix}"]) for prefix, book in prefixes.items()}
        top = max(prices.values())
        best[outcome] = (top, tuple(sorted(b for b, p in prices.items() if p == top)))
    return best


def payout_text(best: dict) -> str:
    payout = 1 / sum(1 / Fraction(price) for price, _ in best.values())
    exact = Decimal(payout.numerator) / Decimal(payout.denominator)
    return f"{(exact * 100).quantize(Decimal('0.01'))} %"


@pytest.mark.django_db
def test_best_prices_grid_of_round_one(admin_client, season):
    tournament = event_of("Liverpool", "Norwich").tournament
    url = f"{reverse('odds_best_grid')}?tournament={tournament.pk}&at={ROUND_ONE_AT}&limit=10"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["outcomes"] == ["home", "draw", "away"]
    rows = {r["event_name"]: r for r in response.context["rows"]}
    assert len(rows) == 10  # the ten matches of round 1, the next to start
    suffixes = {"home": "H", "draw": "D", "away": "A"}
    for csv_row in season[:10]:
        event = event_of(csv_row["HomeTeam"], csv_row["AwayTeam"])
        best = best_by_hand(csv_row, H2H_BOOKS, suffixes)
        got = rows[event.name]
        assert [(c["price"], c["books"]) for c in got["cells"]] == [
            (f"{price:.2f}", ", ".join(books)) for price, books in best.values()
        ], event.name
        assert got["payout"] == payout_text(best), event.name
    # Liverpool v Norwich by hand: PSH 1.15, B365D 10, VCA 23: 1/(1/1.15+1/10+1/23) = 98.71 %.
    liverpool = rows[event_of("Liverpool", "Norwich").name]
    assert [c["price"] for c in liverpool["cells"]] == ["1.15", "10.00", "23.00"]
    assert liverpool["payout"] == "98.71 %"
    starts = [r["commence_time"] for r in response.context["rows"]]
    assert starts == sorted(starts)


@pytest.mark.django_db
def test_best_prices_grid_of_totals_is_at_the_main_line(admin_client, season):
    tournament = event_of("Liverpool", "Norwich").tournament
    url = reverse("odds_best_grid")
    query = f"?tournament={tournament.pk}&market=totals&at={ROUND_ONE_AT}&limit=10"
    response = admin_client.get(url + query)
    assert response.context["outcomes"] == ["over", "under"]
    rows = {r["event_name"]: r for r in response.context["rows"]}
    books = {"B365": "bet365", "P": "pinnacle"}
    for csv_row in season[:10]:
        event = event_of(csv_row["HomeTeam"], csv_row["AwayTeam"])
        best = best_by_hand(csv_row, books, {"over": ">2.5", "under": "<2.5"})
        got = rows[event.name]
        assert got["line"] == "2.5"
        assert [(c["price"], c["books"]) for c in got["cells"]] == [
            (f"{price:.2f}", ", ".join(b)) for price, b in best.values()
        ], event.name
        assert got["payout"] == payout_text(best)


@pytest.mark.django_db
def test_best_prices_grid_costs_the_same_queries_for_3_or_30_events(
    admin_client, season, django_assert_max_num_queries
):
    tournament = event_of("Liverpool", "Norwich").tournament
    counts = {}
    for limit in (3, 30):
        url = f"{reverse('odds_best_grid')}?tournament={tournament.pk}&at={ROUND_ONE_AT}"
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(f"{url}&limit={limit}&market=totals")
        assert len(response.context["rows"]) == limit
        counts[limit] = len(queries)
    assert counts[3] == counts[30]
    # The read itself: events, listings, one probe of all their markets, confirmations.
    with django_assert_max_num_queries(4):
        best_price_grid(tournament=tournament, market_key="h2h", limit=30)

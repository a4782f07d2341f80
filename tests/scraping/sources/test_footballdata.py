"""football-data.co.uk adapter: the real 2019/20 Premier League file and hand-written fixtures.

The expected counts and prices for the real file are computed here from the CSV with the
csv module and an explicit table of its bookmaker columns, not with the adapter's header
discovery, so a discovery bug cannot hide itself.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from odds.captures import Capture, Problem
from odds.prices import from_decimal
from scraping.sources import footballdata
from scraping.sources.base import SourceError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "footballdata"
PRE, CLOSING = "pre_match", "closing"

# Every bookmaker column of E0-2019-2020.csv, written out by hand from its header.
E0_BOOKS: dict[tuple[str, str], dict[str, list[str]]] = {
    ("bet365", PRE): {
        "h2h": ["B365H", "B365D", "B365A"],
        "totals": ["B365>2.5", "B365<2.5"],
        "spreads": ["B365AHH", "B365AHA"],
    },
    ("bwin", PRE): {"h2h": ["BWH", "BWD", "BWA"]},
    ("interwetten", PRE): {"h2h": ["IWH", "IWD", "IWA"]},
    ("pinnacle", PRE): {
        "h2h": ["PSH", "PSD", "PSA"],
        "totals": ["P>2.5", "P<2.5"],
        "spreads": ["PAHH", "PAHA"],
    },
    ("william_hill", PRE): {"h2h": ["WHH", "WHD", "WHA"]},
    ("betvictor", PRE): {"h2h": ["VCH", "VCD", "VCA"]},
    ("bet365", CLOSING): {
        "h2h": ["B365CH", "B365CD", "B365CA"],
        "totals": ["B365C>2.5", "B365C<2.5"],
        "spreads": ["B365CAHH", "B365CAHA"],
    },
    ("bwin", CLOSING): {"h2h": ["BWCH", "BWCD", "BWCA"]},
    ("interwetten", CLOSING): {"h2h": ["IWCH", "IWCD", "IWCA"]},
    ("pinnacle", CLOSING): {
        "h2h": ["PSCH", "PSCD", "PSCA"],
        "totals": ["PC>2.5", "PC<2.5"],
        "spreads": ["PCAHH", "PCAHA"],
    },
    ("william_hill", CLOSING): {"h2h": ["WHCH", "WHCD", "WHCA"]},
    ("betvictor", CLOSING): {"h2h": ["VCCH", "VCCD", "VCCA"]},
}
E0_NON_ODDS = {
    "Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "HTHG", "HTAG",
    "HTR", "Referee", "HS", "AS", "HST", "AST", "HF", "AF", "HC", "AC", "HY", "AY", "HR",
    "AR", "AHh", "AHCh",
}  # fmt: skip


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def e0_path(shared_data: Path) -> Path:
    return shared_data / "footballdata" / "E0-2019-2020.csv"


@pytest.fixture(scope="module")
def e0_items(e0_path: Path) -> list:
    return list(footballdata.parse_file(e0_path))


@pytest.fixture(scope="module")
def e0_rows(e0_path: Path) -> list[dict[str, str]]:
    with e0_path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def captures(items: list) -> list[Capture]:
    return [item for item in items if isinstance(item, Capture)]


def problems(items: list) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


def phase(capture: Capture) -> str:
    return CLOSING if capture.captured_at == capture.event.commence_time else PRE


def find(items: list, *, home: str, bookmaker: str, phase_: str, date: str = "") -> Capture:
    """The one capture of ``home``'s match (on ``date``, when home plays more than once)."""
    matches = [
        c
        for c in captures(items)
        if c.event.home_team == home
        and c.bookmaker.key == bookmaker
        and phase(c) == phase_
        and f":{date}" in c.event.source_event_id
    ]
    assert len(matches) == 1, (home, bookmaker, phase_, len(matches))
    return matches[0]


def prices(capture: Capture, market_key: str) -> dict[str, Decimal]:
    (market,) = [m for m in capture.markets if m.key == market_key]
    return {o.name: o.price for o in market.outcomes}


def market(capture: Capture, market_key: str):
    (found,) = [m for m in capture.markets if m.key == market_key]
    return found


# --- the real file ---------------------------------------------------------------------


def test_e0_table_covers_every_bookmaker_column(e0_rows):
    """The hand table above is the whole truth: what is left over are the aggregates."""
    family_columns = {c for markets in E0_BOOKS.values() for cs in markets.values() for c in cs}
    leftover = set(e0_rows[0]) - E0_NON_ODDS - family_columns
    assert leftover
    assert all(column.startswith(("Max", "Avg")) for column in leftover), leftover


def test_e0_counts_match_the_csv(e0_items, e0_rows):
    expected_captures = 0
    expected_markets: Counter[str] = Counter()
    for row in e0_rows:
        for markets in E0_BOOKS.values():
            filled = [key for key, cols in markets.items() if all(row[c].strip() for c in cols)]
            expected_captures += bool(filled)
            expected_markets.update(filled)

    assert len(e0_rows) == 380
    assert problems(e0_items) == []
    assert len(captures(e0_items)) == expected_captures == 4560
    assert Counter(m.key for c in captures(e0_items) for m in c.markets) == expected_markets
    assert expected_markets == {"h2h": 4560, "totals": 1520, "spreads": 1520}
    assert len({c.event.source_event_id for c in captures(e0_items)}) == 380


def test_e0_every_price_matches_its_cell(e0_items, e0_rows):
    expected = {}
    for row in e0_rows:
        day, month, year = row["Date"].split("/")
        event_id = f"E0:{year}-{month}-{day}:{row['HomeTeam']}:{row['AwayTeam']}"
        for (book, phase_), markets in E0_BOOKS.items():
            expected[event_id, book, phase_] = {
                key: tuple(from_decimal(row[c]) for c in cols) for key, cols in markets.items()
            }
    got = {
        (c.event.source_event_id, c.bookmaker.key, phase(c)): {
            m.key: tuple(o.price for o in m.outcomes) for m in c.markets
        }
        for c in captures(e0_items)
    }
    assert got == expected


def test_e0_aggregates_are_not_bookmakers(e0_items):
    keys = {c.bookmaker.key for c in captures(e0_items)}
    assert keys == {"bet365", "bwin", "interwetten", "pinnacle", "william_hill", "betvictor"}
    assert not any(c.bookmaker.is_exchange for c in captures(e0_items))


def test_e0_first_match_prices(e0_items):
    pre = find(e0_items, home="Liverpool", date="2019-08-09", bookmaker="bet365", phase_=PRE)
    assert pre.event.source_event_id == "E0:2019-08-09:Liverpool:Norwich"
    assert pre.event.away_team == "Norwich"
    assert pre.event.sport_key == "soccer"
    assert (pre.event.tournament_key, pre.event.tournament_name, pre.event.country) == (
        "england_premier_league",
        "Premier League",
        "England",
    )
    assert prices(pre, "h2h") == {
        "home": Decimal("1.14"),
        "draw": Decimal("10"),
        "away": Decimal("19"),
    }
    totals = market(pre, "totals")
    assert totals.line == Decimal("2.5")
    assert prices(pre, "totals") == {"over": Decimal("1.4"), "under": Decimal("3")}
    spreads = market(pre, "spreads")
    assert spreads.line == Decimal("-2.25")  # AHh: Liverpool give 2.25 goals
    assert prices(pre, "spreads") == {"home": Decimal("1.96"), "away": Decimal("1.94")}
    assert pre.scope == frozenset({"h2h", "totals", "spreads"})
    assert pre.skipped_keys == frozenset()
    assert pre.raw["B365H"] == "1.14" and pre.raw["AHh"] == "-2.25"

    closing = find(
        e0_items, home="Liverpool", date="2019-08-09", bookmaker="pinnacle", phase_=CLOSING
    )
    assert prices(closing, "h2h") == {
        "home": Decimal("1.14"),
        "draw": Decimal("10.43"),
        "away": Decimal("19.63"),
    }
    assert prices(closing, "totals") == {"over": Decimal("1.34"), "under": Decimal("3.44")}
    assert market(closing, "spreads").line == Decimal("-2.25")  # AHCh
    assert prices(closing, "spreads") == {"home": Decimal("1.94"), "away": Decimal("1.98")}

    bet365_closing = find(
        e0_items, home="Liverpool", date="2019-08-09", bookmaker="bet365", phase_=CLOSING
    )
    assert prices(bet365_closing, "spreads") == {"home": Decimal("1.91"), "away": Decimal("1.99")}


def test_e0_capture_times(e0_items):
    # Friday 9 Aug 2019, 20:00 BST kick-off; odds taken that Friday at 16:00 BST.
    pre = find(e0_items, home="Liverpool", date="2019-08-09", bookmaker="bet365", phase_=PRE)
    assert pre.event.commence_time == utc(2019, 8, 9, 19, 0)
    assert pre.captured_at == utc(2019, 8, 9, 15, 0)
    closing = find(
        e0_items, home="Liverpool", date="2019-08-09", bookmaker="bet365", phase_=CLOSING
    )
    assert closing.captured_at == utc(2019, 8, 9, 19, 0)


@pytest.mark.parametrize(
    ("home", "date", "kickoff", "pre_match"),
    [
        # Monday 19 Aug 2019 20:00 BST: the Friday before.
        ("Wolves", "2019-08-19", utc(2019, 8, 19, 19, 0), utc(2019, 8, 16, 15, 0)),
        # Sunday 27 Oct 2019 16:30 GMT, the day clocks went back: Friday 16:00 was BST.
        ("Arsenal", "2019-10-27", utc(2019, 10, 27, 16, 30), utc(2019, 10, 25, 15, 0)),
        # Wednesday 4 Dec 2019 19:30 GMT: the Tuesday before, 16:00 GMT.
        ("Chelsea", "2019-12-04", utc(2019, 12, 4, 19, 30), utc(2019, 12, 3, 16, 0)),
    ],
)
def test_e0_capture_rule_across_weekdays_and_clock_changes(
    e0_items, home, date, kickoff, pre_match
):
    event_captures = [
        c
        for c in captures(e0_items)
        if c.event.home_team == home and c.event.source_event_id.startswith(f"E0:{date}:")
    ]
    assert {c.event.commence_time for c in event_captures} == {kickoff}
    assert {c.captured_at for c in event_captures} == {pre_match, kickoff}


def test_e0_capture_times_span(e0_path):
    # First: Liverpool v Norwich pre-match; last: the closing odds of 26 Jul 2020 16:00 BST.
    assert footballdata.capture_times(e0_path) == (utc(2019, 8, 9, 15, 0), utc(2020, 7, 26, 15, 0))


def test_parse_file_streams(e0_path):
    items = footballdata.parse_file(e0_path)
    assert isinstance(items, Iterator)
    first = next(items)
    assert isinstance(first, Capture)
    assert first.event.home_team == "Liverpool"
    items.close()


# --- hand-written fixtures -------------------------------------------------------------


def test_bom_short_dates_no_time_and_empty_cells():
    items = list(footballdata.parse_file(FIXTURES / "bom_short_dates.csv"))
    assert problems(items) == []
    got = [(c.event.home_team, c.bookmaker.key, phase(c)) for c in captures(items)]
    assert got == [
        ("Aston Villa", "bet365", PRE),
        ("Aston Villa", "ladbrokes", PRE),
        ("Aston Villa", "gamebookers", PRE),
        ("Aston Villa", "pinnacle", CLOSING),
        # Ladbrokes' and Gamebookers' cells are empty: no capture from them.
        ("Chelsea", "bet365", PRE),
        ("Chelsea", "pinnacle", CLOSING),
        # Only Pinnacle's closing cells are filled.
        ("Tottenham", "pinnacle", CLOSING),
    ]
    villa = captures(items)[0]
    # The BOM is not part of "Div"; dd/mm/yy; no Time column: 15:00 UK (BST) assumed.
    assert villa.event.source_event_id == "E0:2004-08-14:Aston Villa:Southampton"
    assert villa.event.commence_time == utc(2004, 8, 14, 14, 0)
    assert villa.captured_at == utc(2004, 8, 13, 15, 0)
    # Old files carry the bookmaker's own handicap (B365AH), preferred to Betbrain's BbAHh.
    assert market(villa, "spreads").line == Decimal("-0.25")
    assert villa.scope == frozenset({"h2h", "spreads"})
    # Betbrain maximum/average columns never become bookmakers.
    assert {c.bookmaker.key for c in captures(items)} == {
        "bet365",
        "ladbrokes",
        "gamebookers",
        "pinnacle",
    }


def test_bad_rows_give_problems_and_keep_the_rest():
    items = list(footballdata.parse_file(FIXTURES / "bad_rows.csv"))
    found = [(p.error_type, p.context["line"], p.context.get("column")) for p in problems(items)]
    assert found == [
        ("bad_price", 3, "B365H"),
        ("bad_price", 4, "PSD"),
        ("bad_price", 5, "B365CA"),
        ("missing_team", 6, None),
        ("bad_time", 7, None),
        ("bad_time", 8, None),
        ("bad_time", 9, None),
        ("bad_line", 10, "AHh"),
        ("bad_price", 11, "B365D"),
    ]
    # 7 good rows x (bet365, pinnacle) x (pre, closing), less Pinnacle's pre-match capture
    # on line 4, whose only market had the bad price.
    assert len(captures(items)) == 27
    assert {c.event.home_team for c in captures(items)} == {
        "Sheffield United",
        "Burnley",
        "Chelsea",
        "Crystal Palace",
        "Liverpool",
        "West Ham",
        "Man United",
    }
    assert not any(c.bookmaker.key in {"max", "avg"} for c in captures(items))


def test_bad_price_drops_only_its_market():
    items = list(footballdata.parse_file(FIXTURES / "bad_rows.csv"))
    (abc,) = [p for p in problems(items) if p.context["line"] == 3]
    assert abc.context == {
        "file": "bad_rows.csv",
        "line": 3,
        "column": "B365H",
        "value": "abc",
        "match": "Burnley v Tottenham 2020-03-07T15:00:00+00:00",
        "bookmaker": "bet365",
        "market": "h2h",
        "phase": PRE,
    }
    # The cause first: lists cut a message at ~120 characters.
    assert abc.message == (
        "price 'abc' is not a number; the pre-match h2h market of Bet365 is dropped"
        " — match Burnley v Tottenham 2020-03-07, column B365H, file bad_rows.csv line 3"
    )
    assert abc.bookmaker_key == "bet365" and abc.event.home_team == "Burnley"

    burnley = find(items, home="Burnley", bookmaker="bet365", phase_=PRE)
    assert [m.key for m in burnley.markets] == ["totals", "spreads"]
    # The h2h market was unreadable, not gone: it must not be judged gone.
    assert burnley.scope == frozenset({"h2h", "totals", "spreads"})
    assert burnley.skipped_keys == frozenset({"h2h"})
    assert not burnley.market_scope.covers(("h2h", "full_time", None))
    assert burnley.market_scope.covers(("totals", "full_time", Decimal("2.5")))

    palace = find(items, home="Crystal Palace", bookmaker="bet365", phase_=CLOSING)
    assert [m.key for m in palace.markets] == ["spreads"]
    (one,) = [p for p in problems(items) if p.context["line"] == 5]
    assert one.context["value"] == "1.0" and "above 1.0" in one.message

    (zero,) = [p for p in problems(items) if p.context["line"] == 4]
    assert zero.context["value"] == "0"
    chelsea_pinnacle = [
        c
        for c in captures(items)
        if c.event.home_team == "Chelsea" and c.bookmaker.key == "pinnacle"
    ]
    assert [phase(c) for c in chelsea_pinnacle] == [CLOSING]

    liverpool = find(items, home="Liverpool", bookmaker="bet365", phase_=PRE)
    assert [m.key for m in liverpool.markets] == ["h2h", "totals"]  # AHh 'x': spreads dropped
    west_ham = find(items, home="West Ham", bookmaker="bet365", phase_=PRE)
    assert [m.key for m in west_ham.markets] == ["totals", "spreads"]  # B365D empty


def test_bad_rows_problems_carry_the_row():
    items = list(footballdata.parse_file(FIXTURES / "bad_rows.csv"))
    by_line = {p.context["line"]: p for p in problems(items)}
    missing = by_line[6]
    assert missing.context["row"] == {
        "Div": "E0",
        "Date": "07/03/2020",
        "Time": "17:30",
        "HomeTeam": "",
        "AwayTeam": "Arsenal",
    }
    assert missing.message == "No HomeTeam; the match is skipped — file bad_rows.csv line 6"
    assert "31/02/2020" in by_line[7].message
    assert by_line[8].context["row"]["Date"] == "2020-03-08"
    assert "25:00" in by_line[9].message


def test_bad_rows_times_in_winter():
    items = list(footballdata.parse_file(FIXTURES / "bad_rows.csv"))
    sheffield = find(items, home="Sheffield United", bookmaker="bet365", phase_=PRE)
    assert sheffield.event.commence_time == utc(2020, 3, 7, 12, 30)  # GMT
    assert sheffield.captured_at == utc(2020, 3, 6, 16, 0)


def test_bookmaker_roster_of_newer_files():
    items = list(footballdata.parse_file(FIXTURES / "bookmakers.csv"))
    assert problems(items) == []
    united = [c for c in captures(items) if c.event.home_team == "Man United"]
    books = {(c.bookmaker.key, phase(c)) for c in united}
    assert books == {
        *((key, PRE) for key in ("1xbet", "bet365", "betfair_sportsbook", "betfred", "betmgm")),
        *((key, PRE) for key in ("betvictor", "coral", "ladbrokes", "xy", "betfair_exchange")),
        ("1xbet", CLOSING),
        ("betfair_exchange", CLOSING),
        ("william_hill", CLOSING),  # closing columns only: closing capture only
    }
    by_key = {c.bookmaker.key: c for c in united if phase(c) == PRE}
    # BFH/BFD/BFA is Betfair, BFDH/BFDD/BFDA is Betfred: "BFD" alone is Betfair's draw.
    assert prices(by_key["betfair_sportsbook"], "h2h")["draw"] == Decimal("4.2")
    assert prices(by_key["betfred"], "h2h") == {
        "home": Decimal("1.57"),
        "draw": Decimal("4"),
        "away": Decimal("5.5"),
    }
    exchange = by_key["betfair_exchange"]
    assert exchange.bookmaker.is_exchange
    assert exchange.scope == frozenset({"h2h", "totals", "spreads"})
    assert market(exchange, "spreads").line == Decimal("-0.75")
    assert by_key["xy"].bookmaker.name == "XY"
    assert not by_key["bet365"].bookmaker.is_exchange


@pytest.mark.parametrize(
    ("home", "kickoff", "pre_match"),
    [
        ("Man United", utc(2024, 8, 16, 19, 0), utc(2024, 8, 16, 15, 0)),  # Fri 20:00 BST
        ("Ipswich", utc(2024, 8, 16, 15, 30), utc(2024, 8, 16, 14, 30)),  # Fri 16:30: -1h
        ("Leicester", utc(2024, 8, 19, 19, 0), utc(2024, 8, 16, 15, 0)),  # Mon: Friday
        ("Alpha", utc(2024, 8, 22, 18, 45), utc(2024, 8, 20, 15, 0)),  # Thu: Tuesday
    ],
)
def test_pre_match_capture_rule(home, kickoff, pre_match):
    items = list(footballdata.parse_file(FIXTURES / "bookmakers.csv"))
    pre = [c for c in captures(items) if c.event.home_team == home and phase(c) == PRE]
    assert pre
    assert {c.event.commence_time for c in pre} == {kickoff}
    assert {c.captured_at for c in pre} == {pre_match}


def test_pre_match_time_on_a_collection_day():
    # Tuesday 16:30 kick-off: Tuesday 16:00 is under an hour before, so kick-off - 1h.
    assert footballdata.pre_match_time(utc(2020, 3, 10, 16, 30)) == utc(2020, 3, 10, 15, 30)
    # Tuesday 17:00 kick-off: Tuesday 16:00 is exactly an hour before.
    assert footballdata.pre_match_time(utc(2020, 3, 10, 17, 0)) == utc(2020, 3, 10, 16, 0)


def test_unknown_division_keeps_its_code():
    items = list(footballdata.parse_file(FIXTURES / "bookmakers.csv"))
    (alpha,) = [c for c in captures(items) if c.event.home_team == "Alpha"]
    assert alpha.event.source_event_id == "X9:2024-08-22:Alpha:Beta"
    assert (alpha.event.tournament_key, alpha.event.tournament_name) == ("x9", "X9")
    assert alpha.bookmaker.key == "bet365"


def test_line_that_is_not_utf8_is_read_as_windows_1252():
    items = list(footballdata.parse_file(FIXTURES / "cp1252_team.csv"))
    assert [c.event.home_team for c in captures(items)] == ["Málaga", "Betis"]
    assert captures(items)[0].event.tournament_key == "spain_la_liga"


def test_not_a_footballdata_csv():
    with pytest.raises(SourceError) as raised:
        list(footballdata.parse_file(FIXTURES / "not_footballdata.csv"))
    assert raised.value.error_type == "unknown_format"
    assert raised.value.context["missing_columns"] == ["Div", "HomeTeam", "AwayTeam"]
    assert "Div, HomeTeam, AwayTeam" in raised.value.message
    assert "not_footballdata.csv" in raised.value.message


def test_empty_file():
    with pytest.raises(SourceError) as raised:
        list(footballdata.parse_file(FIXTURES / "empty.csv"))
    assert raised.value.error_type == "unknown_format"
    assert "empty" in raised.value.message


def test_missing_file(tmp_path):
    path = tmp_path / "E0.csv"
    with pytest.raises(SourceError) as raised:
        list(footballdata.parse_file(path))
    assert raised.value.error_type == "missing_file"
    assert str(path) in raised.value.message
    assert raised.value.as_problem().fatal
    with pytest.raises(SourceError):
        footballdata.capture_times(path)


def test_a_folder_is_unreadable(tmp_path):
    with pytest.raises(SourceError) as raised:
        list(footballdata.parse_file(tmp_path))
    assert raised.value.error_type == "unreadable_file"


def test_capture_times_of_a_file_with_pre_match_odds_only():
    # Saturday and Sunday games, no closing columns: both captured the Friday before.
    friday = utc(2005, 8, 26, 15, 0)
    assert footballdata.capture_times(FIXTURES / "cp1252_team.csv") == (friday, friday)


def test_a_file_without_odds_has_no_captures():
    assert list(footballdata.parse_file(FIXTURES / "no_odds.csv")) == []
    assert footballdata.capture_times(FIXTURES / "no_odds.csv") is None

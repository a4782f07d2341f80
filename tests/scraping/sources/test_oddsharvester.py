"""OddsHarvester adapter: real OddsPortal captures and hand-written edge cases.

Expected counts are computed here from the raw JSON, independently of the adapter, so a
parser that silently drops or invents markets fails.
"""

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from odds.captures import OPEN, SUSPENDED, Capture, Problem
from scraping.sources.base import SourceError
from scraping.sources.oddsharvester import capture_times, market_spec, parse_file, parse_records

FT = "full_time"

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oddsharvester"
MATCH = "oddsharvester/football/premier-league/leicester-brentford-xQ77QTN0"
CAPTURE_FILES = [
    "1x2_1st_half_all.json",
    "1x2_btts_double_chance_full_time_all.json",
    "1x2_full_time_all.json",
    "1x2_full_time_classic.json",
    "over_under_1_5_over_under_2_5_full_time_all.json",
]
# What each real list key means, written out by hand for the independent count.
EXPECTED_MARKET = {
    "1x2_market": ("h2h", None),
    "btts_market": ("btts", None),
    "double_chance_market": ("double_chance", None),
    "over_under_1_5_market": ("totals", Decimal("1.5")),
    "over_under_2_5_market": ("totals", Decimal("2.5")),
}


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)


def _split(items):
    items = list(items)
    captures = [i for i in items if isinstance(i, Capture)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(captures) + len(problems) == len(items)
    return captures, problems


def _find(captures, *, bookmaker: str, scraped: str | None = None) -> Capture:
    found = [
        c
        for c in captures
        if c.bookmaker.name == bookmaker and (scraped is None or c.captured_at == _utc(scraped))
    ]
    assert len(found) == 1, f"{len(found)} captures of {bookmaker} at {scraped}"
    return found[0]


def _market(capture: Capture, key: str, line: Decimal | None = None):
    found = [m for m in capture.markets if m.key == key and m.line == line]
    assert len(found) == 1, f"{len(found)} {key} markets at line {line}"
    return found[0]


def _prices(market) -> dict[str, Decimal]:
    return {o.name: o.price for o in market.outcomes}


def _real(shared_data: Path, name: str) -> Path:
    return shared_data / MATCH / name


# --- real files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CAPTURE_FILES)
def test_real_file_counts_match_the_raw_json(shared_data, name):
    path = _real(shared_data, name)
    records = json.loads(path.read_text())
    pairs = set()
    expected_markets = Counter()
    for index, record in enumerate(records):
        for key, entries in record.items():
            if key.endswith("_market"):
                for entry in entries:
                    pairs.add((index, entry["bookmaker_name"]))
                    expected_markets[EXPECTED_MARKET[key]] += 1

    captures, problems = _split(parse_file(path))

    assert problems == []
    assert len(captures) == len(pairs)
    got = Counter((m.key, m.line) for c in captures for m in c.markets)
    assert got == expected_markets
    assert {(c.captured_at, c.bookmaker.name) for c in captures} == {
        (_utc(records[i]["scraped_date"]), b) for i, b in pairs
    }


def test_real_file_counts_measured(shared_data):
    """The numbers reported for the real data, pinned so a change in them is noticed."""
    counts = {}
    for name in CAPTURE_FILES:
        captures, _ = _split(parse_file(_real(shared_data, name)))
        counts[name] = (len(captures), sum(len(c.markets) for c in captures))
    assert counts == {
        "1x2_1st_half_all.json": (16, 16),
        "1x2_btts_double_chance_full_time_all.json": (20, 44),
        "1x2_full_time_all.json": (25, 25),
        "1x2_full_time_classic.json": (16, 16),
        "over_under_1_5_over_under_2_5_full_time_all.json": (20, 40),
    }


def test_real_prices_spot_checked(shared_data):
    captures, _ = _split(
        parse_file(_real(shared_data, "1x2_btts_double_chance_full_time_all.json"))
    )
    betclic = _find(captures, bookmaker="Betclic.fr", scraped="2026-02-02 09:28:30 UTC")

    assert _prices(_market(betclic, "h2h")) == {
        "home": Decimal("3.50"),
        "draw": Decimal("3.67"),
        "away": Decimal("1.96"),
    }
    assert _prices(_market(betclic, "btts")) == {"yes": Decimal("1.49"), "no": Decimal("2.32")}
    assert _prices(_market(betclic, "double_chance")) == {
        "home_draw": Decimal("1.71"),
        "home_away": Decimal("1.25"),
        "draw_away": Decimal("1.26"),
    }
    assert all(m.period == "full_time" for m in betclic.markets)
    assert all(o.status == OPEN for m in betclic.markets for o in m.outcomes)
    # Winamax is in the 1X2 list only: its capture has h2h alone, yet judges all three keys.
    winamax = _find(captures, bookmaker="Winamax", scraped="2026-02-02 09:28:30 UTC")
    assert [m.key for m in winamax.markets] == ["h2h"]
    assert winamax.scope == frozenset(
        {("h2h", FT, None), ("btts", FT, None), ("double_chance", FT, None)}
    )


def test_real_over_under_lines(shared_data):
    path = _real(shared_data, "over_under_1_5_over_under_2_5_full_time_all.json")
    captures, _ = _split(parse_file(path))
    betclic = _find(captures, bookmaker="Betclic.fr", scraped="2026-02-02 09:29:12 UTC")

    over_2_5 = _market(betclic, "totals", Decimal("2.5"))
    assert over_2_5.line == Decimal("2.5")
    assert _prices(over_2_5) == {"over": Decimal("1.55"), "under": Decimal("2.25")}
    assert _prices(_market(betclic, "totals", Decimal("1.5"))) == {
        "over": Decimal("1.16"),
        "under": Decimal("4.40"),
    }
    assert betclic.scope == frozenset(
        {("totals", FT, Decimal("1.5")), ("totals", FT, Decimal("2.5"))}
    )


def test_real_first_half_period(shared_data):
    captures, _ = _split(parse_file(_real(shared_data, "1x2_1st_half_all.json")))

    assert {m.period for c in captures for m in c.markets} == {"first_half"}
    betclic = _find(captures, bookmaker="Betclic.fr", scraped="2026-02-02 09:29:46 UTC")
    assert _prices(_market(betclic, "h2h")) == {
        "home": Decimal("3.72"),
        "draw": Decimal("2.34"),
        "away": Decimal("2.36"),
    }


def test_real_event_and_bookmakers(shared_data):
    captures, _ = _split(parse_file(_real(shared_data, "1x2_full_time_all.json")))
    event = captures[0].event

    assert {c.event for c in captures} == {event}
    assert event.source == "oddsharvester"
    assert event.source_event_id == "xQ77QTN0"
    assert (event.sport_key, event.sport_name) == ("soccer", "Soccer")
    assert event.tournament_key == "england_premier_league"
    assert event.tournament_name == "Premier League"
    assert event.country == "England"
    assert (event.home_team, event.away_team) == ("Leicester", "Brentford")
    assert event.commence_time == datetime(2025, 2, 21, 20, 0, tzinfo=UTC)
    assert {c.bookmaker.key for c in captures} == {
        "betclic_fr",
        "bets_io",
        "bwin_fr",
        "unibet_fr",
        "winamax",
    }
    assert not any(c.bookmaker.is_exchange for c in captures)
    first = _find(captures, bookmaker="Bets.io", scraped="2026-02-02 09:28:07 UTC")
    assert first.raw == {
        "1x2_market": [
            {
                "1": "3.60",
                "X": "3.70",
                "2": "1.98",
                "bookmaker_name": "Bets.io",
                "period": "FullTime",
                "submarket_name": "1X2",
            }
        ]
    }
    assert first.event_url.endswith("leicester-brentford-xQ77QTN0")


def test_each_file_scopes_only_its_own_markets(shared_data):
    """h2h in the BTTS file and h2h in the 1X2 file are judged by their own file only."""
    scopes = {}
    for name in CAPTURE_FILES:
        captures, _ = _split(parse_file(_real(shared_data, name)))
        scopes[name] = {c.scope for c in captures}
    assert scopes["1x2_full_time_classic.json"] == {frozenset({("h2h", FT, None)})}
    assert scopes["1x2_1st_half_all.json"] == {frozenset({("h2h", "first_half", None)})}
    assert scopes["1x2_btts_double_chance_full_time_all.json"] == {
        frozenset({("h2h", FT, None), ("btts", FT, None), ("double_chance", FT, None)})
    }
    assert scopes["over_under_1_5_over_under_2_5_full_time_all.json"] == {
        frozenset({("totals", FT, Decimal("1.5")), ("totals", FT, Decimal("2.5"))})
    }


def test_metadata_yields_nothing(shared_data):
    path = _real(shared_data, "metadata.json")
    assert list(parse_file(path)) == []
    assert capture_times(path) is None


def test_capture_times_are_the_first_and_last_scrape(shared_data):
    for name in CAPTURE_FILES:
        path = _real(shared_data, name)
        dates = [_utc(r["scraped_date"]) for r in json.loads(path.read_text())]
        assert capture_times(path) == (min(dates), max(dates))


# --- hand-written fixtures: markets the real files lack -----------------------------------


def _fixture(name: str):
    return _split(parse_file(FIXTURES / name))


def test_asian_handicap_lines_are_the_home_handicap():
    captures, _ = _fixture("handicaps_dnb_blocked.json")
    pinnacle = _find(captures, bookmaker="Pinnacle")
    bet365 = _find(captures, bookmaker="bet365")

    minus = _market(pinnacle, "spreads", Decimal("-1.5"))
    assert _prices(minus) == {"home": Decimal("2.10"), "away": Decimal("1.75")}
    assert _prices(_market(bet365, "spreads", Decimal("-1.5"))) == {
        "home": Decimal("2.05"),
        "away": Decimal("1.80"),
    }
    plus = _market(pinnacle, "spreads", Decimal("0.25"))
    assert _prices(plus) == {"home": Decimal("1.62"), "away": Decimal("2.30")}


def test_european_handicap_and_draw_no_bet():
    captures, _ = _fixture("handicaps_dnb_blocked.json")
    pinnacle = _find(captures, bookmaker="Pinnacle")

    handicap = _market(pinnacle, "european_handicap", Decimal("-1"))
    assert [o.name for o in handicap.outcomes] == ["home", "draw", "away"]
    assert _prices(handicap) == {
        "home": Decimal("2.90"),
        "draw": Decimal("3.60"),
        "away": Decimal("2.25"),
    }
    assert _prices(_market(pinnacle, "draw_no_bet")) == {
        "home": Decimal("1.45"),
        "away": Decimal("2.70"),
    }
    assert pinnacle.event.tournament_key == "spain_laliga"
    assert pinnacle.event.tournament_name == "LaLiga"
    assert pinnacle.event.source_event_id == "Ab3dEf7H"


def test_blocked_outcome_is_suspended_with_its_last_price():
    captures, _ = _fixture("handicaps_dnb_blocked.json")
    h2h = _market(_find(captures, bookmaker="Pinnacle"), "h2h")

    assert {o.name: (o.price, o.status) for o in h2h.outcomes} == {
        "home": (Decimal("1.80"), OPEN),
        "draw": (Decimal("3.90"), SUSPENDED),
        "away": (Decimal("4.20"), OPEN),
    }


def test_blocked_outcome_without_a_price_drops_only_that_market():
    captures, problems = _fixture("handicaps_dnb_blocked.json")
    bet365 = _find(captures, bookmaker="bet365")

    assert [m.key for m in bet365.markets] == ["spreads"]
    assert bet365.skipped_keys == frozenset({("h2h", "full_time", None)})
    assert not bet365.market_scope.covers(("h2h", "full_time", None))
    [problem] = [p for p in problems if p.error_type == "suspended_without_price"]
    assert problem.bookmaker_key == "bet365"
    assert problem.context["label"] == "X"
    assert problem.context["value"] == "-"
    assert problem.context["market"] == "1x2_market"


def test_placeholder_row_means_not_offered_and_exchange_is_flagged():
    captures, problems = _fixture("handicaps_dnb_blocked.json")
    exchange = _find(captures, bookmaker="Betfair Exchange")

    assert exchange.bookmaker.key == "betfair_exchange"
    assert exchange.bookmaker.is_exchange
    assert [m.key for m in exchange.markets] == ["draw_no_bet"]
    assert exchange.skipped_keys == frozenset()
    # shown without odds: judged gone, not skipped
    assert exchange.market_scope.covers(("h2h", "full_time", None))
    assert not [p for p in problems if p.bookmaker_key == "betfair_exchange"]


def test_duplicate_entry_keeps_the_first():
    captures, problems = _fixture("handicaps_dnb_blocked.json")
    pinnacle = _find(captures, bookmaker="Pinnacle")

    assert _market(pinnacle, "h2h").outcomes[0].price == Decimal("1.80")
    [duplicate] = [p for p in problems if p.error_type == "duplicate_market"]
    assert duplicate.bookmaker_key == "pinnacle"
    assert duplicate.context["entry"]["1"] == "1.70"
    assert not pinnacle.skipped_keys
    assert len(problems) == 2  # the duplicate and bet365's priceless suspension


@pytest.mark.parametrize(
    ("bookmaker", "value", "label", "outcome"),
    [
        ("Pinnacle", "abc", "1", "home"),
        ("bet365", "1.00", "X", "draw"),
        ("Unibet.fr", "0", "2", "away"),
        ("bwin.fr", "NaN", "1", "home"),
    ],
)
def test_bad_price_drops_only_its_market(bookmaker, value, label, outcome):
    captures, problems = _fixture("bad_input.json")
    first = [c for c in captures if c.captured_at == _utc("2026-03-02 08:00:00 UTC")]
    capture = _find(first, bookmaker=bookmaker)

    assert "h2h" not in [m.key for m in capture.markets]
    assert capture.skipped_keys == frozenset({("h2h", FT, None)})
    [problem] = [
        p for p in problems if p.error_type == "bad_price" and p.context["bookmaker"] == bookmaker
    ]
    assert problem.context["value"] == value
    assert problem.context["label"] == label
    assert problem.context["outcome"] == outcome
    assert problem.context["market"] == "1x2_market"
    assert problem.context["market_key"] == "h2h"
    assert problem.context["match"] == "Zx81QmP2"
    assert problem.context["origin"].endswith("bad_input.json")
    assert problem.bookmaker_key == capture.bookmaker.key
    assert problem.event == capture.event
    assert value in problem.message and "1x2_market" in problem.message
    assert problem.message.startswith(f"{label} ({outcome}): price ")  # the cause first


def test_bad_prices_keep_the_valid_rest():
    captures, problems = _fixture("bad_input.json")
    first = [c for c in captures if c.captured_at == _utc("2026-03-02 08:00:00 UTC")]

    assert len(first) == 5
    assert _prices(_market(_find(first, bookmaker="Pinnacle"), "btts")) == {
        "yes": Decimal("1.70"),
        "no": Decimal("2.10"),
    }
    assert _prices(_market(_find(first, bookmaker="Winamax"), "h2h"))["home"] == Decimal("2.35")
    assert Counter(p.error_type for p in problems) == {
        "bad_price": 4,
        "missing_team": 1,
        "bad_time": 1,
    }


def test_missing_team_and_bad_time_skip_only_their_record():
    captures, problems = _fixture("bad_input.json")

    [missing] = [p for p in problems if p.error_type == "missing_team"]
    assert missing.context["field"] == "away_team"
    assert missing.context["record"] == 1
    [bad_time] = [p for p in problems if p.error_type == "bad_time"]
    assert bad_time.context["value"] == "yesterday"
    assert bad_time.context["record"] == 2
    assert "scraped_date" in bad_time.message
    assert {c.captured_at for c in captures} == {
        _utc("2026-03-02 08:00:00 UTC"),
        _utc("2026-03-02 10:00:00 UTC"),
    }
    last = _find(captures, bookmaker="Pinnacle", scraped="2026-03-02 10:00:00 UTC")
    assert _market(last, "h2h").outcomes[0].price == Decimal("2.28")


def test_other_shapes_are_reported_and_the_rest_kept():
    captures, problems = _fixture("other_shapes.json")
    kinds = Counter(p.error_type for p in problems)

    assert kinds == {
        "missing_bookmaker": 1,
        "line_mismatch": 1,
        "market_not_scraped": 1,
        "unknown_market": 1,
        "bad_record": 1,
    }
    football = _find(captures, bookmaker="Betclic.fr", scraped="2026-10-01 08:03:58 UTC")
    # The newer head-to-head link: match id after "#", no country or league in the path.
    assert football.event.source_event_id == "xQ77QTN0"
    assert football.event.tournament_key == "premier_league"
    assert football.event.country == ""
    assert [m.key for m in football.markets] == ["h2h"]
    # [] and null lists say nothing; the unknown market is not in scope either.
    assert {entry[0] for entry in football.scope} == {"h2h", "totals"}
    assert {entry[0] for entry in football.skipped_keys} == {"totals"}
    [mismatch] = [p for p in problems if p.error_type == "line_mismatch"]
    assert mismatch.context["submarket_name"] == "Over/Under +3.5"


def test_basketball_winner_markets_and_periods():
    captures, _ = _fixture("other_shapes.json")
    nba = _find(captures, bookmaker="Betclic.fr", scraped="2026-02-02 09:31:16 UTC")

    assert (nba.event.sport_key, nba.event.tournament_key) == ("basketball", "usa_nba")
    assert nba.event.country == "USA"
    got = {(m.key, m.period, m.line): _prices(m) for m in nba.markets}
    assert got == {
        ("h2h_3_way", "full_time", None): {
            "home": Decimal("2.91"),
            "draw": Decimal("15.75"),
            "away": Decimal("1.42"),
        },
        ("h2h", "full_time", None): {"home": Decimal("2.80"), "away": Decimal("1.38")},
        ("totals", "full_time", Decimal("220.5")): {
            "over": Decimal("1.90"),
            "under": Decimal("1.90"),
        },
        ("spreads", "first_quarter", Decimal("-5.5")): {
            "home": Decimal("1.95"),
            "away": Decimal("1.85"),
        },
    }


@pytest.mark.parametrize(
    ("name", "sport_key", "key", "line"),
    [
        ("asian_handicap_-1_75", "soccer", "spreads", Decimal("-1.75")),
        ("asian_handicap_0", "soccer", "spreads", Decimal("0")),
        ("european_handicap_+2", "soccer", "european_handicap", Decimal("2")),
        ("over_under_1", "soccer", "totals", Decimal("1")),
        ("over_under_games_22_5", "tennis", "totals", Decimal("22.5")),
        ("over_under_sets_2_5", "tennis", "totals_sets", Decimal("2.5")),
        ("asian_handicap_+1_0_sets", "tennis", "spreads_sets", Decimal("1")),
        ("asian_handicap_-9_5_points", "volleyball", "spreads", Decimal("-9.5")),
        ("handicap_-4_5", "rugbyleague", "spreads", Decimal("-4.5")),
        ("match_winner", "tennis", "h2h", None),
        ("home_away", "handball", "h2h_2_way", None),
        ("1x2", "icehockey", "h2h_3_way", None),
        ("dnb", "soccer", "draw_no_bet", None),
    ],
)
def test_market_names_map_to_the_vocabulary(name, sport_key, key, line):
    spec = market_spec(name, sport_key=sport_key)
    assert spec is not None
    assert (spec.key, spec.line) == (key, line)


@pytest.mark.parametrize("name", ["correct_score_2_0", "over_under_2_12345", "asian_handicap_x"])
def test_unmapped_market_names(name):
    assert market_spec(name, sport_key="soccer") is None


def test_parse_records_takes_a_list_and_names_its_origin():
    records = json.loads((FIXTURES / "bad_input.json").read_text())
    captures, problems = _split(parse_records(records[1:3], origin="upload-7"))

    assert captures == []
    assert {p.context["origin"] for p in problems} == {"upload-7"}
    assert {p.context["record"] for p in problems} == {0, 1}


# --- whole-file failures -----------------------------------------------------------------


def test_truncated_json_names_the_file_and_position():
    path = FIXTURES / "truncated.json"
    with pytest.raises(SourceError) as raised:
        list(parse_file(path))

    error = raised.value
    assert error.error_type == "bad_json"
    assert "truncated.json" in error.message and "line 12, column 103" in error.message
    assert error.message.startswith("Not valid JSON (truncated or corrupt?): ")
    assert error.message.endswith(f" — file {path}")
    assert error.context["file"] == str(path)
    assert error.context["line"] == 12
    assert 0 < error.context["position"] <= len(path.read_text())


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(SourceError) as raised:
        list(parse_file(path))
    assert raised.value.error_type == "missing_file"
    assert str(path) in raised.value.message
    with pytest.raises(SourceError):
        capture_times(path)


@pytest.mark.parametrize("content", ['{"foo": 1}', "[1, 2]", '"text"', "42"])
def test_unknown_format(tmp_path, content):
    path = tmp_path / "odd.json"
    path.write_text(content)
    with pytest.raises(SourceError) as raised:
        list(parse_file(path))
    assert raised.value.error_type == "unknown_format"
    assert str(path) in raised.value.message


def test_empty_list_yields_nothing(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]")
    assert list(parse_file(path)) == []
    assert capture_times(path) is None

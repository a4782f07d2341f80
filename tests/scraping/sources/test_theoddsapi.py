"""The Odds API parsing: real responses (counts computed from the raw JSON) and bad input."""

import gzip
import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from odds.captures import FULL_TIME, Capture, Problem
from scraping.sources.base import SourceError
from scraping.sources.theoddsapi import (
    capture_times,
    map_market_key,
    parse_events,
    parse_file,
    scope_for,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "theoddsapi"
EPL_EVENT = "c0b7e9f9418d9e6c9e7ad46b6e0f3352"  # Manchester United v Nottingham Forest


def _raw(path: Path) -> list:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    return document["data"] if isinstance(document, dict) else document


def _split(items) -> tuple[list[Capture], list[Problem]]:
    items = list(items)
    captures = [i for i in items if isinstance(i, Capture)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(captures) + len(problems) == len(items)
    return captures, problems


def _capture(captures: list[Capture], event_id: str, bookmaker: str) -> Capture:
    (found,) = [
        c for c in captures if c.event.source_event_id == event_id and c.bookmaker.key == bookmaker
    ]
    return found


def _market(capture: Capture, key: str, period: str = FULL_TIME, line=None):
    (found,) = [m for m in capture.markets if m.identity == (key, period, line)]
    return {o.name: o.price for o in found.outcomes}


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- real files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "soccer_epl.2022-12.json",
        "basketball_nba.2022-12.json",
        "soccer_uefa_champs_league.2022-12.json",
    ],
)
def test_real_lists_give_one_capture_per_event_bookmaker(shared_data, name):
    path = shared_data / "theoddsapi" / name
    raw = _raw(path)
    pairs = [(e["id"], b["key"]) for e in raw for b in e["bookmakers"]]
    markets = Counter(m["key"] for e in raw for b in e["bookmakers"] for m in b["markets"])
    newest = max(_time(b["last_update"]) for e in raw for b in e["bookmakers"])

    captures, problems = _split(parse_file(path))

    assert problems == []
    assert sorted((c.event.source_event_id, c.bookmaker.key) for c in captures) == sorted(pairs)
    assert Counter(m.key for c in captures for m in c.markets) == markets
    assert {c.captured_at for c in captures} == {newest}
    assert {c.scope for c in captures} == {frozenset((key, FULL_TIME) for key in markets)}
    assert all(m.period == FULL_TIME for c in captures for m in c.markets)


def test_real_list_counts_measured(shared_data):
    # The numbers the report quotes, pinned so a change in them is noticed.
    captures, _ = _split(parse_file(shared_data / "theoddsapi" / "soccer_epl.2022-12.json"))
    assert len(captures) == 333
    assert Counter(m.key for c in captures for m in c.markets) == {
        "h2h": 329,
        "totals": 179,
        "spreads": 84,
        "h2h_lay": 22,
    }


def test_real_epl_american_prices_convert_exactly(shared_data):
    captures, _ = _split(parse_file(shared_data / "theoddsapi" / "soccer_epl.2022-12.json"))
    barstool = _capture(captures, EPL_EVENT, "barstool")
    # Raw: Over +112, Under -148 at 2.5 goals.
    assert _market(barstool, "totals", line=Decimal("2.5")) == {
        "over": Decimal("2.12"),
        "under": Decimal("1.6757"),
    }
    assert barstool.event.home_team == "Manchester United"
    assert barstool.event.away_team == "Nottingham Forest"
    assert barstool.event.sport_key == "soccer"
    assert barstool.event.sport_name == "Soccer"
    assert barstool.event.tournament_key == "soccer_epl"
    assert barstool.event.tournament_name == "EPL"
    assert barstool.event.commence_time == datetime(2022, 12, 27, 20, 0, 27, tzinfo=UTC)
    assert barstool.source_updated_at == datetime(2022, 12, 27, 21, 39, 51, tzinfo=UTC)
    assert barstool.raw["event_id"] == EPL_EVENT
    assert barstool.raw["key"] == "barstool"


def test_real_epl_h2h_roles_spreads_and_lay(shared_data):
    captures, _ = _split(parse_file(shared_data / "theoddsapi" / "soccer_epl.2022-12.json"))
    # William Hill: Man Utd -17500, Forest +9000, Draw +1600.
    assert _market(_capture(captures, EPL_EVENT, "williamhill_us"), "h2h") == {
        "home": Decimal("1.0057"),
        "away": Decimal("91"),
        "draw": Decimal("17"),
    }
    # MyBookie: Man Utd -2.5 at +120, Forest +2.5 at -181: the line is the home point.
    mybookie = _capture(captures, EPL_EVENT, "mybookieag")
    assert _market(mybookie, "spreads", line=Decimal("-2.5")) == {
        "home": Decimal("2.2"),
        "away": Decimal("1.5525"),
    }
    # Betfair lays: Man Utd -5000, Forest +99900, Draw +13900; Betfair is an exchange.
    betfair = _capture(captures, EPL_EVENT, "betfair")
    assert _market(betfair, "h2h_lay") == {
        "home": Decimal("1.02"),
        "away": Decimal("1000"),
        "draw": Decimal("140"),
    }
    assert betfair.bookmaker.is_exchange is True
    assert mybookie.bookmaker.is_exchange is False
    exchanges = {c.bookmaker.key for c in captures if c.bookmaker.is_exchange}
    assert exchanges == {"betfair"}


def test_real_nba_spreads_and_totals_lines(shared_data):
    captures, _ = _split(parse_file(shared_data / "theoddsapi" / "basketball_nba.2022-12.json"))
    draftkings = _capture(captures, "066aa4c604d177adc145976864d73fe8", "draftkings")
    assert draftkings.event.home_team == "Orlando Magic"
    assert draftkings.event.sport_key == "basketball"
    assert draftkings.event.sport_name == "Basketball"
    # Raw: Lakers +3.5 / Magic -3.5 at -110 each; Over/Under 236.5 at -110.
    assert _market(draftkings, "spreads", line=Decimal("-3.5")) == {
        "away": Decimal("1.9091"),
        "home": Decimal("1.9091"),
    }
    assert _market(draftkings, "totals", line=Decimal("236.5")) == {
        "over": Decimal("1.9091"),
        "under": Decimal("1.9091"),
    }
    # Raw h2h: Lakers +135, Magic -155.
    assert _market(draftkings, "h2h") == {"away": Decimal("2.35"), "home": Decimal("1.6452")}


@pytest.mark.slow
def test_real_history_envelopes(shared_data):
    paths = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
    assert len(paths) == 41
    total = 0
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            envelope = json.load(handle)
        raw = envelope["data"]
        markets = Counter(m["key"] for e in raw for b in e["bookmakers"] for m in b["markets"])

        captures, problems = _split(parse_file(path))

        assert problems == []
        assert len(captures) == sum(len(e["bookmakers"]) for e in raw)
        assert Counter(m.key for c in captures for m in c.markets) == markets
        assert {c.captured_at for c in captures} == {_time(envelope["timestamp"])}
        assert capture_times(path) == (_time(envelope["timestamp"]),) * 2
        total += len(captures)
    assert total == 34537


def test_real_history_sports_and_bookmakers(shared_data):
    path = shared_data / "theoddsapi-history" / "2026-01-10T010842Z.json.gz"
    captures, _ = _split(parse_file(path))
    sports = {(c.event.tournament_key, c.event.sport_key, c.event.sport_name) for c in captures}
    assert sports == {
        ("soccer", "soccer", "Soccer"),
        ("mma_mixed_martial_arts", "mma", "MMA"),
        ("icehockey_nhl", "icehockey", "Ice Hockey"),
        ("basketball_nba", "basketball", "Basketball"),
        ("americanfootball_nfl", "americanfootball", "American Football"),
    }
    assert {c.bookmaker.key for c in captures} == {"betmgm", "betonlineag", "draftkings", "fanduel"}
    assert len(captures) == 813


def test_explicit_captured_at_wins_over_envelope(shared_data):
    path = shared_data / "theoddsapi-history" / "2026-01-10T010842Z.json.gz"
    when = datetime(2026, 1, 10, 1, 9, tzinfo=UTC)
    captures, _ = _split(parse_file(path, captured_at=when))
    assert {c.captured_at for c in captures} == {when}


def test_real_error_body_is_an_api_error(shared_data):
    path = shared_data / "theoddsapi" / "error-invalid-market-combo.json"
    with pytest.raises(SourceError) as caught:
        list(parse_file(path))
    assert caught.value.error_type == "api_error"
    assert "Invalid parameter combination" in caught.value.message
    assert "INVALID_MARKET_COMBO" in caught.value.message
    assert caught.value.message.startswith("an error answer from The Odds API, not odds:")
    assert caught.value.message.endswith(f" — {path}")


def test_capture_times_of_lists_and_unreadable_files(shared_data, tmp_path):
    epl = shared_data / "theoddsapi" / "soccer_epl.2022-12.json"
    newest = max(_time(b["last_update"]) for e in _raw(epl) for b in e["bookmakers"])
    assert capture_times(epl) == (newest, newest)
    assert (
        capture_times(FIXTURES / "markets-decimal.json")
        == (datetime(2024, 3, 9, 10, 2, 30, tzinfo=UTC),) * 2
    )
    assert capture_times(FIXTURES / "no-last-update.json") is None
    assert capture_times(tmp_path / "absent.json") is None


# --- vocabulary (hand-written decimal fixture) -----------------------------------------------


def test_market_vocabulary_from_fixture():
    captures, problems = _split(parse_file(FIXTURES / "markets-decimal.json"))
    assert problems == []
    # captured_at: the newest last_update, here a market-level one on Betfair.
    assert {c.captured_at for c in captures} == {datetime(2024, 3, 9, 10, 2, 30, tzinfo=UTC)}

    pinnacle = _capture(captures, "fx-soccer-1", "pinnacle")
    # Every (key, period) in the file is in every capture's scope.
    assert pinnacle.scope == {
        ("h2h", FULL_TIME),
        ("spreads", FULL_TIME),
        ("totals", FULL_TIME),
        ("h2h", "first_half"),
        ("btts", FULL_TIME),
        ("draw_no_bet", FULL_TIME),
        ("h2h_lay", FULL_TIME),
        ("team_totals", FULL_TIME),
        ("total_corners", FULL_TIME),
        ("h2h", "first_quarter"),
        ("spreads", "second_half"),
        ("h2h_3_way", FULL_TIME),
        ("totals", "first_period"),
    }
    assert pinnacle.event.tournament_name == "Bundesliga - Germany"
    assert _market(pinnacle, "h2h", "first_half") == {
        "home": Decimal("1.5"),
        "away": Decimal("9"),
        "draw": Decimal("3.1"),
    }
    assert _market(pinnacle, "btts") == {"yes": Decimal("1.7"), "no": Decimal("2.1")}
    assert _market(pinnacle, "draw_no_bet") == {"home": Decimal("1.04"), "away": Decimal("11")}
    # Alternates split into one market per line; the main line is not repeated.
    spreads = sorted(m.line for m in pinnacle.markets if m.key == "spreads")
    assert spreads == [Decimal("-3.5"), Decimal("-2.5"), Decimal("-1.5")]
    assert _market(pinnacle, "spreads", line=Decimal("-3.5")) == {
        "home": Decimal("3.1"),
        "away": Decimal("1.36"),
    }
    totals = sorted(m.line for m in pinnacle.markets if m.key == "totals")
    assert totals == [Decimal("2.5"), Decimal("3.5"), Decimal("4.5")]
    # Decimal odds stay exact: 2.15 is 2.15.
    assert _market(pinnacle, "spreads", line=Decimal("-2.5"))["home"] == Decimal("2.15")
    assert str(_market(pinnacle, "spreads", line=Decimal("-2.5"))["home"]) == "2.15"

    betfair = _capture(captures, "fx-soccer-1", "betfair_ex_eu")
    assert betfair.bookmaker.is_exchange is True
    assert betfair.source_updated_at == datetime(2024, 3, 9, 10, 1, tzinfo=UTC)
    assert _market(betfair, "h2h_lay")["away"] == Decimal("18.5")

    unibet = _capture(captures, "fx-soccer-1", "unibet_eu")
    assert _market(unibet, "team_totals", line=Decimal("2.5")) == {
        "home_over": Decimal("1.9"),
        "home_under": Decimal("1.9"),
    }
    assert _market(unibet, "total_corners", line=Decimal("9.5")) == {
        "over": Decimal("1.85"),
        "under": Decimal("1.95"),
    }

    nba = _capture(captures, "fx-nba-1", "draftkings")
    assert _market(nba, "h2h", "first_quarter") == {
        "home": Decimal("1.62"),
        "away": Decimal("2.35"),
    }
    assert _market(nba, "spreads", "second_half", Decimal("-3")) == {
        "away": Decimal("1.91"),
        "home": Decimal("1.91"),
    }
    nhl = _capture(captures, "fx-nhl-1", "fanduel")
    assert nhl.event.sport_key == "icehockey"
    assert _market(nhl, "h2h_3_way")["draw"] == Decimal("4.1")
    assert _market(nhl, "totals", "first_period", Decimal("1.5"))["over"] == Decimal("1.95")


def test_market_key_mapping_and_scope():
    h1 = map_market_key("h2h_h1")
    assert (h1.key, h1.kind, h1.period, h1.alternate) == ("h2h", "h2h", "first_half", False)
    assert map_market_key("totals_q4").period == "fourth_quarter"
    assert map_market_key("spreads_p3").period == "third_period"
    assert map_market_key("alternate_totals_h2").key == "totals"
    assert map_market_key("h2h_1st_5_innings").period == "first_5_innings"
    assert map_market_key("h2h_lay").key == "h2h_lay"
    assert map_market_key("h2h").period == FULL_TIME
    # Scope is per (key, period): asking for h2h says nothing about first-half h2h.
    assert scope_for(["h2h", "spreads", "h2h_h1", "alternate_totals", "h2h_lay"]) == {
        ("h2h", FULL_TIME),
        ("spreads", FULL_TIME),
        ("h2h", "first_half"),
        ("totals", FULL_TIME),
        ("h2h_lay", FULL_TIME),
    }


def test_outrights_keep_names_and_odds_format_can_be_forced():
    event = {
        "id": "fx-outright",
        "sport_key": "soccer_epl",
        "sport_title": "EPL",
        "commence_time": "2024-05-19T15:00:00Z",
        "home_team": "Arsenal",
        "away_team": "Chelsea",
        "bookmakers": [
            {
                "key": "betfair_ex_uk",
                "title": "Betfair",
                "last_update": "2024-03-09T10:00:00Z",
                "markets": [
                    {
                        "key": "outrights",
                        "outcomes": [
                            {"name": "Manchester City", "price": 150},
                            {"name": "Liverpool", "price": 300},
                        ],
                    }
                ],
            }
        ],
    }
    # 150 and 300 alone look American; forced as decimal they are 150.0 and 300.0.
    (auto,) = parse_events([event])
    assert _market(auto, "outrights") == {
        "Manchester City": Decimal("2.5"),
        "Liverpool": Decimal("4"),
    }
    (forced,) = parse_events([event], odds_format="decimal", scope=frozenset({"outrights"}))
    assert _market(forced, "outrights") == {
        "Manchester City": Decimal("150"),
        "Liverpool": Decimal("300"),
    }
    assert forced.scope == {"outrights"}
    assert forced.bookmaker.is_exchange is True
    with pytest.raises(SourceError) as caught:
        list(parse_events([event], odds_format="fractional"))
    assert caught.value.error_type == "bad_odds_format"


def test_gz_envelope_and_handwritten_envelope(tmp_path):
    text = (FIXTURES / "envelope.json").read_bytes()
    gz = tmp_path / "envelope.json.gz"
    gz.write_bytes(gzip.compress(text))
    for path in (FIXTURES / "envelope.json", gz):
        (capture,) = parse_file(path)
        assert capture.captured_at == datetime(2024, 3, 9, 12, 0, tzinfo=UTC)
        assert capture.event.sport_key == "americanfootball"
        assert _market(capture, "spreads", line=Decimal("-3.5")) == {
            "away": Decimal("1.9091"),
            "home": Decimal("1.9091"),
        }
        assert _market(capture, "h2h") == {"away": Decimal("2.5"), "home": Decimal("1.5618")}


# --- bad input -------------------------------------------------------------------------------


def test_bad_american_prices_drop_only_their_market():
    path = FIXTURES / "bad-prices-american.json"
    captures, problems = _split(parse_file(path))

    assert len(captures) == 6  # every bookmaker keeps its capture
    assert sum(len(c.markets) for c in captures) == 12 - 5
    bad = {
        (p.bookmaker_key, p.context["market_key"], json.dumps(p.context["price"])) for p in problems
    }
    assert bad == {
        ("fanduel", "h2h", "0"),
        ("betmgm", "h2h", "-50"),
        ("bovada", "totals", '"abc"'),
        ("betrivers", "h2h", '"NaN"'),
        ("barstool", "totals", "1.0"),
    }
    for problem in problems:
        assert problem.error_type == "bad_price"
        assert problem.context["origin"] == str(path)
        assert problem.context["event_id"] == "fx-bad-prices"
        assert problem.context["outcome"] in {"Arsenal", "Over"}
        assert problem.event is not None and problem.event.name == "Arsenal v Brentford"
        assert "market was skipped" in problem.message
        assert problem.message.startswith("price ")  # the cause first, then where
        json.dumps(problem.context, allow_nan=False)  # storable in jsonb
    betmgm = _capture(captures, "fx-bad-prices", "betmgm")
    assert [m.key for m in betmgm.markets] == ["totals"]
    # A dropped market is not judged gone: it leaves this capture's scope.
    assert betmgm.scope == {("h2h", FULL_TIME), ("totals", FULL_TIME)}
    assert betmgm.skipped_keys == {("h2h", FULL_TIME)}
    assert betmgm.market_scope.covers(("totals", FULL_TIME, Decimal("3.5")))
    assert not betmgm.market_scope.covers(("h2h", FULL_TIME, None))
    good = _capture(captures, "fx-bad-prices", "draftkings")
    assert _market(good, "h2h")["home"] == Decimal("1.6757")


def test_bad_decimal_prices_drop_only_their_market():
    captures, problems = _split(parse_file(FIXTURES / "bad-prices-decimal.json"))
    assert len(captures) == 4
    assert sum(len(c.markets) for c in captures) == 2 + 1
    assert [(p.error_type, p.bookmaker_key) for p in problems] == [
        ("bad_price", "williamhill"),
        ("bad_price", "marathonbet"),
        ("bad_price", "sport888"),
    ]
    assert "price 1.0 is not decimal odds above 1.0" in problems[0].message
    pinnacle = _capture(captures, "fx-bad-decimal", "pinnacle")
    assert str(_market(pinnacle, "totals", line=Decimal("2.75"))["over"]) == "2.15"


def test_bad_events_are_skipped_and_the_rest_kept():
    path = FIXTURES / "bad-events.json"
    captures, problems = _split(parse_file(path))

    kinds = Counter(p.error_type for p in problems)
    assert kinds == {
        "missing_team": 2,
        "bad_time": 1,
        "bad_event": 1,
        "unknown_outcome": 1,
        "inconsistent_line": 2,
        "missing_point": 1,
    }
    assert [(c.event.source_event_id, c.bookmaker.key) for c in captures] == [
        ("fx-good", "draftkings"),
        ("fx-bad-markets", "fanduel"),
        ("fx-bad-markets", "betmgm"),
    ]
    assert [m.key for c in captures for m in c.markets] == ["h2h", "btts", "totals"]
    by_type = {p.error_type: p for p in problems}
    missing = [p.message for p in problems if p.error_type == "missing_team"]
    assert "fx-no-home" in missing[0] and "no home_team" in missing[0]
    assert "fx-empty-away" in missing[1] and "no away_team" in missing[1]
    assert "next Saturday" in by_type["bad_time"].message
    assert "'Man City' is neither team" in by_type["unknown_outcome"].message
    assert by_type["unknown_outcome"].context["bookmaker"] == "fanduel"
    assert all(p.message.endswith(f", in {path}") for p in problems)
    # The cause comes first and the place last, as lists cut a message short.
    assert by_type["unknown_outcome"].message == (
        "outcome 'Man City' is neither team ('Manchester City', 'Manchester United') nor one "
        "of ['Draw'] (market h2h); skipped — event fx-bad-markets (Manchester City v "
        f"Manchester United), bookmaker fanduel, in {path}"
    )
    assert by_type["bad_time"].message.startswith("the event has a bad commence_time: time")


def test_missing_capture_time_asks_for_it():
    with pytest.raises(SourceError) as caught:
        list(parse_file(FIXTURES / "no-last-update.json"))
    assert caught.value.error_type == "missing_capture_time"
    assert "--captured-at" in caught.value.message
    when = datetime(2024, 3, 9, 23, 0, tzinfo=UTC)
    (capture,) = parse_file(FIXTURES / "no-last-update.json", captured_at=when)
    assert capture.captured_at == when
    assert capture.source_updated_at is None


@pytest.mark.parametrize(
    ("name", "error_type", "words"),
    [
        ("truncated.json", "bad_json", "line 1, column 337"),
        ("unknown-shape.json", "unknown_format", "historical envelope"),
        ("error-invalid-key.json", "api_error", "INVALID_KEY"),
        ("absent.json", "missing_file", "absent.json"),
    ],
)
def test_whole_file_failures_raise_source_error(name, error_type, words):
    with pytest.raises(SourceError) as caught:
        list(parse_file(FIXTURES / name))
    assert caught.value.error_type == error_type
    assert words in caught.value.message
    assert "theoddsapi" in caught.value.message  # names the file


def test_truncated_gzip_and_empty_file(tmp_path):
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress((FIXTURES / "envelope.json").read_bytes())[:60])
    with pytest.raises(SourceError) as caught:
        list(parse_file(cut))
    assert caught.value.error_type == "bad_gzip"
    assert str(cut) in caught.value.message
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(SourceError) as caught:
        list(parse_file(empty))
    assert caught.value.error_type == "bad_json"
    assert "empty" in caught.value.message

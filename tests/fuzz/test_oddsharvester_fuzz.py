"""OddsHarvester adapter under fuzzing: any input gives Captures, Problems or SourceError.

Valid records follow the real files (../shared/data/oddsharvester, tests/fixtures/
oddsharvester): ``<market>_market`` lists of one entry per bookmaker, prices as strings.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.base import SourceError
from scraping.sources.oddsharvester import capture_times, parse_file, parse_records

from .support import drain, fuzz, json_like, mutated, to_json, written

BASE = datetime(2026, 2, 1, tzinfo=UTC)
# Distinct slugs, as OddsHarvester names them (the key is the name as a slug).
BOOKMAKERS = ["Betclic.fr", "Pinnacle", "bet365", "Unibet.fr", "Betfair Exchange", "1xBet"]
# (list key, the entry's odds labels): one market each, from core/sport_market_registry.py.
MARKETS = [
    ("1x2_market", ("1", "X", "2")),
    ("btts_market", ("btts_yes", "btts_no")),
    ("double_chance_market", ("1X", "12", "X2")),
    ("dnb_market", ("dnb_team1", "dnb_team2")),
    ("over_under_2_5_market", ("odds_over", "odds_under")),
    ("asian_handicap_-1_5_market", ("team1_handicap", "team2_handicap")),
    ("european_handicap_-1_market", ("team1_handicap", "draw_handicap", "team2_handicap")),
]
PERIODS = ["FullTime", "FirstHalf", "SecondHalf"]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def times():
    return st.integers(min_value=0, max_value=10**7).map(lambda s: BASE + timedelta(seconds=s))


def prices():
    return st.integers(min_value=101, max_value=50000).map(lambda c: f"{c / 100:.2f}")


def names():
    return st.text(min_size=1, max_size=20).filter(str.strip)


@st.composite
def records(draw, *, max_records: int = 3) -> list[dict]:
    """A valid OddsHarvester file: every chosen bookmaker in every chosen market list."""
    documents = []
    for index in range(draw(st.integers(min_value=0, max_value=max_records))):
        books = draw(st.lists(st.sampled_from(BOOKMAKERS), min_size=1, max_size=4, unique=True))
        markets = draw(st.lists(st.sampled_from(MARKETS), min_size=1, max_size=4, unique=True))
        period = draw(st.sampled_from(PERIODS))
        record = {
            "scraped_date": stamp(draw(times())),
            "match_date": stamp(draw(times())),
            "match_link": "https://www.oddsportal.com/football/england/premier-league-2024-2025/"
            f"home-away-M{index:02d}{draw(st.from_regex(r'[A-Za-z0-9]{5}', fullmatch=True))}/",
            "home_team": draw(names()),
            "away_team": draw(names()),
            "league_name": draw(st.sampled_from(["Premier League 2024/2025", "", "Liga"])),
        }
        for list_key, labels in markets:
            record[list_key] = [
                {
                    **{label: draw(prices()) for label in labels},
                    "bookmaker_name": book,
                    "period": period,
                    "submarket_name": list_key,
                }
                for book in books
            ]
        if draw(st.booleans()):
            record["empty_market"] = []  # "nothing read": neither prices nor absence
        documents.append(record)
    return documents


# --- valid documents -----------------------------------------------------------------------


@fuzz(80)
@given(documents=records())
def test_valid_records_give_one_capture_per_record_and_bookmaker(documents):
    captures, problems, error = drain(parse_records(documents), stored=False)

    assert error is None and problems == []
    by_id = {_match_id(record): record for record in documents}
    expected = sorted(
        {
            (match_id, _slug(e["bookmaker_name"]))
            for match_id, r in by_id.items()
            for e in _entries(r)
        }
    )
    assert sorted((c.event.source_event_id, c.bookmaker.key) for c in captures) == expected
    for capture in captures:
        entries = [
            e
            for e in _entries(by_id[capture.event.source_event_id])
            if _slug(e["bookmaker_name"]) == capture.bookmaker.key
        ]
        assert len(capture.markets) == len(entries)  # one market per list
        want = sorted(Decimal(e[label]) for e in entries for label in e if label not in META)
        assert sorted(o.price for m in capture.markets for o in m.outcomes) == want


META = ("bookmaker_name", "period", "submarket_name")


def _entries(record: dict) -> list[dict]:
    return [e for key, entries in record.items() if key.endswith("_market") for e in entries]


def _match_id(record: dict) -> str:
    return record["match_link"].rstrip("/").rsplit("-", 1)[1]


def _slug(name: str) -> str:
    return name.lower().replace(".", "_").replace(" ", "_")


@fuzz(50)
@given(documents=records(max_records=2).filter(bool), bom=st.booleans())
def test_valid_files_give_the_same_captures_and_their_times(documents, bom):
    body = ("\ufeff" if bom else "") + json.dumps(documents)

    with written(body, name="1x2_full_time_all.json") as path:
        captures, problems, error = drain(parse_file(path))
        times = capture_times(path)

    assert error is None and problems == []
    books = sum(
        len({e["bookmaker_name"] for k, v in r.items() if k.endswith("_market") for e in v})
        for r in documents
    )
    assert len(captures) == books
    scraped = [
        datetime.strptime(r["scraped_date"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
        for r in documents
    ]
    assert times == (min(scraped), max(scraped))


# --- anything ------------------------------------------------------------------------------


@fuzz(200)
@given(value=st.lists(json_like, max_size=4))
def test_any_json_values_as_records(value):
    drain(parse_records(value), stored=False)


@fuzz(150)
@given(documents=mutated(records(max_records=2), max_mutations=4))
@example(  # found: NaN and Infinity went into a Problem's context and a Capture's raw
    documents=[
        {
            "scraped_date": "2026-02-01 00:00:00 UTC",
            "match_date": "2026-02-01 00:00:00 UTC",
            "match_link": "https://www.oddsportal.com/football/england/premier-league/a-b-AAAAAAAA/",
            "home_team": "A",
            "away_team": "B",
            "1x2_market": [
                {
                    "1": float("nan"),
                    "X": "3.10",
                    "2": "2.00",
                    "bookmaker_name": "bet365",
                    "period": "FullTime",
                },
                {
                    "1": "2.00",
                    "X": "3.10",
                    "2": "2.00",
                    "bookmaker_name": "Pinnacle",
                    "period": "FullTime",
                    "odds_history_data": [{"odds": float("inf")}],
                },
            ],
        }
    ]
)
def test_plausible_but_wrong_records(documents):
    drain(parse_records(documents), stored=False)


@fuzz(120)
@given(
    documents=mutated(records(max_records=2)),
    cut=st.none() | st.integers(min_value=0, max_value=600),
)
def test_plausible_but_wrong_files(documents, cut):
    body = to_json(documents).encode()
    _parse_any_file(body if cut is None else body[:cut], "odds.json")


@fuzz(200)
@given(
    body=st.binary(max_size=300)
    | st.text(max_size=200).map(str.encode)
    | json_like.map(lambda v: json.dumps(v, default=str).encode())
    | st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf[]",
            b"[" * 100_000,
            b"[1" + b"0" * 5000 + b"]",
            b'{"match_id": "x"}',
            b'[{"scraped_date": NaN}]',
            b'[{"x_market": Infinity}]',
            b'[{"scraped_date": "2026-01-01 00:00:00 UTC"}] "\\u0000"',
        ]
    ),
    name=st.sampled_from(["odds.json", "metadata.json"]),
)
@example(body=b"[" * 100_000, name="odds.json")  # found: RecursionError from json.loads
@example(body=b"[1" + b"0" * 5000 + b"]", name="odds.json")  # found: ValueError (4300 digits)
def test_any_bytes_as_a_file(body, name):
    _parse_any_file(body, name)


def _parse_any_file(body: bytes, name: str) -> None:
    with written(body, name=name) as path:
        drain(parse_file(path))
        try:
            times = capture_times(path)
        except SourceError:
            return
    assert times is None or times[0] <= times[1]

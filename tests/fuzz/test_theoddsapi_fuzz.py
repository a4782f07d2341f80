"""The Odds API adapter under fuzzing: any input gives Captures, Problems or SourceError.

Valid documents are generated from the real shapes (tests/fixtures/theoddsapi,
../shared/data/theoddsapi*), so most examples reach the market and outcome code; the
mutated ones are those documents with a few fields broken.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.base import SourceError
from scraping.sources.theoddsapi import capture_times, parse_events, parse_file

from .support import drain, fuzz, json_like, mutated, to_json, written

BASE = datetime(2024, 3, 9, tzinfo=UTC)
SPORTS = ["soccer_epl", "basketball_nba", "icehockey_nhl", "mma_mixed_martial_arts", "x"]
BOOKMAKERS = ["pinnacle", "bet365", "betfair_ex_eu", "draftkings", "unibet_eu", "fanduel"]


def _names():
    # Any unicode, as long as the two teams differ and neither is the draw.
    return st.text(min_size=1, max_size=20).filter(
        lambda n: n.strip() and n.strip().lower() != "draw"
    )


@st.composite
def teams(draw) -> tuple[str, str]:
    home = draw(_names())
    away = draw(_names().filter(lambda n: n.strip() != home.strip()))
    return home, away


def decimal_prices():
    # Two places, never a whole number of 100 or more: a response of them is read as decimal.
    return st.integers(min_value=101, max_value=9999).map(lambda c: Decimal(c).scaleb(-2))


def american_prices():
    return st.integers(min_value=100, max_value=100_000).flatmap(lambda p: st.sampled_from([p, -p]))


def times():
    return st.integers(min_value=0, max_value=10**6).map(lambda s: BASE + timedelta(seconds=s))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def market(draw, kind: str, home: str, away: str, price) -> dict:
    """One raw market of a kind; ``kind`` decides its outcomes, as the API names them."""
    if kind in ("h2h", "h2h_h1"):
        outcomes = [{"name": n, "price": draw(price)} for n in (home, away, "Draw")]
    elif kind == "draw_no_bet":
        outcomes = [{"name": n, "price": draw(price)} for n in (home, away)]
    elif kind == "btts":
        outcomes = [{"name": n, "price": draw(price)} for n in ("Yes", "No")]
    elif kind == "spreads":
        point = Decimal(draw(st.integers(min_value=-200, max_value=200))) / 4
        outcomes = [
            {"name": home, "price": draw(price), "point": point},
            {"name": away, "price": draw(price), "point": -point},
        ]
    else:  # totals
        point = Decimal(draw(st.integers(min_value=1, max_value=600))) / 2
        outcomes = [{"name": n, "price": draw(price), "point": point} for n in ("Over", "Under")]
    return {"key": kind, "last_update": iso(draw(times())), "outcomes": outcomes}


# What json.loads still accepts (it stops near 1000) but a recursive copy did not.
DEEP = json.loads("[" * 600 + "]" * 600)
KINDS = ["h2h", "h2h_h1", "draw_no_bet", "btts", "spreads", "totals"]


@st.composite
def events(draw, *, american: bool | None = None, max_events: int = 4) -> list[dict]:
    """A valid /v4/sports/{sport}/odds list: distinct events, distinct bookmakers each."""
    if american is None:
        american = draw(st.booleans())
    price = american_prices() if american else decimal_prices()
    count = draw(st.integers(min_value=0, max_value=max_events))
    documents = []
    for index in range(count):
        home, away = draw(teams())
        books = draw(st.lists(st.sampled_from(BOOKMAKERS), max_size=4, unique=True))
        bookmakers = []
        for key in books:
            kinds = draw(st.lists(st.sampled_from(KINDS), max_size=len(KINDS), unique=True))
            bookmakers.append(
                {
                    "key": key,
                    "title": key.title(),
                    "last_update": iso(draw(times())),
                    "markets": [draw(market(kind, home, away, price)) for kind in kinds],
                }
            )
        documents.append(
            {
                "id": f"ev{index}-{draw(st.text(min_size=1, max_size=8))}",
                "sport_key": draw(st.sampled_from(SPORTS)),
                "sport_title": draw(st.text(max_size=10)),
                "commence_time": iso(draw(times())),
                "home_team": home,
                "away_team": away,
                "bookmakers": bookmakers,
            }
        )
    return documents


def _expected_price(raw, american: bool) -> Decimal:
    """Decimal odds computed apart from odds/prices.py: exact fractions, half-even."""
    exact = Fraction(raw)
    if american:
        exact = 1 + exact / 100 if exact > 0 else 1 + 100 / -exact
    rounded = Decimal(exact.numerator) / Decimal(exact.denominator)
    return rounded.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN).normalize()


def _newest(documents) -> datetime | None:
    stamps = [
        stamp
        for event in documents
        for book in event["bookmakers"]
        for stamp in [book["last_update"]] + [m["last_update"] for m in book["markets"]]
    ]
    return max(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps) if stamps else None


# --- valid documents -----------------------------------------------------------------------


@fuzz(75)
@given(data=st.data(), american=st.booleans())
def test_valid_lists_give_one_capture_per_event_and_bookmaker(data, american):
    documents = data.draw(events(american=american))

    captures, problems, error = drain(parse_events(documents), stored=False)

    assert error is None and problems == []
    pairs = [(e["id"].strip(), b["key"]) for e in documents for b in e["bookmakers"]]
    assert [(c.event.source_event_id, c.bookmaker.key) for c in captures] == pairs
    if captures:
        assert {c.captured_at for c in captures} == {_newest(documents)}
    books = [b for e in documents for b in e["bookmakers"]]
    for capture, book in zip(captures, books, strict=True):
        assert len(capture.markets) == len(book["markets"])
        expected = sorted(
            _expected_price(o["price"], american) for m in book["markets"] for o in m["outcomes"]
        )
        assert sorted(o.price for m in capture.markets for o in m.outcomes) == expected


@fuzz(60)
@given(
    shape=st.sampled_from(["list", "envelope", "gzip-envelope"]),
    events_count=st.integers(min_value=1, max_value=3),
    books_count=st.integers(min_value=1, max_value=3),
    data=st.data(),
)
def test_valid_files_give_events_times_bookmakers_captures(shape, events_count, books_count, data):
    """E events with B bookmakers each: E x B captures, whatever the file's shape."""
    documents = data.draw(events(max_events=0))  # an empty list, filled below
    for index in range(events_count):
        home, away = data.draw(teams())
        documents.append(
            {
                "id": f"event-{index}",
                "sport_key": "soccer_epl",
                "commence_time": "2024-03-10T15:00:00Z",
                "home_team": home,
                "away_team": away,
                "bookmakers": [
                    {
                        "key": BOOKMAKERS[b],
                        "last_update": "2024-03-09T10:00:00Z",
                        "markets": [data.draw(market("h2h", home, away, decimal_prices()))],
                    }
                    for b in range(books_count)
                ],
            }
        )
    if shape == "list":
        body, name = to_json(documents).encode(), "odds.json"
    else:
        body = to_json({"timestamp": "2024-03-09T12:00:00Z", "data": documents}).encode()
        name = "odds.json"
        if shape == "gzip-envelope":
            body, name = gzip.compress(body), "odds.json.gz"

    with written(body, name=name) as path:
        captures, problems, error = drain(parse_file(path))
        times = capture_times(path)

    assert error is None and problems == []
    assert len(captures) == events_count * books_count
    expected = (
        datetime(2024, 3, 9, 12, tzinfo=UTC)
        if shape != "list"
        else max(c.captured_at for c in captures)
    )
    assert {c.captured_at for c in captures} == {expected}
    assert times == (expected, expected)


# --- anything ------------------------------------------------------------------------------


@fuzz(300)
@given(value=json_like)
@example(value=[Decimal("sNaN")])  # found: float() of a signalling NaN in the context copy
def test_any_json_value_as_a_response(value):
    try:
        items = parse_events(value)
    except Exception as error:  # only the top-level shape check may refuse
        assert isinstance(error, SourceError)
        return
    drain(items, stored=False)


def test_a_deeply_nested_event_is_a_problem_not_a_recursion_error():
    """Found by fuzzing: the context copy of a 500-deep fragment exhausted the stack."""
    captures, problems, error = drain(parse_events([DEEP]))

    assert (captures, error) == ([], None)
    assert [p.error_type for p in problems] == ["bad_event"]


@fuzz(150)
@given(
    documents=mutated(events(max_events=2), max_mutations=4),
    odds_format=st.sampled_from(["auto", "decimal", "american"]),
)
@example(  # found: parse_utc raised OverflowError converting year 1 at +23:59 to UTC
    documents=[
        {
            "id": "e",
            "sport_key": "soccer_epl",
            "commence_time": "2024-03-09T00:00:00Z",
            "home_team": "A",
            "away_team": "B",
            "bookmakers": [
                {"key": "pinnacle", "last_update": "0001-01-01T00:00:00+23:59", "markets": []},
                {"key": "bet365", "last_update": "2024-03-09T00:00:00Z", "markets": []},
            ],
        }
    ],
    odds_format="auto",
)
@example(  # found: int() of a 5000-digit innings count in the market key raised ValueError
    documents=[
        {
            "id": "e",
            "sport_key": "baseball_mlb",
            "commence_time": "2024-03-09T00:00:00Z",
            "home_team": "A",
            "away_team": "B",
            "bookmakers": [
                {
                    "key": "pinnacle",
                    "last_update": "2024-03-09T00:00:00Z",
                    "markets": [
                        {
                            "key": "h2h_1st_" + "9" * 5000 + "_innings",
                            "outcomes": [{"name": "A", "price": 2}, {"name": "B", "price": 2}],
                        },
                        {
                            "key": "spreads",
                            "outcomes": [
                                {"name": "A", "price": 2, "point": "1_5"},
                                {"name": "B", "price": 2, "point": "-1_5"},
                            ],
                        },
                    ],
                }
            ],
        }
    ],
    odds_format="auto",
)
def test_plausible_but_wrong_lists(documents, odds_format):
    try:
        items = parse_events(documents, odds_format=odds_format)
    except Exception as error:
        assert isinstance(error, SourceError)
        return
    drain(items, stored=False)


@fuzz(150)
@given(
    documents=mutated(events(max_events=2)),
    wrap=st.sampled_from(["list", "envelope", "event", "gzip"]),
    cut=st.none() | st.integers(min_value=0, max_value=400),
)
def test_plausible_but_wrong_files(documents, wrap, cut):
    if wrap == "envelope":
        document = {"timestamp": "2024-03-09T12:00:00Z", "data": documents}
    elif wrap == "event":
        document = documents[0] if documents else {}
    else:
        document = documents
    body = to_json(document).encode()
    if cut is not None:
        body = body[:cut]  # truncated
    name = "odds.json"
    if wrap == "gzip":
        body, name = gzip.compress(body), "odds.json.gz"
    _parse_any_file(body, name)


@fuzz(200)
@given(
    body=st.binary(max_size=300)
    | st.binary(max_size=200).map(lambda b: b"\x1f\x8b" + b)
    | st.binary(max_size=200).map(lambda b: gzip.compress(b)[: len(b) // 2 + 10])
    | st.text(max_size=200).map(lambda t: t.encode("utf-8"))
    | json_like.map(lambda v: json.dumps(v, default=str).encode())
    | st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf[]",
            b"[" * 100_000,
            b"[1" + b"0" * 5000 + b"]",
            b'{"timestamp": 5, "data": []}',
            b'{"message": {"a": NaN}}',
            b'{"bookmakers": [], "id": 1}',
            b"NaN",
        ]
    ),
    name=st.sampled_from(["odds.json", "odds.json.gz", "odds"]),
)
@example(body=b'{"message": "quota", "error_code": NaN}', name="odds.json")
@example(body=b"[1" + b"0" * 5000 + b"]", name="odds.json")  # found: json.loads's ValueError
def test_any_bytes_as_a_file(body, name):
    _parse_any_file(body, name)


def test_nul_and_lone_surrogates_in_a_file_become_replacement_characters():
    """Found by fuzzing: "\\u0000" and "\\ud800" reached team names and contexts, which
    PostgreSQL refuses (DataError, UnicodeEncodeError), failing the whole import."""
    event = {
        "id": "e\u0000",
        "sport_key": "soccer_epl",
        "commence_time": "2024-03-09T15:00:00Z",
        "home_team": "A\u0000",
        "away_team": "B\ud800",
        "bookmakers": [
            {
                "key": "pinnacle",
                "last_update": "2024-03-09T10:00:00Z",
                "markets": [
                    {
                        "key": "h2h",
                        "outcomes": [
                            {"name": "A\u0000", "price": 2.5},
                            {"name": "B\ud800", "price": 1.6},
                        ],
                    },
                    {"key": "totals", "outcomes": [{"name": "Over\u0000", "price": 2}]},
                ],
            }
        ],
    }
    with written(json.dumps([event]).encode(), name="odds.json") as path:
        captures, problems, error = drain(parse_file(path))

    assert error is None
    assert [p.error_type for p in problems] == ["unknown_outcome"]
    (capture,) = captures
    assert (capture.event.home_team, capture.event.away_team) == ("A\ufffd", "B\ufffd")
    assert capture.event.source_event_id == "e\ufffd"
    assert [(o.name, o.price) for o in capture.markets[0].outcomes] == [
        ("home", Decimal("2.5")),
        ("away", Decimal("1.6")),
    ]


def _parse_any_file(body: bytes, name: str) -> None:
    with written(body, name=name) as path:
        try:
            items = parse_file(path)
        except SourceError as error:
            drain(iter(_raise(error)))
        else:
            drain(items)
        times = capture_times(path)
    assert times is None or (times[0].utcoffset() == timedelta(0) and times[0] == times[1])


def _raise(error):
    raise error
    yield  # pragma: no cover - makes this a generator

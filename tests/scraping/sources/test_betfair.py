"""Betfair historic stream files: the real BASIC file read independently, hand-made
ADVANCED/PRO fixtures, compressed and packed inputs, and bad lines."""

from __future__ import annotations

import bz2
import gzip
import json
import shutil
import tarfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from odds.captures import Capture, Problem
from scraping.sources.base import SourceError
from scraping.sources.betfair import BOOKMAKER, capture_times, parse_file
from scraping.sources.betfair.markets import market_key

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "betfair"
ADVANCED = FIXTURES / "ADVANCED-1.200000001"
PRO_RACE = FIXTURES / "PRO-1.200000002"
PRO_MARKETS = FIXTURES / "PRO-1.200000003"


def _split(items) -> tuple[list[Capture], list[Problem]]:
    items = list(items)
    return [i for i in items if isinstance(i, Capture)], [
        i for i in items if isinstance(i, Problem)
    ]


def _at(pt: int) -> datetime:
    return datetime.fromtimestamp(pt / 1000, UTC)


def _prices(capture: Capture, key: str, line=None) -> dict:
    (market,) = [m for m in capture.markets if m.key == key and m.line == line]
    return {o.name: (o.price, o.status, dict(o.extra)) for o in market.outcomes}


def basic_by_hand(path: Path, interval_ms: int) -> list[tuple[int, frozenset | None]]:
    """The captures of a BASIC file worked out from its raw lines: per line, each listed
    runner's last traded price and the market status (None once closed); per interval
    the last line's state; nothing before the first traded price."""
    definition: dict = {}
    ltp: dict = {}
    states = []
    for text in path.read_text().splitlines():
        message = json.loads(text)
        for change in message["mc"]:
            definition = change.get("marketDefinition", definition)
            for runner in change.get("rc", []):
                ltp[runner["id"]] = Decimal(str(runner["ltp"]))
        status = definition["status"]
        value = None
        if status != "CLOSED":
            shown = "open" if status == "OPEN" else "suspended"
            value = frozenset(
                (r["name"], ltp[r["id"]], shown)
                for r in definition["runners"]
                if r["status"] != "REMOVED" and r["id"] in ltp
            )
        states.append((message["pt"], value))
    sampled: dict[int, tuple] = {}
    for pt, value in states:
        sampled[pt // interval_ms] = (pt, value)
    result = list(sampled.values())
    while result and not result[0][1]:
        result.pop(0)
    return result


def _values(captures: list[Capture]) -> list[tuple[int, frozenset | None]]:
    out = []
    for capture in captures:
        pt = round(capture.captured_at.timestamp() * 1000)
        value = (
            frozenset((o.name, o.price, o.status) for o in capture.markets[0].outcomes)
            if capture.markets
            else None
        )
        out.append((pt, value))
    return out


@pytest.mark.parametrize("interval_ms", [1000, 60_000, 3_600_000])
def test_real_basic_file_matches_an_independent_reading(shared_data, interval_ms):
    path = shared_data / "betfair" / "BASIC-1.132153978"
    captures, problems = _split(parse_file(path, interval_ms=interval_ms))
    assert problems == []
    expected = basic_by_hand(path, interval_ms)
    assert _values(captures) == expected
    # 480 lines, one a second or slower: at 1 s every line after the first is a capture.
    if interval_ms == 1000:
        assert len(captures) == 479
    assert all(c.bookmaker == BOOKMAKER and c.bookmaker.is_exchange for c in captures)
    assert {m.key for c in captures for m in c.markets} == {"win"}  # BASIC: no lay prices


def test_real_basic_file_race_runners_and_winner(shared_data):
    path = shared_data / "betfair" / "BASIC-1.132153978"
    lines = [json.loads(t) for t in path.read_text().splitlines()]
    final = lines[-1]["mc"][0]["marketDefinition"]
    captures, _ = _split(parse_file(path))
    event = captures[-1].event
    assert (event.kind, event.home_team, event.away_team) == ("race", "", "")
    assert event.source_event_id == "28270094/2017-06-14T18:55Z"
    assert event.name == "Ham 14th Jun 19:55"  # 18:55 UTC is 19:55 in London (BST)
    assert event.sport_key == "horse_racing" and event.tournament_name == "Hamilton"
    results = {c.name: c.result for c in event.competitors}
    assert results == {
        r["name"]: {"WINNER": "winner", "LOSER": "loser", "REMOVED": "removed"}[r["status"]]
        for r in final["runners"]
    }
    assert [n for n, r in results.items() if r == "winner"] == ["Brother Mcgonagall"]
    assert sum(r == "removed" for r in results.values()) == 2
    # The final capture closes the market: no prices, the win market in scope (gone).
    assert captures[-1].markets == () and ("win", "full_time", None) in captures[-1].scope
    assert captures[-1].captured_at == _at(lines[-1]["pt"])
    # The last priced state: suspended in play, each runner at its last traded price.
    last = _prices(captures[-2], "win")
    assert last["Brother Mcgonagall"] == (
        Decimal("1.01"),
        "suspended",
        {"last_traded": "1.01"},
    )
    assert len(last) == 12  # 14 runners, 2 removed


def test_advanced_file_best_back_lay_last_traded_and_bad_lines():
    captures, problems = _split(parse_file(ADVANCED))
    assert [c.captured_at for c in captures] == [
        _at(1700000000400),  # lines 1-2 in one second: the later state
        _at(1700000001200),
        _at(1700000002500),
        _at(1700000003000),
    ]
    first = captures[0]
    assert (first.event.home_team, first.event.away_team, first.event.kind) == (
        "Arsenal",
        "Chelsea",
        "match",
    )
    assert _prices(first, "h2h") == {
        "home": (Decimal("2.12"), "open", {"last_traded": "2.14", "traded_volume": "1600.25"}),
        "away": (Decimal("3.5"), "open", {"last_traded": "3.55", "traded_volume": "800"}),
        "draw": (Decimal("3.3"), "open", {"last_traded": "3.4", "traded_volume": "300"}),
    }
    assert {k: v[0] for k, v in _prices(first, "h2h_lay").items()} == {
        "home": Decimal("2.14"),
        "away": Decimal("3.6"),
        "draw": Decimal("3.45"),
    }
    # Line 3 empties Chelsea's best lay level: the next level (3.65) is the best lay.
    assert _prices(captures[1], "h2h_lay")["away"][0] == Decimal("3.65")
    assert {v[1] for v in _prices(captures[2], "h2h").values()} == {"suspended"}
    assert captures[3].markets == ()
    assert captures[3].scope == {("h2h", "full_time", None), ("h2h_lay", "full_time", None)}
    assert [(p.error_type, p.context["line"]) for p in problems] == [
        ("bad_line", 4),
        ("bad_line", 5),
    ]
    assert "batb entry [0, 'x']" in problems[0].message and str(ADVANCED) in problems[0].message
    # The bad line 4 also had ltp 9.0: nothing of it was applied.
    assert _prices(captures[1], "h2h")["home"][2]["last_traded"] == "2.14"


def test_interval_zero_keeps_every_update():
    captures, _ = _split(parse_file(ADVANCED, interval_ms=0))
    assert [round(c.captured_at.timestamp() * 1000) % 10_000 for c in captures] == [
        0,
        400,
        1200,
        2500,
        3000,
    ]


def test_pro_race_ladders_traded_volume_and_non_runner():
    captures, problems = _split(parse_file(PRO_RACE))
    assert problems == []
    assert len(captures) == 3
    first, second, closed = captures
    assert first.event.name == "Kemp 1st Jan 13:30" and first.event.kind == "race"
    assert _prices(first, "win") == {
        "Alpha": (Decimal("3.05"), "open", {"last_traded": "3.05", "traded_volume": "90"}),
        # No tv for Bravo: the traded ladder's total, 30 + 12.5.
        "Bravo": (Decimal("4"), "open", {"last_traded": "4.1", "traded_volume": "42.5"}),
        "Charlie": (Decimal("6"), "open", {}),
    }
    assert {k: v[0] for k, v in _prices(first, "win_lay").items()} == {
        "Alpha": Decimal("3.1"),
        "Bravo": Decimal("4.2"),
        "Charlie": Decimal("6.4"),
    }
    assert set(_prices(second, "win")) == {"Alpha", "Bravo"}  # Charlie became a non-runner
    assert _prices(second, "win_lay")["Bravo"][0] == Decimal("4.3")
    assert closed.markets == ()
    assert {c.name: c.result for c in closed.event.competitors} == {
        "Alpha": "winner",
        "Bravo": "loser",
        "Charlie": "removed",
    }


def test_pro_markets_of_one_event_at_one_instant_make_one_capture():
    captures, problems = _split(parse_file(PRO_MARKETS))
    assert problems == []
    first, closed = captures
    assert first.event.source_event_id == "30000001" and first.event.name == "Arsenal v Chelsea"
    assert _prices(first, "totals", Decimal("2.5"))["over"][0] == Decimal("1.9")
    assert _prices(first, "totals_lay", Decimal("2.5"))["under"][0] == Decimal("2.04")
    assert {k: v[0] for k, v in _prices(first, "spreads", Decimal("-0.5")).items()} == {
        "home": Decimal("2"),
        "away": Decimal("1.95"),
    }
    assert {k: v[0] for k, v in _prices(first, "spreads", Decimal("-1")).items()} == {
        "home": Decimal("2.6"),
        "away": Decimal("1.55"),
    }
    assert {k: v[0] for k, v in _prices(first, "btts").items()} == {
        "yes": Decimal("1.8"),
        "no": Decimal("2.1"),
    }
    # Only the over/under market closed: only its identities are in the second scope.
    assert closed.markets == ()
    assert closed.scope == {
        ("totals", "full_time", Decimal("2.5")),
        ("totals_lay", "full_time", Decimal("2.5")),
    }


def test_market_types_map_to_the_vocabulary():
    assert market_key("MATCH_ODDS") == ("h2h", None)
    assert market_key("OVER_UNDER_05") == ("totals", Decimal("0.5"))
    assert market_key("OVER_UNDER_155") == ("totals", Decimal("15.5"))
    assert market_key("BOTH_TEAMS_TO_SCORE") == ("btts", None)
    assert market_key("ASIAN_HANDICAP") == ("spreads", None)
    assert market_key("WIN") == ("win", None) and market_key("PLACE") == ("place", None)
    assert market_key("CORRECT_SCORE") == ("correct_score", None)


def _same(path: Path) -> list:
    captures, problems = _split(parse_file(path))
    return [(c.captured_at, c.markets, c.event) for c in captures], problems


def test_gz_bz2_tar_and_folders_read_the_same(shared_data, tmp_path):
    real = shared_data / "betfair" / "BASIC-1.132153978"
    expected, _ = _same(real)
    data = real.read_bytes()
    (tmp_path / "one.gz").write_bytes(gzip.compress(data))
    (tmp_path / "one.bz2").write_bytes(bz2.compress(data))
    assert _same(tmp_path / "one.gz") == (expected, [])
    assert _same(tmp_path / "one.bz2") == (expected, [])
    # Betfair's download: a tar of folders of .bz2 market files.
    member = tmp_path / "1.132153978.bz2"
    member.write_bytes(bz2.compress(data))
    with tarfile.open(tmp_path / "data.tar", "w") as archive:
        archive.add(member, arcname="BASIC/2017/Jun/14/28270094/1.132153978.bz2")
        archive.add(ADVANCED, arcname="ADVANCED/1.200000001")
    captures, problems = _split(parse_file(tmp_path / "data.tar"))
    assert [(c.captured_at, c.markets, c.event) for c in captures[: len(expected)]] == expected
    assert len(captures) == len(expected) + 4
    assert [p.context["line"] for p in problems] == [4, 5]
    assert problems[0].context["file"].endswith("data.tar:ADVANCED/1.200000001")
    assert capture_times(tmp_path / "data.tar")[0] == _at(1497351220318)
    with (
        open(tmp_path / "data.tar", "rb") as raw,
        gzip.open(tmp_path / "data.tgz", "wb") as packed,
    ):
        shutil.copyfileobj(raw, packed)
    assert len(_split(parse_file(tmp_path / "data.tgz"))[0]) == len(captures)


def test_a_file_that_is_not_a_stream_is_one_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not json\n" * 1000)
    captures, problems = _split(parse_file(path))
    assert captures == []
    assert [p.error_type for p in problems] == ["unknown_format"]
    assert problems[0].message.startswith("Not a Betfair stream file")  # cause first
    assert problems[0].message.endswith(f"file {path}")


def test_a_truncated_compressed_file_keeps_the_lines_before(shared_data, tmp_path):
    # gzip streams byte by byte (a bzip2 block of 900 kB is all or nothing).
    packed = gzip.compress((shared_data / "betfair" / "BASIC-1.132153978").read_bytes())
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) // 2])
    captures, problems = _split(parse_file(path))
    assert captures  # what was read before the cut
    assert problems[-1].error_type == "unreadable_file"
    assert "re-download" in problems[-1].message


def test_a_damaged_bz2_block_fails_the_file_with_a_clear_error(shared_data, tmp_path):
    packed = bz2.compress((shared_data / "betfair" / "BASIC-1.132153978").read_bytes())
    path = tmp_path / "cut.bz2"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError) as caught:
        list(parse_file(path))
    assert caught.value.error_type == "unreadable_file"
    assert str(path) in caught.value.message and "re-download" in caught.value.message

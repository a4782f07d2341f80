"""The Odds API files are streamed: the same captures as a whole read, one event in memory,
the envelope's timestamp wherever it is, and what came before a break kept (issue 10, 11)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from odds.captures import Capture, Problem
from odds.models import OddsSnapshot
from scraping.models import ScrapeStatus
from scraping.services.runs import run_job
from scraping.sources.base import SourceError
from scraping.sources.theoddsapi import reader as theoddsapi
from tests.scraping.sources.test_theoddsapi import FIXTURES

FIRST = "theoddsapi-history/2026-01-10T010842Z.json.gz"


def _envelope(shared_data: Path) -> dict:
    return json.loads(gzip.decompress((shared_data / FIRST).read_bytes()))


def _whole(path: Path) -> list:
    """The file read the way it was before streaming: one document in memory."""
    return list(theoddsapi._parse_document(path, theoddsapi._load_json(path), None, "auto"))


def _items(path: Path, **options) -> tuple[list, SourceError | None]:
    items = []
    try:
        for item in theoddsapi.parse_file(path, **options):
            items.append(item)
    except SourceError as error:
        return items, error
    return items, None


@pytest.fixture
def never_whole(monkeypatch):
    """Any whole-document read fails the test: lists and envelopes must stream."""

    def refuse(*args, **kwargs):
        raise AssertionError("the document was read whole")

    monkeypatch.setattr(theoddsapi, "_load_json", refuse)


def _real_files(shared_data: Path) -> list[Path]:
    history = sorted((shared_data / "theoddsapi-history").glob("*.json.gz"))
    return [*sorted((shared_data / "theoddsapi").glob("*_*.json")), *history[:3]]


@pytest.mark.slow
def test_streaming_gives_exactly_what_a_whole_read_gives(shared_data, monkeypatch):
    for path in _real_files(shared_data):
        expected = _whole(path)
        with monkeypatch.context() as patch:
            patch.setattr(theoddsapi, "_load_json", None)  # streamed, never read whole
            assert list(theoddsapi.parse_file(path)) == expected, path
        assert expected


def test_the_envelope_timestamp_may_come_after_the_data(shared_data, tmp_path, never_whole):
    envelope = _envelope(shared_data)
    moved = {"data": envelope["data"], "timestamp": envelope["timestamp"]}
    path = tmp_path / "late-timestamp.json"
    path.write_text(json.dumps(moved))

    items, error = _items(path)
    assert error is None
    captures = [i for i in items if isinstance(i, Capture)]
    assert {c.captured_at for c in captures} == {datetime(2026, 1, 10, 1, 8, 42, tzinfo=UTC)}
    bookmakers = sum(len(e["bookmakers"]) for e in envelope["data"])
    assert len(captures) == bookmakers


def _cut_inside_event(document: str, events: list, index: int) -> str:
    """The text cut in the middle of event ``index`` (its id is where the cut goes)."""
    return document[: document.index(events[index]["id"]) + 5]


@pytest.mark.parametrize("small", [True, False])
def test_a_file_cut_off_keeps_the_events_before_the_cut(shared_data, tmp_path, monkeypatch, small):
    if not small:  # a large file: only the streaming reader looks at it
        monkeypatch.setattr(theoddsapi, "_SMALL_FILE", 0)
    envelope = _envelope(shared_data)
    events = envelope["data"]
    path = tmp_path / "cut.json"
    path.write_text(_cut_inside_event(json.dumps(envelope), events, 100))

    items, error = _items(path)
    assert error is not None and error.error_type == "bad_json"
    assert "cut.json" in error.message
    if small:
        assert "line 1, column" in error.message  # the whole-text reader says where
    captures = [i for i in items if isinstance(i, Capture)]
    assert len(captures) == sum(len(e["bookmakers"]) for e in events[:100])
    assert {c.event.source_event_id for c in captures} == {e["id"] for e in events[:100]}


def test_a_nan_in_a_large_file_breaks_it_there(shared_data, tmp_path, monkeypatch):
    monkeypatch.setattr(theoddsapi, "_SMALL_FILE", 0)
    events = _envelope(shared_data)["data"]
    text = json.dumps(events)
    at = text.index(events[7]["id"])
    path = tmp_path / "nan.json"
    path.write_text(text[:at] + text[at:].replace('"price": ', '"price": NaN, "x": ', 1))

    items, error = _items(path)
    assert error.error_type == "bad_json"
    assert "what came before it was read" in error.message
    assert len([i for i in items if isinstance(i, Capture)]) == sum(
        len(e["bookmakers"]) for e in events[:7]
    )


def test_a_nan_in_a_small_file_is_one_bad_price(tmp_path):
    # bad-prices-american.json holds a NaN price: small files keep the lenient reader.
    items, error = _items(FIXTURES / "bad-prices-american.json")
    assert error is None
    assert any(isinstance(i, Problem) and i.context.get("price") == "NaN" for i in items)


def test_nesting_without_end_is_refused_after_the_events_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(theoddsapi, "_SMALL_FILE", 0)
    good = json.loads((FIXTURES / "markets-decimal.json").read_text())
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(good)[:-1] + ", " + "[" * 100_000 + "]" * 100_000 + "]")

    items, error = _items(path)
    assert error.error_type == "bad_json" and "nested more than 512 levels" in error.message
    expected = [i for i in _whole(FIXTURES / "markets-decimal.json") if isinstance(i, Capture)]
    assert [i for i in items if isinstance(i, Capture)] == expected


def test_a_cut_gzip_keeps_the_events_before_the_cut(shared_data, tmp_path):
    whole = (shared_data / FIRST).read_bytes()
    path = tmp_path / "cut.json.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items, error = _items(path)
    assert error.error_type == "bad_gzip"
    assert 0 < len([i for i in items if isinstance(i, Capture)]) < 1000


@pytest.mark.django_db
def test_ingest_of_a_cut_file_stores_what_came_before(shared_data, tmp_path):
    envelope = _envelope(shared_data)
    path = tmp_path / "cut.json"
    path.write_text(_cut_inside_event(json.dumps(envelope), envelope["data"], 50))
    run = run_job(source="theoddsapi", parameters={"paths": [str(path)]}, trigger="manual")
    assert run.status == ScrapeStatus.PARTIAL
    assert list(run.errors.values_list("error_type", flat=True)) == ["bad_json"]
    stored = sum(len(e["bookmakers"]) for e in envelope["data"][:50])
    assert OddsSnapshot.objects.count() == stored
    assert run.stats["files_failed"] == 1

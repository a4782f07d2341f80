"""Saved responses (``.json`` or ``.json.gz``) to captures, and their capture times.

Reads the bare ``/v4/sports/{sport}/odds`` list of events, the historical envelope
``{"timestamp", "data": [...]}`` and a single event, and recognises the API's error
body. Lists and envelopes are streamed (:mod:`.stream`); a small file that breaks the
streaming reader is read whole by the lenient one, which takes NaN and says where the
JSON breaks. A file that cannot be read at all raises SourceError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from odds.prices import FormatVote
from scraping.sources.base import (
    Item,
    NewestTime,
    SourceError,
    json_safe,
    parse_json_text,
    parse_utc,
)
from scraping.sources.json_reader import Reader
from scraping.sources.theoddsapi import stream
from scraping.sources.theoddsapi.events import (
    ACCEPTED_SHAPES,
    check_odds_format,
    iter_events,
    parse_events,
    resolve_time,
)
from scraping.sources.theoddsapi.mapping import Response
from scraping.sources.theoddsapi.problems import located
from scraping.sources.theoddsapi.tables import scope_for

_TIMESTAMP_FIELD = re.compile(rb'"timestamp"\s*:\s*"([^"]*)"')
_LAST_UPDATE_FIELD = re.compile(rb'"last_update"\s*:\s*"([^"]*)"')
_CHUNK = 1 << 20
_SMALL_FILE = 4 << 20  # bytes of JSON the lenient reader may hold: about 50 MB of objects


def parse_file(
    path: str | Path, *, captured_at: datetime | None = None, odds_format: str = "auto"
) -> Iterator[Item]:
    """Captures from a saved response (``.json`` or ``.json.gz``), or SourceError.

    A historical envelope's ``timestamp`` is the capture time (wherever it sits in the
    file); for a bare list it is the newest ``last_update`` in it. An explicit
    ``captured_at`` wins over both. Lists and envelopes are streamed
    (:mod:`scraping.sources.theoddsapi.stream`): memory holds one event, whatever the size.
    A file broken part-way gives the events before the break, then raises ``bad_json``.
    """
    path = Path(path)
    check_odds_format(odds_format, str(path))
    found = stream.survey(path)
    if found.error is not None:
        try:  # a small file: the lenient reader takes NaN and says where the JSON breaks
            document = _small_document(path)
        except SourceError as error:
            document, found.error = None, error
        if document is not None:
            return _parse_document(path, document, captured_at, odds_format)
    if not _streamable(found):
        if found.error is not None:
            raise found.error
        return _parse_document(path, _load_json(path), captured_at, odds_format)
    if (found.root or "").startswith("data") and captured_at is None and found.has_timestamp:
        captured_at = _envelope_time(path, found.timestamp)
    response = Response(
        captured_at=resolve_time(captured_at, found.bookmakers, found.newest.value, str(path)),
        odds_format=odds_format if odds_format != "auto" else _format_of(found.vote),
        scope=scope_for(found.market_keys),
        origin=str(path),
    )
    return iter_events(stream.iter_items(path, found), response)


def _streamable(found: stream.Survey) -> bool:
    """A list of events, or an envelope: the shapes that can be large."""
    if found.top == "start_array":
        return True
    keys = found.top_keys
    if found.root is None or ("message" in keys and "bookmakers" not in keys):
        return False  # an error body, a single event, or not a response at all
    return "timestamp" in keys or found.error is not None


def _format_of(vote: FormatVote) -> str:
    return "american" if vote.is_american else "decimal"


def _parse_document(path: Path, document: Any, captured_at, odds_format: str) -> Iterator[Item]:
    """A document read whole: an error body, a single event, or a small file."""
    origin = str(path)
    if isinstance(document, list):
        return parse_events(
            document, captured_at=captured_at, odds_format=odds_format, origin=origin
        )
    if not isinstance(document, dict):
        raise _unknown_format(path, document)
    if "message" in document and "bookmakers" not in document:
        raise _api_error(path, document)
    if "timestamp" in document and "data" in document:
        events = document["data"]
        if isinstance(events, dict):
            events = [events]  # the historical single-event endpoint
        if not isinstance(events, list):
            raise _unknown_format(path, document)
        when = captured_at or _envelope_time(path, document["timestamp"])
        return parse_events(events, captured_at=when, odds_format=odds_format, origin=origin)
    if "bookmakers" in document and "id" in document:
        return parse_events(
            [document], captured_at=captured_at, odds_format=odds_format, origin=origin
        )
    raise _unknown_format(path, document)


def capture_times(path: str | Path) -> tuple[datetime, datetime] | None:
    """(earliest, latest) capture time of a file without parsing it, to order backfills.

    Every capture in one file shares one time, so both are the same: the envelope's
    timestamp, else the newest ``last_update``. None when the file tells nothing. Reads
    the file in 1 MB pieces.
    """
    first_byte, timestamp, newest = None, None, NewestTime()
    try:
        with Reader(Path(path)) as reader:
            for window in reader.windows(_CHUNK, 256):
                if first_byte is None and window.strip():
                    first_byte = window.lstrip()[:1]
                match = timestamp is None and first_byte == b"{" and _TIMESTAMP_FIELD.search(window)
                if match:
                    timestamp = _try_time(match.group(1))
                for match in _LAST_UPDATE_FIELD.finditer(window):
                    newest.add(match.group(1).decode("utf-8", "replace"))
    except SourceError:
        return None
    when = timestamp or newest.value
    return (when, when) if when is not None else None


def _try_time(raw: bytes) -> datetime | None:
    try:
        return parse_utc(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _small_document(path: Path) -> Any:
    """The whole document by the lenient reader when the file is small, else None."""
    with Reader(path) as reader:
        data = reader.read_up_to(_SMALL_FILE)
    return None if data is None else _load_json(path, data)


def _read_bytes(path: Path) -> bytes:
    with Reader(path) as reader:
        return reader.read()


def _load_json(path: Path, data: bytes | None = None) -> Any:
    data = _read_bytes(path) if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            "bad_json",
            located(f"not UTF-8 text (byte {exc.start}), so not a JSON response", str(path)),
            {"file": str(path), "position": exc.start},
        ) from None
    if not text.strip():
        raise SourceError(
            "bad_json",
            located("the file is empty, not a JSON response", str(path)),
            {"file": str(path)},
        )
    # Decimal keeps decimal odds exact: 2.15 must not become 2.1499999...
    return parse_json_text(text, path=path, what="an odds response", parse_float=Decimal)


def _api_error(path: Path, body: dict) -> SourceError:
    message, code = body.get("message"), body.get("error_code")
    return SourceError(
        "api_error",
        located(
            f"an error answer from The Odds API, not odds: {message!r}"
            + (f" (error_code {code})" if code else ""),
            str(path),
        ),
        {"file": str(path), **json_safe({k: v for k, v in body.items() if isinstance(k, str)})},
    )


def _unknown_format(path: Path, document: Any) -> SourceError:
    found = (
        f"an object with keys {sorted(map(str, document))[:10]}"
        if isinstance(document, dict)
        else f"a JSON {type(document).__name__}"
    )
    return SourceError(
        "unknown_format",
        located(
            f"not a The Odds API v4 odds response: found {found}; expected {ACCEPTED_SHAPES}",
            str(path),
        ),
        {"file": str(path), "found": found},
    )


def _envelope_time(path: Path, value: Any) -> datetime:
    try:
        return parse_utc(value)
    except ValueError as exc:
        raise SourceError(
            "bad_time",
            located(
                f"the envelope's timestamp is not a time ({exc}); pass --captured-at", str(path)
            ),
            {"file": str(path), "timestamp": json_safe(value)},
        ) from None

"""Reading a large The Odds API file without holding it: two passes over a token stream.

A 50 MB response parsed whole takes about ten times its size in Python objects. Here
``ijson`` (yajl, in C) reads it in small pieces (:mod:`scraping.sources.json_reader`).
Some things are decided by the whole response before its first capture: its capture
time (the envelope's ``timestamp``, which may come after ``data``, or the newest
``last_update``), its odds format (voted by every price) and its scope (every market key).
So :func:`survey` walks every token once and keeps only those, then :func:`iter_items`
reads the file again and hands out its events one at a time. Memory holds one event,
whatever the file's size.

A document broken part-way (cut off, a NaN, a stray byte, nested too deeply) is surveyed
up to the break; the events completed before it are still handed out, then the break is
raised as a ``bad_json`` SourceError.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson

from odds.prices import FormatVote
from scraping.sources.base import NewestTime, SourceError
from scraping.sources.json_reader import MAX_DEPTH, PIECE, Reader, TooDeep
from scraping.sources.theoddsapi.problems import located

_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})
_SCALARS = frozenset({"string", "number", "boolean", "null"})
# The paths below an event that the survey reads, as ijson spells them.
_BELOW = {
    ".bookmakers.item": "bookmaker",
    ".bookmakers.item.last_update": "update",
    ".bookmakers.item.markets.item.last_update": "update",
    ".bookmakers.item.markets.item.key": "key",
    ".bookmakers.item.markets.item.outcomes.item.price": "price",
}
_TOP = {"": "top", "timestamp": "timestamp", "data": "data"}


@dataclass
class Survey:
    """What one pass over a document found; see the module docstring."""

    top: str = ""  # "start_map", "start_array" or "" (a scalar, or nothing readable)
    top_keys: set[str] = field(default_factory=set)
    root: str | None = None  # ijson's path of each event: "item", "data.item" or "data"
    timestamp: Any = None
    has_timestamp: bool = False
    items: int = 0  # events completed before the end or the break
    bookmakers: int = 0
    market_keys: set[str] = field(default_factory=set)
    vote: FormatVote = field(default_factory=FormatVote)
    newest: NewestTime = field(default_factory=NewestTime)
    error: SourceError | None = None
    slow: bool = False  # read token by token in Python (brackets nest deep)


def survey(path: Path) -> Survey:
    """One pass over the document; a SourceError that stops it is kept in ``error``."""
    try:
        with Reader(path, guard_depth=True) as reader:
            return _survey(path, ijson.parse(reader, buf_size=PIECE, use_float=False))
    except TooDeep:
        # yajl's paths would cost memory quadratic in the depth: build them here instead.
        with Reader(path) as reader:
            found = _survey(path, _tokens(reader, path))
        found.slow = True
        return found


def _survey(path: Path, tokens) -> Survey:
    found = Survey()
    table = dict(_TOP)
    try:
        for prefix, event, value in tokens:
            kind = table.get(prefix)
            if kind is None:
                continue
            if kind == "price":
                if event in _SCALARS:
                    found.vote.add(value)
            elif kind == "update":
                if event == "string":
                    found.newest.add(value)
            elif kind == "root":
                if event in _ENDS or event in _SCALARS:
                    found.items += 1
            elif kind == "key":
                if event == "string":
                    found.market_keys.add(value)
            elif kind == "bookmaker":
                if event == "start_map":
                    found.bookmakers += 1
            else:
                _top_level(found, table, kind, event, value)
    except TooDeep:
        raise
    except SourceError as error:
        found.error = error
    except Exception as exc:  # yajl's errors, a ValueError of the builder
        found.error = bad_json(path, exc)
    return found


def _top_level(found: Survey, table: dict, kind: str, event: str, value: Any) -> None:
    if kind == "top":
        if event in _STARTS:
            found.top = event
            if event == "start_array":
                _set_root(found, table, "item")
        elif event == "map_key":
            found.top_keys.add(value)
    elif kind == "timestamp":
        if event in _SCALARS or event in _STARTS:
            found.timestamp = value if event in _SCALARS else {}
            found.has_timestamp = True
    elif kind == "data" and event in _STARTS:
        _set_root(found, table, "data.item" if event == "start_array" else "data")


def _set_root(found: Survey, table: dict, root: str) -> None:
    found.root = root
    table.update({root + below: kind for below, kind in _BELOW.items()})
    table[root] = "root"


def iter_items(path: Path, found: Survey) -> Iterator[Any]:
    """The events of a surveyed document, one at a time; then its break, if any."""
    if found.root is not None and found.items:
        with Reader(path) as reader:
            if found.slow or found.error is not None:
                # Stop before the break: the piece holding it may nest without end.
                events = _built(_tokens(reader, path), found.root)
            else:
                events = ijson.items(reader, found.root, buf_size=PIECE, use_float=False)
            for count, event in enumerate(events, start=1):
                yield event
                if count == found.items:
                    break
    if found.error is not None:
        raise found.error


def _tokens(reader: Reader, path: Path) -> Iterator[tuple[str, str, Any]]:
    """ijson.parse's (prefix, event, value), built in Python with a depth limit."""
    names: list[str] = []
    for event, value in ijson.basic_parse(reader, buf_size=PIECE, use_float=False):
        if event == "map_key":
            prefix = ".".join(names[:-1])
            names[-1] = value
        elif event in _STARTS:
            prefix = ".".join(names)
            names.append("item" if event == "start_array" else "")
            if len(names) > MAX_DEPTH:
                raise _too_deep(path)
        elif event in _ENDS:
            names.pop()
            prefix = ".".join(names)
        else:
            prefix = ".".join(names)
        yield prefix, event, value


def _built(tokens, root: str) -> Iterator[Any]:
    builder, depth = None, 0
    for prefix, event, value in tokens:
        if builder is None:
            if prefix != root or event == "map_key" or event in _ENDS:
                continue
            if event in _SCALARS:
                yield value
                continue
            builder, depth = ijson.ObjectBuilder(), 0
        builder.event(event, value)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                yield builder.value
                builder = None


def bad_json(path: Path, exc: BaseException) -> SourceError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return SourceError(
        "bad_json",
        located(
            f"not valid JSON from some point on (truncated or corrupt?): {reason}; what came "
            "before it was read. Re-export or re-copy the file",
            str(path),
        ),
        {"file": str(path), "error": reason},
    )


def _too_deep(path: Path) -> SourceError:
    return SourceError(
        "bad_json",
        located(
            f"nested more than {MAX_DEPTH} levels deep, deeper than any odds response; "
            "what came before it was read",
            str(path),
        ),
        {"file": str(path), "max_depth": MAX_DEPTH},
    )

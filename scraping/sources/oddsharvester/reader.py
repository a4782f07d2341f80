"""Reading an OddsHarvester file: the JSON list of match records, or a reason it is not one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Any

from scraping.sources.base import Item, SourceError, located, parse_json_text, parse_utc
from scraping.sources.oddsharvester.mapping import parse_records
from scraping.sources.oddsharvester.tables import MARKET_SUFFIX

_SCRAPED_DATE = re.compile(rb'"scraped_date"\s*:\s*"([^"\\]*)"')


def parse_file(path: str | PathLike[str]) -> Iterator[Item]:
    """Captures and problems of one OddsHarvester file.

    ``metadata.json`` (a dict naming the match and its fixtures) yields nothing: it holds
    no prices. Raises SourceError for a file that is missing, not JSON or not OddsHarvester's.
    """
    path = Path(path)
    data = _load_json(path)
    if isinstance(data, dict) and _is_metadata(data):
        return
    if not isinstance(data, list) or (data and not any(_looks_like_record(r) for r in data)):
        raise SourceError(
            "unknown_format",
            located(
                "Not an OddsHarvester capture file (expected a JSON list of match records "
                f"with scraped_date and <market>_market lists, got {_shape(data)})",
                f"file {path}",
            ),
            {"file": str(path), "shape": _shape(data)},
        )
    yield from parse_records(data, origin=str(path))


def capture_times(path: str | PathLike[str]) -> tuple[datetime, datetime] | None:
    """Earliest and latest ``scraped_date`` in a file, or None when it has none.

    Scans the bytes instead of building the JSON, so ordering many files before ingesting
    them (captures may arrive out of order) costs little. Unparseable dates are ignored
    here; parse_file reports them.
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    times = []
    for raw in _SCRAPED_DATE.findall(content):
        try:
            times.append(parse_utc(raw.decode("utf-8", "replace")))
        except ValueError:
            continue
    return (min(times), max(times)) if times else None


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _missing(path) from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            "bad_json",
            located(
                f"Not UTF-8 text (bad byte at position {exc.start}); re-export it", f"file {path}"
            ),
            {"file": str(path), "position": exc.start},
        ) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return parse_json_text(text, path=path, what="an OddsHarvester file")


def _missing(path: Path) -> SourceError:
    return SourceError(
        "missing_file",
        located("OddsHarvester file does not exist; check the path", f"file {path}"),
        {"file": str(path)},
    )


def _unreadable(path: Path, exc: OSError) -> SourceError:
    return SourceError(
        "unreadable_file",
        located(f"OddsHarvester file cannot be read: {exc.strerror or exc}", f"file {path}"),
        {"file": str(path)},
    )


def _is_metadata(data: dict[str, Any]) -> bool:
    return "match_id" in data or "available_fixtures" in data


def _looks_like_record(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    return "scraped_date" in record or any(k.endswith(MARKET_SUFFIX) for k in record)


def _shape(data: object) -> str:
    if isinstance(data, dict):
        return f"an object with keys {sorted(data)[:8]}"
    if isinstance(data, list):
        return f"a list of {len(data)} items, none a match record"
    return f"a JSON {type(data).__name__}"

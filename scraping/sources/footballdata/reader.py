"""Reading a football-data CSV row by row, whatever its encoding, or why it cannot be read."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from odds.captures import Capture
from scraping.sources.base import Item, SourceError, located, storable_text
from scraping.sources.footballdata.columns import cell, discover_books
from scraping.sources.footballdata.mapping import cut_off, row_items
from scraping.sources.footballdata.tables import REQUIRED_COLUMNS


def parse_file(path: str | Path) -> Iterator[Item]:
    """Stream the captures (and Problems) of one football-data season CSV.

    A generator: nothing is read until the first item is asked for, and then only one row
    at a time. Raises SourceError ``missing_file``, ``unreadable_file`` or
    ``unknown_format`` (on that first ask); a bad row or price is a Problem and the rest
    of the file is still read. Problems name the file and its ``line`` (the header is 1).
    """
    path = Path(path)
    with _open(path) as handle:
        reader = csv.DictReader(_text_lines(handle))
        header = _header(reader, path)
        books = discover_books(header)
        has_time = "Time" in header
        for line, row in _rows(reader, path):
            if _is_blank(row):
                continue
            if None in row.values():  # csv fills the columns a short row lacks with None
                yield cut_off(row, header, file=path.name, line=line)
                continue
            yield from row_items(row, books=books, has_time=has_time, file=path.name, line=line)


def capture_times(path: str | Path) -> tuple[datetime, datetime] | None:
    """The earliest and latest ``captured_at`` in the file, or None when it has no capture.

    Reads the whole file: the capture times follow from the kick-offs, which are not sorted
    in every file.
    """
    times = [item.captured_at for item in parse_file(path) if isinstance(item, Capture)]
    return (min(times), max(times)) if times else None


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise SourceError(
            "missing_file",
            located("football-data file does not exist; check the path", f"file {path}"),
            {"file": str(path)},
        ) from None
    except OSError as error:
        raise SourceError(
            "unreadable_file",
            located(
                f"football-data file cannot be read: {error.strerror or error}", f"file {path}"
            ),
            {"file": str(path)},
        ) from None


def _text_lines(handle: BinaryIO) -> Iterator[str]:
    # Decoding line by line keeps one odd byte in an old file from failing the whole file.
    for number, raw in enumerate(handle):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        # PostgreSQL refuses NUL in any text: a NUL (a file padded by an interrupted copy,
        # say) becomes U+FFFD, like an undecodable byte, so it costs a cell, not the import.
        text = storable_text(text)
        yield text.removeprefix("\ufeff") if number == 0 else text


def _header(reader: csv.DictReader, path: Path) -> list[str]:
    try:
        names = reader.fieldnames
    except (csv.Error, OSError) as error:
        raise _unreadable(path, error) from None
    if not names:
        raise SourceError(
            "unknown_format",
            located(
                "Empty file: a football-data CSV starts with a header line", f"file {path.name}"
            ),
            {"file": path.name},
        )
    header = [name.strip() for name in names]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise SourceError(
            "unknown_format",
            located(
                f"Not a football-data CSV: it has no {', '.join(missing)} "
                f"column{'s' if len(missing) > 1 else ''}",
                f"file {path.name}",
            ),
            {"file": path.name, "missing_columns": missing, "header": header[:20]},
        )
    return header


def _rows(reader: csv.DictReader, path: Path) -> Iterator[tuple[int, dict]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, OSError) as error:
            raise _unreadable(path, error, line=reader.line_num) from None
        yield reader.line_num, row


def _unreadable(path: Path, error: Exception, *, line: int | None = None) -> SourceError:
    return SourceError(
        "unreadable_file",
        located(
            f"Cannot be read as CSV: {error}",
            f"file {path.name}" + (f" line {line}" if line else ""),
        ),
        {"file": path.name, "line": line},
    )


def _is_blank(row: dict) -> bool:
    # Files often end in lines of bare commas; those are padding, not matches.
    return not any(cell(row, column) for column in row if column is not None)

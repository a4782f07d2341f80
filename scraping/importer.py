"""Importing saved files: expand paths, order files by capture time, parse one at a time.

Files are read one after another (memory holds one file's captures, not the whole
import) in the order of their earliest capture, and each file's captures are handed
over in time order, so an import of a folder of snapshots writes history forwards. A
format whose files hold one capture time each (The Odds API) is streamed instead: its
items are handed over as they are read, so memory holds one event, not the file.
A file that cannot be read becomes an error of the run; the other files still count.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings

from odds.captures import Capture, Problem
from scraping.sources.base import Item, SourceError, parse_utc

EXTENSIONS = {
    "theoddsapi": (".json", ".json.gz"),
    "oddsharvester": (".json",),
    "footballdata": (".csv",),
    # Betfair names its files by market id ("1.132153978", ".bz2"): every file counts.
    "betfair": ("",),
}
_LATE = datetime.max.replace(tzinfo=UTC)
FileCallback = Callable[[Path, int, int], None]


def adapter(file_format: str):
    if file_format not in EXTENSIONS:
        raise SourceError(
            "unknown_format",
            f"unknown format {file_format!r}: use one of {', '.join(EXTENSIONS)}",
        )
    return import_module(f"scraping.sources.{file_format}")


def expand_paths(paths: list[str], file_format: str) -> tuple[list[Path], list[Problem]]:
    """Files named, found in folders (recursively) or matched by globs; missing ones
    become problems. Folders contribute only files with the format's extensions."""
    extensions = EXTENSIONS[file_format]
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        matches = [Path(p) for p in sorted(glob.glob(raw, recursive=True))] if _is_glob(raw) else []
        candidates = matches or [Path(raw)]
        for path in candidates:
            if path.is_dir():
                files.extend(
                    sorted(
                        p
                        for p in path.rglob("*")
                        if p.is_file()
                        and p.name.endswith(extensions)
                        and not p.name.startswith(".")
                    )
                )
            elif path.is_file():
                files.append(path)
            else:
                problems.append(
                    Problem(
                        "missing_file",
                        f"{raw} does not exist (no such file, folder or glob match): "
                        "check the path",
                        {"path": raw},
                    )
                )
    return list(dict.fromkeys(files)), problems


def _is_glob(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def order_files(files: list[Path], file_format: str) -> list[Path]:
    module = adapter(file_format)

    def first_capture(path: Path) -> datetime:
        try:
            times = module.capture_times(path)
        except (SourceError, OSError, ValueError):
            return _LATE  # unreadable: parsed last, where it fails with a clear error
        return times[0] if times else _LATE

    return sorted(files, key=lambda p: (first_capture(p), str(p)))


def parse_options(file_format: str, parameters: dict[str, Any]) -> dict[str, Any]:
    if file_format == "betfair":
        interval = parameters.get("interval_ms", settings.ODDS_BETFAIR_INTERVAL_MS)
        return {"interval_ms": interval}
    if file_format != "theoddsapi":
        return {}
    options: dict[str, Any] = {"odds_format": parameters.get("odds_format", "auto")}
    if parameters.get("captured_at"):
        options["captured_at"] = parse_utc(parameters["captured_at"])
    return options


def iter_file_items(
    file_format: str,
    parameters: dict[str, Any],
    stats: dict[str, Any],
    *,
    on_file: FileCallback | None = None,
) -> Iterator[Item]:
    module = adapter(file_format)
    files, problems = expand_paths(parameters["paths"], file_format)
    yield from problems
    ordered = order_files(files, file_format)
    options = parse_options(file_format, parameters)
    stats["files"] = len(ordered)
    stats["files_failed"] = 0
    for index, path in enumerate(ordered, start=1):
        yield from _file_items(module, path, options, stats)
        if on_file:
            on_file(path, index, len(ordered))


def _file_items(module, path: Path, options: dict[str, Any], stats: dict) -> Iterator[Item]:
    """The file's items in time order. A file whose captures share one time is passed on
    as it is read (memory holds one event, not the file); the others are sorted. What
    came before a SourceError part-way through the file is kept."""
    if getattr(module, "STREAMING", False):
        yield from _streamed_items(module, path, options, stats)
        return
    try:
        items = module.parse_file(path, **options)
        if getattr(module, "ONE_CAPTURE_TIME_PER_FILE", False):
            yield from items
            return
        items = list(items)
    except SourceError as error:
        stats["files_failed"] += 1
        yield Problem(error.error_type, error.message, {**error.context, "file": str(path)})
        return
    captures = [i for i in items if isinstance(i, Capture)]
    yield from (i for i in items if not isinstance(i, Capture))
    yield from sorted(captures, key=lambda c: c.captured_at)


def _streamed_items(module, path: Path, options: dict[str, Any], stats: dict) -> Iterator[Item]:
    """A source whose files are in time order and may not fit in memory: its items as
    they are parsed; a failure part-way keeps what came before."""
    try:
        yield from module.parse_file(path, **options)
    except SourceError as error:
        stats["files_failed"] += 1
        yield Problem(error.error_type, error.message, {**error.context, "file": str(path)})

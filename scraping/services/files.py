"""A file import's items: expand paths, order files by capture time, parse one at a time.

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
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odds.captures import Capture, Problem
from scraping.sources.base import Item, SourceError
from scraping.sources.registry import Source

_LATE = datetime.max.replace(tzinfo=UTC)
FileCallback = Callable[[Path, int, int], None]


def expand_paths(paths: list[str], source: Source) -> tuple[list[Path], list[Problem]]:
    """Files named, found in folders (recursively) or matched by globs; missing ones
    become problems. Folders contribute only files with the source's suffixes."""
    extensions = source.suffixes or ()
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


def order_files(files: list[Path], source: Source) -> list[Path]:
    module = source.adapter()

    def first_capture(path: Path) -> datetime:
        try:
            times = module.capture_times(path)
        except (SourceError, OSError, ValueError):
            return _LATE  # unreadable: parsed last, where it fails with a clear error
        return times[0] if times else _LATE

    return sorted(files, key=lambda p: (first_capture(p), str(p)))


def items_from_files(
    source: Source,
    parameters: dict[str, Any],
    stats: dict[str, Any],
    *,
    on_file: FileCallback | None = None,
) -> Iterator[Item]:
    """The items of the files ``parameters["paths"]`` names, file after file."""
    module = source.adapter()
    files, problems = expand_paths(parameters["paths"], source)
    yield from problems
    ordered = order_files(files, source)
    options = source.parse_options(parameters)
    stats["files"] = len(ordered)
    stats["files_failed"] = 0
    for index, path in enumerate(ordered, start=1):
        for item in _file_items(module, path, options, stats):
            yield item if isinstance(item, Capture) else _naming_file(item, path)
        if on_file:
            on_file(path, index, len(ordered))


def _naming_file(problem: Problem, path: Path) -> Problem:
    """The problem with the file it came from, so a re-run of the failed files finds
    it; a file the adapter named already is kept as it named it."""
    if "file" in problem.context:
        return problem
    return replace(problem, context={**problem.context, "file": str(path)})


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

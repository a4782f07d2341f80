"""Reading Betfair historic stream files line by line, whatever they are packed in.

Betfair's historic data comes as one file per market (plain text, or compressed with
bzip2; gzip is accepted too) holding one JSON stream message per line, and is downloaded
as a tar of folders of such files. Every layer is read as a stream: a tar is walked
member by member, a compressed member is decompressed as it is read, and lines are
handed over one at a time, so no file is ever held in memory whole. Each stream file's
lines go to its own :class:`~scraping.sources.betfair.mapping.StreamParser`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from odds.captures import Problem
from scraping.sources.base import Item, SourceError, located
from scraping.sources.betfair.mapping import StreamParser

_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"
_FIRST_BYTES = 512  # a tar header: enough to tell a tar from a stream file


def parse_file(path: str | Path, *, interval_ms: int = 1000) -> Iterator[Item]:
    """Captures and problems of one file, folder member or tar, in stream order."""
    for lines in stream_files(Path(path)):
        parser = StreamParser(lines.origin, interval_ms=interval_ms)
        yield from parser.feed_all(lines)
        if lines.error:
            yield Problem(
                "unreadable_file",
                located(
                    f"{lines.error}; the lines before were kept; re-download it",
                    f"file {lines.origin}",
                ),
                {"file": lines.origin},
            )


def capture_times(path: str | Path) -> tuple[datetime, datetime] | None:
    """The first publish time in the file: where the importer puts it in time order.
    None when there is none to read (parsing the file then says why)."""
    try:
        return _first_time(Path(path))
    except SourceError:
        return None


def _first_time(path: Path) -> tuple[datetime, datetime] | None:
    for lines in stream_files(path):
        for number, raw in lines:
            try:
                pt = json.loads(raw)["pt"]
                moment = datetime.fromtimestamp(pt / 1000, UTC)
            except (ValueError, KeyError, TypeError, OverflowError, OSError):
                if number >= 10:
                    return None
                continue
            return moment, moment
        return None
    return None


class Lines:
    """One stream file's lines (bytes, without the newline), numbered from 1."""

    def __init__(self, origin: str, handle: IO[bytes] | gzip.GzipFile) -> None:
        self.origin = origin
        self.handle = handle
        self.error: str | None = None  # why reading stopped early (truncated, corrupt)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        number = 0
        try:
            for number, line in enumerate(self.handle, start=1):
                yield number, line.rstrip(b"\r\n")
        except (OSError, EOFError, ValueError, tarfile.TarError) as error:
            self.error = f"Unreadable after line {number}: {error}"


def stream_files(path: Path) -> Iterator[Lines]:
    """Each stream file in ``path``: the file itself, or every file of a tar of them.

    Raises SourceError when ``path`` cannot be opened at all; a tar member that cannot
    be read is reported through its :attr:`Lines.error`, and the walk goes on.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below, after the generator)
    except OSError as error:
        raise SourceError(
            "unreadable_file",
            located(f"Cannot be read: {error.strerror}; check the path", f"file {path}"),
        ) from None
    with handle:
        head = _decompressed_head(handle, path)
        handle.seek(0)
        if _is_tar(head):
            yield from _tar_members(handle, path)
        else:
            yield Lines(str(path), _decompressing(handle))


def _decompressed_head(handle: IO[bytes], path: Path) -> bytes:
    try:
        return _decompressing(handle).read(_FIRST_BYTES)
    except (OSError, EOFError) as error:
        raise SourceError(
            "unreadable_file",
            located(f"Not a readable compressed file ({error}); re-download it", f"file {path}"),
            {"file": str(path)},
        ) from None


def _is_tar(head: bytes) -> bool:
    if len(head) < _FIRST_BYTES:
        return False
    try:
        tarfile.TarInfo.frombuf(head, tarfile.ENCODING, "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def _decompressing(handle: IO[bytes]) -> IO[bytes] | gzip.GzipFile:
    """``handle`` read through gzip or bzip2 when its first bytes say it is compressed."""
    # typeshed wants a raw stream; BufferedReader reads any binary file object.
    buffered = handle if hasattr(handle, "peek") else io.BufferedReader(handle)  # type: ignore[type-var]
    magic = buffered.peek(3)[:3]
    if magic.startswith(_GZIP):
        return gzip.GzipFile(fileobj=buffered, mode="rb")
    if magic.startswith(_BZIP2):
        return bz2.BZ2File(buffered, mode="rb")
    return buffered


def _tar_members(handle: IO[bytes], path: Path) -> Iterator[Lines]:
    # "r|*": a stream of members, in archive order, without seeking or an index.
    try:
        with tarfile.open(fileobj=handle, mode="r|*") as archive:
            for member in archive:
                if not member.isfile() or Path(member.name).name.startswith("."):
                    continue
                extracted = archive.extractfile(member)
                if extracted is not None:
                    yield Lines(f"{path}:{member.name}", _decompressing(extracted))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise SourceError(
            "unreadable_file",
            located(
                f"Damaged tar archive ({error}); the members before the damage were read; "
                "re-download it",
                f"file {path}",
            ),
            {"file": str(path)},
        ) from None

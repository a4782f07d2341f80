"""The bytes of a saved JSON response, as a streaming parser pulls them in pieces.

Gunzipped when the file is gzip (whatever its name), without a UTF-8 BOM. On the way,
JSON escapes of what PostgreSQL cannot store (NUL, a lone surrogate) become ``\\ufffd``,
as :func:`scraping.sources.base.storable_json` does for a text read whole; a number too
long to convert stops the read (yajl would crash the interpreter on it); and a document
nested deeper than :data:`MAX_DEPTH` is flagged before yajl builds its paths, which cost
memory quadratic in the depth.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from scraping.sources.base import SourceError, located

MAX_DEPTH = 512  # far deeper than any odds response; json.loads stops near 1000
PIECE = 4096  # bytes a parser pulls at once: bounds what one piece can nest
_BOM = b"\xef\xbb\xbf"
_GZIP = b"\x1f\x8b"
# The escapes of NUL and of a surrogate that is not half of a pair (a pair is one
# character, kept), after an even run of backslashes (else the backslash is escaped).
_ESCAPE = re.compile(
    rb"(?<!\\)((?:\\\\)*)"
    rb"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_ESCAPE_HINT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_PAIR = len(b"\\ud83d\\ude00")
_LONGEST_ESCAPE = 12
_HUGE = 4000  # digits; Python refuses to convert an integer of more than 4300
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))


class TooDeep(Exception):
    """The brackets in a piece nest deeper than MAX_DEPTH (strings not told apart)."""


class Reader:
    """A file-like object over the document's bytes (see the module docstring)."""

    def __init__(self, path: Path, *, guard_depth: bool = False) -> None:
        self.path = path
        try:
            self.handle = path.open("rb")
        except OSError as exc:
            raise SourceError(
                "missing_file",
                located(
                    f"The Odds API file cannot be read: {exc.strerror or exc}; check the path",
                    f"file {path}",
                ),
                {"file": str(path)},
            ) from None
        self.stream: IO[bytes] | gzip.GzipFile = self.handle
        if self.handle.read(2) == _GZIP:
            self.stream = gzip.GzipFile(fileobj=self.handle, mode="rb")
        self.handle.seek(0)
        self.started = False
        self.pending = b""  # the start of an escape that may go on in the next piece
        self.digits = 0  # the run of digits the previous piece ended with
        self.guard_depth = guard_depth
        self.depth = 0

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._raw(size)
            data, self.pending = self.pending + chunk, b""
            if chunk and size > 0:
                data, self.pending = _split_escape(data)
            if data or not chunk:
                break
        if _ESCAPE_HINT.search(data):
            data = _ESCAPE.sub(_storable_escape, data)
        self._check_numbers(data)
        if self.guard_depth:
            self._check_depth(data)
        return data

    def _check_numbers(self, data: bytes) -> None:
        digits = data.translate(_DIGITS)
        leading = len(digits) - len(digits.lstrip(b"0"))
        if self.digits + leading >= _HUGE or b"0" * _HUGE in digits:
            raise SourceError(
                "bad_json",
                located(f"A number of {_HUGE} digits or more, not odds", f"file {self.path}"),
                {"file": str(self.path)},
            )
        trailing = len(digits) - len(digits.rstrip(b"0"))
        self.digits = self.digits + len(digits) if trailing == len(digits) else trailing

    def _check_depth(self, data: bytes) -> None:
        opened = data.count(b"[") + data.count(b"{")
        if self.depth + opened > MAX_DEPTH:
            raise TooDeep
        self.depth += opened - data.count(b"]") - data.count(b"}")

    def _raw(self, size: int) -> bytes:
        try:
            chunk = self.stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(
                "bad_gzip",
                located(
                    f"Not a readable gzip file (truncated or corrupt: {exc})", f"file {self.path}"
                ),
                {"file": str(self.path)},
            ) from None
        if not self.started:
            self.started = True
            chunk = chunk.removeprefix(_BOM)
        return chunk

    def read_up_to(self, limit: int) -> bytes | None:
        """The whole file, or None when it has more than ``limit`` bytes."""
        pieces, total = [], 0
        while piece := self.read(1 << 20):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                return None
        return b"".join(pieces)

    def windows(self, size: int, overlap: int) -> Iterator[bytes]:
        """The bytes in pieces of ``size``, each starting with the previous one's last
        ``overlap`` bytes, so a short pattern is never split between two pieces."""
        tail = b""
        while chunk := self.read(size):
            yield tail + chunk
            tail = chunk[-overlap:]

    def close(self) -> None:
        self.stream.close()
        self.handle.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _split_escape(data: bytes) -> tuple[bytes, bytes]:
    """``data`` without a trailing run of backslashes that may start an escape, and that run."""
    cut = data.rfind(b"\\", max(0, len(data) - _LONGEST_ESCAPE))
    if cut < 0:
        return data, b""
    while cut > 0 and data[cut - 1] == 0x5C:  # keep a run of backslashes together
        cut -= 1
    return data[:cut], data[cut:]


def _storable_escape(match: re.Match) -> bytes:
    escape = match[2]
    return match[1] + (escape if len(escape) == _PAIR else b"\\ufffd")

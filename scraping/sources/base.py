"""What every source adapter shares: its output type, its fatal error, time and JSON helpers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from odds.captures import Capture, Problem

Item = Capture | Problem
Items = Iterator[Item]


class SourceError(Exception):
    """The source as a whole failed: unreachable, unauthorised, unreadable file.

    Nothing (more) can be read from it; the runner records it as a fatal ScrapeError.
    ``context`` must never hold a secret such as an API key.
    """

    def __init__(self, error_type: str, message: str, context: dict[str, Any] | None = None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.context = context or {}

    def as_problem(self) -> Problem:
        return Problem(self.error_type, self.message, self.context, fatal=True)


def located(cause: str, *where: str) -> str:
    """A message with its cause first and where it happened after (``file x.json``,
    ``record 12``): lists cut messages at ~120 characters, and a long path first would
    cut off why."""
    place = ", ".join(part for part in where if part)
    return f"{cause} — {place}" if place else cause


def parse_utc(value: object) -> datetime:
    """An ISO-8601 time (``Z``, an offset, or ``... UTC``) as an aware UTC datetime.

    Raises ValueError naming the value when it is not a time. A time without a zone
    is taken as UTC, as the sources document.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"time {value!r} is missing or not text")
    text = value.strip()
    if text.endswith(" UTC"):
        text = text[: -len(" UTC")]
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {value!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first datetime in UTC
        raise ValueError(f"time {value!r} is out of the range a time can have in UTC") from None


class NewestTime:
    """The newest of the time texts met (those that are times), each distinct text parsed
    once in a row: a streamed file gives hundreds of thousands, mostly repeats."""

    def __init__(self) -> None:
        self.value: datetime | None = None
        self._last: object = None

    def add(self, text: object) -> None:
        if text == self._last:
            return
        self._last = text
        try:
            moment = parse_utc(text)
        except ValueError:
            return
        if self.value is None or moment > self.value:
            self.value = moment


# --- what PostgreSQL can store -----------------------------------------------------------

REPLACEMENT = "\ufffd"
_SAFE_DEPTH = 32  # deeper than any odds document; copying deeper nesting exhausts the stack
# PostgreSQL text and jsonb refuse NUL and surrogates (half of a UTF-16 pair, no character):
# one in a team name or a Problem fails the whole import.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Their JSON escapes, after an even run of backslashes (else the backslash is escaped): NUL,
# or a surrogate that is not half of a high + low pair (a pair is one character, kept).
_UNSTORABLE_ESCAPE = re.compile(
    r"(?<!\\)((?:\\\\)*)"
    r"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_ESCAPE_HINT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")  # cheap test before the full scan
_PAIR_LENGTH = len("\\ud83d\\ude00")


def storable_text(text: str) -> str:
    """``text`` with what PostgreSQL cannot store (NUL, lone surrogates) as U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def storable_json(text: str) -> str:
    """JSON text whose strings decode to storable text: NUL and lone surrogates as U+FFFD.

    Done on the text, before parsing, so it costs one scan and no walk of the document;
    real documents have neither, and come back as they were.
    """
    text = storable_text(text)  # raw surrogates, from bytes decoded with surrogatepass
    if not _ESCAPE_HINT.search(text):
        return text
    return _UNSTORABLE_ESCAPE.sub(_storable_escape, text)


def _storable_escape(match: re.Match) -> str:
    escape = match[2]
    return match[1] + (escape if len(escape) == _PAIR_LENGTH else "\\ufffd")


def json_safe(value: Any, depth: int = 0) -> Any:
    """A copy of a parsed fragment that ``json.dumps`` and PostgreSQL's jsonb both accept.

    For a Problem's context and a Capture's raw: NaN and infinities become the text JSON
    would spell them with, Decimals become numbers, NUL and lone surrogates U+FFFD, dict
    keys text, and nesting deeper than any odds document is cut.
    """
    if isinstance(value, dict | list | tuple) and depth >= _SAFE_DEPTH:
        return "<nested too deeply>"
    if isinstance(value, dict):
        return {storable_text(str(k)): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, Decimal):
        if not value.is_finite():  # float() refuses a signalling NaN
            return str(value)
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity": text, as JSON itself spells it
    return value


def parse_json_text(text: str, *, path: object, what: str, parse_float=None) -> Any:
    """The JSON document in a file's text, or a ``bad_json`` SourceError saying where and
    why it is not one (truncated, nested too deeply, an integer too long to read).
    ``what`` names the expected document in messages ("an odds response")."""
    try:
        return json.loads(storable_json(text), parse_float=parse_float)
    except RecursionError:
        raise SourceError(
            "bad_json",
            located(f"Nested too deeply to be {what}", f"file {path}"),
            {"file": str(path)},
        ) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            "bad_json",
            located(
                f"Not valid JSON (truncated or corrupt?): {exc.msg} (line {exc.lineno}, "
                f"column {exc.colno}, character {exc.pos} of {len(text)}); re-export or re-copy it",
                f"file {path}",
            ),
            {
                "file": str(path),
                "line": exc.lineno,
                "column": exc.colno,
                "position": exc.pos,
                "near": json_safe(text[max(0, exc.pos - 40) : exc.pos + 40]),
            },
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits (int_max_str_digits)
        raise SourceError(
            "bad_json", located(f"Not {what}: {exc}", f"file {path}"), {"file": str(path)}
        ) from None

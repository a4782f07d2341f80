"""A one-line progress display for long commands, on a terminal only."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Rewrites one line of ``stream`` at most every ``every`` seconds; silent when the
    stream is not a terminal (logs and CI get the final summary only)."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, every: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.every = every
        self._last = 0.0
        self._width = 0

    def show(self, text: str, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        padded = text.ljust(self._width)
        self._width = len(text)
        self.stream.write("\r" + padded)
        self.stream.flush()

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()


def bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / total) if total else width
    return "[" + "#" * filled + "." * (width - filled) + f"] {done}/{total}"

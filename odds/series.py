"""What names a stored market series and its value, shared by the write and read paths.

A market's identity is (market_key, period, line) within one (event, bookmaker); the pair's
state and the read path's probes both spell it as text ``key|period|line``. A market that
a capture no longer quotes is *gone*: a history row whose outcomes are ``[]``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from hashlib import blake2b

Ident = tuple[str, str, Decimal | None]  # (market_key, period, line)
GONE_TEXT = "[]"


def value_hash(text: str) -> int:
    """A stable (process-independent) signed 64-bit hash of a canonical value."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


GONE = value_hash(GONE_TEXT)


def line_text(line: Decimal | None) -> str:
    if line is None:
        return ""
    if line == 0:
        return "0"
    return format(line.normalize(), "f")


@lru_cache(maxsize=1 << 14)
def ident_text(ident: Ident) -> str:
    key, period, line = ident
    return f"{key}|{period}|{line_text(line)}"


@lru_cache(maxsize=1 << 14)
def parse_ident(text: str) -> Ident:
    key, period, line = text.split("|")
    return (key, period, Decimal(line) if line else None)


def ident_prefixes(ident: Ident) -> list[str]:
    """The three prefixes of an identity that a capture scope entry may name: "totals",
    "totals|full_time", "totals|full_time|2.5" (the last exactly as ``ident_text``)."""
    key, period, line = ident
    return [key, f"{key}|{period}", f"{key}|{period}|{line_text(line)}"]

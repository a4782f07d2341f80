"""What a simulated feed may be asked for: its market keys, size limits and argument checks."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

SOURCE = "simulated"
MARKET_KEYS = ("h2h", "totals", "spreads")
MAX_EVENTS = 100_000
MAX_BOOKMAKERS = 1_000
MAX_MARKET_SLOTS = 2_000_000  # events x bookmakers x markets: each keeps a small memo


def check_int(name: str, value: object, low: int, high: int | None) -> int:
    accepted = f"from {low} to {high}" if high is not None else f"of at least {low}"
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        raise ValueError(f"{name} must be an integer {accepted}, got {value!r}")
    return value


def check_rate(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0.0 <= value <= 1.0
    ):
        raise ValueError(
            f"{name} must be a number from 0 to 1 (a fraction of observations), got {value!r}"
        )


def check_start(start: object) -> datetime:
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise ValueError(
            "start must be a timezone-aware datetime such as "
            f"datetime(2025, 1, 1, tzinfo=UTC), got {start!r}"
        )
    return start.astimezone(UTC)


def check_markets(markets: Iterable[str]) -> tuple[str, ...]:
    accepted = ", ".join(MARKET_KEYS)
    keys = () if isinstance(markets, str) or not isinstance(markets, Iterable) else tuple(markets)
    if not keys or any(k not in MARKET_KEYS for k in keys) or len(set(keys)) != len(keys):
        raise ValueError(
            f"markets must be a non-empty tuple of distinct market keys from {accepted}, "
            f"got {markets!r}"
        )
    return keys

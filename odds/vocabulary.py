"""The store's market vocabulary (README, "Market vocabulary"): one place for the names.

Every source maps into these keys and periods; the read API checks its arguments
against them (and against what an event really has, for a source's own keys).
"""

from __future__ import annotations

import re
from decimal import Decimal

LAY_SUFFIX = "_lay"

# The Odds API's keys, extended for markets it lacks; each may also come as <key>_lay.
MARKET_KEYS = (
    "h2h",
    "h2h_3_way",
    "h2h_2_way",
    "spreads",
    "spreads_sets",
    "totals",
    "totals_sets",
    "btts",
    "double_chance",
    "draw_no_bet",
    "european_handicap",
    "outrights",
)

FULL_TIME = "full_time"
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
# full_time, first_half, third_quarter, second_period, fifth_set, first_inning,
# first_5_innings, regulation_time, overtime ...
PERIOD_PATTERN = re.compile(
    rf"^(full_time|regulation_time|overtime|({_ORDINALS})_(half|quarter|period|set|inning)"
    r"|first_\d+_innings)$"
)


# Sports whose match result has a draw: their h2h is three-way.
DRAW_SPORTS = frozenset({"soccer", "rugbyunion", "rugbyleague", "handball"})

# What the line column (numeric(8, 3)) holds; a source rounding a line would merge two.
LINE_PLACES = 3
MAX_LINE = Decimal("99999.999")


def line_fits(line: Decimal) -> bool:
    """Whether the store can keep ``line`` exactly: finite, within ±MAX_LINE, 3 places."""
    if not line.is_finite() or abs(line) > MAX_LINE:
        return False
    exponent = line.normalize().as_tuple().exponent  # an int, the line being finite
    return isinstance(exponent, int) and exponent >= -LINE_PLACES


def canonical_line(line: Decimal) -> Decimal:
    """One spelling per line: 236.0 and 236 are one line, 2.50 is 2.5, and -0 is 0."""
    if line == 0:
        return Decimal(0)
    return line.quantize(Decimal(1)) if line == line.to_integral() else line.normalize()


def is_vocabulary_key(key: str) -> bool:
    return key.removesuffix(LAY_SUFFIX) in MARKET_KEYS


def is_vocabulary_period(period: str) -> bool:
    return bool(PERIOD_PATTERN.match(period))

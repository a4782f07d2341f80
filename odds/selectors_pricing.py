"""The arithmetic of the read API: outcome order, whole markets, margins, shares. Pure.

Every ratio the read API returns (overround, no-vig probability, arbitrage edge and
stake share, a mover's change) is a ``Decimal`` with :data:`SCALE` (6) decimal places:
enough to tell a 0.0001 price step on odds of 1000 apart, and short enough to print.
They are computed exactly (as fractions) and rounded once: overround, edge and change
half-even. Probabilities and stake shares are
allotted by largest remainder, so each is within 0.000001 of the exact value *and*
they sum to exactly 1 (a stake plan that adds up to 0.999999 of the stake is wrong).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from odds.quotes import OutcomePrice

SCALE = Decimal("0.000001")
_UNITS = 1_000_000  # millionths in 1

ROLE_ORDER = ("home", "draw", "away", "over", "under", "yes", "no")
_RANK = {name: i for i, name in enumerate(ROLE_ORDER)}

# Outcome sets that make a whole market: mutually exclusive and together certain.
_WHOLE = {
    "h2h": (frozenset({"home", "away"}), frozenset({"home", "draw", "away"})),
    "h2h_3_way": (frozenset({"home", "draw", "away"}),),
    "european_handicap": (frozenset({"home", "draw", "away"}),),
    "h2h_2_way": (frozenset({"home", "away"}),),
    "draw_no_bet": (frozenset({"home", "away"}),),
    "spreads": (frozenset({"home", "away"}),),
    "spreads_sets": (frozenset({"home", "away"}),),
    "totals": (frozenset({"over", "under"}),),
    "totals_sets": (frozenset({"over", "under"}),),
    "btts": (frozenset({"yes", "no"}),),
}
# Outcomes that overlap (double chance) or a list that may leave competitors out.
_NEVER_WHOLE = frozenset({"double_chance", "outrights"})
# Sports whose match winner (h2h) is 1X2: a two-way h2h there is missing its draw.
DRAW_SPORTS = frozenset({"soccer", "rugbyunion", "rugbyleague", "handball"})


def role_rank(name: str) -> tuple[int, str]:
    """Sort key for outcomes: home, draw, away, over, under, yes, no, then by name."""
    return (_RANK.get(name, len(ROLE_ORDER)), name)


def is_whole(market_key: str, outcomes: Iterable[OutcomePrice], *, sport: str) -> bool:
    """Whether these outcomes are a complete market of ``market_key`` in ``sport``.

    Keys of the vocabulary must show one of their outcome sets (a soccer h2h without
    its draw is not whole); other keys need two or more distinct outcomes.
    """
    names = [o.name for o in outcomes]
    base = market_key.removesuffix("_lay")
    if len(names) < 2 or len(set(names)) != len(names) or base in _NEVER_WHOLE:
        return False
    shapes = _WHOLE.get(base)
    if shapes is None:
        return True
    if base == "h2h" and sport in DRAW_SPORTS:
        shapes = shapes[1:]
    return frozenset(names) in shapes


def inverse_sum(prices: Iterable[Decimal]) -> Fraction:
    """sum(1/price), exactly: the total implied probability of a set of prices."""
    return sum((1 / Fraction(p) for p in prices), Fraction(0))


def rounded(value: Fraction) -> Decimal:
    """An exact ratio to :data:`SCALE`, half-even (0 stays 0.000000, never -0.000000)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        SCALE, rounding=ROUND_HALF_EVEN
    )


def shares(prices: list[Decimal]) -> list[Decimal]:
    """(1/price) / sum(1/price) for each price, to :data:`SCALE`, summing to exactly 1.

    Largest remainder: every share is rounded down to whole millionths, then the
    millionths left over go one each to the shares that lost most (ties: the earlier).
    """
    total = inverse_sum(prices)
    exact = [(1 / Fraction(p)) / total * _UNITS for p in prices]
    units = [math.floor(e) for e in exact]
    by_loss = sorted(range(len(exact)), key=lambda i: units[i] - exact[i])
    for i in by_loss[: _UNITS - sum(units)]:
        units[i] += 1
    return [Decimal(u) * SCALE for u in units]

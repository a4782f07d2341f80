"""Odds formats to exact decimal odds.

Every price is stored as decimal odds (the total return per unit staked). American
odds +150 are 2.5 and -200 are 1.5; fractional 5/2 is 3.5. Conversions that do not
terminate (-148 is 1 + 100/148 = 1.675675...) are rounded half-even to
:data:`PRECISION` (4 decimal places), which round-trips every whole American price
from -100000 to +100000 and every fractional price with a denominator up to 100.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

PRECISION = Decimal("0.0001")
ONE = Decimal(1)
HUNDRED = Decimal(100)
FORMATS = ("decimal", "american", "fractional")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_EVENS = {"evs", "evens", "even", "evn"}


class BadPrice(ValueError):
    """A price that is not a valid price in its format; the message says why."""

    def __init__(self, value: object, reason: str):
        self.value = value
        super().__init__(f"price {value!r} {reason}")


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise BadPrice(value, "is not a number")
    # repr keeps a float's shortest form: 2.15 stays 2.15, not its binary expansion.
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise BadPrice(value, "is not a number") from None
    if not number.is_finite():
        raise BadPrice(value, "is not a finite number")
    return number


def canonical(price: Decimal) -> Decimal:
    """Round to :data:`PRECISION` and drop trailing zeros: 2.150 and 2.15 are one price."""
    rounded = price.quantize(PRECISION, rounding=ROUND_HALF_EVEN)
    return rounded.normalize() if rounded != rounded.to_integral() else rounded.quantize(ONE)


def price_text(price: Decimal) -> str:
    """How a price is written into ``MarketOdds.outcomes``: plain digits, no exponent."""
    return format(canonical(price), "f")


def from_decimal(value: object) -> Decimal:
    number = _to_decimal(value)
    if number <= ONE:
        raise BadPrice(value, "is not decimal odds above 1.0")
    return canonical(number)


def from_american(value: object) -> Decimal:
    number = _to_decimal(value)
    if -HUNDRED < number < HUNDRED:
        raise BadPrice(value, "is not American odds (they are at least +100 or at most -100)")
    if number > 0:
        return canonical(ONE + number / HUNDRED)
    return canonical(ONE + HUNDRED / -number)


def from_fractional(value: object) -> Decimal:
    text = str(value).strip().lower()
    if text in _EVENS:
        return Decimal(2)
    match = _FRACTION.match(text)
    if not match:
        raise BadPrice(value, "is not fractional odds like 5/2")
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator == 0 or numerator == 0:
        raise BadPrice(value, "is not fractional odds above 0/1")
    return canonical(ONE + Decimal(numerator) / Decimal(denominator))


def to_decimal_odds(value: object, odds_format: str = "decimal") -> Decimal:
    """Convert one price in ``odds_format`` to canonical decimal odds, or raise BadPrice."""
    converters = {
        "decimal": from_decimal,
        "american": from_american,
        "fractional": from_fractional,
    }
    if odds_format not in converters:
        raise ValueError(f"odds format {odds_format!r} is not one of {', '.join(FORMATS)}")
    return converters[odds_format](value)


def to_american(price: Decimal) -> Decimal:
    """Decimal odds to American, rounded to a whole number (the reverse of from_american)."""
    if price >= 2:
        american = (price - ONE) * HUNDRED
    else:
        american = -HUNDRED / (price - ONE)
    return american.quantize(ONE, rounding=ROUND_HALF_EVEN)


def to_fractional(price: Decimal, *, max_denominator: int = 100) -> Fraction:
    """Decimal odds to the nearest fraction with a denominator up to ``max_denominator``."""
    return Fraction(price - ONE).limit_denominator(max_denominator)


def looks_american(prices: list[object]) -> bool:
    """Whether a set of prices from one response is in American format.

    A file does not say which format it holds. American prices are whole numbers of
    at least 100 in size and may be negative; decimal odds are never negative and a
    whole-number decimal price of 100 or more is rare enough that a whole response of
    them is American. One negative price decides it, so an American file with a bad
    price (say -50) is still read as American and that price reported.
    """
    numbers = []
    for value in prices:
        try:
            numbers.append(_to_decimal(value))
        except BadPrice:
            continue
    if not numbers:
        return False
    if any(n < 0 for n in numbers):
        return True
    return all(n == n.to_integral() and abs(n) >= HUNDRED for n in numbers)

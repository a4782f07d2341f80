"""Odds formats to exact decimal odds.

Every price is stored as decimal odds (the total return per unit staked). American
odds +150 are 2.5 and -200 are 1.5; fractional 5/2 is 3.5. Conversions that do not
terminate (-148 is 1 + 100/148 = 1.675675...) are rounded half-even to
:data:`PRECISION` (4 decimal places).

Precision, exactly (tests/fuzz/test_prices_properties.py checks each claim):

* Every accepted price is ``canonical``: the exact value rounded half-even to 4 places,
  so it is within 0.00005 of what the source meant, and above 1.0 *after* rounding (a
  price that rounds to 1.0, such as 1.00001 or American -2000000, is refused, as is one
  of :data:`MAX_PRICE` or more).
* American → decimal → American: ``to_american(from_american(p)) == p`` for every whole
  ``p >= 100`` (those decimals are exact) and every whole ``p`` from -101 to -1022;
  -100 comes back as +100, the same evens price. Below -1022 neighbouring American prices
  share one 4-place decimal (-1022 and -1023 are both 1.0978), so only the decimal is
  kept: ``from_american(to_american(d)) == d`` for every ``d`` that from_american returns.
* Fractional → decimal → fractional: ``from_fractional("n/d")`` is 1 + n/d rounded
  half-even to 4 places for any whole n, d >= 1, and ``to_fractional`` gives back n/d
  (reduced) whenever d <= 100: two fractions with denominators up to 100 lie at least
  1/9900 apart, more than twice the rounding error.
* Decimal → American → decimal: American odds are whole numbers, so this trip moves a
  price by up to half an American unit: at most 0.005 from 2.0 up, at most 0.00505 below
  (0.005 plus the 4-place rounding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from fractions import Fraction

PRECISION = Decimal("0.0001")
# Far above any real price, and low enough that 4 decimal places always fit in a Decimal.
MAX_PRICE = Decimal("1e15")
_EXACT = Context(prec=40, rounding=ROUND_HALF_EVEN)
ONE = Decimal(1)
HUNDRED = Decimal(100)
FORMATS = ("decimal", "american", "fractional")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_EVENS = {"evs", "evens", "even", "evn"}


class BadPrice(ValueError):
    """A price that is not a valid price in its format; the message says why."""

    def __init__(self, value: object, reason: str):
        self.value = value
        super().__init__(f"price {_shown(value)} {reason}")


def _shown(value: object) -> str:
    """The value as a message shows it: repr, cut short, and never failing itself."""
    try:
        text = repr(value)
    except ValueError:  # an int too long for repr (sys.get_int_max_str_digits)
        return f"<a {type(value).__name__} too long to show>"
    return text if len(text) <= 80 else text[:77] + "..."


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise BadPrice(value, "is not a number")
    try:
        # repr keeps a float's shortest form: 2.15 stays 2.15, not its binary expansion.
        text = repr(value) if isinstance(value, float) else str(value).strip()
        # Decimal reads "1_5" as 15 (PEP 515); no odds format writes a digit separator.
        if "_" in text:
            raise ValueError(text)
        number = Decimal(text)
    except (InvalidOperation, ValueError):  # ValueError: also an int too long for str()
        raise BadPrice(value, "is not a number") from None
    if not number.is_finite():
        raise BadPrice(value, "is not a finite number")
    return number


def canonical(price: Decimal) -> Decimal:
    """Round to :data:`PRECISION` and drop trailing zeros: 2.150 and 2.15 are one price."""
    rounded = price.quantize(PRECISION, context=_EXACT)
    if rounded != rounded.to_integral():
        return rounded.normalize(_EXACT)
    return rounded.quantize(ONE, context=_EXACT)


def price_text(price: Decimal) -> str:
    """How a price is written into ``MarketOdds.outcomes``: plain digits, no exponent."""
    return format(canonical(price), "f")


def _stored(number: Decimal, value: object) -> Decimal:
    """The canonical price of an exact value, refused when it is not storable above 1.0."""
    if number >= MAX_PRICE:
        raise BadPrice(value, f"is too large: a price must be below {MAX_PRICE:,.0f}")
    price = canonical(number)
    if price <= ONE:
        raise BadPrice(value, "rounds to 1.0 at 4 decimal places, not odds above 1.0")
    return price


def from_decimal(value: object) -> Decimal:
    number = _to_decimal(value)
    if number <= ONE:
        raise BadPrice(value, "is not decimal odds above 1.0")
    return _stored(number, value)


def from_american(value: object) -> Decimal:
    number = _to_decimal(value)
    if -HUNDRED < number < HUNDRED:
        raise BadPrice(value, "is not American odds (they are at least +100 or at most -100)")
    if number > 0:
        return _stored(ONE + number / HUNDRED, value)
    return _stored(ONE + HUNDRED / -number, value)


def from_fractional(value: object) -> Decimal:
    text = str(value).strip().lower()
    if text in _EVENS:
        return Decimal(2)
    match = _FRACTION.match(text)
    if not match:
        raise BadPrice(value, "is not fractional odds like 5/2")
    try:
        numerator, denominator = int(match.group(1)), int(match.group(2))
    except ValueError:  # more digits than int() reads
        raise BadPrice(value, "is not fractional odds like 5/2") from None
    if denominator == 0 or numerator == 0:
        raise BadPrice(value, "is not fractional odds above 0/1")
    return _stored(ONE + Decimal(numerator) / Decimal(denominator), value)


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
    _check_odds(price)
    if price >= 2:
        american = (price - ONE) * HUNDRED
    else:
        american = -HUNDRED / (price - ONE)
    return american.quantize(ONE, rounding=ROUND_HALF_EVEN)


def to_fractional(price: Decimal, *, max_denominator: int = 100) -> Fraction:
    """Decimal odds to the nearest fraction with a denominator up to ``max_denominator``."""
    _check_odds(price)
    return Fraction(price - ONE).limit_denominator(max_denominator)


def _check_odds(price: Decimal) -> None:
    """The conversions back are for stored prices; anything else is a BadPrice, not a crash."""
    if not isinstance(price, Decimal) or not price.is_finite() or not ONE < price < MAX_PRICE:
        raise BadPrice(price, f"is not decimal odds above 1.0 and below {MAX_PRICE:,.0f}")


class FormatVote:
    """:func:`looks_american` for prices met one at a time, as a streamed file gives them."""

    __slots__ = ("american", "decimal")

    def __init__(self) -> None:
        self.american = 0
        self.decimal = False

    def add(self, value: object) -> None:
        if self.decimal:
            return  # decided: one decimal-looking price is enough
        try:
            number = _to_decimal(value)
        except BadPrice:
            return
        if number == number.to_integral() and abs(number) >= HUNDRED:
            self.american += 1
        elif number > ONE:
            self.decimal = True

    @property
    def is_american(self) -> bool:
        return self.american >= 2 and not self.decimal


def looks_american(prices: Iterable[object]) -> bool:
    """Whether a set of prices from one response is in American format.

    A file does not say which format it holds. American prices are whole numbers of at
    least 100 in size; decimal odds are above 1.0 and rarely whole numbers of 100 or more.
    The response is American when at least two prices look American and none looks
    decimal. Prices that fit neither format (0, 1.0, -50, -2.5, text) do not vote: they
    are bad in either, and are reported as bad prices once the format is decided. So one
    negative price in a decimal file is that price's error, and an American file with a
    -50 in it is still read as American.
    """
    vote = FormatVote()
    for value in prices:
        vote.add(value)
        if vote.decimal:
            break
    return vote.is_american

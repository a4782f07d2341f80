"""How the viewer wants prices written: decimal (2.50), fractional (6/4) or American (+150).

The store keeps decimal odds; the style is only how a page writes them. The viewer's choice
comes from a cookie (``ViewerPreferencesMiddleware``) and is active for the request, so
every price the admin writes through ``price_text`` follows it.
"""

from __future__ import annotations

from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DECIMAL, FRACTIONAL, AMERICAN = "decimal", "fractional", "american"
STYLES = (DECIMAL, FRACTIONAL, AMERICAN)
STYLE_COOKIE = "odds_style"
ZONE_COOKIE = "odds_tz"
# Bookmakers write fractions with small denominators (10/11, 13/8); 100 keeps every
# two-decimal price within half a cent.
_MAX_DENOMINATOR = 100

_active: ContextVar[str] = ContextVar("odds_style", default=DECIMAL)


def activate(style: str) -> None:
    _active.set(style if style in STYLES else DECIMAL)


def active_style() -> str:
    return _active.get()


def styled(price: Decimal, style: str) -> str:
    """``price`` (decimal odds above 1) written in ``style``."""
    if style == FRACTIONAL:
        exact = Fraction(price - 1)
        fraction = exact.limit_denominator(_MAX_DENOMINATOR) or exact  # 1.005 is 1/200
        return f"{fraction.numerator}/{fraction.denominator}"
    if style == AMERICAN:
        if price >= 2:
            return f"+{((price - 1) * 100).quantize(Decimal(1), ROUND_HALF_UP)}"
        return f"-{(100 / (price - 1)).quantize(Decimal(1), ROUND_HALF_UP)}"
    return f"{price:.2f}" if price == price.quantize(Decimal("0.01")) else f"{price.normalize()}"

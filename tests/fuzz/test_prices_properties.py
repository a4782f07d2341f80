"""odds/prices.py: the round trips and bounds its module docstring states, exactly.

Expected values are computed here with exact fractions (``round`` of a Fraction rounds
half to even), not with odds/prices.py.
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from odds.prices import (
    MAX_PRICE,
    BadPrice,
    canonical,
    from_american,
    from_decimal,
    from_fractional,
    looks_american,
    price_text,
    to_american,
    to_fractional,
)

from .support import fuzz, json_like, odd_values, scalars

FOUR_PLACES = Fraction(1, 10_000)
WIDE = Context(prec=80)


def rounded(exact: Fraction) -> Decimal:
    """``exact`` rounded half-even to 4 places, as a Decimal without trailing zeros."""
    units = round(exact / FOUR_PLACES)  # half to even
    if units % 10_000 == 0:
        return Decimal(units // 10_000)
    return Decimal(f"{units}E-4").normalize(WIDE)  # both exact: WIDE holds every digit


def american_exact(p: int) -> Fraction:
    return 1 + Fraction(p, 100) if p > 0 else 1 + Fraction(100, -p)


# --- American ------------------------------------------------------------------------------


def test_every_american_price_from_101_to_1022_either_way_round_trips():
    """Exhaustive over the whole range the docstring claims for odds-on prices."""
    failures = [p for p in range(101, 1023) for q in (p, -p) if to_american(from_american(q)) != q]
    assert failures == []


def test_minus_100_is_evens_and_comes_back_as_plus_100():
    assert from_american(-100) == from_american(100) == Decimal(2)
    assert to_american(Decimal(2)) == 100


def test_the_odds_on_round_trip_bound_is_tight():
    # -1023 and -1022 share 1.0978: the first price the round trip cannot tell apart.
    assert from_american(-1023) == from_american(-1022) == Decimal("1.0978")
    assert to_american(from_american(-1023)) == -1022


@fuzz(300)
@given(p=st.integers(min_value=100, max_value=10**12))
@example(p=100)
@example(p=100_000)
def test_positive_american_prices_round_trip_exactly(p):
    assert from_american(p) == 1 + Decimal(p) / 100  # exact: two places
    assert to_american(from_american(p)) == p


@fuzz(300)
@given(p=st.integers(min_value=101, max_value=1_999_999))
@example(p=1_999_999)
@example(p=100_000)
def test_any_odds_on_american_price_is_exact_to_four_places_and_stable(p):
    price = from_american(-p)
    assert price == rounded(american_exact(-p))
    assert str(price) == str(canonical(price))
    # The stored decimal survives a trip to American and back, even past -1022.
    assert from_american(to_american(price)) == price
    # And the American price it goes back to is the nearest to that decimal.
    assert abs(Fraction(to_american(price)) + 100 / (Fraction(price) - 1)) <= Fraction(1, 2)


@pytest.mark.parametrize("p", [-2_000_000, -(10**9), Decimal("-1E+30")])
def test_american_prices_that_round_to_evens_money_of_one_are_refused(p):
    """Found by fuzzing: -2000000 gave a price of exactly 1, refused only at validation."""
    with pytest.raises(BadPrice, match=r"rounds to 1\.0"):
        from_american(p)


@fuzz(200)
@given(value=scalars | odd_values)
@example(value=Decimal("1E+30"))  # found: canonical() raised decimal.InvalidOperation
@example(value=-99.99)
@example(value=10**5000)  # found: str() of the int raised ValueError, not BadPrice
def test_from_american_gives_a_price_above_one_or_bad_price(value):
    try:
        price = from_american(value)
    except BadPrice as error:
        assert str(error)
        return
    assert isinstance(price, Decimal) and 1 < price < MAX_PRICE


# --- fractional ----------------------------------------------------------------------------


def test_every_fraction_up_to_100_over_100_is_exact_and_recovered():
    """Exhaustive: 10,000 fractions. Recovery needs d <= 100 (see the module docstring)."""
    wrong = []
    for n in range(1, 101):
        for d in range(1, 101):
            price = from_fractional(f"{n}/{d}")
            if price != rounded(1 + Fraction(n, d)) or to_fractional(price) != Fraction(n, d):
                wrong.append((n, d, price))
    assert wrong == []


@fuzz(300)
@given(n=st.integers(min_value=1, max_value=10**6), d=st.integers(min_value=1, max_value=10**6))
@example(n=1, d=20_000)  # 1.00005: a tie, rounds to even 1.0000, so refused
@example(n=3, d=20_000)  # 1.00015: a tie, rounds to even 1.0002
def test_any_fraction_is_exact_to_four_places(n, d):
    exact = rounded(1 + Fraction(n, d))
    if exact <= 1:
        with pytest.raises(BadPrice):
            from_fractional(f"{n}/{d}")
        return
    assert from_fractional(f" {n} / {d} ") == exact
    if d <= 100:
        assert to_fractional(exact) == Fraction(n, d)


@fuzz(200)
@given(value=st.text(max_size=12) | st.from_regex(r"\s*\d{1,6}\s*/\s*\d{1,6}\s*", fullmatch=True))
@example(value="1" * 5000 + "/1")  # found: int() of 5000 digits raised ValueError
@example(value="1/100000")  # found: rounded to a price of exactly 1
@example(value="Evens")
def test_from_fractional_gives_a_price_above_one_or_bad_price(value):
    try:
        price = from_fractional(value)
    except BadPrice as error:
        assert str(error)
        return
    assert isinstance(price, Decimal) and 1 < price < MAX_PRICE and price == canonical(price)


# --- decimal -------------------------------------------------------------------------------


def decimal_prices():
    """Canonical decimal odds from 1.0001 to 100000: every 4-place price is possible."""
    return st.integers(min_value=10_001, max_value=10**9).map(
        lambda units: canonical(Decimal(units).scaleb(-4))
    )


@fuzz(400)
@given(price=decimal_prices())
@example(price=Decimal("2"))
@example(price=Decimal("1.9999"))
@example(price=Decimal("2.155"))  # +115.5: the largest move from 2 up, half a cent
@example(price=Decimal("1.0001"))
def test_decimal_to_american_and_back_moves_at_most_half_an_american_unit(price):
    american = to_american(price)
    back = from_american(american)
    exact = (Fraction(price) - 1) * 100 if price >= 2 else -100 / (Fraction(price) - 1)
    assert abs(Fraction(american) - exact) <= Fraction(1, 2)
    bound = Decimal("0.005") if price >= 2 else Decimal("0.00505")
    assert abs(back - price) <= bound


@fuzz(400)
@given(value=scalars | odd_values | st.from_regex(r"\s*[+-]?\d{0,4}\.?\d{0,6}\s*", fullmatch=True))
@example(value="1.00001")  # found: accepted as a price of exactly 1
@example(value="1.00005")  # a tie: rounds half-even down to 1.0000, so refused
@example(value="1.00015")
@example(value="1e30")  # found: canonical() raised decimal.InvalidOperation
@example(value="1_5")  # found: Decimal reads digit separators, so this was 15
@example(value=float("nan"))
@example(value=Decimal("sNaN"))
def test_from_decimal_never_accepts_one_or_less_or_a_non_finite_value(value):
    try:
        price = from_decimal(value)
    except BadPrice as error:
        assert str(error)
        return
    exact = Fraction(Decimal(repr(value) if isinstance(value, float) else str(value).strip()))
    assert exact > 1 and price > 1
    assert price == rounded(exact)  # value-preserving to 4 places, half-even
    assert str(price) == str(canonical(price))


@fuzz(300)
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**30), max_value=10**30)
)
@example(value=Decimal("2.150"))
@example(value=Decimal("1E+3"))
@example(value=Decimal("-0.00005"))
def test_canonical_is_idempotent_and_value_preserving(value):
    once = canonical(value)
    assert str(canonical(once)) == str(once)
    assert once == rounded(Fraction(value))
    assert once.as_tuple().exponent >= -4
    text = price_text(value)
    assert "E" not in text.upper() and Decimal(text) == once
    if "." in text:
        assert not text.endswith("0")  # 2.150 and 2.15 are written alike


@fuzz(200)
@given(prices=st.lists(json_like | odd_values, max_size=8))
@example(prices=[10**5000])  # found: str() of the int raised ValueError
@example(prices=[Decimal("sNaN"), "-50", 150])
def test_looks_american_never_raises(prices):
    assert looks_american(prices) in (True, False)


@pytest.mark.parametrize("price", [Decimal(1), Decimal("0.5"), Decimal("NaN"), MAX_PRICE])
def test_conversions_back_refuse_what_is_not_a_stored_price(price):
    """Found by fuzzing: to_american(Decimal(1)) raised decimal.DivisionByZero."""
    with pytest.raises(BadPrice):
        to_american(price)
    with pytest.raises(BadPrice):
        to_fractional(price)

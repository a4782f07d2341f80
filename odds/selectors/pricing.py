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
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from odds.quotes import (
    Arbitrage,
    ArbitrageLeg,
    BestPrice,
    Margin,
    OutcomePrice,
    Quote,
    net_price,
)
from odds.vocabulary import DRAW_SPORTS

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


def best_of(name: str, quotes: list[Quote]) -> BestPrice:
    """The best price of one outcome across quotes, after commission where it applies."""
    # Callers pass the quotes where ``name`` is open: each has a price.
    offers = [(price, q) for q in quotes if (price := q.net_price(name)) is not None]
    top = max(price for price, _ in offers)
    at_top = [q for price, q in offers if price == top]
    books = tuple(sorted({q.bookmaker for q in at_top}))
    net = tuple(sorted({q.bookmaker for q in at_top if q.commission}))
    newest = max(at_top, key=lambda q: q.captured_at)
    confirmed = [q.confirmed_at for q in at_top if q.confirmed_at]
    return BestPrice(
        name, top, books, newest.captured_at, max(confirmed) if confirmed else None, net
    )


def margin_of(bookmaker: str, outcomes: list[OutcomePrice]) -> Margin:
    prices = [o.price for o in outcomes]
    probabilities = dict(zip((o.name for o in outcomes), shares(prices), strict=True))
    return Margin(bookmaker, rounded(inverse_sum(prices) - 1), probabilities)


def arbitrage_of(
    event_id: int, event_name: str, ident: tuple, quotes: list[Quote], floor: Fraction
) -> Arbitrage | None:
    """The arbitrage of one market's quotes (all with the same outcome set), if any:
    each outcome backed at its best open price after commission (ties: the first
    bookmaker by key)."""
    offers: dict[str, list[tuple[Decimal, str, Quote]]] = defaultdict(list)
    for q in quotes:
        for o in q.outcomes:
            if o.status == "open":
                offers[o.name].append((net_price(o.price, q.commission), q.bookmaker, q))
    if len(offers) < len(quotes[0].outcomes):
        return None  # an outcome nobody offers open: nothing covers it
    best = [
        (n, *min(offers[n], key=lambda x: (-x[0], x[1]))) for n in sorted(offers, key=role_rank)
    ]
    # Most markets are far from an edge: a float sum settles them before exact arithmetic.
    if 1 - sum(1 / float(price) for _, price, _, _ in best) <= float(floor) - 1e-9:
        return None
    edge = 1 - inverse_sum(price for _, price, _, _ in best)
    if edge <= floor:
        return None
    split = shares([price for _, price, _, _ in best])
    legs = tuple(
        ArbitrageLeg(n, book, price, s, q.price(n), q.commission)
        for (n, price, book, q), s in zip(best, split, strict=True)
    )
    key, period, line = ident
    return Arbitrage(event_id, event_name, key, period, line, rounded(edge), legs)


def most_quoted_line(quotes: list[Quote]) -> Decimal | None:
    """The line most bookmakers quote with two open prices; ties: the most balanced
    (smallest mean gap between the two implied probabilities), then the lower line."""
    by_line: dict[Decimal | None, list[Fraction]] = defaultdict(list)
    for q in quotes:
        prices = [o.price for o in q.outcomes if o.status == "open"]
        if len(prices) == 2:
            by_line[q.line].append(abs(1 / Fraction(prices[0]) - 1 / Fraction(prices[1])))
    if not by_line:
        return None
    return min(by_line, key=lambda li: (-len(by_line[li]), sum(by_line[li]) / len(by_line[li]), li))


def best_prices_of(quotes: Iterable[Quote]) -> list[BestPrice]:
    """Per outcome of one market's quotes, the best open price after commission, as
    :func:`~odds.selectors.best_prices` answers for the quotes it selects."""
    offers: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        for outcome in quote.outcomes:
            if outcome.status == "open":
                offers[outcome.name].append(quote)
    return [best_of(name, offers[name]) for name in sorted(offers, key=role_rank)]


def margins_of(quotes: Iterable[Quote], *, sport: str) -> list[Margin]:
    """Each whole, fully open quote's overround and no-vig probabilities, as
    :func:`~odds.selectors.margins` answers for the quotes it selects."""
    result = []
    for quote in quotes:
        outcomes = sorted(quote.outcomes, key=lambda o: role_rank(o.name))
        whole = is_whole(quote.market_key, outcomes, sport=sport)
        if whole and all(o.status == "open" for o in outcomes):
            result.append(margin_of(quote.bookmaker, outcomes))
    return result

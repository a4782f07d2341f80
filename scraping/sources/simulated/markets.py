"""The simulated markets: each event's fair line and logit, and prices in cents from them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from odds.captures import FULL_TIME, OPEN, SUSPENDED, Market, Outcome
from odds.prices import canonical
from scraping.sources.simulated.draws import normal
from scraping.sources.simulated.parameters import MARKET_KEYS, MAX_BOOKMAKERS
from scraping.sources.simulated.sports import Sport, Tournament

_DRAW_CUT = 0.55  # soccer: latent cut between win and draw (about 27% draws when level)
_NUDGE = 0.004  # logit step when searching for a level with the wanted last cent digit


@dataclass(frozen=True, slots=True)
class MarketModel:
    """One event's market before any bookmaker: its outcomes, line and fair logit."""

    key: str
    names: tuple[str, ...]
    line: Decimal | None
    x: float  # 2-way: logit of the first outcome; 3-way: the home side's latent edge
    three_way: bool
    uid: int  # + bookmaker index x len(MARKET_KEYS): the market's id in every hash


def market_uid(e: int, key: str) -> int:
    """Ids that ignore the feed's size: a market keeps its prices whatever the counts."""
    return e * MAX_BOOKMAKERS * len(MARKET_KEYS) + MARKET_KEYS.index(key)


def _half_line(value: float) -> Decimal:
    """A line as an exact Decimal: 2.5, -4.5, 220.5."""
    return Decimal(round(value * 2)) / 2


def market_model(
    key: str, sport: Sport, tournament: Tournament, x: float, *, e: int, h: int
) -> MarketModel:
    if key == "h2h":
        names = ("home", "draw", "away") if sport.three_way else ("home", "away")
        return MarketModel(key, names, None, x, sport.three_way, market_uid(e, key))
    if key == "spreads":
        scale = tournament.spread_scale
        if tournament.fixed_spread is not None:
            line = -tournament.fixed_spread if x >= 0 else tournament.fixed_spread
        else:  # the half point that brings the two sides closest to even
            line = math.floor(-x / scale) + 0.5
        line_d, cover = _half_line(line), x + line * scale
        return MarketModel(key, ("home", "away"), line_d, cover, False, market_uid(e, key))
    total = tournament.total_mean + tournament.total_sd * normal(h)
    if tournament.total_lines:
        line = min(tournament.total_lines, key=lambda candidate: abs(total - candidate))
    else:
        line = math.floor(total) + 0.5
    over = (total - line) * tournament.total_scale
    return MarketModel(key, ("over", "under"), _half_line(line), over, False, market_uid(e, key))


def cents_two_way(x: float, overround: float) -> tuple[int, ...]:
    """Prices in cents: fair probabilities scaled up by the overround, rounded to 0.01."""
    x = min(max(x, -2.2), 2.2)  # p within [0.1, 0.9]: prices stay >= 1.03 at an 8% margin
    first = 1.0 / (1.0 + math.exp(-x))
    return (int(100.0 / (first * overround) + 0.5), int(100.0 / ((1.0 - first) * overround) + 0.5))


def cents_three_way(x: float, overround: float) -> tuple[int, ...]:
    """Ordered logit: the closer the sides, the likelier the draw."""
    x = min(max(x, -2.5), 2.5)
    home = 1.0 / (1.0 + math.exp(_DRAW_CUT - x))
    away = 1.0 / (1.0 + math.exp(x + _DRAW_CUT))
    draw = 1.0 - home - away
    return (
        int(100.0 / (home * overround) + 0.5),
        int(100.0 / (draw * overround) + 0.5),
        int(100.0 / (away * overround) + 0.5),
    )


def search_cents(
    drift: float, prices: Callable[[float], tuple[int, ...]], accept: Callable[[tuple], bool]
) -> tuple[int, ...]:
    """Prices at the drift nearest ``drift`` (either way, in small steps) that ``accept``s."""
    cents = prices(drift)
    if accept(cents):
        return cents
    for step in range(1, 2000):
        for candidate in (drift + step * _NUDGE, drift - step * _NUDGE):
            cents = prices(candidate)
            if accept(cents):
                return cents
    raise AssertionError("no price level found")  # unreachable: the clamps span > 1000 steps


class Outcomes:
    """Markets built from prices in cents. Outcomes are immutable, so equal ones are shared
    rather than rebuilt: a long run repeats a few thousand of them millions of times."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, str], Outcome] = {}

    def market(self, model: MarketModel, cents: tuple[int, ...]) -> Market:
        known, outcomes = self._known, []
        for name, c in zip(model.names, cents, strict=True):
            outcomes.append(known.get((name, c, OPEN)) or self._outcome(name, c, OPEN))
        return Market(key=model.key, outcomes=tuple(outcomes), period=FULL_TIME, line=model.line)

    def suspend(self, market: Market, which: frozenset[int]) -> Market:
        outcomes = tuple(
            self._outcome(o.name, int(o.price * 100), SUSPENDED) if i in which else o
            for i, o in enumerate(market.outcomes)
        )
        return Market(key=market.key, outcomes=outcomes, period=market.period, line=market.line)

    def _outcome(self, name: str, cents: int, status: str) -> Outcome:
        found = self._known.get((name, cents, status))
        if found is None:
            price = canonical(Decimal(cents).scaleb(-2))
            found = self._known[(name, cents, status)] = Outcome(name, price, status)
        return found

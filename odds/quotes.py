"""What the read API (odds/selectors.py) returns: small immutable values, no ORM rows.

Prices are exact ``Decimal`` decimal odds; times are aware UTC datetimes. Other apps
can keep, compare and serialise these without touching the database again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OutcomePrice:
    name: str  # role: home, draw, away, over, under, yes, no, ...
    price: Decimal
    status: str = "open"  # open or suspended


@dataclass(frozen=True, slots=True)
class Quote:
    """One stored MarketOdds row: a bookmaker's prices for one market from ``captured_at``
    on. ``outcomes`` is empty when the row records that the market was gone."""

    bookmaker: str  # Bookmaker.key
    bookmaker_name: str
    market_key: str
    period: str
    line: Decimal | None
    captured_at: datetime
    outcomes: tuple[OutcomePrice, ...]

    def price(self, name: str) -> Decimal | None:
        return next((o.price for o in self.outcomes if o.name == name), None)


@dataclass(frozen=True, slots=True)
class OpeningClosing:
    bookmaker: str
    bookmaker_name: str
    opening: Quote  # the first stored prices
    closing: Quote | None  # the last stored before commence_time (None if none before)


@dataclass(frozen=True, slots=True)
class BestPrice:
    outcome: str
    price: Decimal
    bookmakers: tuple[str, ...]  # keys of every bookmaker offering that price
    captured_at: datetime  # when the newest of those quotes was captured


@dataclass(frozen=True, slots=True)
class Margin:
    bookmaker: str
    overround: Decimal  # sum of 1/price - 1
    probabilities: dict[str, Decimal]  # no-vig: (1/price) / sum(1/price), per outcome


@dataclass(frozen=True, slots=True)
class ArbitrageLeg:
    outcome: str
    bookmaker: str
    price: Decimal
    stake_share: Decimal  # share of the total stake (the shares sum to 1)


@dataclass(frozen=True, slots=True)
class Arbitrage:
    event_id: int
    event_name: str
    market_key: str
    period: str
    line: Decimal | None
    edge: Decimal  # 1 - sum(1/best price): the guaranteed return on the total stake
    legs: tuple[ArbitrageLeg, ...]


@dataclass(frozen=True, slots=True)
class Move:
    event_id: int
    event_name: str
    bookmaker: str
    market_key: str
    period: str
    line: Decimal | None
    outcome: str
    from_price: Decimal
    to_price: Decimal
    change: Decimal  # to_price / from_price - 1 (negative: the price shortened)
    moved_at: datetime

"""What the read API (odds/selectors/) returns: small immutable values, no ORM rows.

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
    on. ``outcomes`` is empty when the row records that the market was gone.

    Three times tell what the prices mean: they *changed* at ``captured_at``, are in
    force until the next row, and were last *confirmed* (seen unchanged by a capture
    that reported the market) at ``confirmed_at``. ``in_play``: seen on offer at or
    after the event's start. ``commission``: what the exchange keeps of net winnings
    on these back prices (0 for bookmakers and lay prices).
    """

    bookmaker: str  # Bookmaker.key
    bookmaker_name: str
    market_key: str
    period: str
    line: Decimal | None
    captured_at: datetime
    outcomes: tuple[OutcomePrice, ...]
    confirmed_at: datetime | None = None
    in_play: bool = False
    commission: Decimal = Decimal(0)

    def price(self, name: str) -> Decimal | None:
        return next((o.price for o in self.outcomes if o.name == name), None)

    def net_price(self, name: str) -> Decimal | None:
        """The price a winning back bet really pays, after commission."""
        price = self.price(name)
        return None if price is None else net_price(price, self.commission)


def net_price(price: Decimal, commission: Decimal) -> Decimal:
    """1 + (price - 1) * (1 - commission): exact, and the price itself without one."""
    if not commission:
        return price
    return (1 + (price - 1) * (1 - commission)).normalize()


@dataclass(frozen=True, slots=True)
class OpeningClosing:
    bookmaker: str
    bookmaker_name: str
    opening: Quote  # the first stored prices
    closing: Quote | None  # the last stored before commence_time (None if none before)
    # The closing prices were last confirmed longer than the freshness window before the
    # start: the bookmaker stopped showing them, so they may not be its real closing line.
    closing_stale: bool = False


@dataclass(frozen=True, slots=True)
class BestPrice:
    outcome: str
    price: Decimal  # what a winning back bet pays: after commission for exchanges
    bookmakers: tuple[str, ...]  # keys of every bookmaker offering that price
    captured_at: datetime  # when the newest of those quotes was captured
    confirmed_at: datetime | None = None  # when the newest of them was last confirmed
    after_commission: tuple[str, ...] = ()  # those of ``bookmakers`` quoting more, less commission


@dataclass(frozen=True, slots=True)
class Margin:
    bookmaker: str
    overround: Decimal  # sum of 1/price - 1
    probabilities: dict[str, Decimal]  # no-vig: (1/price) / sum(1/price), per outcome


@dataclass(frozen=True, slots=True)
class ArbitrageLeg:
    outcome: str
    bookmaker: str
    price: Decimal  # what the leg pays: after commission for an exchange
    stake_share: Decimal  # share of the total stake (the shares sum to 1)
    quoted_price: Decimal | None = None  # the price as quoted, before commission
    commission: Decimal = Decimal(0)


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

"""The read API of the odds store, for other Django apps: plain values, no ORM rows.

Every function answers from indexes and reads only the partitions of the time it is
asked about (see :mod:`odds.selectors.probes`); none loads a whole table. ``event`` is
an :class:`~odds.models.Event` or its id; ``at`` is an aware datetime and defaults to
now (the current state); ``line`` is the handicap/total (``None`` for markets without
one). Prices are exact ``Decimal`` decimal odds; ratios have 6 decimal places (see
:mod:`odds.selectors.pricing`). The return types live in :mod:`odds.quotes`.

What an answer means (README, "What an answer means"): every quote says when it was
last confirmed and whether it was seen in play; the pricing answers (best prices,
margins, arbitrage, movers) are pre-match and fresh by default, and pay exchange back
prices after commission. Bad arguments raise ``ValueError`` (:mod:`odds.selectors.args`).

The answers about one event live in :mod:`odds.selectors.event_markets`; the scans over
every market changed in a window (arbitrage, movers) in :mod:`odds.selectors.market_scans`.
"""

from odds.selectors.event_markets import (
    best_prices,
    latest_odds,
    main_line,
    margins,
    market_history,
    opening_closing,
)
from odds.selectors.market_scans import ARBITRAGE_WINDOW, arbitrage, movers

__all__ = [
    "ARBITRAGE_WINDOW",
    "arbitrage",
    "best_prices",
    "latest_odds",
    "main_line",
    "margins",
    "market_history",
    "movers",
    "opening_closing",
]

"""A deterministic simulated odds feed: realistic captures with no network and no file.

:mod:`.feed` holds :class:`SimulatedFeed` and how its prices change from round to round,
:mod:`.events` its fixtures, :mod:`.sports` and :mod:`.bookmakers` the tables they come
from, :mod:`.markets` fair lines and prices, :mod:`.draws` the hashed randomness and
:mod:`.parameters` what a feed may be asked for.
"""

from scraping.sources.simulated.bookmakers import (
    EXCHANGE_MARGIN_RANGE,
    MARGIN_RANGE,
    BookmakerProfile,
    bookmaker_profiles,
)
from scraping.sources.simulated.feed import SimulatedFeed
from scraping.sources.simulated.parameters import (
    MARKET_KEYS,
    MAX_BOOKMAKERS,
    MAX_EVENTS,
    MAX_MARKET_SLOTS,
    SOURCE,
)

__all__ = [
    "EXCHANGE_MARGIN_RANGE",
    "MARGIN_RANGE",
    "MARKET_KEYS",
    "MAX_BOOKMAKERS",
    "MAX_EVENTS",
    "MAX_MARKET_SLOTS",
    "SOURCE",
    "BookmakerProfile",
    "SimulatedFeed",
    "bookmaker_profiles",
]

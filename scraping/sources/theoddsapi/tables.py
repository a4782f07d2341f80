"""What The Odds API's names mean in the store: sports, exchanges, market keys, outcome names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from odds.captures import FULL_TIME
from odds.vocabulary import LAY_SUFFIX

SOURCE = "theoddsapi"

# Exchanges quote back and lay prices; a book with a *_lay market is one too.
EXCHANGES = frozenset(
    {
        "betfair",
        "betfair_ex_uk",
        "betfair_ex_eu",
        "betfair_ex_au",
        "matchbook",
        "smarkets",
        "betdaq",
    }
)

SPORT_NAMES = {
    "americanfootball": "American Football",
    "aussierules": "Aussie Rules",
    "baseball": "Baseball",
    "basketball": "Basketball",
    "boxing": "Boxing",
    "cricket": "Cricket",
    "golf": "Golf",
    "handball": "Handball",
    "icehockey": "Ice Hockey",
    "lacrosse": "Lacrosse",
    "mma": "MMA",
    "politics": "Politics",
    "rugbyleague": "Rugby League",
    "rugbyunion": "Rugby Union",
    "soccer": "Soccer",
    "tennis": "Tennis",
}

PERIOD_SUFFIXES = {
    "h1": "first_half",
    "h2": "second_half",
    "q1": "first_quarter",
    "q2": "second_quarter",
    "q3": "third_quarter",
    "q4": "fourth_quarter",
    "p1": "first_period",
    "p2": "second_period",
    "p3": "third_period",
}
_PERIOD = re.compile(r"^(?P<base>.+)_(?P<suffix>h[12]|q[1-4]|p[1-3])$")
# At most 3 digits: int() refuses 4300 (a ValueError that escaped parse_events).
_INNINGS = re.compile(r"^(?P<base>.+)_1st_(?P<innings>\d{1,3})_innings$")
SLUG = re.compile(r"^[a-z0-9_]+$")
_ALTERNATE = "alternate_"

# Which outcome names each market kind accepts; a name outside them drops the market.
TEAM_ROLES = {
    "h2h": ("home", "away", "draw"),
    "h2h_3_way": ("home", "away", "draw"),
    "spreads": ("home", "away"),
    "draw_no_bet": ("home", "away"),
}
FIXED_NAMES = {
    "totals": {"over": "over", "under": "under"},
    "btts": {"yes": "yes", "no": "no"},
}
LINE_KINDS = frozenset({"spreads", "totals"})  # one line per market; alternates split by line


@dataclass(frozen=True, slots=True)
class MarketKey:
    """What a raw market key such as ``alternate_spreads_h1`` means in the vocabulary."""

    key: str  # vocabulary key, ``_lay`` kept: h2h, spreads, h2h_lay, ...
    kind: str  # key without ``_lay``: decides how outcomes are named
    period: str
    alternate: bool

    @property
    def scope_entry(self) -> tuple[str, str]:
        """(key, period): what asking for, or being sent, this market reports in full."""
        return (self.key, self.period)


def map_market_key(raw_key: str) -> MarketKey:
    """``h2h_h1`` → (h2h, first_half); ``alternate_totals`` → totals; ``h2h_lay`` kept."""
    base = raw_key
    lay = base.endswith(LAY_SUFFIX)
    if lay:
        base = base[: -len(LAY_SUFFIX)]
    period = FULL_TIME
    if match := _PERIOD.match(base):
        base, period = match["base"], PERIOD_SUFFIXES[match["suffix"]]
    elif match := _INNINGS.match(base):
        innings = int(match["innings"])
        base = match["base"]
        period = "first_inning" if innings == 1 else f"first_{innings}_innings"
    alternate = base.startswith(_ALTERNATE)
    if alternate:
        base = base[len(_ALTERNATE) :]
    return MarketKey(
        key=base + LAY_SUFFIX if lay else base, kind=base, period=period, alternate=alternate
    )


def scope_for(raw_keys: Iterable[object]) -> frozenset[tuple[str, str]]:
    """The (key, period) pairs a response reports in full, to judge disappeared markets.

    Per period, not per key: a request for ``h2h`` alone says nothing about the
    first-half ``h2h`` stored from another scrape. Every line of a pair is covered.
    """
    mapped = (map_market_key(key.strip().lower()) for key in raw_keys if isinstance(key, str))
    return frozenset(m.scope_entry for m in mapped if SLUG.match(m.key))


def sport_of(sport_key: str) -> tuple[str, str]:
    """``icehockey_nhl`` → ("icehockey", "Ice Hockey"): the store's sport is the prefix."""
    key = sport_key.split("_", 1)[0]
    return key, SPORT_NAMES.get(key, key.replace("_", " ").title())

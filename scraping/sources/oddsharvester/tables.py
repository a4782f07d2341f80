"""OddsHarvester's names and what they mean in the store: sports, periods, markets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from odds.vocabulary import DRAW_SPORTS, LINE_PLACES, MAX_LINE, canonical_line

SOURCE = "oddsharvester"
MARKET_SUFFIX = "_market"

# OddsHarvester's Sport values (utils/sport_market_constants.py) -> the store's sport.
SPORTS: dict[str, tuple[str, str]] = {
    "football": ("soccer", "Soccer"),
    "basketball": ("basketball", "Basketball"),
    "tennis": ("tennis", "Tennis"),
    "ice-hockey": ("icehockey", "Ice Hockey"),
    "baseball": ("baseball", "Baseball"),
    "american-football": ("americanfootball", "American Football"),
    "rugby-league": ("rugbyleague", "Rugby League"),
    "rugby-union": ("rugbyunion", "Rugby Union"),
    "handball": ("handball", "Handball"),
    "volleyball": ("volleyball", "Volleyball"),
    "cricket": ("cricket", "Cricket"),
}
# Where the two-way winner is the main market, so 1X2 is the regulation-time three-way:
# the known sports without a draw. A sport OddsHarvester adds later keeps 1X2 as h2h.
TWO_WAY_WINNER_SPORTS = frozenset(key for key, _ in SPORTS.values()) - DRAW_SPORTS

# Period values from OddsHarvester's utils/period_constants.py (get_internal_value).
PERIODS = {
    "FullTime": "full_time",
    "FullIncludingOT": "full_time",
    "FirstHalf": "first_half",
    "SecondHalf": "second_half",
    "FirstQuarter": "first_quarter",
    "SecondQuarter": "second_quarter",
    "ThirdQuarter": "third_quarter",
    "FourthQuarter": "fourth_quarter",
    "FirstPeriod": "first_period",
    "SecondPeriod": "second_period",
    "ThirdPeriod": "third_period",
    "FirstSet": "first_set",
    "SecondSet": "second_set",
    "ThirdSet": "third_set",
    "FourthSet": "fourth_set",
    "FifthSet": "fifth_set",
}
# Baseball offers both: "FullTime" there is nine innings, so it must not overwrite full_time.
SPORT_PERIODS = {"baseball": {"FullTime": "regulation_time"}}

EXCHANGES = frozenset({"smarkets", "matchbook", "betdaq"})

# OddsPortal renders " - " for a bookmaker row without odds (docs/agentic-gotchas.md §18).
PLACEHOLDERS = frozenset({"-", ""})

Roles = tuple[tuple[str, tuple[str, ...]], ...]  # (outcome role, odds labels that carry it)

# Odds labels per market, from core/sport_market_registry.py (odds_labels=...).
H2H_3: Roles = (("home", ("1",)), ("draw", ("X",)), ("away", ("2",)))
H2H_2: Roles = (("home", ("1", "player_1")), ("away", ("2", "player_2")))
BTTS: Roles = (("yes", ("btts_yes",)), ("no", ("btts_no",)))
DOUBLE_CHANCE: Roles = (("home_draw", ("1X",)), ("home_away", ("12",)), ("draw_away", ("X2",)))
DRAW_NO_BET: Roles = (("home", ("dnb_team1",)), ("away", ("dnb_team2",)))
TOTALS: Roles = (("over", ("odds_over",)), ("under", ("odds_under",)))
HANDICAP_2: Roles = tuple(
    (
        role,
        tuple(
            label.format(n=n)
            for label in (
                "team{n}_handicap",  # football
                "handicap_team_{n}",  # basketball, rugby, handball
                "games_handicap_player_{n}",  # tennis games
                "sets_handicap_player_{n}",  # tennis sets
                "sets_handicap_team_{n}",  # volleyball sets
                "points_handicap_team_{n}",  # volleyball points
                "{n}",  # American football
            )
        ),
    )
    for role, n in (("home", 1), ("away", 2))
)
HANDICAP_3: Roles = (
    ("home", ("team1_handicap",)),
    ("draw", ("draw_handicap",)),
    ("away", ("team2_handicap",)),
)

# At most 5 digits and 3 decimals: what the store's line column holds.
_DIGITS = len(str(int(MAX_LINE)))
_LINE = rf"(?P<line>[+-]?\d{{1,{_DIGITS}}}(?:_\d{{1,{LINE_PLACES}}})?)"
LINE_MARKETS: tuple[tuple[re.Pattern[str], str, Roles], ...] = (
    (re.compile(rf"over_under_(?:games_|points_)?{_LINE}"), "totals", TOTALS),
    (re.compile(rf"over_under_sets_{_LINE}"), "totals_sets", TOTALS),
    (re.compile(rf"asian_handicap_(?:games_)?{_LINE}(?:_games|_points)?"), "spreads", HANDICAP_2),
    (re.compile(rf"asian_handicap_{_LINE}_sets"), "spreads_sets", HANDICAP_2),
    (re.compile(rf"handicap_{_LINE}"), "spreads", HANDICAP_2),
    (re.compile(rf"european_handicap_{_LINE}"), "european_handicap", HANDICAP_3),
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """What one ``<market>_market`` list holds, in the store's vocabulary."""

    key: str
    roles: Roles
    line: Decimal | None = None


def market_spec(name: str, *, sport_key: str) -> MarketSpec | None:
    """The store's market for an OddsHarvester market name (its list key without ``_market``)."""
    two_way_first = sport_key in TWO_WAY_WINNER_SPORTS
    simple = {
        "1x2": ("h2h_3_way" if two_way_first else "h2h", H2H_3),
        "home_away": ("h2h" if two_way_first else "h2h_2_way", H2H_2),
        "match_winner": ("h2h", H2H_2),
        "btts": ("btts", BTTS),
        "double_chance": ("double_chance", DOUBLE_CHANCE),
        "dnb": ("draw_no_bet", DRAW_NO_BET),
    }
    if name in simple:
        return MarketSpec(*simple[name])
    for pattern, key, roles in LINE_MARKETS:
        found = pattern.fullmatch(name)
        if found:
            # -1_5 -> -1.5, +0_25 -> 0.25, 7_0 -> 7: one value per line, however written.
            return MarketSpec(key, roles, canonical_line(Decimal(found["line"].replace("_", "."))))
    return None


def period(value: object, *, sport_key: str) -> str | None:
    """The store's period for an entry's ``period`` (``FirstHalf`` -> ``first_half``)."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9]+", value):
        return None
    override = SPORT_PERIODS.get(sport_key, {})
    if value in override:
        return override[value]
    return PERIODS.get(value) or _CAMEL.sub("_", value).lower()

"""The simulated bookmakers: real-looking ones first, then generated ones, each with a margin."""

from __future__ import annotations

from dataclasses import dataclass

from odds.captures import BookmakerRef
from scraping.sources.simulated.draws import S_BOOK, hash64, unit
from scraping.sources.simulated.sports import words

MARGIN_RANGE = (0.02, 0.08)  # a bookmaker's overround: sum(1 / price) - 1
EXCHANGE_MARGIN_RANGE = (0.01, 0.02)  # an exchange's back prices (its commission is apart)


@dataclass(frozen=True, slots=True)
class BookmakerProfile:
    """A simulated bookmaker and the overround it puts on every one of its markets."""

    ref: BookmakerRef
    margin: float  # sum(1 / price) = 1 + margin before rounding: 0.05 is 5%


_KNOWN_BOOKMAKERS = (  # (key, name, is_exchange, margin)
    ("bet365", "Bet365", False, 0.05),
    ("pinnacle", "Pinnacle", False, 0.025),
    ("williamhill", "William Hill", False, 0.065),
    ("unibet", "Unibet", False, 0.055),
    ("betfair_ex_uk", "Betfair Exchange UK", True, 0.015),
    ("draftkings", "DraftKings", False, 0.045),
    ("fanduel", "FanDuel", False, 0.045),
    ("betmgm", "BetMGM", False, 0.05),
    ("betway", "Betway", False, 0.06),
    ("paddypower", "Paddy Power", False, 0.07),
    ("ladbrokes_uk", "Ladbrokes", False, 0.075),
    ("coral", "Coral", False, 0.075),
    ("skybet", "Sky Bet", False, 0.07),
    ("matchbook", "Matchbook", True, 0.012),
    ("betvictor", "Bet Victor", False, 0.055),
    ("marathonbet", "Marathon Bet", False, 0.04),
    ("betclic_fr", "Betclic", False, 0.08),
    ("sport888", "888sport", False, 0.06),
    ("smarkets", "Smarkets", True, 0.01),
    ("bovada", "Bovada", False, 0.05),
    ("betonlineag", "BetOnline.ag", False, 0.045),
    ("betrivers", "BetRivers", False, 0.05),
    ("onexbet", "1xBet", False, 0.035),
    ("betsson", "Betsson", False, 0.055),
    ("nordicbet", "NordicBet", False, 0.06),
    ("williamhill_us", "Caesars", False, 0.05),
    ("pointsbetus", "PointsBet (US)", False, 0.05),
    ("lowvig", "LowVig.ag", False, 0.025),
    ("mybookieag", "MyBookie.ag", False, 0.06),
    ("betfair_ex_eu", "Betfair Exchange EU", True, 0.018),
)
_NAME_HEADS = words(
    "Lucky, Golden, Royal, Star, Swift, Prime, Blue, Red, North, Grand, Silver, Apex, Nova, "
    "Crown, Echo, Zen"
)
_NAME_TAILS = words("Bet, Odds, Wager, Sports, Punt, Stake, Line, Play")


def bookmaker_profiles(count: int) -> list[BookmakerProfile]:
    """The first ``count`` bookmakers: real-looking ones first, then generated ones.

    They do not depend on the seed, so every simulated run shares one set of bookmakers
    (and a store fed by several runs keeps one row per bookmaker).
    """
    profiles = [
        BookmakerProfile(BookmakerRef(key, name, is_exchange), margin)
        for key, name, is_exchange, margin in _KNOWN_BOOKMAKERS[:count]
    ]
    combos = len(_NAME_HEADS) * len(_NAME_TAILS)
    low, high = MARGIN_RANGE
    for n in range(count - len(profiles)):
        head = _NAME_HEADS[n % len(_NAME_HEADS)]
        tail = _NAME_TAILS[(n // len(_NAME_HEADS)) % len(_NAME_TAILS)]
        name, key = f"{head} {tail}", f"{head}{tail}".lower()
        if n >= combos:  # past the word lists: number the repeats
            name, key = f"{name} {n // combos + 1}", f"{key}_{n // combos + 1}"
        margin = round(low + 0.01 + (high - low - 0.01) * unit(hash64(0, S_BOOK, n, 0)), 4)
        profiles.append(BookmakerProfile(BookmakerRef(key, name), margin))
    return profiles

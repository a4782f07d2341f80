"""A deterministic simulated odds feed: realistic captures with no network and no file.

It drives the README demo and the benchmarks, so it has to be reproducible, realistic enough
to exercise change-only storage (most prices repeat, a few percent move, a few outcomes
suspend, a few markets vanish for a round) and fast enough to yield millions of market
observations in seconds.

Every capture is a pure function of (seed, parameters, round): round r never needs rounds
0..r-1, so a benchmark can start at any round and two processes always agree. How:

* Each (event, bookmaker, market) lives in *epochs* of ``W`` rounds, staggered per market.
  An epoch opens with a forced price change: that caps how far back a round must look for
  its last change. Inside it, changes fall at rounds drawn with geometric gaps, at a rate
  lowered so that forced plus drawn changes average exactly ``change_rate``.
* The level after a change is the bookmaker's view of the event plus a drift that is a
  moving average of the last few random steps: consecutive levels sit a tick or a few
  apart, yet each is computed on its own. The last cent digit of the first price alternates
  between even and odd from one level to the next, so every change is visible after
  rounding to 2 decimals.
* Suspensions and withdrawals are drawn the same way in fixed blocks of rounds.

The caches (one epoch, one block and one answer per market) only memoise these functions.
"""

from __future__ import annotations

import hashlib
import math
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from odds.captures import (
    FULL_TIME,
    OPEN,
    SUSPENDED,
    BookmakerRef,
    Capture,
    EventRef,
    Market,
    Outcome,
)
from odds.prices import canonical

SOURCE = "simulated"
MARKET_KEYS = ("h2h", "totals", "spreads")
MARGIN_RANGE = (0.02, 0.08)  # a bookmaker's overround: sum(1 / price) - 1
EXCHANGE_MARGIN_RANGE = (0.01, 0.02)  # an exchange's back prices (its commission is apart)
MAX_EVENTS = 100_000
MAX_BOOKMAKERS = 1_000
MAX_MARKET_SLOTS = 2_000_000  # events x bookmakers x markets: each keeps a small memo

_BLOCK = 256  # rounds per block of suspension/withdrawal draws
_MIN_EPOCH = 64
_EPOCH_CHANGES = 8  # an epoch spans about this many changes, so 1 in 8 is forced
_DRAW_CUT = 0.55  # soccer: latent cut between win and draw (about 27% draws when level)
_BIAS = 0.05  # how far one bookmaker's view of an event strays (uniform), in logit units
# A level's drift from that view: a weighted sum of the last few uniform steps, so one change
# moves it by about one step (up to 0.05 logit: a tick or a few on an evens price).
_STEP_WEIGHTS = (0.05, 0.035, 0.025, 0.015)
_STEP_STREAM = 1 << 40  # draw indices of the steps, apart from those of the change rounds
_NUDGE = 0.004  # logit step when searching for a level with the wanted last cent digit
_FOREVER = 1 << 62  # a round beyond any run

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_TO_UNIT = 2.0**-53
_PACK4 = struct.Struct("<4Q").pack

# Salts keep the hashes of different purposes independent.
_S_EVENT, _S_TEAM, _S_RATING, _S_TOTAL, _S_BIAS, _S_EPOCH, _S_BLOCK, _S_BOOK = range(1, 9)


def _hash(a: int, b: int, c: int, d: int) -> int:
    """64-bit hash of four integers (blake2b: measured ~3x faster than chained splitmix)."""
    packed = _PACK4(a & _MASK, b & _MASK, c & _MASK, d & _MASK)
    return int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "little")


def _draw(state: int, index: int) -> int:
    """The index-th output of a splitmix64 stream: the cheapest way to many draws per hash."""
    x = (state + index * _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _stream(state: int) -> Iterator[float]:
    """Uniforms in (0, 1] from a 64-bit LCG seeded by a hash: cheaper than a hash each.

    Its top 53 bits are plenty for gaps between changes; streams of nearby states
    never share draws because each state came out of a full hash.
    """
    x = state
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) & _MASK
        yield ((x >> 11) + 1) * _TO_UNIT


def _unit(h: int) -> float:
    """A uniform in (0, 1]: never 0, so its log is finite."""
    return ((h >> 11) + 1) * _TO_UNIT


def _normal(h: int) -> float:
    """A standard normal from one hash (Box-Muller on two of its draws)."""
    radius = math.sqrt(-2.0 * math.log(_unit(_draw(h, 1))))
    return radius * math.cos(2.0 * math.pi * _unit(_draw(h, 2)))


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(","))


# --- sports, tournaments and teams -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tournament:
    key: str
    name: str
    country: str
    places: tuple[str, ...]  # one team per place
    styles: tuple[str, ...] = ()  # "{} United": a club name around the place
    nicknames: tuple[str, ...] = ()  # US style "Place Nickname": each team its own
    kickoffs: tuple[tuple[int, int], ...] = ((19, 0),)  # UTC hour, minute
    rating_sd: float = 0.45  # spread of team strengths, logit units
    home_edge: float = 0.3
    spread_scale: float = 1.1  # logit per point of handicap
    fixed_spread: float | None = None  # ice hockey's puck line is always 1.5
    total_mean: float = 2.7
    total_sd: float = 0.3
    total_lines: tuple[float, ...] = (2.5,)  # the main lines offered; () = nearest half point
    total_scale: float = 0.8  # logit per point of (expected total - line)


@dataclass(frozen=True, slots=True)
class _Sport:
    key: str
    name: str
    weight: float  # share of events
    three_way: bool  # h2h has a draw
    tournaments: tuple[_Tournament, ...]


_SOCCER = _Sport(
    "soccer",
    "Soccer",
    0.45,
    True,
    (
        _Tournament(
            "soccer_epl",
            "Premier League",
            "England",
            _words(
                "Ashford, Bexley, Carlton, Dorking, Eastleigh, Fairford, Greyhill, Hastings, "
                "Ilford, Kingsbridge, Lowestoft, Marlow, Northam, Redbury, Stanmore, Westbury"
            ),
            styles=_words("{} United, {} City, {} Town, {} Rovers, {} Athletic, {} Albion, {} FC"),
            kickoffs=((12, 30), (15, 0), (17, 30), (19, 45), (20, 0)),
        ),
        _Tournament(
            "soccer_spain_la_liga",
            "La Liga",
            "Spain",
            _words(
                "Alcora, Burgos, Cadiz, Elche, Gijon, Huesca, Jaen, Leganes, Lorca, Merida, "
                "Ourense, Palencia, Soria, Tarragona, Toledo, Zamora"
            ),
            styles=_words("Real {}, {} CF, CD {}, Atletico {}, UD {}, SD {}"),
            kickoffs=((12, 0), (14, 15), (16, 30), (19, 0), (20, 0)),
        ),
        _Tournament(
            "soccer_germany_bundesliga",
            "Bundesliga",
            "Germany",
            _words(
                "Aachen, Bielefeld, Cottbus, Darmstadt, Erfurt, Fulda, Giessen, Halle, Jena, "
                "Kassel, Lubeck, Mannheim, Oldenburg, Paderborn, Rostock, Ulm"
            ),
            styles=_words("FC {}, {} SV, VfB {}, SC {}, Borussia {}, TSV {}"),
            kickoffs=((13, 30), (14, 30), (16, 30), (17, 30), (19, 30)),
            total_mean=3.0,
        ),
        _Tournament(
            "soccer_italy_serie_a",
            "Serie A",
            "Italy",
            _words(
                "Ancona, Bari, Cesena, Ferrara, Lecce, Livorno, Modena, Novara, Padova, "
                "Perugia, Pisa, Reggio, Siena, Terni, Trieste, Vicenza"
            ),
            styles=_words("AC {}, {} Calcio, US {}, FC {}, AS {}"),
            kickoffs=((11, 30), (14, 0), (17, 0), (19, 45)),
            total_mean=2.6,
        ),
    ),
)
_BASKETBALL = _Sport(
    "basketball",
    "Basketball",
    0.2,
    False,
    (
        _Tournament(
            "basketball_nba",
            "NBA",
            "USA",
            _words(
                "Austin, Baltimore, Columbus, Louisville, Nashville, Omaha, Pittsburgh, "
                "Kansas City, Las Vegas, St. Louis, San Diego, Tampa, Raleigh, Albuquerque, "
                "Cincinnati, Hartford"
            ),
            nicknames=_words(
                "Comets, Pioneers, Stallions, Hurricanes, Titans, Monarchs, Express, Wolves, "
                "Storm, Blaze, Rangers, Coyotes, Vipers, Giants, Outlaws, Mariners"
            ),
            kickoffs=((0, 0), (0, 30), (1, 0), (2, 0), (3, 0)),
            rating_sd=0.55,
            home_edge=0.2,
            spread_scale=1 / 7,
            total_mean=224.0,
            total_sd=7.0,
            total_lines=(),
            total_scale=0.05,
        ),
        _Tournament(
            "basketball_euroleague",
            "EuroLeague",
            "Europe",
            _words(
                "Vilnius, Belgrade, Zagreb, Kaunas, Athens, Piraeus, Istanbul, Valencia, "
                "Bologna, Munich, Tel Aviv, Madrid, Barcelona, Milan, Lyon, Monaco"
            ),
            styles=_words("{} Basket, BC {}, KK {}, {} BC"),
            kickoffs=((17, 0), (18, 0), (19, 0), (19, 45)),
            rating_sd=0.5,
            home_edge=0.35,
            spread_scale=1 / 6,
            total_mean=162.0,
            total_sd=6.0,
            total_lines=(),
            total_scale=0.06,
        ),
    ),
)
_ICEHOCKEY = _Sport(
    "icehockey",
    "Ice Hockey",
    0.15,
    False,
    (
        _Tournament(
            "icehockey_nhl",
            "NHL",
            "USA",
            _words(
                "Quebec City, Hartford, Halifax, Portland, Milwaukee, Hamilton, Saskatoon, "
                "Cleveland, Houston, Kansas City, Atlanta, Salt Lake City, Regina, Victoria, "
                "Omaha, Spokane"
            ),
            nicknames=_words(
                "Blizzard, Lumberjacks, Huskies, Icemen, Thunder, Grizzlies, Voyageurs, "
                "Mariners, Barons, Aeros, Scouts, Blades, Ravens, Wolverines, Glaciers, "
                "Timberwolves"
            ),
            kickoffs=((23, 0), (0, 0), (0, 30), (2, 0)),
            rating_sd=0.3,
            home_edge=0.15,
            spread_scale=0.7,
            fixed_spread=1.5,
            total_mean=6.0,
            total_sd=0.3,
            total_lines=(5.5, 6.5),
            total_scale=1.2,
        ),
        _Tournament(
            "icehockey_sweden_hockey_league",
            "SHL",
            "Sweden",
            _words(
                "Lulea, Skelleftea, Vaxjo, Linkoping, Orebro, Karlstad, Jonkoping, Malmo, "
                "Boras, Gavle, Umea, Sundsvall, Vasteras, Norrkoping, Kalmar, Halmstad"
            ),
            styles=_words("{} HF, {} IF, {} HC, IK {}, {} HK"),
            kickoffs=((17, 0), (18, 0)),
            rating_sd=0.3,
            home_edge=0.2,
            spread_scale=0.7,
            fixed_spread=1.5,
            total_mean=5.5,
            total_sd=0.3,
            total_lines=(4.5, 5.5, 6.5),
            total_scale=1.2,
        ),
    ),
)
_AMERICANFOOTBALL = _Sport(
    "americanfootball",
    "American Football",
    0.2,
    False,
    (
        _Tournament(
            "americanfootball_nfl",
            "NFL",
            "USA",
            _words(
                "Birmingham, Memphis, Orlando, San Antonio, Oklahoma City, Sacramento, "
                "Salt Lake City, San Jose, Louisville, Richmond, Hartford, Honolulu, Boise, "
                "Toledo, Norfolk, Tulsa"
            ),
            nicknames=_words(
                "Generals, Gamblers, Maulers, Stallions, Express, Bandits, Showboats, Blitz, "
                "Gunslingers, Breakers, Renegades, Roughnecks, Sea Dragons, Defenders, "
                "Wranglers, Outlaws"
            ),
            kickoffs=((18, 0), (21, 5), (21, 25), (1, 20)),
            rating_sd=0.6,
            home_edge=0.12,
            spread_scale=1 / 6.5,
            total_mean=44.5,
            total_sd=3.5,
            total_lines=(),
            total_scale=0.08,
        ),
        _Tournament(
            "americanfootball_ncaaf",
            "NCAAF",
            "USA",
            _words(
                "Ridgewood State, Lakeshore Tech, Pine Valley, Westbrook State, Eastfield, "
                "Northgate, Silver Creek, Stonebridge State, Red Mesa, Cedar Falls Tech, "
                "Bayview, Highland State, Iron Range, Clearwater, Granite Peak, Southport State"
            ),
            nicknames=_words(
                "Bobcats, Mustangs, Owls, Hornets, Bulldogs, Cougars, Falcons, Rams, Panthers, "
                "Spartans, Wildcats, Tigers, Eagles, Knights, Pirates, Badgers"
            ),
            kickoffs=((16, 0), (19, 30), (23, 0), (0, 30)),
            rating_sd=0.9,
            home_edge=0.2,
            spread_scale=1 / 7,
            total_mean=54.0,
            total_sd=6.0,
            total_lines=(),
            total_scale=0.07,
        ),
    ),
)
_SPORTS = (_SOCCER, _BASKETBALL, _ICEHOCKEY, _AMERICANFOOTBALL)
_TOURNAMENTS = [(sport, t) for sport in _SPORTS for t in sport.tournaments]
_TEAMS = 16  # per tournament: every place list above has 16 entries


def _team_names(seed: int, t_index: int, tournament: _Tournament) -> list[str]:
    """Distinct names: a place plus a club style, or plus a nickname of its own."""
    if tournament.nicknames:
        # A seeded shuffle gives every team its own nickname, different per seed.
        order = sorted(range(_TEAMS), key=lambda i: _hash(seed, _S_TEAM, t_index, i))
        nicknames = [tournament.nicknames[i] for i in order]
        return [f"{p} {n}" for p, n in zip(tournament.places, nicknames, strict=True)]
    styles = tournament.styles
    return [
        styles[_hash(seed, _S_TEAM, t_index, i) % len(styles)].format(place)
        for i, place in enumerate(tournament.places)
    ]


def _round_robin(matchday: int, slot: int, teams: int) -> tuple[int, int]:
    """The circle method: no team plays twice on one matchday; the second leg swaps venues."""
    rounds = teams - 1
    day = matchday % rounds
    if slot == 0:
        home, away = teams - 1, day
    else:
        home, away = (day + slot) % rounds, (day - slot) % rounds
    if (day + slot) % 2 == 1:
        home, away = away, home
    if (matchday // rounds) % 2 == 1:
        home, away = away, home
    return home, away


def _pick_tournament(u: float, h: int) -> int:
    """An index into _TOURNAMENTS: a sport by weight, then one of its tournaments."""
    total = sum(sport.weight for sport in _SPORTS)
    first = 0
    for sport in _SPORTS:
        share = sport.weight / total
        if u <= share:
            return first + h % len(sport.tournaments)
        u -= share
        first += len(sport.tournaments)
    return first - 1  # u rounding past the last share


# --- bookmakers --------------------------------------------------------------------------


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
_NAME_HEADS = _words(
    "Lucky, Golden, Royal, Star, Swift, Prime, Blue, Red, North, Grand, Silver, Apex, Nova, "
    "Crown, Echo, Zen"
)
_NAME_TAILS = _words("Bet, Odds, Wager, Sports, Punt, Stake, Line, Play")


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
        margin = round(low + 0.01 + (high - low - 0.01) * _unit(_hash(0, _S_BOOK, n, 0)), 4)
        profiles.append(BookmakerProfile(BookmakerRef(key, name), margin))
    return profiles


# --- markets and prices ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _MarketModel:
    """One event's market before any bookmaker: its outcomes, line and fair logit."""

    key: str
    names: tuple[str, ...]
    line: Decimal | None
    x: float  # 2-way: logit of the first outcome; 3-way: the home side's latent edge
    three_way: bool
    uid: int  # + bookmaker index x len(MARKET_KEYS): the market's id in every hash


def _uid(e: int, key: str) -> int:
    """Ids that ignore the feed's size: a market keeps its prices whatever the counts."""
    return e * MAX_BOOKMAKERS * len(MARKET_KEYS) + MARKET_KEYS.index(key)


def _half_line(value: float) -> Decimal:
    """A line as an exact Decimal: 2.5, -4.5, 220.5."""
    return Decimal(round(value * 2)) / 2


def _market_model(
    key: str, sport: _Sport, tournament: _Tournament, x: float, *, e: int, h: int
) -> _MarketModel:
    if key == "h2h":
        names = ("home", "draw", "away") if sport.three_way else ("home", "away")
        return _MarketModel(key, names, None, x, sport.three_way, _uid(e, key))
    if key == "spreads":
        scale = tournament.spread_scale
        if tournament.fixed_spread is not None:
            line = -tournament.fixed_spread if x >= 0 else tournament.fixed_spread
        else:  # the half point that brings the two sides closest to even
            line = math.floor(-x / scale) + 0.5
        line_d, cover = _half_line(line), x + line * scale
        return _MarketModel(key, ("home", "away"), line_d, cover, False, _uid(e, key))
    total = tournament.total_mean + tournament.total_sd * _normal(h)
    if tournament.total_lines:
        line = min(tournament.total_lines, key=lambda candidate: abs(total - candidate))
    else:
        line = math.floor(total) + 0.5
    over = (total - line) * tournament.total_scale
    return _MarketModel(key, ("over", "under"), _half_line(line), over, False, _uid(e, key))


def _cents_two_way(x: float, overround: float) -> tuple[int, ...]:
    """Prices in cents: fair probabilities scaled up by the overround, rounded to 0.01."""
    x = min(max(x, -2.2), 2.2)  # p within [0.1, 0.9]: prices stay >= 1.03 at an 8% margin
    first = 1.0 / (1.0 + math.exp(-x))
    return (int(100.0 / (first * overround) + 0.5), int(100.0 / ((1.0 - first) * overround) + 0.5))


def _cents_three_way(x: float, overround: float) -> tuple[int, ...]:
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


def _search(
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


# --- the feed ----------------------------------------------------------------------------


class SimulatedFeed:
    """Rounds of captures of simulated events at simulated bookmakers (see the module doc)."""

    def __init__(
        self,
        *,
        seed: int = 0,
        events: int = 20,
        bookmakers: int = 8,
        change_rate: float = 0.03,
        start: datetime,
        interval: timedelta = timedelta(minutes=5),
        markets: tuple[str, ...] = MARKET_KEYS,
        suspend_rate: float = 0.002,
        withdraw_rate: float = 0.001,
    ):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        _check_int("events", events, 1, MAX_EVENTS)
        _check_int("bookmakers", bookmakers, 1, MAX_BOOKMAKERS)
        _check_rate("change_rate", change_rate)
        _check_rate("suspend_rate", suspend_rate)
        _check_rate("withdraw_rate", withdraw_rate)
        self._start = _check_start(start)
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            raise ValueError(f"interval must be a positive timedelta, got {interval!r}")
        self._market_keys = _check_markets(markets)
        slots = events * bookmakers * len(self._market_keys)
        if slots > MAX_MARKET_SLOTS:
            raise ValueError(
                f"events x bookmakers x markets must be at most {MAX_MARKET_SLOTS:,}, "
                f"got {slots:,}: lower events or bookmakers"
            )
        self._seed, self._interval = seed, interval
        self._change_rate = float(change_rate)
        self._suspend_rate, self._withdraw_rate = float(suspend_rate), float(withdraw_rate)
        self._disrupted = bool(suspend_rate or withdraw_rate)
        self._profiles = bookmaker_profiles(bookmakers)
        self._books = [profile.ref for profile in self._profiles]
        self._event_refs, self._models = self._build_events(events)
        self._set_up_changes()
        self._scope = frozenset(self._market_keys)
        self._bias_state = _hash(seed, _S_BIAS, 0, 0)
        # Memos of pure functions, one entry per (event, bookmaker[, market]); they hold few
        # container objects on purpose, as each one costs garbage-collector time.
        self._pairs: list[tuple | None] = [None] * (events * bookmakers)
        self._spans: list[tuple | None] = [None] * slots
        self._epochs: list[tuple | None] = [None] * slots
        self._blocks: list[tuple | None] = [None] * slots
        self._times: dict[int, datetime] = {}
        self._outcomes: dict[tuple[str, int, str], Outcome] = {}
        # A bookmaker's own event ids: a per-bookmaker base plus the event number.
        self._id_bases = [
            10_000_000 + _hash(seed, _S_BOOK, b, 1) % 80_000_000 for b in range(bookmakers)
        ]

    # -- public ---------------------------------------------------------------------------

    @property
    def bookmakers(self) -> list[BookmakerProfile]:
        return list(self._profiles)

    @property
    def events(self) -> list[EventRef]:
        return list(self._event_refs)

    @property
    def epoch_length(self) -> int:
        """Rounds between the forced changes of one market (see the module doc)."""
        return self._epoch_length

    def captured_at(self, round_index: int) -> datetime:
        """When round ``round_index`` was observed: start + round_index * interval, in UTC."""
        return self._time(_check_int("round_index", round_index, 0, None))

    def _time(self, round_index: int) -> datetime:
        when = self._times.get(round_index)
        if when is None:
            try:
                when = self._start + round_index * self._interval
            except OverflowError:
                raise ValueError(
                    f"round_index {round_index} is past the last representable time"
                ) from None
            if len(self._times) > 100_000:  # a memo, not a store: keep it bounded
                self._times.clear()
            self._times[round_index] = when
        return when

    def round_captures(self, round_index: int) -> Iterator[Capture]:
        """One capture per (event, bookmaker) for this round, all at one ``captured_at``."""
        return self._round(round_index, self.captured_at(round_index))

    def iter_rounds(self, first: int, count: int) -> Iterator[Capture]:
        """Captures of rounds ``first`` .. ``first + count - 1``, round after round."""
        _check_int("first", first, 0, None)
        _check_int("count", count, 0, None)
        for round_index in range(first, first + count):
            yield from self.round_captures(round_index)

    def count_observations(self, rounds: int) -> int:
        """Market observations in ``rounds`` rounds, withdrawn markets included."""
        _check_int("rounds", rounds, 0, None)
        return len(self._event_refs) * len(self._books) * len(self._market_keys) * rounds

    def describe(self) -> dict[str, Any]:
        """The parameters, JSON-ready, for ScrapeRun.parameters: enough to replay the run."""
        return {
            "source": SOURCE,
            "seed": self._seed,
            "events": len(self._event_refs),
            "bookmakers": len(self._books),
            "change_rate": self._change_rate,
            "start": self._start.isoformat(),
            "interval_seconds": self._interval.total_seconds(),
            "markets": list(self._market_keys),
            "suspend_rate": self._suspend_rate,
            "withdraw_rate": self._withdraw_rate,
        }

    # -- set-up ---------------------------------------------------------------------------

    def _build_events(self, count: int) -> tuple[list[EventRef], list[_MarketModel]]:
        """Events spread over sports and tournaments, their fixtures from a round robin."""
        seed = self._seed
        teams: dict[int, tuple[list[str], list[float]]] = {}
        played = [0] * len(_TOURNAMENTS)
        midnight = self._start.replace(hour=0, minute=0, second=0, microsecond=0)
        refs: list[EventRef] = []
        models: list[_MarketModel] = []
        for e in range(count):
            h = _hash(seed, _S_EVENT, e, 0)
            t_index = _pick_tournament(_unit(h), _draw(h, 1))
            sport, tournament = _TOURNAMENTS[t_index]
            if t_index not in teams:
                teams[t_index] = self._teams(t_index, tournament)
            names, ratings = teams[t_index]
            matchday, slot = divmod(played[t_index], _TEAMS // 2)
            played[t_index] += 1
            home, away = _round_robin(matchday, slot, _TEAMS)
            hour, minute = tournament.kickoffs[_draw(h, 2) % len(tournament.kickoffs)]
            # Two to six days after start's date: after every round of a typical run.
            commence = midnight + timedelta(days=2 + matchday % 5, hours=hour, minutes=minute)
            refs.append(
                EventRef(
                    source=SOURCE,
                    source_event_id=f"sim-{seed}-{e:06d}",
                    sport_key=sport.key,
                    sport_name=sport.name,
                    tournament_key=tournament.key,
                    tournament_name=tournament.name,
                    home_team=names[home],
                    away_team=names[away],
                    commence_time=commence,
                    country=tournament.country,
                )
            )
            x = tournament.home_edge + ratings[home] - ratings[away]
            total_h = _hash(seed, _S_TOTAL, e, 0)
            models.extend(
                _market_model(key, sport, tournament, x, e=e, h=total_h)
                for key in self._market_keys
            )
        return refs, models

    def _teams(self, t_index: int, tournament: _Tournament) -> tuple[list[str], list[float]]:
        names = _team_names(self._seed, t_index, tournament)
        ratings = [
            tournament.rating_sd * _normal(_hash(self._seed, _S_RATING, t_index, i))
            for i in range(len(names))
        ]
        return names, ratings

    def _set_up_changes(self) -> None:
        """The epoch length, the drawn change rate inside an epoch, each market's stagger."""
        rate = self._change_rate
        if rate <= _EPOCH_CHANGES / _FOREVER:  # 0, or so rare it never happens
            self._epoch_length, self._inner_rate = _FOREVER, 0.0
        else:
            length = max(_MIN_EPOCH, math.ceil(_EPOCH_CHANGES / rate))
            self._epoch_length = length
            # 1 forced change per epoch + the rest drawn averages exactly ``rate``.
            self._inner_rate = min(1.0, (rate - 1.0 / length) / (1.0 - 1.0 / length))
        inner = self._inner_rate
        self._log_keep = math.log1p(-inner) if 0.0 < inner < 1.0 else 0.0
        self._every_round = tuple(range(self._epoch_length)) if inner >= 1.0 else None
        start, length = _hash(self._seed, _S_EPOCH, -1, 0), self._epoch_length
        if length == _FOREVER:
            start, length = 0, 1  # every phase 0: one epoch from round 0, one level for ever
        # Staggered epochs, so forced changes do not all fall on one round.
        per_event = len(self._market_keys)
        by_event = [self._models[i : i + per_event] for i in range(0, len(self._models), per_event)]
        self._phases = [  # in memo order: event, bookmaker, market
            ((start + (model.uid + b * len(MARKET_KEYS)) * _GOLDEN) & _MASK) % length
            for models in by_event
            for b in range(len(self._books))
            for model in models
        ]

    # -- rounds ---------------------------------------------------------------------------

    def _round(self, r: int, captured_at: datetime) -> Iterator[Capture]:
        # Each (event, bookmaker) memoises the span of rounds over which its markets stay
        # the same, so round after round most captures cost one comparison and the Capture.
        pairs, scope, books = self._pairs, self._scope, self._books
        pi = 0
        for e, event in enumerate(self._event_refs):
            for b, book in enumerate(books):
                pair = pairs[pi]
                if pair is None or not pair[0] <= r <= pair[1]:
                    pair = pairs[pi] = self._pair(e, b, r)
                pi += 1
                yield Capture(
                    event=event,
                    bookmaker=book,
                    captured_at=captured_at,
                    markets=pair[2],
                    source_updated_at=pair[3],
                    scope=scope,
                    external_event_id=pair[4],
                )

    def _pair(self, e: int, b: int, r: int) -> tuple:
        """(first round, last round, markets, last price change, the bookmaker's event id)."""
        market_count = len(self._market_keys)
        spans, models = self._spans, self._models
        mi = (e * len(self._books) + b) * market_count
        since, until, latest, markets = 0, _FOREVER, 0, []
        for j in range(market_count):
            span = spans[mi + j]
            if span is None or not span[0] <= r <= span[1]:
                span = spans[mi + j] = self._resolve(mi + j, r, b, models[e * market_count + j])
            since, until = max(since, span[0]), min(until, span[1])
            if span[2] is not None:  # None: withdrawn for this round
                markets.append(span[2])
            latest = max(latest, span[3])
        # The bookmaker's own last update: its latest price change, never before start.
        updated = self._time(latest)
        return (since, until, tuple(markets), updated, str(self._id_bases[b] + e))

    def _resolve(self, mi: int, r: int, b: int, model: _MarketModel) -> tuple:
        """(first round, last round, market or None, round of its level, the level's market).

        The market is the one at round ``r`` (None when withdrawn); the rounds bound the
        span around ``r`` over which it stays the same: no change, suspension or withdrawal.
        """
        length, phase = self._epoch_length, self._phases[mi]
        uid = model.uid + b * len(MARKET_KEYS)
        k, offset = divmod(r + phase, length)
        epoch = self._epochs[mi]
        if epoch is None or epoch[0] != k:
            epoch = self._epochs[mi] = self._epoch(uid, b, model, k)
        offsets = epoch[1]
        i = bisect_right(offsets, offset) - 1
        first = k * length - phase
        changed = first + offsets[i]
        previous = self._spans[mi]
        if previous is not None and previous[3] == changed:
            level = previous[4]  # the same level as last time (after a disruption, say)
        else:
            cents = self._level_cents(epoch, i, model.three_way)
            level = self._market(model, cents)
        since = max(changed, 0)
        until = first + (offsets[i + 1] if i + 1 < len(offsets) else length) - 1
        if not self._disrupted:
            return (since, until, level, changed, level)
        block, at = divmod(r, _BLOCK)
        marks = self._blocks[mi]
        if marks is None or marks[0] != block:
            marks = self._blocks[mi] = self._block(uid, block, len(model.names))
        _, rounds, withdrawn, suspended = marks
        block_start = block * _BLOCK
        since, until = max(since, block_start), min(until, block_start + _BLOCK - 1)
        if rounds is not None:
            n = bisect_left(rounds, at)
            if n < len(rounds) and rounds[n] == at:  # disrupted at r: holds for r alone
                if at in withdrawn:
                    return (r, r, None, changed, level)
                return (r, r, self._suspend(level, suspended[at]), changed, level)
            if n > 0:
                since = max(since, block_start + rounds[n - 1] + 1)
            if n < len(rounds):
                until = min(until, block_start + rounds[n] - 1)
        return (since, until, level, changed, level)

    def _epoch(self, uid: int, b: int, model: _MarketModel, k: int) -> tuple:
        """(k, change offsets, hash state, uid, the bookmaker's view, its overround)."""
        state = _hash(self._seed, _S_EPOCH, uid, k)
        x = model.x + _BIAS * (2.0 * _unit(_draw(self._bias_state, uid)) - 1.0)
        overround = 1.0 + self._profiles[b].margin
        return (k, self._change_offsets(state), state, uid, x, overround)

    def _change_offsets(self, state: int) -> tuple[int, ...]:
        """Rounds of an epoch (from its start) where prices change: 0, then geometric gaps."""
        if self._every_round is not None:
            return self._every_round
        if self._inner_rate <= 0.0:
            return (0,)
        offsets, position = [0], 0
        log_keep, length = self._log_keep, self._epoch_length
        for u in _stream(state):
            position += 1 + int(math.log(u) / log_keep)
            if position >= length:
                return tuple(offsets)
            offsets.append(position)
        raise AssertionError("unreachable: the stream is endless")

    def _level_cents(self, epoch: tuple, i: int, three_way: bool) -> tuple[int, ...]:
        """Prices after change ``i`` of an epoch: needs no earlier level (module doc).

        The last cent of the first price is even after even changes and odd after odd
        ones (counted from the epoch's number), so consecutive levels always differ; the
        last level of an epoch is also kept off the next epoch's opening prices.
        """
        k, offsets, state, uid, x, overround = epoch
        cents_of = _cents_three_way if three_way else _cents_two_way
        drift = 0.0
        for lag, weight in enumerate(_STEP_WEIGHTS):
            drift += weight * (2.0 * _unit(_draw(state, _STEP_STREAM + i - lag)) - 1.0)
        if self._epoch_length == _FOREVER:
            return cents_of(x + drift, overround)  # one level forever: nothing to differ from
        parity = (k + i) % 2
        avoid = None
        if i == len(offsets) - 1 and i % 2 == 1:  # parity alone equals the next opening's
            following = (k + 1, (), _hash(self._seed, _S_EPOCH, uid, k + 1), uid, x, overround)
            avoid = self._level_cents(following, 0, three_way)
        cents = cents_of(x + drift, overround)
        if cents[0] % 2 == parity and cents != avoid:
            return cents  # half the time: no search needed
        return _search(
            drift,
            lambda d: cents_of(x + d, overround),
            lambda c: c[0] % 2 == parity and c != avoid,
        )

    def _block(self, uid: int, block: int, outcome_count: int) -> tuple:
        """(block, disrupted offsets, withdrawn offsets, {offset: suspended outcome indexes}).

        All but the block are None when nothing happens in it, the common case.
        """
        state = _hash(self._seed, _S_BLOCK, uid, block)
        withdrawn = _sparse(state, 1, _BLOCK, self._withdraw_rate)
        positions = _sparse(state, 2, _BLOCK * outcome_count, self._suspend_rate)
        if not withdrawn and not positions:
            return (block, None, None, None)
        grouped: dict[int, set[int]] = {}
        for position in positions:
            offset, outcome = divmod(position, outcome_count)
            grouped.setdefault(offset, set()).add(outcome)
        suspended = {offset: frozenset(found) for offset, found in grouped.items()}
        rounds = tuple(sorted(set(withdrawn) | suspended.keys()))
        return (block, rounds, frozenset(withdrawn), suspended)

    def _market(self, model: _MarketModel, cents: tuple[int, ...]) -> Market:
        known, outcomes = self._outcomes, []
        for name, c in zip(model.names, cents, strict=True):
            outcomes.append(known.get((name, c, OPEN)) or self._outcome(name, c, OPEN))
        return Market(key=model.key, outcomes=tuple(outcomes), period=FULL_TIME, line=model.line)

    def _suspend(self, market: Market, which: frozenset[int]) -> Market:
        outcomes = tuple(
            self._outcome(o.name, int(o.price * 100), SUSPENDED) if i in which else o
            for i, o in enumerate(market.outcomes)
        )
        return Market(key=market.key, outcomes=outcomes, period=market.period, line=market.line)

    def _outcome(self, name: str, cents: int, status: str) -> Outcome:
        """Outcomes are immutable, so equal ones are shared rather than rebuilt."""
        found = self._outcomes.get((name, cents, status))
        if found is None:
            price = canonical(Decimal(cents).scaleb(-2))
            found = self._outcomes[(name, cents, status)] = Outcome(name, price, status)
        return found


# --- helpers -----------------------------------------------------------------------------


def _sparse(state: int, stream: int, size: int, rate: float) -> list[int]:
    """Positions in range(size), each present with probability ``rate`` (geometric gaps)."""
    if rate <= 0.0:
        return []
    if rate >= 1.0:
        return list(range(size))
    log_keep = math.log1p(-rate)
    found: list[int] = []
    position = -1
    for u in _stream(_draw(state, stream)):
        gap = math.log(u) / log_keep
        if gap >= size:  # past the end; also infinity, for a rate as small as 1e-310
            return found
        position += 1 + int(gap)
        if position >= size:
            return found
        found.append(position)
    raise AssertionError("unreachable: the stream is endless")


def _check_int(name: str, value: object, low: int, high: int | None) -> int:
    accepted = f"from {low} to {high}" if high is not None else f"of at least {low}"
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        raise ValueError(f"{name} must be an integer {accepted}, got {value!r}")
    return value


def _check_rate(name: str, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0.0 <= value <= 1.0
    ):
        raise ValueError(
            f"{name} must be a number from 0 to 1 (a fraction of observations), got {value!r}"
        )


def _check_start(start: object) -> datetime:
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise ValueError(
            "start must be a timezone-aware datetime such as "
            f"datetime(2025, 1, 1, tzinfo=UTC), got {start!r}"
        )
    return start.astimezone(UTC)


def _check_markets(markets: Iterable[str]) -> tuple[str, ...]:
    accepted = ", ".join(MARKET_KEYS)
    keys = () if isinstance(markets, str) or not isinstance(markets, Iterable) else tuple(markets)
    if not keys or any(k not in MARKET_KEYS for k in keys) or len(set(keys)) != len(keys):
        raise ValueError(
            f"markets must be a non-empty tuple of distinct market keys from {accepted}, "
            f"got {markets!r}"
        )
    return keys

"""Change detection: which observed markets need a history row. Pure; no database.

A market's identity is (market_key, period, line) within one (event, bookmaker). Its
value is its outcomes (names, prices, statuses) written as canonical JSON text:
outcomes in role order, prices in canonical decimal form. Equal values give equal
text, so a 64-bit hash of the text, kept in the pair's state, is all that change detection
compares. A history row is due when the value differs from the newest stored one, when
the market is first seen, or when a market the capture covers is missing (it is
*gone*: a row with ``[]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from odds.captures import Market, Outcome, Scope
from odds.prices import price_text
from odds.series import GONE, GONE_TEXT, Ident, ident_text, parse_ident, value_hash

# Outcomes are stored in this order within a market, then by name.
_ROLE_ORDER = {
    "home": 0,
    "draw": 1,
    "away": 2,
    "over": 0,
    "under": 1,
    "yes": 0,
    "no": 1,
    "home_draw": 0,
    "home_away": 1,
    "draw_away": 2,
}


_BASE_FIELDS = frozenset({"name", "price", "status"})


@lru_cache(maxsize=1 << 16)
def _outcome_text(name: str, price: str, status: str, extra: tuple = ()) -> str:
    # Extra facts (an exchange's last traded price, traded volume) follow in key order,
    # so stored and observed outcomes give the same text.
    return json.dumps({"name": name, "price": price, "status": status, **dict(sorted(extra))})


@lru_cache(maxsize=1 << 16)
def _price(price: Decimal) -> str:
    return price_text(price)


def _order(item: tuple) -> tuple[int, str]:
    return (_ROLE_ORDER.get(item[0], 9), item[0])


def _text(items: list[tuple]) -> str:
    items.sort(key=_order)
    return "[" + ", ".join(_outcome_text(*item) for item in items) + "]"


def outcomes_text(outcomes: tuple[Outcome, ...]) -> str:
    """Canonical JSON text of a market's outcomes, as stored in MarketOdds.outcomes."""
    return _text([(o.name, _price(o.price), o.status, o.extra) for o in outcomes])


@lru_cache(maxsize=1 << 16)
def valued(outcomes: tuple[Outcome, ...]) -> tuple[str, int]:
    """(canonical text, value hash) of a market's outcomes. Cached by value: a feed keeps
    repeating the same prices, and equal outcomes hash equal whatever objects hold them."""
    text = outcomes_text(outcomes)
    return text, value_hash(text)


def text_from_json(outcomes: str | list[dict]) -> str:
    """Canonical text of stored outcomes (jsonb arrives as text through Django)."""
    loaded = json.loads(outcomes) if isinstance(outcomes, str) else outcomes
    return _text([(o["name"], o["price"], o["status"], _extra(o)) for o in loaded])


def _extra(outcome: dict) -> tuple:
    if len(outcome) == len(_BASE_FIELDS):
        return ()
    return tuple(sorted((k, v) for k, v in outcome.items() if k not in _BASE_FIELDS))


@dataclass(slots=True)
class Change:
    ident: Ident
    text: str  # GONE_TEXT when the market is gone


# A pair's state: market identity (as text) -> [value_hash, ISO time of that row].
State = dict[str, list]


def diff_capture(
    markets: tuple[Market, ...],
    *,
    scope: Scope,
    state: State,
    captured_at: str,
) -> tuple[list[Change], int]:
    """The history rows a capture newer than ``state`` needs, and how many markets were
    unchanged. Updates ``state`` in place to the capture's values (``captured_at`` is
    the capture time as ISO text, as the state keeps it)."""
    changes: list[Change] = []
    unchanged = 0
    seen: set[str] = set()
    for market in markets:
        key = ident_text(market.identity)
        if key in seen:
            continue  # a source listing one market twice: the first wins
        seen.add(key)
        text, value = valued(market.outcomes)
        current = state.get(key)
        if current is not None and current[0] == value:
            unchanged += 1
            continue
        changes.append(Change(market.identity, text))
        state[key] = [value, captured_at]
    if len(seen) == len(state):
        return changes, unchanged  # every known market was observed: none is gone
    gone = [
        key
        for key, current in state.items()
        if key not in seen and current[0] != GONE and scope.covers(parse_ident(key))
    ]
    for key in gone:
        changes.append(Change(parse_ident(key), GONE_TEXT))
        state[key] = [GONE, captured_at]
    return changes, unchanged


_SWAPPED_NAMES = {
    "home": "away",
    "away": "home",
    "home_draw": "draw_away",
    "draw_away": "home_draw",
}
# Markets whose line is the home side's handicap: it changes sign with the sides.
_HANDICAP_KEYS = {"spreads", "european_handicap"}


def swap_sides(markets: tuple[Market, ...]) -> tuple[Market, ...]:
    """The same markets seen from the other side: for a source that lists the event's
    teams the other way round, so outcome roles keep meaning the stored Event's teams."""
    swapped = []
    for market in markets:
        base_key = market.key.removesuffix("_lay")
        line = market.line
        if line is not None and base_key in _HANDICAP_KEYS:
            line = -line
        outcomes = tuple(
            Outcome(_SWAPPED_NAMES.get(o.name, o.name), o.price, o.status, o.extra)
            for o in market.outcomes
        )
        swapped.append(Market(market.key, outcomes, market.period, line))
    return tuple(swapped)

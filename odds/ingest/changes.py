"""Change detection: which observed markets need a history row. Pure; no database.

A market's identity is (market_key, period, line) within one (event, bookmaker). Its
value is its outcomes: names, prices and statuses. A history row is due when the value
differs from the newest stored one, when the market is first seen, or when a market
whose key the capture reports in full is missing (it is *gone*: a row with ``[]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from odds.captures import Market, Scope
from odds.prices import price_text

Ident = tuple[str, str, Decimal | None]  # (market_key, period, line)
Fingerprint = tuple[tuple[str, str, str], ...]
GONE: Fingerprint = ()


def outcomes_json(market: Market) -> list[dict]:
    return [
        {"name": o.name, "price": price_text(o.price), "status": o.status} for o in market.outcomes
    ]


def loaded(value: str | list) -> list[dict]:
    """jsonb read through Django's cursor arrives as text (Django decodes in the field)."""
    return json.loads(value) if isinstance(value, str) else value


def fingerprint(outcomes: list[dict]) -> Fingerprint:
    """Order-free value of stored outcomes: equal fingerprints mean an unchanged market."""
    return tuple(sorted((o["name"], o["price"], o["status"]) for o in outcomes))


@dataclass(slots=True)
class KeyState:
    value: Fingerprint
    outcomes: list[dict]
    changed_at: datetime


@dataclass(slots=True)
class Change:
    ident: Ident
    outcomes: list[dict]  # [] when the market is gone


def diff_capture(
    markets: tuple[Market, ...],
    *,
    scope: Scope,
    state: dict[Ident, KeyState],
    captured_at: datetime,
) -> tuple[list[Change], int]:
    """The history rows a capture newer than ``state`` needs, and how many markets were
    unchanged. Updates ``state`` in place to the capture's values."""
    changes: list[Change] = []
    unchanged = 0
    seen: set[Ident] = set()
    for market in markets:
        ident = market.identity
        if ident in seen:
            continue  # a source listing one market twice: the first wins
        seen.add(ident)
        outcomes = outcomes_json(market)
        value = fingerprint(outcomes)
        current = state.get(ident)
        if current is not None and current.value == value:
            unchanged += 1
            continue
        changes.append(Change(ident, outcomes))
        state[ident] = KeyState(value, outcomes, captured_at)
    for ident, current in list(state.items()):
        if ident in seen or current.value == GONE or not scope.covers(ident):
            continue
        changes.append(Change(ident, []))
        state[ident] = KeyState(GONE, [], captured_at)
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
            type(o)(_SWAPPED_NAMES.get(o.name, o.name), o.price, o.status) for o in market.outcomes
        )
        swapped.append(Market(market.key, outcomes, market.period, line))
    return tuple(swapped)

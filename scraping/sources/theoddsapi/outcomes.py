"""One outcome of a market: its role name (home, over, yes ...), decimal price and line."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from odds.captures import EventRef
from odds.prices import BadPrice, to_decimal_odds
from odds.vocabulary import LINE_PLACES, MAX_LINE, canonical_line, line_fits
from scraping.sources.base import json_safe
from scraping.sources.theoddsapi.problems import Where
from scraping.sources.theoddsapi.tables import FIXED_NAMES, LINE_KINDS, TEAM_ROLES, MarketKey


def read_outcome(
    raw: Any, market: dict, meaning: MarketKey, where: Where, odds_format: str
) -> tuple[str, Decimal, Decimal | None]:
    """(role name, decimal price, line) of one outcome, or Dropped for its market."""
    raw_key = market["key"]
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise where.dropped(
            "unknown_outcome",
            f"an outcome has no name (market {raw_key}); skipped",
            market_key=raw_key,
            outcome=raw,
            fragment=market,
        )
    name = _role(raw, meaning.kind, where.event)
    if name is None:
        raise where.dropped(
            "unknown_outcome",
            f"outcome {raw['name']!r} is neither team ({where.event.home_team!r}, "
            f"{where.event.away_team!r}) nor one of {_expected_names(meaning.kind)} "
            f"(market {raw_key}); skipped",
            market_key=raw_key,
            outcome=raw["name"],
            fragment=market,
        )
    try:
        price = to_decimal_odds(raw.get("price"), odds_format)
    except BadPrice as exc:
        raise where.dropped(
            "bad_price",
            f"{_price_reason(exc)} (read as {odds_format} odds), outcome {raw['name']!r} of "
            f"market {raw_key}; the market was skipped",
            market_key=raw_key,
            outcome=raw["name"],
            price=raw.get("price"),
            odds_format=odds_format,
            fragment=market,
        ) from None
    return name, price, _line(raw, name, meaning, where, market)


def _price_reason(exc: BadPrice) -> str:
    """BadPrice's text with the price as the feed wrote it, not as a Decimal repr."""
    reason = str(exc).removeprefix(f"price {exc.value!r} ")
    return f"price {json.dumps(json_safe(exc.value))} {reason}"


def _role(raw: dict, kind: str, event: EventRef) -> str | None:
    name = raw["name"].strip()
    if kind in TEAM_ROLES:
        role = _team_role(name, event)
        return role if role in TEAM_ROLES[kind] else None
    if kind in FIXED_NAMES:
        return FIXED_NAMES[kind].get(name.lower())
    if kind == "outrights":
        return name or None
    # Any other market: roles where the name is a team, else the name as given, lowered.
    label = _team_role(name, event) or name.lower()
    description = raw.get("description")
    if isinstance(description, str) and description.strip():
        # Team totals and props name the team or player here, the side in ``name``.
        who = description.strip()
        label = f"{_team_role(who, event) or who.lower()}_{label}"
    return label or None


def _team_role(name: str, event: EventRef) -> str | None:
    if name == event.home_team:
        return "home"
    if name == event.away_team:
        return "away"
    if name.lower() == "draw":
        return "draw"
    return None


def _expected_names(kind: str) -> list[str]:
    if kind in FIXED_NAMES:
        return [n.title() for n in FIXED_NAMES[kind]]
    return ["Draw"] if "draw" in TEAM_ROLES.get(kind, ()) else []


def _line(raw: dict, role: str, meaning: MarketKey, where: Where, market: dict) -> Decimal | None:
    """The market line this outcome belongs to: the home handicap, or the total."""
    point = raw.get("point")
    if point is None:
        if meaning.kind in LINE_KINDS:
            raise where.dropped(
                "missing_point",
                f"outcome {raw['name']!r} has no point (market {market['key']}); skipped",
                market_key=market["key"],
                outcome=raw["name"],
                fragment=market,
            )
        return None
    try:
        line = _exact(point)
    except ValueError:
        raise where.dropped(
            "bad_point",
            f"point {json_safe(point)!r} is not a number (outcome {raw['name']!r}, "
            f"market {market['key']}); skipped",
            market_key=market["key"],
            outcome=raw["name"],
            point=point,
            fragment=market,
        ) from None
    if not line_fits(line):
        # The store keeps lines to 3 places; rounding would merge distinct lines.
        raise where.dropped(
            "bad_point",
            f"point {json_safe(point)!r} is beyond the {LINE_PLACES} decimal places and "
            f"±{MAX_LINE} a line may have (outcome {raw['name']!r}, market {market['key']}); "
            "skipped",
            market_key=market["key"],
            outcome=raw["name"],
            point=point,
            fragment=market,
        )
    # The away side's +3.5 is the home side's -3.5: both belong to the same line.
    if meaning.kind == "spreads" and role == "away":
        line = -line
    return canonical_line(line)


def _exact(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(value)
    if isinstance(value, str) and "_" in value:  # Decimal reads "1_5" as 15
        raise ValueError(value)
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number

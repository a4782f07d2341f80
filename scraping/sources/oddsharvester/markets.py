"""One bookmaker's entry of a ``<market>_market`` list as a market of the store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from odds.captures import OPEN, SUSPENDED, EventRef, Market, Outcome, Problem
from odds.prices import BadPrice, from_decimal
from scraping.sources.oddsharvester.problems import record_message
from scraping.sources.oddsharvester.tables import PLACEHOLDERS, MarketSpec, Roles, period

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")

MarketIdentity = tuple[str, str, Decimal | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """One bookmaker's prices in one market list of a record."""

    list_key: str
    spec: MarketSpec
    data: dict[str, Any]


def market(
    entry: Entry, *, event: EventRef, context: dict[str, Any], seen: set[MarketIdentity]
) -> Market | Problem | None:
    """One entry as a market; None when the bookmaker shows no odds for it."""
    spec, data = entry.spec, entry.data
    where = (f"bookmaker {context['bookmaker']}", f"market {entry.list_key}")
    found = period(data.get("period"), sport_key=event.sport_key)
    if found is None:
        return Problem(
            "bad_period",
            record_message(
                f"Unknown period {data.get('period')!r}; market skipped",
                context,
                *where,
                event=event,
            ),
            {**context, "period": data.get("period")},
        )
    context = {**context, "period": found, "line": None if spec.line is None else str(spec.line)}
    identity = (spec.key, found, spec.line)
    if identity in seen:
        return Problem(
            "duplicate_market",
            record_message(f"Listed twice ({found}); the first kept", context, *where, event=event),
            {**context, "entry": _small(data)},
        )
    seen.add(identity)
    if _line_mismatch(spec, data.get("submarket_name")):
        return Problem(
            "line_mismatch",
            record_message(
                f"Submarket {data.get('submarket_name')!r} disagrees with the key's line "
                f"{spec.line}; market skipped",
                context,
                *where,
                event=event,
            ),
            {**context, "submarket_name": data.get("submarket_name")},
        )
    return _priced_market(entry, period=found, where=where, event=event, context=context)


def _priced_market(
    entry: Entry,
    *,
    period: str,
    where: tuple[str, ...],
    event: EventRef,
    context: dict[str, Any],
) -> Market | Problem | None:
    spec, data = entry.spec, entry.data
    picked = _pick_labels(spec.roles, data)
    if isinstance(picked, str):
        return Problem(
            "missing_outcome",
            record_message(f"No price for {picked}; market skipped", context, *where, event=event),
            {**context, "outcome": picked, "entry": _small(data)},
        )
    blocked = _blocked_labels(data.get("blocked_outcomes"))
    values = {label: data[label] for _, label in picked}
    if all(_is_placeholder(v) for v in values.values()) and not blocked & values.keys():
        return None
    outcomes = []
    for role, label in picked:
        raw = values[label]
        try:
            price = from_decimal(raw)
        except BadPrice as exc:
            struck = label in blocked and _is_placeholder(raw)
            return Problem(
                "suspended_without_price" if struck else "bad_price",
                record_message(
                    f"{label} ({role}): "
                    + ("struck out with no price" if struck else str(exc))
                    + "; market skipped",
                    context,
                    *where,
                    event=event,
                ),
                {**context, "outcome": role, "label": label, "value": raw},
            )
        outcomes.append(Outcome(role, price, SUSPENDED if label in blocked else OPEN))
    return Market(spec.key, tuple(outcomes), period, spec.line)


def _pick_labels(roles: Roles, data: dict[str, Any]) -> list[tuple[str, str]] | str:
    """(role, label) per outcome, the first label present winning; the missing role if any."""
    picked = []
    for role, labels in roles:
        label = next((lb for lb in labels if lb in data), None)
        if label is None:
            return role
        picked.append((role, label))
    return picked


def _blocked_labels(value: object) -> set[str]:
    """OddsHarvester writes ``blocked_outcomes`` as a list of the entry's odds labels
    (core/market_extraction/odds_parser.py, parse_market_odds); omitted when none."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _line_mismatch(spec: MarketSpec, submarket: object) -> bool:
    """Whether the entry's own line name (``Over/Under +2.5``) contradicts its list's key."""
    if spec.line is None or not isinstance(submarket, str):
        return False
    numbers = _NUMBER.findall(submarket)
    return len(numbers) == 1 and Decimal(numbers[0]) != spec.line


def _is_placeholder(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in PLACEHOLDERS)


def _small(data: dict[str, Any]) -> dict[str, Any]:
    """An entry for a problem's context, without the bulky odds history."""
    return {k: v for k, v in data.items() if k != "odds_history_data"}

"""``MarketOdds`` rows written through the ORM: checked, canonical, and in the pair state.

The read API trusts each pair's ``market_state`` to name the newest row of every market
(:mod:`odds.ingest.state`). The write path keeps it; an app that calls
``MarketOdds.objects.create`` or ``bulk_create`` gets the same upkeep here, in the
same transaction as its insert, so its rows are visible like any capture's. What the
state cannot follow (changing or deleting stored rows) is refused instead.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import NoReturn

from django.db.models import Q

from odds.captures import OPEN, SUSPENDED
from odds.ingest.changes import text_from_json
from odds.ingest.state import load_state
from odds.prices import BadPrice, from_decimal, price_text
from odds.series import ident_text, value_hash

WRITE_API = "odds.ingest.ingest_captures (with odds.captures.Capture values)"
IMMUTABLE = (
    "MarketOdds rows are history: they are not changed or deleted through the ORM (the "
    f"pair states of the read API point at them). Store new prices with {WRITE_API}; "
    "retention (manage.py pgpartition, ODDS_RETENTION_DAYS) removes old ones."
)
_FIELDS = {"name", "price", "status"}


def canonical_outcomes(outcomes: object) -> list[dict]:
    """The outcomes as the write path stores them (role order, canonical price text),
    or a ValueError naming the field and the write API that validates for you."""
    if not isinstance(outcomes, list):
        _refuse(f"must be a list, not {type(outcomes).__name__}")
    items = []
    for index, outcome in enumerate(outcomes):
        if not isinstance(outcome, dict) or set(outcome) != _FIELDS:
            _refuse(f"item {index} must be a dict with exactly the keys name, price, status")
        name, status = outcome["name"], outcome["status"]
        if not isinstance(name, str) or not name:
            _refuse(f"item {index} has no name")
        if status not in (OPEN, SUSPENDED):
            _refuse(f"item {index} has status {status!r}, not {OPEN!r} or {SUSPENDED!r}")
        try:
            price = from_decimal(outcome["price"])
        except BadPrice as error:
            _refuse(f"item {index}: {error}")
        items.append({"name": name, "price": price_text(price), "status": status})
    return json.loads(text_from_json(items))


def _refuse(reason: str) -> NoReturn:
    raise ValueError(
        f"MarketOdds.outcomes {reason}: expected a list of "
        '{"name": ..., "price": <decimal odds above 1.0>, "status": "open" or "suspended"} '
        f"([] for a market that is gone). {WRITE_API} validates captures for you."
    )


def check_time(captured_at: object) -> None:
    if not isinstance(captured_at, datetime) or captured_at.utcoffset() is None:
        raise ValueError(
            f"MarketOdds.captured_at {captured_at!r} must be an aware datetime (UTC): it "
            f"is the partition key and the state's time. {WRITE_API} checks this for you."
        )


def record_rows(rows: Iterable, *, using: str) -> None:
    """Bring the pairs of freshly inserted rows up to date: call in the insert's own
    transaction. Pairs are made if missing and locked in id order (as the write path
    does); a row becomes its market's state when it is the newest one stored."""
    from odds.models import EventBookmaker

    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        by_pair[(row.event_id, row.bookmaker_id)].append(row)
    if not by_pair:
        return
    listings = EventBookmaker.objects.using(using)
    listings.bulk_create(
        [EventBookmaker(event_id=e, bookmaker_id=b) for e, b in by_pair], ignore_conflicts=True
    )
    wanted = reduce(or_, (Q(event_id=e, bookmaker_id=b) for e, b in by_pair))
    for pair in listings.select_for_update().filter(wanted).order_by("id"):
        _update_pair(listings, pair, by_pair[(pair.event_id, pair.bookmaker_id)])


def _update_pair(listings, pair, rows: list) -> None:
    state = load_state(pair.market_state)
    first = pair.first_captured_at
    for row in sorted(rows, key=lambda r: r.captured_at):
        line = None if row.line is None else Decimal(str(row.line))
        key = ident_text((row.market_key, row.period, line))
        current = state.get(key)
        if current is None or datetime.fromisoformat(current[1]) <= row.captured_at:
            state[key] = [value_hash(text_from_json(row.outcomes)), row.captured_at.isoformat()]
        first = row.captured_at if first is None else min(first, row.captured_at)
    listings.filter(pk=pair.pk).update(market_state=state, first_captured_at=first)

"""One bookmaker of an event to one Capture: its markets in the store's vocabulary.

Bad input the rest can survive (a bad price, an outcome that is neither team) drops
its market with a Problem; the bookmaker's other markets are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome, Problem
from odds.vocabulary import LAY_SUFFIX
from scraping.sources.base import Item, json_safe
from scraping.sources.theoddsapi.fields import dicts, maybe_time
from scraping.sources.theoddsapi.outcomes import read_outcome
from scraping.sources.theoddsapi.problems import Dropped, Where
from scraping.sources.theoddsapi.tables import (
    EXCHANGES,
    LINE_KINDS,
    SLUG,
    MarketKey,
    map_market_key,
)


@dataclass(slots=True)
class Response:
    """What is decided once per response: when, which odds format, which scope."""

    captured_at: datetime
    odds_format: str
    scope: frozenset
    origin: str
    seen_events: set[str] = field(default_factory=set)


def parse_bookmaker(
    raw: Any, event: EventRef, seen: set[str], response: Response
) -> Iterator[Item]:
    key = raw.get("key") if isinstance(raw, dict) else None
    where = Where(event, key.strip().lower() if isinstance(key, str) else "?", response.origin)
    if not isinstance(raw, dict) or not SLUG.match(where.bookmaker):
        yield where.problem(
            "bad_bookmaker",
            f"a bookmaker entry has no usable key ({key!r}); skipped",
            fragment=raw,
        )
        return
    if not isinstance(raw.get("markets"), list):
        yield where.problem(
            "bad_bookmaker", "the bookmaker has no list of markets; skipped", fragment=raw
        )
        return
    if where.bookmaker in seen:
        yield where.problem(
            "duplicate_bookmaker",
            "the bookmaker appears twice in the event; the repeat was skipped",
        )
        return
    seen.add(where.bookmaker)
    updated_at = None
    if raw.get("last_update") is not None:
        updated_at = maybe_time(raw["last_update"])
        if updated_at is None:
            yield where.problem(
                "bad_time",
                f"last_update {raw['last_update']!r} is not a time; the prices are kept without it",
                last_update=raw["last_update"],
            )
    markets, problems, dropped = _parse_markets(raw["markets"], where, response.odds_format)
    yield from problems
    yield Capture(
        event=event,
        bookmaker=_bookmaker_ref(raw, where.bookmaker),
        captured_at=response.captured_at,
        markets=tuple(markets),
        source_updated_at=updated_at,
        scope=response.scope,
        # A market dropped for bad input was not seen to disappear: do not judge its key.
        skipped_keys=frozenset(dropped),
        raw=json_safe({"event_id": event.source_event_id, **raw}),
    )


def _bookmaker_ref(raw: dict, key: str) -> BookmakerRef:
    title = raw.get("title")
    lay = any(str(m.get("key", "")).endswith(LAY_SUFFIX) for m in dicts(raw.get("markets")))
    return BookmakerRef(
        key=key,
        name=title.strip() if isinstance(title, str) and title.strip() else key,
        is_exchange=key in EXCHANGES or lay,
    )


def _parse_markets(
    raw_markets: list, where: Where, odds_format: str
) -> tuple[list[Market], list[Problem], set[tuple[str, str]]]:
    """Markets, Problems, and the (key, period) of the markets dropped for bad input.

    Each raw market becomes one Market (or one per line for alternates). Plain markets
    go first so that an alternate market repeating the main line does not replace it;
    a repeat of an identity already kept is skipped.
    """
    ordered = sorted(
        raw_markets,
        key=lambda m: isinstance(m, dict) and map_market_key(str(m.get("key"))).alternate,
    )
    kept: dict[tuple, Market] = {}
    problems: list[Problem] = []
    dropped: set[tuple[str, str]] = set()
    for raw in ordered:
        try:
            built = _build_markets(raw, where, odds_format)
        except Dropped as exc:
            problems.append(exc.problem)
            raw_key = raw.get("key") if isinstance(raw, dict) else None
            if isinstance(raw_key, str):
                dropped.add(map_market_key(raw_key.strip().lower()).scope_entry)
            continue
        for market in built:
            first = kept.setdefault(market.identity, market)
            if first is not market and first.outcomes != market.outcomes:
                # The kept one stands, so its key is still judged.
                problems.append(
                    where.problem(
                        "duplicate_market",
                        f"market {market.key} (period {market.period}, line {market.line}) "
                        "is given twice with different prices; the first was kept",
                        market_key=raw.get("key"),
                        fragment=raw,
                    )
                )
    return list(kept.values()), problems, dropped


def _build_markets(raw: Any, where: Where, odds_format: str) -> list[Market]:
    raw_key = raw.get("key") if isinstance(raw, dict) else None
    if not isinstance(raw_key, str) or not isinstance(raw.get("outcomes"), list):
        raise where.dropped(
            "bad_market",
            "a market has no key or no list of outcomes; skipped",
            market_key=raw_key if isinstance(raw_key, str) else None,
            fragment=raw,
        )
    meaning = map_market_key(raw_key.strip().lower())
    if not SLUG.match(meaning.key):
        raise where.dropped(
            "bad_market",
            f"market key {raw_key!r} is not a snake_case name; skipped",
            market_key=raw_key,
            fragment=raw,
        )
    rows = [read_outcome(o, raw, meaning, where, odds_format) for o in raw["outcomes"]]
    groups: dict[Decimal | None, list[Outcome]] = {}
    for name, price, line in rows:
        groups.setdefault(line, []).append(Outcome(name=name, price=price))
    if meaning.kind in LINE_KINDS and not meaning.alternate and len(groups) > 1:
        raise Dropped(_inconsistent_line(raw, raw_key, meaning, where))
    markets = []
    for line, outcomes in groups.items():
        names = [o.name for o in outcomes]
        if len(set(names)) != len(names):
            raise where.dropped(
                "duplicate_outcome",
                f"market {raw_key} names an outcome twice ({names}); skipped",
                market_key=raw_key,
                fragment=raw,
            )
        markets.append(
            Market(key=meaning.key, outcomes=tuple(outcomes), period=meaning.period, line=line)
        )
    return markets


def _inconsistent_line(raw: dict, raw_key: str, meaning: MarketKey, where: Where) -> Problem:
    points = [o.get("point") for o in dicts(raw.get("outcomes"))]
    why = (
        "the Over and Under points differ"
        if meaning.kind == "totals"
        else "the home and away points are not opposite"
    )
    return where.problem(
        "inconsistent_line",
        f"{why} ({json_safe(points)}, market {raw_key}); skipped",
        market_key=raw_key,
        points=points,
        fragment=raw,
    )

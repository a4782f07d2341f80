"""OddsHarvester records as captures: one per record and bookmaker, with its scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from odds.captures import BookmakerRef, Capture, EventRef, Market, Problem
from scraping.sources.base import Item, json_safe
from scraping.sources.oddsharvester.events import bookmaker_ref, header
from scraping.sources.oddsharvester.markets import Entry, MarketIdentity, market
from scraping.sources.oddsharvester.problems import record_message
from scraping.sources.oddsharvester.tables import MARKET_SUFFIX, MarketSpec, market_spec, period


def parse_records(records: list, *, origin: str = "") -> Iterator[Item]:
    """Captures and problems of OddsHarvester's records (the content of one file).

    ``origin`` names where they came from (a file) in every problem's context.
    """
    for index, record in enumerate(records):
        for item in _parse_record(record, where={"origin": origin, "record": index}):
            # Contexts quote the record's own values, which may be NaN or nested deeply.
            yield (
                replace(item, context=json_safe(item.context))
                if isinstance(item, Problem)
                else item
            )


def _parse_record(record: object, *, where: dict[str, Any]) -> Iterator[Item]:
    if not isinstance(record, dict):
        yield Problem(
            "bad_record",
            record_message("Not a JSON object; record skipped", where),
            {**where, "value": repr(record)[:200]},
        )
        return
    where = {**where, "match_link": record.get("match_link"), "scraped": record.get("scraped_date")}
    found = header(record, where=where)
    if isinstance(found, Problem):
        yield found
        return
    event, captured_at = found
    where = {**where, "match": event.source_event_id}
    entries, scope, problems = _entries_by_bookmaker(record, event=event, where=where)
    yield from problems
    for bookmaker, bookmaker_entries in entries.values():
        yield from _capture(
            event=event,
            bookmaker=bookmaker,
            captured_at=captured_at,
            entries=bookmaker_entries,
            scope=scope,
            where=where,
            event_url=record.get("match_link") or "",
        )


def _entries_by_bookmaker(
    record: dict[str, Any], *, event: EventRef, where: dict[str, Any]
) -> tuple[dict[str, tuple[BookmakerRef, list[Entry]]], frozenset[tuple], list[Problem]]:
    """Each bookmaker's entries across the record's lists, the keys reported, the problems."""
    grouped: dict[str, tuple[BookmakerRef, list[Entry]]] = {}
    scope: set[tuple] = set()
    problems: list[Problem] = []
    for list_key, value in record.items():
        if not list_key.endswith(MARKET_SUFFIX):
            continue
        spec = _list_spec(list_key, value, event=event, where=where, problems=problems)
        if spec is None:
            continue
        nameless = 0
        for data in value:
            bookmaker = _entry_bookmaker(data)
            if bookmaker is None:
                nameless += 1
                continue
            scope.add(_identity(spec, data, sport_key=event.sport_key))
            entry = Entry(list_key, spec, data)
            grouped.setdefault(bookmaker.key, (bookmaker, []))[1].append(entry)
        if nameless:
            problems.append(
                Problem(
                    "missing_bookmaker",
                    record_message(
                        f"{nameless} of {len(value)} entries name no bookmaker (OddsHarvester's "
                        "preview mode lists each line's best odds, not a bookmaker's); skipped",
                        where,
                        f"market {list_key}",
                        event=event,
                    ),
                    {**where, "market": list_key, "skipped": nameless},
                    event=event,
                )
            )
    return grouped, frozenset(scope), problems


def _list_spec(
    list_key: str,
    value: object,
    *,
    event: EventRef,
    where: dict[str, Any],
    problems: list[Problem],
) -> MarketSpec | None:
    """The spec of a market list worth reading; a problem for a failed or unknown one."""
    if isinstance(value, list) and not value:
        return None  # OddsHarvester's "nothing read": neither prices nor proof of absence
    if not isinstance(value, list):
        failed = value is None
        problems.append(
            Problem(
                "market_not_scraped" if failed else "bad_market_list",
                record_message(
                    (
                        "Market list is null (OddsHarvester failed to scrape it)"
                        if failed
                        else "Market list is not a list"
                    )
                    + "; skipped",
                    where,
                    f"market {list_key}",
                    event=event,
                ),
                {**where, "market": list_key, "value": repr(value)[:200]},
                event=event,
            )
        )
        return None
    spec = market_spec(list_key.removesuffix(MARKET_SUFFIX), sport_key=event.sport_key)
    if spec is None:
        problems.append(
            Problem(
                "unknown_market",
                record_message(
                    "No mapping to the store's market vocabulary; market skipped",
                    where,
                    f"market {list_key}",
                    event=event,
                ),
                {**where, "market": list_key},
                event=event,
            )
        )
    return spec


def _identity(spec: MarketSpec, data: dict[str, Any], *, sport_key: str) -> tuple:
    """The market identity an entry reports, or the key alone when its period is unknown.

    Each list is one (key, period, line), and two files of one match list different
    lines and periods of the same key: only the identity itself is judged gone.
    """
    found = period(data.get("period"), sport_key=sport_key)
    return (spec.key,) if found is None else (spec.key, found, spec.line)


def _entry_bookmaker(data: object) -> BookmakerRef | None:
    if not isinstance(data, dict):
        return None
    name = data.get("bookmaker_name")
    return bookmaker_ref(name) if isinstance(name, str) else None


def _capture(
    *,
    event: EventRef,
    bookmaker: BookmakerRef,
    captured_at: datetime,
    entries: list[Entry],
    scope: frozenset[tuple],
    where: dict[str, Any],
    event_url: str,
) -> Iterator[Item]:
    """One bookmaker's capture; a problem per market dropped (the rest is kept)."""
    markets: list[Market] = []
    skipped: set[tuple] = set()
    seen: set[MarketIdentity] = set()
    for entry in entries:
        context = {
            **where,
            "bookmaker": bookmaker.name,
            "market": entry.list_key,
            "market_key": entry.spec.key,
        }
        result = market(entry, event=event, context=context, seen=seen)
        if isinstance(result, Problem):
            yield Problem(
                result.error_type,
                result.message,
                result.context,
                bookmaker_key=bookmaker.key,
                event=event,
            )
            if result.error_type != "duplicate_market":
                skipped.add(_identity(entry.spec, entry.data, sport_key=event.sport_key))
        elif result is not None:
            markets.append(result)
    raw: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        raw.setdefault(entry.list_key, []).append(entry.data)
    yield Capture(
        event=event,
        bookmaker=bookmaker,
        captured_at=captured_at,
        markets=tuple(markets),
        scope=scope,
        skipped_keys=frozenset(skipped),
        event_url=event_url,
        raw=json_safe(raw),  # stored as jsonb with --store-raw: no NaN
    )

"""Betfair historic stream files as captures, at most one per market per interval.

A PRO file can hold a price update every few milliseconds; storing each would turn one
race into millions of rows. Updates are applied to the market's state as they come,
and the state is emitted when the stream crosses an interval boundary (``pt`` //
interval changes): the last state before each boundary is kept, and the final state at
the end of the file. Markets of one event emitted at the same instant make one capture
(the store keeps one capture per event, bookmaker and instant).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from odds.captures import Capture, Competitor, EventRef, Problem
from scraping.sources.base import Item, json_safe, located, storable_text
from scraping.sources.betfair.events import Unmappable, event_ref
from scraping.sources.betfair.markets import markets
from scraping.sources.betfair.stream import BadChange, MarketState
from scraping.sources.betfair.tables import BOOKMAKER

_FRAGMENT = 300  # characters of a bad line kept in its error's context
_MARKET_ID = re.compile(r"^[0-9A-Za-z._-]{1,40}$")  # "1.132153978"


class StreamParser:
    def __init__(self, origin: str, *, interval_ms: int) -> None:
        self.origin = origin
        self.interval_ms = interval_ms
        self.markets: dict[str, MarketState] = {}
        self.dirty: dict[str, MarketState] = {}
        self.bucket: int | None = None
        self.refs: dict[str, tuple[dict, EventRef]] = {}  # market id -> (definition, ref)
        self.reported: set[tuple[str, str]] = set()

    def feed_all(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[Item]:
        read_one = False
        for number, raw in lines:
            if not read_one and raw.strip():
                if not raw.lstrip().startswith(b"{"):  # not a stream file at all: one error
                    yield Problem(
                        "unknown_format",
                        located(
                            "Not a Betfair stream file (its first line is not a JSON message); "
                            "skipped: pass Betfair historic data files",
                            f"file {self.origin}",
                        ),
                        {"file": self.origin, "fragment": json_safe(_text(raw))},
                    )
                    return
                read_one = True
            yield from self.feed(number, raw)
        yield from self.flush()

    def feed(self, number: int, raw: bytes) -> Iterator[Item]:
        if not raw.strip():
            return
        message = self._message(number, raw)
        if isinstance(message, Problem):
            yield message
            return
        if message.get("op") != "mcm":
            return  # connection and status lines carry no prices
        pt = message.get("pt")
        if not isinstance(pt, int) or isinstance(pt, bool) or not 0 < pt < 4_102_444_800_000:
            yield self._bad_line(number, raw, f"its publish time pt {pt!r} is not a time")
            return
        bucket = pt // self.interval_ms if self.interval_ms else pt
        if self.bucket is not None and bucket != self.bucket:
            yield from self.flush()
        self.bucket = bucket
        changes = message.get("mc") or []
        if not isinstance(changes, list):
            yield self._bad_line(number, raw, "its mc is not a list")
            return
        for change in changes:
            yield from self._apply(number, raw, change, pt)
        if not self.interval_ms:
            yield from self.flush()

    def _message(self, number: int, raw: bytes) -> dict | Problem:
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError) as error:
            return self._bad_line(number, raw, f"it is not JSON ({error})")
        if not isinstance(message, dict):
            return self._bad_line(number, raw, "it is not a JSON object")
        return message

    def _apply(self, number: int, raw: bytes, change: object, pt: int) -> Iterator[Problem]:
        market_id = change.get("id") if isinstance(change, dict) else None
        if (
            not isinstance(change, dict)
            or not isinstance(market_id, str)
            or not _MARKET_ID.match(market_id)
        ):
            yield self._bad_line(number, raw, "a market change has no usable market id")
            return
        state = self.markets.setdefault(market_id, MarketState(market_id))
        try:
            state.apply(change, pt)
        except BadChange as error:
            yield self._bad_line(number, raw, f"market {market_id}: {error}")
            return
        self.dirty[market_id] = state

    def _bad_line(self, number: int, raw: bytes, reason: str) -> Problem:
        return Problem(
            "bad_line",
            storable_text(
                located(
                    f"Line skipped: {reason}; the other lines are kept",
                    f"file {self.origin} line {number}",
                )
            ),
            {"file": self.origin, "line": number, "fragment": json_safe(_text(raw))},
        )

    # --- emitting -------------------------------------------------------------------------
    def flush(self) -> Iterator[Item]:
        groups: dict[tuple[str, int], list[tuple[MarketState, EventRef]]] = {}
        for state in self.dirty.values():
            state.dirty = False
            ref = yield from self._ref(state)
            if ref is not None:
                groups.setdefault((ref.source_event_id, state.pt), []).append((state, ref))
        self.dirty = {}
        for (_, pt), members in sorted(groups.items(), key=lambda item: item[0][1]):
            yield from self._capture(members, pt)

    def _ref(self, state: MarketState):
        if state.definition is None:
            yield from self._once(
                state.market_id,
                "no_definition",
                "Prices before any market definition; skipped until one arrives",
            )
            return None
        cached = self.refs.get(state.market_id)
        if cached and cached[0] is state.definition:
            return cached[1]
        try:
            ref = event_ref(state.definition)
        except Unmappable as error:
            yield from self._once(
                state.market_id,
                "bad_definition",
                f"Cannot be stored: {error}",
            )
            return None
        self.refs[state.market_id] = (state.definition, ref)
        return ref

    def _capture(self, members: list[tuple[MarketState, EventRef]], pt: int) -> Iterator[Item]:
        kept, scope, skipped = [], set(), set()
        for state, ref in members:
            found, left_out = markets(state, ref)
            state.idents.update(m.identity for m in found)
            scope |= state.idents
            kept.extend(found)
            for message in left_out:
                skipped |= state.idents
                yield from self._once(
                    state.market_id,
                    message,
                    f"{message}; left out of its market",
                )
        if not scope:
            return  # nothing priced yet: no capture to make
        ref = _merged([ref for _, ref in members])
        yield Capture(
            event=ref,
            bookmaker=BOOKMAKER,
            captured_at=datetime.fromtimestamp(pt / 1000, UTC),
            markets=tuple(kept),
            scope=frozenset(scope),
            skipped_keys=frozenset(skipped),
            external_event_id=str((members[0][0].definition or {}).get("eventId", "")),
        )

    def _once(self, market_id: str, kind: str, cause: str) -> Iterator[Problem]:
        if (market_id, kind) in self.reported:
            return
        self.reported.add((market_id, kind))
        yield Problem(
            "bad_market",
            storable_text(located(cause, f"market {market_id}", f"file {self.origin}")),
            {"file": self.origin, "market_id": market_id},
        )


def _text(raw: bytes) -> str:
    return raw[:_FRAGMENT].decode("utf-8", "replace")


def _merged(refs: list[EventRef]) -> EventRef:
    """One event's refs from several of its markets: competitors' known results win."""
    if len(refs) == 1:
        return refs[0]
    named: dict[str, Competitor] = {}
    for ref in refs:
        for competitor in ref.competitors:
            if competitor.name not in named or competitor.result:
                named[competitor.name] = competitor
    first = refs[0]
    return EventRef(
        **{f: getattr(first, f) for f in first.__dataclass_fields__ if f != "competitors"},
        competitors=tuple(named.values()),
    )

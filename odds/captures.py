"""Normalized captures: what every source adapter yields and the write path consumes.

Plain frozen dataclasses, no ORM. A :class:`Capture` is one look at one event at one
bookmaker at one instant; its markets use the store's market vocabulary (see the
README): role-named outcomes (``home``/``draw``/``away``, ``over``/``under``, ...),
the handicap or total as ``line``, and exact ``Decimal`` decimal odds.

An adapter yields a :class:`Problem` instead of raising for bad input it can skip
(a bad price, a missing team, an unparseable time), so the rest of a file is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

OPEN = "open"
SUSPENDED = "suspended"
FULL_TIME = "full_time"

# Event kinds: a match has a home and an away team; races and outrights (futures, a
# tournament's winner) have competitors instead, and no teams.
MATCH = "match"
RACE = "race"
OUTRIGHT = "outright"


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    price: Decimal
    status: str = OPEN  # OPEN or SUSPENDED
    # Extra facts kept beside the price in the stored outcome, as sorted (key, text)
    # pairs: an exchange's ("last_traded", "2.5"), ("traded_volume", "1520.35").
    # Part of the value (a change writes a row); the read API ignores them.
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Market:
    key: str  # h2h, spreads, totals, btts, double_chance, ... (README: market vocabulary)
    outcomes: tuple[Outcome, ...]
    period: str = FULL_TIME
    line: Decimal | None = None

    @property
    def identity(self) -> tuple[str, str, Decimal | None]:
        return (self.key, self.period, self.line)


@dataclass(frozen=True, slots=True)
class Competitor:
    """One runner, player or team of an event without home and away (a race, an outright).

    ``result`` is ``winner``, ``placed``, ``loser`` or ``removed`` once the source settles
    it, else empty (unknown: never overwrites a stored result).
    """

    name: str
    external_id: str = ""
    sort_order: int = 0
    result: str = ""


@dataclass(frozen=True, slots=True)
class EventRef:
    """Who plays, when, in what: enough to find or create the Event.

    ``source`` + ``source_event_id`` identify the event in its source; an event whose
    start time or team order changes between captures is still the same event.
    """

    source: str
    source_event_id: str
    sport_key: str
    sport_name: str
    tournament_key: str
    tournament_name: str
    home_team: str
    away_team: str
    commence_time: datetime
    country: str = ""
    sportradar_id: str | None = None
    kind: str = MATCH  # MATCH needs both teams; RACE and OUTRIGHT leave them empty
    title: str = ""  # the event's name when it has no teams ("Ham 14th Jun 19:55")
    competitors: tuple[Competitor, ...] = ()

    @property
    def name(self) -> str:
        if self.kind != MATCH:
            return self.title
        return f"{self.home_team} v {self.away_team}"


@dataclass(frozen=True, slots=True)
class BookmakerRef:
    key: str
    name: str
    is_exchange: bool = False


@dataclass(frozen=True, slots=True)
class Capture:
    event: EventRef
    bookmaker: BookmakerRef
    captured_at: datetime  # when the prices were observed (UTC), the partition key
    markets: tuple[Market, ...]
    source_updated_at: datetime | None = None  # the bookmaker's own last update
    # What this capture reports in full. A market it covers that was open before and
    # is missing now has disappeared; markets it does not cover are not judged (a scrape
    # asking only for h2h says nothing about totals). Entries are a market key ("h2h"),
    # a key and period (("h2h", "first_half")) or a whole identity (("totals",
    # "full_time", Decimal("2.5"))). None: the keys of the markets present.
    scope: frozenset[str | tuple] | None = None
    # Entries (same forms) of which something was dropped as bad input: never judged
    # gone here, since a bad price says nothing about whether the market is offered.
    skipped_keys: frozenset[str | tuple] = frozenset()
    external_event_id: str = ""  # the bookmaker's own id for the event, when known
    event_url: str = ""
    raw: Any = None  # the source's fragment for this capture, kept only if asked

    @property
    def market_scope(self) -> Scope:
        entries = self.scope if self.scope is not None else {m.key for m in self.markets}
        return Scope(_normalized(entries), _normalized(self.skipped_keys))


def _normalized(entries) -> frozenset[tuple]:
    return frozenset((e,) if isinstance(e, str) else tuple(e) for e in entries)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which market identities (key, period, line) a capture reports in full."""

    entries: frozenset[tuple]
    skipped: frozenset[tuple] = frozenset()

    def covers(self, ident: tuple) -> bool:
        prefixes = (ident[:1], ident[:2], ident)
        return any(p in self.entries for p in prefixes) and not any(
            p in self.skipped for p in prefixes
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """Bad input an adapter skipped: becomes a ScrapeError; the rest is kept.

    ``error_type`` is a short snake_case kind (``bad_price``, ``missing_team``,
    ``bad_time``, ``bad_json``, ``unknown_format``, ``http_error``, ...). ``context``
    holds the offending fragment and where it was found; never a secret.
    """

    error_type: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)
    bookmaker_key: str | None = None
    event: EventRef | None = None
    fatal: bool = False  # the source itself failed (unreachable, unauthorised, unreadable)

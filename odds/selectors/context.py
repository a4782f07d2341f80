"""Quotes with their context: when confirmed, in play or not, fresh or stale.

The read API's public functions find rows (:mod:`odds.selectors.probes`); this module
turns them into :class:`~odds.quotes.Quote` values that say what they mean, and holds
the rules the pricing answers share: pre-match by default, fresh by default.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from odds.models import Event
from odds.quotes import Quote
from odds.selectors import args
from odds.selectors.args import EventInfo
from odds.selectors.confirm import confirmed_times, default_max_age
from odds.selectors.probes import Found, Pair, Probe, in_force, load_pairs, probe
from odds.series import Ident

# ``max_age`` default of the pricing answers: ODDS_QUOTE_MAX_AGE_SECONDS.
SETTING = "setting"
MaxAge = timedelta | None | str
TICK = timedelta(microseconds=1)


def max_age_of(value: MaxAge) -> timedelta | None:
    return default_max_age() if value == SETTING else args.age("max_age", value)


def confirmed_quotes(
    rows: list[Found],
    at: datetime,
    kickoff: datetime,
    max_age: timedelta | None,
    *,
    uppers: list[datetime] | None = None,
) -> list[Quote]:
    """Quotes of these rows, confirmed up to ``uppers`` (default ``at``), those not
    confirmed within ``max_age`` of ``at`` left out."""
    times = confirmed_times(rows, uppers or [at] * len(rows))
    return [
        f.quote(confirmed_at=t, in_play=t >= kickoff)
        for f, t in zip(rows, times, strict=True)
        if max_age is None or t >= at - max_age
    ]


def fresh_quotes(
    rows: list[Found], at: datetime, events: dict[int, EventInfo], max_age: timedelta | None
) -> list[Quote | None]:
    """Per row its quote at ``at``, or None where it is stale (rows of many events)."""
    times = confirmed_times(rows, [at] * len(rows))
    return [
        f.quote(confirmed_at=t, in_play=t >= events[f.probe.pair.event_id].commence_time)
        if max_age is None or t >= at - max_age
        else None
        for f, t in zip(rows, times, strict=True)
    ]


def pricing_quotes(
    event: Event | int,
    market_key: str,
    period: str,
    line,
    at: datetime | None,
    in_play: bool,
    max_age: MaxAge,
) -> tuple[EventInfo, list[Quote]]:
    """Each bookmaker's priced quote of one market in force at ``at``, for the pricing
    answers: none once the event has started unless ``in_play``, none stale."""
    info, at = args.event_info(event), args.aware("at", at)
    max_age, when = max_age_of(max_age), at or timezone.now()
    pairs = load_pairs(event_ids=[info.id])
    ident = args.market(market_key, period, line, known=idents_of(pairs))
    if not in_play and when >= info.commence_time:
        return info, []  # the pre-match market is closed: its last prices are the closing line
    probes = [in_force(p, ident, at) for p in pairs if ident in p.newest]
    rows = [f for f in probe([p for p in probes if p]) if f.outcomes]
    return info, confirmed_quotes(rows, when, info.commence_time, max_age)


def fresh_ends(
    ends: list[Found],
    events: dict[int, EventInfo],
    *,
    until: datetime,
    in_play: bool,
    max_age: timedelta | None,
) -> list[Found]:
    """The movers' end rows still current: confirmed within ``max_age`` of ``until`` or,
    pre-match, of the event's start if that came first (confirmations up to then only)."""
    if max_age is None:
        return ends
    refs = [
        until if in_play else min(until, events[f.probe.pair.event_id].commence_time - TICK)
        for f in ends
    ]
    times = confirmed_times(ends, refs)
    return [f for f, t, ref in zip(ends, times, refs, strict=True) if t >= ref - max_age]


def is_stale(closing: Quote | None, kickoff: datetime, max_age: timedelta | None) -> bool:
    if closing is None or max_age is None or not closing.outcomes:
        return False
    return closing.confirmed_at is not None and closing.confirmed_at < kickoff - max_age


def next_rows(rows: list[Found]) -> list[Found]:
    """Each row's next row of the same market, where there is one."""
    later = [
        Probe(f.probe.pair, f.probe.ident, f.row_at + TICK, f.probe.pair.newest[f.probe.ident][0])
        for f in rows
        if f.row_at < f.probe.pair.newest[f.probe.ident][0]
    ]
    return probe(later, newest=False)


def spans(rows: list[Found], end: datetime) -> list[datetime]:
    """For a market's rows in time order: until when each was in force (the next row of
    its bookmaker, else ``end``), the bound of its confirmations."""
    uppers = [end] * len(rows)
    following: dict[int, datetime] = {}
    for i in range(len(rows) - 1, -1, -1):
        book = rows[i].probe.pair.bookmaker_id
        if book in following:
            uppers[i] = following[book] - TICK
        following[book] = rows[i].row_at
    return uppers


def idents_of(pairs: Iterable[Pair]) -> set[Ident]:
    return {ident for p in pairs for ident in p.newest}

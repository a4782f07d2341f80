"""The arithmetic of movers(): where a move starts and what moved."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from odds.quotes import Move
from odds.selectors.pricing import rounded
from odds.selectors.probes import Found, Pair, Probe, probe
from odds.series import Ident


def starts_of(keys: list[tuple[Pair, Ident]], *, since: datetime, until: datetime) -> dict:
    """Per (pair, ident): the row whose prices a move is measured from: the one in force at
    ``since`` unless it is none or a gone row, else the first priced row up to ``until``."""
    before = [
        Probe(pair, ident, pair.first_captured_at, since)
        for pair, ident in keys
        if pair.first_captured_at and pair.first_captured_at <= since
    ]
    starts = {(f.probe.pair, f.probe.ident): f for f in probe(before) if f.outcomes}
    later = [
        Probe(pair, ident, max(since, pair.first_captured_at or since), until)
        for pair, ident in keys
        if (pair, ident) not in starts
    ]
    for f in probe(later, newest=False, skip_gone=True):
        starts[(f.probe.pair, f.probe.ident)] = f
    return starts


def moves_between(start: Found, end: Found, event_name: str) -> list[Move]:
    before = {o.name: o.price for o in start.outcomes if o.status == "open"}
    pair, (key, period, line) = end.probe.pair, end.probe.ident
    return [
        Move(
            pair.event_id,
            event_name,
            pair.bookmaker,
            key,
            period,
            line,
            o.name,
            before[o.name],
            o.price,
            rounded(Fraction(o.price) / Fraction(before[o.name]) - 1),
            end.captured_at,
        )
        for o in end.outcomes
        if o.status == "open" and o.name in before and o.price != before[o.name]
    ]

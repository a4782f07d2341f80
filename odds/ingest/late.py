"""Captures older than what is stored for their (event, bookmaker): backfills, files
imported out of order.

The fast path compares a capture with the current state. A late capture at ``t`` must
instead be compared with the prices in force just before ``t``, and when it changes
them, the pair's next capture (already stored, at ``s``) must still read back what was
observed then: either the row at ``s`` already says so, or a row restoring the earlier
prices is added at ``s``; a row at ``s`` that now repeats ``t``'s prices is removed.
This path runs a few indexed queries per capture, bounded by the pair's capture span.
It assumes the next capture reported the same market keys as this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from odds.captures import Market, Scope
from odds.ingest.changes import State, outcomes_text, text_from_json
from odds.ingest.copy import SNAPSHOT_COLUMNS
from odds.series import GONE_TEXT, Ident, ident_text, value_hash


@dataclass
class LateWrite:
    """What one late capture did: rows under its own snapshot, markets unchanged, rows
    added (+) or removed (-) under the next capture's snapshot, that snapshot's run."""

    written: int = 0
    unchanged: int = 0
    state_changed: bool = False
    next_rows: int = 0
    next_run_id: int | None = None


def write_late_capture(
    cursor,
    snapshot: tuple,
    markets: tuple[Market, ...],
    scope: Scope,
    state: State,
) -> LateWrite:
    """Insert the snapshot and whatever market rows keep history exact, and update the
    pair's ``state`` where its newest row changed. Rows restored or removed at the next
    capture belong to that capture's snapshot (and its run), and are counted apart, so
    every run's counters match the rows stored under its snapshots."""
    snapshot_id, event_id, bookmaker_id, captured_at = snapshot[:4]
    _insert_snapshot(cursor, snapshot)
    following = _next_snapshot(cursor, event_id, bookmaker_id, captured_at)
    before = _rows_before(cursor, event_id, bookmaker_id, captured_at)
    after = _rows_after(cursor, event_id, bookmaker_id, captured_at)

    observed: dict[Ident, str] = {}
    for market in markets:
        observed.setdefault(market.identity, outcomes_text(market.outcomes))
    idents = set(observed) | {i for i in before if scope.covers(i)}

    done = LateWrite(next_run_id=following[2] if following else None)
    for ident in sorted(idents, key=str):
        value = observed.get(ident, GONE_TEXT)
        previous = before.get(ident)
        if ident not in observed and previous in (None, GONE_TEXT):
            continue  # absent now and absent (or gone) before: nothing happened
        if previous == value:
            done.unchanged += 1
            continue
        _insert_market(cursor, snapshot_id, captured_at, event_id, bookmaker_id, ident, value)
        done.written += 1
        done.next_rows += _keep_next_capture_exact(
            cursor, snapshot, ident, value, previous, following, after.get(ident)
        )
        state[ident_text(ident)] = _newest(cursor, event_id, bookmaker_id, ident)
        done.state_changed = True
    return done


def _keep_next_capture_exact(cursor, snapshot, ident, value, previous, following, nxt) -> int:
    if following is None:
        return 0
    next_id, next_at, _ = following
    if nxt is not None and nxt[1] == next_at:
        if nxt[2] == value:
            cursor.execute(
                "DELETE FROM odds_marketodds WHERE captured_at = %s AND id = %s", [nxt[1], nxt[0]]
            )
            return -1
        return 0
    restored = previous if previous is not None else GONE_TEXT
    event_id, bookmaker_id = snapshot[1:3]
    _insert_market(cursor, next_id, next_at, event_id, bookmaker_id, ident, restored)
    return 1


def _insert_snapshot(cursor, snapshot: tuple) -> None:
    cursor.execute(
        f"INSERT INTO odds_oddssnapshot ({SNAPSHOT_COLUMNS}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        list(snapshot),
    )


def _insert_market(cursor, snapshot_id, captured_at, event_id, bookmaker_id, ident, value):
    key, period, line = ident
    cursor.execute(
        "INSERT INTO odds_marketodds (snapshot_id, captured_at, event_id, bookmaker_id, "
        "market_key, period, line, outcomes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [snapshot_id, captured_at, event_id, bookmaker_id, key, period, line, value],
    )


def _next_snapshot(cursor, event_id, bookmaker_id, moment) -> tuple | None:
    """(id, captured_at, scrape_run_id) of the pair's next capture after ``moment``."""
    cursor.execute(
        "SELECT id, captured_at, scrape_run_id FROM odds_oddssnapshot "
        "WHERE event_id = %s AND bookmaker_id = %s AND captured_at > %s "
        "ORDER BY captured_at LIMIT 1",
        [event_id, bookmaker_id, moment],
    )
    return cursor.fetchone()


def _rows_before(cursor, event_id, bookmaker_id, moment) -> dict[Ident, str]:
    cursor.execute(
        """
        SELECT DISTINCT ON (market_key, period, line) market_key, period, line, outcomes
          FROM odds_marketodds
         WHERE event_id = %s AND bookmaker_id = %s AND captured_at < %s
         ORDER BY market_key, period, line, captured_at DESC
        """,
        [event_id, bookmaker_id, moment],
    )
    return {(k, p, li): text_from_json(outcomes) for k, p, li, outcomes in cursor.fetchall()}


def _rows_after(cursor, event_id, bookmaker_id, moment) -> dict[Ident, tuple]:
    cursor.execute(
        """
        SELECT DISTINCT ON (market_key, period, line) market_key, period, line,
               id, captured_at, outcomes
          FROM odds_marketodds
         WHERE event_id = %s AND bookmaker_id = %s AND captured_at > %s
         ORDER BY market_key, period, line, captured_at ASC
        """,
        [event_id, bookmaker_id, moment],
    )
    rows = cursor.fetchall()
    return {(k, p, li): (row_id, at, text_from_json(out)) for k, p, li, row_id, at, out in rows}


def _newest(cursor, event_id, bookmaker_id, ident: Ident) -> list:
    """The state of a key as history now has it: its newest row."""
    key, period, line = ident
    cursor.execute(
        """
        SELECT outcomes, captured_at FROM odds_marketodds
         WHERE event_id = %s AND bookmaker_id = %s AND market_key = %s AND period = %s
           AND line IS NOT DISTINCT FROM %s::numeric
         ORDER BY captured_at DESC LIMIT 1
        """,
        [event_id, bookmaker_id, key, period, line],
    )
    outcomes, changed_at = cursor.fetchone()
    return [value_hash(text_from_json(outcomes)), changed_at.isoformat()]

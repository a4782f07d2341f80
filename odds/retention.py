"""Retention that never loses a price in force: carry rows forward before a drop.

History is change-only, so the row that holds a market's prices in force can be weeks
older than the capture that last saw them. Dropping its partition would silently end
that price (and leave the pair's ``market_state`` pointing at nothing). So before a
``MarketOdds`` partition ``[lower, upper)`` is retired, every market whose newest row
before ``upper`` lives in it, is not a gone row and is not superseded exactly at the
target instant gets a copy there:

* the copy keeps what the row said about its own times: ``carried_from`` (when the
  prices really changed) and ``carried_confirmed_at`` (the newest capture of the pair
  before the boundary whose scope covers the market);
* it hangs on the pair's snapshot at the target instant: the real one if the pair was
  captured exactly then, else a synthetic snapshot with the *carried* scope (which
  confirms nothing) and no scrape run;
* the pair state moves to the copy; a gone market whose gone row is dropped leaves the
  state (a later capture with it is then "first seen"), and ``first_captured_at``
  moves up to the target.

Everything is set-based SQL in the retiring transaction: either the rows are carried
and the partition dropped, or neither. A row carried into a partition that is retired
next in the same run is carried again (partitions are retired oldest first).

A capture for the exact target instant arriving after retention counts as a duplicate
of the synthetic snapshot there: it is data at the retention cutoff, older than the
window, and replacing a snapshot under carried rows is not worth its complexity.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connections

from odds.series import GONE

# The newest row of each market before the boundary, kept when it is a price (not a
# gone row) and no row already stands at the target instant; with when it was last
# confirmed: the newest snapshot of the pair since the row whose scope covers it
# (a NULL scope is unknown and counts as covering; the carried scope covers nothing).
_CARRY_SQL = """
CREATE TEMPORARY TABLE odds_carry ON COMMIT DROP AS
WITH newest AS (
    SELECT DISTINCT ON (event_id, bookmaker_id, market_key, period, line)
           id, event_id, bookmaker_id, market_key, period, line, outcomes, captured_at,
           carried_from, carried_confirmed_at
      FROM odds_marketodds
     WHERE captured_at >= %(lower)s AND captured_at < %(upper)s
     ORDER BY event_id, bookmaker_id, market_key, period, line, captured_at DESC
), carried AS (
    SELECT r.*,
           ARRAY[r.market_key, r.market_key || '|' || r.period,
                 r.market_key || '|' || r.period || '|'
                 || COALESCE(trim_scale(r.line)::text, '')]::text[] AS prefixes
      FROM newest r
     WHERE r.outcomes <> '[]'::jsonb
       AND NOT EXISTS (
           SELECT 1 FROM odds_marketodds n
            WHERE n.event_id = r.event_id AND n.bookmaker_id = r.bookmaker_id
              AND n.market_key = r.market_key AND n.period = r.period
              AND n.line IS NOT DISTINCT FROM r.line AND n.captured_at = %(target)s)
), looks AS (
    SELECT event_id, bookmaker_id, scope_id, max(captured_at) AS at
      FROM odds_oddssnapshot
     WHERE captured_at >= %(lower)s AND captured_at < %(upper)s
     GROUP BY event_id, bookmaker_id, scope_id
), confirmed AS (
    SELECT c.id, max(l.at) AS at
      FROM carried c
      JOIN looks l ON l.event_id = c.event_id AND l.bookmaker_id = c.bookmaker_id
                  AND l.at >= c.captured_at
      LEFT JOIN odds_capturescope sc ON sc.id = l.scope_id
     WHERE l.scope_id IS NULL OR (sc.entries && c.prefixes AND NOT sc.skipped && c.prefixes)
     GROUP BY c.id
)
SELECT c.event_id, c.bookmaker_id, c.market_key, c.period, c.line, c.outcomes,
       c.prefixes[3] AS ident,
       COALESCE(c.carried_from, c.captured_at) AS carried_from,
       COALESCE(k.at, c.carried_confirmed_at, c.captured_at) AS carried_confirmed_at
  FROM carried c
  LEFT JOIN confirmed k ON k.id = c.id
"""

_SYNTHETIC_SNAPSHOTS_SQL = """
INSERT INTO odds_oddssnapshot (event_id, bookmaker_id, captured_at, scope_id)
SELECT DISTINCT c.event_id, c.bookmaker_id, %(target)s::timestamptz, %(scope)s
  FROM odds_carry c
 WHERE NOT EXISTS (
       SELECT 1 FROM odds_oddssnapshot s
        WHERE s.event_id = c.event_id AND s.bookmaker_id = c.bookmaker_id
          AND s.captured_at = %(target)s)
"""

_CARRIED_ROWS_SQL = """
INSERT INTO odds_marketodds (snapshot_id, captured_at, event_id, bookmaker_id, market_key,
                             period, line, outcomes, carried_from, carried_confirmed_at)
SELECT s.id, s.captured_at, c.event_id, c.bookmaker_id, c.market_key, c.period, c.line,
       c.outcomes, c.carried_from, c.carried_confirmed_at
  FROM odds_carry c
  JOIN odds_oddssnapshot s ON s.event_id = c.event_id AND s.bookmaker_id = c.bookmaker_id
                          AND s.captured_at = %(target)s
"""

# Per pair: carried identities now point at the copy; identities whose row is dropped
# and not carried (gone rows, or a state out of step with history) leave the state.
_PAIR_STATES_SQL = """
WITH carried AS (
    SELECT event_id, bookmaker_id, array_agg(ident) AS idents
      FROM odds_carry GROUP BY event_id, bookmaker_id
), touched AS (
    SELECT p.id, COALESCE(c.idents, '{}') AS idents
      FROM odds_eventbookmaker p
      LEFT JOIN carried c ON c.event_id = p.event_id AND c.bookmaker_id = p.bookmaker_id
     WHERE p.first_captured_at < %(upper)s OR c.idents IS NOT NULL
)
UPDATE odds_eventbookmaker p
   SET first_captured_at = GREATEST(p.first_captured_at, %(target)s),
       market_state = COALESCE((
           SELECT jsonb_object_agg(
                      e.key,
                      CASE WHEN e.before AND e.carried
                           THEN jsonb_build_array(e.value -> 0, %(target_iso)s::text)
                           ELSE e.value END)
             FROM (SELECT s.key, s.value,
                          (s.value ->> 1)::timestamptz < %(upper)s AS before,
                          s.key = ANY(t.idents) AS carried,
                          (s.value ->> 0)::bigint = %(gone)s
                          OR (s.value ->> 1)::timestamptz >= %(lower)s AS dropped
                     FROM jsonb_each(p.market_state) s) e
            WHERE NOT e.before OR e.carried OR NOT e.dropped
       ), '{}'::jsonb)
  FROM touched t
 WHERE p.id = t.id
"""

# Writers lock pairs in id order before touching them; so do we, so neither waits on
# the other in a cycle, and no capture of these pairs lands between read and update.
_LOCK_PAIRS_SQL = """
SELECT id FROM odds_eventbookmaker WHERE first_captured_at < %(upper)s ORDER BY id FOR UPDATE
"""


def carry_forward(
    *, lower: datetime, upper: datetime, target: datetime, using: str = "default"
) -> int:
    """Copy the rows of ``[lower, upper)`` still in force at ``upper`` to ``target`` (at
    or after ``upper``, before any later row: the caller picks the first kept instant)
    and fix the pair states; returns how many rows were carried.

    Must run inside the transaction that then drops the partition, after the partition
    holding ``target`` exists in both tables.
    """
    params = {
        "lower": lower,
        "upper": upper,
        "target": target,
        "target_iso": target.isoformat(),
        "gone": GONE,
        "scope": carried_scope_id(using=using),
    }
    with connections[using].cursor() as cursor:
        cursor.execute(_LOCK_PAIRS_SQL, params)
        cursor.execute(_CARRY_SQL, params)
        cursor.execute("ANALYZE odds_carry")
        cursor.execute(_SYNTHETIC_SNAPSHOTS_SQL, params)
        cursor.execute(_CARRIED_ROWS_SQL, params)
        carried = cursor.rowcount
        cursor.execute(_PAIR_STATES_SQL, params)
        # Django's foreign keys are deferred to commit, but a partition with pending
        # checks cannot be dropped, and the copies may sit in the next one retired.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Several partitions can be retired in one transaction: each brings its own.
        cursor.execute("DROP TABLE odds_carry")
    return carried


def carried_scope_id(*, using: str = "default") -> int:
    """The one scope of synthetic snapshots (made on first use)."""
    # Imported here: the settings import partitioning, which imports this module.
    from odds.ingest.scopes import carried_scope_id as scope_id

    return scope_id(using=using)


def carry_target(upper: datetime, *, first_kept: datetime | None, starts: list) -> datetime:
    """Where rows in force at ``upper`` go: ``upper`` when a partition starts there; across
    a gap (no partition, so no rows in it), the earlier of the next partition's start and
    ``first_kept`` (the start of the slot holding the retention cutoff), so an old backfill
    is not walked forward one expired slot per run."""
    if upper in starts or first_kept is None:
        return upper
    later = [s for s in starts if s is not None and s > upper]
    return max(upper, min([*later, first_kept]))

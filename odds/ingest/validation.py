"""Last guard before the database: a capture the tables would refuse becomes a Problem.

Adapters already reject bad prices and times; this catches what would otherwise abort
a whole batch at a CHECK constraint or a numeric overflow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from odds.captures import MATCH, OPEN, OUTRIGHT, RACE, SUSPENDED, Capture, Problem
from odds.ingest.limits import too_long
from odds.vocabulary import MAX_LINE

_SNAKE = re.compile(r"^[a-z0-9_]+$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_STATUSES = frozenset({OPEN, SUSPENDED})
_KINDS = frozenset({MATCH, RACE, OUTRIGHT})
_RESULTS = frozenset({"", "winner", "placed", "loser", "removed"})
_OUTCOME_FIELDS = frozenset({"name", "price", "status"})
# EventCompetitor and Event column sizes.
_MAX_COMPETITOR, _MAX_ID, _MAX_EVENT_NAME = 200, 128, 300
# Partitions exist for any time, but a capture outside these years is a broken clock
# or a broken file, not odds.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _storable(text: str) -> bool:
    """PostgreSQL refuses NUL in text and lone surrogates in UTF-8."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_capture(capture: Capture) -> Problem | None:
    reason = _reason(capture)
    if reason is not None:
        return _rejected(capture, "invalid_capture", reason)
    if overlong := too_long(capture):
        return _rejected(
            capture,
            "value_too_long",
            f"{overlong.describe()}; shorten it in the source",
            **overlong.context(),
        )
    return None


def _rejected(capture: Capture, error_type: str, reason: str, **extra) -> Problem:
    return Problem(
        error_type,
        f"capture of {_shown(capture.event.name)} at {_shown(capture.bookmaker.key)} "
        f"rejected: {reason}",
        {
            "source": capture.event.source,
            "source_event_id": capture.event.source_event_id[:200],
            "bookmaker": capture.bookmaker.key[:200],
            "captured_at": str(capture.captured_at),
            **extra,
        },
        bookmaker_key=capture.bookmaker.key,
        event=capture.event,
    )


def _shown(text: str) -> str:
    # A 300-character team name would bury the reason; the context keeps it whole.
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _reason(capture: Capture) -> str | None:
    event = capture.event
    for name, moment in (
        ("captured_at", capture.captured_at),
        ("commence_time", event.commence_time),
        ("source_updated_at", capture.source_updated_at),
    ):
        if moment is not None and moment.utcoffset() is None:
            return f"{name} {moment} has no time zone"
    if not _EARLIEST <= capture.captured_at < _LATEST:
        return f"captured_at {capture.captured_at} is not between 1970 and 2100"
    for name, text in (
        ("home team", event.home_team),
        ("away team", event.away_team),
        ("event id", event.source_event_id),
        ("event title", event.title),
        ("bookmaker name", capture.bookmaker.name),
        *(("competitor", c.name) for c in event.competitors),
    ):
        if not _storable(text):
            return f"the {name} {text!r} holds a NUL or an unpaired surrogate character"
    reason = _kind_reason(event)
    if reason:
        return reason
    if not event.source_event_id:
        return "the event has no id in its source"
    if not _slug(capture.bookmaker.key) or not _slug(event.sport_key):
        return "bookmaker and sport keys must be slugs"
    for market in capture.markets:
        reason = _market_reason(market)
        if reason:
            return f"market {market.key!r}: {reason}"
    return None


def _kind_reason(event) -> str | None:
    if event.kind not in _KINDS:
        return f"event kind {event.kind!r} is not one of {', '.join(sorted(_KINDS))}"
    if event.kind == MATCH:
        if not event.home_team.strip() or not event.away_team.strip():
            return "an event needs both teams"
        return None
    if not event.name.strip():
        return f"a {event.kind} needs a title"
    if len(event.name) > _MAX_EVENT_NAME:
        return f"the title is longer than {_MAX_EVENT_NAME} characters"
    for competitor in event.competitors:
        if not competitor.name.strip():
            return "a competitor has no name"
        if len(competitor.name) > _MAX_COMPETITOR or len(competitor.external_id) > _MAX_ID:
            return f"competitor {competitor.name[:40]!r}...: name or id too long"
        if not 0 <= competitor.sort_order < 2**31:
            return f"competitor sort order {competitor.sort_order} is out of range"
        if competitor.result not in _RESULTS:
            return f"competitor result {competitor.result!r} is not known"
    return None


@lru_cache(maxsize=4096)
def _slug(key: str) -> bool:
    return bool(_SLUG.match(key))


def _market_reason(market) -> str | None:
    return _identity_reason(market.key, market.period, market.line) or _outcomes_reason(
        market.outcomes
    )


@lru_cache(maxsize=1 << 14)
def _identity_reason(key: str, period: str, line: Decimal | None) -> str | None:
    if not (_SNAKE.match(key) and _SNAKE.match(period)):
        return "market key and period must be snake_case"
    if line is not None:
        if not line.is_finite() or abs(line) > MAX_LINE:
            return f"line {line} is out of range"
        exponent = line.as_tuple().exponent  # an int, the line being finite
        if isinstance(exponent, int) and exponent < -3:
            return f"line {line} has more than 3 decimal places"
    return None


@lru_cache(maxsize=1 << 16)
def _outcomes_reason(outcomes: tuple) -> str | None:
    """Cached by value: feeds repeat the same outcomes capture after capture."""
    if not outcomes:
        return "no outcomes"
    for outcome in outcomes:
        if not outcome.name:
            return "an outcome has no name"
        if outcome.status not in _STATUSES:
            return f"outcome status {outcome.status!r} is not open or suspended"
        if not isinstance(outcome.price, Decimal) or not outcome.price > 1:
            return f"price {outcome.price!r} is not decimal odds above 1.0"
        for key, value in outcome.extra:
            if key in _OUTCOME_FIELDS or not _SNAKE.match(key) or not isinstance(value, str):
                return f"outcome extra {key!r} must be a snake_case key with a text value"
    return None

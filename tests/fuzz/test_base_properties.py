"""scraping/sources/base.py: time parsing and the JSON helpers every adapter leans on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from scraping.sources.base import REPLACEMENT, json_safe, parse_utc, storable_json

from .support import fuzz, json_like, storable, storable_strings

ZONES = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@fuzz(300)
@given(
    value=json_like
    | st.datetimes(timezones=st.none() | ZONES).map(lambda d: d.isoformat())
    | st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S UTC"))
)
@example(value="0001-01-01T00:00:00+23:59")  # found: astimezone raised OverflowError
@example(value="9999-12-31T23:59:59-23:59")
@example(value="2024-01-01T00:00:00Z")
def test_parse_utc_gives_an_aware_utc_time_or_value_error(value):
    try:
        parsed = parse_utc(value)
    except ValueError as error:
        assert str(error)
        return
    assert parsed.tzinfo is UTC


@fuzz(100)
@given(moment=st.datetimes(timezones=ZONES, min_value=datetime(2, 1, 1)))
def test_parse_utc_keeps_the_instant(moment):
    assert parse_utc(moment.isoformat()) == moment


@fuzz(200)
@given(value=json_like)
def test_json_safe_is_storable_and_keeps_what_json_already_stores(value):
    safe = json_safe(value)
    storable(safe)
    storable_strings(safe)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return  # Decimal, NaN or the like: json_safe had to change it
    assert json.dumps(safe, allow_nan=False) == json.dumps(_replaced(value), allow_nan=False)


@fuzz(300)
@given(value=json_like, ensure_ascii=st.booleans())
@example(value=["\ud83d\ude00", "\ud800\ud83d\ude00", "\\u0000", "\\\x00"], ensure_ascii=True)
def test_storable_json_replaces_only_what_postgresql_refuses(value, ensure_ascii):
    text = json.dumps(value, default=str, ensure_ascii=ensure_ascii)
    # Compared as JSON text: NaN is not equal to itself.
    expected = json.dumps(_replaced(json.loads(text)))
    assert json.dumps(json.loads(storable_json(text))) == expected


def _replaced(value):
    if isinstance(value, str):
        return "".join(
            REPLACEMENT if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value
        )
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v) for v in value]
    return value

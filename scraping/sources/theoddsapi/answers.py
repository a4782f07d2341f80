"""What The Odds API's answers hold besides odds: a JSON body, an error body, quota headers.

Bodies are decoded as ``json.loads`` would, with what PostgreSQL refuses replaced, and
decimal odds kept exact.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from scraping.sources.base import SourceError, json_safe, storable_json
from scraping.sources.theoddsapi.problems import located

QUOTA_HEADERS = ("x-requests-remaining", "x-requests-used", "x-requests-last")


def json_body(response: httpx.Response, url: str) -> Any:
    try:
        # Decimal keeps decimal odds exact: 2.15 must not become 2.1499999...
        return json.loads(_json_text(response.content), parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        # ValueError: JSONDecodeError, UnicodeDecodeError, an integer of over 4300 digits.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise SourceError(
            "bad_json",
            located(f"The Odds API answered with a body that is not JSON ({reason})", url),
            {"url": url, "status": response.status_code, "body": json_safe(response.text[:200])},
        ) from None


def _json_text(content: bytes) -> str:
    """The body as json.loads would decode it, with what PostgreSQL refuses replaced."""
    return storable_json(content.decode(json.detect_encoding(content), "surrogatepass"))


def error_body(response: httpx.Response) -> dict:
    try:
        body = json.loads(_json_text(response.content))
    except (ValueError, RecursionError):
        return {}
    return json_safe(body) if isinstance(body, dict) else {}


def quota(headers: httpx.Headers) -> dict[str, int]:
    quota = {}
    for name in QUOTA_HEADERS:
        try:
            value = Decimal(headers[name].strip())
        except (KeyError, InvalidOperation):
            continue
        # A count, not 1E+999999999: int() of that would build a gigabyte-long integer.
        if value.is_finite() and value.adjusted() < 18:
            quota[name] = int(value)
    return quota


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)

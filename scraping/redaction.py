"""Last line of defence for secrets: nothing written to runs or errors holds one.

Adapters already keep API keys out of messages and context; this replaces any value
of a configured secret (and any ``apiKey=...`` query parameter) wherever it appears.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

MASK = "***"
_KEY_PARAM = re.compile(r"(?i)(api_?key=)[^&\s\"']+")


def _secrets() -> list[str]:
    return [s for s in (getattr(settings, "ODDS_API_KEY", ""),) if s and len(s) >= 4]


def redact(value: Any) -> Any:
    """A copy of ``value`` (str, dict, list, tuple, scalars) with secrets masked."""
    secrets = _secrets()
    return _redact(value, secrets)


def _redact(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return _KEY_PARAM.sub(rf"\g<1>{MASK}", value)
    if isinstance(value, dict):
        return {
            k: MASK if str(k).lower() in {"apikey", "api_key"} else _redact(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact(v, secrets) for v in value]
    return value

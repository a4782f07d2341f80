"""Keeping secrets out of job parameters, which are stored in plain text.

A scheduled job's parameters sit in its periodic task and in every run; the API key is
read from settings when the job runs, never from them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from scraping.sources.base import SourceError


def refuse_secrets(parameters: dict[str, Any]) -> None:
    """A job's parameters are stored in plain text (the periodic task, every run): an
    API key there would leak, so refuse one by name, or by value when it is the key."""
    for name, value in _walk(parameters):
        if _is_secret_name(name) or _is_configured_key(value):
            raise SourceError(
                "secret_in_parameters",
                f'The job\'s parameters hold a secret ("{name}"); parameters are stored in '
                "plain text. Remove it and set the ODDS_API_KEY environment variable where "
                "the job runs instead.",
            )


_SECRET_NAMES = frozenset({"apikey", "key", "token", "secret", "password", "oddsapikey"})


def _is_secret_name(name: str) -> bool:
    return name.lower().replace("_", "").replace("-", "") in _SECRET_NAMES


def mask_secrets(value: Any) -> Any:
    """A copy of job parameters with every secret-named entry's value masked, for the
    failed run that reports a job refused by :func:`refuse_secrets`."""
    if isinstance(value, dict):
        return {k: "***" if _is_secret_name(str(k)) else mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return "***" if _is_configured_key(value) else value


def _walk(value: Any, name: str = ""):
    """(name, value) of every entry of nested dicts and lists."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key), inner
            yield from _walk(inner, str(key))
    elif isinstance(value, list):
        for inner in value:
            yield name, inner
            yield from _walk(inner, name)


def _is_configured_key(value: Any) -> bool:
    key = (settings.ODDS_API_KEY or "").strip()
    return bool(key) and isinstance(value, str) and key in value

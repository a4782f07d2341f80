"""Source jobs: a source name plus JSON parameters, turned into the items to store.

A ScrapeRun keeps its job's ``source`` and ``parameters``, so any run can be repeated
exactly (the admin's re-run action, scheduled tasks) through :func:`job_items`.
Parameters never hold secrets: the API key is read from settings when the job runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

from scraping.sources.base import Item, SourceError, parse_utc

FILE_FORMATS = ("theoddsapi", "oddsharvester", "footballdata", "betfair")
LIVE_SOURCES = ("theoddsapi", "simulated")


def known_sources() -> list[str]:
    return sorted({*LIVE_SOURCES, *FILE_FORMATS})


def refuse_unknown_source(source: str) -> None:
    if source not in known_sources():
        raise SourceError(
            "unknown_source",
            f"Unknown source {source!r}: use one of {', '.join(known_sources())}.",
        )


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


def make_odds_api_client():
    """The client for The Odds API; tests replace it to serve recorded responses."""
    from scraping.sources.theoddsapi import TheOddsApiClient

    return TheOddsApiClient(settings.ODDS_API_KEY, base_url=settings.ODDS_API_BASE_URL)


def theoddsapi_items(parameters: dict[str, Any], stats: dict[str, Any]) -> Iterator[Item]:
    from scraping.sources.theoddsapi import scrape_odds

    items, fetched = scrape_odds(
        make_odds_api_client(),
        sport=parameters["sport"],
        regions=parameters["regions"],
        markets=parameters["markets"],
        odds_format=parameters.get("odds_format", "decimal"),
        bookmakers=parameters.get("bookmakers") or None,
    )
    stats.update(fetched)
    yield from items


def simulated_feed(parameters: dict[str, Any]):
    from scraping.sources.simulated import SimulatedFeed

    return SimulatedFeed(
        seed=parameters.get("seed", 0),
        events=parameters.get("events", 20),
        bookmakers=parameters.get("bookmakers", 8),
        change_rate=parameters.get("change_rate", 0.03),
        start=parse_utc(parameters["start"]),
        interval=timedelta(seconds=parameters.get("interval_seconds", 300)),
    )


def simulated_items(parameters: dict[str, Any], stats: dict[str, Any]) -> Iterator[Item]:
    feed = simulated_feed(parameters)
    stats["captured_at"] = feed.captured_at(parameters["round"]).isoformat()
    yield from feed.round_captures(parameters["round"])


def simulated_parameters(
    *,
    seed: int = 0,
    events: int = 20,
    bookmakers: int = 8,
    change_rate: float = 0.03,
    interval: timedelta = timedelta(minutes=5),
    start: datetime | None = None,
    round_index: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Parameters for one round; by default the feed starts at today's midnight UTC and
    the round is the latest one that has begun, so repeated calls follow the clock."""
    now = now or datetime.now(UTC)
    start = start or now.replace(hour=0, minute=0, second=0, microsecond=0)
    if round_index is None:
        round_index = max(int((now - start) / interval), 0)
    return {
        "seed": seed,
        "events": events,
        "bookmakers": bookmakers,
        "change_rate": change_rate,
        "interval_seconds": int(interval.total_seconds()),
        "start": start.isoformat(),
        "round": round_index,
    }


def file_items(source: str, parameters: dict, stats: dict, *, on_file=None) -> Iterator[Item]:
    from scraping.importer import iter_file_items

    yield from iter_file_items(source, parameters, stats, on_file=on_file)


def job_items(
    source: str, parameters: dict[str, Any], stats: dict[str, Any], *, on_file=None
) -> Iterator[Item]:
    """The items of one run of ``source``; a job that cannot start raises SourceError.
    ``on_file(path, index, total)`` is called after each file of a file import."""
    if source == "simulated":
        return simulated_items(parameters, stats)
    if source == "theoddsapi" and "paths" not in parameters:
        return theoddsapi_items(parameters, stats)
    if source in FILE_FORMATS:
        return file_items(source, parameters, stats, on_file=on_file)
    known = ", ".join(known_sources())
    raise SourceError("unknown_source", f"unknown source {source!r}: use one of {known}")

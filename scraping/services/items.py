"""A job's items: a source name plus JSON parameters, turned into what the run stores.

A ScrapeRun keeps its job's ``source`` and ``parameters``, so any run can be repeated
exactly (the admin's re-run action, scheduled tasks) through :func:`job_items`. Which
source is live and which reads files is the registry's word
(:mod:`scraping.sources.registry`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

from scraping.services.files import FileCallback, items_from_files
from scraping.sources import registry
from scraping.sources.base import Item, parse_utc


def job_items(
    source: str,
    parameters: dict[str, Any],
    stats: dict[str, Any],
    *,
    on_file: FileCallback | None = None,
) -> Iterator[Item]:
    """The items of one run of ``source``; a job that cannot start raises SourceError.
    ``on_file(path, index, total)`` is called after each file of a file import."""
    entry = registry.get(source)
    if entry.live_job(parameters):
        return entry.items_builder()(parameters, stats)
    return items_from_files(entry, parameters, stats, on_file=on_file)


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

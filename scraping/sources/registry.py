"""Every source the store knows, in one table: what it reads and how a job of it runs.

A source may be *live* (scraped now: an API, the simulated feed), read from saved
*files*, or both (The Odds API: a request, or saved responses). A job of a source that
is both is a file import when its parameters name ``paths``. Commands, schedules and
the services ask this table instead of keeping lists of names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from scraping.sources.base import SourceError, parse_utc

ParseOptions = Callable[[dict[str, Any]], dict[str, Any]]


def _no_options(parameters: dict[str, Any]) -> dict[str, Any]:
    return {}


def _theoddsapi_options(parameters: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"odds_format": parameters.get("odds_format", "auto")}
    if parameters.get("captured_at"):
        options["captured_at"] = parse_utc(parameters["captured_at"])
    return options


def _betfair_options(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"interval_ms": parameters.get("interval_ms", settings.ODDS_BETFAIR_INTERVAL_MS)}


@dataclass(frozen=True)
class Source:
    """One source. ``live_items`` and ``live_template`` are dotted paths, looked up when
    a job runs, so that importing the table imports no adapter."""

    name: str
    module: str = ""  # the adapter that parses its files
    suffixes: tuple[str, ...] | None = None  # file names a folder contributes; None: no files
    file_options: tuple[str, ...] = ()  # job parameters only its files take
    parse_options: ParseOptions = field(default=_no_options)
    live_items: str = ""  # (parameters, stats) -> items of one live scrape
    live_template: str = ""  # normalizes a scheduled job's parameter template
    follows_clock: bool = False  # a scheduled execution's parameters depend on the time
    spends_quota: bool = False  # live requests count against an account's quota

    @property
    def reads_files(self) -> bool:
        return self.suffixes is not None

    @property
    def is_live(self) -> bool:
        return bool(self.live_items)

    def live_job(self, parameters: dict[str, Any]) -> bool:
        """Whether a job with ``parameters`` scrapes live rather than reading files."""
        return self.is_live and not (self.reads_files and "paths" in parameters)

    def adapter(self) -> ModuleType:
        return import_module(self.module)

    def items_builder(self) -> Callable:
        return import_string(self.live_items)

    def template_builder(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return import_string(self.live_template)


SOURCES = {
    source.name: source
    for source in (
        Source(
            "theoddsapi",
            module="scraping.sources.theoddsapi",
            suffixes=(".json", ".json.gz"),
            file_options=("odds_format", "captured_at"),
            parse_options=_theoddsapi_options,
            live_items="scraping.services.items.theoddsapi_items",
            live_template="scraping.schedules.odds_api_template",
            spends_quota=True,
        ),
        Source("oddsharvester", module="scraping.sources.oddsharvester", suffixes=(".json",)),
        Source("footballdata", module="scraping.sources.footballdata", suffixes=(".csv",)),
        # Betfair names its files by market id ("1.132153978", ".bz2"): every file counts.
        Source(
            "betfair",
            module="scraping.sources.betfair",
            suffixes=("",),
            file_options=("interval_ms",),
            parse_options=_betfair_options,
        ),
        Source(
            "simulated",
            live_items="scraping.services.items.simulated_items",
            live_template="scraping.schedules.simulated_template",
            follows_clock=True,
        ),
    )
}


def names() -> list[str]:
    return sorted(SOURCES)


def file_formats() -> list[str]:
    """The sources ``manage.py ingest`` reads, in the order its help lists them."""
    return [source.name for source in SOURCES.values() if source.reads_files]


def get(name: str) -> Source:
    """The source ``name``; SourceError ``unknown_source`` naming the known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise SourceError(
            "unknown_source", f"Unknown source {name!r}: use one of {', '.join(names())}."
        ) from None


def file_source(name: str) -> Source:
    """The source ``name`` as a file format; SourceError ``unknown_format`` otherwise."""
    source = SOURCES.get(name)
    if source is None or not source.reads_files:
        raise SourceError(
            "unknown_format",
            f"unknown format {name!r}: use one of {', '.join(file_formats())}",
        )
    return source

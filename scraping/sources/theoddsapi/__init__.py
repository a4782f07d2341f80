"""The Odds API v4: odds responses (saved files or HTTP bodies) to normalized captures.

:mod:`.tables` says what the API's sport, bookmaker and market names mean in the store,
:mod:`.reader` reads saved responses (streamed by :mod:`.stream`), :mod:`.events` and
:mod:`.mapping` turn a response's events into one Capture per (event, bookmaker) with
outcomes named by role (:mod:`.outcomes`), :mod:`.problems` words what is skipped, and
:mod:`.http` fetches one sport's odds without leaking the key (:mod:`.answers` reads
what the API answers besides odds).
"""

from scraping.sources.theoddsapi.events import ODDS_FORMATS, parse_events
from scraping.sources.theoddsapi.http import OddsResponse, TheOddsApiClient, scrape_odds
from scraping.sources.theoddsapi.reader import capture_times, parse_file
from scraping.sources.theoddsapi.tables import SOURCE, map_market_key, scope_for, sport_of

# Every capture of a file shares the response's time: the importer streams its items.
ONE_CAPTURE_TIME_PER_FILE = True

__all__ = [
    "ODDS_FORMATS",
    "ONE_CAPTURE_TIME_PER_FILE",
    "SOURCE",
    "OddsResponse",
    "TheOddsApiClient",
    "capture_times",
    "map_market_key",
    "parse_events",
    "parse_file",
    "scope_for",
    "scrape_odds",
    "sport_of",
]

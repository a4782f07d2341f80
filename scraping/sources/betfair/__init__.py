"""Betfair exchange historic stream files (BASIC, ADVANCED, PRO): ``ingest betfair``.

:mod:`.reader` opens files, compressed files and tars of them as streams of lines,
:mod:`.stream` keeps each market's state from its messages, :mod:`.tables` holds
Betfair's ids and names, :mod:`.events` and :mod:`.markets` put a market in the store's
vocabulary, and :mod:`.mapping` samples the states into captures.
"""

from scraping.sources.betfair.reader import capture_times, parse_file
from scraping.sources.betfair.tables import BOOKMAKER, SOURCE

# The importer hands these captures on as they come (files are in time order and may
# be far larger than memory) instead of collecting and sorting a file's captures.
STREAMING = True

__all__ = ["BOOKMAKER", "SOURCE", "STREAMING", "capture_times", "parse_file"]

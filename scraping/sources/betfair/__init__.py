"""Betfair exchange historic stream files (BASIC, ADVANCED, PRO): ``ingest betfair``.

:mod:`.reader` opens files, compressed files and tars of them as streams of lines,
:mod:`.stream` keeps each market's state from its messages, :mod:`.mapping` puts a
market in the store's vocabulary and :mod:`.parser` samples the states into captures.
"""

from scraping.sources.betfair.parser import BOOKMAKER, capture_times, parse_file

# The importer hands these captures on as they come (files are in time order and may
# be far larger than memory) instead of collecting and sorting a file's captures.
STREAMING = True

__all__ = ["BOOKMAKER", "STREAMING", "capture_times", "parse_file"]

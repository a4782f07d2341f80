"""OddsHarvester (OddsPortal scraper) JSON files as normalized captures.

OddsHarvester (github.com/jordantete/OddsHarvester) writes one JSON list per run: one record
per match and scrape, with ``scraped_date``/``match_date`` as ``"YYYY-MM-DD HH:MM:SS UTC"``
and one ``<market>_market`` list per requested market, each entry one bookmaker's prices as
decimal strings. A run also leaves a ``metadata.json`` (a dict, not captures).

How the files map into the store (a user needs these rules to read the data):

- One :class:`Capture` per (record, bookmaker): that bookmaker's entries from every
  ``<market>_market`` list of the record. ``captured_at`` is ``scraped_date``, the event's
  start ``match_date``.
- The event is identified by OddsPortal's match id, the 8-character id that ends
  ``match_link`` (``.../leicester-brentford-xQ77QTN0`` or ``.../h2h/a/b/#xQ77QTN0``); the
  whole link when there is none. Sport, country and league come from the link's path
  (``/football/england/premier-league/...`` -> ``soccer``, ``England``,
  ``england_premier_league``; a season suffix such as ``-2023-2024`` is dropped so a league
  keeps one key across seasons). Newer OddsHarvester versions write head-to-head links
  without country or league: the tournament key is then the slug of ``league_name`` alone
  (``premier_league``) and the country is left empty, as nothing in the record says it.
- Markets (keys from OddsHarvester's ``core/sport_market_registry.py`` and
  ``utils/sport_market_constants.py``): ``1x2`` -> ``h2h`` (``1``/``X``/``2`` -> home/draw/
  away), ``btts`` -> ``btts``, ``double_chance`` -> ``double_chance``, ``dnb`` ->
  ``draw_no_bet``, ``over_under_<n>`` (also ``_games_``/``_points_``) -> ``totals``,
  ``asian_handicap_<n>`` (and basketball's ``asian_handicap_games_<n>_games``, tennis'
  ``..._games``, volleyball's ``..._points``) and rugby/handball ``handicap_<n>`` ->
  ``spreads``, ``european_handicap_<n>`` -> ``european_handicap``. The line is read from the
  key (``asian_handicap_-1_5`` -> ``-1.5``, the home side's handicap as OddsPortal shows it).
  Tennis/volleyball set lines keep keys of their own: ``totals_sets``, ``spreads_sets``.
  In sports whose winner market includes overtime (basketball, ice hockey, American
  football, baseball) and in tennis/volleyball/cricket, ``home_away``/``match_winner`` is
  ``h2h`` and ``1x2`` is the regulation-time ``h2h_3_way``; elsewhere ``1x2`` is ``h2h``
  and ``home_away`` is ``h2h_2_way``. Correct-score markets are not mapped (reported as
  ``unknown_market``).
- Periods: ``FullTime``/``FullIncludingOT`` -> ``full_time`` (baseball's ``FullTime``, nine
  innings without extras, is ``regulation_time``), ``FirstHalf`` -> ``first_half``,
  ``FirstQuarter`` -> ``first_quarter``, ``FirstPeriod`` -> ``first_period``, ``FirstSet``
  -> ``first_set`` and so on.
- ``blocked_outcomes`` (a list of the entry's odds labels, e.g. ``["X"]``) marks prices
  OddsPortal strikes through: those outcomes are ``suspended`` with the struck price kept.
  A struck outcome without a price drops its market (``suspended_without_price``).
- An entry whose every price is OddsPortal's ``-`` placeholder means the bookmaker shows no
  odds: the market is left out silently (and, being in scope, is judged gone).
- ``Capture.scope`` is the set of market identities (key, period, line) of this record's
  non-empty lists: a file
  reports only the markets it was asked for. Empty lists (OddsHarvester writes ``[]`` when
  a market tab could not be read as well as when nobody offers it) and ``null`` lists (a
  failed market) are not in scope. Keys of which a market was dropped as bad input are in
  ``skipped_keys`` so the store never judges them gone.
- Entries without ``bookmaker_name`` (OddsHarvester's preview mode: each line's best odds,
  not one bookmaker's) are skipped with one ``missing_bookmaker`` problem per list.
- ``odds_history_data`` (odds-history mode) is kept in ``raw`` only.

:mod:`.reader` reads a file, :mod:`.tables` holds OddsHarvester's names and their
meaning, :mod:`.events` a record's event, :mod:`.markets` one bookmaker's entry and
:mod:`.mapping` puts them together as captures.
"""

from scraping.sources.oddsharvester.events import bookmaker_ref
from scraping.sources.oddsharvester.mapping import parse_records
from scraping.sources.oddsharvester.reader import capture_times, parse_file
from scraping.sources.oddsharvester.tables import SOURCE, MarketSpec, market_spec

__all__ = [
    "SOURCE",
    "MarketSpec",
    "bookmaker_ref",
    "capture_times",
    "market_spec",
    "parse_file",
    "parse_records",
]

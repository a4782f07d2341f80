"""football-data.co.uk season CSVs (``E0.csv``, ``SP1.csv``, ...) as captures.

One row is one match. Its bookmaker columns are read as two captures per bookmaker:
the pre-match odds and the closing odds (the columns with a ``C`` after the prefix).

Columns (football-data's notes.txt, https://www.football-data.co.uk/notes.txt)
  ``Div``, ``Date`` (dd/mm/yyyy, older seasons dd/mm/yy), ``Time`` (kick-off, UK local time;
  only since 2019/20), ``HomeTeam``, ``AwayTeam``. A file without ``Div``, ``Date``,
  ``HomeTeam`` or ``AwayTeam`` is not a football-data league file (the "extra leagues" files
  with ``Country``/``League``/``Home``/``Away`` are not read either): ``SourceError``
  ``unknown_format``. A UTF-8 BOM is dropped; a line that is not UTF-8 is read as
  Windows-1252 (older files); blank lines and rows of empty cells are skipped.

Kick-off
  ``Date`` + ``Time`` in Europe/London, stored in UTC. **When the file has no ``Time``
  column (seasons before 2019/20), or the cell is empty, kick-off is assumed to be 15:00 UK
  time**, the traditional Saturday kick-off; the true time is not in the file.

Events
  ``source_event_id`` is ``{Div}:{YYYY-MM-DD}:{HomeTeam}:{AwayTeam}`` (the UK match date);
  sport ``soccer``; tournament from ``Div`` through :data:`TOURNAMENTS` (E0 is
  ``england_premier_league``; an unknown code keeps the code as key and name). A row
  without ``HomeTeam``/``AwayTeam`` (``missing_team``) or ``Div`` (``missing_division``),
  or whose ``Date``/``Time`` does not parse (``bad_time``), is a Problem carrying its
  line and fragment; the row is skipped and the file goes on. ``Capture.raw`` is that
  bookmaker's cells of the row for that phase (with the handicap cell).

Bookmakers are found from the header, not from a fixed list: a column family is a prefix
plus a complete set of outcome suffixes -- ``H``/``D``/``A`` (``h2h``: home/draw/away),
``>2.5``/``<2.5`` (``totals``, line 2.5: over/under) or ``AHH``/``AHA`` (``spreads``:
home/away). A ``C`` after a known prefix marks the closing odds (``B365CH``, ``PSCH``,
``B365C>2.5``, ``PC>2.5``, ``B365CAHH``). Known prefixes and their keys:
  ``B365`` bet365, ``BW`` bwin (Bet&Win), ``IW`` interwetten, ``PS`` and ``P`` pinnacle
  (Pinnacle's 1X2 columns are ``PSH``, its totals and Asian handicap ``P>2.5``/``PAHH``,
  its 1X2 in the extra-league files ``PH``), ``WH`` william_hill, ``VC`` and ``BV``
  betvictor (football-data: "VC Bet, now BetVictor"), ``LB`` ladbrokes, ``CL`` coral,
  ``SJ`` stan_james, ``GB`` gamebookers, ``BS`` blue_square, ``SB`` sportingbet,
  ``SO`` sporting_odds, ``SY`` stanleybet, ``1XB`` 1xbet, ``BMGM`` betmgm, ``BFD``
  betfred, ``BF`` betfair_sportsbook (the notes list "Betfair" apart from the exchange,
  and 2024/25 files carry both), ``BFE`` betfair_exchange (``is_exchange``; its columns
  are back prices, so they stay ``h2h``/``totals``/``spreads``, not ``*_lay``).
  An unknown prefix with a complete family becomes bookmaker ``<prefix as a slug>``.
  Where two prefixes of one bookmaker give the same market (``VCH`` and ``BVH``), the
  first in the header wins.

Skipped columns: the aggregates ``Max``, ``Avg`` (market maximum/average), ``BbMx``,
``BbAv`` (Betbrain maximum/average) and their closing forms ``MaxC``, ``AvgC``, ... are not
bookmakers and would win every best-price comparison; ``Bb1X2``, ``BbOU``, ``BbAH``
(numbers of bookmakers) are counts. Results and match statistics are not odds.

Asian handicap line = the home side's handicap ("size of handicap (home team)"): a
bookmaker's own ``<prefix>AH`` column (``B365AH``, older files) if the file has it, else
``AHh`` (pre-match) / ``AHCh`` (closing), else ``BbAHh`` (pre-match, before 2019/20). AH
columns without any line column are ignored.

When the odds were taken (football-data: "betting odds for weekend games are collected
Friday afternoons, and on Tuesday afternoons for midweek games"):
  * pre-match capture: 16:00 Europe/London on the Friday on or before the kick-off date
    for kick-offs Friday to Monday, on the Tuesday for kick-offs Tuesday to Thursday;
    if that is not at least one hour before kick-off, kick-off minus one hour;
  * closing capture: at kick-off.
A bookmaker with only pre-match (or only closing) columns gets only that capture, and a
bookmaker whose cells are all empty for a match has no capture for it (nor one whose
every market in the row was dropped as bad: a capture carries at least one market).

``Capture.scope`` is the market keys that bookmaker has columns for in this file at that
phase (a bookmaker without AH columns never has spreads judged gone); a market dropped for
a bad price or line in that row goes in ``Capture.skipped_keys``, so it is judged gone only
when its cells are empty, never because its price was unreadable. A bad price
(not decimal odds above 1.0, or an empty cell beside filled ones) is a ``bad_price``
Problem naming the line, column, raw value and match; only that market is dropped. A row
with fewer cells than the header (a file cut off mid-row by an interrupted download) is a
``truncated_row`` Problem naming its line and last column; that match is skipped whole,
since its last cell may itself be cut short.

:mod:`.reader` reads the file row by row, :mod:`.tables` holds the division and
bookmaker names, :mod:`.columns` finds each bookmaker's columns in the header,
:mod:`.times` the kick-off and collection times, and :mod:`.mapping` makes the captures.
"""

from scraping.sources.footballdata.columns import BookColumns, Family, discover_books
from scraping.sources.footballdata.reader import capture_times, parse_file
from scraping.sources.footballdata.tables import (
    BOOKMAKERS,
    SOURCE,
    TOURNAMENTS,
    Tournament,
    tournament_for,
)
from scraping.sources.footballdata.times import pre_match_time

__all__ = [
    "BOOKMAKERS",
    "SOURCE",
    "TOURNAMENTS",
    "BookColumns",
    "Family",
    "Tournament",
    "capture_times",
    "discover_books",
    "parse_file",
    "pre_match_time",
    "tournament_for",
]

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
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from odds.captures import BookmakerRef, Capture, EventRef, Market, Outcome, Problem
from odds.prices import BadPrice, from_decimal
from scraping.sources.base import Item, SourceError, storable_text

SOURCE = "footballdata"
SPORT_KEY = "soccer"
SPORT_NAME = "Soccer"
UK = ZoneInfo("Europe/London")
DEFAULT_KICKOFF = time(15, 0)
COLLECTION_TIME = time(16, 0)
MIN_LEAD = timedelta(hours=1)
MAX_LINE = Decimal("99999.999")  # what the store's line column holds
PRE_MATCH = "pre_match"
CLOSING = "closing"
REQUIRED_COLUMNS = ("Div", "Date", "HomeTeam", "AwayTeam")
FRAGMENT_COLUMNS = ("Div", "Date", "Time", "HomeTeam", "AwayTeam")
FRIDAY, TUESDAY = 4, 1
WEEKEND_KICKOFFS = frozenset({4, 5, 6, 0})  # Friday to Monday


@dataclass(frozen=True, slots=True)
class Tournament:
    key: str
    name: str
    country: str = ""


TOURNAMENTS: dict[str, Tournament] = {
    "E0": Tournament("england_premier_league", "Premier League", "England"),
    "E1": Tournament("england_championship", "Championship", "England"),
    "E2": Tournament("england_league_one", "League One", "England"),
    "E3": Tournament("england_league_two", "League Two", "England"),
    "EC": Tournament("england_conference", "Conference", "England"),
    "SC0": Tournament("scotland_premiership", "Premiership", "Scotland"),
    "SC1": Tournament("scotland_championship", "Championship", "Scotland"),
    "SC2": Tournament("scotland_league_one", "League One", "Scotland"),
    "SC3": Tournament("scotland_league_two", "League Two", "Scotland"),
    "D1": Tournament("germany_bundesliga", "Bundesliga", "Germany"),
    "D2": Tournament("germany_bundesliga_2", "2. Bundesliga", "Germany"),
    "I1": Tournament("italy_serie_a", "Serie A", "Italy"),
    "I2": Tournament("italy_serie_b", "Serie B", "Italy"),
    "SP1": Tournament("spain_la_liga", "La Liga", "Spain"),
    "SP2": Tournament("spain_segunda_division", "Segunda Division", "Spain"),
    "F1": Tournament("france_ligue_1", "Ligue 1", "France"),
    "F2": Tournament("france_ligue_2", "Ligue 2", "France"),
    "N1": Tournament("netherlands_eredivisie", "Eredivisie", "Netherlands"),
    "B1": Tournament("belgium_pro_league", "Pro League", "Belgium"),
    "P1": Tournament("portugal_primeira_liga", "Primeira Liga", "Portugal"),
    "T1": Tournament("turkey_super_lig", "Super Lig", "Turkey"),
    "G1": Tournament("greece_super_league", "Super League", "Greece"),
}

BOOKMAKERS: dict[str, BookmakerRef] = {
    "1XB": BookmakerRef("1xbet", "1XBet"),
    "B365": BookmakerRef("bet365", "Bet365"),
    "BF": BookmakerRef("betfair_sportsbook", "Betfair"),
    "BFD": BookmakerRef("betfred", "Betfred"),
    "BFE": BookmakerRef("betfair_exchange", "Betfair Exchange", is_exchange=True),
    "BMGM": BookmakerRef("betmgm", "BetMGM"),
    "BS": BookmakerRef("blue_square", "Blue Square"),
    "BV": BookmakerRef("betvictor", "BetVictor"),
    "BW": BookmakerRef("bwin", "Bet&Win"),
    "CL": BookmakerRef("coral", "Coral"),
    "GB": BookmakerRef("gamebookers", "Gamebookers"),
    "IW": BookmakerRef("interwetten", "Interwetten"),
    "LB": BookmakerRef("ladbrokes", "Ladbrokes"),
    "P": BookmakerRef("pinnacle", "Pinnacle"),
    "PS": BookmakerRef("pinnacle", "Pinnacle"),
    "SB": BookmakerRef("sportingbet", "Sportingbet"),
    "SJ": BookmakerRef("stan_james", "Stan James"),
    "SO": BookmakerRef("sporting_odds", "Sporting Odds"),
    "SY": BookmakerRef("stanleybet", "Stanleybet"),
    "VC": BookmakerRef("betvictor", "BetVictor"),
    "WH": BookmakerRef("william_hill", "William Hill"),
}
AGGREGATES = frozenset({"Max", "Avg", "BbMx", "BbAv"})

# Tried in this order: "B365AHH" must be read as spreads, not as an h2h "B365AH" + "H".
_TOTALS = re.compile(r"^(?P<prefix>.+?)(?P<side>[<>])(?P<line>\d+(?:\.\d+)?)$")
_SPREADS = re.compile(r"^(?P<prefix>.+)AH(?P<side>[HA])$")
_H2H = re.compile(r"^(?P<prefix>.+)(?P<side>[HDA])$")
_OUTCOMES = {
    "h2h": {"H": "home", "D": "draw", "A": "away"},
    "totals": {">": "over", "<": "under"},
    "spreads": {"H": "home", "A": "away"},
}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class Family:
    """The columns of one market of one bookmaker at one phase (B365H/B365D/B365A)."""

    market_key: str
    columns: tuple[tuple[str, str], ...]  # (outcome name, column), in vocabulary order
    line: Decimal | None = None  # the total, fixed by the header
    line_column: str | None = None  # where each row's handicap is (spreads)


@dataclass(frozen=True, slots=True)
class BookColumns:
    """Everything one bookmaker has at one phase in this file: one capture per match."""

    bookmaker: BookmakerRef
    phase: str
    families: tuple[Family, ...]

    @property
    def scope(self) -> frozenset[str]:
        return frozenset(f.market_key for f in self.families)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a row is, for Problems: enough for a person to find it in the file."""

    file: str
    line: int
    fragment: dict[str, str]


def parse_file(path: str | Path) -> Iterator[Item]:
    """Stream the captures (and Problems) of one football-data season CSV.

    A generator: nothing is read until the first item is asked for, and then only one row
    at a time. Raises SourceError ``missing_file``, ``unreadable_file`` or
    ``unknown_format`` (on that first ask); a bad row or price is a Problem and the rest
    of the file is still read. Problems name the file and its ``line`` (the header is 1).
    """
    path = Path(path)
    with _open(path) as handle:
        reader = csv.DictReader(_text_lines(handle))
        header = _header(reader, path)
        books = discover_books(header)
        has_time = "Time" in header
        for line, row in _rows(reader, path):
            if _is_blank(row):
                continue
            if None in row.values():  # csv fills the columns a short row lacks with None
                yield _cut_off(row, header, file=path.name, line=line)
                continue
            yield from _row_items(row, books=books, has_time=has_time, file=path.name, line=line)


def capture_times(path: str | Path) -> tuple[datetime, datetime] | None:
    """The earliest and latest ``captured_at`` in the file, or None when it has no capture.

    Reads the whole file: the capture times follow from the kick-offs, which are not sorted
    in every file.
    """
    times = [item.captured_at for item in parse_file(path) if isinstance(item, Capture)]
    return (min(times), max(times)) if times else None


def discover_books(header: Iterable[str]) -> tuple[BookColumns, ...]:
    """The bookmakers' column families in a header, grouped per (bookmaker, phase)."""
    header = list(header)
    columns = set(header)
    # Incomplete sets are not families: B365AH (a handicap size) looks like h2h "B365A" + "H".
    candidates = {
        identity: outcomes
        for identity, outcomes in _candidate_families(header).items()
        if set(outcomes) == set(_OUTCOMES[identity[1]].values())
    }
    prefixes = {prefix for prefix, _, _ in candidates}
    groups: dict[tuple[str, str], tuple[BookmakerRef, list[Family]]] = {}
    seen: set[tuple[str, str, str, Decimal | None]] = set()
    for (prefix, market_key, line), outcomes in candidates.items():
        classified = _classify(prefix, prefixes)
        if classified is None:
            continue
        bookmaker, phase = classified
        family = _family(
            market_key, outcomes, line=line, prefix=prefix, phase=phase, columns=columns
        )
        identity = (bookmaker.key, phase, market_key, line)
        if family is None or identity in seen:
            continue
        seen.add(identity)
        groups.setdefault((bookmaker.key, phase), (bookmaker, []))[1].append(family)
    return tuple(
        BookColumns(bookmaker=bookmaker, phase=phase, families=tuple(families))
        for (_, phase), (bookmaker, families) in groups.items()
    )


def pre_match_time(kickoff: datetime) -> datetime:
    """When football-data took the pre-match odds of a match kicking off at ``kickoff``.

    16:00 UK time on the collection day (Friday for Friday-Monday games, Tuesday for
    midweek games); kick-off minus one hour when that is later, so the pre-match capture
    is always before the closing one.
    """
    local = kickoff.astimezone(UK)
    anchor = FRIDAY if local.weekday() in WEEKEND_KICKOFFS else TUESDAY
    day = local.date() - timedelta(days=(local.weekday() - anchor) % 7)
    collected = datetime.combine(day, COLLECTION_TIME, tzinfo=UK).astimezone(UTC)
    return min(collected, kickoff - MIN_LEAD)


def tournament_for(division: str) -> Tournament:
    """The tournament of a ``Div`` code; an unknown code keeps the code as its name."""
    known = TOURNAMENTS.get(division)
    if known is not None:
        return known
    return Tournament(key=_slug(division), name=division)


# --- reading -------------------------------------------------------------------------


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise SourceError(
            "missing_file",
            f"football-data file {path} does not exist; check the path",
            {"file": str(path)},
        ) from None
    except OSError as error:
        raise SourceError(
            "unreadable_file",
            f"football-data file {path} cannot be read: {error.strerror or error}",
            {"file": str(path)},
        ) from None


def _text_lines(handle: BinaryIO) -> Iterator[str]:
    # Decoding line by line keeps one odd byte in an old file from failing the whole file.
    for number, raw in enumerate(handle):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        # PostgreSQL refuses NUL in any text: a NUL (a file padded by an interrupted copy,
        # say) becomes U+FFFD, like an undecodable byte, so it costs a cell, not the import.
        text = storable_text(text)
        yield text.removeprefix("\ufeff") if number == 0 else text


def _header(reader: csv.DictReader, path: Path) -> list[str]:
    try:
        names = reader.fieldnames
    except (csv.Error, OSError) as error:
        raise _unreadable(path, error) from None
    if not names:
        raise SourceError(
            "unknown_format",
            f"{path.name} is empty: a football-data CSV starts with a header line",
            {"file": path.name},
        )
    header = [name.strip() for name in names]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise SourceError(
            "unknown_format",
            f"{path.name} is not a football-data CSV: it has no {', '.join(missing)} "
            f"column{'s' if len(missing) > 1 else ''}",
            {"file": path.name, "missing_columns": missing, "header": header[:20]},
        )
    return header


def _rows(reader: csv.DictReader, path: Path) -> Iterator[tuple[int, dict]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, OSError) as error:
            raise _unreadable(path, error, line=reader.line_num) from None
        yield reader.line_num, row


def _unreadable(path: Path, error: Exception, *, line: int | None = None) -> SourceError:
    where = f" at line {line}" if line else ""
    return SourceError(
        "unreadable_file",
        f"{path.name} cannot be read as CSV{where}: {error}",
        {"file": path.name, "line": line},
    )


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _is_blank(row: dict) -> bool:
    # Files often end in lines of bare commas; those are padding, not matches.
    return not any(_cell(row, column) for column in row if column is not None)


# --- header --------------------------------------------------------------------------


def _candidate_families(header: list[str]) -> dict[tuple[str, str, Decimal | None], dict]:
    """(prefix, market key, total) -> {outcome name: column}, complete or not."""
    candidates: dict[tuple[str, str, Decimal | None], dict[str, str]] = {}
    for column in header:
        parsed = _parse_column(column)
        if parsed is not None:
            prefix, market_key, line, outcome = parsed
            candidates.setdefault((prefix, market_key, line), {}).setdefault(outcome, column)
    return candidates


def _parse_column(column: str) -> tuple[str, str, Decimal | None, str] | None:
    if (match := _TOTALS.match(column)) and (line := _decimal(match["line"])) is not None:
        return match["prefix"], "totals", line, _OUTCOMES["totals"][match["side"]]
    if match := _SPREADS.match(column):
        return match["prefix"], "spreads", None, _OUTCOMES["spreads"][match["side"]]
    if match := _H2H.match(column):
        return match["prefix"], "h2h", None, _OUTCOMES["h2h"][match["side"]]
    return None


def _classify(prefix: str, prefixes: set[str]) -> tuple[BookmakerRef, str] | None:
    """Bookmaker and phase of a column prefix; None for the aggregates."""
    base, phase = prefix, PRE_MATCH
    # VC (VC Bet) ends in C itself, so a known prefix is never read as a closing one.
    if prefix not in BOOKMAKERS and prefix.endswith("C") and len(prefix) > 1:
        stem = prefix[:-1]
        if stem in BOOKMAKERS or stem in AGGREGATES or stem in prefixes:
            base, phase = stem, CLOSING
    if base in AGGREGATES:
        return None
    return BOOKMAKERS.get(base) or BookmakerRef(_slug(base), base), phase


def _family(
    market_key: str,
    outcomes: dict[str, str],
    *,
    line: Decimal | None,
    prefix: str,
    phase: str,
    columns: set[str],
) -> Family | None:
    ordered = tuple(
        (name, outcomes[name]) for name in _OUTCOMES[market_key].values() if name in outcomes
    )
    if market_key != "spreads":
        return Family(market_key=market_key, columns=ordered, line=line)
    line_column = _handicap_column(prefix, phase, columns)
    if line_column is None:
        return None  # prices without a handicap cannot be compared with anything
    return Family(market_key=market_key, columns=ordered, line_column=line_column)


def _handicap_column(prefix: str, phase: str, columns: set[str]) -> str | None:
    own = f"{prefix}AH"
    shared = ("AHh", "BbAHh") if phase == PRE_MATCH else ("AHCh",)
    for column in (own, *shared):
        if column in columns:
            return column
    return None


# --- rows ----------------------------------------------------------------------------


def _row_items(
    row: dict, *, books: tuple[BookColumns, ...], has_time: bool, file: str, line: int
) -> Iterator[Item]:
    where = _Where(file=file, line=line, fragment=_fragment(row))
    event = _event(row, has_time=has_time, where=where)
    if isinstance(event, Problem):
        yield event
        return
    for book in books:
        yield from _capture_items(row, book=book, event=event, where=where)


def _fragment(row: dict) -> dict[str, str]:
    return {column: _cell(row, column) for column in FRAGMENT_COLUMNS if column in row}


def _event(row: dict, *, has_time: bool, where: _Where) -> EventRef | Problem:
    division, home, away = _cell(row, "Div"), _cell(row, "HomeTeam"), _cell(row, "AwayTeam")
    missing = [name for name, value in (("HomeTeam", home), ("AwayTeam", away)) if not value]
    if missing:
        return _row_problem(
            "missing_team", f"has no {' or '.join(missing)}; the match is skipped", where
        )
    if not division:
        return _row_problem("missing_division", "has no Div; the match is skipped", where)
    try:
        kickoff = _kickoff(_cell(row, "Date"), _cell(row, "Time") if has_time else "")
    except ValueError as error:
        return _row_problem("bad_time", f"{error}; the match is skipped", where)
    tournament = tournament_for(division)
    return EventRef(
        source=SOURCE,
        source_event_id=f"{division}:{kickoff.astimezone(UK).date().isoformat()}:{home}:{away}",
        sport_key=SPORT_KEY,
        sport_name=SPORT_NAME,
        tournament_key=tournament.key,
        tournament_name=tournament.name,
        country=tournament.country,
        home_team=home,
        away_team=away,
        commence_time=kickoff,
    )


def _cut_off(row: dict, header: list[str], *, file: str, line: int) -> Problem:
    # Its last cell may be cut mid-number (2.35 read as 2.3): nothing of the row is trusted.
    found = sum(value is not None for value in row.values())
    return _row_problem(
        "truncated_row",
        f"ends after {found} of the header's {len(header)} columns (at "
        f"{header[found - 1]!r}): the file looks cut off (an interrupted download or copy?), "
        "so the match is skipped; download the file again",
        _Where(file=file, line=line, fragment=_fragment(row)),
    )


def _row_problem(error_type: str, what: str, where: _Where) -> Problem:
    return Problem(
        error_type,
        f"{where.file} line {where.line} {what}",
        {"file": where.file, "line": where.line, "row": where.fragment},
    )


def _kickoff(date_text: str, time_text: str) -> datetime:
    """Date + Time (UK local) as UTC; 15:00 UK when the time is not given."""
    day = _parse_date(date_text)
    clock = _parse_time(time_text) if time_text else DEFAULT_KICKOFF
    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC)


def _parse_date(text: str) -> date:
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"Date {text!r} is not dd/mm/yyyy or dd/mm/yy")
    day, month, year = (int(part) for part in match.groups())
    if len(match[3]) == 2:
        # strptime's %y pivot: 69-99 are 1900s; football-data starts in 1993.
        year += 1900 if year >= 69 else 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date {text!r} is not a calendar date") from None


def _parse_time(text: str) -> time:
    match = _TIME.match(text)
    try:
        if not match:
            raise ValueError
        return time(int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"Time {text!r} is not a UK kick-off time like 15:00") from None


def _capture_items(
    row: dict, *, book: BookColumns, event: EventRef, where: _Where
) -> Iterator[Item]:
    markets: list[Market] = []
    dropped: set[str] = set()
    raw: dict[str, str] = {}
    for family in book.families:
        raw.update(_family_cells(row, family))
        result = _market(row, family=family, book=book, event=event, where=where)
        if isinstance(result, Problem):
            yield result
            dropped.add(family.market_key)
        elif result is not None:
            markets.append(result)
    if not markets:
        return  # all cells empty (or all bad): the bookmaker said nothing about this match
    kickoff = event.commence_time
    yield Capture(
        event=event,
        bookmaker=book.bookmaker,
        captured_at=pre_match_time(kickoff) if book.phase == PRE_MATCH else kickoff,
        markets=tuple(markets),
        scope=book.scope,
        skipped_keys=frozenset(dropped),
        raw=raw,
    )


def _family_cells(row: dict, family: Family) -> dict[str, str]:
    names = [column for _, column in family.columns]
    if family.line_column:
        names.append(family.line_column)
    return {name: _cell(row, name) for name in names}


def _market(
    row: dict, *, family: Family, book: BookColumns, event: EventRef, where: _Where
) -> Market | Problem | None:
    """One family's market for this row; None when all its price cells are empty."""
    cells = [(name, column, _cell(row, column)) for name, column in family.columns]
    if not any(value for _, _, value in cells):
        return None
    outcomes = []
    for name, column, value in cells:
        try:
            outcomes.append(Outcome(name=name, price=from_decimal(value)))
        except BadPrice as error:
            reason = "the price is empty while others of its market are filled"
            return _cell_problem(
                "bad_price",
                str(error) if value else reason,
                column=column,
                value=value,
                family=family,
                book=book,
                event=event,
                where=where,
            )
    line = family.line
    if family.line_column is not None:
        value = _cell(row, family.line_column)
        line = _decimal(value)
        if line is None:
            return _cell_problem(
                "bad_line",
                f"handicap {value!r} is not a number a line can be (at most 3 decimal "
                f"places, within ±{MAX_LINE})",
                column=family.line_column,
                value=value,
                family=family,
                book=book,
                event=event,
                where=where,
            )
    return Market(key=family.market_key, outcomes=tuple(outcomes), line=line)


def _cell_problem(
    error_type: str,
    reason: str,
    *,
    column: str,
    value: str,
    family: Family,
    book: BookColumns,
    event: EventRef,
    where: _Where,
) -> Problem:
    phase = "closing" if book.phase == CLOSING else "pre-match"
    return Problem(
        error_type,
        f"{where.file} line {where.line}, column {column} ({event.name} "
        f"{event.commence_time:%Y-%m-%d}): {reason}; the {phase} {family.market_key} market "
        f"of {book.bookmaker.name} is dropped",
        {
            "file": where.file,
            "line": where.line,
            "column": column,
            "value": value,
            "match": f"{event.name} {event.commence_time.isoformat()}",
            "bookmaker": book.bookmaker.key,
            "market": family.market_key,
            "phase": book.phase,
        },
        bookmaker_key=book.bookmaker.key,
        event=event,
    )


def _decimal(text: str) -> Decimal | None:
    """A line (2.5, -0.25) as a Decimal without exponent or negative zero; None if bad.

    Bad includes what the store cannot keep as a line (odds/ingest/validation.py): more
    than 3 decimal places or beyond ±99999.999. Such a line would get the whole capture
    refused, and 1e999 made quantize() raise.
    """
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if "_" in text or not number.is_finite() or abs(number) > MAX_LINE:  # Decimal reads 1_5
        return None
    number += 0  # -0 -> 0
    exponent = number.normalize().as_tuple().exponent  # an int, the number being finite
    if isinstance(exponent, int) and exponent < -3:
        return None
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "unknown"

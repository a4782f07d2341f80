"""football-data rows as captures: per bookmaker, one pre-match and one closing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from odds.captures import Capture, EventRef, Market, Outcome, Problem
from odds.prices import BadPrice, from_decimal
from odds.vocabulary import LINE_PLACES, MAX_LINE
from scraping.sources.base import Item, located
from scraping.sources.footballdata.columns import BookColumns, Family, cell, parse_line
from scraping.sources.footballdata.tables import (
    CLOSING,
    FRAGMENT_COLUMNS,
    PRE_MATCH,
    SOURCE,
    SPORT_KEY,
    SPORT_NAME,
    tournament_for,
)
from scraping.sources.footballdata.times import UK, kickoff, pre_match_time


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a row is, for Problems: enough for a person to find it in the file."""

    file: str
    line: int
    fragment: dict[str, str]

    @property
    def text(self) -> str:
        return f"file {self.file} line {self.line}"


def row_items(
    row: dict, *, books: tuple[BookColumns, ...], has_time: bool, file: str, line: int
) -> Iterator[Item]:
    where = _Where(file=file, line=line, fragment=_fragment(row))
    event = _event(row, has_time=has_time, where=where)
    if isinstance(event, Problem):
        yield event
        return
    for book in books:
        yield from _capture_items(row, book=book, event=event, where=where)


def cut_off(row: dict, header: list[str], *, file: str, line: int) -> Problem:
    # Its last cell may be cut mid-number (2.35 read as 2.3): nothing of the row is trusted.
    found = sum(value is not None for value in row.values())
    return _row_problem(
        "truncated_row",
        f"Row ends after {found} of the header's {len(header)} columns (at "
        f"{header[found - 1]!r}): the file looks cut off (an interrupted download or copy?), "
        "so the match is skipped; download the file again",
        _Where(file=file, line=line, fragment=_fragment(row)),
    )


def _fragment(row: dict) -> dict[str, str]:
    return {column: cell(row, column) for column in FRAGMENT_COLUMNS if column in row}


def _event(row: dict, *, has_time: bool, where: _Where) -> EventRef | Problem:
    division, home, away = cell(row, "Div"), cell(row, "HomeTeam"), cell(row, "AwayTeam")
    missing = [name for name, value in (("HomeTeam", home), ("AwayTeam", away)) if not value]
    if missing:
        return _row_problem(
            "missing_team", f"No {' or '.join(missing)}; the match is skipped", where
        )
    if not division:
        return _row_problem("missing_division", "No Div; the match is skipped", where)
    try:
        start = kickoff(cell(row, "Date"), cell(row, "Time") if has_time else "")
    except ValueError as error:
        return _row_problem("bad_time", f"{error}; the match is skipped", where)
    tournament = tournament_for(division)
    return EventRef(
        source=SOURCE,
        source_event_id=f"{division}:{start.astimezone(UK).date().isoformat()}:{home}:{away}",
        sport_key=SPORT_KEY,
        sport_name=SPORT_NAME,
        tournament_key=tournament.key,
        tournament_name=tournament.name,
        country=tournament.country,
        home_team=home,
        away_team=away,
        commence_time=start,
    )


def _row_problem(error_type: str, cause: str, where: _Where) -> Problem:
    return Problem(
        error_type,
        located(cause, where.text),
        {"file": where.file, "line": where.line, "row": where.fragment},
    )


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
    return {name: cell(row, name) for name in names}


def _market(
    row: dict, *, family: Family, book: BookColumns, event: EventRef, where: _Where
) -> Market | Problem | None:
    """One family's market for this row; None when all its price cells are empty."""
    cells = [(name, column, cell(row, column)) for name, column in family.columns]
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
        value = cell(row, family.line_column)
        line = parse_line(value)
        if line is None:
            return _cell_problem(
                "bad_line",
                f"handicap {value!r} is not a number a line can be (at most {LINE_PLACES} "
                f"decimal places, within ±{MAX_LINE})",
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
        located(
            f"{reason}; the {phase} {family.market_key} market of {book.bookmaker.name} is dropped",
            f"match {event.name} {event.commence_time:%Y-%m-%d}",
            f"column {column}",
            where.text,
        ),
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

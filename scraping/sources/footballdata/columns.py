"""What a football-data header's columns hold: each bookmaker's families of price columns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from odds.captures import BookmakerRef
from odds.vocabulary import canonical_line, line_fits
from scraping.sources.footballdata.tables import AGGREGATES, BOOKMAKERS, CLOSING, PRE_MATCH, slug

# Tried in this order: "B365AHH" must be read as spreads, not as an h2h "B365AH" + "H".
_TOTALS = re.compile(r"^(?P<prefix>.+?)(?P<side>[<>])(?P<line>\d+(?:\.\d+)?)$")
_SPREADS = re.compile(r"^(?P<prefix>.+)AH(?P<side>[HA])$")
_H2H = re.compile(r"^(?P<prefix>.+)(?P<side>[HDA])$")
_OUTCOMES = {
    "h2h": {"H": "home", "D": "draw", "A": "away"},
    "totals": {">": "over", "<": "under"},
    "spreads": {"H": "home", "A": "away"},
}


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
    if (match := _TOTALS.match(column)) and (line := parse_line(match["line"])) is not None:
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
    return BOOKMAKERS.get(base) or BookmakerRef(slug(base), base), phase


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


def parse_line(text: str) -> Decimal | None:
    """A line (2.5, -0.25) in its one spelling; None when the store cannot keep it
    (vocabulary.line_fits): such a line would get the whole capture refused."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if "_" in text or not line_fits(number):  # Decimal reads 1_5 as 15
        return None
    return canonical_line(number)


def cell(row: dict, column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""

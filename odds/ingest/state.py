"""The current state of a pair's markets, kept on its EventBookmaker row.

``EventBookmaker.market_state`` maps each market identity the pair ever had to the
hash of its newest stored value and the time of that row::

    {"h2h|full_time|": [-4311536471929553202, "2026-01-10T12:00:00+00:00"],
     "totals|full_time|2.5": [...]}

One row per pair, locked and rewritten with the pair's capture span in the same
statement, costs far less per capture than one state row per market; and the times
let readers fetch the newest rows by exact index lookups.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

from odds.ingest.changes import Ident, KeyState


def line_text(line: Decimal | None) -> str:
    if line is None:
        return ""
    if line == 0:
        return "0"
    return format(line.normalize(), "f")


@lru_cache(maxsize=1 << 14)
def ident_text(ident: Ident) -> str:
    key, period, line = ident
    return f"{key}|{period}|{line_text(line)}"


@lru_cache(maxsize=1 << 14)
def parse_ident(text: str) -> Ident:
    key, period, line = text.split("|")
    return (key, period, Decimal(line) if line else None)


def load_state(raw: str | dict | None) -> dict[Ident, KeyState]:
    """The state as stored. Times stay ISO text until someone needs them: most are
    only written back unchanged."""
    data = json.loads(raw) if isinstance(raw, str) else (raw or {})
    return {parse_ident(text): KeyState(value, at) for text, (value, at) in data.items()}


def dump_state(state: dict[Ident, KeyState]) -> str:
    return json.dumps({ident_text(i): [s.value, _iso(s.changed_at)] for i, s in state.items()})


def _iso(moment) -> str:
    return moment if isinstance(moment, str) else moment.isoformat()

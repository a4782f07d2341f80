"""The current state of a pair's markets, kept on its EventBookmaker row.

``EventBookmaker.market_state`` maps each market identity the pair ever had to the
hash of its newest stored value and the time of that row::

    {"h2h|full_time|": [-4311536471929553202, "2026-01-10T12:00:00+00:00"],
     "totals|full_time|2.5": [...]}

One row per pair, locked and rewritten with the pair's capture span in the same
statement, costs far less per capture than one state row per market; and the times
let readers fetch the newest rows by exact index lookups. The write path works on the
decoded dict directly (see :data:`odds.ingest.changes.State`).
"""

from __future__ import annotations

import json
from datetime import datetime

from odds.ingest.changes import State, parse_ident


def load_state(raw: str | dict | None) -> State:
    """The state as stored (jsonb arrives as text through Django's own cursors)."""
    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def dump_state(state: State) -> str:
    return json.dumps(state, separators=(",", ":"))


def newest_rows(raw: str | dict | None) -> dict:
    """Per market identity (key, period, line): the time of its newest stored row."""
    return {parse_ident(k): datetime.fromisoformat(v[1]) for k, v in load_state(raw).items()}

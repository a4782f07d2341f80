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
from collections import OrderedDict
from datetime import datetime

from odds.ingest.changes import State
from odds.series import parse_ident


def load_state(raw: str | dict | None) -> State:
    """The state as stored (jsonb arrives as text through Django's own cursors)."""
    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def dump_state(state: State) -> str:
    return json.dumps(state, separators=(",", ":"))


def newest_rows(raw: str | dict | None) -> dict:
    """Per market identity (key, period, line): the time of its newest stored row."""
    return {parse_ident(k): datetime.fromisoformat(v[1]) for k, v in load_state(raw).items()}


class PairStateCache:
    """The states this process last wrote, each with the row version (``xmin``) it wrote.

    Locking a pair returns its current ``xmin``: when it is the one remembered, no other
    transaction has touched the row since, so the remembered state is the stored one and
    the row's JSON need not travel or be parsed again. Bounded, least recently used
    first out. A version of a rolled-back write never matches a live row, but the dicts
    are mutated while a batch runs, so a failed batch must :meth:`clear` the cache.
    """

    def __init__(self, maxsize: int = 200_000) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[int, tuple[str, State]] = OrderedDict()

    def version(self, pair_id: int) -> str | None:
        item = self._items.get(pair_id)
        return item[0] if item else None

    def get(self, pair_id: int, version: str) -> State | None:
        item = self._items.get(pair_id)
        if item is None or item[0] != version:
            return None
        self._items.move_to_end(pair_id)
        return item[1]

    def put(self, pair_id: int, version: str, state: State) -> None:
        self._items[pair_id] = (version, state)
        self._items.move_to_end(pair_id)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

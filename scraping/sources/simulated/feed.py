"""The simulated feed: rounds of captures, each computed on its own.

It drives the README demo and the benchmarks, so it has to be reproducible, realistic enough
to exercise change-only storage (most prices repeat, a few percent move, a few outcomes
suspend, a few markets vanish for a round) and fast enough to yield millions of market
observations in seconds.

Every capture is a pure function of (seed, parameters, round): round r never needs rounds
0..r-1, so a benchmark can start at any round and two processes always agree. How:

* Each (event, bookmaker, market) lives in *epochs* of ``W`` rounds, staggered per market.
  An epoch opens with a forced price change: that caps how far back a round must look for
  its last change. Inside it, changes fall at rounds drawn with geometric gaps, at a rate
  lowered so that forced plus drawn changes average exactly ``change_rate``.
* The level after a change is the bookmaker's view of the event plus a drift that is a
  moving average of the last few random steps: consecutive levels sit a tick or a few
  apart, yet each is computed on its own. The last cent digit of the first price alternates
  between even and odd from one level to the next, so every change is visible after
  rounding to 2 decimals.
* Suspensions and withdrawals are drawn the same way in fixed blocks of rounds.

The caches (one epoch, one block and one answer per market) only memoise these functions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from odds.captures import Capture, EventRef
from scraping.sources.simulated.bookmakers import BookmakerProfile, bookmaker_profiles
from scraping.sources.simulated.changes import BLOCK, FOREVER, Changes
from scraping.sources.simulated.draws import S_BOOK, hash64
from scraping.sources.simulated.events import build_events
from scraping.sources.simulated.markets import MarketModel, Outcomes
from scraping.sources.simulated.parameters import (
    MARKET_KEYS,
    MAX_BOOKMAKERS,
    MAX_EVENTS,
    MAX_MARKET_SLOTS,
    SOURCE,
    check_int,
    check_markets,
    check_rate,
    check_start,
)


class SimulatedFeed:
    """Rounds of captures of simulated events at simulated bookmakers (see the module doc)."""

    def __init__(
        self,
        *,
        seed: int = 0,
        events: int = 20,
        bookmakers: int = 8,
        change_rate: float = 0.03,
        start: datetime,
        interval: timedelta = timedelta(minutes=5),
        markets: tuple[str, ...] = MARKET_KEYS,
        suspend_rate: float = 0.002,
        withdraw_rate: float = 0.001,
    ):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        check_int("events", events, 1, MAX_EVENTS)
        check_int("bookmakers", bookmakers, 1, MAX_BOOKMAKERS)
        check_rate("change_rate", change_rate)
        check_rate("suspend_rate", suspend_rate)
        check_rate("withdraw_rate", withdraw_rate)
        self._start = check_start(start)
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            raise ValueError(f"interval must be a positive timedelta, got {interval!r}")
        self._market_keys = check_markets(markets)
        slots = events * bookmakers * len(self._market_keys)
        if slots > MAX_MARKET_SLOTS:
            raise ValueError(
                f"events x bookmakers x markets must be at most {MAX_MARKET_SLOTS:,}, "
                f"got {slots:,}: lower events or bookmakers"
            )
        self._seed, self._interval = seed, interval
        self._change_rate = float(change_rate)
        self._suspend_rate, self._withdraw_rate = float(suspend_rate), float(withdraw_rate)
        self._disrupted = bool(suspend_rate or withdraw_rate)
        self._profiles = bookmaker_profiles(bookmakers)
        self._books = [profile.ref for profile in self._profiles]
        self._event_refs, self._models = build_events(seed, self._start, events, self._market_keys)
        self._changes = Changes(
            seed,
            change_rate=self._change_rate,
            suspend_rate=self._suspend_rate,
            withdraw_rate=self._withdraw_rate,
            margins=[profile.margin for profile in self._profiles],
        )
        self._epoch_length = self._changes.epoch_length
        self._phases = self._changes.phases(self._models, len(self._market_keys), bookmakers)
        self._scope = frozenset(self._market_keys)
        # Memos of pure functions, one entry per (event, bookmaker[, market]); they hold few
        # container objects on purpose, as each one costs garbage-collector time.
        self._pairs: list[tuple | None] = [None] * (events * bookmakers)
        self._spans: list[tuple | None] = [None] * slots
        self._epochs: list[tuple | None] = [None] * slots
        self._blocks: list[tuple | None] = [None] * slots
        self._times: dict[int, datetime] = {}
        self._outcomes = Outcomes()
        # A bookmaker's own event ids: a per-bookmaker base plus the event number.
        self._id_bases = [
            10_000_000 + hash64(seed, S_BOOK, b, 1) % 80_000_000 for b in range(bookmakers)
        ]

    # -- public ---------------------------------------------------------------------------

    @property
    def bookmakers(self) -> list[BookmakerProfile]:
        return list(self._profiles)

    @property
    def events(self) -> list[EventRef]:
        return list(self._event_refs)

    @property
    def epoch_length(self) -> int:
        """Rounds between the forced changes of one market (see the module doc)."""
        return self._epoch_length

    def captured_at(self, round_index: int) -> datetime:
        """When round ``round_index`` was observed: start + round_index * interval, in UTC."""
        return self._time(check_int("round_index", round_index, 0, None))

    def _time(self, round_index: int) -> datetime:
        when = self._times.get(round_index)
        if when is None:
            try:
                when = self._start + round_index * self._interval
            except OverflowError:
                raise ValueError(
                    f"round_index {round_index} is past the last representable time"
                ) from None
            if len(self._times) > 100_000:  # a memo, not a store: keep it bounded
                self._times.clear()
            self._times[round_index] = when
        return when

    def round_captures(self, round_index: int) -> Iterator[Capture]:
        """One capture per (event, bookmaker) for this round, all at one ``captured_at``."""
        return self._round(round_index, self.captured_at(round_index))

    def iter_rounds(self, first: int, count: int) -> Iterator[Capture]:
        """Captures of rounds ``first`` .. ``first + count - 1``, round after round."""
        check_int("first", first, 0, None)
        check_int("count", count, 0, None)
        for round_index in range(first, first + count):
            yield from self.round_captures(round_index)

    def count_observations(self, rounds: int) -> int:
        """Market observations in ``rounds`` rounds, withdrawn markets included."""
        check_int("rounds", rounds, 0, None)
        return len(self._event_refs) * len(self._books) * len(self._market_keys) * rounds

    def describe(self) -> dict[str, Any]:
        """The parameters, JSON-ready, for ScrapeRun.parameters: enough to replay the run."""
        return {
            "source": SOURCE,
            "seed": self._seed,
            "events": len(self._event_refs),
            "bookmakers": len(self._books),
            "change_rate": self._change_rate,
            "start": self._start.isoformat(),
            "interval_seconds": self._interval.total_seconds(),
            "markets": list(self._market_keys),
            "suspend_rate": self._suspend_rate,
            "withdraw_rate": self._withdraw_rate,
        }

    # -- rounds ---------------------------------------------------------------------------

    def _round(self, r: int, captured_at: datetime) -> Iterator[Capture]:
        # Each (event, bookmaker) memoises the span of rounds over which its markets stay
        # the same, so round after round most captures cost one comparison and the Capture.
        pairs, scope, books = self._pairs, self._scope, self._books
        pi = 0
        for e, event in enumerate(self._event_refs):
            for b, book in enumerate(books):
                pair = pairs[pi]
                if pair is None or not pair[0] <= r <= pair[1]:
                    pair = pairs[pi] = self._pair(e, b, r)
                pi += 1
                yield Capture(
                    event=event,
                    bookmaker=book,
                    captured_at=captured_at,
                    markets=pair[2],
                    source_updated_at=pair[3],
                    scope=scope,
                    external_event_id=pair[4],
                )

    def _pair(self, e: int, b: int, r: int) -> tuple:
        """(first round, last round, markets, last price change, the bookmaker's event id)."""
        market_count = len(self._market_keys)
        spans, models = self._spans, self._models
        mi = (e * len(self._books) + b) * market_count
        since, until, latest, markets = 0, FOREVER, 0, []
        for j in range(market_count):
            span = spans[mi + j]
            if span is None or not span[0] <= r <= span[1]:
                span = spans[mi + j] = self._resolve(mi + j, r, b, models[e * market_count + j])
            since, until = max(since, span[0]), min(until, span[1])
            if span[2] is not None:  # None: withdrawn for this round
                markets.append(span[2])
            latest = max(latest, span[3])
        # The bookmaker's own last update: its latest price change, never before start.
        updated = self._time(latest)
        return (since, until, tuple(markets), updated, str(self._id_bases[b] + e))

    def _resolve(self, mi: int, r: int, b: int, model: MarketModel) -> tuple:
        """(first round, last round, market or None, round of its level, the level's market).

        The market is the one at round ``r`` (None when withdrawn); the rounds bound the
        span around ``r`` over which it stays the same: no change, suspension or withdrawal.
        """
        length, phase = self._epoch_length, self._phases[mi]
        uid = model.uid + b * len(MARKET_KEYS)
        k, offset = divmod(r + phase, length)
        epoch = self._epochs[mi]
        if epoch is None or epoch[0] != k:
            epoch = self._epochs[mi] = self._changes.epoch(uid, b, model, k)
        offsets = epoch[1]
        i = bisect_right(offsets, offset) - 1
        first = k * length - phase
        changed = first + offsets[i]
        previous = self._spans[mi]
        if previous is not None and previous[3] == changed:
            level = previous[4]  # the same level as last time (after a disruption, say)
        else:
            cents = self._changes.level_cents(epoch, i, model.three_way)
            level = self._outcomes.market(model, cents)
        since = max(changed, 0)
        until = first + (offsets[i + 1] if i + 1 < len(offsets) else length) - 1
        if not self._disrupted:
            return (since, until, level, changed, level)
        block, at = divmod(r, BLOCK)
        marks = self._blocks[mi]
        if marks is None or marks[0] != block:
            marks = self._blocks[mi] = self._changes.block(uid, block, len(model.names))
        _, rounds, withdrawn, suspended = marks
        block_start = block * BLOCK
        since, until = max(since, block_start), min(until, block_start + BLOCK - 1)
        if rounds is not None:
            n = bisect_left(rounds, at)
            if n < len(rounds) and rounds[n] == at:  # disrupted at r: holds for r alone
                if at in withdrawn:
                    return (r, r, None, changed, level)
                return (r, r, self._outcomes.suspend(level, suspended[at]), changed, level)
            if n > 0:
                since = max(since, block_start + rounds[n - 1] + 1)
            if n < len(rounds):
                until = min(until, block_start + rounds[n] - 1)
        return (since, until, level, changed, level)

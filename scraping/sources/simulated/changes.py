"""When a simulated market's prices change, to which level, and when it is suspended or
withdrawn: pure functions of the seed, the rates and the round (see :mod:`.feed`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scraping.sources.simulated.draws import (
    GOLDEN,
    MASK,
    S_BIAS,
    S_BLOCK,
    S_EPOCH,
    draw_at,
    hash64,
    sparse,
    uniforms,
    unit,
)
from scraping.sources.simulated.markets import (
    MarketModel,
    cents_three_way,
    cents_two_way,
    search_cents,
)
from scraping.sources.simulated.parameters import MARKET_KEYS

BLOCK = 256  # rounds per block of suspension/withdrawal draws
FOREVER = 1 << 62  # a round beyond any run
_MIN_EPOCH = 64
_EPOCH_CHANGES = 8  # an epoch spans about this many changes, so 1 in 8 is forced
_BIAS = 0.05  # how far one bookmaker's view of an event strays (uniform), in logit units
# A level's drift from that view: a weighted sum of the last few uniform steps, so one change
# moves it by about one step (up to 0.05 logit: a tick or a few on an evens price).
_STEP_WEIGHTS = (0.05, 0.035, 0.025, 0.015)
_STEP_STREAM = 1 << 40  # draw indices of the steps, apart from those of the change rounds


class Changes:
    """Epochs, levels and disruptions of every market of one feed."""

    def __init__(
        self,
        seed: int,
        *,
        change_rate: float,
        suspend_rate: float,
        withdraw_rate: float,
        margins: Sequence[float],
    ):
        self._seed, self._margins = seed, margins
        self._suspend_rate, self._withdraw_rate = suspend_rate, withdraw_rate
        self._bias_state = hash64(seed, S_BIAS, 0, 0)
        # The epoch length, and the drawn change rate inside an epoch.
        if change_rate <= _EPOCH_CHANGES / FOREVER:  # 0, or so rare it never happens
            self.epoch_length, self._inner_rate = FOREVER, 0.0
        else:
            length = max(_MIN_EPOCH, math.ceil(_EPOCH_CHANGES / change_rate))
            self.epoch_length = length
            # 1 forced change per epoch + the rest drawn averages exactly ``change_rate``.
            self._inner_rate = min(1.0, (change_rate - 1.0 / length) / (1.0 - 1.0 / length))
        inner = self._inner_rate
        self._log_keep = math.log1p(-inner) if 0.0 < inner < 1.0 else 0.0
        self._every_round = tuple(range(self.epoch_length)) if inner >= 1.0 else None

    def phases(self, models: list[MarketModel], per_event: int, bookmakers: int) -> list[int]:
        """Each market's stagger, in memo order (event, bookmaker, market): epochs start at
        different rounds, so forced changes do not all fall on one round."""
        start, length = hash64(self._seed, S_EPOCH, -1, 0), self.epoch_length
        if length == FOREVER:
            start, length = 0, 1  # every phase 0: one epoch from round 0, one level for ever
        by_event = [models[i : i + per_event] for i in range(0, len(models), per_event)]
        return [
            ((start + (model.uid + b * len(MARKET_KEYS)) * GOLDEN) & MASK) % length
            for event_models in by_event
            for b in range(bookmakers)
            for model in event_models
        ]

    def epoch(self, uid: int, b: int, model: MarketModel, k: int) -> tuple:
        """(k, change offsets, hash state, uid, the bookmaker's view, its overround)."""
        state = hash64(self._seed, S_EPOCH, uid, k)
        x = model.x + _BIAS * (2.0 * unit(draw_at(self._bias_state, uid)) - 1.0)
        overround = 1.0 + self._margins[b]
        return (k, self._change_offsets(state), state, uid, x, overround)

    def _change_offsets(self, state: int) -> tuple[int, ...]:
        """Rounds of an epoch (from its start) where prices change: 0, then geometric gaps."""
        if self._every_round is not None:
            return self._every_round
        if self._inner_rate <= 0.0:
            return (0,)
        offsets, position = [0], 0
        log_keep, length = self._log_keep, self.epoch_length
        for u in uniforms(state):
            position += 1 + int(math.log(u) / log_keep)
            if position >= length:
                return tuple(offsets)
            offsets.append(position)
        raise AssertionError("unreachable: the stream is endless")

    def level_cents(self, epoch: tuple, i: int, three_way: bool) -> tuple[int, ...]:
        """Prices after change ``i`` of an epoch: needs no earlier level (module doc).

        The last cent of the first price is even after even changes and odd after odd
        ones (counted from the epoch's number), so consecutive levels always differ; the
        last level of an epoch is also kept off the next epoch's opening prices.
        """
        k, offsets, state, uid, x, overround = epoch
        cents_of = cents_three_way if three_way else cents_two_way
        drift = 0.0
        for lag, weight in enumerate(_STEP_WEIGHTS):
            drift += weight * (2.0 * unit(draw_at(state, _STEP_STREAM + i - lag)) - 1.0)
        if self.epoch_length == FOREVER:
            return cents_of(x + drift, overround)  # one level forever: nothing to differ from
        parity = (k + i) % 2
        avoid = None
        if i == len(offsets) - 1 and i % 2 == 1:  # parity alone equals the next opening's
            following = (k + 1, (), hash64(self._seed, S_EPOCH, uid, k + 1), uid, x, overround)
            avoid = self.level_cents(following, 0, three_way)
        cents = cents_of(x + drift, overround)
        if cents[0] % 2 == parity and cents != avoid:
            return cents  # half the time: no search needed
        return search_cents(
            drift,
            lambda d: cents_of(x + d, overround),
            lambda c: c[0] % 2 == parity and c != avoid,
        )

    def block(self, uid: int, block: int, outcome_count: int) -> tuple:
        """(block, disrupted offsets, withdrawn offsets, {offset: suspended outcome indexes}).

        All but the block are None when nothing happens in it, the common case.
        """
        state = hash64(self._seed, S_BLOCK, uid, block)
        withdrawn = sparse(state, 1, BLOCK, self._withdraw_rate)
        positions = sparse(state, 2, BLOCK * outcome_count, self._suspend_rate)
        if not withdrawn and not positions:
            return (block, None, None, None)
        grouped: dict[int, set[int]] = {}
        for position in positions:
            offset, outcome = divmod(position, outcome_count)
            grouped.setdefault(offset, set()).add(outcome)
        suspended = {offset: frozenset(found) for offset, found in grouped.items()}
        rounds = tuple(sorted(set(withdrawn) | suspended.keys()))
        return (block, rounds, frozenset(withdrawn), suspended)

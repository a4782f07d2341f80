"""The state of one Betfair market as its stream messages build it up.

A market change (``mc``) carries the full market definition when it changes and, per
runner (``rc``), only what changed: the last traded price (``ltp``), traded volume
(``tv``), and ladder deltas. Ladders come as ``[price, size]`` pairs (``atb``/``atl``
available to back/lay, ``trd`` traded, PRO files) or ``[level, price, size]`` triples
(``batb``/``batl`` best available, ``bdatb``/``bdatl`` virtual best, ADVANCED files); a
size of 0 removes the entry. ``img: true`` replaces the market's state instead of
updating it. BASIC files have definitions and ``ltp`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

_LARGEST = 10**15
RunnerKey = tuple[int, float]  # (selection id, handicap): Asian handicap runners repeat ids

_PAIR_LADDERS = ("atb", "atl", "trd")
_LEVEL_LADDERS = ("batb", "batl", "bdatb", "bdatl")
_BACK = ("atb", "batb", "bdatb")
_LAY = ("atl", "batl", "bdatl")


class BadChange(ValueError):
    """A market change whose shape is not the stream format's; the message says where."""


@dataclass(slots=True)
class RunnerState:
    ltp: float | None = None
    tv: float | None = None
    ladders: dict[str, dict[float, float]] = field(default_factory=dict)  # price -> size
    levels: dict[str, dict[float, tuple]] = field(default_factory=dict)  # level -> (p, size)

    def best_back(self) -> float | None:
        prices = [p for name in _BACK for p in self.ladders.get(name, {})]
        return max(prices) if prices else None

    def best_lay(self) -> float | None:
        prices = [p for name in _LAY for p in self.ladders.get(name, {})]
        return min(prices) if prices else None

    def traded_volume(self) -> float | None:
        """The runner's ``tv`` when the file gives it, else its traded ladder's total."""
        if self.tv is not None:
            return self.tv
        traded = self.ladders.get("trd")
        return sum(traded.values()) if traded else None


@dataclass(slots=True)
class MarketState:
    market_id: str
    definition: dict[str, Any] | None = None
    runners: dict[RunnerKey, RunnerState] = field(default_factory=dict)
    has_ladders: bool = False  # ADVANCED/PRO: prices from the ladders, not from ltp
    pt: int = 0  # publish time (ms) of the newest change applied
    dirty: bool = False  # changed since it was last emitted
    idents: set = field(default_factory=set)  # market identities ever emitted (for scope)

    def apply(self, change: dict[str, Any], pt: int) -> None:
        """Apply one market change, all or nothing: a malformed one raises BadChange and
        leaves the state as it was."""
        definition = change.get("marketDefinition")
        if definition is not None:
            _check_definition(definition)
        runner_changes = change.get("rc") or []
        if not isinstance(runner_changes, list):
            raise BadChange("rc is not a list")
        updates = [_runner_update(rc) for rc in runner_changes]
        if change.get("img"):
            self.runners.clear()
        if definition is not None:
            self.definition = definition
        for key, values, ladders in updates:
            runner = self.runners.setdefault(key, RunnerState())
            for name, value in values.items():
                setattr(runner, name, value)
            for name, entries in ladders:
                self._update(runner, name, entries)
        self.pt = pt
        self.dirty = True

    def _update(self, runner: RunnerState, name: str, entries: list[tuple]) -> None:
        if name != "trd":
            self.has_ladders = True
        if name in _LEVEL_LADDERS:  # [level, price, size]: the level's price replaced
            levels = runner.levels.setdefault(name, {})
            for level, price, size in entries:
                if size == 0:
                    levels.pop(level, None)
                else:
                    levels[level] = (price, size)
            runner.ladders[name] = dict(levels.values())
            return
        ladder = runner.ladders.setdefault(name, {})
        for price, size in entries:
            if size == 0:
                ladder.pop(price, None)
            else:
                ladder[price] = size


# The definition's text fields and their longest sensible length: far above real values,
# within what the store's columns hold once mapped (event and team names, tournament and
# sport keys, market keys).
_TEXT_FIELDS = {
    "marketType": 50,
    "marketTime": 40,
    "openDate": 40,
    "status": 20,
    "eventName": 140,
    "venue": 100,
    "countryCode": 10,
    "timezone": 60,
}
_ID_FIELDS = {"eventId": 60, "eventTypeId": 20}
_MAX_RUNNER_NAME = 200


def _check_definition(definition: Any) -> None:
    """The fields the mapping reads have the types the stream format gives them."""
    if not isinstance(definition, dict):
        raise BadChange("marketDefinition is not an object")
    for name, longest in _TEXT_FIELDS.items():
        value = definition.get(name, "")
        if not isinstance(value, str) or len(value) > longest:
            raise BadChange(f"marketDefinition {name} {value!r:.80} is not text of a usable size")
    for name, longest in _ID_FIELDS.items():
        value = definition.get(name, "")
        if not (isinstance(value, str) and len(value) <= longest) and not _is_number(value):
            raise BadChange(f"marketDefinition {name} {value!r:.80} is not an id")
    runners = definition.get("runners", [])
    if not isinstance(runners, list):
        raise BadChange("marketDefinition runners is not a list")
    for runner in runners:
        if (
            not isinstance(runner, dict)
            or type(runner.get("id")) is not int
            or not _is_number(runner.get("hc") or 0)
            or not _is_number(runner.get("sortPriority") or 0)
            or not isinstance(runner.get("name", ""), str)
            or len(runner.get("name", "")) > _MAX_RUNNER_NAME
            or not isinstance(runner.get("status", ""), str)
        ):
            raise BadChange(f"marketDefinition runner {runner!r:.120} is not a runner")


def _runner_update(change: Any) -> tuple[RunnerKey, dict[str, float], list]:
    """One runner change checked and parsed, before anything is applied."""
    if not isinstance(change, dict) or type(change.get("id")) is not int:
        raise BadChange(f"runner change {change!r} has no selection id")
    hc = change.get("hc") or 0
    if not _is_number(hc):
        raise BadChange(f"handicap {hc!r} is not a number")
    values = {name: _number(change[name], name) for name in ("ltp", "tv") if name in change}
    ladders = []
    for name in (*_PAIR_LADDERS, *_LEVEL_LADDERS):
        if name in change:
            entries = change[name]
            if not isinstance(entries, list):
                raise BadChange(f"{name} is not a list")
            length = 3 if name in _LEVEL_LADDERS else 2
            ladders.append((name, [_entry(e, name, length) for e in entries]))
    return (int(change["id"]), float(hc)), values, ladders


def _entry(entry: Any, name: str, length: int) -> tuple[float, ...]:
    # The hot path of a PRO file: exact type checks (a bool is not a number here).
    if type(entry) is list and len(entry) == length:
        for value in entry:
            if not _is_number(value):
                break
        else:
            return tuple(map(float, entry))
    raise BadChange(f"{name} entry {entry!r} is not {length} numbers")


def _number(value: Any, name: str) -> float:
    if not _is_number(value):
        raise BadChange(f"{name} {value!r} is not a number")
    return float(value)


def _is_number(value: Any) -> bool:
    """A finite JSON number a float holds (not a bool, NaN, infinity or a huge int)."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    return kind is int and -_LARGEST < value < _LARGEST

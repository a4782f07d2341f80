"""Capture scopes as rows: what each snapshot reported in full, for freshness.

The read API tells when a price was last *confirmed*: by the newest capture of its
pair that reported its market, whether or not the price changed. Unchanged prices
write no row, so each snapshot carries the id of its scope (a :class:`CaptureScope`,
one row per distinct scope); readers test coverage in SQL on the identity prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable

from odds.captures import Capture
from odds.models import CaptureScope
from odds.series import ident_text

CARRIED_SIGNATURE = "carried"


def prefix_text(entry: tuple) -> str:
    """An identity or a prefix of one, as scopes store it: "h2h", "h2h|first_half",
    "totals|full_time|2.5" (the last exactly as ``ident_text`` writes an identity)."""
    if len(entry) == 3:
        return ident_text(entry)
    return "|".join(str(part) for part in entry)


def confirmed_entries(capture: Capture) -> tuple[list[str], list[str]]:
    """(entries, skipped) of what a capture confirms: its scope, plus any market it
    carries that its scope leaves out (a market seen with its prices is confirmed)."""
    scope = capture.market_scope
    entries = {prefix_text(e) for e in scope.entries}
    entries.update(ident_text(m.identity) for m in capture.markets if not scope.covers(m.identity))
    return sorted(entries), sorted(prefix_text(e) for e in scope.skipped)


class ScopeRegistry:
    """Scope ids by signature, created on first use; cached for the writer's life."""

    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self._ids: dict[str, int] = {}
        # A feed repeats the same scope and markets: known combinations skip the work.
        self._known: dict[tuple, int] = {}

    def ids_for(self, captures: Iterable[Capture]) -> list[int]:
        captures = list(captures)
        keys = [_key(c) for c in captures]
        todo = {k: c for k, c in zip(keys, captures, strict=True) if k not in self._known}
        if todo:
            described = {k: confirmed_entries(c) for k, c in todo.items()}
            missing = {
                _signature(*d): d for d in described.values() if _signature(*d) not in self._ids
            }
            if missing:
                self._create(missing)
            for k, d in described.items():
                self._known[k] = self._ids[_signature(*d)]
        return [self._known[k] for k in keys]

    def _create(self, missing: dict[str, tuple[list[str], list[str]]]) -> None:
        rows = CaptureScope.objects.using(self.using)
        rows.bulk_create(
            [CaptureScope(signature=s, entries=e, skipped=k) for s, (e, k) in missing.items()],
            ignore_conflicts=True,  # another importer may create the same scope meanwhile
        )
        self._ids.update(rows.filter(signature__in=list(missing)).values_list("signature", "id"))


def carried_scope_id(*, using: str = "default") -> int:
    """The scope of retention's carry-forward snapshots: confirms nothing."""
    scope, _ = CaptureScope.objects.using(using).get_or_create(
        signature=CARRIED_SIGNATURE, defaults={"carried": True}
    )
    return scope.id


def _key(capture: Capture) -> tuple:
    """What a capture's confirmed scope depends on: its scope, what was skipped, and (when
    the scope is explicit) which markets it carries; without one, the keys present."""
    if capture.scope is None:
        return (None, capture.skipped_keys, frozenset(m.key for m in capture.markets))
    return (capture.scope, capture.skipped_keys, frozenset(m.identity for m in capture.markets))


def _signature(entries: list[str], skipped: list[str]) -> str:
    return ",".join(entries) + (" -" + ",".join(skipped) if skipped else "")

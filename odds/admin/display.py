"""Prices on the odds admin pages, in the viewer's odds style (:mod:`odds.admin.odds_style`).

The helpers both apps' admins share (JSON, links, first lines) are in
:mod:`oddsproject.admin_kit`."""

from __future__ import annotations

from decimal import Decimal

from odds.admin.odds_style import active_style, styled


def price_text(price: Decimal | str | None) -> str:
    """A price as a bookmaker shows it, in the viewer's odds style: decimal odds with at
    least two decimals and no trailing noise unless the viewer chose another style."""
    if price is None or price == "":
        return "—"
    return styled(Decimal(str(price)), active_style())


def outcomes_summary(outcomes: list[dict]) -> str:
    """``home 2.10 · draw 3.40 · away 3.60``; ``gone`` for a withdrawn market."""
    if not outcomes:
        return "gone (withdrawn)"
    parts = []
    for outcome in outcomes:
        mark = " (suspended)" if outcome.get("status") == "suspended" else ""
        parts.append(f"{outcome.get('name')} {price_text(outcome.get('price'))}{mark}")
    return " · ".join(parts)

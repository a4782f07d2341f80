"""A Betfair market in the store's vocabulary: its market key, line and outcomes.

| Betfair ``marketType`` | ``market_key`` | ``line`` | outcomes |
|---|---|---|---|
| ``MATCH_ODDS`` | ``h2h`` | null | home, away, draw (runner names against "A v B") |
| ``OVER_UNDER_25`` | ``totals`` | 2.5 | over, under |
| ``BOTH_TEAMS_TO_SCORE`` | ``btts`` | null | yes, no |
| ``ASIAN_HANDICAP`` | ``spreads`` | the home runner's handicap | home, away |
| ``WIN`` / ``PLACE`` | ``win`` / ``place`` | null | runner names |
| anything else | the type in snake_case | null | runner names |

The back market holds the best price available to back, ``<key>_lay`` the best
available to lay; the back market's outcomes also carry ``last_traded`` and
``traded_volume``. A BASIC file has no ladders: its back market's price is the last
traded price and it has no lay market.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

from odds.captures import FULL_TIME, OPEN, SUSPENDED, EventRef, Market, Outcome
from odds.prices import BadPrice, from_decimal, price_text
from odds.vocabulary import canonical_line, line_fits
from scraping.sources.betfair.events import runner_name, runners, slug
from scraping.sources.betfair.stream import MarketState, RunnerState
from scraping.sources.betfair.tables import LISTED, MAX_VOLUME, OVER_UNDER


def markets(state: MarketState, event: EventRef) -> tuple[list[Market], list[str]]:
    """The store's markets of one Betfair market now, and messages about prices left out.

    A closed market has none (the capture's scope then marks its markets gone).
    """
    definition = state.definition or {}
    status = definition.get("status")
    if status == "CLOSED":
        return [], []
    outcome_status = OPEN if status == "OPEN" else SUSPENDED
    key, line = market_key(str(definition.get("marketType") or "UNKNOWN"))
    back: dict[Decimal | None, list[Outcome]] = {}
    lay: dict[Decimal | None, list[Outcome]] = {}
    skipped: list[str] = []
    home_line = _home_handicaps(definition, event) if key == "spreads" else {}
    seen: set[tuple] = set()
    for runner in runners(definition):
        if runner.get("status") not in LISTED:
            continue
        selection = (int(runner.get("id", 0)), float(runner.get("hc") or 0))
        role = _role(key, runner, event)
        if role is None:
            skipped.append(f"runner {runner_name(runner)!r} is not a {key} outcome")
            continue
        at_line = home_line.get(selection, line) if key == "spreads" else line
        if (at_line, role) in seen:  # one name twice: the first runner listed wins
            skipped.append(f"runner {runner_name(runner)!r} is listed twice as {role!r}")
            continue
        seen.add((at_line, role))
        prices = state.runners.get(selection, RunnerState())
        extra = _extra(prices)
        back_price = prices.best_back() if state.has_ladders else prices.ltp
        for price, group, kept in ((back_price, back, extra), (prices.best_lay(), lay, ())):
            if price is None:
                continue
            try:
                group.setdefault(at_line, []).append(
                    Outcome(role, from_decimal(price), outcome_status, kept)
                )
            except BadPrice as error:
                skipped.append(f"runner {runner_name(runner)!r}: {error}")
    found = [Market(key, tuple(o), FULL_TIME, at) for at, o in back.items()]
    found += [Market(f"{key}_lay", tuple(o), FULL_TIME, at) for at, o in lay.items()]
    return found, skipped


def market_key(market_type: str) -> tuple[str, Decimal | None]:
    if market_type == "MATCH_ODDS":
        return "h2h", None
    if match := OVER_UNDER.match(market_type):
        return "totals", _line(Decimal(match[1]).scaleb(-1))
    if market_type == "BOTH_TEAMS_TO_SCORE":
        return "btts", None
    if market_type == "ASIAN_HANDICAP":
        return "spreads", None
    # WIN -> win, PLACE -> place, CORRECT_SCORE -> correct_score; a blank type -> other
    return slug(market_type) or "other", None


def _role(key: str, runner: dict, event: EventRef) -> str | None:
    name = runner_name(runner)
    lowered = name.lower()
    if key in ("h2h", "spreads"):
        if lowered in ("the draw", "draw"):
            return "draw" if key == "h2h" else None
        if name == event.home_team:
            return "home"
        if name == event.away_team:
            return "away"
        return None
    if key == "totals":
        side = lowered.split(" ", 1)[0]
        return side if side in ("over", "under") else None
    if key == "btts":
        return lowered if lowered in ("yes", "no") else None
    return name


def _home_handicaps(definition: dict, event: EventRef) -> dict[tuple[int, float], Decimal]:
    """Per Asian handicap runner (id, handicap): the market line, the home side's
    handicap (the away runner at -1.5 belongs to the home +1.5 line)."""
    lines = {}
    for runner in runners(definition):
        hc = Decimal(repr(float(runner.get("hc") or 0)))
        role = _role("spreads", runner, event)
        selection = (int(runner.get("id", 0)), float(hc))
        lines[selection] = _line(hc if role == "home" else -hc)
    return lines


def _line(value: Decimal) -> Decimal:
    """One spelling per line (2.0 is 2, -0 is 0). A line the store cannot keep stays as it
    is, for the store to refuse: canonical_line cannot quantize one of 1e30."""
    return canonical_line(value) if line_fits(value) else value


def _extra(prices: RunnerState) -> tuple[tuple[str, str], ...]:
    extra = []
    if prices.ltp is not None:
        with suppress(BadPrice):  # a corrupt ltp is not shown as the last traded price
            extra.append(("last_traded", price_text(from_decimal(prices.ltp))))
    volume = prices.traded_volume()
    if volume is not None and 0 <= volume < MAX_VOLUME:
        extra.append(("traded_volume", format(Decimal(repr(round(volume, 2))).normalize(), "f")))
    return tuple(extra)

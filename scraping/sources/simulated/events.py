"""The simulated events: fixtures from a round robin in each tournament, and their markets.

Events are spread over sports by weight; each tournament's teams get seeded strengths,
and each event's markets a fair line and logit from the two teams (:mod:`.markets`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from odds.captures import EventRef
from scraping.sources.simulated.draws import (
    S_EVENT,
    S_RATING,
    S_TEAM,
    S_TOTAL,
    draw_at,
    hash64,
    normal,
    unit,
)
from scraping.sources.simulated.markets import MarketModel, market_model
from scraping.sources.simulated.parameters import SOURCE
from scraping.sources.simulated.sports import SPORTS, TEAMS, TOURNAMENTS, Tournament


def build_events(
    seed: int, start: datetime, count: int, market_keys: tuple[str, ...]
) -> tuple[list[EventRef], list[MarketModel]]:
    """Events spread over sports and tournaments, their fixtures from a round robin;
    then each event's market models, in the order of ``market_keys``."""
    teams: dict[int, tuple[list[str], list[float]]] = {}
    played = [0] * len(TOURNAMENTS)
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    refs: list[EventRef] = []
    models: list[MarketModel] = []
    for e in range(count):
        h = hash64(seed, S_EVENT, e, 0)
        t_index = _pick_tournament(unit(h), draw_at(h, 1))
        sport, tournament = TOURNAMENTS[t_index]
        if t_index not in teams:
            teams[t_index] = _teams(seed, t_index, tournament)
        names, ratings = teams[t_index]
        matchday, slot = divmod(played[t_index], TEAMS // 2)
        played[t_index] += 1
        home, away = _round_robin(matchday, slot, TEAMS)
        hour, minute = tournament.kickoffs[draw_at(h, 2) % len(tournament.kickoffs)]
        # Two to six days after start's date: after every round of a typical run.
        commence = midnight + timedelta(days=2 + matchday % 5, hours=hour, minutes=minute)
        refs.append(
            EventRef(
                source=SOURCE,
                source_event_id=f"sim-{seed}-{e:06d}",
                sport_key=sport.key,
                sport_name=sport.name,
                tournament_key=tournament.key,
                tournament_name=tournament.name,
                home_team=names[home],
                away_team=names[away],
                commence_time=commence,
                country=tournament.country,
            )
        )
        x = tournament.home_edge + ratings[home] - ratings[away]
        total_h = hash64(seed, S_TOTAL, e, 0)
        models.extend(
            market_model(key, sport, tournament, x, e=e, h=total_h) for key in market_keys
        )
    return refs, models


def _teams(seed: int, t_index: int, tournament: Tournament) -> tuple[list[str], list[float]]:
    names = _team_names(seed, t_index, tournament)
    ratings = [
        tournament.rating_sd * normal(hash64(seed, S_RATING, t_index, i)) for i in range(len(names))
    ]
    return names, ratings


def _team_names(seed: int, t_index: int, tournament: Tournament) -> list[str]:
    """Distinct names: a place plus a club style, or plus a nickname of its own."""
    if tournament.nicknames:
        # A seeded shuffle gives every team its own nickname, different per seed.
        order = sorted(range(TEAMS), key=lambda i: hash64(seed, S_TEAM, t_index, i))
        nicknames = [tournament.nicknames[i] for i in order]
        return [f"{p} {n}" for p, n in zip(tournament.places, nicknames, strict=True)]
    styles = tournament.styles
    return [
        styles[hash64(seed, S_TEAM, t_index, i) % len(styles)].format(place)
        for i, place in enumerate(tournament.places)
    ]


def _round_robin(matchday: int, slot: int, teams: int) -> tuple[int, int]:
    """The circle method: no team plays twice on one matchday; the second leg swaps venues."""
    rounds = teams - 1
    day = matchday % rounds
    if slot == 0:
        home, away = teams - 1, day
    else:
        home, away = (day + slot) % rounds, (day - slot) % rounds
    if (day + slot) % 2 == 1:
        home, away = away, home
    if (matchday // rounds) % 2 == 1:
        home, away = away, home
    return home, away


def _pick_tournament(u: float, h: int) -> int:
    """An index into TOURNAMENTS: a sport by weight, then one of its tournaments."""
    total = sum(sport.weight for sport in SPORTS)
    first = 0
    for sport in SPORTS:
        share = sport.weight / total
        if u <= share:
            return first + h % len(sport.tournaments)
        u -= share
        first += len(sport.tournaments)
    return first - 1  # u rounding past the last share

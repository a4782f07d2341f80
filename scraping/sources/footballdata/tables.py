"""football-data's names and what they mean: divisions, bookmaker prefixes, aggregates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from odds.captures import BookmakerRef

SOURCE = "footballdata"
SPORT_KEY = "soccer"
SPORT_NAME = "Soccer"
PRE_MATCH = "pre_match"
CLOSING = "closing"
REQUIRED_COLUMNS = ("Div", "Date", "HomeTeam", "AwayTeam")
FRAGMENT_COLUMNS = ("Div", "Date", "Time", "HomeTeam", "AwayTeam")


@dataclass(frozen=True, slots=True)
class Tournament:
    key: str
    name: str
    country: str = ""


TOURNAMENTS: dict[str, Tournament] = {
    "E0": Tournament("england_premier_league", "Premier League", "England"),
    "E1": Tournament("england_championship", "Championship", "England"),
    "E2": Tournament("england_league_one", "League One", "England"),
    "E3": Tournament("england_league_two", "League Two", "England"),
    "EC": Tournament("england_conference", "Conference", "England"),
    "SC0": Tournament("scotland_premiership", "Premiership", "Scotland"),
    "SC1": Tournament("scotland_championship", "Championship", "Scotland"),
    "SC2": Tournament("scotland_league_one", "League One", "Scotland"),
    "SC3": Tournament("scotland_league_two", "League Two", "Scotland"),
    "D1": Tournament("germany_bundesliga", "Bundesliga", "Germany"),
    "D2": Tournament("germany_bundesliga_2", "2. Bundesliga", "Germany"),
    "I1": Tournament("italy_serie_a", "Serie A", "Italy"),
    "I2": Tournament("italy_serie_b", "Serie B", "Italy"),
    "SP1": Tournament("spain_la_liga", "La Liga", "Spain"),
    "SP2": Tournament("spain_segunda_division", "Segunda Division", "Spain"),
    "F1": Tournament("france_ligue_1", "Ligue 1", "France"),
    "F2": Tournament("france_ligue_2", "Ligue 2", "France"),
    "N1": Tournament("netherlands_eredivisie", "Eredivisie", "Netherlands"),
    "B1": Tournament("belgium_pro_league", "Pro League", "Belgium"),
    "P1": Tournament("portugal_primeira_liga", "Primeira Liga", "Portugal"),
    "T1": Tournament("turkey_super_lig", "Super Lig", "Turkey"),
    "G1": Tournament("greece_super_league", "Super League", "Greece"),
}

BOOKMAKERS: dict[str, BookmakerRef] = {
    "1XB": BookmakerRef("1xbet", "1XBet"),
    "B365": BookmakerRef("bet365", "Bet365"),
    "BF": BookmakerRef("betfair_sportsbook", "Betfair"),
    "BFD": BookmakerRef("betfred", "Betfred"),
    "BFE": BookmakerRef("betfair_exchange", "Betfair Exchange", is_exchange=True),
    "BMGM": BookmakerRef("betmgm", "BetMGM"),
    "BS": BookmakerRef("blue_square", "Blue Square"),
    "BV": BookmakerRef("betvictor", "BetVictor"),
    "BW": BookmakerRef("bwin", "Bet&Win"),
    "CL": BookmakerRef("coral", "Coral"),
    "GB": BookmakerRef("gamebookers", "Gamebookers"),
    "IW": BookmakerRef("interwetten", "Interwetten"),
    "LB": BookmakerRef("ladbrokes", "Ladbrokes"),
    "P": BookmakerRef("pinnacle", "Pinnacle"),
    "PS": BookmakerRef("pinnacle", "Pinnacle"),
    "SB": BookmakerRef("sportingbet", "Sportingbet"),
    "SJ": BookmakerRef("stan_james", "Stan James"),
    "SO": BookmakerRef("sporting_odds", "Sporting Odds"),
    "SY": BookmakerRef("stanleybet", "Stanleybet"),
    "VC": BookmakerRef("betvictor", "BetVictor"),
    "WH": BookmakerRef("william_hill", "William Hill"),
}
AGGREGATES = frozenset({"Max", "Avg", "BbMx", "BbAv"})


def tournament_for(division: str) -> Tournament:
    """The tournament of a ``Div`` code; an unknown code keeps the code as its name."""
    known = TOURNAMENTS.get(division)
    if known is not None:
        return known
    return Tournament(key=slug(division), name=division)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "unknown"

"""Betfair's ids and names and what they mean in the store: sports, statuses, the bookmaker."""

from __future__ import annotations

import re

from odds.captures import BookmakerRef

SOURCE = "betfair"
# The Odds API's key for the Betfair exchange's UK/international site, where the
# historic files come from; one key, so both sources' Betfair prices compare.
BOOKMAKER = BookmakerRef("betfair_ex_uk", "Betfair", is_exchange=True)
# Sports by Betfair event type id; keys match The Odds API's sport prefixes.
SPORTS = {
    "1": ("soccer", "Soccer"),
    "2": ("tennis", "Tennis"),
    "3": ("golf", "Golf"),
    "4": ("cricket", "Cricket"),
    "5": ("rugbyunion", "Rugby Union"),
    "7": ("horse_racing", "Horse Racing"),
    "1477": ("rugbyleague", "Rugby League"),
    "4339": ("greyhound_racing", "Greyhound Racing"),
    "6423": ("americanfootball", "American Football"),
    "7522": ("basketball", "Basketball"),
    "7524": ("icehockey", "Ice Hockey"),
}
RACING = frozenset({"7", "4339"})
OVER_UNDER = re.compile(r"^OVER_UNDER_(\d+)$")
RESULTS = {"WINNER": "winner", "LOSER": "loser", "PLACED": "placed", "REMOVED": "removed"}
LISTED = frozenset({"ACTIVE", "WINNER", "LOSER", "PLACED"})  # not REMOVED, HIDDEN
SETTLING = frozenset({"WIN", "WINNER"})  # market types whose result is the event's
MAX_ORDER = 2**31 - 1  # EventCompetitor.sort_order is a PostgreSQL integer
MAX_VOLUME = 1e15  # beyond any market's matched money: a corrupt file

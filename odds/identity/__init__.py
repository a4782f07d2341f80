"""Identity across sources: one team, one league, one match, one bookmaker, whichever
source names it (normalisation, curated aliases, event matching, merging)."""

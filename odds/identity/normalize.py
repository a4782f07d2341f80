"""Name normalisation: the key two spellings of one team or league share.

Curated aliases (``odds/identity/data``) cover the names that differ in words ("Man
United", "Wolves"); normalisation covers the rest, the differences that never change
who is meant: case, accents, punctuation, "&"/"and", "Utd"/"United" and the club-form
tokens "FC", "AFC", "CF" and the like.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tokens that say "football club" in some form and never tell two clubs apart.
_CLUB_TOKENS = frozenset({"fc", "afc", "cf", "sc", "ac", "as", "cd", "ssc", "sv", "fk", "bc"})
_REPLACEMENTS = {"utd": "united", "&": "and", "st": "saint"}
_SEPARATORS = re.compile(r"[\s\-_/.,]+")
_DROPPED = re.compile(r"[^\w&\s]")
_INITIAL = re.compile(r"\b(\w)\.")  # "F.C." is "FC", not "F C"
# Letters NFKD does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "\u0131": "i"})


@lru_cache(maxsize=65_536)
def normalize_name(name: str) -> str:
    """``"Brighton & Hove Albion FC"`` → ``"brighton and hove albion"``.

    A name made only of club tokens ("AC") keeps them, so it never becomes empty.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _INITIAL.sub(r"\1", text).replace("&", " & ")
    text = _DROPPED.sub("", _SEPARATORS.sub(" ", text))
    tokens = [_REPLACEMENTS.get(t, t) for t in text.split()]
    kept = [t for t in tokens if t not in _CLUB_TOKENS]
    # A name of punctuation only stays itself rather than joining every other such name.
    return " ".join(kept or tokens) or name.casefold().strip()


def normalize_key(key: str) -> str:
    """A source's tournament or bookmaker key, compared without case or separators."""
    return re.sub(r"[^a-z0-9]+", "_", key.casefold()).strip("_")

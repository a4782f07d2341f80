"""Search by team or bookmaker name, resolved to ids before the big tables are touched.

The odds tables are partitioned by capture time and hold hundreds of millions of rows;
a ``LIKE`` joined into them would be evaluated for every row of every partition read.
Instead each search word is first matched against the small tables (events and their
competitors, bookmakers), and the time series is then filtered by those ids, which its
``(event, bookmaker, ...)`` index answers within the partitions of the time filter.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from odds.models import Bookmaker, Event, EventCompetitor

# Ids are passed to the big query as a literal list up to this many; a word matching
# more events than that (a one-letter search) is passed as a subquery instead.
LITERAL_IDS = 500


def search_words(text: str) -> list[str]:
    """The words of a search box, quoted phrases kept whole (as Django's admin does)."""
    words = []
    for word in smart_split(text):
        if word[:1] in {'"', "'"} and word[-1:] == word[:1]:
            word = unescape_string_literal(word)
        if word.strip():
            words.append(word)
    return words


def event_named(word: str) -> Q:
    """An event whose name, team or competitor (runner, player) contains ``word``."""
    competitors = EventCompetitor.objects.filter(name__icontains=word).values("event_id")
    return (
        Q(name__icontains=word)
        | Q(home_team__icontains=word)
        | Q(away_team__icontains=word)
        | Q(pk__in=competitors)
    )


def bookmakers_named(word: str) -> QuerySet:
    """Bookmakers whose key or display name contains ``word``."""
    return Bookmaker.objects.filter(Q(key__icontains=word) | Q(name__icontains=word))


def ids_of(queryset: QuerySet) -> list[int] | QuerySet:
    """The ids of ``queryset`` as a list when there are few, else as a subquery."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: LITERAL_IDS + 1])
    if len(ids) <= LITERAL_IDS:
        return ids
    return queryset.order_by().values("pk")


def team_or_bookmaker(text: str) -> Q:
    """Rows (with ``event_id`` and ``bookmaker_id``) where every word names the event
    (a team, competitor or the event's name) or the bookmaker (key or name)."""
    condition = Q()
    for word in search_words(text):
        condition &= Q(event_id__in=ids_of(Event.objects.filter(event_named(word)))) | Q(
            bookmaker_id__in=ids_of(bookmakers_named(word))
        )
    return condition

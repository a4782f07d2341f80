"""A paginator for the odds time series that never counts them.

``SELECT COUNT(*)`` over a partitioned table of hundreds of millions of rows reads every
partition; the admin only needs to know roughly how many pages there are. The count is
the planner's estimate instead: the catalog's ``reltuples`` summed over the partitions
for the unfiltered list, ``EXPLAIN``'s row estimate for a filtered one. A small estimate
is checked by fetching at most :data:`EXACT_BELOW` + 1 ids (an index range scan with a
LIMIT), so short lists show their exact size, and an estimate is never trusted to claim
that everything fits on one page: Django's changelist would then load the whole
queryset without a LIMIT.
"""

from __future__ import annotations

import json
from functools import cached_property
from math import ceil

from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connections

from odds.partitioning import list_partitions

# Pages offered at most: a deeper page is an OFFSET scan; narrow the time filter instead.
MAX_PAGES = 200
# Below this many estimated rows the paginator fetches ids (LIMIT EXACT_BELOW + 1) to
# know the exact number.
EXACT_BELOW = 1000


def planner_rows(queryset) -> int:
    """The planner's estimate of how many rows ``queryset`` returns (no rows are read)."""
    query = queryset.order_by().values("pk").query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:
        # .none(), or a filter no row can match (an id past bigint): nothing to plan.
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def catalog_rows(table: str, *, using: str = "default") -> int:
    """Rows of a partitioned table as the catalog last estimated them (VACUUM/ANALYZE)."""
    return sum(p.estimated_rows for p in list_partitions(table, using=using))


def is_unfiltered(queryset) -> bool:
    return not queryset.query.where


class EstimatedCountPaginator(Paginator):
    """``count`` is an estimate; pages are LIMIT/OFFSET slices that never depend on it."""

    # True once ``count`` is known to be the planner's estimate, not the exact number.
    is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if is_unfiltered(queryset):
            estimate = catalog_rows(queryset.model._meta.db_table, using=queryset.db)
        else:
            estimate = planner_rows(queryset)
        if estimate <= EXACT_BELOW:
            found = len(queryset.order_by().values_list("pk", flat=True)[: EXACT_BELOW + 1])
            if found <= EXACT_BELOW:
                return found
            estimate = max(estimate, found)
        self.is_estimate = True
        return estimate

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        return min(ceil(hits / self.per_page), MAX_PAGES)

    def validate_number(self, number) -> int:
        """Any page from 1 to MAX_PAGES: past the (estimated) end a page is just empty."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise InvalidPage("That page number is not an integer") from None
        if number < 1:
            raise InvalidPage("That page number is less than 1")
        if number > MAX_PAGES:
            raise InvalidPage(f"Pages go up to {MAX_PAGES}: narrow the time filter instead")
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

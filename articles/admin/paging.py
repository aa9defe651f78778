"""The admin's article list at archive size: no COUNT(*) of the whole table on every page.

Django's changelist counts its rows twice per page: the filtered list (the paginator) and the
whole table (for "N 条结果（共 M 条）"). At 100,000 articles both walk every row. ArticleAdmin
turns the second off (show_full_result_count = False) and uses this paginator for the first:
it counts at most COUNT_LIMIT + 1 rows (a LIMITed subquery, no ordering), so a page costs the
same at 1,000 articles or a million. Past the limit the list says 超过 10000 篇 and offers the
first COUNT_LIMIT / list_per_page pages (whose OFFSET is bounded too); older articles are a
click away through the date drill-down above the list, the filters and the search.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class CappedCountPaginator(Paginator):
    limit = COUNT_LIMIT

    @cached_property
    def found(self):
        """How many rows, counting no further than one past the limit."""
        rows = self.object_list
        if hasattr(rows, "values"):
            return rows.values("pk").order_by()[: self.limit + 1].count()
        return len(rows)

    @property
    def is_capped(self):
        return self.found > self.limit

    @cached_property
    def count(self):
        return min(self.found, self.limit)

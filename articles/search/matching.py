"""Which articles match a query, and in which order.

Ranking: where the query is found counts, then recency. Each term (what the reader typed
between spaces) scores 8 if it is in the title, 4 in a section heading, 2 in the kicker,
subtitle or summary, 1 in a caption, added up over fields and terms; the body counts for
matching but adds nothing. Weights double at each step, so a match in the title outranks one
in every lower field together. Equal scores, the common case, go newest first.

Why this rather than the engines' own relevance (FTS5's bm25, PostgreSQL's ts_rank): they are
different formulas (bm25 weighs rare words and short fields up, ts_rank does neither), so the
same query would come back in a different order on SQLite and on PostgreSQL; PostgreSQL has
four weight labels for five fields; and ts_rank reads every matching article's whole index
entry, most of the archive for a one-character query. Here each (term, field) test looks at
one short field, so both engines give the same order, and among the articles that name the
query in the same places a newspaper's readers get the newest first.
"""

from django.db.models.expressions import RawSQL

from ..models import Article
from .backends import backend


def filter_articles(queryset, query, using=None):
    """The articles of `queryset` that match the query (none if nothing in it can be
    searched), in the queryset's own order: the admin's list search."""
    if not query.searchable:
        return queryset.none()
    engine = backend(using or queryset.db)
    return queryset.filter(pk__in=RawSQL(*engine.matching(query.phrases)))


class SearchResults:
    """The public articles matching a query, best first: what Paginator pages through.

    count() counts them; a slice ranks and loads only the articles of that slice, through
    the queryset given (with its select_related and prefetches), in rank order. With a
    window (the slice the page will ask for), the first count() reads that slice and the
    count in one query, so a results page runs its phrase matching once, not twice.
    """

    def __init__(self, query, articles, window=None):
        self.query = query
        self.articles = articles
        self.engine = backend(articles.db)
        self.window = window
        self._count = None
        self._ranked = {}

    def _rank(self, start, stop):
        for (first, last), pks in self._ranked.items():
            # The last page is the window cut at the count: read already.
            if first == start and (last >= stop or len(pks) < last - first):
                return pks[: stop - start]
        if (start, stop) not in self._ranked:
            pks, total = self.engine.ranked(self.articles, self.query.phrases, start, stop - start)
            self._ranked[start, stop] = pks
            if total is not None:
                self._count = total
        return self._ranked[start, stop]

    def count(self):
        if self._count is None and not self.query.searchable:
            self._count = 0
        if self._count is None and self.window is not None:
            self._rank(*self.window)
        if self._count is None:
            self._count = self.engine.count(self.articles, self.query.phrases)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("SearchResults are read a page (a slice) at a time")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if not self.query.searchable or stop <= start:
            return []
        pks = self._rank(start, stop)
        found = self.articles.in_bulk(pks)
        return [found[pk] for pk in pks if pk in found]

    def __iter__(self):
        return iter(self[:])


def search_articles(
    query,
    *,
    column=None,
    start=None,
    end=None,
    now=None,
    articles=None,
    window=None,
    using="default",
):
    """Public articles matching the query, best first (see the module's docstring).

    Public is decided now, by Article.objects.published(): drafts, scheduled articles before
    their time and articles taken down never come back, whatever the index holds.
    column: a Column; start, end: aware datetimes, published_at in [start, end).
    articles: the queryset the results are loaded through (for its select_related and
    prefetches; Article.objects by default). window: (start, stop), the slice a page will
    read (SearchResults).
    """
    articles = (Article.objects.using(using) if articles is None else articles).published(now)
    if column is not None:
        articles = articles.filter(column=column)
    if start is not None:
        articles = articles.filter(published_at__gte=start)
    if end is not None:
        articles = articles.filter(published_at__lt=end)
    return SearchResults(query, articles, window)

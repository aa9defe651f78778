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

from datetime import UTC

from django.conf import settings
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import paging
from ..models import Article
from .backends import backend


def filter_articles(queryset, query, using=None):
    """The articles of `queryset` that match the query (none if nothing in it can be
    searched), in the queryset's own order: the admin's list search."""
    if not query.searchable:
        return queryset.none()
    engine = backend(using or queryset.db)
    return queryset.filter(pk__in=RawSQL(*engine.matching(query.phrases)))


# Search walks the newest articles (_from_newest) while at least one in DENSE of them matches,
# at most CHUNK windows' worth at a time; below that it reads the matches (_from_matches).
DENSE = 10
CHUNK = 8
# A query matching more articles than are ranked also ranks this many of the newest naming it
# in their title, from the whole archive.
TITLE_WINDOW = 200


# A window's publication times as the database writes them: only the last of a chunk is read
# (for the cursor the walk goes on from), so thousands are not converted to datetimes.
AS_TEXT = Cast("published_at", output_field=CharField())


def utc(value):
    """A publication time read as text (AS_TEXT, or a raw SQLite query): stored in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


class _Sparse(Exception):
    """The newest articles hold too few matches to walk them."""


def ranked_max():
    """How many matches are ranked at most: settings.SEARCH_RANKED_MAX (1,000 by default)."""
    return getattr(settings, "SEARCH_RANKED_MAX", 1000)


class SearchResults:
    """The public articles matching a query, best first: what Paginator pages through.

    Bounded, so that a query costs about the same in an archive of 1,000 articles or of
    100,000, however many of them it matches:

    1. The window: the newest matches, at most SEARCH_RANKED_MAX + 1 (1,001). The newest
       public articles are walked along their index a chunk at a time and checked through the
       index (`exact`, on the chunk's ids) until the window is full (_from_newest); if fewer
       than one in DENSE of the first chunk match, the query names few articles, and they are
       read from the index instead, newest first (_from_matches). Either way the cost is
       bounded by the window, not by the archive.
    2. count(): the window's size, exact up to SEARCH_RANKED_MAX; one more means "more
       than that" (`capped`: the page says 1000 多篇).
    3. When capped, a second window the same way, with the title alone: the newest
       TITLE_WINDOW (200) articles of the whole archive holding every term in their title,
       added to the first.
    4. The ranking (the module's rule) scores the window's articles only (`scores`, on their
       ids) and orders them, newest first among equal scores; the first SEARCH_RANKED_MAX
       are the results.

    A query matching up to SEARCH_RANKED_MAX articles is therefore ranked whole, exactly as
    before; a broader one ranks its newest matches together with the newest of those naming
    it in the title, however old (a title match outranks any match elsewhere), and the page
    asks the reader to narrow it (another word, a column, dates). A slice loads only its articles,
    through the queryset given (with its select_related and prefetches), in rank order.
    """

    def __init__(self, query, articles, public):
        self.query = query
        self.articles = articles
        self.public = public  # (until) -> the public articles up to `until`, with the filters
        self.engine = backend(articles.db)
        self._ranked = None
        self.capped = False

    def _window(self, field=None, limit=None):
        """The newest matches, at most `limit` (SEARCH_RANKED_MAX + 1): [(id, published_at)].
        With field="title", the newest articles holding every term in the title."""
        limit = limit or ranked_max() + 1
        newest = self._from_newest(limit, field)
        if newest is None:  # few of the newest articles match: read the matches instead
            return self._from_matches(limit, field)
        return newest

    def _walk(self, limit, step):
        """Newest first, a step at a time from a cursor: step(public, want) -> (how many it
        asked for, rows read, rows kept); stops when `limit` are kept or a step reads fewer
        than it asked for (the end of the list)."""
        found, cursor = [], None
        while len(found) < limit:
            public = self.public(None if cursor is None else cursor.published_at)
            if cursor is not None:
                public = paging.older_than(public, cursor)
            asked, rows, kept = step(public, limit - len(found))
            found.extend(kept)
            if len(rows) < asked:
                break
            cursor = paging.Cursor(utc(rows[-1][1]), rows[-1][0])
        return found[:limit]

    def _from_matches(self, limit, field=None):
        """Few matches: read them newest first from the index's loose match (each term's
        tokens anywhere, answered by the index alone), and check the phrases on what was read
        (`exact`), reading further if that dropped any."""
        phrases = any(len(tokens) > 1 for tokens, _ in self.query.phrases)

        def step(public, want):
            rows = self.engine.newest_matches(public, self.query.phrases, want, field)
            if not phrases or not rows:
                return want, rows, rows
            pks = [pk for pk, _ in rows]
            exact = self.engine.exact(pks, self.query.phrases, public.db, field)
            return want, rows, [row for row in rows if row[0] in exact]

        return self._walk(limit, step)

    def _from_newest(self, limit, field=None):
        """Walk the newest public articles along their index a chunk at a time and keep those
        the index matches (`exact` on the chunk: on SQLite a chunk of recent articles is a
        narrow range of ids, a cheap read of the index's lists; PostgreSQL reads each row of
        the chunk). The first chunk is the window and an eighth; each next one is sized by
        the share of the last that matched, at most CHUNK windows. None when fewer than one
        in DENSE of the first chunk matched: walking on would cost more than reading the
        matches (_from_matches). A filter (a column, dates) walks only its own list."""
        share, first = 1.0, True

        def step(public, want):
            nonlocal share, first
            size = min(int(want / max(share, 1 / DENSE) * 9 / 8) + 16, CHUNK * limit)
            rows = list(public.order_by(*paging.ORDER).values_list("pk", AS_TEXT)[:size])
            pks = [pk for pk, _ in rows]
            exact = self.engine.exact(pks, self.query.phrases, public.db, field)
            kept = [row for row in rows if row[0] in exact]
            share = len(kept) / len(rows) if rows else share
            if first and len(rows) == size and share < 1 / DENSE:
                raise _Sparse
            first = False
            return size, rows, kept

        try:
            return self._walk(limit, step)
        except _Sparse:
            return None

    def _rank(self):
        if self._ranked is None:
            if not self.query.searchable:
                self._ranked = []
                return self._ranked
            found = self._window()
            limit = ranked_max()
            self.capped = len(found) > limit
            found = found[:limit]
            pks = [pk for pk, _ in found]
            score = self.engine.scores(pks, self.query.phrases, self.articles.db)
            if self.capped:
                # More matches than are ranked: the newest TITLE_WINDOW naming the query in
                # their title, however old, are ranked with them (when the newest matches
                # hold fewer title matches than that, the older ones would be out of reach).
                seen = set(pks)
                older = [row for row in self._window("title", TITLE_WINDOW) if row[0] not in seen]
                found += older
                extra = [pk for pk, _ in older]
                score.update(self.engine.scores(extra, self.query.phrases, self.articles.db))
            # Newest first so far (the older title matches are older than the newest matches):
            # a stable sort keeps that order among equal scores.
            ranked = sorted((pk for pk, _ in found), key=lambda pk: -score[pk])
            self._ranked = ranked[:limit]
        return self._ranked

    def count(self):
        return len(self._rank())

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("SearchResults are read a page (a slice) at a time")
        pks = self._rank()[index]
        if not pks:
            return []
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
    using="default",
):
    """Public articles matching the query, best first (see the module's docstring).

    Public is decided now, by Article.objects.published(): drafts, scheduled articles before
    their time and articles taken down never come back, whatever the index holds.
    column: a Column; start, end: aware datetimes, published_at in [start, end).
    articles: the queryset the results are loaded through (for its select_related and
    prefetches; Article.objects by default).
    """
    articles = Article.objects.using(using) if articles is None else articles
    now = timezone.now() if now is None else now

    def public(until=None):
        # One upper bound on published_at (published_between says why): the cursor's time
        # while walking further, else the earlier of `end` and now.
        found = Article.objects.using(articles.db).published_between(
            start, end, now=now if until is None else min(until, now)
        )
        return found if column is None else found.filter(column=column)

    return SearchResults(query, articles, public)

"""Which articles match a query, and in which order.

Ranking: where the query is found counts, then recency. Each term (what the reader typed
between spaces) scores 8 if it is in the title, 4 in a section heading, 2 in the kicker,
subtitle or summary, 1 in a caption, added up over fields and terms; the body counts for
matching but adds nothing. Weights double at each step, so a match in the title outranks one
in every lower field together. Equal scores, the common case, go newest first.

Why this rather than the engines' own relevance (FTS5's bm25, PostgreSQL's ts_rank): they are
different formulas (bm25 weighs rare words and short fields up, ts_rank does neither), so the
same query would come back in a different order on SQLite and on PostgreSQL; PostgreSQL has
four weight labels for the five fields; and ts_rank reads every matching article's whole
index entry, which for a one-character query is most of the archive. Here each (term, field)
is one lookup in the index (an FTS5 column filter, a GIN index on the short fields), so both
engines give the same order, and a newspaper's readers get the newest story first among
those that name the query in the same places.
"""

from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL

from ..models import Article
from .backends import backend

WEIGHTS = {"title": 8, "headings": 4, "summary": 2, "captions": 1}


def matching_ids(query, using="default"):
    """A RawSQL subquery of the ids of the articles (any status) holding every term."""
    return RawSQL(*backend(using).match(query.phrases))


def filter_articles(queryset, query, using="default"):
    """The articles of `queryset` that match the query (nothing if nothing in it can be
    searched): the admin's list search."""
    if not query.searchable:
        return queryset.none()
    return queryset.filter(pk__in=matching_ids(query, using))


def search_articles(query, *, column=None, start=None, end=None, now=None, using="default"):
    """Public articles matching the query, best first (see the module's docstring).

    Public is decided now, by Article.objects.published(): drafts, scheduled articles before
    their time and articles taken down never come back, whatever the index holds.
    column: a Column; start, end: aware datetimes, published_at in [start, end).
    """
    articles = Article.objects.using(using).published(now)
    if column is not None:
        articles = articles.filter(column=column)
    if start is not None:
        articles = articles.filter(published_at__gte=start)
    if end is not None:
        articles = articles.filter(published_at__lt=end)
    articles = filter_articles(articles, query, using)
    if not query.searchable:
        return articles
    engine = backend(using)
    score = Value(0)
    for phrase in query.phrases:
        for field, weight in WEIGHTS.items():
            found = RawSQL(*engine.match([phrase], field))
            score = score + Case(
                When(pk__in=found, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return articles.annotate(search_score=score).order_by("-search_score", "-published_at", "-id")

"""Keyset pagination of the public lists: home, column and author pages, archive days.

A list page is "the PAGE_SIZE newest public articles older than a cursor": `?before=<cursor>`,
where the cursor is a position in the list's order (publication time, then id, both newest
first), written `20260630T153000Z-1234` (UTC; `.123456` before the Z when the time has
microseconds). The first page has no cursor. Each page links to the next older one (before its
last article) and to the newer one (before the article PAGE_SIZE places up, or the first page).

Why keyset and not page numbers: `?page=N` made the database walk past (N - 1) x PAGE_SIZE
rows (OFFSET) and count the whole list (the paginator's COUNT) on every page, so page 2,000 of
a 100,000-article archive cost a hundred times page 1. A cursor is a seek in the indexes the
lists already use (article_public_newest, article_column_newest: status or column, then
published_at and id, newest first): every page costs what the first one costs, at any depth,
and asks no count. A page's address also keeps its articles when new ones are published (page
N slid by one article with every new one), which is what the page cache, browsers and crawlers
want of an address. Readers who want a month or a day go to the archive by date
(/archive/, articles/by_date.py), linked from every list's last page.

Old `?page=N` links keep working for the first LEGACY_PAGE_LIMIT pages: they are redirected
(302: where page N starts moves as articles are published) to the cursor page that starts
where page N started then, found with a bounded OFFSET. Deeper numbers get a 404 page that
points to the archive by date; a number that is not one (abc, -1) goes to the first page.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone

PAGE_SIZE = 20
# ?page=N links from before keyset pagination are followed this deep (OFFSET <= 1,980 rows).
LEGACY_PAGE_LIMIT = 100

# The years a list cursor, a search's dates and the admin's date filters may name: a newspaper's,
# and far from the calendar's ends, where a Shanghai midnight has no UTC time (year 1) or a
# month no end (9999-12): 500s otherwise.
FIRST_YEAR, LAST_YEAR = 1900, 2999

CURSOR = re.compile(r"(\d{8}T\d{6})(?:\.(\d{6}))?Z-([1-9][0-9]{0,17})")
ORDER = ("-published_at", "-id")


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the publication time and id of an article (or between two)."""

    published_at: datetime
    pk: int

    @classmethod
    def of(cls, article):
        return cls(article.published_at, article.pk)

    @classmethod
    def parse(cls, value):
        """The cursor `value` writes, or None if it is not one as this site writes them."""
        found = CURSOR.fullmatch(value or "")
        if found is None:
            return None
        seconds, micro, pk = found.groups()
        try:
            moment = datetime.strptime(seconds, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        except ValueError:  # 20261332T…: no such day
            return None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            return None
        return cls(moment.replace(microsecond=int(micro or 0)), int(pk))

    def __str__(self):
        moment = self.published_at.astimezone(UTC)
        text = moment.strftime("%Y%m%dT%H%M%S")
        if moment.microsecond:
            text += f".{moment.microsecond:06d}"
        return f"{text}Z-{self.pk}"


def is_cursor(value):
    """A cursor written as the site writes it (for the page cache: one address per page)."""
    cursor = Cursor.parse(value)
    return cursor is not None and str(cursor) == value


def older_than(queryset, cursor):
    """The rows of queryset strictly before cursor in the list's order. queryset must already
    end at the cursor's time (public by then: published(now=cursor.published_at)), so that the
    index is read between one lower and one upper bound; the OR only sorts out ties."""
    t = cursor.published_at
    return queryset.filter(Q(published_at__lt=t) | Q(published_at=t, pk__lt=cursor.pk))


def at_or_newer(queryset, cursor):
    t = cursor.published_at
    return queryset.filter(Q(published_at__gt=t) | Q(published_at=t, pk__gte=cursor.pk)).filter(
        published_at__gte=t
    )


def _plain(queryset):
    return queryset.prefetch_related(None).select_related(None).order_by()


@dataclass
class KeysetPage:
    """One page of a list, as the templates read it."""

    articles: list
    cursor: Cursor | None  # None: the first page
    older: Cursor | None  # the next page's cursor, None on the last page
    newer: Cursor | None  # the previous page's cursor (None with has_newer: the first page)
    has_newer: bool
    cursor_is_real: bool  # the cursor is an article of this list: a page worth storing

    @property
    def is_first(self):
        return self.cursor is None

    @property
    def is_last(self):
        return self.older is None

    def __iter__(self):
        return iter(self.articles)

    def __len__(self):
        return len(self.articles)


def keyset_page(public, cursor=None, size=PAGE_SIZE):
    """The page of a list that starts after `cursor` (None: the first page).

    public(now): the list's queryset (any filter) of the articles public at `now`
    (ArticleQuerySet.published(now) or published_between(..., now=now)); it is asked for the
    articles public at the cursor's time, which bounds the index range at the cursor.

    Two queries, each reading at most size + 1 rows through an index: the page (and whether
    there is an older one), and, on any page but the first, where the newer page starts.
    """
    now = timezone.now()
    if cursor is None:
        rows = list(public(now).order_by(*ORDER)[: size + 1])
    else:
        until = min(now, cursor.published_at)
        rows = list(older_than(public(until), cursor).order_by(*ORDER)[: size + 1])
    articles, more = rows[:size], len(rows) > size
    newer, has_newer, real = None, False, False
    if cursor is not None:
        ahead = list(
            at_or_newer(_plain(public(now)), cursor)
            .order_by("published_at", "id")
            .values_list("published_at", "id")[: size + 1]
        )
        has_newer = bool(ahead)
        real = bool(ahead) and ahead[0] == (cursor.published_at, cursor.pk)
        if len(ahead) > size:
            newer = Cursor(*ahead[size])
    return KeysetPage(
        articles=articles,
        cursor=cursor,
        older=Cursor.of(articles[-1]) if more else None,
        newer=newer,
        has_newer=has_newer,
        cursor_is_real=real,
    )


def legacy_cursor(public, number, size=PAGE_SIZE):
    """Where old page `number` starts: the cursor of the article before it; None if there is
    no such page or it lies deeper than LEGACY_PAGE_LIMIT (the OFFSET stays bounded)."""
    if not 2 <= number <= LEGACY_PAGE_LIMIT:
        return None
    offset = (number - 1) * size
    rows = list(
        _plain(public(timezone.now()))
        .order_by(*ORDER)
        .values_list("published_at", "id")[offset - 1 : offset + 1]
    )
    return Cursor(*rows[0]) if len(rows) == 2 else None

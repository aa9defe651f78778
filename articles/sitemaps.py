"""Sitemaps for search engines: one sitemap index over files of at most 50,000 URLs each.

/sitemap.xml is the index (django.contrib.sitemaps' own index view), listing each file with
its lastmod; robots.txt names only the index. The files, /sitemap-<section>.xml:

- articles-1, articles-2, ...: the public articles whose id falls in one block of
  ARTICLES_PER_FILE ids (1-50,000, 50,001-100,000, ...). Blocks of ids, not pages of a count:
  a file's articles stay in it as others are published, unpublished or deleted (a new article
  only ever joins the newest block), so a file's lastmod (the newest publication or edit of
  its articles) moves only when one of its own articles changed, and crawlers fetch again
  only what changed. A block with no public article is not listed. Every file holds at most
  ARTICLES_PER_FILE URLs, the sitemaps protocol's limit by default.
- news: Google News, the articles published in the last two days (at most 1,000).
- columns, authors: those with public articles, lastmod their newest one's publication.
- archive: the archive by date (articles/by_date.py): its index, years and months.
- epaper: the digital edition's pages (epaper/sitemaps.py).

Every section but the article blocks is paginated by Django's sitemap view (?p=2) past
50,000 URLs, and the index lists those pages too. The index asks the database one grouped
query for every block's count and lastmod, and one indexed query for each other section's
lastmod: no section's items are loaded to build it.

Every sitemap goes through the page cache (articles/urls.py) like every public page.
"""

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import NamedTuple

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils import timezone

from epaper.sitemaps import EditionPageSitemap

from . import by_date
from .links import link
from .models import Article, Author, Column
from .pagecache import cached_page, page_number

# The sitemaps protocol's limit (and Google's): URLs in one file. Tests set it lower.
ARTICLES_PER_FILE = 50_000
# Google News reads only articles published in the last two days.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000

BLOCK_SECTION = re.compile(r"articles-([1-9][0-9]{0,8})")


def article_lastmod(item):
    return max(item.published_at, item.updated_at)


class Block(NamedTuple):
    count: int
    lastmod: object  # datetime


def article_blocks(size=None):
    """{block number: Block(count, lastmod)} for every block of ids with public articles, in
    one grouped query (no row is loaded)."""
    size = size or ARTICLES_PER_FILE
    rows = (
        Article.objects.published()
        .annotate(block=(F("id") - 1) / size + 1)
        .order_by()
        .values("block")
        .annotate(count=Count("id"), updated=Max("updated_at"), published=Max("published_at"))
        .order_by("block")
    )
    return {
        row["block"]: Block(row["count"], max(row["updated"], row["published"])) for row in rows
    }


class ArticleSitemap(Sitemap):
    """The public articles of one block of ids (see the module's docstring).

    A file holds up to 50,000 URLs, so each costs little: rows as named tuples rather than
    model instances, and the address written into the article URL's own pattern rather than
    reversed 50,000 times (bench/list_pages.py: a tenth of the time per URL)."""

    changefreq = "weekly"

    def __init__(self, block=1, known=None, size=None):
        self.block = block
        self.size = size or ARTICLES_PER_FILE
        self.limit = self.size
        self.known = known  # Block(count, lastmod), when the index has worked them out

    def items(self):
        low = (self.block - 1) * self.size
        return (
            Article.objects.published()
            .filter(pk__gt=low, pk__lte=low + self.size)
            .order_by("pk")
            .values_list("pk", "slug", "published_at", "updated_at", named=True)
        )

    @functools.cached_property
    def pattern(self):
        return article_pattern()

    def location(self, item):
        return article_address(item.pk, item.slug, self.pattern)

    def lastmod(self, item):
        return article_lastmod(item)

    def get_latest_lastmod(self):
        if self.known is not None:
            return self.known.lastmod
        found = (
            Article.objects.published()
            .filter(pk__gt=(self.block - 1) * self.size, pk__lte=self.block * self.size)
            .aggregate(updated=Max("updated_at"), published=Max("published_at"))
        )
        return max(found["updated"], found["published"]) if found["updated"] else None

    @property
    def paginator(self):
        paginator = super().paginator
        if self.known is not None:
            paginator.count = self.known.count  # Paginator.count is a cached_property
        return paginator


PK_MARK, SLUG_MARK = 987654321987, "slug-mark"
PLAIN_SLUG = re.compile(r"[A-Za-z0-9_-]+")


def article_pattern():
    return link("articles:detail", pk=PK_MARK, slug=SLUG_MARK)


def article_address(pk, slug, pattern=None):
    """Article.get_absolute_url() for a row: the URL pattern (article_pattern(), reversed
    once) with the id and the slug written in; a slug of other characters goes through
    reverse()."""
    if not PLAIN_SLUG.fullmatch(slug):
        return link("articles:detail", pk=pk, slug=slug)
    pattern = pattern or article_pattern()
    return pattern.replace(str(PK_MARK), str(pk), 1).replace(SLUG_MARK, slug, 1)


def newest_published(outer_field):
    """A subquery: the newest publication time among the public articles of the outer row."""
    return Subquery(
        Article.objects.published()
        .filter(**{outer_field: OuterRef("pk")})
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def newest(queryset):
    return queryset.order_by("-published_at").values_list("published_at", flat=True).first()


class ColumnSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # A column or author page with nothing public on it is not worth a crawler's visit.
        return (
            Column.objects.annotate(newest=newest_published("column"))
            .filter(newest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, item):
        return item.newest

    def get_latest_lastmod(self):
        return newest(Article.objects.published().filter(column__isnull=False))


class AuthorSitemap(ColumnSitemap):
    def items(self):
        return (
            Author.objects.annotate(newest=newest_published("authors"))
            .filter(newest__isnull=False)
            .order_by("name")
        )

    def get_latest_lastmod(self):
        return newest(Article.objects.published().filter(bylines__isnull=False))


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("pk", "slug", "title", "published_at", "updated_at")
        )

    def lastmod(self, item):
        return article_lastmod(item)

    def get_latest_lastmod(self):
        found = self.items().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max(found["updated"], found["published"]) if found["updated"] else None


class Later(Sequence):
    """A list made only when first read."""

    def __init__(self, make):
        self.make = make

    @functools.cached_property
    def items(self):
        return self.make()

    def __getitem__(self, index):
        return self.items[index]

    def __len__(self):
        return len(self.items)


class ArchivePage(NamedTuple):
    path: str
    lastmod: object


class ArchiveSitemap(Sitemap):
    """The archive by date's index, years and months (day pages are linked from months).
    A page's lastmod is the publication time of its newest article: what changes its list."""

    changefreq = "daily"

    def items(self):
        found = by_date.span()
        if found is None:
            return []
        first, last = found
        pages = []
        for year in range(last.year, first.year - 1, -1):
            months = []
            for month in range(12, 0, -1):
                if not (first.year, first.month) <= (year, month) <= (last.year, last.month):
                    continue
                moment = newest(
                    by_date.between(
                        by_date.instant(year, month),
                        by_date.instant(*by_date.month_after(year, month)),
                    )
                )
                if moment is not None:
                    path = link("articles:archive-month", year=year, month=month)
                    months.append(ArchivePage(path, moment))
            if months:
                pages.append(
                    ArchivePage(link("articles:archive-year", year=year), months[0].lastmod)
                )
                pages.extend(months)
        return [ArchivePage(link("articles:archive"), pages[0].lastmod), *pages] if pages else []

    def location(self, item):
        return item.path

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        return newest(by_date.public())

    @property
    def paginator(self):
        # An index, one page a year and one a month: a few hundred URLs for a century, always
        # one file. Said here, so the sitemap index does not work out every month to count
        # them: the items are found only when the file itself is asked for.
        paginator = Paginator(Later(self.items), self.limit)
        paginator.count = self.limit  # a full page: its one page slices past the end
        return paginator


class PublicEditionPages(EditionPageSitemap):
    def get_latest_lastmod(self):
        from epaper.views import public_editions

        return public_editions().aggregate(newest=Max("updated_at"))["newest"]


SECTIONS = {
    "news": NewsSitemap,
    "columns": ColumnSitemap,
    "authors": AuthorSitemap,
    "archive": ArchiveSitemap,
    "epaper": PublicEditionPages,  # the digital edition's pages (epaper/sitemaps.py)
}
# The news section's own template: Google News's tags (publication, language, title).
TEMPLATES = {"news": "articles/sitemap_news.xml"}


class Sections(Mapping):
    """The sitemap index's sections for one request: the article blocks that have public
    articles, then the other sections that have something to list (an empty section is left
    out of the index: it would have no lastmod). Looking one up works out no other."""

    def __init__(self):
        self._blocks = None
        self._made = {}

    def blocks(self):
        if self._blocks is None:
            self._blocks = article_blocks()
        return self._blocks

    def __getitem__(self, name):
        if name not in self._made:
            self._made[name] = self._make(name)
        return self._made[name]

    def _make(self, name):
        if name in SECTIONS:
            sitemap = SECTIONS[name]()
            # Asked by the index for its lastmod, then by Django's index view again: once.
            sitemap.get_latest_lastmod = functools.cache(sitemap.get_latest_lastmod)
            return sitemap
        found = BLOCK_SECTION.fullmatch(name)
        if found is None:
            raise KeyError(name)
        block = int(found.group(1))
        if self._blocks is not None:
            if block not in self._blocks:
                raise KeyError(name)
            return ArticleSitemap(block, known=self._blocks[block])
        sitemap = ArticleSitemap(block)
        if not sitemap.items().exists():
            raise KeyError(name)  # no public article in this block: no such file
        return sitemap

    def __iter__(self):
        for block in self.blocks():
            yield f"articles-{block}"
        for name in SECTIONS:
            if self[name].get_latest_lastmod() is not None:
                yield name

    def __len__(self):
        return sum(1 for _ in self)


@cached_page
def sitemap_index(request):
    """/sitemap.xml: Django's sitemap index over Sections(), each file with its lastmod."""
    return index(request, Sections(), sitemap_url_name="articles:sitemap-section")


@cached_page(query={"p": page_number})  # Django's sitemap view reads ?p= (past 50,000 URLs)
def sitemap_section(request, section):
    """/sitemap-<section>.xml: one file of the index, through Django's sitemap view."""
    template = TEMPLATES.get(section, "articles/sitemap.xml")
    return sitemap(request, Sections(), section=section, template_name=template)

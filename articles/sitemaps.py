"""Sitemaps for search engines: articles, columns, authors, and a Google News sitemap."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from epaper.sitemaps import EditionPageSitemap

from .models import Article, Author, Column

# Google News reads only articles published in the last two days.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().only("pk", "slug", "published_at", "updated_at")

    def lastmod(self, item):
        return max(item.published_at, item.updated_at)


def newest_published(outer_field):
    """A subquery: the newest publication time among the public articles of the outer row."""
    return Subquery(
        Article.objects.published()
        .filter(**{outer_field: OuterRef("pk")})
        .order_by("-published_at")
        .values("published_at")[:1]
    )


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


class AuthorSitemap(ColumnSitemap):
    def items(self):
        return (
            Author.objects.annotate(newest=newest_published("authors"))
            .filter(newest__isnull=False)
            .order_by("name")
        )


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("pk", "slug", "title", "published_at", "updated_at")
        )

    def lastmod(self, item):
        return max(item.published_at, item.updated_at)


SITEMAPS = {
    "articles": ArticleSitemap,
    "columns": ColumnSitemap,
    "authors": AuthorSitemap,
    "epaper": EditionPageSitemap,  # the digital edition's pages (epaper/sitemaps.py)
}
NEWS_SITEMAPS = {"news": NewsSitemap}

from django.urls import path, register_converter

from . import by_date, feeds, views
from .methods import read_only
from .pagecache import cached_page
from .sitemaps import sitemap_index, sitemap_section

app_name = "articles"


class ArchiveYear:
    """A year in the archive's addresses: four digits (0000 matches, and the view says 404).
    Anything else (26, 20260, a hundred digits) matches no address: a 404, never a 500."""

    regex = "[0-9]{4}"
    width = 4

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.width}d}"


class ArchiveMonthOrDay(ArchiveYear):
    """A month or a day: two digits, 06 and 09 (not 6)."""

    regex = "[0-9]{2}"
    width = 2


register_converter(ArchiveYear, "archive_year")
register_converter(ArchiveMonthOrDay, "archive_2d")

# Every page here is read-only, for anyone: GET and HEAD, nothing else (articles/methods.py).
# Every one but the share previews is kept in the page cache (articles/pagecache.py): the
# views decorate themselves; the feeds, Django's own views, are decorated here.
feed_rss = cached_page(feeds.LatestArticlesFeed())
feed_atom = cached_page(feeds.LatestArticlesAtomFeed())


urlpatterns = [
    path("", read_only(views.home), name="home"),
    path("articles/<int:pk>/", read_only(views.article_detail), name="detail-noslug"),
    path("articles/<int:pk>/<str:slug>/", read_only(views.article_detail), name="detail"),
    # Share-preview links: signed, expiring, never cached (see views.preview_article).
    path("preview/<str:token>/", read_only(views.preview_article), name="preview"),
    path("columns/<slug:slug>/", read_only(views.column_detail), name="column"),
    path("authors/<slug:slug>/", read_only(views.author_detail), name="author"),
    path("search/", read_only(views.search_view), name="search"),
    path("feeds/", read_only(views.feeds_page), name="feeds"),
    path("feeds/rss/", read_only(feed_rss), name="feed-rss"),
    path("feeds/atom/", read_only(feed_atom), name="feed-atom"),
    path("sitemap.xml", read_only(sitemap_index), name="sitemap"),
    path("sitemap-news.xml", read_only(sitemap_section), {"section": "news"}, name="sitemap-news"),
    path("sitemap-<str:section>.xml", read_only(sitemap_section), name="sitemap-section"),
    # The archive by date (articles/by_date.py): every public article, by newsroom date.
    path("archive/", read_only(by_date.archive_index), name="archive"),
    path("archive/<archive_year:year>/", read_only(by_date.archive_year), name="archive-year"),
    path(
        "archive/<archive_year:year>/<archive_2d:month>/",
        read_only(by_date.archive_month),
        name="archive-month",
    ),
    path(
        "archive/<archive_year:year>/<archive_2d:month>/<archive_2d:day>/",
        read_only(by_date.archive_day),
        name="archive-day",
    ),
    path("robots.txt", read_only(views.robots_txt), name="robots"),
]

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .methods import read_only
from .pagecache import cached_page, page_number
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "articles"

# Every page here is read-only, for anyone: GET and HEAD, nothing else (articles/methods.py).
# Every one but the share previews is kept in the page cache (articles/pagecache.py): the
# views decorate themselves; feeds and sitemaps, Django's own views, are decorated here.
feed_rss = cached_page(feeds.LatestArticlesFeed())
feed_atom = cached_page(feeds.LatestArticlesAtomFeed())
# Django's sitemap view reads ?p= (the sitemap's own pages).
sitemap_view = cached_page(query={"p": page_number})(sitemap)

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
    path("sitemap.xml", read_only(sitemap_view), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        read_only(sitemap_view),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("robots.txt", read_only(views.robots_txt), name="robots"),
]

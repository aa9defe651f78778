from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .caching import public_page
from .methods import read_only
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "articles"

# Every page here is read-only, for anyone: GET and HEAD, nothing else (articles/methods.py).
urlpatterns = [
    path("", read_only(views.home), name="home"),
    path("articles/<int:pk>/", read_only(views.article_detail), name="detail-noslug"),
    path("articles/<int:pk>/<str:slug>/", read_only(views.article_detail), name="detail"),
    # Share-preview links: signed, expiring, never cached (see views.preview_article).
    path("preview/<str:token>/", read_only(views.preview_article), name="preview"),
    path("columns/<slug:slug>/", read_only(views.column_detail), name="column"),
    path("authors/<slug:slug>/", read_only(views.author_detail), name="author"),
    path("search/", read_only(views.search_view), name="search"),
    path("feeds/rss/", read_only(public_page(feeds.LatestArticlesFeed())), name="feed-rss"),
    path("feeds/atom/", read_only(public_page(feeds.LatestArticlesAtomFeed())), name="feed-atom"),
    path("sitemap.xml", read_only(public_page(sitemap)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        read_only(public_page(sitemap)),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("robots.txt", read_only(views.robots_txt), name="robots"),
]

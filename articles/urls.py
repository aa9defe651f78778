from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .caching import public_page
from .sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail-noslug"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    # Share-preview links: signed, expiring, never cached (see views.preview_article).
    path("preview/<str:token>/", views.preview_article, name="preview"),
    path("columns/<slug:slug>/", views.column_detail, name="column"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("search/", views.search_view, name="search"),
    path("feeds/rss/", public_page(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feeds/atom/", public_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        public_page(sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]

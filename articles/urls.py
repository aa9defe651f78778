from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
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
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "稿件"

    def ready(self):
        # signals connects the rendition and file handlers, search the index's (search/index.py).
        from . import pagecache, search, signals  # noqa: F401

        pagecache.connect_signals()

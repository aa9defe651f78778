from django.apps import AppConfig


class EpaperConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "epaper"
    verbose_name = "数字报"

    def ready(self):
        from . import signals  # noqa: F401  (files follow their rows; pages re-key the cache)

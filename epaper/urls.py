from django.urls import path, register_converter

from articles.methods import read_only
from articles.pagecache import cached_page

from . import views


class IsoDate:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        from datetime import date

        return date.fromisoformat(value)  # ValueError (2026-02-30) makes the URL not match

    def to_url(self, value):
        return value if isinstance(value, str) else value.isoformat()


register_converter(IsoDate, "isodate")

app_name = "epaper"

# Readers' pages: GET and HEAD only, served from the site's page cache like every public page.
urlpatterns = [
    path("", read_only(cached_page(views.latest)), name="latest"),
    path("<isodate:date>/", read_only(cached_page(views.edition)), name="edition"),
    path("<isodate:date>/<str:code>/", read_only(cached_page(views.page)), name="page"),
]

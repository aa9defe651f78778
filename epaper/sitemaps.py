"""The digital edition's pages for search engines (listed in /sitemap.xml beside the articles).

A story's canonical URL stays its article page: the edition's pages link to it, and the
article page names itself canonical.
"""

from django.contrib.sitemaps import Sitemap

from .models import Page
from .views import public_editions


class EditionPageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Page.objects.filter(edition__in=public_editions().values("pk"))
            .select_related("edition")
            .only("code", "edition__date", "edition__updated_at")
            .order_by("-edition__date", "position")
        )

    def lastmod(self, item):
        return item.edition.updated_at

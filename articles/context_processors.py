from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

# The header's 栏目 row names at most this many columns: a page's size and its query stay
# bounded whatever the desk creates.
CHANNEL_LIMIT = 24


def channel_columns():
    """The columns readers can open a public article in, by name: the header's 栏目 row."""
    from .models import Article, Column

    public = Article.objects.published().filter(column=OuterRef("pk"))
    return list(Column.objects.filter(Exists(public)).only("name", "slug")[:CHANNEL_LIMIT])


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        # The page's address without its query string: the default canonical URL.
        "absolute_path": request.build_absolute_uri(request.path),
        # Read only by the pages that show the header's 栏目 row (base.html): one query then.
        "channels": SimpleLazyObject(channel_columns),
    }

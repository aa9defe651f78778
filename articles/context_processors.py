from django.conf import settings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        # The page's address without its query string: the default canonical URL.
        "absolute_path": request.build_absolute_uri(request.path),
    }

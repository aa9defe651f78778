from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's); send them ours.
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static as serve_from

    urlpatterns += serve_from(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

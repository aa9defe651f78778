from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from articles.methods import read_only

from .health import healthz
from .media import media_urlpatterns


def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's); send them ours.
    return redirect(static("favicon.svg"), permanent=True)


# Django's own 400 page is English; ours says what went wrong and what to do (errors.py).
handler400 = "qiantang_site.errors.bad_request"
# And its 403 a bare English "403 Forbidden": staff without a permission get ours.
handler403 = "qiantang_site.errors.permission_denied"

urlpatterns = [
    # GET and HEAD only, 405 otherwise (a POST got the CSRF page before): as readers' pages.
    path("healthz", read_only(healthz), name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("favicon.ico", favicon),
    path("epaper/", include("epaper.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Outside a local trial, nginx or the CDN serves media (docs/deploy.md). Only renditions:
    # originals keep the photographer's EXIF and GPS and are never served (media.py).
    urlpatterns += media_urlpatterns()

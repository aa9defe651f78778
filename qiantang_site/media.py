"""Serving local media from the app itself: only for `make serve-prod` on one machine.

In production nginx or the CDN serves media (docs/deploy.md). When the app does it
(DJANGO_SERVE_MEDIA=1, or debug), only renditions go out, with the same rules: a picture type
or a plain download, never a type a browser would run, and a sandboxing CSP in case one is
opened anyway. Originals keep the photographer's EXIF and GPS and are never served.
"""

import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.urls import re_path
from django.views.static import serve

from articles.methods import read_only

from .storage import safe_content_type

RENDITIONS = "renditions"


def rendition_file(path):
    """The file under MEDIA_ROOT/renditions/ that `path` names, or None.

    `path` is what follows /media/renditions/ in the URL, already percent-decoded, so `%2e%2e`
    and `%2f` arrive here as `..` and `/`. Django's serve() would normalise `renditions/../x`
    to `x` and find it inside MEDIA_ROOT, which is how originals leaked. So a name is taken
    only when it is already in its normal form (no `..`, `.`, empty parts, backslashes or NUL:
    rendition names never have them) and, with symbolic links resolved, it still lies inside
    the renditions folder.
    """
    if not path or "\\" in path or "\0" in path or path.startswith("/"):
        return None
    if posixpath.normpath(path) != path or path.split("/")[0] in {"..", "."}:
        return None
    root = (Path(settings.MEDIA_ROOT) / RENDITIONS).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or target == root:
        return None
    return target.relative_to(root).as_posix()


def serve_media(request, path):
    name = rendition_file(path)
    if name is None:
        raise Http404("没有这个文件。")
    # The renditions folder is serve()'s whole world: even its own checks cannot reach past it.
    response = serve(request, name, document_root=Path(settings.MEDIA_ROOT) / RENDITIONS)
    content_type = safe_content_type(name)
    response.headers["Content-Type"] = content_type
    if content_type == "application/octet-stream":
        response.headers["Content-Disposition"] = "attachment"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def media_urlpatterns():
    """The URL of renditions, when the app serves media itself; none when MEDIA_URL is a CDN."""
    prefix = settings.MEDIA_URL.lstrip("/")
    if not prefix or settings.MEDIA_URL.startswith(("http://", "https://")):
        return []
    # GET and HEAD only: TRACE and OPTIONS were answered with the whole picture.
    view = read_only(serve_media)
    return [re_path(rf"^{re.escape(prefix + RENDITIONS)}/(?P<path>.*)$", view)]

"""Serving local media from the app itself: only for `make serve-prod` on one machine.

In production nginx or the CDN serves media (docs/deploy.md). When the app does it
(DJANGO_SERVE_MEDIA=1), files go out with the same rules: a picture type or a plain download,
never a type a browser would run, and a sandboxing CSP in case one is opened anyway.
"""

from django.views.static import serve

from .storage import safe_content_type


def serve_media(request, path, document_root=None):
    response = serve(request, path, document_root=document_root)
    content_type = safe_content_type(path)
    response.headers["Content-Type"] = content_type
    if content_type == "application/octet-stream":
        response.headers["Content-Disposition"] = "attachment"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

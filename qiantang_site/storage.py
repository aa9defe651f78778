"""Media storage on S3-compatible object storage (DJANGO_MEDIA_STORAGE=s3).

One bucket, two kinds of file, told apart by the name the photos pipeline gives them:
- originals/...  as uploaded; private. Only staff see them, through signed links that expire.
- renditions/... resized copies that readers load; public, linked at MEDIA_URL (a CDN in
  front of the bucket, or a bucket policy that lets anyone read renditions/*).
Every object gets a Content-Type from a short list of picture types; anything else is stored
as a download (application/octet-stream, attachment), so an uploaded page or script is never
run by a browser from our domain or the CDN's.
"""

import mimetypes

from django.conf import settings
from storages.backends.s3 import S3Storage

PUBLIC_PREFIXES = ("renditions/",)

SAFE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/avif",
    "image/gif",
}


def safe_content_type(name):
    """The Content-Type a stored file is served with: a picture type, or a plain download."""
    guessed, _ = mimetypes.guess_type(name)
    return guessed if guessed in SAFE_TYPES else "application/octet-stream"


def is_public(name):
    return name.startswith(PUBLIC_PREFIXES)


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        content_type = safe_content_type(name)
        params["ContentType"] = content_type
        if content_type == "application/octet-stream":
            params["ContentDisposition"] = "attachment"
        if is_public(name):
            # Renditions never change under one name: caches may keep them for a year.
            params.setdefault("CacheControl", "public, max-age=31536000, immutable")
        else:
            params.setdefault("CacheControl", "private, no-store")
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if name and is_public(name):
            # MEDIA_URL is the CDN, or the bucket's own address (settings.py works it out).
            return settings.MEDIA_URL + name.lstrip("/")
        return super().url(name, parameters, expire, http_method)

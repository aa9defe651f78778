"""HTTP headers of public pages: who may keep them, validators, compression.

- A public page says `Cache-Control: public, max-age=60, stale-while-revalidate=300`
  (settings.PUBLIC_PAGE_*), so browsers, nginx's micro-cache and a CDN may keep it a minute.
- A request that carries a session (staff: previews, edit links) gets `private, no-cache`, and
  a view that decided for itself (never_cache on previews) keeps what it set.
- A page is sent as stored bytes (StoredPage): the plain page and the same page gzipped once,
  with an ETag of its content; a conditional request gets a 304.

Used by the page cache (articles/pagecache.py), which marks, stores and answers every public
page.
"""

import gzip
import hashlib
import time
from typing import NamedTuple

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.template.response import SimpleTemplateResponse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.http import http_date, parse_http_date_safe

# Headers a stored page is sent with that come from the page itself, not from the view's
# response: they are worked out again for every request (gzip or not, the cache's own).
RECOMPUTED = {"content-length", "content-encoding", "etag", "vary", "cache-control"}
# Level 4: 112 bytes more than level 9 for the first article, half the CPU (bench/pages.py).
GZIP_LEVEL = 4


def is_personal(request):
    """A request whose page may differ from a stranger's: it comes with a session."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def mark_public(request, response):
    """Cache-Control for a public page, unless the view or the request says otherwise."""
    if request.method not in ("GET", "HEAD") or response.status_code not in (200, 304):
        return response
    if response.has_header("Cache-Control"):
        return response  # the view decided (never_cache for previews)
    if is_personal(request) or has_vary_header(response, "Cookie"):
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_PAGE_MAX_AGE,
            stale_while_revalidate=settings.PUBLIC_PAGE_STALE_SECONDS,
        )
    return response


def may_share(response):
    """A response that is the same for every reader: no cookie set, not personal, not private.

    The view decides with Cache-Control (never_cache on previews); a response that sets a
    cookie or varies with one belongs to its reader.
    """
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Cache-Control")
        and not response.cookies
        and not has_vary_header(response, "Cookie")
    )


class StoredPage(NamedTuple):
    """A page as the page cache keeps it, and as the first reader gets it too."""

    content: bytes
    # The same bytes gzipped once, when it stores them (None when gzip would not be smaller).
    # No BREACH padding (GZipMiddleware's random bytes): a public page carries no secret
    # (no CSRF token, nothing personal: personal requests never get here), so there is
    # nothing for that attack to recover, and fixed bytes let every hit send the stored copy.
    compressed: bytes | None
    etag: str
    # Last-Modified, as a timestamp for comparisons and as the header's text.
    last_modified: int
    last_modified_header: str
    # The view's own headers (Content-Type, X-Robots-Tag on sitemaps, ...), as (name, value).
    headers: tuple


def store(response, last_modified=None):
    """The page a shareable response holds, compressed once and given its ETag."""
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.render()  # a TemplateResponse (Django's sitemap view) is rendered here
    content = response.content
    compressed = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in RECOMPUTED and name.lower() != "last-modified"
    )
    # The view's own (feeds, sitemaps), else the moment given: when the page was read.
    given = parse_http_date_safe(response.headers.get("Last-Modified", ""))
    if given is not None:
        last_modified = given
    last_modified = int(time.time() if last_modified is None else last_modified)
    return StoredPage(
        content=content,
        compressed=compressed if len(compressed) < len(content) else None,
        # As ConditionalGetMiddleware makes ETags, so a page has the same one either way.
        etag=quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
        last_modified=last_modified,
        last_modified_header=http_date(last_modified),
        headers=headers,
    )


def respond(request, page, *, age=None, warning=None):
    """A 304, or the stored page, gzipped when the request accepts it, marked public."""
    # If-None-Match compares weakly, so the plain page's tag and the gzipped page's W/ tag
    # both revalidate.
    response = get_conditional_response(request, etag=page.etag, last_modified=page.last_modified)
    if response is None:
        gzipped = page.compressed is not None and re_accepts_gzip.search(
            request.META.get("HTTP_ACCEPT_ENCODING", "")
        )
        response = HttpResponse(page.compressed if gzipped else page.content)
        for name, value in page.headers:
            response.headers[name] = value
        if gzipped:
            # GZipMiddleware leaves a response that has a Content-Encoding alone. Like it, the
            # ETag turns weak: the bytes differ from the plain page's, the content does not.
            response.headers["Content-Encoding"] = "gzip"
            response.headers["ETag"] = "W/" + page.etag
        else:
            response.headers["ETag"] = page.etag
        response.headers["Content-Length"] = str(len(response.content))
        response.headers["Last-Modified"] = page.last_modified_header
        patch_vary_headers(response, ("Accept-Encoding",))
    if age is not None:
        # Age: how old the page is, so that a cache downstream sees it stale once it is older
        # than max-age; Warning: that it is stale, for the people reading the headers.
        response.headers["Age"] = str(max(0, int(age)))
    if warning is not None:
        response.headers["Warning"] = warning
    return mark_public(request, response)

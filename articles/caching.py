"""Caching of public pages: HTTP headers for browsers and proxies, rendered pages in the cache.

- Public pages say `Cache-Control: public, max-age=60, stale-while-revalidate=300` (see
  settings.PUBLIC_PAGE_*), carry an ETag, and answer a conditional GET with 304.
- A public article page, once rendered, is kept in the shared cache (Redis in production) under
  a key built from what the page shows: the article's updated_at, the time of the site's last
  content change (SiteChange, written after every committed change to any article, section, figure,
  author or column), the time the latest article went live, the host and the release. All of
  it is read from the database in one query, so every app server builds the same key: an edit
  makes a new key and shows at once everywhere; nothing has to be found and deleted.
- A stored page is answered by ArticlePageCacheMiddleware, early in the middleware stack; a
  page not stored yet is rendered by the view and stored by cached_article_page.
- Never public, never kept: anything for a request that carries a session cookie (staff see
  previews, edit links, their own name), drafts and scheduled pieces (the view marks them
  never_cache), admin pages, and any page asked for with a query string (signed share links).
- The database unreachable: the key cannot be read, so the last page stored for the article
  (kept a day beside the keyed one, and dropped when the article is taken down) is answered,
  marked stale (Age, Warning: 110); with none, a 503 page in Chinese, never a 500.
"""

import gzip
import hashlib
import logging
import threading
import time
from datetime import datetime
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.http import http_date

from qiantang_site.errors import database_unavailable

from .compiled import CompiledQuery

logger = logging.getLogger(__name__)

# Long enough to spare the database under a rush; keys change on every edit anyway.
PAGE_SECONDS = 600
# How long the last page stored for an article stays to answer while the database is
# unreachable. Stored again with every render, so it covers any article read in the last day;
# longer would keep pages in Redis that nobody reads.
LAST_GOOD_SECONDS = 24 * 3600
# What a page answered from there says: RFC 9110's "110 Response is Stale" (obsolete in RFC
# 9111, but plain to a person or a monitor reading the headers), beside Age, which caches use.
STALE_WARNING = '110 - "Response is Stale"'


_commits = threading.local()


def record_site_change(sender, raw=False, **kwargs):
    """Note the time of a content change, once the transaction that makes it has committed.

    Written after the commit, not inside the transaction: an UPDATE of the one SiteChange row
    would hold its lock until the saving transaction ends (an admin save renders photos), and
    every editor's save of any article would wait for every other's. Until the row is
    written, a page rendered with the new content may be stored under the old key; it is the
    new content, and the next key replaces it.
    """
    # One write per committed transaction, however many rows it saved: callbacks of one
    # commit run in order, and the first one covers every change registered so far. Those of
    # a rolled-back transaction never run and are simply passed over.
    registered = getattr(_commits, "registered", 0) + 1
    _commits.registered = registered
    transaction.on_commit(lambda: _write_site_change(registered))


def _write_site_change(registered):
    from .models import SiteChange

    if registered <= getattr(_commits, "written", 0):
        return
    _commits.written = _commits.registered
    updated = SiteChange.objects.filter(pk=1).update(changed_at=timezone.now())
    if not updated:
        SiteChange.objects.get_or_create(pk=1, defaults={"changed_at": timezone.now()})


def _m2m_changed(sender, **kwargs):
    if sender._meta.app_label == "articles":
        record_site_change(sender, **kwargs)


def _last_good_key(pk):
    return f"page:article-last:{pk}"


def _forget_last_good_page(pk):
    key = _last_good_key(pk)
    transaction.on_commit(lambda: cache.delete(key))


def _article_saved(sender, instance, raw=False, **kwargs):
    # Taken down, or moved back under embargo: never answered again, even stale.
    if not raw and not instance.is_public:
        _forget_last_good_page(instance.pk)


def _article_deleted(sender, instance, **kwargs):
    _forget_last_good_page(instance.pk)


def connect_signals():
    from .models import Article, SiteChange

    for model in apps.get_app_config("articles").get_models():
        if model is SiteChange:
            continue
        uid = f"site-change-{model._meta.label}"
        post_save.connect(record_site_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(record_site_change, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="site-change-m2m")
    post_save.connect(_article_saved, sender=Article, dispatch_uid="last-good-save")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="last-good-delete")


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


def public_page(view):
    """Mark a view's pages public (browsers and proxies may keep them a short while)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_public(request, view(request, *args, **kwargs))

    return wrapped


def _state_queryset(pk, now):
    from .models import Article, SiteChange

    # One query: the article; when the latest article went live (the "related" list, and a
    # scheduled piece going live, change pages without any save); when content last changed.
    published = Article.objects.published(now)
    latest = published.order_by("-published_at").values("published_at")[:1]
    changed = SiteChange.objects.filter(pk=1).values("changed_at")[:1]
    return (
        published.filter(pk=pk)
        .annotate(went_live=Subquery(latest), site_changed=Subquery(changed))
        .values("slug", "updated_at", "published_at", "went_live", "site_changed")
        .order_by()[:1]
    )


# Compiled by the ORM once per database connection (articles/compiled.py): compiling it cost
# most of a cache hit. It is still read from the database on every request, so every server
# agrees.
STATE = CompiledQuery(_state_queryset, pk=int, now=datetime)


def _read_state(pk):
    """The article's row of the state query, with Python values, or None."""
    rows = STATE(pk=pk, now=timezone.now())
    return rows[0] if rows else None


def _article_state(request, pk, slug):
    """Key, ETag and Last-Modified of a public article page; None when it is not one."""
    head = _read_state(pk)
    if head is None or head["slug"] != slug:
        return None  # a draft, a 404 or a redirect: the view deals with it
    moments = [head["updated_at"], head["published_at"], head["went_live"]]
    if head["site_changed"] is not None:
        moments.append(head["site_changed"])
    parts = [str(pk), *(m.isoformat() for m in moments)]
    parts += [request.scheme, request.get_host(), settings.RELEASE]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return {
        # "gz": entries hold the plain and the gzipped page (older ones held only the plain).
        "key": f"page:article-gz:{pk}:{digest}",
        "etag": quote_etag(digest),
        "last_modified": int(max(moments).timestamp()),
    }


def _store(content, content_type):
    """What the cache keeps for a page: its bytes, and the same bytes gzipped once, now.

    Compressed here rather than by GZipMiddleware on every hit (a quarter of a hit's CPU for a
    22 KB page). No BREACH padding (GZipMiddleware's random bytes): a public page carries no
    secret (no CSRF token, nothing personal: personal requests never get here), so there is
    nothing for that attack to recover, and fixed bytes let every hit send the stored copy.
    """
    compressed = gzip.compress(content, compresslevel=4, mtime=0)
    return (content, compressed if len(compressed) < len(content) else None, content_type)


def _stored_response(request, stored, etag):
    """The stored page, gzipped when the request accepts it, as GZipMiddleware would send it."""
    content, compressed, content_type = stored
    if compressed is not None and re_accepts_gzip.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    ):
        response = HttpResponse(compressed, content_type=content_type)
        # GZipMiddleware leaves a response that has a Content-Encoding alone. Like it, the
        # ETag turns weak: the bytes differ from the plain page's, the content does not.
        response.headers["Content-Encoding"] = "gzip"
        response.headers["ETag"] = "W/" + etag
    else:
        response = HttpResponse(content, content_type=content_type)
        response.headers["ETag"] = etag
    response.headers["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


_NOT_YET = object()
# The state could not be read: the database is unreachable.
_DATABASE_DOWN = object()


def _may_be_stored(request):
    """A stranger's plain GET or HEAD: the only requests a stored page may answer.

    Any other method goes on to the view's read_only() (articles/methods.py) and gets its
    405: a TRACE or POST must never be sent the stored page.
    """
    return request.method in ("GET", "HEAD") and not request.GET and not is_personal(request)


def _request_state(request, pk, slug):
    """_article_state for a request that may be answered from the cache, else None; worked
    out once per request (the middleware and the view decorator share it)."""
    state = getattr(request, "_article_page_state", _NOT_YET)
    if state is _NOT_YET:
        state = None
        if _may_be_stored(request):
            try:
                state = _article_state(request, pk, slug)
            except (OperationalError, InterfaceError) as exc:
                # Not a bug to show as a 500: the database is down or unreachable.
                logger.warning(
                    "Database unavailable for an article page", extra={"error": str(exc)}
                )
                state = _DATABASE_DOWN
        request._article_page_state = state
    return state


def _respond(request, stored, state):
    response = _stored_response(request, stored, state["etag"])
    response.headers["Last-Modified"] = http_date(state["last_modified"])
    return mark_public(request, response)


def _from_cache(request, state):
    """A 304, or the stored page; None when the page is not stored (yet)."""
    # If-None-Match compares weakly, so the plain page's tag and the gzipped page's W/ tag
    # both revalidate.
    not_modified = get_conditional_response(
        request, etag=state["etag"], last_modified=state["last_modified"]
    )
    if not_modified is not None:
        return mark_public(request, not_modified)
    stored = cache.get(state["key"])
    if stored is None:
        state["missed"] = True
        return None
    return _respond(request, stored, state)


def _keep_last_good(request, pk, slug, stored, state):
    cache.set(
        _last_good_key(pk),
        {
            "slug": slug,
            # The page names its own address (canonical link, share tags): only for the same.
            "origin": (request.scheme, request.get_host()),
            "stored": stored,
            "etag": state["etag"],
            "last_modified": state["last_modified"],
            "stored_at": time.time(),
        },
        LAST_GOOD_SECONDS,
    )


def _last_good_response(request, pk, slug):
    """The last page stored for this article, marked stale; None when there is none to give."""
    kept = cache.get(_last_good_key(pk))
    if (
        kept is None
        or kept["slug"] != slug
        or kept["origin"] != (request.scheme, request.get_host())
    ):
        return None
    state = {"etag": kept["etag"], "last_modified": kept["last_modified"]}
    response = get_conditional_response(
        request, etag=state["etag"], last_modified=state["last_modified"]
    )
    if response is None:
        response = _respond(request, kept["stored"], state)
    else:
        response = mark_public(request, response)
    # Age: how old the page is, so that a cache downstream sees it stale once it is older than
    # max-age; Warning: that it is stale, for the people reading the headers.
    response.headers["Age"] = str(max(0, int(time.time() - kept["stored_at"])))
    response.headers["Warning"] = STALE_WARNING
    return response


def _database_down(request, pk, slug):
    return _last_good_response(request, pk, slug) or database_unavailable(request)


def cached_article_page(view):
    """Serve a public article from the shared cache, rendering it at most once per change."""

    @wraps(view)
    def wrapped(request, pk, slug=None):
        state = _request_state(request, pk, slug)
        if state is _DATABASE_DOWN:
            return _database_down(request, pk, slug)
        if state is None:
            return mark_public(request, view(request, pk, slug))
        if not state.get("missed"):  # ArticlePageCacheMiddleware has not looked yet
            response = _from_cache(request, state)
            if response is not None:
                return response
        response = view(request, pk, slug)
        if (
            response.status_code != 200
            or response.streaming
            or response.has_header("Cache-Control")
            or has_vary_header(response, "Cookie")
        ):
            return mark_public(request, response)
        stored = _store(response.content, response["Content-Type"])
        cache.set(state["key"], stored, PAGE_SECONDS)
        _keep_last_good(request, pk, slug, stored, state)
        # The first reader gets what every later one gets: the stored bytes.
        return _respond(request, stored, state)

    return wrapped


class ArticlePageCacheMiddleware:
    """Answers a public article page already in the cache before the rest of the stack runs.

    A reader's request carries no session (is_personal), so sessions, CSRF, authentication,
    messages and login throttling have nothing to do for it; skipping them made a cache hit
    cost about what a static file costs. It sits after the middleware that sets security
    headers (SecurityMiddleware, CSP, X-Frame-Options), so a hit carries every one of them.
    Anything else, and a page not stored yet, goes on to the view (cached_article_page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.from_cache(request)
        return self.get_response(request) if response is None else response

    @staticmethod
    def from_cache(request):
        if not _may_be_stored(request):
            return None  # before resolving the URL, which costs more than this
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name != "articles:detail":
            return None
        pk, slug = match.kwargs["pk"], match.kwargs.get("slug")
        state = _request_state(request, pk, slug)
        if state is _DATABASE_DOWN:
            return _database_down(request, pk, slug)
        return None if state is None else _from_cache(request, state)

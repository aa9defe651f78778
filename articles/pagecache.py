"""One cache for every public page: articles, lists, search, feeds, sitemaps, robots.txt.

A page is kept under its address (scheme, host, path and query, and the release) with the
site generation it was rendered in, and answered only while that generation is current.

The generation is a random token in the shared cache (Redis; see GenerationInCache), or, when
the cache is a process's own memory, in a small file every process of the machine reads
(GenerationInFile). It changes:

- after every committed change that can change a public page (a save or delete of an article,
  section, figure, rendition, byline, author, column or correction): transaction.on_commit
  writes a new random token. No row is locked and no save waits for another's;
- when an embargo passes: each stored page carries the next embargo instant after the
  moment it was rendered (read from the database with the page), and is not answered once
  that instant has come.

Why a page answered is never older than the last commit (docs/page-cache.md has the long
form): a page is tagged with the token read *before* its rows are read. A commit its rows
missed ended after they were read, so after the token was read; that commit's new token is
written after it, and from then on the page's token is not current. The new token is random,
so no later write can bring an old one back; several servers bumping at once each write a
new one, and any of them does. The embargo instant stored with a page was read after the
token too: an article scheduled by a commit that instant missed comes with a new token.

Losing the cache (Redis restarted, a key evicted) only costs speed: without a token no page
is answered; the next miss writes a new token, which no stored page carries.

A hit makes no database query: the token and the page come in one cache round trip
(PageCacheMiddleware), before sessions, CSRF and authentication run. A miss renders the page
through the view (cached_page), stores it and answers with the stored bytes.

Never stored, never answered from here: requests with a session (staff), anything but GET and
HEAD, responses that are not a plain 200 for everyone (previews are never_cache, drafts for
staff likewise), and query strings the page does not read.

While the database is unreachable, an article page stored in the last day is answered marked
stale (Age, Warning: 110) unless the article was taken down after it was rendered; other pages
get the 503 page (qiantang_site/errors.py).
"""

import contextlib
import functools
import hashlib
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction

from . import http

logger = logging.getLogger(__name__)

# A stored page is answered at most this long after it was rendered, whatever the generation
# says: a safety net should a new token never reach the shared cache (see bump()).
FRESH_SECONDS = 600
# Article pages are kept a day, to be answered stale while the database is unreachable.
KEEP_SECONDS = 24 * 3600
# Search result pages: kept five minutes, and at most SEARCH_PAGES new ones stored in any
# five minutes, so at most twice that many are ever kept, whatever queries strangers send.
SEARCH_SECONDS = 300
SEARCH_PAGES = 500
# RFC 9110's "110 Response is Stale" (obsolete in RFC 9111, but plain to a person or a monitor
# reading the headers), beside Age, which caches use.
STALE_WARNING = '110 - "Response is Stale"'
# Models whose rows no public page shows: changing them changes no page.
PRIVATE_MODELS = {"articles.previewlink", "articles.printsource"}

GENERATION_KEY = "pagecache:generation"


def new_token():
    return secrets.token_hex(8)


# --- the generation -------------------------------------------------------------------------


class GenerationInCache:
    """The token in the shared cache itself (Redis): every app server reads the same one."""

    def __init__(self, store):
        self.store = store

    def lookup(self, key):
        """The current token and the entry stored under key, in one round trip."""
        found = self.store.get_many([GENERATION_KEY, key])
        return found.get(GENERATION_KEY), found.get(key)

    def current(self):
        """The current token (a new one when the cache lost it); None if it cannot be read."""
        token = self.store.get(GENERATION_KEY)
        if token is None:
            self.store.add(GENERATION_KEY, new_token(), None)
            token = self.store.get(GENERATION_KEY)
        return token

    def bump(self):
        """Write a new token; whether the cache has one now (any token written since will do:
        it was written after the change committed too)."""
        self.store.set(GENERATION_KEY, new_token(), None)
        return self.store.get(GENERATION_KEY) is not None


class GenerationInFile:
    """The token in a file, for a cache held in each process's own memory (locmem).

    Every process keeps its own pages then, but an edit made in any process of the machine
    (another gunicorn worker, a management command) must reach them all: each reads the token
    from this file (a few microseconds), and a bump replaces it atomically.
    """

    def __init__(self, store, path):
        self.store = store
        self.path = path

    def _read(self):
        try:
            with open(self.path, "rb") as file:
                return file.read().decode() or None
        except FileNotFoundError:
            return None
        except OSError as exc:  # no page is answered or stored without a token: only slower
            logger.warning("Page cache: cannot read %s", self.path, extra={"error": str(exc)})
            return None

    def _write(self, replace):
        token = new_token()
        part = self.path.with_name(f"{self.path.name}.{os.getpid()}-{token}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(token)
            if replace:
                os.replace(part, self.path)  # a reader sees the old token or the new one
            else:
                os.link(part, self.path)  # only if no process made one meanwhile
        except FileExistsError:
            pass
        except OSError as exc:
            logger.warning("Page cache: cannot write %s", self.path, extra={"error": str(exc)})
            return False
        finally:
            with contextlib.suppress(OSError):
                part.unlink()
        return True

    def lookup(self, key):
        return self._read(), self.store.get(key)

    def current(self):
        token = self._read()
        if token is None:
            self._write(replace=False)
            token = self._read()
        return token

    def bump(self):
        return self._write(replace=True)


@functools.lru_cache(maxsize=16)
def _generation_file(identity):
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"qiantang-page-generation-{digest}"


def generation_file():
    """Where GenerationInFile keeps the token: one file per project and database, shared by
    every process of the machine that uses them; PAGE_CACHE_GENERATION_FILE names another."""
    configured = getattr(settings, "PAGE_CACHE_GENERATION_FILE", "")
    if configured:
        return Path(configured)
    db = connections["default"].settings_dict
    return _generation_file(
        f"{settings.BASE_DIR}|{db['ENGINE']}|{db['NAME']}|{db['HOST']}|{db['PORT']}"
    )


def generation():
    """The generation of the default cache's pages; None when that cache keeps nothing
    (DummyCache: every page is rendered, as with no page cache at all)."""
    store = caches["default"]
    if isinstance(store, DummyCache):
        return None
    if isinstance(store, LocMemCache):
        return GenerationInFile(store, generation_file())
    return GenerationInCache(store)


# --- changing it ----------------------------------------------------------------------------

_commits = threading.local()
# A new token that did not reach the cache (Redis unreachable from this process at that
# moment): tried again on this process's next request, until it does.
_bump_pending = False


def bump():
    """A new generation now: every stored page is out of date."""
    global _bump_pending
    found = generation()
    if found is None:
        return
    reached = found.bump()
    if not reached and not _bump_pending:
        logger.warning("Page cache: the new generation could not be written; retrying")
    _bump_pending = not reached


def page_data_changed(sender, **kwargs):
    """A row a public page may show was saved or deleted: a new generation once it commits.

    After the commit, never inside the transaction: a page rendered between the two from the
    rows as they were would be stored under the new token. One bump per committed transaction,
    however many rows it saved: callbacks of one commit run in order and the first covers every
    change registered so far; those of a rolled-back transaction never run.
    """
    if getattr(_commits, "held", 0):
        return  # inside one_bump(): registered once, on the way out
    registered = getattr(_commits, "registered", 0) + 1
    _commits.registered = registered
    transaction.on_commit(lambda: _bump_once(registered))


@contextlib.contextmanager
def one_bump():
    """Inside: saves and deletes register no bump each; one is registered on the way out, for
    the surrounding transaction's commit, and the articles deleted or taken down are marked
    withdrawn by one callback too. For loads of many rows in one transaction (import_site,
    --replace): a callback per row would hold a million of them until the commit."""
    outermost = not getattr(_commits, "held", 0)
    if outermost:
        _commits.withdrawn = []
    _commits.held = getattr(_commits, "held", 0) + 1
    try:
        yield
    finally:
        _commits.held -= 1
        page_data_changed(None)
        if outermost:
            withdrawn, _commits.withdrawn = _commits.withdrawn, None
            if withdrawn:
                transaction.on_commit(lambda: _withdraw_all(withdrawn))


def _bump_once(registered):
    if registered <= getattr(_commits, "bumped", 0):
        return
    _commits.bumped = _commits.registered
    bump()


def relation_changed(sender, **kwargs):
    """A many-to-many link changed (m2m_changed): a page change if it is this app's."""
    if sender._meta.app_label == "articles":
        page_data_changed(sender, **kwargs)


def withdrawn_key(pk):
    return f"pagecache:withdrawn:{pk}"


def _withdraw_on_commit(pk):
    # The moment it was taken down: a copy rendered before that is never answered stale.
    if getattr(_commits, "held", 0):
        _commits.withdrawn.append(pk)  # inside one_bump(): one callback for them all
        return
    transaction.on_commit(
        lambda: caches["default"].set(withdrawn_key(pk), time.time(), KEEP_SECONDS)
    )


def _withdraw_all(pks, chunk=1000):
    now = time.time()
    for start in range(0, len(pks), chunk):
        keys = {withdrawn_key(pk): now for pk in pks[start : start + chunk]}
        caches["default"].set_many(keys, KEEP_SECONDS)


def article_saved(sender, instance, raw=False, **kwargs):
    """An article was saved: if it is no longer public, its stored page is withdrawn."""
    if not raw and not instance.is_public:  # taken down, or moved back under embargo
        _withdraw_on_commit(instance.pk)


def article_deleted(sender, instance, **kwargs):
    _withdraw_on_commit(instance.pk)


# --- stored pages ---------------------------------------------------------------------------


class Entry(NamedTuple):
    token: str  # the generation the page was rendered in
    read_at: float  # when that token was read: before the page's rows
    stored_at: float
    valid_until: float | None  # the next embargo instant after read_at, if any
    page: http.StoredPage
    article: int | None  # an article page's article: answered stale while the database is down


def may_be_answered(request):
    """A stranger's plain GET or HEAD: the only requests a stored page may answer.

    Any other method goes on to the view's read_only() (articles/methods.py) and gets its
    405: a TRACE or POST must never be sent the stored page.
    """
    return request.method in ("GET", "HEAD") and not http.is_personal(request)


def page_key(request):
    """The page's address: scheme and host (pages name their own address), path, the query
    as Django reads it (so %-spellings of one query are one page), and the release."""
    query = request.GET.urlencode() if request.META.get("QUERY_STRING") else ""
    address = "|".join((settings.RELEASE, request.scheme, request.get_host(), request.path, query))
    return "page:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def is_fresh(entry, token, now):
    return (
        entry.token == token
        and now < entry.stored_at + FRESH_SECONDS
        and (entry.valid_until is None or now < entry.valid_until)
    )


class PageCacheMiddleware:
    """Answers a stored public page before the rest of the stack runs.

    A reader's request carries no session (is_personal), so sessions, CSRF, authentication,
    messages and login throttling have nothing to do for it; skipping them makes a hit cost
    about what a static file costs. It sits after the middleware that sets security headers
    (SecurityMiddleware, CSP, X-Frame-Options), so a hit carries every one of them. Anything
    else goes on to the view, where cached_page renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.stored_response(request)
        return self.get_response(request) if response is None else response

    @staticmethod
    def stored_response(request):
        if _bump_pending:
            bump()
        if not may_be_answered(request):
            return None
        found = generation()
        if found is None:
            return None
        token, entry = found.lookup(page_key(request))
        if entry is None or token is None or not is_fresh(entry, token, time.time()):
            return None
        return http.respond(request, entry.page)


# --- rendering and storing -------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def page_number(value):
    """A page number as the site writes it in its links: 1, 2, ... (not 01, -1, abc)."""
    return PAGE_NUMBER.fullmatch(value) is not None


def not_stored(response):
    """Keep this response out of the page cache (it is still public for browsers): a page the
    view answered for an address that is not its own, such as a list page whose cursor names no article."""
    response.page_cache_keep = False
    return response


def _canonical_query(request, accepted):
    if not request.META.get("QUERY_STRING"):
        return True
    for name, values in request.GET.lists():
        check = accepted.get(name)
        if check is None or len(values) != 1 or not check(values[0]):
            return False
    return True


def _search_slot(store):
    """Whether one more search page may be stored in this window of SEARCH_SECONDS."""
    key = f"pagecache:search-pages:{int(time.time() // SEARCH_SECONDS)}"
    store.add(key, 0, 2 * SEARCH_SECONDS)
    try:
        return store.incr(key) <= SEARCH_PAGES
    except ValueError:  # the cache is unavailable
        return False


def _stale_response(request, store, pk):
    """The page last stored for this article, marked stale; None when there is none to give."""
    entry = store.get(page_key(request))
    if entry is None or entry.article != pk:
        return None
    withdrawn = store.get(withdrawn_key(pk))
    if withdrawn is not None and withdrawn >= entry.read_at:
        return None  # taken down after it was rendered
    age = time.time() - entry.stored_at
    if age > KEEP_SECONDS:
        return None
    return http.respond(request, entry.page, age=age, warning=STALE_WARNING)


def cached_page(view=None, *, query=None, stale=False, bounded=False):
    """Serve a public page from the page cache, rendering it at most once per generation.

    query: the query parameters the page reads, each with a check of its value's canonical
    spelling ({"page": page_number}); a request with any other parameter, or another
    spelling, is rendered and not stored. stale: an article page (the view's `pk`), answered
    from its last stored copy while the database is unreachable. bounded: search results,
    stored at most SEARCH_PAGES in any SEARCH_SECONDS.
    """
    accepted = query or {}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not may_be_answered(request):
                return http.mark_public(request, view(request, *args, **kwargs))
            found = generation() if _canonical_query(request, accepted) else None
            read_at = time.time()
            token = found.current() if found is not None else None
            try:
                response = view(request, *args, **kwargs)
            except (OperationalError, InterfaceError):
                # The database is unreachable: DatabaseUnavailableMiddleware answers 503,
                # unless the article's last page can be answered stale.
                if stale and found is not None:
                    answer = _stale_response(request, found.store, kwargs.get("pk"))
                    if answer is not None:
                        return answer
                raise
            if not http.may_share(response):
                return http.mark_public(request, response)
            page = http.store(response, last_modified=read_at)
            if (
                token is not None
                and getattr(response, "page_cache_keep", True)
                and (not bounded or _search_slot(found.store))
            ):
                _keep(
                    request,
                    found.store,
                    token,
                    read_at,
                    page,
                    kwargs.get("pk") if stale else None,
                    bounded,
                )
            # The first reader gets what every later one gets: the stored bytes.
            return http.respond(request, page)

        return wrapped

    return decorator if view is None else decorator(view)


def _keep(request, store, token, read_at, page, article, bounded):
    from .models import Article

    try:
        # After the moment the token was read, not now: an embargo that passed while the page
        # was being rendered makes it out of date at once.
        embargo = Article.objects.next_embargo(after=datetime.fromtimestamp(read_at, UTC))
    except DatabaseError:
        return  # gone since the page was read: stored next time
    entry = Entry(
        token=token,
        read_at=read_at,
        stored_at=time.time(),
        valid_until=embargo.timestamp() if embargo is not None else None,
        page=page,
        article=article,
    )
    seconds = SEARCH_SECONDS if bounded else KEEP_SECONDS if article is not None else FRESH_SECONDS
    store.set(page_key(request), entry, seconds)

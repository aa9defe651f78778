"""Public pages: cache headers, 304s, the page cache (articles/pagecache.py); and what is never
cached."""

import os
import signal
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import pagecache
from articles.preview import create_link
from qiantang_site.cache import FailSoftRedisCache

from .factories import make_article, make_author, make_column, make_correction, make_staff
from .servers import RedisServer, wait_until

pytestmark = pytest.mark.django_db


def queries_for(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def test_public_pages_may_be_kept_a_minute_and_served_stale_while_revalidating(client):
    article = make_article("钱塘观潮", column=make_column("城事"))
    for url in (
        reverse("articles:home"),
        article.get_absolute_url(),
        article.column.get_absolute_url(),
        reverse("articles:search") + "?q=钱塘",
        reverse("articles:feed-rss"),
        reverse("articles:sitemap"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300", url
        assert response.has_header("ETag"), url


def test_a_listing_answers_if_none_match_with_304_until_it_changes(
    client, django_capture_on_commit_callbacks
):
    make_article("第一篇")
    first = client.get(reverse("articles:home"))
    again = client.get(reverse("articles:home"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):  # the new article commits
        make_article("第二篇")
    changed = client.get(reverse("articles:home"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "第二篇" in changed.content.decode()


def test_an_article_is_rendered_once_then_served_from_the_cache_with_no_query(client):
    article = make_article("钱塘观潮")
    first, cold = queries_for(client, article.get_absolute_url())
    second, warm = queries_for(client, article.get_absolute_url())
    assert second.content == first.content
    assert warm == 0 < cold


@pytest.fixture
def every_public_page():
    column, author = make_column("城事"), make_author("张梦月")
    article = make_article("钱塘观潮", column=column, authors=[author], summary="钱塘江。")
    make_article("潮水来了", column=column, authors=[author])
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "column": column.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=钱塘",
        "search, no query": reverse("articles:search"),
        "rss": reverse("articles:feed-rss"),
        "atom": reverse("articles:feed-atom"),
        "sitemap": reverse("articles:sitemap"),
        "news sitemap": reverse("articles:sitemap-news"),
        "robots.txt": reverse("articles:robots"),
    }


def test_every_public_page_is_answered_from_the_cache_with_no_database_query(
    client, every_public_page, django_assert_num_queries
):
    for name, url in every_public_page.items():
        first, cold = queries_for(client, url, headers={"accept-encoding": "gzip"})
        assert first.status_code == 200 and cold > 0, name
        with django_assert_num_queries(0):
            hit = client.get(url, headers={"accept-encoding": "gzip"})
        assert hit.status_code == 200, name
        assert hit.content == first.content, name
        for header in ("Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary"):
            assert hit.get(header) == first.get(header), (name, header)
        # Conditional requests are answered from the cache too.
        with django_assert_num_queries(0):
            again = client.get(url, headers={"if-none-match": hit["ETag"]})
        assert again.status_code == 304, name


def test_the_views_own_headers_are_kept_with_the_page(client):
    make_article("钱塘观潮")
    url = reverse("articles:sitemap")
    first = client.get(url)
    hit, queries = queries_for(client, url)
    assert queries == 0
    assert hit["X-Robots-Tag"] == first["X-Robots-Tag"]  # Django's sitemap view sets it
    assert hit["Content-Type"] == first["Content-Type"] == "application/xml"


@pytest.mark.parametrize(
    "url",
    [
        # A cursor the site did not write: a made-up moment, or one with no article at it.
        "/?before=20991231T000000Z-1",
        "/?before=20991231T000000.000000Z-999999",
        "/?utm_source=weibo",  # a parameter the page does not read
        "/?before=20991231T000000Z-1&before=20991231T000000Z-2",
        "/search/?q=钱塘%20",  # not written as the search page writes it
        "/search/?q=钱塘&x=1",
    ],
)
def test_addresses_a_page_does_not_write_itself_are_answered_but_not_stored(client, url):
    make_article("钱塘观潮")
    first, _ = queries_for(client, url)
    assert first.status_code == 200
    _, again = queries_for(client, url)
    assert again > 0


def test_one_query_however_it_is_spelled_is_one_stored_page(client):
    make_article("钱塘观潮")
    first, _ = queries_for(client, "/search/?q=%E9%92%B1%E5%A1%98")
    hit, queries = queries_for(client, "/search/?q=%e9%92%b1%e5%a1%98")
    assert queries == 0
    assert hit.content == first.content


def test_search_pages_stored_are_bounded_whatever_strangers_ask(client, monkeypatch):
    monkeypatch.setattr(pagecache, "SEARCH_PAGES", 2)
    make_article("钱塘观潮")
    for word in ("钱塘", "观潮", "潮"):
        client.get(reverse("articles:search"), {"q": word})
    assert queries_for(client, reverse("articles:search") + "?q=观潮")[1] == 0  # stored
    assert queries_for(client, reverse("articles:search") + "?q=潮")[1] > 0  # one too many


def test_a_page_from_the_cache_carries_every_security_header_and_no_cookie(client, settings):
    # Stored pages are answered before the session and login middleware run; the headers that
    # protect readers must still be on them, exactly as on the page first rendered.
    settings.SECURE_HSTS_SECONDS = 31536000
    article = make_article("钱塘观潮")
    first = client.get(article.get_absolute_url(), secure=True)
    stored = client.get(article.get_absolute_url(), secure=True)
    assert stored.content == first.content
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Strict-Transport-Security",
        "Cache-Control",
    ):
        assert stored[header] == first[header], header
    assert stored["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in stored["Content-Security-Policy"]
    assert not stored.cookies
    assert "Cookie" not in stored.get("Vary", "")


def test_an_article_answers_revalidation_by_etag_and_by_date(client):
    article = make_article("钱塘观潮")
    first = client.get(article.get_absolute_url())
    assert first["Last-Modified"]
    by_etag = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    by_date = client.get(
        article.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}
    )
    assert by_etag.status_code == by_date.status_code == 304


def test_an_edit_to_a_section_shows_at_once(client, django_capture_on_commit_callbacks):
    article = make_article("钱塘观潮", sections=[("", "旧的一段。")])
    first = client.get(article.get_absolute_url())
    section = article.sections.get()
    section.body = "新的一段。"
    with django_capture_on_commit_callbacks(execute=True):  # the edit commits
        section.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "新的一段。" in response.content.decode()
    assert "旧的一段。" not in response.content.decode()


def test_a_correction_and_a_renamed_column_show_at_once(client, django_capture_on_commit_callbacks):
    article = make_article("钱塘观潮", column=make_column("城事"))
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):  # the edits commit
        make_correction(article, note="更正：日期有误。")
        article.column.name = "城市"
        article.column.save()
    text = client.get(article.get_absolute_url()).content.decode()
    assert "更正：日期有误。" in text
    assert "城市" in text


def test_a_scheduled_article_going_live_changes_its_neighbours_pages(client, time_machine):
    column = make_column("城事")
    article = make_article("钱塘观潮", column=column)
    make_article("潮水来了", column=column, published_at=timezone.now() + timedelta(minutes=5))
    first = client.get(article.get_absolute_url())
    home = client.get("/")
    assert "潮水来了" not in first.content.decode() + home.content.decode()
    # Time passes: the scheduled piece is live, with no save anywhere.
    time_machine.move_to(timezone.now() + timedelta(minutes=4, seconds=58))
    assert queries_for(client, "/")[1] == 0  # not yet: still the stored page
    time_machine.move_to(timezone.now() + timedelta(seconds=3))
    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "潮水来了" in response.content.decode()
    assert "潮水来了" in client.get("/").content.decode()


def test_a_draft_being_published_shows_on_its_neighbours_pages_at_once(
    client, django_capture_on_commit_callbacks
):
    column = make_column("城事")
    article = make_article("钱塘观潮", column=column)
    draft = make_article("潮水来了", column=column, published=False)
    first = client.get(article.get_absolute_url())
    assert "潮水来了" not in first.content.decode()

    draft.status = type(draft).Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):  # the save commits
        draft.save()

    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "潮水来了" in response.content.decode()


def test_an_article_number_too_large_for_the_database_is_not_found(client):
    make_article("钱塘观潮")
    for url in ("/articles/99999999999999999999999/", "/articles/99999999999999999999999/x/"):
        assert client.get(url).status_code == 404, url


def test_a_staff_preview_of_a_draft_is_never_cached_or_public(client):
    draft = make_article("未发稿", published=False)
    client.force_login(make_staff())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    # Django's never_cache, all of it: private keeps proxies and CDNs out, no-store keeps the
    # text of an unpublished piece off the disk of a shared newsroom computer, and the rest
    # stops any cache answering with it later.
    assert sorted(response["Cache-Control"].split(", ")) == [
        "max-age=0",
        "must-revalidate",
        "no-cache",
        "no-store",
        "private",
    ]
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_signed_in_reader_gets_a_private_page_that_is_not_stored(client):
    article = make_article("钱塘观潮")
    client.force_login(make_staff())
    response, _ = queries_for(client, article.get_absolute_url())
    assert sorted(response["Cache-Control"].split(", ")) == ["no-cache", "private"]
    _, again = queries_for(client, article.get_absolute_url())
    assert again > 1  # rendered again: nothing was kept for a personal request
    client.logout()
    assert queries_for(client, article.get_absolute_url())[1] > 0  # nor for strangers


def test_a_signed_in_reader_is_never_answered_from_the_cache(client):
    article = make_article("钱塘观潮")
    client.get(article.get_absolute_url())  # stored for strangers
    client.force_login(make_staff())
    response, queries = queries_for(client, article.get_absolute_url())
    assert queries > 0
    assert "private" in response["Cache-Control"]


def test_share_previews_are_never_stored(client):
    draft = make_article("未发稿", published=False)
    _, path = create_link(draft)
    for _ in range(2):
        response, queries = queries_for(client, path)
        assert response.status_code == 200 and queries > 0
        assert "no-store" in response["Cache-Control"]


def test_a_page_asked_for_with_a_query_string_is_not_stored(client):
    article = make_article("钱塘观潮")
    url = article.get_absolute_url() + "?token=abc"
    queries_for(client, url)
    _, again = queries_for(client, url)
    assert again > 1


def test_losing_the_cache_only_costs_a_render(client):
    article = make_article("钱塘观潮")
    url = article.get_absolute_url()
    first = client.get(url)
    cache.clear()  # Redis restarted, or every key evicted: the generation goes too
    again, queries = queries_for(client, url)
    assert queries > 0 and again.content == first.content
    assert queries_for(client, url)[1] == 0


def test_admin_pages_are_never_public(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_health_check_is_never_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def stoppable_redis(tmp_path, settings):
    redis = RedisServer(tmp_path / "redis").start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], **_redis_cache(redis.url)},
    }
    yield redis
    redis.stop()


def _redis_cache(url):
    return {
        "BACKEND": "qiantang_site.cache.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


@pytest.mark.redis
def test_redis_going_away_is_a_miss_not_an_error(stoppable_redis):
    redis_cache = caches["default"]
    assert isinstance(redis_cache, FailSoftRedisCache)
    redis_cache.set("greeting", "你好")
    assert redis_cache.get("greeting") == "你好"
    stoppable_redis.stop()
    assert redis_cache.get("greeting", "missed") == "missed"
    redis_cache.set("greeting", "再见")  # dropped, quietly
    assert redis_cache.get_many(["greeting"]) == {}
    assert redis_cache.ping() is False
    with pytest.raises(ValueError):
        redis_cache.incr("counter")


@pytest.mark.redis
def test_article_pages_are_served_while_redis_is_down_and_cached_again_after(
    client, stoppable_redis
):
    article = make_article("钱塘观潮")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert queries_for(client, url)[1] == 0  # from the cache
    stoppable_redis.stop()
    response, down = queries_for(client, url)
    assert response.status_code == 200
    assert "钱塘观潮" in response.content.decode()
    assert down > 0  # rendered from the database
    assert client.get(reverse("healthz")).status_code == 503

    stoppable_redis.start()  # the same server, back empty (it keeps nothing on disk)
    assert not caches["default"]._cache.get_client().keys("*page:*")
    # The cache is left alone for a few seconds after a failure (qiantang_site/cache.py), then
    # used again: the page is stored in Redis and answered from it with no query.
    wait_until(
        lambda: queries_for(client, url)[1] == 0,
        seconds=20,
        what="the page answered from Redis again",
    )
    assert caches["default"]._cache.get_client().keys("*page:*")
    again = client.get(url)
    assert again.status_code == 200 and again.content == response.content
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.redis
def test_the_page_cache_lives_in_the_shared_redis(client, redis_url, settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], **_redis_cache(redis_url)}}
    article = make_article("钱塘观潮")
    client.get(article.get_absolute_url())
    # Another app server is another client of the same Redis: it finds the rendered page.
    other = FailSoftRedisCache(redis_url, {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]})
    keys = other._cache.get_client().keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*page:*")
    assert keys, "no rendered page was stored in Redis"
    cache.clear()


@pytest.mark.redis
def test_an_edit_that_could_not_reach_redis_reaches_it_once_redis_answers_again(
    client, stoppable_redis, django_capture_on_commit_callbacks
):
    redis_cache = caches["default"]
    article = make_article("钱塘观潮", sections=[("", "旧的一段。")])
    url = article.get_absolute_url()
    client.get(url)
    assert queries_for(client, url)[1] == 0
    # Redis out of this process's reach, its keys kept: its socket moved away, and the
    # connection this process holds dropped (a request that timed out drops it).
    socket = stoppable_redis.socket
    socket.rename(socket.with_name("moved.sock"))
    os.kill(stoppable_redis.process.pid, signal.SIGSTOP)
    try:
        assert redis_cache.get("anything") is None
    finally:
        os.kill(stoppable_redis.process.pid, signal.SIGCONT)
    wait_until(lambda: redis_cache.available, seconds=20, what="the cache tried again")
    section = article.sections.get()
    section.body = "新的一段。"
    with django_capture_on_commit_callbacks(execute=True):
        section.save()  # the new generation cannot be written
    socket.with_name("moved.sock").rename(socket)
    # The cache is left alone for a few seconds after a failure (qiantang_site/cache.py); then
    # the stored page is still there under the old token, and the first request writes the
    # new one before it could be answered with it.
    wait_until(lambda: redis_cache.available, seconds=20, what="the cache used again")
    text = client.get(url).content.decode()
    assert "新的一段。" in text and "旧的一段。" not in text


def test_a_generation_file_that_cannot_be_used_only_costs_speed(client, settings, tmp_path):
    # With a cache in each process's memory, the generation is a file (articles/pagecache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (tmp_path / "a-file").write_text("")
    settings.PAGE_CACHE_GENERATION_FILE = str(tmp_path / "a-file" / "generation")
    article = make_article("钱塘观潮")
    for _ in range(2):
        response, queries = queries_for(client, article.get_absolute_url())
        assert response.status_code == 200 and queries > 0  # rendered, and nothing stored


def generation_now():
    return pagecache.generation().current()


@pytest.mark.django_db(transaction=True)
def test_a_commit_changes_the_generation_once_after_the_transaction(monkeypatch):
    bumps = []
    real_bump = pagecache.bump
    monkeypatch.setattr(pagecache, "bump", lambda: bumps.append(1) or real_bump())
    article = make_article("钱塘观潮")
    before = generation_now()
    bumps.clear()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(5):
            article.sections.create(position=n + 10, body=f"第{n}段。")
        # Nothing changes while the transaction runs: a page rendered now would be stored
        # under the new token with the old rows. (Counted as this process's bumps: a live
        # server left by a browser test in the same worker may bump the shared token.)
        assert bumps == []
    assert len(bumps) == 1
    assert generation_now() != before
    # And no row of the database is written or locked for it: the sections' INSERTs only
    # (and the search index's row, which articles/search keeps in step with every save).
    sql = [q["sql"] for q in queries.captured_queries if "articles_search" not in q["sql"]]
    assert len([q for q in sql if "INSERT" in q.upper()]) == 5
    assert not [q for q in sql if "UPDATE" in q.upper()]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_changes_nothing_and_the_next_commit_still_counts():
    article = make_article("钱塘观潮")
    before = generation_now()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.sections.create(position=10, body="不会留下。")
        raise RuntimeError
    assert generation_now() == before
    with transaction.atomic():
        article.sections.create(position=11, body="留下了。")
    assert generation_now() != before


@pytest.mark.django_db(transaction=True)
def test_a_preview_link_changes_no_public_page():
    draft = make_article("未发稿", published=False)
    before = generation_now()
    create_link(draft)
    assert generation_now() == before

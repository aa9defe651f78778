"""Public pages: cache headers, 304s, the shared page cache; and what is never cached."""

import gzip
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import qiantang_site.cache
from articles.models import SiteChange
from qiantang_site.cache import FailSoftRedisCache
from qiantang_site.settings import cache_from_url

from .conftest import queries_for
from .factories import make_article, make_column, make_correction, make_staff
from .servers import RedisServer, wait_until

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


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


def test_a_listing_answers_if_none_match_with_304_until_it_changes(client):
    make_article("第一篇")
    first = client.get(reverse("articles:home"))
    again = client.get(reverse("articles:home"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    make_article("第二篇")
    changed = client.get(reverse("articles:home"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "第二篇" in changed.content.decode()


def test_an_article_is_rendered_once_then_served_from_the_cache_plain_or_gzipped(
    client, first_article
):
    url = first_article.get_absolute_url()
    rendered, cold = queries_for(client, url)
    plain, warm = queries_for(client, url)
    zipped, warm_zipped = queries_for(client, url, headers=GZIP)

    assert warm == warm_zipped == 1 < cold
    # Exactly the page as rendered, compressed only for the browser that asks.
    assert plain.content == rendered.content
    assert not plain.has_header("Content-Encoding")
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Content-Length"] == str(len(zipped.content))
    assert gzip.decompress(zipped.content) == rendered.content
    assert "Accept-Encoding" in plain["Vary"]
    assert "Accept-Encoding" in zipped["Vary"]


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


def test_a_scheduled_article_going_live_changes_its_neighbours_pages(client):
    column = make_column("城事")
    article = make_article("钱塘观潮", column=column)
    later = make_article(
        "潮水来了", column=column, published_at=timezone.now() + timedelta(hours=1)
    )
    first = client.get(article.get_absolute_url())
    assert "潮水来了" not in first.content.decode()
    # Time passes: the scheduled piece is live, with no save anywhere.
    type(later).objects.filter(pk=later.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "潮水来了" in response.content.decode()


def test_a_draft_being_published_shows_on_its_neighbours_pages_at_once(client):
    column = make_column("城事")
    article = make_article("钱塘观潮", column=column)
    draft = make_article("潮水来了", column=column, published=False)
    first = client.get(article.get_absolute_url())
    assert "潮水来了" not in first.content.decode()

    draft.status = type(draft).Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(seconds=1)
    draft.save()

    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "潮水来了" in response.content.decode()


def test_an_article_number_too_large_for_the_database_is_not_found(client):
    make_article("钱塘观潮")
    for url in ("/articles/99999999999999999999999/", "/articles/99999999999999999999999/x/"):
        assert client.get(url).status_code == 404, url


def test_a_signed_in_reader_gets_a_private_page_that_is_not_stored(client):
    article = make_article("钱塘观潮")
    client.force_login(make_staff())
    response, _ = queries_for(client, article.get_absolute_url())
    assert sorted(response["Cache-Control"].split(", ")) == ["no-cache", "private"]
    _, again = queries_for(client, article.get_absolute_url())
    assert again > 1  # rendered again: nothing was kept for a personal request


def test_a_page_asked_for_with_a_query_string_is_not_stored(client):
    article = make_article("钱塘观潮")
    url = article.get_absolute_url() + "?token=abc"
    queries_for(client, url)
    _, again = queries_for(client, url)
    assert again > 1


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
    """A Redis of the test's own as the site's cache, set up as CACHE_URL sets it up."""
    redis = RedisServer(tmp_path / "redis").start()
    settings.CACHES = {"default": {**settings.CACHES["default"], **cache_from_url(redis.url)}}
    yield redis
    redis.stop()


@pytest.mark.redis
def test_with_redis_gone_the_cache_misses_pages_are_rendered_and_health_says_so(
    client, stoppable_redis, monkeypatch
):
    # After a failure Redis is left alone for a while (5 s) before it is tried again; a
    # second here, so that the test need not wait out the real one.
    monkeypatch.setattr(qiantang_site.cache, "RETRY_AFTER_SECONDS", 1.0)
    redis_cache = caches["default"]
    assert isinstance(redis_cache, FailSoftRedisCache)
    article = make_article("钱塘观潮")
    url = article.get_absolute_url()
    redis_cache.set("greeting", "你好")
    assert redis_cache.get("greeting") == "你好"
    stored, _ = queries_for(client, url)
    assert queries_for(client, url)[1] == 1  # from the cache

    stoppable_redis.stop()
    # The cache's own answers: a miss, a write dropped quietly, never an error but for incr.
    assert redis_cache.get("greeting", "missed") == "missed"
    assert not redis_cache.available  # left alone after the failure
    redis_cache.set("greeting", "再见")
    assert redis_cache.get_many(["greeting"]) == {}
    assert redis_cache.ping() is False
    with pytest.raises(ValueError):
        redis_cache.incr("counter")
    # Pages are rendered from the database instead.
    for page in (reverse("articles:home"), reverse("articles:search") + "?q=钱塘"):
        text = BeautifulSoup(queries_for(client, page)[0].content, "html.parser").get_text()
        assert "钱塘观潮" in text, page
    down, queries = queries_for(client, url)
    assert down.content == stored.content
    assert queries > 1
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["checks"] == {"database": "ok", "cache": "failing"}

    stoppable_redis.start()  # the same server, back empty (it keeps nothing on disk)
    assert not redis_cache._cache.get_client().keys("*page:*")
    # Once the pause after the failure is over, the page is stored in Redis and answered from
    # it with one query.
    wait_until(
        lambda: queries_for(client, url)[1] == 1,
        seconds=20,
        what="the page answered from Redis again",
    )
    assert redis_cache._cache.get_client().keys("*page:*")
    assert client.get(url).content == stored.content
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.redis
def test_the_page_cache_lives_in_the_shared_redis(client, redis_url, settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], **cache_from_url(redis_url)}}
    article = make_article("钱塘观潮")
    client.get(article.get_absolute_url())
    # Another app server is another client of the same Redis: it finds the rendered page.
    other = FailSoftRedisCache(redis_url, {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]})
    keys = other._cache.get_client().keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*page:*")
    assert keys, "no rendered page was stored in Redis"
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_commit_writes_the_change_time_once_after_the_transaction():
    article = make_article("钱塘观潮")
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(5):
            article.sections.create(position=n + 10, body=f"第{n}段。")
        writes_inside = sum("articles_sitechange" in q["sql"] for q in queries.captured_queries)
    writes = [q["sql"] for q in queries.captured_queries if "articles_sitechange" in q["sql"]]
    assert writes_inside == 0  # no lock on the shared row while the transaction runs
    assert len(writes) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_does_not_stop_the_next_commit_from_counting():
    article = make_article("钱塘观潮")
    before = SiteChange.objects.get(pk=1).changed_at
    with pytest.raises(RuntimeError), transaction.atomic():
        article.sections.create(position=10, body="不会留下。")
        raise RuntimeError
    with transaction.atomic():
        article.sections.create(position=11, body="留下了。")
    assert SiteChange.objects.get(pk=1).changed_at > before

"""The site as production runs it: gunicorn, debug off, behind an https proxy, Redis cache.

Each test starts real servers on this machine (tests/servers.py) with a production
environment (tests/prod.py): the same settings module, only the environment differs.
"""

import json
import re
import time
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from .factories import jpeg_bytes, rotated_phone_jpeg
from .prod import manage, production_env
from .servers import (
    PostgresServer,
    RedisServer,
    gunicorn,
    prepare_site,
    raw_request,
    request,
    wait_until,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A deployed site: migrated, the first article loaded, static files collected."""
    tmp_path = tmp_path_factory.mktemp("site")
    env = production_env(tmp_path, DJANGO_SERVE_MEDIA="1")
    prepare_site(env)
    return env, tmp_path


@pytest.fixture(scope="module")
def server(site):
    env, tmp_path = site
    with gunicorn(env, tmp_path) as port:
        yield port


def first_article_path(port):
    response, body = request(port, "/")
    soup = BeautifulSoup(body, "html.parser")
    return soup.select_one("main a[href^='/articles/']")["href"]


def test_public_page_carries_the_security_headers(server):
    response, body = request(server, "/")
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_plain_http_is_sent_to_https(server):
    response, _ = request(server, "/", https=False)
    assert response.status == 301
    assert response.headers["Location"] == "https://news.example.com/"


def test_health_check_answers_plain_http_without_login_or_details(server):
    response, body = request(server, "/healthz", https=False, host="127.0.0.1")
    assert response.status == 200
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }
    assert "no-store" in response.headers["Cache-Control"]


def test_a_missing_page_is_the_site_404_not_a_debug_page(server):
    response, body = request(server, "/no-such-page/")
    assert response.status == 404
    text = body.decode()
    assert "Traceback" not in text and "DEBUG = True" not in text
    assert "URLconf" not in text


def test_a_form_with_too_many_fields_gets_the_chinese_page_with_the_security_headers(server):
    # Django's own answer is an English "Bad Request (400)"; staff meet this one in the admin.
    response, _ = request(server, "/admin/login/")
    token = next(
        c.split(";")[0].split("=", 1)[1]
        for c in response.headers.get_all("Set-Cookie")
        if c.startswith("csrftoken=")
    )
    body = "&".join([f"csrfmiddlewaretoken={token}", *(f"f{n}=x" for n in range(20_100))])
    response, page = request(
        server,
        "/admin/login/",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
            "Origin": "https://news.example.com",
        },
    )
    assert response.status == 400
    text = BeautifulSoup(page, "html.parser").get_text(" ", strip=True)
    assert "一次提交的项目太多" in text and "Bad Request" not in text
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


def test_admin_login_cookies_are_secure_and_never_cached(server):
    response, body = request(server, "/admin/login/")
    assert response.status == 200
    cookies = response.headers.get_all("Set-Cookie")
    csrf = next(c for c in cookies if c.startswith("csrftoken="))
    assert "Secure" in csrf
    assert "public" not in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_have_hashed_names_compressed_copies_and_cache_for_a_year(server):
    _, body = request(server, "/")
    css = BeautifulSoup(body, "html.parser").select_one("link[rel=stylesheet]")["href"]
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", css), css
    response, _ = request(server, css, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_article_page_is_public_for_a_minute_and_answers_revalidation_with_304(server):
    path = first_article_path(server)
    response, body = request(server, path)
    assert response.status == 200
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=60" in cache_control
    assert "stale-while-revalidate=300" in cache_control
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    again, again_body = request(server, path, headers={"If-None-Match": etag})
    assert again.status == 304 and again_body == b""
    again, _ = request(server, path, headers={"If-Modified-Since": last_modified})
    assert again.status == 304


def test_uploaded_media_is_served_as_a_picture_or_a_download_never_as_a_page(site, server):
    env, tmp_path = site
    renditions = tmp_path / "media" / "renditions"
    renditions.mkdir(parents=True, exist_ok=True)
    (renditions / "evil.html").write_text("<script>alert(1)</script>")
    (renditions / "evil.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")
    for method in ("TRACE", "OPTIONS", "POST", "DELETE"):
        response, body = request(server, "/media/renditions/evil.html", method=method)
        assert response.status in (204, 405) and body == b"", method
    for name in ("evil.html", "evil.svg"):
        response, _ = request(server, f"/media/renditions/{name}")
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"] == "attachment"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
    # A real rendition (of the first article's stand-ins, which readers' pages don't show).
    for made in ("*.webp", "*.jpg"):
        rendition = next(renditions.rglob(made)).relative_to(renditions).as_posix()
        response, _ = request(server, f"/media/renditions/{rendition}")
        assert response.status == 200
        assert response.headers["Content-Type"] in {"image/jpeg", "image/webp"}


def test_originals_are_never_served(site, server):
    env, tmp_path = site
    originals = tmp_path / "media" / "originals"
    originals.mkdir(parents=True, exist_ok=True)
    (originals / "photo.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    response, _ = request(server, "/media/originals/photo.jpg")
    assert response.status == 404


# Ways to climb from renditions/ into originals/, each sent exactly as written.
TRAVERSALS = [
    "/media/renditions/../originals/2026/12/{name}",
    "/media/renditions/%2e%2e/originals/2026/12/{name}",
    "/media/renditions/%2E%2E/originals/2026/12/{name}",
    "/media/renditions/.%2e/originals/2026/12/{name}",
    "/media/renditions/..%2foriginals%2f2026%2f12%2f{name}",
    "/media/renditions%2f..%2foriginals/2026/12/{name}",
    "/media/renditions/..%5coriginals%5c2026%5c12%5c{name}",
    "/media/renditions/..\\originals\\2026\\12\\{name}",
    "/media/renditions//..//originals//2026//12//{name}",
    "/media/renditions/x/../../originals/2026/12/{name}",
    "/media/renditions/./../originals/2026/12/{name}",
    "/media/renditions/%252e%252e/originals/2026/12/{name}",
    "/media/renditions/../../media/originals/2026/12/{name}",
    "/media//originals/2026/12/{name}",
    "/media/originals/2026/12/{name}",
    "/media/./originals/2026/12/{name}",
    "/media/renditions/../originals/2026/12/{name}%00.webp",
    "/media/renditions/7/linked.jpg",
]


def plant_original_and_rendition(media):
    """A phone photo with GPS where uploads go, and a rendition beside it, on disk."""
    original = rotated_phone_jpeg()
    folder = media / "originals" / "2026" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leak.jpg").write_bytes(original)
    renditions = media / "renditions" / "7"
    renditions.mkdir(parents=True, exist_ok=True)
    (renditions / "webp-480-abc.jpg").write_bytes(jpeg_bytes(480, 320))
    # A link that leads out of renditions/ (a careless copy, a restored backup) leads nowhere.
    link = renditions / "linked.jpg"
    link.unlink(missing_ok=True)
    link.symlink_to(folder / "leak.jpg")
    return original


def assert_originals_unreachable(port, original):
    status, _, _ = raw_request(port, "/media/renditions/7/webp-480-abc.jpg")
    assert status == 200  # renditions still are served
    answered = {}
    for pattern in TRAVERSALS:
        target = pattern.format(name="leak.jpg")
        status, _, body = raw_request(port, target)
        leaked = original in body or b"PhoneMaker" in body
        answered[target] = (status, "the original" if leaked else "no photo")
    wrong = {target: answer for target, answer in answered.items() if answer != (404, "no photo")}
    assert not wrong, "\n".join(f"{target} -> {answer}" for target, answer in wrong.items())


def test_originals_cannot_be_reached_from_renditions_by_any_spelling_of_the_path(site, server):
    env, tmp_path = site
    original = plant_original_and_rendition(tmp_path / "media")
    assert_originals_unreachable(server, original)


def test_originals_cannot_be_reached_in_debug_mode_either(site, tmp_path):
    env, site_path = site
    original = plant_original_and_rendition(site_path / "media")
    with gunicorn({**env, "DJANGO_DEBUG": "1", "DJANGO_SERVE_MEDIA": ""}, tmp_path) as port:
        assert_originals_unreachable(port, original)


def test_trace_and_post_to_a_stored_article_get_405_and_never_the_page(server):
    path = first_article_path(server)
    for _ in range(2):  # the second GET is answered from the page cache
        status, headers, body = raw_request(server, path)
        assert status == 200
    title = BeautifulSoup(body, "html.parser").h1.get_text().encode()
    for method in ("TRACE", "POST", "DELETE"):
        status, headers, body = raw_request(server, path, method=method)
        assert (status, headers.get("allow")) == (405, "GET, HEAD"), method
        assert title not in body and b"<html" not in body, method


def test_database_unreachable_at_start_stops_the_server_with_a_clear_message(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://news:pw@127.0.0.1:1/news")
    with pytest.raises(AssertionError) as failed, gunicorn(env, tmp_path):
        pass
    log = str(failed.value)
    assert "Cannot connect to the postgresql database 'news' at 127.0.0.1:1" in log
    assert "Check DATABASE_URL" in log
    assert "pw" not in log.replace("DATABASE_URL", "")


def test_check_services_names_the_unreachable_database(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://news:pw@127.0.0.1:1/news")
    result = manage(env, "check_services")
    assert result.returncode == 1
    assert "Cannot connect to the postgresql database 'news'" in result.stderr


@pytest.mark.redis
def test_an_edit_shows_at_once_on_every_app_server(site, tmp_path):
    env, _ = site
    redis = RedisServer(tmp_path / "redis").start()
    try:
        env = {**env, "CACHE_URL": redis.url}
        with gunicorn(env, tmp_path, "a") as a, gunicorn(env, tmp_path, "b") as b:
            path = first_article_path(a)
            for port in (a, b):  # both render and keep the page in the shared cache
                assert request(port, path)[0].status == 200
            first_etag = request(a, path)[0].headers["ETag"]
            # A correction saved by a third process (an editor's request on another server).
            code = (
                "from articles.models import Article, Correction;"
                "a = Article.objects.get(external_id='seed:qiantang-print-page');"
                "Correction.objects.create(article=a, note='更正：第二段的日期有误。')"
            )
            result = manage(env, "shell", "--no-imports", "-c", code)
            assert result.returncode == 0, result.stderr
            for port in (a, b):
                response, body = request(port, path, headers={"If-None-Match": first_etag})
                assert response.status == 200
                assert "更正：第二段的日期有误。" in body.decode()
    finally:
        redis.stop()


def test_an_edit_made_by_another_process_shows_at_once_with_each_processs_own_cache(site, server):
    # The default cache, locmem, is each process's own memory: the page generation is then a
    # file every process of the machine reads (articles/pagecache.py).
    env, _ = site
    path = first_article_path(server)
    first, _ = request(server, path)
    assert request(server, path)[0].headers["ETag"] == first.headers["ETag"]
    edit = (
        "from articles.models import Article;"
        "a = Article.objects.get(external_id='seed:qiantang-print-page');"
        "print(a.print_editors);"
        "a.print_editors = {!r};"
        "a.save()"
    )
    before = shell(env, edit.format("另一个进程"))
    try:
        response, body = request(server, path, headers={"If-None-Match": first.headers["ETag"]})
        assert response.status == 200
        assert "责任编辑：另一个进程" in body.decode()
    finally:
        shell(env, edit.format(before))


@pytest.mark.redis
def test_pages_are_still_served_when_redis_goes_away_and_health_says_so(site, tmp_path):
    env, _ = site
    redis = RedisServer(tmp_path / "redis").start()
    env = {**env, "CACHE_URL": redis.url}
    try:
        with gunicorn(env, tmp_path) as port:
            path = first_article_path(port)
            _, cached_body = request(port, path)
            redis.stop()
            for page in ("/", path, path, "/search/?q=" + quote("钱塘")):
                response, body = request(port, page)
                assert response.status == 200, page
            assert body_text(request(port, path)[1]) == body_text(cached_body)
            response, body = request(port, "/healthz", https=False, host="127.0.0.1")
            assert response.status == 503
            assert json.loads(body)["checks"] == {"database": "ok", "cache": "failing"}
            redis.start()
            # The cache is left alone for a few seconds after a failure, then used again.
            wait_until(
                lambda: request(port, "/healthz", https=False, host="127.0.0.1")[0].status == 200,
                seconds=20,
                what="health after Redis came back",
            )
    finally:
        redis.stop()


NEW_ARTICLE = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
a = Article.objects.create(
    title={title!r}, status=Article.Status.PUBLISHED,
    published_at=timezone.now() - timedelta(hours=1),
)
Section.objects.create(article=a, position=1, heading="", body="正文一段。")
print(a.get_absolute_url())
"""
WITHDRAW = """
from articles.models import Article
a = Article.objects.get(title={title!r})
a.status = Article.Status.DRAFT
a.save()
"""


def shell(env, code):
    result = manage(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def postgres():
    server = PostgresServer().create()
    yield server
    server.remove()


@pytest.mark.redis
@pytest.mark.postgres
def test_stored_article_pages_are_served_stale_while_the_database_is_down(tmp_path, postgres):
    redis = RedisServer(tmp_path / "redis").start()
    env = production_env(tmp_path, DATABASE_URL=postgres.url, CACHE_URL=redis.url)
    try:
        prepare_site(env)
        read = shell(env, NEW_ARTICLE.format(title="读过又撤下的文章"))
        unread = shell(env, NEW_ARTICLE.format(title="没人读过的文章"))
        with gunicorn(env, tmp_path) as port:
            path = first_article_path(port)
            fresh, fresh_body = request(port, path)
            assert fresh.status == 200 and fresh.headers["Warning"] is None
            fresh_gzip, gzip_body = request(port, path, headers={"Accept-Encoding": "gzip"})
            assert fresh_gzip.headers["Content-Encoding"] == "gzip"
            assert request(port, read)[0].status == 200
            shell(env, WITHDRAW.format(title="读过又撤下的文章"))  # an editor takes it down
            # Stored after the last change: answered as usual while the database is down (a
            # hit asks the database nothing, not even whether the connection is alive).
            feed, feed_body = request(port, "/feeds/rss/")
            assert feed.status == 200
            stopped = time.monotonic()
            postgres.stop()

            current, current_body = request(port, "/feeds/rss/")
            assert current.status == 200 and current_body == feed_body
            assert current.headers["Warning"] is None and current.headers["Age"] is None

            stale, stale_body = request(port, path)
            assert stale.status == 200
            assert stale_body == fresh_body  # the very page stored before the database went
            assert stale.headers["Warning"] == '110 - "Response is Stale"'
            assert 0 <= int(stale.headers["Age"]) <= time.monotonic() - stopped + 60
            assert stale.headers["ETag"] == fresh.headers["ETag"]
            assert "Strict-Transport-Security" in stale.headers
            stale_gzip, stale_gzip_body = request(port, path, headers={"Accept-Encoding": "gzip"})
            assert stale_gzip.status == 200 and stale_gzip_body == gzip_body
            again, _ = request(port, path, headers={"If-None-Match": fresh.headers["ETag"]})
            assert again.status == 304

            # Nothing stored, or taken down before the database went: a 503 in Chinese.
            for page in (unread, read, "/"):
                response, body = request(port, page)
                assert response.status == 503, page
                assert "暂时无法显示" in BeautifulSoup(body, "html.parser").get_text(), page
                assert response.headers["Retry-After"]
                assert "no-store" in response.headers["Cache-Control"]
            response, body = request(port, "/healthz", https=False, host="127.0.0.1")
            assert response.status == 503
            assert json.loads(body)["checks"] == {"database": "failing", "cache": "ok"}

            postgres.start()
            wait_until(
                lambda: request(port, "/healthz", https=False, host="127.0.0.1")[0].status == 200,
                seconds=20,
                what="health after PostgreSQL came back",
            )
            back, back_body = request(port, path)
            assert back.status == 200 and back.headers["Warning"] is None
            # Rendered anew: the article taken down meanwhile has left its 更多报道 list.
            assert "读过又撤下的文章" in fresh_body.decode()
            assert "读过又撤下的文章" not in back_body.decode()
            assert back.headers["ETag"] != fresh.headers["ETag"]
            assert request(port, unread)[0].status == 200
    finally:
        redis.stop()


def body_text(body):
    return BeautifulSoup(body, "html.parser").select_one("main").get_text(" ", strip=True)

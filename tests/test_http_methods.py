"""Readers' pages answer GET and HEAD; any other method gets 405 and no page, OPTIONS a 204.

Every public URL is asked with every method through Django's test client with CSRF checks on,
as a browser's request would be; the page cache is tried with the page already stored.
"""

import socket

import pytest

from articles.preview import create_link

from .factories import make_article, make_author, make_column

pytestmark = pytest.mark.django_db

ALLOW = "GET, HEAD"
REFUSED = ["POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT", "PROPFIND", "BREW"]


@pytest.fixture
def public_urls():
    column, author = make_column("城市观察"), make_author("张梦月")
    article = make_article("钱塘智慧城", column=column, authors=[author], summary="摘要。")
    draft = make_article("草稿", published=False)
    return {
        "home": "/",
        "home, page 2": "/?page=2",
        "article": article.get_absolute_url(),
        "article without slug": f"/articles/{article.pk}/",
        "missing article": "/articles/999999/nothing/",
        "share preview": create_link(draft)[1],
        "column": column.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": "/search/?q=钱塘",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/sitemap-news.xml",
        "robots.txt": "/robots.txt",
        "health check": "/healthz",
    }


@pytest.fixture
def csrf_client(client):
    # The test client skips CSRF checks unless asked; a browser's POST does not.
    client.handler.enforce_csrf_checks = True
    return client


def test_get_and_head_still_answer(csrf_client, public_urls):
    for name, url in public_urls.items():
        for method in ("GET", "HEAD"):
            response = csrf_client.generic(method, url)
            assert response.status_code in (200, 301, 302, 404, 503), (name, method)


def test_every_other_method_gets_405_with_allow_and_no_page(csrf_client, public_urls):
    answers = {}
    for name, url in public_urls.items():
        for method in REFUSED:
            response = csrf_client.generic(method, url, data="x=1")
            answers[name, method] = (response.status_code, response.get("Allow"), response.content)
    wrong = {key: answer for key, answer in answers.items() if answer != (405, ALLOW, b"")}
    assert not wrong, "\n".join(
        f"{key} -> {answer[:2]} {answer[2][:60]!r}" for key, answer in wrong.items()
    )


def test_options_says_what_is_allowed_with_no_body(csrf_client, public_urls):
    for name, url in public_urls.items():
        response = csrf_client.options(url)
        assert (response.status_code, response.get("Allow"), response.content) == (
            204,
            ALLOW,
            b"",
        ), name


def test_a_stored_article_page_is_not_sent_for_trace_or_post(csrf_client):
    article = make_article("钱塘智慧城")
    url = article.get_absolute_url()
    first = csrf_client.get(url)
    assert first.status_code == 200
    assert csrf_client.get(url)["ETag"] == first["ETag"]  # stored: the cache answers now
    for method in ("TRACE", "POST", "PUT", "DELETE"):
        response = csrf_client.generic(method, url)
        assert (response.status_code, response.content) == (405, b""), method
        assert response["Allow"] == ALLOW
    assert csrf_client.head(url).status_code == 200  # and the stored page still answers


def raw(port, request_line):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"{request_line}\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := s.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


@pytest.mark.django_db(transaction=True)
def test_trace_to_a_live_server_gets_405_not_the_page(live_server, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    article = make_article("钱塘智慧城", summary="不该被 TRACE 送回的页面。")
    url = article.get_absolute_url()
    port = int(live_server.url.rsplit(":", 1)[1])
    head, body = raw(port, f"GET {url} HTTP/1.1")
    assert head.startswith("HTTP/1.1 200") and "钱塘智慧城".encode() in body
    head, body = raw(port, f"TRACE {url} HTTP/1.1")
    assert head.startswith("HTTP/1.1 405"), head
    assert f"Allow: {ALLOW}" in head.splitlines()
    assert "钱塘智慧城".encode() not in body

"""The article page is small, and goes out compressed to browsers that ask for it."""

import gzip

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_first_article_html_is_under_60_kb(client, first_article):
    response = client.get(first_article.get_absolute_url())
    assert response.status_code == 200
    assert len(response.content) < 60 * 1024


def test_article_is_sent_gzipped_to_a_browser_that_asks(client, first_article):
    url = first_article.get_absolute_url()
    plain = client.get(url).content

    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain
    assert len(response.content) < len(plain) / 2


def test_a_client_that_does_not_ask_gets_the_plain_page(client, first_article):
    response = client.get(first_article.get_absolute_url())
    assert not response.has_header("Content-Encoding")
    assert "钱塘" in response.content.decode()


def test_compressed_page_still_answers_revalidation_with_304(client, first_article):
    url = first_article.get_absolute_url()
    asked = {"accept-encoding": "gzip"}
    etag = client.get(url, headers=asked)["ETag"]

    response = client.get(url, headers={**asked, "if-none-match": etag})

    assert response.status_code == 304


GZIP = {"accept-encoding": "gzip, deflate, br"}


def test_a_cached_article_decompresses_to_exactly_a_fresh_render(client, first_article):
    url = first_article.get_absolute_url()
    client.get(url, headers=GZIP)  # rendered and stored
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url, headers=GZIP)
    assert len(queries) == 1  # served from the cache, not rendered again
    cache.clear()
    fresh = client.get(url)

    assert hit["Content-Encoding"] == "gzip"
    assert hit["Content-Length"] == str(len(hit.content))
    assert gzip.decompress(hit.content) == fresh.content


def test_a_client_that_does_not_ask_gets_the_plain_page_from_the_cache_too(client, first_article):
    url = first_article.get_absolute_url()
    zipped = client.get(url, headers=GZIP)
    plain = client.get(url)

    assert not plain.has_header("Content-Encoding")
    assert plain.content == gzip.decompress(zipped.content)
    # A shared cache between us and readers must keep the two apart.
    assert "Accept-Encoding" in plain["Vary"]
    assert "Accept-Encoding" in zipped["Vary"]


def test_a_gzipped_cached_page_revalidates_with_its_weak_etag(client, first_article):
    url = first_article.get_absolute_url()
    client.get(url, headers=GZIP)
    hit = client.get(url, headers=GZIP)
    assert hit["ETag"].startswith('W/"')

    weak = client.get(url, headers={**GZIP, "if-none-match": hit["ETag"]})
    strong = client.get(url, headers={**GZIP, "if-none-match": hit["ETag"].removeprefix("W/")})
    by_date = client.get(url, headers={**GZIP, "if-modified-since": hit["Last-Modified"]})

    assert weak.status_code == strong.status_code == by_date.status_code == 304
    assert weak.content == b""


def test_head_of_a_cached_article_has_the_headers_and_no_body(client, first_article):
    url = first_article.get_absolute_url()
    got = client.get(url, headers=GZIP)

    head = client.head(url, headers=GZIP)

    assert head.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Encoding", "Content-Length", "ETag", "Cache-Control"):
        assert head[name] == got[name], name

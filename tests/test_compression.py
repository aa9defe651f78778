"""The article page is small, and goes out compressed to browsers that ask for it.

That a stored page is answered from the cache, plain or gzipped, exactly as rendered, is
tests/test_caching.py's; here, what compression does to a page rendered and to one stored.
"""

import gzip

from django.core.cache import cache

GZIP = {"accept-encoding": "gzip, deflate, br"}


def test_the_first_article_is_under_60_kb_and_gzipped_only_for_a_browser_that_asks(
    client, first_article
):
    url = first_article.get_absolute_url()
    plain = client.get(url)
    cache.clear()  # rendered again, not answered from the cache
    zipped = client.get(url, headers=GZIP)

    assert plain.status_code == zipped.status_code == 200
    assert len(plain.content) < 60 * 1024
    assert not plain.has_header("Content-Encoding")
    assert "钱塘" in plain.content.decode()
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    # A shared cache between us and readers must keep the two apart.
    assert "Accept-Encoding" in plain["Vary"]
    assert "Accept-Encoding" in zipped["Vary"]


def test_a_gzipped_page_revalidates_by_its_weak_etag_a_strong_one_or_its_date(
    client, first_article
):
    url = first_article.get_absolute_url()
    first = client.get(url, headers=GZIP)  # rendered and stored
    etag = first["ETag"]
    assert etag.startswith('W/"')
    asked = {
        "weak": {"if-none-match": etag},
        "strong": {"if-none-match": etag.removeprefix("W/")},
        "by date": {"if-modified-since": first["Last-Modified"]},
    }
    for stored in (True, False):
        for how, condition in asked.items():
            if not stored:
                cache.clear()  # answered by the view, not from the cache
            response = client.get(url, headers={**GZIP, **condition})
            assert (response.status_code, response.content) == (304, b""), (how, stored)


def test_head_of_a_cached_article_has_the_headers_and_no_body(client, first_article):
    url = first_article.get_absolute_url()
    got = client.get(url, headers=GZIP)

    head = client.head(url, headers=GZIP)

    assert head.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "Content-Encoding", "Content-Length", "ETag", "Cache-Control"):
        assert head[name] == got[name], name

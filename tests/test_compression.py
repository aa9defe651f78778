"""The article page is small, and goes out compressed to browsers that ask for it."""

import gzip
import io

import pytest
from django.core.management import call_command

from articles.models import Article


@pytest.fixture
def first_article(db):
    call_command("load_seed", stdout=io.StringIO())
    return Article.objects.get()


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

"""/sitemap.xml as a sitemap index over files of at most ARTICLES_PER_FILE URLs each."""

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import sitemaps
from articles.models import Article

from .factories import make_article, make_author, make_column

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def index(client):
    """{file path: lastmod} of the sitemap index."""
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    return {
        s.findtext(f"{SM}loc").removeprefix(BASE): s.findtext(f"{SM}lastmod")
        for s in root.iter(f"{SM}sitemap")
    }


def urls(client, path):
    return {
        u.findtext(f"{SM}loc").removeprefix(BASE): u.findtext(f"{SM}lastmod")
        for u in xml(client, path).iter(f"{SM}url")
    }


@pytest.fixture
def small_files(monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_FILE", 2)
    return 2


def block_of(article, size):
    return (article.pk - 1) // size + 1


def test_articles_are_split_into_files_of_at_most_the_limit_each_with_its_lastmod(
    client, small_files, time_machine
):
    made = []
    for n in range(6):  # each written and published on its own day
        time_machine.move_to(at(2026, 8, 1 + n, 8, 0), tick=False)
        made.append(make_article(f"稿{n}", published_at=at(2026, 8, 1 + n, 8, 0)))
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    draft = make_article("草稿", published=False)
    files = index(client)
    blocks = sorted({block_of(a, small_files) for a in made})
    article_files = [f"/sitemap-articles-{b}.xml" for b in blocks]
    assert [f for f in files if f.startswith("/sitemap-articles-")] == article_files
    assert len(article_files) >= 3
    listed = {}
    for path in article_files:
        found = urls(client, path)
        assert 1 <= len(found) <= small_files
        listed.update(found)
        # The file's lastmod is its newest article's (a date and time, in Shanghai).
        newest = max(a.published_at for a in made if f"-{block_of(a, small_files)}.xml" in path)
        assert files[path] == newest.astimezone(SHANGHAI).isoformat()
    assert set(listed) == {a.get_absolute_url() for a in made}
    assert draft.get_absolute_url() not in listed
    assert listed[made[0].get_absolute_url()] == "2026-08-01"


def test_an_edit_moves_only_its_own_files_lastmod(
    client, small_files, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    made = [make_article(f"稿{n}", published_at=at(2026, 8, 1, 8, n)) for n in range(6)]
    before = index(client)
    time_machine.move_to(at(2026, 8, 12, 10, 0), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        made[0].title = "改过的标题"
        made[0].save()
    after = index(client)
    edited = f"/sitemap-articles-{block_of(made[0], small_files)}.xml"
    assert after[edited] == at(2026, 8, 12, 10, 0).isoformat()
    assert {
        k: v for k, v in after.items() if k.startswith("/sitemap-articles") and k != edited
    } == {k: v for k, v in before.items() if k.startswith("/sitemap-articles") and k != edited}


def test_a_file_with_no_public_article_is_neither_listed_nor_served(
    client, small_files, django_capture_on_commit_callbacks
):
    made = [make_article(f"稿{n}") for n in range(4)]
    block = block_of(made[-1], small_files)
    path = f"/sitemap-articles-{block}.xml"
    assert path in index(client)
    with django_capture_on_commit_callbacks(execute=True):  # taken down: the pages change
        for article in made:
            if block_of(article, small_files) == block:
                article.status = Article.Status.DRAFT
                article.save()
    assert path not in index(client)
    assert client.get(path).status_code == 404
    assert len([f for f in index(client) if f.startswith("/sitemap-articles-")]) >= 1


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-articles-0.xml",
        "/sitemap-articles-01.xml",
        "/sitemap-articles-999999.xml",
        "/sitemap-articles-" + "9" * 40 + ".xml",
        "/sitemap-articles.xml",
        "/sitemap-nothing.xml",
        "/sitemap-articles-1.xml?p=2",
        "/sitemap-articles-1.xml?p=abc",
    ],
)
def test_files_that_are_not_there_are_a_404(client, path):
    make_article("稿")
    assert client.get(path).status_code == 404


def test_the_index_lists_news_columns_authors_archive_and_edition_sections(client):
    column, author = make_column("城事"), make_author("许静")
    make_article("稿", column=column, authors=[author])
    files = index(client)
    for name in ("news", "columns", "authors", "archive"):
        assert files[f"/sitemap-{name}.xml"], name  # listed, with a lastmod
    # No public edition yet: an empty section is left out rather than listed without lastmod.
    assert "/sitemap-epaper.xml" not in files
    assert column.get_absolute_url() in urls(client, "/sitemap-columns.xml")
    assert author.get_absolute_url() in urls(client, "/sitemap-authors.xml")


def test_a_section_past_its_limit_is_paginated_in_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ColumnSitemap, "limit", 1)
    columns = [make_column(f"栏目{n}") for n in range(3)]
    for column in columns:
        make_article(column=column)
    files = index(client)
    assert {"/sitemap-columns.xml", "/sitemap-columns.xml?p=2", "/sitemap-columns.xml?p=3"} <= set(
        files
    )
    listed = {}
    for page in ("", "?p=2", "?p=3"):
        found = urls(client, "/sitemap-columns.xml" + page)
        assert len(found) == 1
        listed.update(found)
    assert set(listed) == {c.get_absolute_url() for c in columns}


def test_the_index_and_its_files_are_answered_from_the_page_cache(client, small_files):
    for _ in range(3):
        make_article()
    paths = ["/sitemap.xml", *index(client)]
    for path in paths:
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        assert len(queries) == 0, path
        assert again.content == first.content
        assert again["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_the_index_loads_no_article_row(client, small_files):
    for _ in range(7):
        make_article()
    with CaptureQueriesContext(connection) as queries:
        index(client)
    # One grouped query for the article files; no query selects the articles' rows.
    selects = [
        q["sql"] for q in queries.captured_queries if '"articles_article"."title"' in q["sql"]
    ]
    assert selects == []


def every_url(client):
    found = {}
    for path in index(client):
        found.update(urls(client, path))
    return found


def test_an_embargoed_article_joins_its_file_at_its_time(client, time_machine, small_files):
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    make_article("已发", published_at=at(2026, 8, 9, 8, 0))
    scheduled = make_article("定时", published_at=at(2026, 8, 10, 12, 0))
    assert scheduled.get_absolute_url() not in every_url(client)
    time_machine.move_to(at(2026, 8, 10, 12, 0, 1), tick=False)
    # The stored index and files carried the embargo's instant: rendered again, with it.
    path = f"/sitemap-articles-{block_of(scheduled, small_files)}.xml"
    assert path in index(client)
    assert scheduled.get_absolute_url() in urls(client, path)


def test_a_files_addresses_are_the_articles_own(client):
    from articles.sitemaps import article_address

    plain = make_article("钱塘观潮")
    odd = make_article("另一篇")
    Article.objects.filter(pk=odd.pk).update(slug="qian-tang_2")
    odd.refresh_from_db()
    for article in (plain, odd):
        assert article_address(article.pk, article.slug) == article.get_absolute_url()
    assert article_address(12, "中文") == reverse_detail(12, "中文")


def reverse_detail(pk, slug):
    from django.urls import reverse

    return reverse("articles:detail", kwargs={"pk": pk, "slug": slug})

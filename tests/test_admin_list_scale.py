"""The admin's article list counts no further than a limit (articles/admin_paging.py)."""

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import admin_paging
from articles.models import Article

from .factories import make_article, make_column

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(admin_paging.CappedCountPaginator, "limit", 5)
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 2)


def rows(soup):
    return [a.get_text() for a in soup.select("#result_list th.field-title a")]


def get(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params or {})
    return response, queries.captured_queries


def test_past_the_limit_the_list_says_so_and_counts_no_further(client, editor, small_limits):
    for n in range(8):
        make_article(f"稿{n}")
    response, queries = get(client)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    line = soup.select_one(".paginator").get_text(" ", strip=True)
    assert "超过 5 篇" in line
    # Pages for the first five articles only: 1, 2, 3; no "show all" of the whole table.
    assert [a.get_text() for a in soup.select(".paginator a")] == ["1", "2", "3"]
    counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts if "ARTICLES_ARTICLE" in sql)
    # A page past the counted ones is refused as Django refuses a bad page: no 500.
    assert client.get(LIST, {"p": "9"}).status_code in (200, 302)


def test_under_the_limit_the_count_is_exact_and_filters_count_too(client, editor, small_limits):
    column = make_column("城事")
    for n in range(3):
        make_article(f"城事{n}", column=column)
    for n in range(4):
        make_article(f"别处{n}")
    response, _ = get(client, {"column__id__exact": column.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    assert "3 文章" in soup.select_one(".paginator").get_text(" ", strip=True)
    assert set(rows(soup)) <= {f"城事{n}" for n in range(3)}


def test_the_whole_table_is_never_counted(client, editor):
    make_article("稿")
    _, queries = get(client)
    for sql in (q["sql"].upper() for q in queries):
        if "COUNT(" in sql and "ARTICLES_ARTICLE" in sql:
            assert "LIMIT" in sql, sql

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.views import PAGE_SIZE

from .factories import make_article, make_author, make_column, make_figure, make_staff

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(response):
    return [a.get_text() for a in soup(response).select(".item__title a")]


def test_published_article_is_read_at_its_canonical_url(client):
    article = make_article("钱塘新闻", sections=[("", "导语段落。"), ("小标题", "正文段落。")])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "钱塘新闻"
    assert [p.get_text() for p in page.select("article section > p")] == [
        "导语段落。",
        "正文段落。",
    ]
    assert page.select_one("article h2[id]").get_text(" ", strip=True).startswith("小标题")


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client):
    article = make_article("钱塘新闻")
    for url in (f"/articles/{article.pk}/", f"/articles/{article.pk}/old-slug/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(
    ("published", "from_now"),
    # Times relative to the moment the test runs, not to when the module was collected.
    [(False, None), (True, timedelta(hours=2)), (False, -timedelta(days=1))],
    ids=["draft", "embargoed", "draft-with-past-time"],
)
def test_unpublished_article_is_hidden_from_anonymous_readers(client, published, from_now):
    fields = {"published": published}
    if from_now is not None:
        fields["published_at"] = timezone.now() + from_now
    hidden = make_article(
        "不该看到", column=make_column("经济"), authors=[make_author("记者甲")], **fields
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in (
        "/",
        hidden.column.get_absolute_url(),
        hidden.bylines.get().author.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "不该看到" not in listed_titles(response)


def test_embargo_lifts_at_its_time_without_any_job(client):
    article = make_article("定时稿", published_at=timezone.now() + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    article.published_at = timezone.now() - timedelta(seconds=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_staff_with_change_permission_preview_a_draft_uncached(client):
    draft = make_article("草稿", published=False)
    client.force_login(make_staff())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "预览" in soup(response).select_one(".preview-banner").get_text()


def test_staff_without_change_permission_do_not_see_drafts(client):
    draft = make_article("草稿", published=False)
    client.force_login(make_staff("viewer", perms=()))
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/articles/999999/x/", "/articles/999999/", "/columns/nope/", "/authors/nope/", "/nope/"],
)
def test_unknown_things_get_the_sites_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "没有找到" in response.content.decode()


def test_column_and_author_pages_list_their_published_articles_and_paginate(client):
    column, author = make_column("城市"), make_author("王记者")
    for n in range(PAGE_SIZE + 3):
        make_article(
            f"城市稿{n:02d}",
            column=column,
            authors=[author],
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    make_article("别的栏目", column=make_column("体育"))
    for url in (column.get_absolute_url(), author.get_absolute_url()):
        first = client.get(url)
        assert listed_titles(first)[0] == "城市稿00"
        assert len(listed_titles(first)) == PAGE_SIZE
        assert "别的栏目" not in listed_titles(first)
        older = soup(first).select_one(".pagination a[rel=next]")["href"]
        assert older.startswith(url + "?before=")
        second = client.get(older)
        assert listed_titles(second) == ["城市稿20", "城市稿21", "城市稿22"]


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "0000", "1e3", "２"])
def test_page_parameters_that_are_no_page_number_lead_to_the_first_page(client, page):
    make_article("唯一")
    response = client.get("/", {"page": page})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("page", ["99999", "101", "9" * 5000])
def test_old_page_numbers_past_the_articles_or_the_limit_are_a_404_pointing_to_the_archive(
    client, page
):
    make_article("唯一")
    response = client.get("/", {"page": page})
    assert response.status_code == 404
    page_soup = soup(response)
    assert page_soup.h1.get_text() == "没有这一页"
    assert page_soup.select_one('main a[href="/archive/"]')


def test_html_typed_by_editors_is_shown_as_text_everywhere(client):
    evil = "<script>alert(1)</script>"
    column = make_column(f"栏目{evil}")
    author = make_author(f"作者{evil}")
    article = make_article(
        f"标题{evil}",
        kicker=f"引题{evil}",
        subtitle=f"副题{evil}",
        summary=f"摘要{evil}",
        photo_credit=f"图片{evil}",
        column=column,
        authors=[author],
        sections=[(f"小标题{evil}", f"段落{evil}")],
    )
    make_figure(article, caption=f"说明{evil}", credit=f"摄影{evil}", alt_text=f"替代{evil}")
    for url in (
        "/",
        article.get_absolute_url(),
        column.get_absolute_url(),
        author.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_page_queries_do_not_grow_with_sections_and_figures(client):
    small = make_article(sections=[("", "一。")], authors=[make_author()])
    make_figure(small)
    big = make_article(
        sections=[(f"节{n}", "段。\n\n段。") for n in range(12)],
        authors=[make_author(), make_author(), make_author()],
    )
    for n in range(8):
        make_figure(big, section=big.sections.all()[n])
    assert query_count(client, small.get_absolute_url()) == query_count(
        client, big.get_absolute_url()
    )


def test_list_page_queries_do_not_grow_with_the_number_of_articles(
    client, django_capture_on_commit_callbacks
):
    column = make_column()
    make_figure(make_article(column=column, authors=[make_author()]))
    few = query_count(client, "/"), query_count(client, column.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):  # committed: the lists change
        for _ in range(15):
            article = make_article(column=column, authors=[make_author(), make_author()])
            make_figure(article)
            make_figure(article)
    assert (query_count(client, "/"), query_count(client, column.get_absolute_url())) == few

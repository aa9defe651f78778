"""Public lists page by keyset cursor (articles/paging.py): ?before=<published_at>-<id>."""

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import paging
from articles.models import Article
from articles.paging import Cursor

from .factories import make_article, make_author, make_column

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    return [a.get_text() for a in soup(response).select(".item__title a")]


def walk(client, url):
    """Every title of a list, following 更早的文章 from its first page to its last."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += titles(response)
        pages += 1
        older = soup(response).select_one(".pagination a[rel=next]")
        url = older["href"] if older else None
    return seen, pages


def test_walking_older_pages_lists_every_article_once_in_order_even_with_equal_times(client):
    # Print pages go up at one moment: many articles share a publication time, and the id
    # decides between them, so no article is skipped or shown twice at a page boundary.
    now = timezone.now().replace(microsecond=0)
    made = []
    for n in range(47):
        moment = now - timedelta(hours=1 + n // 6)  # groups of six at the same second
        made.append(make_article(f"稿{n:02d}", published_at=moment))
    expected = [a.title for a in sorted(made, key=lambda a: (a.published_at, a.pk), reverse=True)]
    seen, pages = walk(client, "/")
    assert seen == expected
    assert pages == 3


def test_column_and_author_lists_page_within_their_own_articles(client):
    column, author = make_column("城事"), make_author("许静")
    now = timezone.now()
    for n in range(25):
        make_article(
            f"城事{n:02d}",
            column=column,
            authors=[author],
            published_at=now - timedelta(hours=n + 1),
        )
        make_article(f"别处{n:02d}", published_at=now - timedelta(hours=n + 1, minutes=30))
    for url in (column.get_absolute_url(), author.get_absolute_url()):
        seen, pages = walk(client, url)
        assert seen == [f"城事{n:02d}" for n in range(25)]
        assert pages == 2


def test_a_deep_page_asks_no_offset_and_no_count_and_as_many_queries_as_the_second(client):
    now = timezone.now()
    for n in range(70):
        make_article(f"稿{n}", published_at=now - timedelta(minutes=n + 1))
    newest_first = Article.objects.published().order_by("-published_at", "-id")
    counts = []
    for position in (19, 59):
        cursor = str(Cursor.of(newest_first[position]))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/", {"before": cursor})
        assert response.status_code == 200
        sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
        assert " OFFSET " not in sql and "COUNT(" not in sql
        counts.append(len(queries))
    assert titles(response) == [f"稿{n}" for n in range(60, 70)]
    assert counts[0] == counts[1]


def test_old_page_numbers_are_sent_to_the_page_that_starts_where_they_started(client):
    now = timezone.now()
    for n in range(50):
        make_article(f"稿{n}", published_at=now - timedelta(minutes=n + 1))
    response = client.get("/", {"page": "3"})
    assert response.status_code == 302
    assert titles(client.get(response["Location"])) == [f"稿{n}" for n in range(40, 50)]
    one = client.get("/", {"page": "1"})
    assert (one.status_code, one["Location"]) == (301, "/")
    assert client.get("/", {"page": "4"}).status_code == 404  # past the end
    column = make_column("城事")
    make_article("城事稿", column=column)
    gone = client.get(column.get_absolute_url(), {"page": "2"})
    assert gone.status_code == 404
    assert soup(gone).select_one(f'main a[href="{column.get_absolute_url()}"]')


def test_old_page_numbers_deeper_than_the_limit_are_not_walked_to(client, monkeypatch):
    monkeypatch.setattr(paging, "LEGACY_PAGE_LIMIT", 2)
    now = timezone.now()
    for n in range(70):
        make_article(f"稿{n}", published_at=now - timedelta(minutes=n + 1))
    assert client.get("/", {"page": "2"}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", {"page": "3"})
    assert response.status_code == 404
    assert not [q for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "20261332T000000Z-1",  # no 32nd of the 13th month
        "20260101T000000Z-0",
        "20260101T000000Z-" + "9" * 30,
        "20260101T000000+0800-1",
        "2026-01-01T00:00:00Z-1",
        "",
        "99991231T235959Z-1",  # no local time in Shanghai
        "00010101T000000Z-1",
    ],
)
def test_cursors_the_site_never_writes_are_a_404_not_a_500(client, cursor):
    column = make_article("稿", column=make_column("城事", slug="city")).column
    response = client.get(column.get_absolute_url(), {"before": cursor})
    assert response.status_code == 404
    response = client.get("/", {"before": cursor})
    assert response.status_code == 404
    assert soup(response).h1.get_text() == "没有这一页"


def test_a_cursor_older_than_every_article_is_a_404_pointing_to_the_archive(client):
    article = make_article("唯一")
    response = client.get("/", {"before": str(Cursor.of(article))})
    assert response.status_code == 404
    assert soup(response).select_one('main a[href="/archive/"]')


def test_a_page_keeps_its_articles_when_newer_ones_are_published(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for n in range(30):
        make_article(f"稿{n}", published_at=now - timedelta(hours=n + 1))
    older = soup(client.get("/")).select_one(".pagination a[rel=next]")["href"]
    before = titles(client.get(older))
    with django_capture_on_commit_callbacks(execute=True):
        make_article("新稿", published_at=now - timedelta(minutes=5))
    assert titles(client.get("/"))[0] == "新稿"
    assert titles(client.get(older)) == before == [f"稿{n}" for n in range(20, 30)]


def test_a_page_whose_cursor_article_was_taken_down_is_answered_but_not_stored(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    made = [make_article(f"稿{n}", published_at=now - timedelta(hours=n + 1)) for n in range(25)]
    older = soup(client.get("/")).select_one(".pagination a[rel=next]")["href"]
    client.get(older)
    with CaptureQueriesContext(connection) as hit:
        client.get(older)
    assert len(hit) == 0  # a cursor the site wrote: stored
    with django_capture_on_commit_callbacks(execute=True):
        made[19].status = Article.Status.DRAFT
        made[19].save()
    response = client.get(older)
    assert response.status_code == 200
    assert titles(response) == [f"稿{n}" for n in range(20, 25)]
    with CaptureQueriesContext(connection) as again:
        client.get(older)
    assert len(again) > 0  # no longer an article's position: not kept


def explain(queryset):
    """The plan of queryset; on PostgreSQL with sorting and sequential scans discouraged,
    so a small test table still shows whether an index can give the order at all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_the_home_and_column_pages_are_read_in_index_order_without_a_sort():
    column = make_column("城事")
    article = make_article("稿", column=column)
    cursor = Cursor.of(article)
    for public in (
        Article.objects.published,
        lambda now: Article.objects.published(now).filter(column=column),
    ):
        # The query keyset_page makes for the page after the cursor.
        page = paging.older_than(public(cursor.published_at), cursor).order_by(*paging.ORDER)
        plan = explain(page[:21])
        assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite's sort
        assert "Sort" not in plan, plan  # PostgreSQL's
        assert "article_public_newest" in plan or "article_column_newest" in plan, plan


def test_an_old_page_and_an_old_month_are_read_up_to_their_own_time_not_up_to_now(
    client, time_machine
):
    # With two upper bounds on published_at (now, and the cursor or the month's end), SQLite
    # may read the index from now down, through every article published since: the queries
    # carry one, their own.
    from articles import by_date

    time_machine.move_to(dt.datetime(2026, 8, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    for n in range(30):
        make_article(f"稿{n}", published_at=dt.datetime(2026, 7, 1 + n, 8, tzinfo=SHANGHAI))
    older = soup(client.get("/")).select_one(".pagination a[rel=next]")["href"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(older).status_code == 200
    page_query = next(q["sql"] for q in queries.captured_queries if "LIMIT 21" in q["sql"])
    assert "2026-08-10" not in page_query and "2026-07-11" in page_query
    with CaptureQueriesContext(connection) as queries:
        by_date.count_between(by_date.instant(2026, 7), by_date.instant(2026, 8))
    assert "2026-08-10" not in queries.captured_queries[0]["sql"]


def test_cursors_read_back_what_they_wrote():
    article = make_article("稿")
    cursor = Cursor.of(article)
    assert Cursor.parse(str(cursor)) == cursor
    assert paging.is_cursor(str(cursor))
    whole = Cursor(article.published_at.replace(microsecond=0), 7)
    assert str(whole).endswith("Z-7") and "." not in str(whole)
    assert not paging.is_cursor(str(whole).replace("Z-7", ".000000Z-7"))


def test_older_pages_go_on_from_the_newest_the_editors_front_page_shows(client):
    from articles.models import FrontPage, FrontPageSlot

    now = timezone.now()
    made = [
        make_article(f"稿{n:02d}", published_at=now - timedelta(hours=n + 1)) for n in range(30)
    ]
    for position, article in enumerate((made[25], made[27]), start=1):  # two old ones chosen
        FrontPageSlot.objects.create(
            front_page=FrontPage.the_one(),
            article=article,
            role=FrontPageSlot.Role.FEATURED,
            position=position,
        )
    first = client.get("/")
    shown = titles(first)
    assert shown[:3] == ["稿00", "稿25", "稿27"]  # the newest leads, then the chosen ones
    assert len(shown) == 20
    seen, _ = walk(client, "/")
    # Every article is reached; after the first page the newest go on where it stopped.
    assert set(seen) == {a.title for a in made}
    assert seen[20] == "稿18"

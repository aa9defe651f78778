"""The archive by date (articles/by_date.py): /archive/, years, months, days."""

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import by_date

from .factories import make_article, make_author, make_column

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def entries(soup):
    """What a list of years, months or days says: [(label, count)]."""
    return [
        (li.a.get_text(), li.select_one(".archive-count").get_text())
        for li in soup.select(".archive-list li")
    ]


@pytest.fixture
def summer(time_machine):
    """August 2026 in Shanghai, with articles from May to July 2025 and 2026."""
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    make_article("去年五月", published_at=at(2025, 5, 4, 8, 0))
    make_article("六月一日", published_at=at(2026, 6, 1, 7, 0))
    make_article("六月末夜", published_at=at(2026, 6, 30, 23, 30))  # 15:30 UTC, 30 June
    make_article("七月凌晨", published_at=at(2026, 7, 1, 0, 30))  # 16:30 UTC, 30 June
    make_article("七月中", published_at=at(2026, 7, 15, 12, 0))
    make_article("草稿", published=False)
    make_article("定时", published_at=at(2026, 8, 11, 8, 0))  # tomorrow morning


def test_the_index_lists_years_and_months_with_their_public_articles(client, summer):
    soup = page(client, "/archive/")
    assert soup.h1.get_text() == "按日期查看"
    years = [(h.a.get_text(), h.select_one(".archive-count").get_text()) for h in soup.select("h2")]
    assert years == [("2026年", "4 篇"), ("2025年", "1 篇")]
    assert entries(soup) == [("2026年7月", "2 篇"), ("2026年6月", "2 篇"), ("2025年5月", "1 篇")]
    assert soup.select_one('a[href="/archive/2026/06/"]')


def test_months_end_at_midnight_in_shanghai_not_in_utc(client, summer):
    june = page(client, "/archive/2026/06/")
    assert june.h1.get_text() == "2026年6月"
    assert entries(june) == [("2026年6月30日 星期二", "1 篇"), ("2026年6月1日 星期一", "1 篇")]
    last_day = page(client, "/archive/2026/06/30/")
    assert [a.get_text() for a in last_day.select(".archive-articles__title")] == ["六月末夜"]
    assert last_day.select_one(".archive-articles time").get_text() == "23:30"
    july_first = page(client, "/archive/2026/07/01/")
    assert [a.get_text() for a in july_first.select(".archive-articles__title")] == ["七月凌晨"]
    assert entries(page(client, "/archive/2026/07/"))[-1] == ("2026年7月1日 星期三", "1 篇")


def test_a_year_lists_its_months_and_neighbours_skip_empty_ones(client, summer):
    year = page(client, "/archive/2026/")
    assert year.h1.get_text() == "2026年"
    assert entries(year) == [("2026年7月", "2 篇"), ("2026年6月", "2 篇")]
    assert year.select_one("a[rel=next]")["href"] == "/archive/2025/"
    assert year.select_one("a[rel=prev]") is None
    june = page(client, "/archive/2026/06/")
    assert june.select_one("a[rel=next]")["href"] == "/archive/2025/05/"  # a year earlier
    assert june.select_one("a[rel=prev]")["href"] == "/archive/2026/07/"
    day = page(client, "/archive/2026/06/01/")
    assert day.select_one("a[rel=prev]")["href"] == "/archive/2026/06/30/"


def test_a_day_lists_its_articles_with_column_and_byline(client, time_machine):
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    column, author = make_column("城事"), make_author("许静")
    article = make_article(
        "钱塘观潮", column=column, authors=[author], published_at=at(2026, 8, 1, 9, 5)
    )
    soup = page(client, "/archive/2026/08/01/")
    item = soup.select_one(".archive-articles li")
    assert item.select_one(".archive-articles__title")["href"] == article.get_absolute_url()
    assert item.select_one(".archive-articles__column").get_text() == "城事"
    assert item.select_one("a[rel=author]").get_text() == "许静"
    assert soup.title.get_text().startswith("2026年8月1日 星期六")


def test_a_busy_day_pages_by_cursor(client, time_machine, monkeypatch):
    monkeypatch.setattr(by_date, "DAY_PAGE_SIZE", 3)
    time_machine.move_to(at(2026, 8, 10, 9, 0), tick=False)
    for n in range(7):
        make_article(f"稿{n}", published_at=at(2026, 8, 1, 20 - n, 0))
    seen, url = [], "/archive/2026/08/01/"
    while url:
        soup = page(client, url)
        seen += [a.get_text() for a in soup.select(".archive-articles__title")]
        older = soup.select_one(".pagination a[rel=next]")
        url = older["href"] if older else None
    assert seen == [f"稿{n}" for n in range(7)]


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2026/13/",
        "/archive/2026/00/",
        "/archive/0000/",
        "/archive/0000/01/",
        "/archive/0001/01/01/",
        "/archive/9999/",
        "/archive/9999/12/",
        "/archive/9999/12/31/",
        "/archive/2026/02/30/",
        "/archive/2026/06/31/",
        "/archive/2026/6/",
        "/archive/99999/",
        "/archive/2026/06/30/?before=abc",
        "/archive/2" + "0" * 400 + "/",
        "/archive/2024/",  # a year with no article
        "/archive/2026/05/",  # a month with none
        "/archive/2026/06/02/",  # a day with none
        "/archive/2026/08/11/",  # only a scheduled article, not public yet
    ],
)
def test_dates_that_are_not_there_are_a_404_never_a_500(client, summer, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "没有找到" in response.content.decode()


def test_drafts_and_embargoed_articles_appear_only_when_public(client, summer, time_machine):
    assert ("2026年8月", "1 篇") not in entries(page(client, "/archive/"))
    assert client.get("/archive/2026/08/").status_code == 404
    time_machine.move_to(at(2026, 8, 11, 8, 0, 1), tick=False)
    # The stored index carried the embargo's instant: it is rendered again, with the article.
    assert entries(page(client, "/archive/"))[0] == ("2026年8月", "1 篇")
    day = page(client, "/archive/2026/08/11/")
    assert [a.get_text() for a in day.select(".archive-articles__title")] == ["定时"]
    assert "草稿" not in str(page(client, "/archive/2026/"))


def test_archive_pages_are_kept_in_the_page_cache(client, summer):
    for url in ("/archive/", "/archive/2026/", "/archive/2026/06/", "/archive/2026/06/30/"):
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert len(queries) == 0, url
        assert again.content == first.content


def test_every_page_links_the_archive_in_its_footer_and_the_sitemap_lists_it(client, summer):
    footer = page(client, "/").select_one("footer")
    assert footer.select_one('a[href="/archive/"]').get_text().startswith("往期文章")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert "http://testserver/sitemap-archive.xml" in [e.text for e in index.iter(f"{SM}loc")]
    urls = {
        u.findtext(f"{SM}loc").removeprefix("http://testserver"): u.findtext(f"{SM}lastmod")
        for u in ET.fromstring(client.get("/sitemap-archive.xml").content).iter(f"{SM}url")
    }
    assert urls == {
        "/archive/": "2026-07-15",
        "/archive/2026/": "2026-07-15",
        "/archive/2026/07/": "2026-07-15",
        "/archive/2026/06/": "2026-06-30",
        "/archive/2025/": "2025-05-04",
        "/archive/2025/05/": "2025-05-04",
    }


def test_counting_a_month_reads_an_index_range_not_every_row(client, summer):
    # No date function applied to each row (SQLite would call Python for each one): the
    # counts are ranges of published_at, which the article_public_newest index answers.
    with CaptureQueriesContext(connection) as queries:
        client.get("/archive/")
    sql = " ".join(q["sql"].lower() for q in queries.captured_queries)
    assert "django_datetime" not in sql and "date_trunc" not in sql and "extract" not in sql

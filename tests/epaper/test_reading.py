"""Readers' pages of the digital edition: /epaper/, an edition, a page; the article's 见报 line."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epaper.ingest import Upload, load_edition
from epaper.models import Publication, Region
from tests.factories import make_article

from .build import DAY, picture

pytestmark = pytest.mark.django_db


def build_edition(
    day=DAY, names=("A01-要闻", "A02-城市", "A03-体育"), public=True, paper="杭州日报"
):
    uploads = [
        Upload(SimpleUploadedFile(f"{n}.png", picture("PNG", size=(600, 900))), f"{n}.png")
        for n in names
    ]
    return load_edition(paper, day, uploads, public=public)


def place(page, article, box=(0.1, 0.1, 0.5, 0.3), position=1, status="confirmed"):
    x, y, w, h = box
    return Region.objects.create(
        page=page, article=article, x=x, y=y, width=w, height=h, position=position, status=status
    )


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_a_page_shows_its_picture_and_each_public_story_as_a_link_named_by_its_title(client):
    edition = build_edition()
    page = edition.pages.get(code="A01")
    story = make_article("钱塘江边新开一座图书馆", kicker="江畔新地标")
    place(page, story, (0.05, 0.05, 0.9, 0.4))
    place(page, story, (0.05, 0.5, 0.4, 0.2), position=1)  # the same story, continued

    response = client.get(page.get_absolute_url())

    assert response.status_code == 200
    html = soup(response)
    links = html.select("svg.ep-regions a")
    assert [(a["href"], a["aria-label"]) for a in links] == [
        (story.get_absolute_url(), "钱塘江边新开一座图书馆")
    ]
    assert [r["x"] for r in links[0].select("rect")] == ["0.05", "0.05"]
    listed = html.select(".ep-stories > ol a")
    assert [a.get_text() for a in listed] == ["江畔新地标钱塘江边新开一座图书馆"]
    picture_element = html.select_one(".ep-page picture")
    assert "webp-480" in picture_element.select_one("source")["srcset"]
    assert picture_element.select_one("img")["alt"].startswith("A01版 要闻")
    assert html.select_one("h1").get_text() == "A01版 要闻"


def test_drafts_scheduled_and_unconfirmed_stories_never_leak(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    edition = build_edition()
    page = edition.pages.get(code="A01")
    draft = make_article("草稿标题不能外泄", published=False, sections=[("", "草稿正文不能外泄。")])
    scheduled = make_article("定时稿件标题", published_at=timezone.now() + timedelta(hours=2))
    proposed = make_article("建议区域的稿件")
    place(page, draft, (0.1, 0.1, 0.3, 0.3))
    place(page, scheduled, (0.5, 0.1, 0.3, 0.3), position=2)
    place(page, proposed, (0.1, 0.6, 0.3, 0.3), position=3, status="proposed")

    for url in (page.get_absolute_url(), edition.get_absolute_url(), reverse("epaper:latest")):
        html = client.get(url).content.decode()
        for secret in ("草稿标题不能外泄", "草稿正文", "定时稿件标题", draft.slug, scheduled.slug):
            assert secret not in html, (url, secret)
        assert f"/articles/{draft.pk}/" not in html and f"/articles/{scheduled.pk}/" not in html
    html = soup(client.get(page.get_absolute_url()))
    # Shown as shapes with no name or link; the proposal not at all (nor its published story).
    assert len(html.select("rect.ep-region--pending")) == 2
    assert not html.select("svg a")

    time_machine.move_to(timezone.now() + timedelta(hours=3), tick=False)
    html = soup(client.get(page.get_absolute_url()))
    assert [a["aria-label"] for a in html.select("svg a")] == ["定时稿件标题"]


def test_pages_turn_forward_and_back_and_the_edition_lists_pages_and_stories(client):
    edition = build_edition()
    a01, a02, a03 = edition.pages.all()
    place(a02, make_article("城市新闻"))

    middle = soup(client.get(a02.get_absolute_url()))
    assert middle.select_one('a[rel="prev"]')["href"] == a01.get_absolute_url()
    assert middle.select_one('a[rel="next"]')["href"] == a03.get_absolute_url()
    assert middle.select_one('.ep-index a[aria-current="page"]').get_text() == "A02版 城市"
    first = soup(client.get(a01.get_absolute_url()))
    assert not first.select('.ep-turn a[rel="prev"]')

    listing = soup(client.get(edition.get_absolute_url()))
    cards = listing.select(".ep-card")
    assert [c.select_one(".ep-card__label").get_text() for c in cards] == [
        "A01版 要闻",
        "A02版 城市",
        "A03版 体育",
    ]
    assert [a.get_text() for a in cards[1].select(".ep-card__stories a")] == ["城市新闻"]
    assert listing.select_one("h1").get_text().startswith("《杭州日报》2026年6月3日 星期三")


def test_latest_is_the_newest_public_edition_and_the_calendar_needs_no_script(client):
    build_edition(DAY - timedelta(days=1))
    build_edition(DAY - timedelta(days=40))
    build_edition(DAY)
    build_edition(DAY + timedelta(days=1), public=False)  # not yet shown to readers

    latest = soup(client.get(reverse("epaper:latest")))

    assert "2026年6月3日" in latest.select_one("h1").get_text()
    calendar = latest.select_one(".ep-calendar")
    assert calendar.select_one("caption").get_text() == "2026年6月的数字报"
    days = {a.get_text(): a["href"] for a in calendar.select("td a")}
    assert days == {"2": "/epaper/2026-06-02/", "3": "/epaper/2026-06-03/"}
    assert calendar.select_one('a[aria-current="date"]').get_text() == "3"
    assert calendar.select_one('a[rel="prev"]')["href"] == "/epaper/2026-04-24/"
    assert not latest.select("script")
    assert client.get("/epaper/2026-06-04/").status_code == 404  # not public
    assert client.get("/epaper/2026-06-03/B09/").status_code == 404
    assert client.get("/epaper/2026-02-30/").status_code == 404


def test_with_no_edition_the_digital_edition_says_so(client):
    response = client.get(reverse("epaper:latest"))
    assert response.status_code == 404
    assert "还没有可以阅读的数字报" in response.content.decode()


def test_edition_pages_are_public_for_a_minute_revalidate_and_answer_only_get(
    client, django_capture_on_commit_callbacks
):
    edition = build_edition()
    page = edition.pages.first()
    for url in (reverse("epaper:latest"), edition.get_absolute_url(), page.get_absolute_url()):
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304
        assert client.post(url).status_code == 405
    # The edit commits (the page cache starts a new generation on commit).
    with django_capture_on_commit_callbacks(execute=True):
        place(page, make_article("新上版的稿件"))
    changed = client.get(page.get_absolute_url(), headers={"if-none-match": response["ETag"]})
    assert changed.status_code == 200


def test_a_page_costs_the_same_queries_whatever_it_holds(client):
    edition = build_edition()
    few, many = edition.pages.all()[:2]
    place(few, make_article())

    def queries(page):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.get_absolute_url()).status_code == 200
        return len(captured)

    baseline = queries(few)
    for n in range(12):
        place(many, make_article(), (0.05 * (n % 10), 0.05, 0.04, 0.04), position=n)
    assert queries(many) == baseline
    assert baseline <= 8


def test_the_article_page_says_where_it_was_printed_and_links_to_the_page(client):
    edition = build_edition()
    page = edition.pages.get(code="A02")
    article = make_article("城市新闻", print_date=DAY)
    place(page, article)

    html = soup(client.get(article.get_absolute_url()))

    line = html.select_one(".seen-in-print")
    assert line.get_text() == "见报：《杭州日报》2026年6月3日 A02版 城市"
    assert line.select_one("a")["href"] == page.get_absolute_url()
    # Its canonical address stays the article's own.
    assert html.select_one('link[rel="canonical"]')["href"].endswith(article.get_absolute_url())


def test_the_print_line_follows_changes_to_the_edition_through_the_page_cache(
    client, django_capture_on_commit_callbacks
):
    edition = build_edition(public=False)
    article = make_article("城市新闻", print_date=DAY)
    place(edition.pages.get(code="A02"), article)
    assert not soup(client.get(article.get_absolute_url())).select(".seen-in-print")

    # A change to the edition is a site change, as an article's is: the cached page's key moves.
    with django_capture_on_commit_callbacks(execute=True):
        edition.is_public = True
        edition.save()

    assert soup(client.get(article.get_absolute_url())).select(".seen-in-print")


def test_a_demonstration_edition_is_marked_as_one_everywhere(client):
    edition = build_edition(paper="数字报演示")
    Publication.objects.filter(pk=edition.publication_id).update(is_demo=True)
    article = make_article("演示稿件", print_date=DAY)
    page = edition.pages.first()
    place(page, article)

    assert "不是真实的报纸版面" in client.get(page.get_absolute_url()).content.decode()
    assert "不是真实的报纸版面" in client.get(edition.get_absolute_url()).content.decode()
    line = soup(client.get(article.get_absolute_url())).select_one(".seen-in-print")
    assert line.get_text().startswith("演示数字报（并非真实见报）")


def test_the_sitemap_lists_the_public_edition_pages(client):
    edition = build_edition()
    build_edition(DAY + timedelta(days=1), public=False)

    index = client.get(reverse("articles:sitemap")).content.decode()
    assert "http://testserver/sitemap-epaper.xml</loc>" in index
    xml = client.get("/sitemap-epaper.xml").content.decode()

    for page in edition.pages.all():
        assert f"http://testserver{page.get_absolute_url()}</loc>" in xml
    assert "2026-06-04" not in xml


def test_an_article_without_print_provenance_asks_nothing_of_the_edition(client):
    article = make_article("网络稿件")
    with CaptureQueriesContext(connection) as captured:
        client.get(article.get_absolute_url())
    assert not [q for q in captured if "epaper_" in q["sql"]]


def test_a_continuation_region_linked_in_the_admin_keeps_the_article_provenance(client):
    """The outside review's H1: the A02 story continued on A03 was linked there in the admin;
    the article then said 原载于…A03 and 见报…A02 together."""
    from tests.factories import make_staff

    edition = build_edition()
    article = make_article(
        "老旧小区加装电梯",
        print_publication="杭州日报",
        print_date=DAY,
        print_page="A02",
        print_page_name="城市",
    )
    place(edition.pages.get(code="A02"), article)
    continuation = edition.pages.get(code="A03")
    client.force_login(make_staff("chief", superuser=True))
    response = client.post(
        reverse("admin:epaper_page_change", args=[continuation.pk]),
        {
            "position": "3",
            "code": "A03",
            "name": "体育",
            "regions-TOTAL_FORMS": "1",
            "regions-INITIAL_FORMS": "0",
            "regions-0-position": "1",
            "regions-0-article": str(article.pk),
            "regions-0-x": "0.1",
            "regions-0-y": "0.1",
            "regions-0-width": "0.4",
            "regions-0-height": "0.3",
            "regions-0-status": "confirmed",
        },
    )
    assert response.status_code == 302
    client.logout()

    article.refresh_from_db()
    assert (article.print_page, article.print_page_name) == ("A02", "城市")
    header = soup(client.get(article.get_absolute_url())).select_one(".article__header")
    lines = [p.get_text() for p in header.select(".provenance")]
    # One line, the start page's, linking to it: no 原载于 beside it to contradict it.
    assert lines == ["见报：《杭州日报》2026年6月3日 A02版 城市"]


def test_an_article_linked_on_no_public_page_keeps_its_own_print_line(client):
    build_edition(public=False)
    article = make_article(
        "城市新闻", print_publication="杭州日报", print_date=DAY, print_page="A05"
    )
    header = soup(client.get(article.get_absolute_url())).select_one(".article__header")
    assert [p.get_text() for p in header.select(".provenance")] == [
        "原载于《杭州日报》2026年6月3日第A05版"
    ]


def test_reader_pages_never_open_the_private_page_files(client, monkeypatch):
    """The outside review's H5: PDF pages had no width/height, so every reader request opened
    each page's private picture to measure it, and a missing one was a 500."""
    from django.core.files.storage import FileSystemStorage

    from epaper.models import Page

    from .build import text_pdf

    pdf, _truth = text_pdf()
    edition = load_edition(
        "杭州日报", DAY, [Upload(SimpleUploadedFile("A01.pdf", pdf), "A01.pdf")], public=True
    )
    page = edition.pages.get()
    assert page.width and page.height
    article = make_article("城市新闻")
    place(page, article)
    # The originals gone (moved away, or an S3 outage): readers must not notice.
    page.image.storage.delete(page.image.name)
    page.file.storage.delete(page.file.name)
    # An older page stored without its dimensions must not be opened either.
    Page.objects.filter(pk=page.pk).update(width=None, height=None)

    opened = []
    original_open = FileSystemStorage.open
    monkeypatch.setattr(
        FileSystemStorage,
        "open",
        lambda self, name, *a, **k: opened.append(name) or original_open(self, name, *a, **k),
    )
    for url in (
        reverse("epaper:latest"),
        edition.get_absolute_url(),
        page.get_absolute_url(),
        article.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url
    assert not [name for name in opened if "originals/" in name]

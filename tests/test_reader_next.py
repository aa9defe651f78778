"""The reader's second pass (issue 19), as the server answers it: where to go next from an
article (and that a newly published one shows up there), the 栏目 row, credits as print writes
them, the QR code, the feeds page, and the site's own 404 page under DEBUG.

The browser's side (line breaks, photo heights, the font-size switch, print) is in
tests/browser/test_reader_next.py.
"""

import re

import pytest
import segno
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.text import photo_credit, phrases, unpadded

from .factories import make_article, make_column, make_figure

pytestmark = pytest.mark.django_db


def soup_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


# --- Headlines in phrases, credits as print writes them --------------------------------------


def test_a_headline_is_cut_at_print_spaces_then_after_punctuation_never_inside_a_phrase():
    assert phrases("杭州钱塘智慧城：聚焦三大赛道 向都市高新产业园迈进攀升") == [
        ["杭州钱塘智慧城：", "聚焦三大赛道"],
        ["向都市高新产业园迈进攀升"],
    ]
    # Print's own full-width space, doubled spaces, a trailing space.
    assert phrases("城北园区重塑蝶变\u3000打造千亿能源高地 ") == [
        ["城北园区重塑蝶变"],
        ["打造千亿能源高地"],
    ]
    assert phrases("一句话") == [["一句话"]]
    assert phrases("") == []


@pytest.mark.parametrize(
    ("credit", "role", "shown"),
    [
        ("王强", "记者", "记者 王强 摄"),  # a name: role and verb added
        ("王强", "", "王强 摄"),
        ("受访者供图", "", "受访者供图"),  # already says how: as written
        ("新华社发", "", "新华社发"),
        ("图片来源：视觉中国", "", "图片来源：视觉中国"),
        ("本报记者 许静 摄", "", "本报记者 许静 摄"),  # imported from a print page
        ("记者 林 峰 摄", "", "记者 林峰 摄"),  # print's padding of a two-character name
        ("记者 王强 摄", "记者", "记者 王强 摄"),  # the role is not written twice
        ("  ", "记者", ""),
    ],
)
def test_a_photo_credit_reads_as_print_writes_it(credit, role, shown):
    assert photo_credit(credit, role) == shown


def test_print_padding_is_undone_but_words_are_left_alone():
    assert unpadded("摄影：李 明") == "摄影：李明"
    assert unpadded("王 敏 李 岚") == "王敏 李岚"
    assert unpadded("本版图片由杭州钱塘智慧城管委会提供") == "本版图片由杭州钱塘智慧城管委会提供"
    assert unpadded("张梦月 李岚") == "张梦月 李岚"


def test_credits_sources_and_editors_at_the_foot_as_print_sets_them(client):
    article = make_article(
        photo_credit="摄影：李 明",
        print_publication="钱塘日报",
        print_editors="王 敏 李 岚",
    )
    make_figure(article, caption="园区新貌", credit="王强", credit_role="记者")
    make_figure(article, caption="老照片", credit="受访者供图")
    soup = soup_of(client, article.get_absolute_url())
    credits = [f.select_one(".figure__credit").get_text() for f in soup.select("figure.figure")]
    assert credits == ["记者 王强 摄", "受访者供图"]
    assert soup.select_one(".photo-credit").get_text() == "（摄影：李明）"
    foot = [span.get_text() for span in soup.select(".article__foot span")]
    assert foot == ["来源：钱塘日报", "责任编辑：王敏 李岚"]


def test_an_article_without_source_or_editors_has_no_empty_foot(client):
    soup = soup_of(client, make_article().get_absolute_url())
    assert soup.select(".article__foot") == [] and soup.select(".photo-credit") == []


# --- Where to go next ---------------------------------------------------------------------------


def test_a_newly_published_article_is_the_next_one_once_it_commits(
    client, django_capture_on_commit_callbacks
):
    column = make_column("城事")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("先发的一篇", column=column)
    url = article.get_absolute_url()
    assert soup_of(client, url).select(".pager") == []
    # Stored in the page cache: asked again, answered with no query.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0

    with django_capture_on_commit_callbacks(execute=True):
        newer = make_article("后发的一篇", column=column)
    (following,) = soup_of(client, url).select(".pager a")
    assert following["href"] == newer.get_absolute_url()
    assert following.select_one(".pager__label").get_text() == "下一篇"
    (previous,) = soup_of(client, newer.get_absolute_url()).select(".pager a")
    assert previous["href"] == url and previous.select_one(".pager__label").get_text() == "上一篇"

    # Taken down: gone from the older article's page at once.
    with django_capture_on_commit_callbacks(execute=True):
        newer.status = Article.Status.DRAFT
        newer.save()
    assert soup_of(client, url).select(".pager") == []


def test_an_article_of_no_column_offers_the_newest_articles_and_no_pager(client):
    article = make_article("无栏目")
    other = make_article("别处", column=make_column())
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select(".pager") == [] and soup.select(".breadcrumb") == []
    assert [a["href"] for a in soup.select(".related li > a")] == [other.get_absolute_url()]


# --- The 栏目 row, the feeds page ---------------------------------------------------------------


def test_the_header_lists_the_columns_that_have_public_articles(
    client, django_capture_on_commit_callbacks
):
    city = make_column("城事")
    make_article(column=city)
    make_article(column=make_column("只有草稿"), published=False)
    soup = soup_of(client, "/")
    nav = soup.select_one("nav.channels[aria-label=栏目]")
    assert [a.get_text() for a in nav.select("a")] == ["城事"]
    # On the column's own page it is marked as the page shown.
    current = soup_of(client, city.get_absolute_url()).select_one(".channels a[aria-current=page]")
    assert current.get_text() == "城事"
    # A column's first public article puts it in the row, on every page, once committed.
    with django_capture_on_commit_callbacks(execute=True):
        make_article(column=make_column("经济"))
    assert [a.get_text() for a in soup_of(client, "/").select(".channels a")] == ["城事", "经济"]


def test_feeds_are_offered_in_the_footer_on_a_page_a_person_can_read(client):
    make_article()
    home = soup_of(client, "/")
    assert home.select_one(".site-nav").find("a", string="订阅") is None
    link = home.select_one(".site-footer a[href='/feeds/']")
    assert link.get_text().startswith("订阅")
    feeds = soup_of(client, link["href"])
    assert feeds.select_one("h1").get_text() == "订阅钱塘观察"
    addresses = [a["href"] for a in feeds.select(".feeds__list a")]
    assert addresses == ["http://testserver/feeds/rss/", "http://testserver/feeds/atom/"]
    # The feeds themselves still answer as XML for feed readers.
    assert client.get(addresses[0]).headers["Content-Type"].startswith("application/rss+xml")


# --- Read it on your phone ------------------------------------------------------------------------


def qr_modules(svg):
    """The dark modules of segno's SVG (the path stroked black, each row drawn as runs)."""
    path = svg.find("path", stroke="#000")["d"]
    # Runs are drawn along each row's middle line (y + 0.5).
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s*(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for step in range(int(float(a))):
                dark.add((int(x) + step, int(y - 0.5)))
            x += float(a)
    return dark


def test_the_qr_code_encodes_the_articles_address_and_names_itself(client):
    article = make_article()
    soup = soup_of(client, article.get_absolute_url())
    share = soup.select_one("aside.share")
    svg = share.select_one("svg.qr__code")
    assert svg["role"] == "img" and svg["aria-label"] == "本文网址的二维码"
    assert share.select_one(".share__qr-label").get_text() == "手机扫码阅读"
    url = "http://testserver" + article.get_absolute_url()
    # Module for module, the code segno makes of the address (2 modules of quiet zone).
    matrix = segno.make(url, micro=False).matrix
    expected = {
        (x + 2, y + 2) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    }
    assert qr_modules(svg) == expected
    # The copy-link button is a plain link to the article's address.
    assert share.select_one("a[data-copy-link]")["href"] == url
    assert share.select_one(".print-url").get_text() == f"本文网址：{url}"


# --- The site's own 404 page under DEBUG ----------------------------------------------------------


def test_under_debug_public_addresses_get_the_sites_own_404_page(client, settings):
    settings.DEBUG = True
    for path in ("/no-such-page/", "/articles/999999/nothing/", "/columns/no-such-column/"):
        response = client.get(path)
        assert response.status_code == 404, path
        text = BeautifulSoup(response.content, "html.parser").get_text()
        assert "没有找到这个页面" in text and "Page not found" not in text, path
    # Redirects to the address with its final slash still happen first.
    assert client.get("/feeds").status_code == 301


def test_under_debug_the_admin_keeps_djangos_debug_404_and_a_setting_brings_it_back(
    client, settings, editor
):
    settings.DEBUG = True
    missing = client.get("/" + settings.ADMIN_PATH + "articles/no-such-model/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()  # Django's page, its URLs listed
    client.logout()
    settings.DEBUG_TECHNICAL_404 = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "没有找到这个页面" not in response.content.decode()


def test_without_debug_the_404_page_is_the_sites_as_before(client, settings):
    settings.DEBUG = False
    response = client.get(reverse("articles:detail-noslug", args=[999999]))
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()

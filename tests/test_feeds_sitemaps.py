import datetime as dt
import xml.etree.ElementTree as ET
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from .factories import make_article, make_author, make_column

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def get_xml(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response, ET.fromstring(response.content)


def test_rss_lists_the_newest_twenty_published_articles(client):
    now = timezone.now()
    for i in range(22):
        make_article(f"文章{i}", published_at=now - timedelta(hours=i + 1))
    make_article("草稿", published=False)
    make_article("定时", published_at=now + timedelta(hours=1))
    response, rss = get_xml(client, "articles:feed-rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    titles = [item.findtext("title") for item in rss.iter("item")]
    assert titles == [f"文章{i}" for i in range(20)]
    assert rss.find("channel/language").text == "zh-cn"


def test_rss_item_carries_link_author_category_date_and_description(client):
    column = make_column("城市观察")
    author = make_author("张梦月")
    article = make_article(
        "钱塘智慧城",
        kicker="杭州产业平台",
        column=column,
        authors=[author],
        sections=[("", "第一段说到钱塘。\n\n第二段。")],
    )
    _, rss = get_xml(client, "articles:feed-rss")
    item = rss.find("channel/item")
    assert item.findtext("title") == "杭州产业平台：钱塘智慧城"
    assert item.findtext("link") == "http://testserver" + article.get_absolute_url()
    assert item.findtext("description") == "第一段说到钱塘。"
    assert item.findtext("category") == "城市观察"
    assert "张梦月" in item.findtext("{http://purl.org/dc/elements/1.1/}creator", "") + (
        item.findtext("author") or ""
    )
    assert item.findtext("pubDate").endswith("+0800")


def test_atom_feed_parses_with_entries_and_updated_times(client):
    make_article("钱塘智慧城", summary="摘要写在这里。")
    response, feed = get_xml(client, "articles:feed-atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "钱塘智慧城"
    assert entry.findtext(f"{ATOM}summary") == "摘要写在这里。"
    assert entry.findtext(f"{ATOM}updated").endswith("+08:00")
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link.endswith(reverse("articles:feed-atom"))


MARKUP = "A<B & <img src=x onerror=alert(1)>"
ESCAPED = "A&lt;B &amp; &lt;img src=x onerror=alert(1)&gt;"


def test_a_plain_text_summary_reaches_html_feed_readers_as_text_not_markup(client):
    # Once the XML is parsed, an HTML-typed element holds HTML: the summary must be escaped
    # there, so a feed reader shows the characters instead of running an <img onerror>.
    make_article("标题 <b>不加粗</b> & 符号", summary=MARKUP)
    _, rss = get_xml(client, "articles:feed-rss")
    item = rss.find("channel/item")
    assert item.findtext("description") == ESCAPED
    _, atom = get_xml(client, "articles:feed-atom")
    summary = atom.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == ESCAPED


def test_titles_go_out_as_plain_text_elements(client):
    make_article("标题 <b>不加粗</b> & 符号", kicker="引题<i>")
    _, rss = get_xml(client, "articles:feed-rss")
    assert rss.find("channel/item").findtext("title") == "引题<i>：标题 <b>不加粗</b> & 符号"
    _, atom = get_xml(client, "articles:feed-atom")
    title = atom.find(f"{ATOM}entry/{ATOM}title")
    # Atom's default type is text: the characters are what readers see.
    assert title.get("type") in (None, "text")
    assert title.text == "引题<i>：标题 <b>不加粗</b> & 符号"


def test_control_characters_a_paste_carried_in_never_break_the_feeds(client):
    # A form feed or escape character typed or pasted into an article is not XML: the feeds
    # leave it out rather than fail for every reader.
    make_article("换页\x0c符\x1b标题", summary="摘要\x07里", sections=[("", "正文\x0b一段。")])
    for name in ("articles:feed-rss", "articles:feed-atom"):
        _, feed = get_xml(client, name)
        assert "换页符标题" in ET.tostring(feed, encoding="unicode")


def test_a_description_taken_from_the_first_paragraph_is_escaped_too(client):
    make_article("无摘要", summary="", sections=[("", MARKUP + "\n\n第二段。")])
    _, rss = get_xml(client, "articles:feed-rss")
    assert rss.find("channel/item").findtext("description") == ESCAPED


def test_empty_feeds_are_still_valid(client):
    _, rss = get_xml(client, "articles:feed-rss")
    assert list(rss.iter("item")) == []
    _, feed = get_xml(client, "articles:feed-atom")
    assert feed.findall(f"{ATOM}entry") == []


def test_every_page_links_both_feeds_for_autodiscovery(client):
    article = make_article("钱塘")
    for url in [reverse("articles:home"), article.get_absolute_url(), reverse("articles:search")]:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        types = {link["type"]: link["href"] for link in soup.select("link[rel=alternate]")}
        assert types == {
            "application/rss+xml": reverse("articles:feed-rss"),
            "application/atom+xml": reverse("articles:feed-atom"),
        }


def sitemap_urls(root):
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}


def every_sitemap_url(client):
    """Every URL of every file the sitemap index lists."""
    _, index = get_xml(client, "articles:sitemap")
    urls = {}
    for loc in index.iter(f"{SM}loc"):
        response = client.get(loc.text.removeprefix("http://testserver"))
        assert response.status_code == 200, loc.text
        for url, lastmod in sitemap_urls(ET.fromstring(response.content)).items():
            urls[url] = urls.get(url) or lastmod  # the news sitemap has no lastmod of its own
    return urls


def test_sitemap_lists_public_articles_columns_and_authors_with_lastmod(client, time_machine):
    # Early morning in Shanghai is still the day before in UTC: lastmod is the Shanghai date.
    time_machine.move_to(dt.datetime(2027, 3, 2, 7, 0, tzinfo=SHANGHAI), tick=False)
    column = make_column("城市观察")
    empty_column = make_column("空栏目")
    author = make_author("张梦月")
    article = make_article("公开", column=column, authors=[author])
    draft = make_article("草稿", published=False, column=empty_column)
    urls = every_sitemap_url(client)
    base = "http://testserver"
    assert base + article.get_absolute_url() in urls
    assert base + column.get_absolute_url() in urls
    assert base + author.get_absolute_url() in urls
    assert base + draft.get_absolute_url() not in urls
    assert base + empty_column.get_absolute_url() not in urls
    assert urls[base + article.get_absolute_url()] == "2027-03-02"
    assert urls[base + column.get_absolute_url()] == "2027-03-02"


def test_news_sitemap_has_only_the_last_two_days_in_chinese(client):
    now = timezone.now()
    fresh = make_article("新闻", published_at=now - timedelta(hours=30))
    stale = make_article("旧闻", published_at=now - timedelta(days=3))
    make_article("草稿", published=False)
    _, root = get_xml(client, "articles:sitemap-news")
    urls = list(root.iter(f"{SM}url"))
    assert [u.findtext(f"{SM}loc") for u in urls] == [
        "http://testserver" + fresh.get_absolute_url()
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "zh-cn"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "钱塘观察"
    assert news.findtext(f"{NEWS}title") == "新闻"
    published = news.findtext(f"{NEWS}publication_date")
    assert published == timezone.localtime(fresh.published_at).isoformat(timespec="seconds")
    assert published.endswith("+08:00")
    assert stale.title not in ET.tostring(root, encoding="unicode")


def test_news_sitemap_escapes_titles(client):
    make_article("A & B <新闻>")
    _, root = get_xml(client, "articles:sitemap-news")
    assert root.find(f".//{NEWS}title").text == "A & B <新闻>"


def test_robots_txt_names_the_sitemap_index(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    # The index lists every sitemap file, the news sitemap's too.
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: http://testserver/sitemap.xml"
    ]
    assert "Disallow: /search/" in lines
    assert not [line for line in lines if "admin" in line]


def test_feed_items_carry_the_lead_photo_as_an_absolute_jpeg_enclosure(client):
    from .factories import make_figure

    with_photo = make_article("有图", published_at=timezone.now() - timedelta(minutes=5))
    figure = make_figure(with_photo, caption="钱塘江边")
    make_article("无图", published_at=timezone.now() - timedelta(minutes=10), sections=[])
    _, rss = get_xml(client, "articles:feed-rss")
    items = {item.findtext("title"): item for item in rss.iter("item")}
    enclosure = items["有图"].find("enclosure")
    rendition = figure.fallback_rendition
    assert enclosure.get("url") == "http://testserver" + rendition.file.url
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("length") == str(rendition.size)
    assert items["无图"].find("enclosure") is None
    _, atom = get_xml(client, "articles:feed-atom")
    links = atom.findall(f"{ATOM}entry/{ATOM}link[@rel='enclosure']")
    assert [link.get("href") for link in links] == ["http://testserver" + rendition.file.url]


@pytest.mark.parametrize(
    "name", ["articles:feed-rss", "articles:feed-atom", "articles:sitemap", "articles:sitemap-news"]
)
def test_feed_and_sitemap_queries_do_not_grow_with_the_archive(
    client, name, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_figure

    def add(n):
        column, author = make_column(), make_author()
        for _ in range(n):
            article = make_article(column=column, authors=[author, make_author()])
            make_figure(article, image=False)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    add(2)
    small = count()
    with django_capture_on_commit_callbacks(execute=True):  # committed: the feed changes
        add(10)
    assert count() == small

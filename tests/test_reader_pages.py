import datetime as dt
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .factories import make_article, make_author, make_column, make_correction, make_figure

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def json_ld(soup):
    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


# Home and lists


def test_home_leads_with_newest_article_then_lists_the_rest(client, time_machine):
    # The lead's time is shown as a date, so the clock is set: two days after the older piece.
    time_machine.move_to(at(2026, 11, 29, 12, 0))
    column = make_column("城市观察")
    author = make_author("张梦月")
    make_article("较早", published_at=at(2026, 11, 25, 18, 0))
    make_article(
        "最新",
        kicker="引题",
        summary="最新的摘要。",
        column=column,
        authors=[author],
        published_at=at(2026, 11, 27, 8, 0),
    )
    soup = soup_of(client, reverse("articles:home"))
    lead = soup.select_one(".item--lead")
    assert lead.select_one(".item__title").get_text(strip=True) == "最新"
    assert lead.select_one(".kicker").get_text() == "引题"
    assert lead.select_one(".item__summary").get_text() == "最新的摘要。"
    assert lead.select_one("a[rel=author]").get_text() == "张梦月"
    assert lead.select_one("time").get_text() == "2026年11月27日 08:00"
    assert lead.select_one("time")["datetime"] == "2026-11-27T08:00:00+08:00"
    rest = [i.select_one(".item__title").get_text(strip=True) for i in soup.select(".item")[1:]]
    assert rest == ["较早"]


def test_list_pages_go_older_and_newer_by_cursor_without_page_numbers(client):
    for i in range(45):
        make_article(f"文章{i}", published_at=timezone.now() - timedelta(minutes=i + 1))
    first = soup_of(client, reverse("articles:home"))
    nav = first.select_one("nav.pagination")
    assert [a.get_text() for a in nav.select("a")] == ["更早的文章"]
    older = nav.select_one("a[rel=next]")["href"]
    assert older.startswith("/?before=")
    assert not first.select(".archive-hint")  # not the last page yet

    soup = soup_of(client, older)
    assert soup.select_one("link[rel=canonical]")["href"] == "http://testserver" + older
    # Page 2 starts where page 1 ended, without a lead, and says from when.
    assert soup.select(".item--lead") == []
    assert soup.select_one(".item__title").get_text(strip=True) == "文章20"
    assert "以前" in soup.title.get_text()
    nav = soup.select_one("nav.pagination")
    assert nav.select_one("a[rel=prev]")["href"] == "/"  # the newer page is the first one
    assert not nav.select("a[aria-current]")
    assert not [a for a in nav.select("a") if a.get_text().isdigit()]

    last = soup_of(client, nav.select_one("a[rel=next]")["href"])
    titles = [i.get_text(strip=True) for i in last.select(".item__title")]
    assert titles == ["文章40", "文章41", "文章42", "文章43", "文章44"]
    nav = last.select_one("nav.pagination")
    assert nav.select_one("a[rel=next]") is None
    # Back from the last page: the twenty articles just newer than it, then the first page.
    newer = soup_of(client, nav.select_one("a[rel=prev]")["href"])
    titles = [i.get_text(strip=True) for i in newer.select(".item__title")]
    assert titles == [f"文章{i}" for i in range(20, 40)]
    assert newer.select_one("nav.pagination a[rel=prev]")["href"] == "/"
    # The last page points to the archive by date, where the older articles are.
    assert last.select_one(".archive-hint a")["href"] == "/archive/"


@pytest.mark.parametrize("page", ["abc", "-1", "0"])
def test_bad_page_numbers_on_lists_lead_to_the_first_page(client, page):
    make_article("文章")
    response = client.get(reverse("articles:home"), {"page": page}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/", 302)]


def test_column_and_author_pages_use_the_same_items(client):
    column = make_column("城市观察", description="关于城市。")
    author = make_author("李岚")
    make_article("城市文章", column=column, authors=[author], kicker="引题")
    make_article("别的文章")
    for url in [column.get_absolute_url(), author.get_absolute_url()]:
        soup = soup_of(client, url)
        items = soup.select(".item")
        assert [i.select_one(".item__title").get_text(strip=True) for i in items] == ["城市文章"]
        assert items[0].select_one(".kicker").get_text() == "引题"
        assert items[0].select_one("time").get_text()
        assert len(soup.select("h1")) == 1


# Article page


def article_with_everything():
    column = make_column("城市观察")
    authors = [make_author("张梦月"), make_author("李岚")]
    article = make_article(
        "杭州钱塘智慧城",
        kicker="杭州产业平台发力拼经济",
        subtitle="副题",
        column=column,
        authors=authors,
        published_at=at(2026, 11, 27, 8, 0),
        print_publication="钱塘日报",
        print_date=dt.date(2026, 11, 27),
        print_page="3",
        sections=[
            ("", "导语" * 200),
            ("城北园区重塑蝶变", "正文" * 200),
            ("城南片区", "正文" * 100),
        ],
    )
    return article


def test_article_has_table_of_contents_linking_its_headings(client):
    article = article_with_everything()
    soup = soup_of(client, article.get_absolute_url())
    links = soup.select("nav.toc a")
    assert [a.get_text() for a in links] == ["城北园区重塑蝶变", "城南片区"]
    for link in links:
        target = soup.find(id=link["href"][1:])
        assert target is not None and target.name == "h2"


def test_article_with_one_heading_has_no_table_of_contents(client):
    article = make_article(sections=[("", "导语。"), ("唯一的小标题", "正文。")])
    assert soup_of(client, article.get_absolute_url()).select("nav.toc") == []


def test_reading_time_counts_chinese_characters_at_400_a_minute(client):
    article = article_with_everything()  # 1,000 characters of body text plus headings
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select_one(".reading-time").get_text() == "约 3 分钟读完"
    short = make_article(sections=[("", "很短。")])
    assert soup_of(client, short.get_absolute_url()).select_one(".reading-time").get_text() == (
        "约 1 分钟读完"
    )


def test_print_provenance_is_shown_when_set(client):
    article = article_with_everything()
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select_one(".provenance").get_text() == "原载于《钱塘日报》2026年11月27日第3版"
    plain = make_article()
    assert soup_of(client, plain.get_absolute_url()).select(".provenance") == []


def test_published_time_is_shown_and_updated_time_only_after_a_correction(
    client, django_capture_on_commit_callbacks
):
    article = article_with_everything()
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select_one(".published").get_text(" ", strip=True) == (
        "发布时间 2026年11月27日 08:00"
    )
    assert soup.select(".updated") == []
    with django_capture_on_commit_callbacks(execute=True):
        make_correction(article, corrected_at=at(2026, 11, 28, 9, 30))
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select_one(".updated").get_text(" ", strip=True) == "更新时间 2026年11月28日 09:30"
    assert soup.select_one(".updated time")["datetime"] == "2026-11-28T09:30:00+08:00"
    # Publication time does not move.
    assert "2026年11月27日 08:00" in soup.select_one(".published").get_text()


def test_the_end_of_an_article_leads_to_its_column_then_to_the_rest_of_the_site(client):
    article = article_with_everything()  # published 2026-11-27 08:00
    older = make_article("同栏目旧文", column=article.column, published_at=at(2026, 11, 20, 8, 0))
    oldest = make_article("同栏目更早", column=article.column, published_at=at(2026, 11, 1, 8, 0))
    newer = make_article("同栏目新文", column=article.column, published_at=at(2026, 11, 28, 8, 0))
    elsewhere = make_article("别的栏目", column=make_column("别的"), published_at=at(2026, 11, 2))
    make_article("同栏目草稿", column=article.column, published=False)
    soup = soup_of(client, article.get_absolute_url())

    previous, following = soup.select(".pager a")
    assert previous.select_one(".pager__label").get_text() == "上一篇"
    assert previous["href"] == older.get_absolute_url() and previous["rel"] == ["prev"]
    assert following.select_one(".pager__label").get_text() == "下一篇"
    assert following["href"] == newer.get_absolute_url() and following["rel"] == ["next"]
    # 更多报道: the column's others first (上一篇 and 下一篇 aside), then other columns'.
    assert soup.select_one(".related h2").get_text() == "更多报道"
    links = soup.select(".related li > a")
    assert [a["href"] for a in links] == [oldest.get_absolute_url(), elsewhere.get_absolute_url()]
    # Another column's article says which column it comes from.
    assert [li.select_one(".related__column") is not None for li in soup.select(".related li")] == [
        False,
        True,
    ]
    # 首页 › 栏目 above the headline.
    crumbs = soup.select(".breadcrumb li a")
    assert [a.get_text() for a in crumbs] == ["首页", "城市观察"]
    assert crumbs[1]["href"] == article.column.get_absolute_url()


def test_an_article_alone_in_its_column_offers_the_newest_from_other_columns(client):
    article = article_with_everything()
    for day in range(1, 7):
        make_article(f"别处{day}", column=make_column(f"栏目{day}"), published_at=at(2026, 11, day))
    make_article("还没发布", column=make_column("栏目七"), published=False)
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select(".pager") == []
    titles = [a.get_text() for a in soup.select(".related li > a")]
    assert titles == ["别处6", "别处5", "别处4", "别处3"]


def test_json_ld_describes_the_article_field_by_field(client):
    article = article_with_everything()
    make_correction(article, note="更正：数字有误。", corrected_at=at(2026, 11, 28, 9, 30))
    data = json_ld(soup_of(client, article.get_absolute_url()))
    url = "http://testserver" + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "杭州钱塘智慧城"
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == "2026-11-27T08:00:00+08:00"
    assert data["dateModified"] == "2026-11-28T09:30:00+08:00"
    assert data["author"] == [
        {"@type": "Person", "name": "张梦月", "url": "http://testserver/authors/zhang-meng-yue/"},
        {"@type": "Person", "name": "李岚", "url": "http://testserver/authors/li-lan/"},
    ]
    assert data["publisher"]["name"] == "钱塘观察"
    assert data["publisher"]["url"] == "http://testserver/"
    assert data["printEdition"] == "《钱塘日报》2026年11月27日"
    assert data["printPage"] == "3"
    assert data["articleSection"] == "城市观察"
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "更正：数字有误。",
            "datePublished": "2026-11-28T09:30:00+08:00",
        }
    ]


def test_json_ld_leaves_out_print_fields_and_correction_when_unset(client):
    article = make_article(published_at=at(2026, 11, 27, 8, 0))
    data = json_ld(soup_of(client, article.get_absolute_url()))
    for key in ("printEdition", "printPage", "correction", "image"):
        assert key not in data
    assert data["dateModified"] == data["datePublished"] == "2026-11-27T08:00:00+08:00"


def test_json_ld_cannot_be_broken_out_of_by_article_text(client):
    article = make_article('</script><script>alert("x")</script><!--')
    response = client.get(article.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    assert json_ld(soup)["headline"] == '</script><script>alert("x")</script><!--'
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json", None]
    # The other is the reader's script, a static file (text size, copy link): nothing inline.
    assert scripts[1]["src"].endswith("/js/reader.js") and scripts[1].get_text() == ""


def test_canonical_link_description_and_share_tags(client):
    article = article_with_everything()
    soup = soup_of(client, article.get_absolute_url() + "?utm_source=x")
    url = "http://testserver" + article.get_absolute_url()
    assert soup.select_one("link[rel=canonical]")["href"] == url
    description = soup.select_one("meta[name=description]")["content"]
    assert description.startswith("导语导语")
    assert len(description) <= 150

    def prop(name):
        return soup.select_one(f'meta[property="{name}"]')["content"]

    assert prop("og:type") == "article"
    assert prop("og:title") == "杭州钱塘智慧城"
    assert prop("og:url") == url
    assert prop("og:description") == description
    assert prop("article:published_time") == "2026-11-27T08:00:00+08:00"
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_summary_is_the_description_when_there_is_one(client):
    article = make_article(summary="编辑写的摘要。")
    soup = soup_of(client, article.get_absolute_url())
    assert soup.select_one("meta[name=description]")["content"] == "编辑写的摘要。"


def test_print_keeps_the_canonical_url_on_paper(client):
    article = article_with_everything()
    soup = soup_of(client, article.get_absolute_url())
    assert (
        soup.select_one(".print-url")
        .get_text()
        .endswith("http://testserver" + article.get_absolute_url())
    )


# Accessibility structure


def heading_levels(soup):
    return [int(h.name[1]) for h in soup.select("main h1, main h2, main h3, main h4")]


@pytest.mark.parametrize("page", ["home", "article", "column", "author", "search", "404"])
def test_pages_have_skip_link_one_h1_and_headings_in_order(client, page):
    article = article_with_everything()
    make_figure(article, caption="没有替代文字的图片", section=article.sections.first())
    make_article("第二篇", column=article.column)
    url = {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "column": article.column.get_absolute_url(),
        "author": article.authors.first().get_absolute_url(),
        "search": reverse("articles:search") + "?q=钱塘",
        "404": "/no-such-page/",
    }[page]
    response = client.get(url)
    soup = BeautifulSoup(response.content, "html.parser")
    skip = soup.select_one("body > a.skip-link")
    assert skip["href"] == "#main" and soup.find(id="main").name == "main"
    assert len(soup.select("h1")) == 1
    levels = heading_levels(soup)
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    for img in soup.select("img"):
        assert img.has_attr("alt")
    assert soup.html["lang"] == "zh-CN"


# Queries stay the same whatever the corpus size


def corpus(n):
    column = make_column()
    author = make_author()
    articles = []
    for i in range(n):
        article = make_article(
            f"钱塘{i}",
            column=column,
            authors=[author, make_author()],
            sections=[("", "导语。"), ("小标题一", "正文。"), ("小标题二", "钱塘。")],
        )
        make_figure(article, caption="图片说明", section=article.sections.first())
        make_correction(article)
        articles.append(article)
    return column, author, articles


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "article", "column", "author", "search"])
def test_page_query_count_does_not_grow_with_the_corpus(
    client, page, django_capture_on_commit_callbacks
):
    def url(column, author, articles):
        return {
            "home": reverse("articles:home"),
            "article": articles[0].get_absolute_url(),
            "column": column.get_absolute_url(),
            "author": author.get_absolute_url(),
            "search": reverse("articles:search") + "?q=钱塘",
        }[page]

    small = count_queries(client, url(*corpus(2)))
    with django_capture_on_commit_callbacks(execute=True):  # committed: the pages change
        grown = corpus(12)
    large = count_queries(client, url(*grown))
    assert small == large
    # Article: 7 (8 once corrected) and the header's 栏目 row; lists 7 with it; search 11 (how
    # many the index matches, up to a bound; the window of matches, its phrase check, its
    # scores; the page's articles and what they prefetch; the column filter's list is the
    # header's row: no query of its own).
    assert large <= (11 if page == "search" else 9)


@pytest.mark.parametrize("page", ["home", "article", "search"])
def test_public_pages_carry_nothing_a_strict_csp_would_block(client, page):
    article = article_with_everything()
    make_figure(article, caption="图片", section=article.sections.first())
    url = {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "search": reverse("articles:search") + "?q=钱塘",
    }[page]
    soup = soup_of(client, url)
    for script in soup.find_all("script"):
        assert script.get("type") == "application/ld+json" or script.get("src")
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, tag.name
        assert not [a for a in tag.attrs if a.startswith("on")], tag.name


def test_json_ld_offers_16_9_4_3_and_1_1_crops_and_share_tags_the_social_card(client):
    from articles.models import Rendition

    from .factories import jpeg_upload

    article = article_with_everything()
    figure = make_figure(article, caption="钱塘江边", alt_text="江边的新厂房", image=False)
    figure.image.save("photo.jpg", jpeg_upload(width=2400, height=1600))
    soup = soup_of(client, article.get_absolute_url())
    images = json_ld(soup)["image"]
    by_url = {"http://testserver" + r.file.url: r for r in Rendition.objects.all()}
    shapes = [(by_url[u].width, by_url[u].height) for u in images]
    assert shapes == [(1200, 675), (1200, 900), (1200, 1200)]
    assert all("originals/" not in u for u in images)

    def prop(name):
        return soup.select_one(f'meta[property="{name}"]')["content"]

    social = by_url[prop("og:image")]
    assert (social.width, social.height) == (1200, 630)
    assert prop("og:image:alt") == "江边的新厂房"
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    assert soup.select_one('meta[name="twitter:image"]')["content"] == prop("og:image")


def test_json_ld_leaves_out_shapes_a_small_original_cannot_fill(client):
    from .factories import jpeg_upload

    article = make_article()
    figure = make_figure(article, image=False)
    figure.image.save("small.jpg", jpeg_upload(width=400, height=100))
    data = json_ld(soup_of(client, article.get_absolute_url()))
    # 400x100 holds a 16:9 crop of 177x100 and smaller: under 50,000 pixels, so none is offered.
    assert "image" not in data


def test_column_page_does_not_repeat_its_name_on_every_item(client):
    column = make_column("城市观察")
    make_article("城市文章", column=column)
    soup = soup_of(client, column.get_absolute_url())
    assert soup.select(".item .item__column") == []
    home = soup_of(client, reverse("articles:home"))
    assert home.select_one(".item .item__column").get_text() == "城市观察"


def test_the_byline_shows_each_role_once_before_its_names_as_print_does(client):
    article = make_article(
        "港口", authors=[make_author("王强"), make_author("李明"), make_author("陈晓琳")]
    )
    roles = {"王强": "记者", "李明": "记者", "陈晓琳": "通讯员"}
    for byline in article.bylines.all():
        byline.role = roles[byline.author.name]
        byline.save()
    soup = soup_of(client, article.get_absolute_url())
    byline = soup.select_one(".article .byline")
    assert byline.get_text(" ", strip=True) == "记者 王强 李明 通讯员 陈晓琳"
    assert [a.get_text() for a in byline.select("a[rel=author]")] == ["王强", "李明", "陈晓琳"]
    # Author pages and structured data still name the people, not their roles.
    assert [a["name"] for a in json_ld(soup)["author"]] == ["王强", "李明", "陈晓琳"]


def test_the_page_name_and_the_editor_are_shown_as_print_does(client):
    article = article_with_everything()
    article.print_page_name = "要闻"
    article.print_editors = "王敏"
    article.save()
    soup = soup_of(client, article.get_absolute_url())
    assert (
        soup.select_one(".provenance").get_text() == "原载于《钱塘日报》2026年11月27日第3版（要闻）"
    )
    assert soup.select_one(".print-editors").get_text() == "责任编辑：王敏"

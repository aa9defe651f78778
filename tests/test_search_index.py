"""The search index (articles/search), the same queries on both engines.

This module runs on SQLite in the SQLite pass and on PostgreSQL in the PostgreSQL pass
(QIANTANG_TEST_DATABASE, tests/settings.py): every expectation below holds on both, through
the reader's search page, the admin's article list and the index's own functions.
"""

import datetime as dt
import io
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article, Section
from articles.search.backends import FIELDS

from .admin_forms import form_data, form_errors
from .factories import make_article, make_column, make_figure

pytestmark = pytest.mark.django_db


def results(client, **params):
    response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [h.get_text() for h in soup.select(".result .item__title")]


def found(client, query, **params):
    return titles(results(client, q=query, **params))


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def corpus():
    """A small archive, each article published at its own hour (the newest first among
    equals is then one order)."""
    made = {}

    def add(title, hours, body="普通的段落。", **fields):
        made[title] = make_article(
            title, published_at=hours_ago(hours), sections=[("", body)], **fields
        )

    add("双元科技园开园", 10, "园区今天正式开园。")
    add("冬日城市见闻", 1, "双方约定元旦以后科学地安排技术培训。")
    add("科技双元论坛举行", 2, "论坛在城北举行。")
    add("Qiantang Daily 英文版上线", 3, "QIANTANG news, in English, every morning.")
    add("钱塘江大桥", 4, "大桥将于２０２６年通车，全长3.5公里。")
    add("产业新城", 5, "钱塘的产业园区迎来新项目。")
    add("杭州图书馆", 6, "市民在杭州读书，Qiantangjiang 边的分馆也开了。")
    return made


# (query, the titles found, in order). One-character queries are prefixes of the pairs, so
# a character is found wherever it stands, at the end of a run too (桥).
QUERIES = [
    ("双元科技", ["双元科技园开园"]),  # a phrase, not 双 元 科 技 scattered (冬日城市见闻)
    ("元科", ["双元科技园开园"]),  # two characters: the pair itself
    ("双", ["科技双元论坛举行", "双元科技园开园", "冬日城市见闻"]),  # titles first, newer first
    ("桥", ["钱塘江大桥"]),  # the last character of a run
    ("馆", ["杭州图书馆"]),  # ...of the title, and of 分馆 in the body: found once
    ("钱塘江大", ["钱塘江大桥"]),  # four characters
    ("江大桥钱", []),  # the characters are there, not in this order
    ("科技双元", ["科技双元论坛举行"]),
    ("钱塘", ["钱塘江大桥", "产业新城"]),  # title before body
    ("钱塘 产业", ["产业新城"]),  # every term must match
    ("产业 钱塘", ["产业新城"]),
    ("qiantang", ["Qiantang Daily 英文版上线"]),  # a Latin word, any case, whole words only
    ("QIANTANG daily", ["Qiantang Daily 英文版上线"]),
    ("qian", []),
    ("Qiantangjiang", ["杭州图书馆"]),
    ("2026", ["钱塘江大桥"]),  # a number, written full-width in the text
    ("２０２６年", ["钱塘江大桥"]),  # full-width in the query, then a character
    ("202", []),
    ("3.5公里", ["钱塘江大桥"]),  # 3 5 公里: in a row
    ("没有的词", []),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_queries_find_the_same_articles_on_both_engines(client, corpus, query, expected):
    assert found(client, query) == expected


def test_ranking_goes_by_where_the_query_is_found_before_how_new(client):
    # Newest in the body, oldest in the title: the title still comes first.
    make_article("潮汐在标题里", published_at=hours_ago(50))
    make_article(
        "小标题", published_at=hours_ago(40), sections=[("", "导语。"), ("潮汐", "正文。")]
    )
    make_article("摘要", published_at=hours_ago(30), summary="说到了潮汐。")
    article = make_article("图片说明", published_at=hours_ago(20))
    make_figure(article, caption="潮汐来时的江面", image=False)
    make_article("正文", published_at=hours_ago(10), sections=[("", "第一段。\n\n潮汐。")])
    assert found(client, "潮汐") == ["潮汐在标题里", "小标题", "摘要", "图片说明", "正文"]


def test_among_equals_the_newer_article_comes_first(client):
    make_article("较早", published_at=hours_ago(30), sections=[("", "观潮的人很多。")])
    make_article("较新", published_at=hours_ago(3), sections=[("", "观潮的人很多。")])
    make_article("最早", published_at=hours_ago(90), sections=[("", "观潮的人很多。")])
    assert found(client, "观潮") == ["较新", "较早", "最早"]


def test_a_broad_query_ranks_its_newest_matches_and_says_there_are_more(client, settings):
    # SEARCH_RANKED_MAX at 3 stands for 1,000: five articles match, more than are ranked. The
    # newest three are ranked with the newest title matches from the whole archive: both
    # title matches first (the oldest too), then the newest other match.
    settings.SEARCH_RANKED_MAX = 3
    make_article("观潮在标题里，最早", published_at=hours_ago(90))
    for hours, title in [(40, "第四新"), (30, "第三新"), (10, "第一新")]:
        make_article(title, published_at=hours_ago(hours), sections=[("", "观潮的人很多。")])
    make_article("观潮在标题里，第二新", published_at=hours_ago(20))
    soup = results(client, q="观潮")
    assert titles(soup) == ["观潮在标题里，第二新", "观潮在标题里，最早", "第一新"]
    count = soup.select_one(".search-count").get_text()
    assert "找到 3 多篇" in count and "列出 3 篇：标题里有这些词的文章排在前面" in count
    assert "多加一个词" in soup.select_one(".search-count + .search-note").get_text()
    # Narrowed by dates, the older ones are found, and the count is exact.
    day = timezone.localtime(hours_ago(40)).date()
    soup = results(client, q="观潮", end=(day - timedelta(days=1)).isoformat())
    assert titles(soup) == ["观潮在标题里，最早"]
    assert "找到 1 篇" in soup.select_one(".search-count").get_text()


def test_a_query_most_articles_match_walks_the_newest_articles(client, settings):
    # SEARCH_RANKED_MAX at 2: a window of 3, and a query matching 30 or more articles walks the
    # newest articles, 6 at a time (matching.py, _from_newest), checking each chunk. The 35
    # newest hold 钱塘 塘江 江潮 apart, so the walk goes past six chunks to the three older
    # articles holding the phrase 钱塘江潮, and ranks the newest two of them.
    settings.SEARCH_RANKED_MAX = 2
    for hours in range(1, 36):
        make_article(
            f"散开{hours}", published_at=hours_ago(hours), sections=[("", "钱塘新区。塘江。江潮。")]
        )
    for hours in (50, 51, 52):
        make_article(f"成句{hours}", published_at=hours_ago(hours), sections=[("", "钱塘江潮。")])
    make_article("钱塘江潮草稿", published=False)  # matches, never shown
    soup = results(client, q="钱塘江潮")
    assert titles(soup) == ["成句50", "成句51"]
    assert "找到 2 多篇" in soup.select_one(".search-count").get_text()
    # A word all of them hold: the newest two, the one naming it in its title first.
    make_article("江潮在标题里", published_at=hours_ago(1.5))
    assert found(client, "江潮") == ["江潮在标题里", "散开1"]
    # A title match far back outranks every newer match elsewhere: few titles hold the word,
    # so those are read from the index's title (on PostgreSQL its own GIN index).
    make_article("观江潮的老文章", published_at=hours_ago(2000), sections=[("", "旧事。")])
    cache.clear()
    assert found(client, "江潮") == ["江潮在标题里", "观江潮的老文章"]


def test_a_query_few_new_articles_match_reads_its_matches_instead(client, settings):
    # SEARCH_RANKED_MAX at 2: the first chunk walked is the 19 newest; none of them match, so
    # the matches are read from the index (matching.py, _from_matches), newest first, the
    # phrase checked on them: 散开 holds 钱塘 塘江 江潮 apart and is left out.
    settings.SEARCH_RANKED_MAX = 2
    for hours in range(1, 26):
        make_article(f"别的新闻{hours}", published_at=hours_ago(hours))
    make_article("散开", published_at=hours_ago(30), sections=[("", "钱塘新区。塘江。江潮。")])
    for hours in (40, 41):
        make_article(f"成句{hours}", published_at=hours_ago(hours), sections=[("", "钱塘江潮。")])
    make_article("钱塘江潮在标题里", published_at=hours_ago(50))
    soup = results(client, q="钱塘江潮")
    # The newest two of four, and the title match from further back, which outranks them.
    assert titles(soup) == ["钱塘江潮在标题里", "成句40"]
    assert "找到 2 多篇" in soup.select_one(".search-count").get_text()
    settings.SEARCH_RANKED_MAX = 3
    cache.clear()  # the page cache kept the page above
    soup = results(client, q="钱塘江潮")
    assert titles(soup) == ["钱塘江潮在标题里", "成句40", "成句41"]
    assert "找到 3 篇" in soup.select_one(".search-count").get_text()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's two ways of scoring")
def test_sqlite_scores_rows_spread_apart_as_it_scores_a_range():
    # Old title matches are scored row by row with instr() over the stored tokens, a window of
    # recent ones by FTS5 over their range of ids: both give every article the same score.
    from articles.search.backends import backend

    made = [
        make_article("钱塘江潮", kicker="观潮", sections=[("江潮来了", "正文。")]),
        make_article("别的", summary="说到钱塘江潮。"),
        make_article("Qiantang 潮", sections=[("", "qiantangjiang。")]),
        make_article("又一篇", summary="Qiantangjiang 的早晨"),  # not the word qiantang
        make_article("两段", sections=[("", "钱塘\n\n江潮")]),  # 钱塘 | 江潮: no phrase across
    ]
    captioned = make_article("图片")
    make_figure(captioned, caption="钱塘", image=False)
    make_figure(captioned, caption="江潮来时", image=False)  # two captions: no phrase across
    made.append(captioned)
    pks = [a.pk for a in made]
    engine = backend()
    for text in ["钱塘江潮", "潮", "江潮 观潮", "qiantang", "钱", "江潮来"]:
        phrases = search.Query(text).phrases
        by_range = engine.scores(pks, phrases)
        by_rows = engine._scores_of_rows(pks, phrases, "default")
        assert by_rows == by_range, text
    assert engine.scores(pks, search.Query("钱塘江潮").phrases)[made[0].pk] == 8


def test_at_the_limit_the_count_is_exact(client, settings):
    settings.SEARCH_RANKED_MAX = 3
    for hours in (1, 2, 3):
        make_article(f"观潮{hours}", published_at=hours_ago(hours))
    soup = results(client, q="观潮")
    assert titles(soup) == ["观潮1", "观潮2", "观潮3"]
    assert "找到 3 篇" in soup.select_one(".search-count").get_text()


def test_a_phrase_walks_past_articles_holding_its_pairs_apart(client, settings):
    # The window is first found from each term's pairs anywhere (the index alone), then
    # checked for the phrase: the three newest hold 钱塘 塘江 江潮 but never 钱塘江潮, so
    # the walk goes on to the older articles that do, and ranks those.
    settings.SEARCH_RANKED_MAX = 2
    for hours in (1, 2, 3):
        make_article(
            f"散开{hours}",
            published_at=hours_ago(hours),
            sections=[("", "钱塘新区。塘江两岸。江潮来了。")],
        )
    for hours in (10, 11, 12):
        make_article(f"成句{hours}", published_at=hours_ago(hours), sections=[("", "钱塘江潮。")])
    soup = results(client, q="钱塘江潮")
    assert titles(soup) == ["成句10", "成句11"]
    assert "找到 2 多篇" in soup.select_one(".search-count").get_text()
    found_all = search.search_articles(search.Query("钱塘江潮"))
    assert found_all.count() == 2 and found_all.capped


def test_the_kicker_and_subtitle_count_as_the_summary(client):
    make_article("正文里", published_at=hours_ago(1), sections=[("", "说到观潮。")])
    make_article("引题里", published_at=hours_ago(5), kicker="观潮时节")
    make_article("副题里", published_at=hours_ago(9), subtitle="——观潮指南")
    assert found(client, "观潮") == ["引题里", "副题里", "正文里"]


def test_column_filter(client):
    city, sport = make_column("城市", slug="city"), make_column("体育", slug="sport")
    make_article("城市观潮", column=city)
    make_article("体育观潮", column=sport)
    assert found(client, "观潮", column="city") == ["城市观潮"]
    soup = results(client, q="观潮", column="sport")
    assert titles(soup) == ["体育观潮"]
    assert "栏目：体育" in soup.select_one(".search-count").get_text()
    assert soup.select_one("#search-column option[selected]")["value"] == "sport"
    # A column with nothing public is not in the list (the header's 栏目 row), but when asked
    # for it is offered, chosen, and finds nothing.
    make_column("空栏目", slug="empty")
    soup = results(client, q="观潮", column="empty")
    assert titles(soup) == []
    assert soup.select_one("#search-column option[selected]").get_text() == "空栏目"


@pytest.fixture
def june_2030():
    """The clock at 2030-06-15 noon in Shanghai, standing still."""
    instant = dt.datetime(2030, 6, 15, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(instant, tick=False):
        yield instant


def test_date_filter_takes_whole_days_in_shanghai(client, june_2030):
    shanghai = june_2030.tzinfo
    # 00:30 on 1 June in Shanghai is still 31 May in UTC: it is on 1 June for readers.
    make_article("六月一日凌晨观潮", published_at=dt.datetime(2030, 6, 1, 0, 30, tzinfo=shanghai))
    make_article("五月底观潮", published_at=dt.datetime(2030, 5, 31, 23, 30, tzinfo=shanghai))
    make_article("六月十日观潮", published_at=dt.datetime(2030, 6, 10, 23, 59, tzinfo=shanghai))
    make_article("六月十一日观潮", published_at=dt.datetime(2030, 6, 11, 0, 0, tzinfo=shanghai))
    assert found(client, "观潮", start="2030-06-01", end="2030-06-10") == [
        "六月十日观潮",
        "六月一日凌晨观潮",
    ]
    assert found(client, "观潮", start="2030-06-11") == ["六月十一日观潮"]
    assert found(client, "观潮", end="2030-05-31") == ["五月底观潮"]
    soup = results(client, q="观潮", start="2030-06-01", end="2030-06-10")
    assert "2030-06-01 至 2030-06-10" in soup.select_one(".search-count").get_text()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2030-02-30"}, "没有这一天：2030-02-30"),
        ({"end": "6月1日"}, "请按 2026-06-01 这样的格式"),
        ({"start": "2030-13-01", "end": "x"}, "这次没有按这个日期筛选"),
        ({"column": "no-such-column"}, "没有“no-such-column”这个栏目"),
        ({"column": "<script>"}, "没有“<script>”这个栏目"),
        # The calendar's ends: 0001-01-01 in Shanghai is before any UTC time there is.
        ({"start": "0001-01-01"}, "日期 0001-01-01 超出范围"),
        ({"start": "9999-12-31", "end": "0001-01-01"}, "请填写 1900 年到 2999 年之间的日期"),
    ],
)
def test_bad_filters_say_so_and_search_without_them(client, june_2030, params, message):
    make_article("观潮", published_at=june_2030 - timedelta(days=3))
    soup = results(client, q="观潮", **params)  # a 200 (results() checks), never a 4xx or 500
    assert message in " ".join(n.get_text() for n in soup.select(".search-filter-note"))
    assert titles(soup) == ["观潮"]
    # What the reader typed stays in the form.
    for name, value in params.items():
        field = soup.select_one(f"#search-{name}")
        if field.name == "input":
            assert field["value"] == value


@pytest.mark.parametrize("typed", ["2030\x00-05-01", "２０３０-０５-０１"])
def test_control_characters_and_full_width_digits_in_the_filters_are_read(client, june_2030, typed):
    make_article("观潮", published_at=june_2030 - timedelta(days=3))
    make_article("更早的观潮", published_at=june_2030 - timedelta(days=60))
    soup = results(client, q="观潮", start=typed)
    assert soup.select(".search-filter-note") == []  # read as 2030-05-01
    assert soup.select_one("#search-start")["value"] == "2030-05-01"
    assert titles(soup) == ["观潮"]


def test_a_huge_filter_value_is_not_repeated_whole(client, june_2030):
    make_article("观潮", published_at=june_2030)
    response = client.get(
        reverse("articles:search"), {"q": "观潮", "column": "栏" * 5000, "start": "9" * 5000}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "栏" * 100 not in page and "9" * 100 not in page
    soup = BeautifulSoup(response.content, "html.parser")
    assert "这个栏目" in soup.select_one(".search-filter-note").get_text()
    assert titles(soup) == ["观潮"]


@pytest.mark.parametrize("page", ["0", "-1", "000", "1" * 24, "abc"])
def test_a_page_that_is_not_a_page_number_is_the_first(client, page):
    for hours in range(12):
        make_article(f"观潮{hours}", published_at=hours_ago(hours + 1))
    soup = results(client, q="观潮", page=page)
    assert titles(soup)[0] == "观潮0"


def test_dates_the_wrong_way_round_are_swapped(client, june_2030):
    make_article("观潮", published_at=june_2030 - timedelta(days=3))
    soup = results(client, q="观潮", start="2030-06-14", end="2030-06-01")
    assert titles(soup) == ["观潮"]
    assert "已对调" in soup.select_one(".search-filter-note").get_text()


def test_an_embargoed_article_appears_at_its_time_and_not_before(client, june_2030):
    make_article("定时观潮", published_at=june_2030 + timedelta(hours=1))
    make_article("已发观潮", published_at=june_2030 - timedelta(hours=1))
    assert found(client, "观潮") == ["已发观潮"]
    with time_machine.travel(june_2030 + timedelta(hours=1, seconds=1), tick=False):
        assert found(client, "观潮") == ["定时观潮", "已发观潮"]


def test_drafts_are_never_found_by_readers_but_are_by_the_desk(client, editor):
    make_article("观潮草稿", published=False)
    make_article("已发观潮")
    assert found(Client(), "观潮") == ["已发观潮"]
    assert sorted(admin_list(client, "观潮")) == ["已发观潮", "观潮草稿"]


def admin_list(client, query):
    response = client.get(reverse("admin:articles_article_changelist"), {"q": query})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in page.select("#result_list th.field-title a")]


def test_the_admin_list_searches_the_index_with_phrases(client, editor, corpus):
    assert admin_list(client, "双元科技") == ["双元科技园开园"]
    assert admin_list(client, "钱塘 产业") == ["产业新城"]
    assert admin_list(client, "！！") == []


def test_an_edit_in_the_admin_is_searchable_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    article = make_article("旧的标题", sections=[("", "旧的正文。")])
    make_figure(article, caption="旧的图片说明")
    reader = Client()
    assert found(reader, "旧的") == ["旧的标题"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["title"] = "新的标题"
    data["sections-0-body"] = "说到观潮。"
    data["figures-0-caption"] = "钱江潮涌"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert found(reader, "旧的") == []
    assert found(reader, "新的标题") == ["新的标题"]
    assert found(reader, "观潮") == ["新的标题"]
    assert found(reader, "潮涌") == ["新的标题"]


def test_sections_and_figures_deleted_leave_the_index(client, editor):
    article = make_article("标题", sections=[("", "导语。"), ("观潮", "江边观潮。")])
    make_figure(article, caption="潮水", image=False)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url)
    data["sections-1-DELETE"] = "on"
    data["figures-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert found(Client(), "观潮") == []
    assert found(Client(), "潮水") == []


def test_unpublishing_hides_an_article_at_once(client, django_capture_on_commit_callbacks):
    # Nothing is written to the index: whether an article is public is read when searching.
    article = make_article("观潮")
    assert found(client, "观潮") == ["观潮"]
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status"])
    assert found(client, "观潮") == []


def test_a_deleted_article_leaves_the_index(client, editor, corpus):
    article = corpus["产业新城"]
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert found(Client(), "产业") == []
    assert search.indexed_count() == len(corpus) - 1
    Article.objects.filter(title__startswith="钱塘").delete()  # a queryset delete too
    assert found(Client(), "钱塘") == []
    assert search.indexed_count() == len(corpus) - 2


def test_a_failed_save_leaves_the_index_as_it_was(client):
    from django.db import transaction

    article = make_article("观潮")
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "改过的标题"
        article.save()
        Section.objects.create(article=article, position=9, body="新增的段落。")
        raise RuntimeError
    assert found(client, "观潮") == ["观潮"]
    assert found(client, "新增") == []


def test_a_bulk_load_is_indexed_once_at_the_end():
    with search.deferred():
        article = make_article("批量导入的文章", sections=[("", "观潮。")])
        assert search.indexed_count() == 0  # nothing yet
        Section.objects.create(article=article, position=2, body="第二节说到钱塘。")
    assert search.indexed_count() == 1
    query = search.Query("钱塘")
    assert list(search.search_articles(query)) == [article]


def test_rebuild_command_indexes_what_bulk_writes_missed_and_reports(client):
    made = Article.objects.bulk_create(
        Article(
            title=f"批量{n}号观潮",
            slug=f"bulk-{n}",
            status=Article.Status.PUBLISHED,
            published_at=hours_ago(n + 1),
        )
        for n in range(7)
    )
    make_article("另一篇观潮", published_at=hours_ago(100))
    with connection.cursor() as cursor:  # a row whose article is gone
        search.backends.backend().write(cursor, [(10**9, {f: ["观潮"] for f in FIELDS})])
    assert found(client, "观潮") == ["另一篇观潮"]
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", "--chunk", "3", stdout=out, stderr=err)
    assert "Indexed 8 articles" in out.getvalue()
    assert "articles/s" in out.getvalue()
    assert "8/8" in err.getvalue()  # the progress bar
    assert search.indexed_count() == 8
    assert found(Client(), "观潮") == [a.title for a in made] + ["另一篇观潮"]


def test_filtered_search_pages_are_cached_per_query(client):
    from .conftest import queries_for

    column = make_column("城市", slug="city")
    make_article("观潮", column=column)
    url = reverse("articles:search") + "?q=%E8%A7%82%E6%BD%AE&column=city&start=&end="
    first, _ = queries_for(client, url)
    again, queries = queries_for(client, url)
    assert queries == 0
    assert again.content == first.content
    # A value the page cannot use is answered, and not stored.
    bad = reverse("articles:search") + "?q=%E8%A7%82%E6%BD%AE&start=2030-02-30"
    queries_for(client, bad)
    assert queries_for(client, bad)[1] > 0


def test_highlight_marks_latin_words_whole():
    query = search.Query("AI 钱塘")
    html = search.highlight("SAIC 与 AI：钱塘", query.pieces)
    assert html == "SAIC 与 <mark>AI</mark>：<mark>钱塘</mark>"


def test_an_imported_site_is_searchable(tmp_path, client, django_capture_on_commit_callbacks):
    make_article("钱塘观潮", sections=[("", "江边观潮。"), ("潮水", "正文。")])
    archive = tmp_path / "site.tar.gz"
    call_command("export_site", str(archive), stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_site", str(archive), "--replace", stdout=io.StringIO())
    assert search.indexed_count() == 1
    assert found(client, "观潮") == ["钱塘观潮"]
    assert found(client, "潮水") == ["钱塘观潮"]


def test_the_admin_list_without_a_search_lists_everything(client, editor):
    make_article("一篇", published=False)
    make_article("两篇")
    assert sorted(admin_list(client, "")) == ["一篇", "两篇"]
    assert sorted(admin_list(client, "   ")) == ["一篇", "两篇"]

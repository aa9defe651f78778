import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.search import MAX_QUERY_CHARS, MAX_TERMS, Query, highlight

from .factories import make_article, make_figure

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def result_titles(soup):
    return [h.get_text() for h in soup.select(".result .item__title")]


@pytest.mark.parametrize("query", ["杭州", "钱塘", "杭", "智慧城"])
def test_short_chinese_query_finds_article(client, query):
    make_article("杭州钱塘智慧城聚焦三大赛道")
    assert result_titles(search(client, q=query)) == ["杭州钱塘智慧城聚焦三大赛道"]


@pytest.mark.parametrize(
    "place",
    ["kicker", "title", "subtitle", "summary", "heading", "paragraph", "caption"],
)
def test_every_readable_part_is_searched(client, place):
    fields, sections = {}, [("城北园区", "普通的段落。")]
    if place in ("kicker", "subtitle", "summary"):
        fields[place] = "这里有钱塘二字"
    elif place == "heading":
        sections = [("钱塘新区", "普通的段落。")]
    elif place == "paragraph":
        sections = [("", "第一段。\n\n第二段说到钱塘的发展。")]
    title = "钱塘在标题里" if place == "title" else "一篇文章"
    article = make_article(title, sections=sections, **fields)
    if place == "caption":
        make_figure(article, caption="钱塘江边的新厂房")
    make_article("无关的文章")
    soup = search(client, q="钱塘")
    assert result_titles(soup) == [title]
    marks = [m.get_text() for m in soup.select(".result mark")]
    assert "钱塘" in marks


def test_drafts_and_scheduled_articles_are_not_found(client):
    from datetime import timedelta

    from django.utils import timezone

    make_article("钱塘草稿", published=False)
    make_article("钱塘定时", published_at=timezone.now() + timedelta(hours=2))
    soup = search(client, q="钱塘")
    assert result_titles(soup) == []
    assert "没有找到" in soup.select_one("main").get_text()


def test_every_term_must_match(client):
    make_article("钱塘产业", sections=[("", "智慧城。")])
    make_article("钱塘旅游")
    assert result_titles(search(client, q="钱塘 智慧城")) == ["钱塘产业"]


def test_match_is_highlighted_in_title_and_snippet(client):
    make_article("钱塘观察", sections=[("", "开头。\n\n说到钱塘的故事。")])
    soup = search(client, q="钱塘")
    result = soup.select_one(".result")
    assert [m.get_text() for m in result.select(".item__title mark")] == ["钱塘"]
    snippet = result.select_one(".result__snippet")
    assert snippet.select_one("mark").get_text() == "钱塘"


def test_html_in_query_is_escaped_not_rendered(client):
    make_article("标题", sections=[("", "<b>粗体</b>写在正文里。")])
    soup = search(client, q="<b>")
    # The reader's query and the article's text come back as text, never as markup.
    assert soup.select("main b") == []
    # Only letters, digits and Chinese characters are searched: the "b" is what matched.
    assert soup.select_one(".result mark").get_text() == "b"
    assert "<b>粗体</b>写在正文里" in soup.select_one(".result__snippet").get_text()
    assert soup.select_one("#search-q")["value"] == "<b>"


def test_script_in_query_does_not_inject(client):
    response = client.get(reverse("articles:search"), {"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE articles_article; --", "% _ \\", "钱塘' OR '1'='1", "\x00钱塘", "\u3000"],
)
def test_sql_and_odd_characters_give_a_normal_page(client, query):
    make_article("钱塘观察")
    search(client, q=query)
    assert result_titles(search(client, q="钱塘")) == ["钱塘观察"]


def test_symbols_alone_search_nothing_and_the_page_says_why(client):
    # The index holds words, numbers and Chinese characters; "%" alone names none of them.
    make_article("增长百分之十")
    make_article("增长10%")
    soup = search(client, q="%")
    assert result_titles(soup) == []
    assert "标点和符号不参与搜索" in soup.select_one(".search-note").get_text()
    assert soup.select(".notice") == []  # not "没有找到" besides: nothing was searched
    assert result_titles(search(client, q="10%")) == ["增长10%"]


def test_empty_query_shows_the_form_and_a_hint(client):
    make_article("钱塘观察")
    soup = search(client, q="   ")
    assert soup.select_one("form[role=search] input[name=q]") is not None
    assert soup.select(".result") == []
    assert "输入" in soup.select_one(".notice").get_text()


def test_very_long_query_is_cut_and_says_so(client):
    make_article("钱塘观察")
    soup = search(client, q="钱塘" + "长" * 5000)
    assert "只按前 50 个字" in soup.select_one(".search-note").get_text()
    assert len(soup.select_one("#search-q")["value"]) == MAX_QUERY_CHARS


def test_words_past_the_fifth_are_left_out_and_the_count_names_those_searched(client):
    make_article("0 1 2 3 4")
    soup = search(client, q="0 1 2 3 4 999999")
    assert "只按前 5 个词搜索" in soup.select_one(".search-note").get_text()
    assert "找到 1 篇包含“0 1 2 3 4”的文章" in soup.select_one(".search-count").get_text()


def test_query_is_bounded_in_length_and_terms():
    query = Query(" ".join(f"词{i}" for i in range(100)))
    assert len(query.terms) == MAX_TERMS
    assert query.dropped_terms
    assert len(Query("x" * 5000).text) == MAX_QUERY_CHARS


def test_results_paginate_and_keep_the_query(client):
    for i in range(12):
        make_article(f"钱塘第{i}篇")
    soup = search(client, q="钱塘")
    assert len(soup.select(".result")) == 10
    assert "12" in soup.select_one(".search-count").get_text()
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert "q=%E9%92%B1%E5%A1%98" in next_link and "page=2" in next_link
    page_two = search(client, q="钱塘", page=2)
    assert len(page_two.select(".result")) == 2


def test_highlight_escapes_everything_around_the_mark():
    html = highlight("<i>钱塘</i>&", ["钱塘"])
    assert html == "&lt;i&gt;<mark>钱塘</mark>&lt;/i&gt;&amp;"


def test_highlight_is_case_insensitive_for_latin_text():
    assert highlight("Qiantang news", ["qiantang"]) == "<mark>Qiantang</mark> news"


def test_search_page_asks_robots_not_to_index(client):
    soup = search(client, q="钱塘")
    assert "noindex" in soup.select_one("meta[name=robots]")["content"]


def test_snippet_prefers_the_passage_holding_all_the_terms(client):
    make_article(
        "钱塘观察",
        sections=[("", "第一段只说钱塘。\n\n第二段说钱塘的直播电商。")],
    )
    soup = search(client, q="钱塘 直播")
    marks = [m.get_text() for m in soup.select(".result__snippet mark")]
    assert marks == ["钱塘", "直播"]


def test_kicker_is_shown_and_highlighted_in_results(client):
    make_article("标题", kicker="钱塘产业平台")
    soup = search(client, q="钱塘")
    assert soup.select_one(".result .kicker mark").get_text() == "钱塘"

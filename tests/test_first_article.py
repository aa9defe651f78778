"""The first article, loaded from the shipped print page, shows every character of it."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from articles.models import Article, Author, Column

RAW = Path(__file__).resolve().parents[1] / "articles" / "seed" / "qiantang-print-page.txt"

# What the test knows of the page, written out here rather than taken from the loader.
BADGE = "打赢翻身仗 冲刺半年红"
KICKER = "杭州产业平台发力拼经济"
TITLE = "杭州钱塘智慧城：聚焦三大赛道 向都市高新产业园迈进攀升"
HEADINGS = [
    "城北园区重塑蝶变 打造千亿能源高地",
    "挖掘数字时尚“超新星” 引领数字消费新潮流",
    "服务赋能企业发展 培育上市“后备队”",
]
CAPTIONS = [
    "浙江威星智能仪表股份有限公司的自动化总装流水线",
    "浙江双元科技股份有限公司总部",
    "数字时尚产业",
    "鸭鸭直播电商",
    "杭州华塑科技有限公司",
    "“零零壹项目”效果图",
]
CREDIT = "本版图片由杭州钱塘智慧城管委会提供"
# Lines that print cut at a column end; the next body line is their other half.
BROKEN_ENDS = ["新制造业高", "现有10余", "一声钟响，浙", "在浙江双元"]


def expected_paragraphs():
    lines = [line.strip() for line in RAW.read_text(encoding="utf-8").split("\n")]
    not_body = {
        "打赢",
        "翻身仗",
        "冲刺",
        "半年红",
        "杭州产业平台发力",
        "拼经济",
        TITLE,
        "张梦月 李 岚",
        f"（{CREDIT}）",
        *HEADINGS,
        *CAPTIONS,
    }
    body = [line for line in lines if line and line not in not_body]
    paragraphs = []
    for line in body:
        if paragraphs and any(paragraphs[-1].endswith(end) for end in BROKEN_ENDS):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return paragraphs


@pytest.fixture
def page(client, first_article):
    response = client.get(first_article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


# Where print cut a paragraph at a column end, and how it goes on (the second half may come
# after a photo caption): written out here, as read on the printed page.
CUTS = [
    ("新制造业高", "质量发展双引擎"),
    ("现有10余", "家直播电商"),
    ("一声钟响，浙", "江双元科技"),
    ("在浙江双元", "科技负责人"),
]


def test_the_page_shows_29_paragraphs_with_those_print_cut_joined_again(page):
    shown = [p.get_text() for p in page.select("article section > p")]
    assert len(shown) == 29
    for end, rest in CUTS:
        (paragraph,) = [p for p in shown if end in p]
        assert end + rest in paragraph
        assert not any(p.startswith(rest) for p in shown)


def test_all_29_paragraphs_appear_exactly_and_in_print_order(page):
    shown = [p.get_text() for p in page.select("article section > p")]
    assert shown == expected_paragraphs()


def test_opening_has_six_paragraphs_then_three_headed_sections(page):
    sections = page.select("article section")
    assert [len(s.find_all("p", recursive=False)) for s in sections] == [6, 11, 6, 6]
    assert sections[0].find("h2") is None
    # Each heading's text, less its "#" link.
    headings = [
        "".join(h.find_all(string=True, recursive=True)[:-1]).strip()
        for h in page.select("article h2[id]")
    ]
    assert headings == HEADINGS
    for h2 in page.select("article h2[id]"):
        assert h2.find("a", href=f"#{h2['id']}")


def test_header_shows_badge_kicker_headline_and_byline_with_author_links(page):
    assert page.select_one(".badge").get_text(strip=True) == BADGE
    assert page.select_one(".kicker").get_text() == KICKER
    assert [h1.get_text() for h1 in page.find_all("h1")] == [TITLE]
    links = page.select(".byline a")
    assert [a.get_text() for a in links] == ["张梦月", "李岚"]
    assert links[1]["href"] == Author.objects.get(name="李岚").get_absolute_url()
    assert page.select_one(".article__header time")["datetime"]


def test_six_figures_with_their_captions_and_the_credit_line(page):
    figures = page.select("article figure")
    assert len(figures) == 6
    assert [f.figcaption.get_text() for f in figures] == CAPTIONS
    # The page's photos are not in its text: readers see that they are coming, not a fake.
    assert [f.select_one(".figure__pending").get_text() for f in figures] == ["图片待补"] * 6
    assert page.select("article img") == []
    assert CREDIT in page.select_one(".photo-credit").get_text()


def test_loading_twice_adds_nothing_and_keeps_staff_edits(first_article):
    first_article.title = "编辑改过的标题"
    first_article.save()
    call_command("load_seed", stdout=open("/dev/null", "w"))
    assert Article.objects.count() == 1
    assert Column.objects.count() == 1
    assert Author.objects.count() == 2
    assert Article.objects.get().title == "编辑改过的标题"


def test_home_lists_the_article_with_column_kicker_headline_byline_date_and_image(
    client, first_article
):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    item = soup.select_one("article.item")
    assert item.select_one(".item__column").get_text(strip=True) == BADGE
    assert item.select_one(".kicker").get_text() == KICKER
    assert item.select_one(".item__title a")["href"] == first_article.get_absolute_url()
    assert [a.get_text() for a in item.select(".meta a")] == ["张梦月", "李岚"]
    assert item.select_one("time")
    # No photo yet (stand-ins are not shown to readers): a text item, no fake thumbnail.
    assert item.select_one("img") is None and "item--text" in item["class"]

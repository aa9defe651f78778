"""The rules in articles/publishing.py, on unsaved objects as the admin hands them over."""

import pytest

from articles.models import Article, Figure, Section
from articles.publishing import HEADLINE_MAX_CHARS, publish_problems, text_warnings

from .factories import make_article, make_figure

pytestmark = pytest.mark.django_db


def article(title="标题", **fields):
    return Article(title=title, **fields)


def sections(*pairs):
    return [Section(position=n, heading=h, body=b) for n, (h, b) in enumerate(pairs, start=1)]


def test_a_complete_article_has_no_problems():
    saved = make_article("完整的稿", sections=[("", "导语。"), ("小标题", "正文。")])
    make_figure(saved, caption="说明")
    assert publish_problems(saved) == []


def test_missing_title_is_a_problem():
    assert "缺少主题（标题）。" in publish_problems(article("  "), sections(("", "正文")), [])


def test_sections_without_text_are_a_problem():
    problems = publish_problems(article(), sections(("", " \n "), ("小标题", "")), [])
    assert "至少要有一节写了正文。" in problems


def test_only_the_first_section_may_go_without_a_heading():
    problems = publish_problems(
        article(), sections(("", "导语"), ("二", "正文"), (" ", "正文")), []
    )
    assert problems == ["第 3 节没有小标题：只有第一节（导语）可以不写小标题。"]


def test_sections_are_checked_in_position_order_not_form_order():
    rows = [Section(position=2, heading="", body="后"), Section(position=1, heading="", body="前")]
    assert publish_problems(article(), rows, []) == [
        "第 2 节没有小标题：只有第一节（导语）可以不写小标题。"
    ]


def test_a_caption_serves_as_alt_text_but_alt_text_alone_is_not_a_caption():
    with_caption = Figure(position=1, image="x.jpg", width=4, height=3, caption="说明", alt_text="")
    alt_only = Figure(position=2, image="y.jpg", width=4, height=3, caption="", alt_text="替代")
    neither = Figure(position=3, image="", caption="", alt_text="")
    problems = publish_problems(
        article(), sections(("", "正文")), [with_caption, alt_only, neither]
    )
    assert problems == [
        "第 2 张图片缺少图片说明。",
        "第 3 张图片还没有上传图片文件。",
        "第 3 张图片缺少图片说明和替代文字（读屏软件要靠它们描述图片）。",
    ]


def test_headline_length_warning_starts_after_thirty_characters():
    at_limit = "字" * HEADLINE_MAX_CHARS
    assert text_warnings(article(at_limit), [], []) == []
    warnings = text_warnings(article(at_limit + "多"), [], [])
    assert len(warnings) == 1 and "主题有 31 个字" in warnings[0]


def test_half_width_comma_or_period_between_chinese_is_flagged_but_numbers_are_not():
    warnings = text_warnings(
        article(), sections(("", "杭州,钱塘。上城区. 飞地。约3,000人，增长1.5倍，version 2.0")), []
    )
    assert len(warnings) == 2
    assert "半角逗号" in warnings[0] and "“，”" in warnings[0]
    assert "半角句号" in warnings[1] and "“。”" in warnings[1]


def test_doubled_function_words_are_flagged_but_real_doubles_are_not():
    body = "我们的的确确常常天天见面，人人都说现在在家。为了了解情况，不了了之。他是是非分明的人。"
    assert text_warnings(article(), sections(("", body)), []) == []
    warnings = text_warnings(article(), sections(("", "这是我的的书，他来了了。和和")), [])
    pairs = [w.split("“")[-1][:2] for w in warnings]
    assert pairs == ["的的", "了了", "和和"]


def test_warnings_name_where_the_slip_is():
    figure = Figure(position=1, caption="江边,大桥")
    warnings = text_warnings(article(kicker="在在"), sections(("", "好")), [figure])
    assert warnings[0].startswith("引题：")
    assert warnings[1].startswith("第 1 张图片的说明：")

"""A new article in Chromium: its first section is ready for text, and figures go into
sections that are not saved yet ("第 N 节").

Before, a new article's page had no section at all (the reporter had to find 添加另一个 小节),
and a figure's 所在小节 listed saved sections only: on a new article, none.
"""

import pytest

from articles.models import Article
from tests.factories import make_editor

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 4000}}


def menu(page, n):
    return page.locator(f"#id_figures-{n}-section option").all_inner_texts()


def write_with_figures_in_new_sections(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/add/")
    page.wait_for_load_state("load")
    seen = {"ready": page.locator("#id_sections-0-body").is_visible()}
    screenshot(page, "admin-article-add")
    page.fill("#id_title", "新馆开放")
    page.fill("#id_sections-0-body", "导语第一段。\n\n导语第二段。")
    for n, heading in [(1, "怎么去"), (2, "写错的一节"), (3, "开放时间")]:
        page.get_by_role("button", name="添加另一个 小节").click()
        page.fill(f"#id_sections-{n}-heading", heading)
        page.fill(f"#id_sections-{n}-body", f"{heading}的正文。")
    for n in range(3):
        page.get_by_role("button", name="添加另一个 图片").click()
        page.fill(f"#id_figures-{n}-caption", f"图{n + 1}")
    seen["menu"] = menu(page, 0)
    page.select_option("#id_figures-0-section", label="第 2 节：怎么去")
    page.select_option("#id_figures-1-section", label="第 1 节")
    page.select_option("#id_figures-2-section", label="第 4 节：开放时间")
    # The wrong section goes: Django renumbers the rows after it, the menus follow.
    page.locator("#sections-2 .inline-deletelink").click()
    seen["menu_after_removing"] = menu(page, 2)
    seen["chosen_after_removing"] = page.locator(
        "#id_figures-2-section option:checked"
    ).inner_text()
    # A heading typed later shows in the menus at once.
    page.fill("#id_sections-0-heading", "开头")
    seen["menu_after_heading"] = menu(page, 1)
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    seen["chosen_after_saving"] = [
        page.locator(f"#id_figures-{n}-section option:checked").inner_text() for n in range(3)
    ]
    seen["rows_after_saving"] = page.locator("#sections-group .inline-related.has_original").count()
    seen["extra_rows_after_saving"] = page.locator(
        "[id^=id_sections-][id$=-body]:not([id*=__prefix__])"
    ).count()
    screenshot(page, "admin-article-change")
    return seen, errors


def test_a_new_article_opens_with_a_section_and_places_figures_in_unsaved_sections(
    chromium, live_server
):
    make_editor("editor")

    seen, errors = chromium.run(write_with_figures_in_new_sections, live_server.url, device=TALL)

    assert seen["ready"]
    assert seen["menu"] == [
        "- 请选择 -",
        "第 1 节",
        "第 2 节：怎么去",
        "第 3 节：写错的一节",
        "第 4 节：开放时间",
    ]
    assert seen["menu_after_removing"] == [
        "- 请选择 -",
        "第 1 节",
        "第 2 节：怎么去",
        "第 3 节：开放时间",
    ]
    assert seen["chosen_after_removing"] == "第 3 节：开放时间"
    assert seen["menu_after_heading"][1] == "第 1 节：开头"
    # After the save, the menus list the saved sections.
    assert seen["chosen_after_saving"] == ["怎么去", "开头", "开放时间"]
    assert seen["extra_rows_after_saving"] == 3  # the change page adds no empty row

    article = Article.objects.get()
    sections = list(article.sections.order_by("position"))
    assert [s.heading for s in sections] == ["开头", "怎么去", "开放时间"]
    placed = {f.caption: f.section.heading for f in article.figures.select_related("section")}
    assert placed == {"图1": "怎么去", "图2": "开头", "图3": "开放时间"}
    assert errors == []


def save_untouched(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/add/")
    page.fill("#id_title", "只有标题")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    return page.locator(".errorlist").count(), errors


def test_the_empty_first_section_left_untouched_saves_nothing(chromium, live_server):
    make_editor("editor")

    form_errors, errors = chromium.run(save_untouched, live_server.url)

    assert form_errors == 0
    article = Article.objects.get()
    assert article.title == "只有标题"
    assert article.sections.count() == 0
    assert errors == []

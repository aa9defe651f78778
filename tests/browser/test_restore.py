"""Restoring an old version in Chromium: the page says what will change, corrections survive.

An editor publishes, fixes a fact, adds a correction, then restores the version from before
the fix. Once, the restore brought the old fact back and silently deleted the correction and
the article's 更新时间. Corrections are a public record: they must outlive any restore.
"""

import pytest

from articles.models import Article
from tests.factories import make_article, make_editor

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 2000}}
WRONG = "园区去年产值为120亿元。"
RIGHT = "园区去年产值为102亿元。"
CORRECTION = "更正：本文原称园区去年产值为120亿元，应为102亿元。"


def save(page):
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()


def fix_correct_then_restore(page, base_url, change_url, history_url, public_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + change_url)
    save(page)  # the version as first published, with the wrong figure
    page.fill("#id_sections-0-body", RIGHT)
    save(page)
    page.get_by_role("button", name="添加另一个 更正").click()
    page.fill("#id_corrections-0-note", CORRECTION)
    save(page)
    seen = {"correction_row_editable": page.locator("#id_corrections-0-note").count()}

    page.goto(base_url + history_url)
    # Newest first: the last row is the version from before the fix.
    page.locator("#change-history tbody tr").last.get_by_role("link").click()
    preview = page.locator(".restore-preview")
    preview.wait_for()
    seen["preview"] = preview.inner_text()
    seen["deleted_text"] = preview.locator("td.diff del").all_inner_texts()
    seen["restored_text"] = preview.locator("td.diff ins").all_inner_texts()
    screenshot(page, "admin-restore-preview")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    page.goto(base_url + public_url)
    seen["public_body"] = page.locator(".article").inner_text()
    seen["public_correction"] = page.locator(".correction").inner_text()
    seen["public_meta"] = page.locator(".meta").first.inner_text()
    return seen, errors


def test_restoring_an_old_version_shows_what_changes_and_keeps_the_correction(
    chromium, live_server
):
    make_editor("editor")
    article = make_article("产值", sections=[("", WRONG)])

    seen, errors = chromium.run(
        fix_correct_then_restore,
        live_server.url,
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        article.get_absolute_url(),
        device=TALL,
    )

    # The restore page showed, before saving, the text that would come back and go away.
    assert "恢复这个版本会改变什么" in seen["preview"]
    assert "正文" in seen["preview"]
    assert seen["deleted_text"] == [RIGHT]
    assert seen["restored_text"] == [WRONG]
    assert "现有的 1 条更正会原样保留" in seen["preview"]
    # A saved correction is shown, not offered for editing.
    assert seen["correction_row_editable"] == 0

    article = Article.objects.get(pk=article.pk)
    assert article.sections.get().body == WRONG  # the restore did what it said
    assert [c.note for c in article.corrections.all()] == [CORRECTION]
    assert WRONG in seen["public_body"]
    assert CORRECTION in seen["public_correction"]
    assert "更新时间" in seen["public_meta"]
    assert errors == []

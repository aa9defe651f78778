"""An imported draft starts its history with the version as imported (从版面导入), and that
version can be restored after edits, in Chromium."""

import pytest
from reversion.models import Version

from articles.models import Article
from tests.factories import make_editor

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import SEED_TEXT, log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 2400}}
EDITED_TITLE = "编辑改过的标题"
EDITED_LEAD = "编辑重写的导语。"


def import_edit_and_restore(page, base_url, text):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/import/")
    page.get_by_label("版面文字").fill(text)
    page.get_by_role("button", name="预览").click()
    page.get_by_role("button", name="创建草稿").click()
    page.locator(".messagelist .success").first.wait_for()
    change_url = page.url
    seen = {"imported_title": page.input_value("#id_title")}
    seen["imported_lead"] = page.input_value("#id_sections-0-body")

    page.fill("#id_title", EDITED_TITLE)
    page.fill("#id_sections-0-body", EDITED_LEAD)
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").first.wait_for()

    page.get_by_role("link", name="历史").click()
    rows = page.locator("#change-history tbody tr")
    seen["history"] = [row.locator("td").last.inner_text() for row in rows.all()]
    screenshot(page, "admin-import-history")
    rows.filter(has_text="从版面导入").get_by_role("link").click()
    page.locator(".restore-preview").wait_for()
    seen["restore_preview"] = page.locator(".restore-preview").inner_text()
    page.click("input[name=_save]")
    page.locator(".messagelist .success").first.wait_for()
    page.goto(change_url)
    seen["title_after"] = page.input_value("#id_title")
    seen["lead_after"] = page.input_value("#id_sections-0-body")
    return seen, errors


def test_an_imported_draft_can_be_restored_as_imported_after_edits(chromium, live_server):
    make_editor("editor")
    text = SEED_TEXT.read_text(encoding="utf-8")

    seen, errors = chromium.run(import_edit_and_restore, live_server.url, text, device=TALL)

    imported_title = "杭州钱塘智慧城：聚焦三大赛道 向都市高新产业园迈进攀升"
    assert seen["imported_title"] == imported_title
    # Newest first: the edit, then the import.
    assert seen["history"][-1] == "从版面导入"
    assert len(seen["history"]) == 2
    assert EDITED_TITLE in seen["restore_preview"]
    assert seen["title_after"] == imported_title
    assert seen["lead_after"] == seen["imported_lead"]

    article = Article.objects.get()
    assert article.title == imported_title
    lead = article.sections.order_by("position").first()
    assert lead.body == seen["imported_lead"].replace("\r\n", "\n")
    assert article.sections.count() == 4
    assert article.figures.count() == 6  # the captions waiting for photos came back too
    first = Version.objects.get_for_object(article).order_by("pk").first()
    assert first.revision.get_comment() == "从版面导入"
    assert first.revision.user.username == "editor"
    assert errors == []

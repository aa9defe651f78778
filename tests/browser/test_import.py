"""An editor imports a print page in the admin, in Chromium: upload, preview, create the draft."""

from pathlib import Path

import pytest

from articles.models import Article
from tests.factories import make_staff

from .conftest import DESKTOP, RESULTS, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

PAGE = Path(__file__).resolve().parents[1] / "printpages" / "elevators-four-authors.txt"


def upload_preview_and_create(page, base_url, username, export):
    errors = watch_console(page)
    log_in(page, base_url, username)
    page.goto(base_url + "/admin/articles/article/")
    page.get_by_role("link", name="从版面文本导入").click()
    page.set_input_files(
        "#id_file", {"name": "page.txt", "mimeType": "text/plain", "buffer": export}
    )
    page.get_by_role("button", name="预览").click()
    page.locator("#preview").wait_for()
    structure = page.locator(".import-structure")
    warnings = page.locator(".import-warnings")
    seen = {
        "title": page.locator(".import-title").inner_text(),
        "headings": [h.inner_text() for h in structure.locator(".import-section h4").all()],
        "figures": structure.locator(".import-figure").count(),
        "warnings": [w.inner_text() for w in warnings.locator("li").all()],
        # The warnings stand beside the structure on a laptop screen, not below it.
        "side_by_side": warnings.bounding_box()["x"]
        > structure.bounding_box()["x"] + structure.bounding_box()["width"] - 1,
        "box_filled": "协商共治" in page.locator("#id_text").input_value(),
    }
    screenshot(page, "admin-import-preview")
    page.get_by_role("button", name="创建草稿").click()
    page.locator(".messagelist .success").wait_for()
    seen["messages"] = [m.inner_text() for m in page.locator(".messagelist li").all()]
    seen["url"] = page.url
    screenshot(page, "admin-import-created")
    return seen, errors


def test_editor_uploads_a_gb18030_page_previews_it_and_creates_a_draft(chromium, live_server):
    make_staff("editor", superuser=True)
    export = PAGE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030")

    seen, errors = chromium.run(
        upload_preview_and_create, live_server.url, "editor", export, device=DESKTOP
    )

    assert seen["title"] == "老旧小区加装电梯按下快进键"
    assert seen["headings"] == [
        "导语（无小标题）",
        "政策先行 破解资金难题",
        "协商共治 凝聚邻里共识",
    ]
    assert seen["figures"] == 2
    assert len(seen["warnings"]) == 1 and "Smart" in seen["warnings"][0]
    assert seen["side_by_side"]
    assert seen["box_filled"]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert seen["url"].endswith(f"/admin/articles/article/{article.pk}/change/")
    assert any("2 张图片只有图片说明，还没有照片" in m for m in seen["messages"])
    assert errors == []


def paste_too_much_and_preview(page, base_url, username, pasted):
    errors = watch_console(page)
    log_in(page, base_url, username)
    page.goto(base_url + "/admin/articles/article/import/")
    import_url = page.url
    # As a paste puts it there: typing 2 million characters through fill() takes minutes.
    page.locator("#id_text").evaluate(
        "(box, text) => { box.value = text; box.dispatchEvent(new Event('input')); }", pasted
    )
    # Laying out 5 MB of text keeps a busy machine's Chromium from answering for a while.
    page.get_by_role("button", name="预览").click(timeout=60_000)
    alert = page.locator("#import-form [role=alert]")
    alert.wait_for(timeout=60_000)
    seen = {
        "alert": alert.inner_text(),
        "url": page.url == import_url,
        "kept": page.locator("#id_text").input_value() == pasted,
        "focused": page.evaluate("document.activeElement.id"),
    }
    page.screenshot(path=RESULTS / "admin-import-too-long.png")  # the screen, not 5 MB of text
    return seen, errors


def test_a_paste_too_long_is_stopped_on_the_form_with_the_text_kept(chromium, live_server):
    # 5 MB: the server would not even read it (DATA_UPLOAD_MAX_MEMORY_SIZE), and the editor
    # would be left on an error page instead of their text.
    make_staff("editor", superuser=True)
    pasted = "钱塘江畔跑出城市新活力。\n\n" * 140_000

    seen, errors = chromium.run(
        paste_too_much_and_preview, live_server.url, "editor", pasted, device=DESKTOP
    )

    assert seen["alert"].startswith("粘贴的文字太长：5.3 MB，上限是 1 MB。")
    assert "上传" in seen["alert"]
    assert seen["url"] and seen["kept"]
    assert seen["focused"] == "id_text"
    assert not Article.objects.exists()
    assert errors == []

"""An editor imports a print page in the admin, in Chromium: upload, preview, create the draft."""

from pathlib import Path

import pytest

from articles.models import Article
from tests.factories import make_staff

from .conftest import DESKTOP, screenshot, watch_console
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
        "headings": [h.inner_text() for h in structure.locator("h3").all()],
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

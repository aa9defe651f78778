"""使用说明: the desk's guide opens for a reporter and for an editor from the admin's header."""

import pytest

from tests.factories import make_editor, make_reporter

from .conftest import screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

CHAPTERS = [
    "写稿与交稿",
    "审稿、退回与签发",
    "定时发布",
    "照片与焦点",
    "更正",
    "分享预览",
    "首页编排",
    "撤下",
]


def open_the_guide_from_the_dashboard(page, base_url, username):
    errors = watch_console(page)
    log_in(page, base_url, username)  # lands on the dashboard (编辑部工作台)
    seen = {"dashboard": page.locator("h1").inner_text()}
    page.locator("#user-tools").get_by_role("link", name="使用说明").click()
    page.wait_for_load_state()
    seen["url"] = page.url
    seen["title"] = page.locator("h1").inner_text()
    seen["chapters"] = [h.split()[0] for h in page.locator(".desk-guide h2").all_inner_texts()]
    seen["contents"] = (
        page.get_by_role("navigation", name="本页目录").locator("a").all_inner_texts()
    )
    page.get_by_role("link", name="照片与焦点").click()
    seen["jumped_to"] = page.evaluate("location.hash")
    seen["crumbs"] = page.locator("ol.breadcrumbs li").all_inner_texts()
    seen["preview_hours"] = "48 小时后失效" in page.locator(".desk-guide").inner_text()
    screenshot(page, f"admin-guide-{username}")
    # The link is in every admin page's header, not only the dashboard's.
    page.goto(base_url + "/admin/articles/article/")
    seen["linked_from_list"] = (
        page.locator("#user-tools").get_by_role("link", name="使用说明").count()
    )
    return seen, errors


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_the_guide_opens_from_the_header_for_reporters_and_editors(chromium, live_server, role):
    (make_reporter if role == "reporter" else make_editor)(role)

    seen, errors = chromium.run(open_the_guide_from_the_dashboard, live_server.url, role)

    assert seen["dashboard"] == "编辑部工作台"
    assert seen["url"] == live_server.url + "/admin/guide/"
    assert seen["title"] == "使用说明"
    assert seen["chapters"] == CHAPTERS
    assert seen["contents"] == CHAPTERS
    assert seen["jumped_to"] == "#photos"
    assert seen["crumbs"] == ["首页", "使用说明"]
    assert seen["preview_hours"]
    assert seen["linked_from_list"] == 1
    assert errors == []


def test_the_guide_is_for_staff_only(client, db):
    response = client.get("/admin/guide/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

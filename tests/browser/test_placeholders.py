"""An editor replaces a stand-in of the first article with a real photo, in Chromium."""

import pytest

from articles.models import Figure
from tests.factories import jpeg_bytes, make_editor

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 3000}}


def replace_first_standin(page, base_url, change_url, public_url, photo):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/")
    seen = {"list": page.locator("#result_list tbody tr").first.inner_text()}
    page.goto(base_url + change_url)
    seen["warning"] = page.locator(".messagelist .warning").all_inner_texts()
    page.set_input_files(
        "#id_figures-0-image", {"name": "plant.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    page.goto(base_url + "/admin/articles/article/")
    seen["list_after"] = page.locator("#result_list tbody tr").first.inner_text()
    page.goto(base_url + public_url)
    figures = page.locator("article figure")
    seen["first_has_photo"] = figures.nth(0).locator("img").count() == 1
    seen["pending"] = page.locator(".figure__pending").count()
    screenshot(page, "first-article-one-photo-in")
    return seen, errors


def test_a_real_photo_replaces_a_stand_in_and_readers_see_it(chromium, live_server, first_article):
    make_editor("editor")
    seen, errors = chromium.run(
        replace_first_standin,
        live_server.url,
        f"/admin/articles/article/{first_article.pk}/change/",
        first_article.get_absolute_url(),
        jpeg_bytes(1600, 1067),
        device=TALL,
    )
    assert "6 张占位图" in seen["list"]
    assert any("6 张图片是占位图" in w for w in seen["warning"])
    assert "5 张占位图" in seen["list_after"]
    first = Figure.objects.order_by("position").first()
    assert not first.is_placeholder
    assert seen["first_has_photo"] and seen["pending"] == 5
    assert errors == []

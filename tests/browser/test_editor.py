"""An editor writes, illustrates, reorders and publishes an article in the admin, in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import jpeg_bytes, make_editor, make_reporter

from .conftest import DESKTOP, screenshot, watch_console

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-only"
# Both sections' title bars on screen at once, so dragging one onto the other needs no scroll.
TALL_DESKTOP = {**DESKTOP, "viewport": {"width": 1280, "height": 2400}}
SEED_TEXT = Path(__file__).resolve().parents[2] / "articles" / "seed" / "qiantang-print-page.txt"


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def drag(page, source, target):
    """Drag with the mouse in small steps, as a hand does: sortable lists react to the moves."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 2, steps=20)
    page.mouse.up()


def sign_off(page, date, time):
    """An editor signs the open article off for a time (签发), naming a source if it has none."""
    if not page.input_value("#id_source"):
        page.fill("#id_source", "本报")
    page.fill("#id_published_at_0", date)
    page.fill("#id_published_at_1", time)
    page.get_by_role("button", name="签发").first.click()
    page.locator(".messagelist .success").first.wait_for()


def write_publish_and_view(page, base_url, username, photo):
    errors = watch_console(page)
    log_in(page, base_url, username)
    page.goto(base_url + "/admin/articles/article/add/")
    page.fill("#id_kicker", "江畔夜色新地标")
    page.fill("#id_title", "钱塘江边新开一座图书馆")
    for n, (heading, body) in enumerate(
        [("馆里有什么", "藏书二十万册。\n\n周末开放到晚上十点。"), ("怎么去", "地铁七号线直达。")]
    ):
        page.get_by_role("button", name="添加另一个 小节").click()
        page.fill(f"#id_sections-{n}-heading", heading)
        page.fill(f"#id_sections-{n}-body", body)
    page.get_by_role("button", name="添加另一个 图片").click()
    page.set_input_files(
        "#id_figures-0-image", {"name": "library.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    page.fill("#id_figures-0-caption", "新馆的阅览大厅")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    # Reorder by drag and drop (django-admin-sortable2): the second section's title bar is
    # dragged above the first one's. Its script starts on the window's load event, which
    # waits for the figure's thumbnail; the hidden order fields show the drop took.
    page.wait_for_load_state("load")
    drag(page, page.locator("#sections-1 h3"), page.locator("#sections-0 h3"))
    expect(page.locator("#id_sections-1-position")).to_have_value("1")
    expect(page.locator("#id_sections-0-position")).to_have_value("2")
    sign_off(page, "2026-11-01", "08:00:00")
    screenshot(page, "admin-article-published")

    page.get_by_role("link", name="在站点上查看").click()
    page.wait_for_load_state()
    page.locator("figure img").scroll_into_view_if_needed()
    seen = {
        "url": page.url,
        "kicker": page.locator(".kicker").inner_text(),
        "headline": page.locator("h1").inner_text(),
        "headings": [h.inner_text() for h in page.locator(".article h2").all()],
        "caption": page.locator("figcaption").inner_text(),
        "image_loaded": page.locator("figure img").evaluate(
            "(img) => img.decode().then(() => img.naturalWidth > 0, () => false)"
        ),
    }
    screenshot(page, "admin-article-on-site")
    return seen, errors


def test_editor_creates_reorders_and_publishes_an_article_then_views_it_on_the_site(
    chromium, live_server
):
    make_editor("editor")

    seen, errors = chromium.run(
        write_publish_and_view, live_server.url, "editor", jpeg_bytes(), device=TALL_DESKTOP
    )

    article = Article.objects.published().get()
    assert seen["url"] == live_server.url + article.get_absolute_url()
    assert seen["kicker"] == "江畔夜色新地标"
    assert seen["headline"] == "钱塘江边新开一座图书馆"
    assert [h.split()[0] for h in seen["headings"]] == ["怎么去", "馆里有什么"]
    assert seen["caption"] == "新馆的阅览大厅"
    assert seen["image_loaded"]
    assert errors == []


def try_to_publish_as_reporter(page, base_url, username):
    errors = watch_console(page)
    log_in(page, base_url, username)
    page.goto(base_url + "/admin/articles/article/add/")
    seen = {
        "status_locked": page.locator("#id_published_at_0").is_disabled()
        and page.get_by_role("button", name="签发").count() == 0
    }
    page.fill("#id_title", "记者的稿子")
    page.get_by_role("button", name="添加另一个 小节").click()
    page.fill("#id_sections-0-body", "一段正文。")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    seen["actions"] = page.locator("select[name=action] option").all_inner_texts()
    page.locator("#result_list").get_by_role("link", name="记者的稿子").click()
    page.get_by_role("link", name="在站点上查看").click()
    seen["banner"] = page.get_by_role("status").inner_text()
    return seen, errors


def status_for_anonymous_reader(page, url):
    return page.goto(url).status


def test_reporter_cannot_publish_and_readers_cannot_see_the_draft(chromium, live_server):
    make_reporter("reporter")

    seen, errors = chromium.run(try_to_publish_as_reporter, live_server.url, "reporter")

    assert seen["status_locked"]
    assert "删除所选的 文章" in seen["actions"]
    assert "立即发布所选文章" not in seen["actions"]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert "尚未发布" in seen["banner"]
    draft_url = live_server.url + article.get_absolute_url()
    assert chromium.run(status_for_anonymous_reader, draft_url) == 404
    assert errors == []


def import_print_page(page, base_url, username, text):
    errors = watch_console(page)
    log_in(page, base_url, username)
    page.goto(base_url + "/admin/articles/article/")
    page.get_by_role("link", name="从版面文本导入").click()
    page.get_by_label("版面文字").fill(text)
    page.get_by_role("button", name="预览").click()
    preview = {
        "title": page.locator(".import-title").inner_text(),
        "authors": page.locator(".import-authors .author").all_inner_texts(),
        "headings": page.locator(".import-section h4").all_inner_texts(),
    }
    page.get_by_role("button", name="创建草稿").click()
    page.locator(".messagelist .success").wait_for()
    screenshot(page, "admin-imported-draft")
    return {
        "preview": preview,
        "message": page.locator(".messagelist .success").inner_text(),
        "title_field": page.locator("#id_title").input_value(),
        "status": page.locator(".field-state_display .readonly").inner_text(),
    }, errors


def test_editor_pastes_a_print_page_previews_it_and_gets_a_draft(chromium, live_server):
    make_editor("editor")
    text = SEED_TEXT.read_text(encoding="utf-8")

    seen, errors = chromium.run(import_print_page, live_server.url, "editor", text)

    title = "杭州钱塘智慧城：聚焦三大赛道 向都市高新产业园迈进攀升"
    assert seen["preview"]["title"] == title
    assert seen["preview"]["authors"] == ["张梦月", "李岚"]
    assert seen["preview"]["headings"][1:] == [
        "城北园区重塑蝶变 打造千亿能源高地",
        "挖掘数字时尚“超新星” 引领数字消费新潮流",
        "服务赋能企业发展 培育上市“后备队”",
    ]
    assert title in seen["message"]
    assert seen["title_field"] == title
    assert seen["status"] == "草稿"
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.sections.count() == 4
    assert errors == []

"""Two editors on one article, and a share-preview link opened by someone without an account."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_editor

from .conftest import PHONE, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser


def two_editors_save_the_same_article(page, base_url, change_path):
    errors = watch_console(page)
    log_in(page, base_url, "first")
    page.goto(base_url + change_path)

    # A colleague opens the same article in their own browser and saves first.
    other_context = page.context.browser.new_context(locale="zh-CN")
    other = other_context.new_page()
    log_in(other, base_url, "second")
    other.goto(base_url + change_path)
    other.fill("#id_title", "第二位编辑的标题")
    other.click("input[name=_continue]")
    other.locator(".messagelist .success").wait_for()
    other_context.close()

    page.fill("#id_title", "第一位编辑的标题")
    page.fill("#id_sections-0-body", "我重写的导语。")
    page.click("input[name=_continue]")
    page.locator(".errornote").wait_for()
    screenshot(page, "admin-stale-save-refused")
    seen = {
        "message": page.locator(".errorlist.nonfield").inner_text(),
        "title": page.input_value("#id_title"),
        "body": page.input_value("#id_sections-0-body"),
        "overwrite_offered": page.locator("#id_overwrite").is_visible(),
    }
    page.check("#id_overwrite")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    return seen, errors


def test_a_stale_save_in_the_browser_keeps_the_text_and_offers_an_overwrite(chromium, live_server):
    make_editor("first")
    make_editor("second")
    article = make_article("原来的标题")
    change_path = reverse("admin:articles_article_change", args=[article.pk])

    seen, errors = chromium.run(two_editors_save_the_same_article, live_server.url, change_path)

    assert "没有保存" in seen["message"] and "second" in seen["message"]
    assert seen["title"] == "第一位编辑的标题"
    assert seen["body"] == "我重写的导语。"
    assert seen["overwrite_offered"]
    article.refresh_from_db()
    assert article.title == "第一位编辑的标题"
    assert errors == []


def make_link_then_read_it_on_a_phone(page, base_url, change_path):
    log_in(page, base_url, "first")
    page.goto(base_url + change_path)
    page.get_by_role("link", name="分享预览链接").click()
    page.get_by_role("button", name="生成新的预览链接").click()
    link = page.input_value("#preview-link")

    reader_context = page.context.browser.new_context(locale="zh-CN", **PHONE)
    reader = reader_context.new_page()
    errors = watch_console(reader)
    response = reader.goto(link)
    screenshot(reader, "share-preview-on-phone")
    seen = {
        "status": response.status,
        "cache_control": response.headers.get("cache-control", ""),
        "headline": reader.locator("h1").inner_text(),
        "banner": reader.locator(".preview-banner").inner_text(),
        "robots": reader.locator("meta[name=robots]").get_attribute("content"),
        "forms": reader.locator("form[method=post]").count(),
    }
    # The editor takes the link back; the reader's next visit is refused (the browser logs
    # that 410 as a failed load, which is what should happen: errors are those seen before).
    errors = list(errors)
    page.get_by_role("button", name="撤销").first.click()
    page.locator(".messagelist .success").wait_for()
    seen["live_after_revoking"] = page.locator("#live-preview-links").count()
    again = reader.goto(link)
    seen["after_revoking"] = (again.status, reader.locator("h1").inner_text())
    reader_context.close()
    return seen, errors


def test_a_share_preview_link_opens_the_draft_for_a_reader_without_an_account(
    chromium, live_server
):
    make_editor("first")
    article = make_article("给采访对象先看", published=False)
    change_path = reverse("admin:articles_article_change", args=[article.pk])

    seen, errors = chromium.run(make_link_then_read_it_on_a_phone, live_server.url, change_path)

    assert seen["status"] == 200
    assert seen["headline"] == "给采访对象先看"
    assert "尚未发布" in seen["banner"]
    assert "no-store" in seen["cache_control"]
    assert seen["robots"].startswith("noindex")
    assert seen["forms"] == 0
    assert seen["live_after_revoking"] == 0
    assert seen["after_revoking"] == (410, "这个预览链接已被撤销")
    assert errors == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

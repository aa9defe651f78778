"""The desk's day in Chromium, as the people do it: a reporter writes and hands in; the editor
finds it on the dashboard and sends it back with a note; the reporter fixes it and hands it in
again; the editor signs it off for a later time; at that time readers see it with 责任编辑; the
editor makes it the 头条 and the home page leads with it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, FrontPageSlot, Transition
from tests.factories import make_article, make_editor, make_reporter

from .conftest import screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser
TITLE = "钱塘江边开了新课堂"


def write_and_hand_in(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "wangqiang")
    page.get_by_role("link", name="写新稿件").click()
    page.fill("#id_title", TITLE)
    page.fill("#id_source", "本报")
    if page.locator("#id_sections-0-body").count() == 0:
        page.get_by_role("button", name="添加另一个 小节").click()
    page.fill("#id_sections-0-body", "今天上午，钱塘区的一所小学把课堂搬到了江边。" * 8)
    page.get_by_role("button", name="交给编辑审稿").first.click()
    page.locator(".messagelist .success").first.wait_for()
    return page.locator(".messagelist").inner_text(), errors


def send_back(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "lina")
    waiting = page.locator("#desk-submitted").inner_text()
    screenshot(page, "desk-dashboard-editor")
    page.locator("#desk-submitted").get_by_role("link", name=TITLE).click()
    page.fill("#id_transition_note", "导语太长，请压到一百字以内。")
    page.get_by_role("button", name="退回记者").first.click()
    page.locator(".messagelist .success").first.wait_for()
    return waiting, errors


def fix_and_hand_in_again(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "wangqiang")
    returned = page.locator("#desk-returned").inner_text()
    page.locator("#desk-returned").get_by_role("link", name=TITLE).click()
    page.fill("#id_sections-0-body", "今天上午，钱塘区的一所小学把课堂搬到了江边。")
    page.fill("#id_transition_note", "已压缩导语。")
    page.get_by_role("button", name="交给编辑审稿").first.click()
    page.locator(".messagelist .success").first.wait_for()
    return returned, errors


def sign_off_for(page, base_url, date, time):
    errors = watch_console(page)
    log_in(page, base_url, "lina")
    page.locator("#desk-submitted").get_by_role("link", name=TITLE).click()
    page.fill("#id_published_at_0", date)
    page.fill("#id_published_at_1", time)
    page.get_by_role("button", name="签发").first.click()
    page.wait_for_load_state()
    screenshot(page, "desk-after-sign-off")
    page.locator(".messagelist .success").first.wait_for()
    listed = page.locator(".field-state_display .readonly").inner_text()
    return listed, errors


def read_it(page, url):
    errors = watch_console(page)
    response = page.goto(url)
    seen = {"status": response.status}
    if response.status == 200:
        seen["headline"] = page.locator("h1").inner_text()
        seen["foot"] = page.locator("main").inner_text()
        screenshot(page, "desk-day-article")
    return seen, errors


def make_it_the_lead(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "lina")
    page.get_by_role("link", name="首页编排").first.click()
    page.select_option("select[name=slots-0-role]", "lead")
    page.locator("#slots-0 .select2-selection, tr#slots-0 .select2-selection").first.click()
    page.locator(".select2-search__field").fill("新课堂")
    page.locator(".select2-results__option", has_text=TITLE).click()
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    screenshot(page, "desk-front-page")
    page.locator(".messagelist .success").first.wait_for()
    preview = page.locator("#front-preview").inner_text()
    return preview, errors


def home_lead(page, base_url):
    page.goto(base_url + "/")
    return page.locator("main a[href*='/articles/']").first.inner_text()


def test_the_desks_whole_day(chromium, live_server, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=True)
    make_reporter("wangqiang")
    editor = make_editor("lina")
    editor.last_name, editor.first_name = "李", "娜"
    editor.save()
    base = live_server.url

    message, errors = chromium.run(write_and_hand_in, base)
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.SUBMITTED and "已交稿" in message

    waiting, more = chromium.run(send_back, base)
    errors += more
    assert TITLE in waiting and "wangqiang 交稿于" in waiting
    article.refresh_from_db()
    assert article.status == Article.Status.RETURNED

    returned, more = chromium.run(fix_and_hand_in_again, base)
    errors += more
    assert "导语太长" in returned
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED

    at = timezone.localtime(now + timedelta(hours=2))
    listed, more = chromium.run(sign_off_for, base, f"{at:%Y-%m-%d}", f"{at:%H:%M:%S}")
    errors += more
    article.refresh_from_db()
    assert article.is_scheduled and "定时发布" in listed
    assert article.desk_editor == "李娜"  # the signing editor, family name first
    assert [m.action for m in Transition.objects.filter(article=article)] == [
        "submit",
        "return",
        "submit",
        "sign_off",
    ]
    url = base + article.get_absolute_url()
    seen, more = chromium.run(read_it, url)
    assert seen["status"] == 404  # not before its time

    # Its time comes; meanwhile a newer story went up.
    make_article("另一条更新的快讯", published_at=now + timedelta(hours=2, minutes=1))
    time_machine.move_to(now + timedelta(hours=2, minutes=2), tick=True)
    seen, more = chromium.run(read_it, url)
    errors += more
    assert seen["status"] == 200 and seen["headline"].replace("\n", "") == TITLE
    assert f"责任编辑：{article.desk_editor}" in seen["foot"]
    assert chromium.run(home_lead, base) == "另一条更新的快讯"

    preview, more = chromium.run(make_it_the_lead, base)
    errors += more
    assert FrontPageSlot.objects.get().article == article
    assert TITLE in preview and "编辑选定" in preview
    assert chromium.run(home_lead, base) == TITLE
    assert errors == []

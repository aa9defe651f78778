"""A reader pages back through the home page, then finds an article by its date, in Chromium."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles import by_date
from articles.models import Article

from ..factories import make_article, make_column
from .conftest import PHONE, screenshot, watch_console

pytestmark = pytest.mark.browser


def browse(page, base_url, wanted_title, day_path):
    errors = watch_console(page)
    axe = Axe()
    problems = []

    def check(name):
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                problems.append(f"{name}: {violation['id']} {violation['nodes'][0]['target']}")

    page.goto(base_url + "/")
    pages = 1
    while page.locator(".pagination a[rel=next]").count():
        page.locator(".pagination a[rel=next]").click()
        pages += 1
    check("last list page")
    last_titles = page.locator(".item__title").all_inner_texts()
    # The last page sends the reader to the archive by date.
    page.get_by_role("link", name="按日期查看往期").click()
    heading = page.locator("h1").inner_text()
    check("archive")
    months = page.locator(".archive-list a").all_inner_texts()
    page.locator(f'.archive-list a[href="{day_path[:17]}"]').click()
    month_heading = page.locator("h1").inner_text()
    check("month")
    page.locator(f'.archive-list a[href="{day_path}"]').click()
    day_heading = page.locator("h1").inner_text()
    check("day")
    screenshot(page, "archive-day-phone")
    page.get_by_role("link", name=wanted_title).click()
    article_heading = page.locator("h1").inner_text()
    footer_link = page.locator("footer a[href='/archive/']").inner_text()
    return {
        "pages": pages,
        "last_titles": last_titles,
        "heading": heading,
        "months": months,
        "month_heading": month_heading,
        "day_heading": day_heading,
        "article_heading": article_heading,
        "footer_link": footer_link,
        "problems": problems,
        "errors": errors,
    }


def test_a_reader_pages_back_then_finds_an_article_by_its_date(
    chromium, live_server, first_article
):
    column = make_column("城事")
    now = timezone.now()
    for n in range(44):
        make_article(f"稿件{n:02d}", column=column, published_at=now - timedelta(hours=6 * n + 1))
    wanted = make_article("要找的那篇", column=column, published_at=now - timedelta(days=40))
    day = by_date.local_date(wanted.published_at)
    day_path = f"/archive/{day.year:04d}/{day.month:02d}/{day.day:02d}/"

    oldest = Article.objects.published().order_by("published_at", "id").first()

    seen = chromium.run(browse, live_server.url, wanted.title, day_path, device=PHONE)

    assert seen["pages"] == 3  # 46 articles, 20 a page, by 更早的文章
    assert seen["last_titles"][-1] == oldest.title
    assert seen["heading"] == "按日期查看"
    assert f"{day.year}年{day.month}月" in seen["months"]
    assert seen["month_heading"] == f"{day.year}年{day.month}月"
    assert seen["day_heading"].startswith(f"{day.year}年{day.month}月{day.day}日 星期")
    assert seen["article_heading"] == "要找的那篇"
    assert seen["footer_link"].startswith("往期文章")
    assert seen["problems"] == []
    assert seen["errors"] == []

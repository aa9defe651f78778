"""The admin's own pages (import, share-preview links, compare, restore, recover, 首页编排) wear
Django 6's breadcrumb trail and forms, as every other admin page does, in Chromium.

They once wrote an old `<div class="breadcrumbs">` inside Django 6's `<nav>`: unstyled links
on white at the page's edge, and a preview-link page whose buttons had no submit row.
"""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from tests.factories import make_article, make_editor

from .conftest import screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

LOOK = """() => {
  const ol = document.querySelector('nav[aria-label] > ol.breadcrumbs');
  const row = document.querySelector('.submit-row');
  const style = (el) => el && {
    background: getComputedStyle(el).backgroundColor,
    padding: getComputedStyle(el).padding,
    color: getComputedStyle(el).color,
  };
  return {
    crumbs: ol && [...ol.children].map((li) => li.tagName + ' ' + li.textContent.trim()),
    current: ol && ol.querySelector('li[aria-current=page]')?.textContent.trim(),
    old_markup: document.querySelectorAll('div.breadcrumbs').length,
    trail: style(ol),
    submit_row: style(row),
  };
}"""


def look_at_each_page(page, base_url, urls):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    seen = {}
    for name, url in urls.items():
        page.goto(base_url + url)
        seen[name] = page.evaluate(LOOK)
        screenshot(page, f"admin-breadcrumbs-{name}")
    return seen, errors


def test_custom_admin_pages_have_django_breadcrumbs_and_look_like_the_admin(chromium, live_server):
    make_editor("editor")
    article = make_article("两个版本的文章")
    for title in ("第一版标题", "第二版标题"):
        with reversion.create_revision():
            article.title = title
            article.save()
    old, new = Version.objects.get_for_object(article).order_by("pk")
    gone = make_article("删掉的文章")
    with reversion.create_revision():
        gone.save()
    deleted_version = Version.objects.get_for_object(gone).get()
    gone.delete()
    change = reverse("admin:articles_article_change", args=[article.pk])
    urls = {
        # The pages Django draws, to compare with.
        "list": reverse("admin:articles_article_changelist"),
        "change": change,
        # Ours.
        "import": reverse("admin:articles_article_import_print_page"),
        "preview-link": reverse("admin:articles_article_preview_link", args=[article.pk]),
        "compare": reverse("admin:articles_article_compare", args=[article.pk])
        + f"?version={old.pk}&version={new.pk}",
        "restore": reverse("admin:articles_article_revision", args=[article.pk, old.pk]),
        "recover-list": reverse("admin:articles_article_recoverlist"),
        "recover": reverse("admin:articles_article_recover", args=[deleted_version.pk]),
        "front-page": reverse("admin:articles_frontpage_changelist"),
    }

    seen, errors = chromium.run(look_at_each_page, live_server.url, urls)

    expected = {
        "import": ["首页", "稿件", "文章", "从版面文本导入"],
        "preview-link": ["首页", "稿件", "文章", "第二版标题", "分享预览链接"],
        "compare": ["首页", "稿件", "文章", "第二版标题", "历史", "比较"],
        "restore": ["首页", "稿件", "文章", "第一版标题", "历史"],
        "recover-list": ["首页", "稿件", "文章", "恢复已删除的 文章"],
        "recover": ["首页", "稿件", "文章", "恢复已删除的文章"],
        "front-page": ["首页", "稿件", "首页编排"],
    }
    reference = seen["list"]
    for name, crumbs in expected.items():
        look = seen[name]
        assert look["old_markup"] == 0, name
        assert [c.split(" ", 1)[1] for c in look["crumbs"]][: len(crumbs)] == crumbs, name
        assert all(c.startswith("LI ") for c in look["crumbs"]), name
        assert look["current"] == look["crumbs"][-1].split(" ", 1)[1], name
        # Styled as Django's own trail: the same band, the same padding, the same text colour.
        assert look["trail"] == reference["trail"], name
    assert seen["restore"]["current"].startswith("恢复 ")
    # Forms sit in Django's submit row, as on the article's own change page.
    for name in ("import", "preview-link", "restore", "recover", "front-page"):
        assert seen[name]["submit_row"] == seen["change"]["submit_row"], name
    # Not even a missing script (首页编排 once asked for adminsortable2's actions-6.1.js).
    assert errors == []

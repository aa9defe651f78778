"""An editor corrects a line the importer got wrong, in Chromium, then publishes the draft.

The reader takes the sub-heading 夜市里的新面孔 ("…的…", no punctuation) for a photo caption.
The editor sets that line to 小标题 in the preview, previews again, creates the draft, publishes
it, and the reader's page shows it paragraph by paragraph, with nothing retyped.
"""

import pytest

from articles.models import Article
from tests.factories import make_editor

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in, sign_off

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 2400}}
PARAGRAPHS = [
    "入夏以来，拱墅区运河边的夜市重新开张，每晚吸引上万名市民和游客前来。",
    "摊主老周卖了二十年葱包桧，他说今年的客流比往年多了三成。",
    "不少年轻人把文创摊位搬进了夜市，手作饰品、咖啡和非遗糖画最受欢迎。",
    "管理方表示，将延长营业时间到晚上十一点，并增加公共厕所和垃圾桶。",
]
PAGE = "\n\n".join(
    ["城事", "运河边的夜市又热闹起来", "本报记者 方 圆", *PARAGRAPHS[:2], "夜市里的新面孔"]
    + PARAGRAPHS[2:]
)


def correct_create_and_publish(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/import/")
    page.fill("#id_text", PAGE)
    page.get_by_role("button", name="预览").click()
    page.locator("#preview").wait_for()
    line = page.locator("#import-lines tr", has_text="夜市里的新面孔")
    seen = {
        "role_before": line.locator("select[name^=role] option:checked").inner_text(),
        "figures_before": page.locator(".import-figure").count(),
    }
    line.locator("select[name^=role]").select_option(label="小标题")
    page.get_by_role("button", name="重新预览").click()
    page.locator("#preview").wait_for()
    seen["headings_after"] = page.locator(".import-section h4").all_inner_texts()
    seen["figures_after"] = page.locator(".import-figure").count()
    screenshot(page, "admin-import-corrected")
    page.get_by_role("button", name="创建草稿").click()
    page.locator(".messagelist .success").wait_for()

    sign_off(page, "2026-11-01", "08:00:00")
    page.get_by_role("link", name="在站点上查看").click()
    page.wait_for_load_state()
    seen["public"] = {
        "headline": page.locator("h1").inner_text(),
        "byline": page.locator(".article .byline").inner_text(),
        "headings": [h.inner_text().split()[0] for h in page.locator(".article h2").all()],
        "paragraphs": page.locator(".article__section > p").all_inner_texts(),
        "figures": page.locator(".article figure").count(),
    }
    return seen, errors


def test_an_editor_corrects_a_line_role_and_publishes_the_page(chromium, live_server):
    make_editor("editor")
    seen, errors = chromium.run(correct_create_and_publish, live_server.url, device=TALL)

    assert seen["role_before"] == "图片说明" and seen["figures_before"] == 1
    assert seen["headings_after"] == ["导语（无小标题）", "夜市里的新面孔"]
    assert seen["figures_after"] == 0
    public = seen["public"]
    assert public["headline"] == "运河边的夜市又热闹起来"
    assert public["byline"] == "本报记者 方圆"
    assert public["headings"] == ["夜市里的新面孔"]
    assert public["paragraphs"] == PARAGRAPHS
    assert public["figures"] == 0
    article = Article.objects.get()
    assert article.is_public
    assert article.print_source.text.strip() == PAGE.strip()
    assert [s.heading for s in article.sections.all()] == ["", "夜市里的新面孔"]
    assert errors == []

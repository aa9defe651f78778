"""The article list fits a 1280 px screen: no sideways scrolling, of the page or of the table,
with the admin's menu and the filters open, 50 long headlines, long column names, three bylines
each, a scheduled article and a lead photo."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_author, make_column, make_editor, make_figure

from .conftest import DESKTOP, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

LONG_TITLE = (
    "杭州钱塘智慧城聚焦三大赛道向都市高新产业园迈进攀升，城北园区重塑蝶变打造千亿能源高地（第{}篇）"
)

MEASURE = """() => {
  const results = document.querySelector('#changelist .results');
  const title = document.querySelector('#result_list tbody .field-title');
  return {
    page: document.scrollingElement.scrollWidth,
    table: [results.scrollWidth, results.clientWidth],
    title: title.getBoundingClientRect().width,
    rows: document.querySelectorAll('#result_list tbody tr').length,
    columns: Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
      .map((th) => [th.className.split(' ').pop(), Math.round(th.getBoundingClientRect().width)])),
    menu_open: getComputedStyle(document.getElementById('nav-sidebar')).visibility !== 'hidden',
  };
}"""


def measure_the_list(page, base_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + "/admin/articles/article/")
    seen = page.evaluate(MEASURE)
    screenshot(page, "admin-article-list-1280")
    return seen, errors


def test_the_article_list_fits_1280_pixels(chromium, live_server):
    make_editor("editor")
    column = make_column("城市观察与数字经济专题报道特别策划")
    authors = [make_author(name) for name in ("欧阳思远", "司马光明", "诸葛青云")]
    now = timezone.now()
    for n in range(50):
        make_article(
            LONG_TITLE.format(n + 1),
            column=column,
            authors=authors,
            # One scheduled: its state reads 定时发布（date time）.
            published_at=now + timedelta(days=1) if n == 0 else now - timedelta(hours=n + 1),
        )
    with_photo = make_article("有题图的文章", column=column, authors=authors)
    make_figure(with_photo, section=with_photo.sections.get())

    seen, errors = chromium.run(measure_the_list, live_server.url, device=DESKTOP)

    assert seen["rows"] == 51
    assert seen["menu_open"]
    assert seen["page"] <= DESKTOP["viewport"]["width"]
    scroll_width, visible_width = seen["table"]
    assert scroll_width <= visible_width, seen["columns"]
    # The headline gets the widest column.
    assert round(seen["title"]) >= max(seen["columns"].values()), seen["columns"]
    assert errors == []

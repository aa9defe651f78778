"""A headline with a long Latin word or an address must not widen a phone's page (it made
the home, column and article pages 660-970 px wide at 390 px, and the printout clipped)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_column

from .conftest import PHONE, screenshot

pytestmark = pytest.mark.browser
LONG = (
    "Supercalifragilisticexpialidocious国际化人才社区启用 "
    "https://example.com/a/very/long/url/that/keeps/going/and/going/without/any/break"
)


def widths(page, base_url, paths):
    seen = {}
    for path in paths:
        page.goto(base_url + path)
        seen[path] = page.evaluate("document.scrollingElement.scrollWidth")
    screenshot(page, "long-word-phone")
    return seen


def test_a_long_word_in_a_headline_never_widens_the_phone_page(chromium, live_server):
    column = make_column("城事")
    now = timezone.now()
    make_article("钱塘江边的一条短消息", column=column, published_at=now - timedelta(hours=2))
    article = make_article(LONG, column=column, published_at=now - timedelta(hours=1))
    paths = ["/", column.get_absolute_url(), article.get_absolute_url()]
    seen = chromium.run(widths, live_server.url, paths, device=PHONE)
    assert seen == {path: 390 for path in paths}

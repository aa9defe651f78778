"""A reader searches on a phone, in a real Chromium: words, then a column and a date range."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_column

from .conftest import PHONE, screenshot, watch_console

pytestmark = pytest.mark.browser


def search_with_filters(page, base_url, column_name, start, end):
    errors = watch_console(page)
    page.goto(base_url + "/search/")
    page.fill("#search-q", "观潮")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    everything = page.locator(".result .item__title").all_inner_texts()
    page.select_option("#search-column", label=column_name)
    page.fill("#search-start", start)
    page.fill("#search-end", end)
    page.click(".search-form button[type=submit]")
    page.wait_for_url("**column=*")
    screenshot(page, "search-filtered-phone")
    return {
        "everything": everything,
        "filtered": page.locator(".result .item__title").all_inner_texts(),
        "marks": page.locator(".result mark").all_inner_texts(),
        "count": page.locator(".search-count").inner_text(),
        "kept": [page.input_value(f"#search-{n}") for n in ("q", "start", "end")],
        "wider_than_screen": page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ),
        "errors": errors,
    }


def test_a_reader_narrows_a_search_by_column_and_dates(chromium, live_server):
    city, sport = make_column("城市", slug="city"), make_column("体育", slug="sport")
    now = timezone.now()
    make_article("城市观潮新去处", column=city, published_at=now - timedelta(days=3))
    make_article("体育场边观潮", column=sport, published_at=now - timedelta(days=3))
    make_article("去年的城市观潮", column=city, published_at=now - timedelta(days=400))
    day = timezone.localdate(now - timedelta(days=3))
    start, end = (day - timedelta(days=1)).isoformat(), (day + timedelta(days=1)).isoformat()

    seen = chromium.run(search_with_filters, live_server.url, "城市", start, end, device=PHONE)

    assert sorted(seen["everything"]) == sorted(
        ["城市观潮新去处", "体育场边观潮", "去年的城市观潮"]
    )
    assert seen["filtered"] == ["城市观潮新去处"]
    assert set(seen["marks"]) == {"观潮"}
    assert "栏目：城市" in seen["count"] and f"{start} 至 {end}" in seen["count"]
    assert seen["kept"] == ["观潮", start, end]
    assert not seen["wider_than_screen"]
    assert seen["errors"] == []

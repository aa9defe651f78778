"""A reader opens the first article on a phone and on a laptop, in a real Chromium."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from articles.models import Figure, Section

from .conftest import DESKTOP, PHONE, screenshot, watch_console

pytestmark = pytest.mark.browser

SCREENS = {"phone": PHONE, "desktop": DESKTOP}

# Measured in the page: what a reader could see or scroll to.
LAYOUT = """() => ({
    pageWidth: document.documentElement.scrollWidth,
    screenWidth: document.documentElement.clientWidth,
})"""
INSIDE_SCREEN = """(el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= 0
        && box.right <= document.documentElement.clientWidth;
}"""
ON_SCREEN = """(el) => {
    const box = el.getBoundingClientRect();
    // A heading scrolled to the top edge sits a fraction of a pixel either side of it.
    return box.top > -1 && box.bottom <= window.innerHeight;
}"""


def read_article(page, url, name):
    errors = watch_console(page)
    page.goto(url)
    layout = page.evaluate(LAYOUT)
    seen = {
        "headline": page.locator("h1").inner_text(),
        "byline": page.locator(".byline").inner_text(),
        "inside_screen": {},
    }
    for selector in ["h1", ".byline", ".article h2", "figcaption", ".figure__pending"]:
        for element in page.locator(selector).all():
            element.scroll_into_view_if_needed()
            seen["inside_screen"][element.inner_text()] = element.is_visible() and element.evaluate(
                INSIDE_SCREEN
            )
    images = page.locator("figure img").count()
    pending = page.locator(".figure__pending").all_inner_texts()
    screenshot(page, f"article-{name}")
    toc = {}
    for link in page.locator(".toc a").all():
        target = link.get_attribute("href")
        link.click()
        # Scrolling may be smooth: wait (within the timeout) for the heading to arrive.
        arrived = True
        try:
            page.wait_for_function(f"({ON_SCREEN})(document.querySelector('{target}'))")
        except PlaywrightTimeout:
            arrived = False
        toc[link.inner_text()] = arrived and page.evaluate("location.hash") == target
    return {
        "layout": layout,
        "seen": seen,
        "images": images,
        "pending": pending,
        "toc": toc,
        "errors": errors,
    }


@pytest.mark.parametrize("screen", SCREENS)
def test_first_article_reads_well_on_a_phone_and_a_laptop(
    chromium, live_server, first_article, screen
):
    headings = list(Section.objects.exclude(heading="").values_list("heading", flat=True))
    captions = list(Figure.objects.values_list("caption", flat=True))
    url = live_server.url + first_article.get_absolute_url()

    result = chromium.run(read_article, url, screen, device=SCREENS[screen])

    layout = result["layout"]
    assert layout["pageWidth"] <= layout["screenWidth"], "the page scrolls sideways"
    seen = result["seen"]
    assert seen["headline"] == first_article.title
    assert seen["byline"].split() == [a.name for a in first_article.ordered_authors]
    texts = list(seen["inside_screen"])
    for heading in headings:
        assert any(text.startswith(heading) for text in texts), heading
    for caption in captions:
        assert any(text.startswith(caption) for text in texts), caption
    cut_off = [text for text, ok in seen["inside_screen"].items() if not ok]
    assert cut_off == [], "hidden or cut off by the screen edge"
    # The page's photos are still stand-ins: each shows as a plain box over its caption, on
    # screen, never as a fake photo. (test_photos.py checks real photos' renditions.)
    assert len(captions) == 6
    assert result["pending"] == ["图片待补"] * 6
    assert result["images"] == 0
    assert result["toc"] == dict.fromkeys(headings, True), "a contents link that does not lead"
    assert result["errors"] == []

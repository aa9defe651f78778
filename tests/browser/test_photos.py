"""Chromium itself picks the rendition: a phone never downloads more than the 1200 one."""

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

SCREENS = {
    "phone-390-at-3x": (PHONE, "webp-1200"),
    "laptop-at-1x": (DESKTOP, "webp-800"),
    "laptop-at-2x": ({**DESKTOP, "device_scale_factor": 2}, "webp-1600"),
}


def first_picture(page, url):
    page.goto(url)
    img = page.locator("article figure img").first
    img.evaluate("(img) => img.decode()")
    return img.evaluate(
        "(img) => ({src: img.currentSrc, fetchpriority: img.getAttribute('fetchpriority')})"
    )


@pytest.mark.parametrize("screen", SCREENS)
def test_browser_downloads_the_rendition_that_fits_the_screen(
    chromium, live_server, first_article, screen
):
    device, spec = SCREENS[screen]
    seen = chromium.run(
        first_picture, live_server.url + first_article.get_absolute_url(), device=device
    )
    assert f"-{spec}-" in seen["src"] and seen["src"].endswith(".webp")
    assert "/originals/" not in seen["src"]
    assert seen["fetchpriority"] == "high"

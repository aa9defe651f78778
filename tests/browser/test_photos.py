"""Chromium itself picks the rendition: a phone never downloads more than the 1200 one."""

import re

import pytest

from articles.models import Figure
from tests.factories import jpeg_upload, make_article

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


@pytest.fixture
def photo_article(live_server):
    """An article with a photo wide enough for every rendition (2400 pixels)."""
    article = make_article("江边的早晨")
    figure = Figure(article=article, section=article.sections.get(), caption="江边", position=1)
    figure.image.save("river.jpg", jpeg_upload(width=2400, height=1600), save=False)
    figure.save()
    return article


@pytest.mark.parametrize("screen", SCREENS)
def test_browser_downloads_the_rendition_that_fits_the_screen(
    chromium, live_server, photo_article, screen
):
    device, spec = SCREENS[screen]
    seen = chromium.run(
        first_picture, live_server.url + photo_article.get_absolute_url(), device=device
    )
    assert re.search(rf"/{spec}-[0-9a-f]+\.webp$", seen["src"]), seen["src"]
    assert "/originals/" not in seen["src"]
    assert seen["fetchpriority"] == "high"

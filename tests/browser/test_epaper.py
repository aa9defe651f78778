"""The digital edition in Chromium: a reader on a phone and a laptop; an editor drawing regions."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile

from epaper.ingest import Upload, load_edition
from epaper.models import Region
from tests.epaper.build import DAY, STORIES, header, picture, text_pdf
from tests.factories import make_article, make_staff

from .conftest import DESKTOP, PHONE, screenshot, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

SCREENS = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING = {"serious", "critical"}


def realistic_edition():
    """Page A01 rendered from a PDF full of text (what a reader's phone really loads), A02 a
    picture; three stories on A01: two published, one still a draft."""
    pdf, truth = text_pdf(head=header("A01", "要闻"))
    uploads = [
        Upload(SimpleUploadedFile("A01-要闻.pdf", pdf), "A01-要闻.pdf"),
        Upload(SimpleUploadedFile("A02-城市.png", picture("PNG")), "A02-城市.png"),
    ]
    edition = load_edition("杭州日报", DAY, uploads, public=True)
    page = edition.pages.get(code="A01")
    stories = [
        make_article(STORIES[0].title),
        make_article(STORIES[1].title),
        make_article(STORIES[2].title, published=False),
    ]
    for story, (x0, y0, x1, y1) in truth:
        Region.objects.create(
            page=page,
            article=stories[story],
            position=story + 1,
            x=x0,
            y=y0,
            width=x1 - x0,
            height=y1 - y0,
        )
    return edition, page, stories


def read_page(page, base_url, url, name):
    errors = watch_console(page)
    page.goto(base_url + url)
    page.locator(".ep-page img").evaluate("img => img.decode()")
    layout = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    screenshot(page, f"epaper-page-{name}")
    # Bytes on the wire for this first view, before any scrolling (as bench/pages.py counts).
    weight = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType("navigation")[0];
            const rest = performance.getEntriesByType("resource");
            return [nav, ...rest].map(e => ({name: e.name, bytes: e.transferSize || e.encodedBodySize}));
        }"""
    )
    # The keyboard reaches every story on the page picture, each named by its title.
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const inPicture = !!el.closest('svg.ep-regions');
                const box = inPicture ? el.getBoundingClientRect() : null;
                const outline = inPicture
                    ? getComputedStyle(el.querySelector('rect')).strokeWidth : null;
                return {label: el.getAttribute('aria-label'), inPicture, outline,
                        visible: !!box && box.width > 0 && box.height > 0};
            }"""
        )
        if focused["inPicture"]:
            reached.append(focused)
    violations = [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]
    # A click on a story's region leads to the article.
    region = page.locator("svg.ep-regions a").first
    region.scroll_into_view_if_needed()
    box = region.locator("rect").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/articles/**")
    landed = {"url": page.url, "h1": page.locator("h1").inner_text()}
    page.go_back()
    page.goto(base_url + url.rsplit("/", 2)[0] + "/")
    violations += [
        f"edition: {v['id']} ({v['impact']})"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]
    return {
        "layout": layout,
        "weight": weight,
        "reached": reached,
        "violations": violations,
        "landed": landed,
        "errors": errors,
    }


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_opens_a_page_reaches_every_story_by_keyboard_and_clicks_one(
    chromium, live_server, screen
):
    edition, page, stories = realistic_edition()

    result = chromium.run(
        read_page, live_server.url, page.get_absolute_url(), screen, device=SCREENS[screen]
    )

    width, screen_width = result["layout"]
    assert width <= screen_width, "the page scrolls sideways"
    labels = [r["label"] for r in result["reached"]]
    # Tab goes round the page, so each region may be met more than once: every one is met.
    assert set(labels) == {stories[0].title, stories[1].title}
    assert stories[2].title not in " ".join(filter(None, labels))
    assert all(r["visible"] and r["outline"] == "4px" for r in result["reached"]), result["reached"]
    assert result["landed"]["h1"] == stories[0].title
    assert result["landed"]["url"].endswith(stories[0].get_absolute_url())
    assert result["violations"] == []
    assert result["errors"] == []
    if screen == "phone":
        total = sum(entry["bytes"] for entry in result["weight"])
        assert total < 300 * 1024, result["weight"]


def draw_a_region(page, base_url, url, title):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + url)
    picture = page.locator(".region-editor img")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=10)
    page.mouse.up()
    numbers = [
        page.locator(f"#id_regions-0-{n}").input_value() for n in ("x", "y", "width", "height")
    ]
    drawn = page.locator(".region-editor__box").count()
    # Choose the story in the row the drawing filled (Django's autocomplete, Select2).
    page.locator("#regions-0 .select2-selection").click()
    page.locator(".select2-search__field").fill(title[:4])
    page.locator(".select2-results__option", has_text=title).click()
    screenshot(page, "epaper-admin-region")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    return {"numbers": numbers, "drawn": drawn, "errors": errors}


def test_an_editor_draws_a_region_with_the_mouse_and_links_it_to_a_story(chromium, live_server):
    make_staff("editor", superuser=True)
    uploads = [Upload(SimpleUploadedFile("A01.png", picture("PNG")), "A01.png")]
    page = load_edition("杭州日报", DAY, uploads).pages.get()
    story = make_article("钱塘江边新开一座图书馆")

    result = chromium.run(
        draw_a_region,
        live_server.url,
        f"/admin/epaper/page/{page.pk}/change/",
        story.title,
        device={**DESKTOP, "viewport": {"width": 1280, "height": 1600}},
    )

    assert result["drawn"] == 1
    assert [round(float(n), 2) for n in result["numbers"]] == [0.1, 0.2, 0.5, 0.3]
    region = Region.objects.get()
    assert region.article == story and region.status == Region.Status.CONFIRMED
    assert (round(region.x, 2), round(region.y, 2), round(region.width, 2)) == (0.1, 0.2, 0.5)
    assert result["errors"] == []

"""Every sortable inline (sections, figures, bylines) reorders in Chromium, by drag and by arrows.

An editor changes the order, saves, and the new order is what the database holds, what the
change page shows after a reload, and what a reader sees on the public page. Figures once
looked reordered and saved "successfully" while the old order came back: a test that only
dragged sections did not notice.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_author, make_editor, make_figure

from .conftest import DESKTOP, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

# Every row of the three inlines on screen at once, so a drag needs no scrolling.
VERY_TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 7000}}
SECTIONS = ["城北园区", "城南园区", "江东园区"]
FIGURES = ["图一", "图二", "图三"]
AUTHORS = ["张一", "李二", "王三"]


@pytest.fixture
def article(live_server):
    article = make_article(
        "三个园区",
        authors=[make_author(name) for name in AUTHORS],
        sections=[(heading, f"{heading}的第一段。\n\n{heading}的第二段。") for heading in SECTIONS],
    )
    first = article.sections.get(position=1)
    for caption in FIGURES:
        make_figure(article, caption=caption, section=first, after_paragraph=1)
    return article


def stored_order(article):
    article = Article.objects.get(pk=article.pk)
    return {
        "sections": [s.heading for s in article.sections.order_by("position")],
        "figures": [f.caption for f in article.figures.order_by("position")],
        "bylines": [b.author.name for b in article.bylines.order_by("position")],
    }


def order_on_change_page(page):
    """The rows' labels in the order the change page lists them."""

    def rows(prefix, field):
        # Not the hidden template row Django keeps for "add another" (__prefix__).
        return page.locator(f"[id^=id_{prefix}-][id$=-{field}]:not([id*=__prefix__])").all()

    return {
        "sections": [el.input_value() for el in rows("sections", "heading")],
        "figures": [el.input_value() for el in rows("figures", "caption")],
        "bylines": [el.locator("option:checked").inner_text() for el in rows("bylines", "author")],
    }


def order_on_public_page(page, url):
    page.goto(url)
    return {
        "sections": [h.inner_text().split()[0] for h in page.locator(".article h2").all()],
        "figures": [c.inner_text() for c in page.locator("figcaption").all()],
        "bylines": page.locator(".byline a").all_inner_texts(),
    }


def reorder_and_save(page, base_url, change_url, public_url, how):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + change_url)
    # The sortable script starts on the window's load event (after the thumbnails).
    page.wait_for_load_state("load")
    how(page)
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    page.goto(base_url + change_url)
    seen = {"admin": order_on_change_page(page)}
    seen["public"] = order_on_public_page(page, base_url + public_url)
    return seen, errors


def drag(page, source, target):
    """Drag a row's handle onto the top edge of another's, as a hand does, pausing over it.

    Sortable animates rows out of the way (150 ms); on a busy machine a release made before
    the animation ends drops the row one place short, so the hand waits as a person would.
    """
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=25)
    page.wait_for_timeout(300)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 2, steps=5)
    page.wait_for_timeout(300)
    page.mouse.up()
    page.wait_for_timeout(200)


def by_dragging(page):
    # The last row of each inline is dragged above the first: the handles are the stacked
    # rows' title bars and the tabular rows' first cell.
    drag(page, page.locator("#sections-2 h3"), page.locator("#sections-0 h3"))
    drag(page, page.locator("#figures-2 h3"), page.locator("#figures-0 h3"))
    drag(page, page.locator("#bylines-2 td.original p"), page.locator("#bylines-0 td.original p"))
    for prefix in ("sections", "figures", "bylines"):
        expect(page.locator(f"#id_{prefix}-2-position")).to_have_value("1")


def by_arrows(page):
    # ▲ sends a row to the top, ▼ to the bottom.
    page.locator("#sections-0 .sort i.move-end").click()
    page.locator("#figures-2 .sort i.move-begin").click()
    page.locator("#bylines-0 .sort i.move-end").click()
    expect(page.locator("#id_sections-0-position")).to_have_value("3")
    expect(page.locator("#id_figures-2-position")).to_have_value("1")
    expect(page.locator("#id_bylines-0-position")).to_have_value("3")


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        (
            by_dragging,
            {
                "sections": ["江东园区", "城北园区", "城南园区"],
                "figures": ["图三", "图一", "图二"],
                "bylines": ["王三", "张一", "李二"],
            },
        ),
        (
            by_arrows,
            {
                "sections": ["城南园区", "江东园区", "城北园区"],
                "figures": ["图三", "图一", "图二"],
                "bylines": ["李二", "王三", "张一"],
            },
        ),
    ],
    ids=["drag", "arrows"],
)
def test_every_inline_reorders_and_the_order_is_stored_and_shown(
    chromium, live_server, article, how, expected
):
    make_editor("editor")
    change_url = f"/admin/articles/article/{article.pk}/change/"
    seen, errors = chromium.run(
        reorder_and_save,
        live_server.url,
        change_url,
        article.get_absolute_url(),
        how,
        device=VERY_TALL,
    )

    assert stored_order(article) == expected
    assert seen["admin"] == expected
    assert seen["public"] == expected
    assert errors == []

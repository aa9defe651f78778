"""The ▲ ▼ arrows of sections, figures and bylines say what they do (移到最前, 移到最后), do it
at once on the page, by mouse or keyboard, and the saved order is the order shown."""

import pytest

from articles.models import Article
from tests.factories import make_article, make_author, make_editor, make_figure

from .conftest import DESKTOP, watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

TALL = {**DESKTOP, "viewport": {"width": 1280, "height": 6000}}
LABELS = ["移到最前", "移到最后"]


@pytest.fixture
def article(live_server):
    article = make_article(
        "三个园区",
        published=False,
        authors=[make_author(name) for name in ("张一", "李二", "王三")],
        sections=[(h, f"{h}的正文。") for h in ("城北园区", "城南园区", "江东园区")],
    )
    first = article.sections.get(position=1)
    for caption in ("图一", "图二", "图三"):
        make_figure(article, caption=caption, section=first)
    return article


def shown_order(page):
    """Each inline's saved rows as the page shows them, top to bottom."""
    return {
        "sections": page.locator(".inline-related.has_original [name$=-heading]").evaluate_all(
            "els => els.filter(el => el.name.startsWith('sections-')).map(el => el.value)"
        ),
        "figures": page.locator(".inline-related.has_original [name$=-caption]").evaluate_all(
            "els => els.map(el => el.value)"
        ),
        "bylines": page.locator(
            "tr.has_original select[name$=-author] option:checked"
        ).all_inner_texts(),
    }


def press_the_arrows(page, base_url, change_url):
    errors = watch_console(page)
    log_in(page, base_url, "editor")
    page.goto(base_url + change_url)
    page.wait_for_load_state("load")  # the sortable script starts on load

    def arrow(row, label):
        return page.locator(f"#{row}").get_by_role("button", name=label, exact=True)

    seen = {
        "titles": {
            row: [arrow(row, label).get_attribute("title") for label in LABELS]
            for row in ("sections-0", "figures-0", "bylines-0")
        },
        "reachable_by_tab": arrow("sections-1", "移到最前").evaluate("el => el.tabIndex"),
    }
    arrow("sections-0", "移到最后").click()
    seen["after_sections"] = shown_order(page)["sections"]
    arrow("figures-2", "移到最前").focus()
    page.keyboard.press("Enter")
    seen["after_figures"] = shown_order(page)["figures"]
    arrow("bylines-1", "移到最前").focus()
    page.keyboard.press(" ")
    seen["after_bylines"] = shown_order(page)["bylines"]
    seen["focus_kept"] = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    seen["after_reload"] = shown_order(page)
    return seen, errors


def test_arrows_say_what_they_do_and_the_saved_order_follows(chromium, live_server, article):
    make_editor("editor")

    seen, errors = chromium.run(
        press_the_arrows,
        live_server.url,
        f"/admin/articles/article/{article.pk}/change/",
        device=TALL,
    )

    assert seen["titles"] == {row: LABELS for row in ("sections-0", "figures-0", "bylines-0")}
    assert seen["reachable_by_tab"] == 0
    # Each row went where its arrow said, at once.
    assert seen["after_sections"] == ["城南园区", "江东园区", "城北园区"]
    assert seen["after_figures"] == ["图三", "图一", "图二"]
    assert seen["after_bylines"] == ["李二", "张一", "王三"]
    assert seen["focus_kept"] == "移到最前"
    expected = {
        "sections": ["城南园区", "江东园区", "城北园区"],
        "figures": ["图三", "图一", "图二"],
        "bylines": ["李二", "张一", "王三"],
    }
    assert seen["after_reload"] == expected
    article = Article.objects.get(pk=article.pk)
    assert [s.heading for s in article.sections.order_by("position")] == expected["sections"]
    assert [f.caption for f in article.figures.order_by("position")] == expected["figures"]
    assert [b.author.name for b in article.bylines.order_by("position")] == expected["bylines"]
    assert errors == []

"""axe-core finds no serious or critical accessibility problem on any public page.

axe-core comes inside the axe-playwright-python package, so nothing is fetched at test time.
"""

from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..factories import make_article, make_column
from .conftest import DESKTOP, PHONE, watch_console

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def public_pages(article):
    """name -> (path, the status it answers with, a text the page must show)."""
    return {
        "home": ("/", 200, article.title),
        "article": (article.get_absolute_url(), 200, article.title),
        "column": (article.column.get_absolute_url(), 200, article.title),
        "author": (article.ordered_authors[0].get_absolute_url(), 200, article.title),
        "search": ("/search/?q=" + quote("数字时尚"), 200, article.title),
        "search-nothing-found": ("/search/?q=" + quote("没有这样的词"), 200, None),
        "feeds": ("/feeds/", 200, "RSS 订阅地址"),
        "404": ("/articles/999999/no-such-article/", 404, None),
    }


def blocking_violations(page, base_url, pages):
    """Every serious or critical violation, as 'page: rule (impact) at selector' lines."""
    axe = Axe()
    errors = watch_console(page)
    found = []
    for name, (path, status, text) in pages.items():
        response = page.goto(base_url + path)
        assert response.status == status, f"{name}: HTTP {response.status}"
        if text:
            # The page shows what it is for, so axe checks real content, not an empty list.
            assert text in page.locator("main").inner_text(), f"{name}: no {text}"
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                for node in violation["nodes"]:
                    found.append(
                        f"{name}: {violation['id']} ({violation['impact']}) at "
                        f"{' '.join(map(str, node['target']))}: {node['failureSummary']}"
                    )
    # The browser reports the 404 page's own status as a console error; any other is a fault.
    not_found = base_url + pages["404"][0]
    unexpected = [e for e in errors if not e.endswith(f"({not_found})")]
    return found, unexpected


@pytest.mark.parametrize(
    ("device", "scheme"),
    [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "dark")],
    ids=["desktop-light", "desktop-dark", "phone-dark"],
)
def test_public_pages_have_no_serious_accessibility_violations(
    chromium, live_server, first_article, device, scheme
):
    # The article's end as readers meet it: 上一篇, 更多报道 from another column.
    earlier = first_article.published_at.replace(year=first_article.published_at.year - 1)
    make_article("同栏目的上一篇", column=first_article.column, published_at=earlier)
    make_article("别的栏目", column=make_column("经济观察"))
    pages = public_pages(first_article)

    found, console_errors = chromium.run(
        blocking_violations, live_server.url, pages, device=device, color_scheme=scheme
    )

    assert not found, "\n".join(found)
    assert console_errors == []

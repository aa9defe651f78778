"""axe-core finds no serious or critical accessibility problem on any public page.

axe-core comes inside the axe-playwright-python package, so nothing is fetched at test time.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PHONE, watch_console

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def public_pages(article):
    column = article.column
    author = article.ordered_authors[0]
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "column": column.get_absolute_url(),
        "author": author.get_absolute_url(),
        "404": "/articles/999999/no-such-article/",
    }


def blocking_violations(page, base_url, pages):
    """Every serious or critical violation, as 'page: rule (impact) at selector' lines."""
    axe = Axe()
    errors = watch_console(page)
    found = []
    for name, path in pages.items():
        response = page.goto(base_url + path)
        expected_status = 404 if name == "404" else 200
        assert response.status == expected_status, f"{name}: HTTP {response.status}"
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                for node in violation["nodes"]:
                    found.append(
                        f"{name}: {violation['id']} ({violation['impact']}) at "
                        f"{' '.join(map(str, node['target']))}: {node['failureSummary']}"
                    )
    # The 404 page's own status line is the one console error a reader's browser shows there.
    unexpected = [e for e in errors if "404" not in e]
    return found, unexpected


@pytest.mark.parametrize(
    ("device", "scheme"),
    [(DESKTOP, "light"), (PHONE, "dark")],
    ids=["desktop-light", "phone-dark"],
)
def test_public_pages_have_no_serious_accessibility_violations(
    chromium, live_server, first_article, device, scheme
):
    pages = public_pages(first_article)

    found, console_errors = chromium.run(
        blocking_violations, live_server.url, pages, device=device, color_scheme=scheme
    )

    assert not found, "\n".join(found)
    assert console_errors == []

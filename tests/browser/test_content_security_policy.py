"""The Content-Security-Policy (no inline script) leaves the admin and the pages working."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import watch_console

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-only"

# Every violation the browser reports, kept on the window so the test can read them.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def visit_admin_and_site(page, base_url, article_path):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = watch_console(page)
    seen = {}
    page.goto(base_url + reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + reverse("admin:index"))
    page.goto(base_url + reverse("admin:articles_article_changelist"))
    seen["changelist"] = page.evaluate("window.__violations")
    page.goto(base_url + reverse("admin:articles_article_add"))
    # Admin scripts at work: the inline "add another" button exists only when its JS ran.
    page.get_by_role("button", name="添加另一个 小节").click()
    seen["inline_added"] = page.locator("#id_sections-0-heading").is_visible()
    seen["add_form"] = page.evaluate("window.__violations")
    page.goto(base_url + article_path)
    seen["article"] = page.evaluate("window.__violations")
    return seen, errors


def test_admin_and_article_pages_run_without_a_single_csp_violation(
    chromium, live_server, first_article
):
    get_user_model().objects.create_superuser("chief", "chief@example.com", PASSWORD)
    seen, errors = chromium.run(
        visit_admin_and_site, live_server.url, first_article.get_absolute_url()
    )
    assert seen["inline_added"] is True
    assert seen["changelist"] == seen["add_form"] == seen["article"] == []
    assert [e for e in errors if "Content Security Policy" in e] == []

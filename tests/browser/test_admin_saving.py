"""While an article is being saved, its buttons are disabled and a note says so; the button
pressed (交给编辑审稿) still does what it says.

A save with photos takes seconds, and a second press sent the form again. Chromium answers no
DevTools call while a form's answer is awaited, so the page notes its own state just after
the press (an init script, run by the browser, not by the page) and the test reads it on the
next page.
"""

import pytest

from articles.models import Article
from tests.factories import jpeg_bytes, make_reporter

from .conftest import watch_console
from .test_editor import log_in

pytestmark = pytest.mark.browser

NOTE = "正在保存，照片处理需要几秒钟…"

# After every other submit handler (a timeout), what the form shows while its answer is awaited.
NOTE_THE_STATE = """
document.addEventListener('submit', (event) => setTimeout(() => {
  const form = event.target;
  if (form.id !== 'article_form') return;
  const seen = JSON.parse(sessionStorage.getItem('while-saving') || '[]');
  seen.push({
    sent: !event.defaultPrevented,
    buttons: [...form.elements].filter((el) => el.matches('button, input[type=submit]'))
      .map((el) => [el.name + '=' + el.value, el.disabled]),
    notes: [...document.querySelectorAll('.saving-note')]
      .filter((note) => note.offsetParent !== null).map((note) => note.textContent),
    status: document.querySelector('.saving-note[role=status]')?.textContent,
    carried: [...form.querySelectorAll('input[type=hidden].saving-pressed')]
      .map((el) => el.name + '=' + el.value),
  });
  sessionStorage.setItem('while-saving', JSON.stringify(seen));
}, 0));
"""


def hand_in_with_a_photo(page, base_url, photo):
    errors = watch_console(page)
    page.add_init_script(NOTE_THE_STATE)
    log_in(page, base_url, "reporter")
    page.goto(base_url + "/admin/articles/article/add/")
    page.fill("#id_title", "江边的早晨")
    page.fill("#id_sections-0-body", "一段正文。")
    page.get_by_role("button", name="添加另一个 图片").click()
    page.set_input_files(
        "#id_figures-0-image", {"name": "river.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    page.fill("#id_figures-0-caption", "江边")
    seen = {
        "notes_before": page.locator(".saving-note:visible").count(),
        "disabled_before": page.locator("#article_form input[type=submit]:disabled").count(),
    }
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # Impatient: a double click, as people press a button that seems to do nothing.
    page.get_by_role("button", name="交给编辑审稿").dblclick()
    page.locator(".messagelist .success").first.wait_for()
    seen["while_saving"] = page.evaluate("JSON.parse(sessionStorage.getItem('while-saving'))")
    seen["message"] = page.locator(".messagelist .success").first.inner_text()
    seen["posts"] = len(posts)
    return seen, errors


def test_buttons_wait_while_saving_and_the_pressed_one_still_hands_in(chromium, live_server):
    make_reporter("reporter")

    seen, errors = chromium.run(
        hand_in_with_a_photo, live_server.url, jpeg_bytes(width=1600, height=1000)
    )

    assert seen["notes_before"] == 0
    assert seen["disabled_before"] == 0
    # One submission: the second click met a disabled button.
    assert seen["posts"] == 1
    [while_saving] = seen["while_saving"]
    assert while_saving["sent"]
    # Every button of the form, top and bottom rows and the desk's moves, waits.
    assert len(while_saving["buttons"]) >= 5
    assert all(disabled for _, disabled in while_saving["buttons"]), while_saving["buttons"]
    assert while_saving["notes"] == [NOTE, NOTE]  # beside the top and the bottom buttons
    assert while_saving["status"] == NOTE
    # The pressed button goes with the form, though disabled.
    assert while_saving["carried"] == ["_transition=submit"]
    assert "已交稿" in seen["message"]

    article = Article.objects.get()
    assert article.status == Article.Status.SUBMITTED
    assert [t.action for t in article.transitions.all()] == ["submit"]
    figure = article.figures.get()
    assert figure.caption == "江边"
    assert figure.renditions.filter(spec__startswith="webp-").exists()
    assert errors == []


def keep_editing(page, base_url):
    log_in(page, base_url, "reporter")
    page.goto(base_url + "/admin/articles/article/add/")
    page.fill("#id_title", "接着写")
    page.click("input[name=_continue]")  # 保存并继续编辑: the same page comes back
    page.locator(".messagelist .success").wait_for()
    return {
        "url": page.url,
        "disabled": page.locator("#article_form input[type=submit]:disabled").count(),
        "notes": page.locator(".saving-note:visible").count(),
    }


def test_save_and_continue_still_continues(chromium, live_server):
    make_reporter("reporter")

    seen = chromium.run(keep_editing, live_server.url)

    article = Article.objects.get()
    assert seen["url"].endswith(f"/admin/articles/article/{article.pk}/change/")
    assert seen["disabled"] == 0
    assert seen["notes"] == 0

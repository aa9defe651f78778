"""Two editors save the same article at the same instant, against a real threaded server.

On PostgreSQL (READ COMMITTED) both saves once read the article's old updated_at, both
passed the edit-token check and both were told 成功修改, while the second silently undid the
first. Now the save locks the article's row first: exactly one save wins, and the other gets
the conflict page with what its editor typed still in the form.
"""

import http.client
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from articles.models import Article

from .admin_forms import form_fields
from .factories import make_article, make_editor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite, the embedded default, lets one writer in at a time (transaction_mode IMMEDIATE),
    # so the race cannot happen there; and Django's shared in-memory test database refuses a
    # second writer outright ("table is locked") instead of making it wait as a file does.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a race of row locks: runs in the PostgreSQL pass of make test",
    ),
]

ROUNDS = 5


class Editor:
    """One editor's browser: a logged-in session talking HTTP to the live server."""

    def __init__(self, server_url, user):
        client = Client()
        client.force_login(user)
        self.cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        }
        self.host, self.port = urlsplit(server_url).hostname, urlsplit(server_url).port

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, content

    def open_form(self, path):
        status, content = self.request("GET", path)
        assert status == 200
        return form_fields(content)


def save_at_once(posts):
    """Send every (editor, path, data) POST at the same instant; their (status, body)."""
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def send(i, editor, path, data):
        body = urlencode(data, doseq=True)
        barrier.wait()
        results[i] = editor.request("POST", path, body)

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_simultaneous_saves_one_wins_and_the_other_gets_the_conflict_page(live_server):
    article = make_article("同一篇稿子", kicker="原来的引题", summary="原来的摘要。")
    path = f"/admin/articles/article/{article.pk}/change/"
    kicker_editor = Editor(live_server.url, make_editor("kicker-editor"))
    summary_editor = Editor(live_server.url, make_editor("summary-editor"))

    for round_ in range(ROUNDS):
        kicker = f"新的引题{round_}"
        summary = f"新的摘要{round_}。"
        kicker_form = kicker_editor.open_form(path)
        summary_form = summary_editor.open_form(path)
        kicker_form["kicker"] = kicker
        summary_form["summary"] = summary

        (kicker_status, kicker_page), (summary_status, summary_page) = save_at_once(
            [(kicker_editor, path, kicker_form), (summary_editor, path, summary_form)]
        )

        assert sorted([kicker_status, summary_status]) == [200, 302], f"round {round_}"
        stored = Article.objects.get(pk=article.pk)
        if kicker_status == 302:
            winner, loser_page, typed = ("kicker", kicker), summary_page, ("summary", summary)
        else:
            winner, loser_page, typed = ("summary", summary), kicker_page, ("kicker", kicker)
        # The winner's change is stored; the loser's is not, and the loser is told so.
        assert getattr(stored, winner[0]) == winner[1]
        assert getattr(stored, typed[0]) != typed[1]
        page = BeautifulSoup(loser_page, "html.parser")
        assert "没有保存" in page.select_one(".errornote, .errorlist").get_text() or (
            "没有保存" in page.get_text()
        )
        kept = page.select_one(f"[name={typed[0]}]")
        value = kept.get_text() if kept.name == "textarea" else kept["value"]
        assert value.strip() == typed[1]


def test_saving_one_article_does_not_wait_for_a_save_of_another(live_server):
    """Every save used to lock the one SiteChange row until its transaction ended (photos
    rendered included), so editors of different articles waited for each other."""
    from django.db import connection, transaction

    first, second = make_article("甲稿"), make_article("乙稿")
    saved, finish = threading.Event(), threading.Event()
    errors = []

    def slow_save():
        try:
            with transaction.atomic():
                first.title = "甲稿改"
                first.save()
                saved.set()
                finish.wait(20)  # an editor's save still rendering photos
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_save)
    thread.start()
    try:
        assert saved.wait(20)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            second.title = "乙稿改"
            second.save()  # before: LockNotAvailable after 2 s, behind the first save
    finally:
        finish.set()
        thread.join(30)
    assert errors == []
    assert {a.title for a in Article.objects.all()} == {"甲稿改", "乙稿改"}

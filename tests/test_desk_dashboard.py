"""编辑部工作台: the admin's front page lists what needs the person now, in a fixed number of
queries however large the archive."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow

from .factories import (
    make_article,
    make_author,
    make_correction,
    make_editor,
    make_figure,
    make_reporter,
)

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")


def desk(client):
    page = BeautifulSoup(client.get(INDEX).content, "html.parser")
    lists = {}
    for section in page.select("section.desk-list"):
        key = section["id"].removeprefix("desk-")
        lists[key] = [li.get_text(" ", strip=True) for li in section.select("li")]
    return page, lists


def handed_in(reporter, title, note=""):
    article = make_article(title, published=False, authors=[make_author(f"作者{title}")])
    article.created_by = reporter
    article.save()
    workflow.apply(article, "submit", reporter, note=note)
    return article


def test_an_editor_sees_what_waits_oldest_first_with_who_and_when(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now - timedelta(hours=2), tick=False)
    reporter = make_reporter()
    handed_in(reporter, "先交的稿", note="请先看这篇")
    time_machine.move_to(now, tick=False)
    handed_in(reporter, "后交的稿")
    client.force_login(make_editor())
    page, lists = desk(client)
    assert [item.split(" ")[0] for item in lists["submitted"]] == ["先交的稿", "后交的稿"]
    assert "reporter 交稿于" in lists["submitted"][0] and "请先看这篇" in lists["submitted"][0]
    # The counts at the top, and the model list still below.
    assert "2待审" in page.select_one(".desk-counts").get_text("", strip=True)
    assert page.select_one("#content-main .app-articles") is not None


def test_a_reporter_sees_their_returned_story_with_the_editors_note(client):
    reporter, editor = make_reporter(), make_editor()
    article = handed_in(reporter, "要改的稿")
    workflow.apply(article, "return", editor, note="导语太长，压到一百字以内。")
    client.force_login(reporter)
    _, lists = desk(client)
    assert "导语太长" in lists["returned"][0]
    assert "scheduled" not in lists  # editors' lists only


def test_scheduled_missing_photos_published_and_corrections(client, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_article("三小时后上线", published_at=now + timedelta(hours=3))
    make_article("下周上线", published_at=now + timedelta(days=7))
    waiting = make_article("等照片", published=False)
    make_figure(waiting, image=False)
    live = make_article("刚上线", published_at=now - timedelta(minutes=5))
    make_correction(live, note="更正：人名写错。")
    client.force_login(make_editor())
    _, lists = desk(client)
    assert any("三小时后上线" in item for item in lists["scheduled"])
    assert not any("下周上线" in item for item in lists["scheduled"])
    assert any("等照片" in item for item in lists["photos"])
    assert any("刚上线" in item for item in lists["published"])
    assert any("人名写错" in item for item in lists["corrections"])


def test_the_dashboard_costs_the_same_queries_with_ten_times_the_articles(client):
    editor = make_editor()
    reporter = make_reporter()
    client.force_login(editor)

    def grow(n, start):
        for i in range(n):
            handed_in(reporter, f"稿{start + i}")
            article = make_article(f"上线{start + i}")
            make_correction(article)
            make_figure(make_article(f"缺图{start + i}", published=False), image=False)

    grow(2, 0)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INDEX).status_code == 200
    grow(20, 100)
    with CaptureQueriesContext(connection) as many:
        assert client.get(INDEX).status_code == 200
    assert len(many) == len(few)

"""Photo renditions made by the task worker (articles/tasks.py), on the real queue.

These tests use the production backend (django-tasks-db: the queue is a table in the test
database) and its real worker loop, `manage.py db_worker --batch`, run in this process so it
reads the same test database. The rest of the suite runs tasks in place (tests/settings.py).
"""

import signal
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Figure, Rendition
from articles.publishing import photo_notes, publish_problems
from articles.tasks import ATTEMPTS, RETRY_DELAYS

from .factories import make_article, make_figure, make_staff

# transactional_db: the figure's save and its queued task commit as they do in production, and
# the worker reads them from its own transactions.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_worker():
    """`manage.py db_worker --batch`: run every task that is due, then stop."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    finally:  # the worker takes over Ctrl-C; pytest gets it back
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def figures_on_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select(".article figure")


def test_a_saved_photo_waits_for_the_worker_then_readers_see_it(client):
    article = make_article("等照片的文章")
    figure = make_figure(article, caption="西湖边的清晨", size=(1200, 800), credit="王强")

    # The save only queued the work: no rendition yet, one task waiting.
    assert not Rendition.objects.filter(figure=figure).exists()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "articles.tasks.make_renditions"

    # Readers see the caption and an empty box of the photo's shape, no broken picture.
    [shown] = figures_on_page(client, article)
    box = shown.select_one(".figure__processing")
    assert "aspect-ratio: 1200 / 800" in box["style"]
    assert shown.select("img") == []
    assert "西湖边的清晨" in shown.figcaption.get_text()
    assert "王强 摄" in shown.figcaption.get_text()
    # The publish check says so, without refusing to publish.
    assert "照片还在处理中（第 1 张）" in photo_notes(article)[0]
    assert publish_problems(article) == []

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    made = Rendition.objects.filter(figure=figure)
    assert made.filter(kind=Rendition.Kind.JPEG).exists()
    # The page the first visit stored is replaced: saving the renditions moved the page cache on.
    [shown] = figures_on_page(client, article)
    assert shown.select(".figure__processing") == []
    fallback = made.get(kind=Rendition.Kind.JPEG)
    assert shown.img["src"] == fallback.file.url
    assert (shown.img["width"], shown.img["height"]) == (str(fallback.width), str(fallback.height))
    assert Path(fallback.file.path).exists()
    assert photo_notes(article) == []


def test_a_photo_that_cannot_be_processed_is_retried_then_shown_to_staff_and_kept(
    client, time_machine
):
    article = make_article("照片坏了的文章", published=False)
    figure = make_figure(article, caption="会场", size=(900, 600))
    original = Path(figure.image.path)
    good_bytes = original.read_bytes()
    # The stored original goes bad after the upload was accepted (a disk fault, a half copy).
    original.write_bytes(good_bytes[: len(good_bytes) // 3])
    broken_bytes = original.read_bytes()

    run_worker()  # first attempt fails; the next is queued for later
    retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert retry.args_kwargs["args"] == [figure.pk, 2]
    assert retry.run_after > timezone.now() + timedelta(seconds=RETRY_DELAYS[0] - 2)
    assert Figure.objects.get(pk=figure.pk).rendition_failed_at is None  # not given up yet

    now = timezone.now()
    for delay in RETRY_DELAYS:
        now += timedelta(seconds=delay + 1)
        time_machine.move_to(now, tick=True)
        run_worker()

    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [t.status for t in attempts] == [TaskResultStatus.FAILED] * ATTEMPTS
    assert [t.args_kwargs["args"][1] for t in attempts] == [1, 2, 3]
    figure.refresh_from_db()
    assert figure.rendition_failed_at is not None
    assert "原图文件损坏" in figure.rendition_error
    assert not Rendition.objects.filter(figure=figure).exists()
    # Never lost: the original is where it was, as it was.
    assert original.read_bytes() == broken_bytes

    # Staff see it: on the figure's row in the admin, on the dashboard, in the publish checks.
    client.force_login(make_staff("chief", superuser=True))
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    row = BeautifulSoup(change.content, "html.parser").select_one(".figure-failed")
    assert "处理失败" in row.get_text() and "原图已保留" in row.get_text()
    desk = BeautifulSoup(client.get(reverse("admin:index")).content, "html.parser")
    photos = desk.select_one("#desk-photos").get_text(" ", strip=True)
    assert "照片坏了的文章" in photos and "照片处理失败" in photos
    assert any("第 1 张图片处理失败" in p for p in publish_problems(article))
    assert photo_notes(article) == []  # failed is not "still processing"
    # Readers of an article that is public meanwhile see the caption, never a broken picture.
    [shown] = figures_on_page(client, make_public(article))
    assert shown.select("img") == [] and "会场" in shown.figcaption.get_text()

    # Once the cause is mended, 重新处理照片 queues it again from the kept original.
    original.write_bytes(good_bytes)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reprocess_photos", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "已把 1 张照片重新排进处理队列" in response.content.decode()
    run_worker()
    figure.refresh_from_db()
    assert figure.rendition_failed_at is None and figure.rendition_error == ""
    assert Rendition.objects.filter(figure=figure, kind=Rendition.Kind.JPEG).exists()
    [shown] = figures_on_page(client, article)
    assert shown.img is not None


def make_public(article):
    article.status = article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(minutes=5)
    article.check_parts_in_clean = False
    article.save()
    return article

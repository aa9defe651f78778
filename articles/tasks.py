"""Work done outside the request, on Django's Tasks framework (django.tasks).

A figure's renditions are made by `make_renditions`, which a task worker runs
(`manage.py db_worker`, started by `make serve` and `make serve-prod`; docs/deploy.md for
production). Saving a figure only enqueues it (articles/signals.py), so an editor's save with
ten photos returns at once instead of after ten rounds of decoding and resizing.

The backend is django-tasks-db (settings.TASKS): the task is a row in the site's own database,
written in the same transaction as the figure. A save that rolls back leaves no task behind, a
save that commits always leaves one, even if the process dies the instant after (which
transaction.on_commit could not promise), and the worker cannot see it before the figure's row.

A failing task is tried again later (RETRY_DELAYS, ATTEMPTS in all). After the last attempt the
figure is marked failed (Figure.rendition_error, rendition_failed_at): staff see it in the
figure's row in the admin, on the desk's dashboard, and in the publish checks. The original is
never touched by a failure; the admin action 重新处理照片 (or a new upload) enqueues it again.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .images.renditions import sync_renditions
from .models import Figure

logger = logging.getLogger(__name__)

# Seconds to wait before the second and the third attempt: a storage hiccup has time to pass.
RETRY_DELAYS = (10, 60)
ATTEMPTS = len(RETRY_DELAYS) + 1


@task()
def make_renditions(figure_id, attempt=1):
    """Make (or bring up to date) the renditions of one figure; the number made."""
    figure = Figure.objects.filter(pk=figure_id).first()
    if figure is None:
        return 0  # deleted since: its files went with it
    try:
        # One transaction: the new rows and the old files' removal commit together, and the
        # page cache moves to a new generation once they have (saving a Rendition does that).
        with transaction.atomic():
            made = sync_renditions(figure)
    except Exception as error:
        if attempt < ATTEMPTS:
            logger.warning(
                "Renditions of figure %s failed (attempt %s of %s), trying again: %s",
                figure_id,
                attempt,
                ATTEMPTS,
                error,
            )
            enqueue(figure_id, attempt=attempt + 1, delay=RETRY_DELAYS[attempt - 1])
        else:
            Figure.objects.filter(pk=figure_id).update(
                rendition_error=describe(error)[:500], rendition_failed_at=timezone.now()
            )
        raise  # the task's own result records the traceback for whoever reads the queue
    if figure.rendition_failed_at is not None:
        Figure.objects.filter(pk=figure_id).update(rendition_error="", rendition_failed_at=None)
    return made


def enqueue(figure_id, *, attempt=1, delay=0):
    """Queue the renditions of one figure. Backends that cannot defer (ImmediateBackend, in the
    tests) run the next attempt at once."""
    job = make_renditions
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + timedelta(seconds=delay))
    return job.enqueue(figure_id, attempt)


def reprocess(figures):
    """Clear the failure mark of these figures and queue their renditions again; how many."""
    ids = list(figures.exclude(image="").values_list("pk", flat=True))
    with transaction.atomic():
        Figure.objects.filter(pk__in=ids).update(rendition_error="", rendition_failed_at=None)
        for figure_id in ids:
            enqueue(figure_id)
    return len(ids)


def describe(error):
    """What went wrong, for staff: plain words, then Pillow's or the storage's own."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(error, (UnidentifiedImageError, SyntaxError, Image.DecompressionBombError)):
        reason = "原图文件无法识别为图片"
    elif isinstance(error, FileNotFoundError):
        reason = "找不到原图文件"
    elif isinstance(error, OSError):
        reason = "原图文件损坏或读取失败"
    else:
        reason = "生成时出错"
    return f"{reason}（{type(error).__name__}: {error}）"
